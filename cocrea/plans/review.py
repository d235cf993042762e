"""Validation of progress reports, kept as data; :func:`check_review` is its one enforcer.

A report written by an institution's liaison waits for the plan's point of contact: validated, it
is published (the public and every published figure read validated reports only,
``ProgressEntry.objects.visible_to_public()``); returned, with a reason, it goes back to the liaison,
who corrects it (it waits again) or withdraws it. A liaison's correction of a validated report
waits again too. Reports written by whoever may validate them (the point of contact, an
administrator) or by the plan's coordinators and editors are validated as they are written.

Every step is a write of the report, so the audit trail keeps who validated or returned it, when,
and why. The plan's points of contact get an email when reports start waiting for them, and the
person who wrote a report gets one when it is returned (through the outbox: sent after the
transaction commits, never lost).
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.accounts.models import Role, RoleAssignment
from cocrea.accounts.rules import assignments, can_edit_rows, is_administrator, permission
from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.core.versioning import StaleEdit, save_edit
from cocrea.plans.models import Activity, Milestone, ProgressEntry, Review
from cocrea.plans.workflow import WorkflowError

# What each step may lead to. ``None`` is a report being written.
TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({Review.PENDING, Review.VALIDATED}),
    Review.PENDING: frozenset({Review.PENDING, Review.VALIDATED, Review.RETURNED}),
    # Corrected: by its author, it waits again; by whoever answers for the plan's rows, it is theirs.
    Review.RETURNED: frozenset({Review.PENDING, Review.VALIDATED}),
    Review.VALIDATED: frozenset({Review.VALIDATED, Review.PENDING}),  # a liaison's correction waits
}
REASON_REQUIRED = frozenset({Review.RETURNED})
# The point of contact's two steps, and the state each starts from.
STEPS: dict[str, frozenset[str]] = {
    "validate": frozenset({Review.PENDING}),
    "return": frozenset({Review.PENDING}),
}


def check_review(previous: str | None, review: str, reason: str = "", step: str = "") -> None:
    """Raise :class:`WorkflowError` unless a report may go from ``previous`` to ``review`` (by
    ``step``, when it is one of the point of contact's: validating or returning a waiting report)."""
    labels = dict(Review.choices)
    if review not in labels:
        raise WorkflowError(_("Estado de validación desconocido: %(state)s.") % {"state": review})
    if step and previous not in STEPS[step]:
        raise WorkflowError(
            _("Solo un reporte que espera su validación se valida o se devuelve; este está «%(state)s».")
            % {"state": labels.get(previous or "", previous)}
        )
    if review not in TRANSITIONS[previous]:
        raise WorkflowError(
            _("Un reporte «%(previous)s» no puede pasar a «%(state)s».")
            % {"previous": labels.get(previous or "", previous), "state": labels[review]}
        )
    if review in REASON_REQUIRED and not reason.strip():
        raise WorkflowError(_("Indique el motivo de la devolución: la persona que reportó lo leerá."))


def review_for(by: Any, subject: Activity | Milestone | ProgressEntry) -> str:
    """How a report written (or corrected) by ``by`` starts: validated when they may validate it or
    answer for the plan's rows (coordinator, editor), waiting when they report as a liaison."""
    if by is None or not getattr(by, "is_authenticated", False):
        return Review.VALIDATED  # the system: imports run by a command, the demo
    if by.has_perm(permission("progressentry", "publish"), subject) or can_edit_rows(by, subject):
        return Review.VALIDATED
    return Review.PENDING


def _reviewable(entry: ProgressEntry, by: Any, expected_version: int) -> ProgressEntry:
    if not by.has_perm(permission("progressentry", "publish"), entry):
        raise PermissionDenied
    current = ProgressEntry.objects.select_for_update().get(pk=entry.pk)
    if current.edit_version != expected_version:
        raise StaleEdit(current, [])
    if current.recorded_by_id is not None and current.recorded_by_id == getattr(by, "pk", None):
        raise WorkflowError(_("Otra persona valida lo que usted reportó."))
    return current


@transaction.atomic
def validate_progress(entry: ProgressEntry, *, expected_version: int, by: Any) -> ProgressEntry:
    """Publish a report that waits for validation: the public and the plan's figures count it."""
    current = _reviewable(entry, by, expected_version)
    check_review(current.review, Review.VALIDATED, step="validate")
    changes = {
        "review": Review.VALIDATED,
        "reviewed_by": acting_user(by),
        "reviewed_at": timezone.now(),
        "review_reason": "",
    }
    with operation("web"):
        return cast(ProgressEntry, save_edit(ProgressEntry, current.pk, expected_version, changes))


@transaction.atomic
def return_progress(entry: ProgressEntry, *, expected_version: int, reason: str, by: Any) -> ProgressEntry:
    """Send a waiting report back to the person who wrote it, saying why; it stays unpublished
    until they correct it (it waits again) or withdraw it."""
    reason = " ".join((reason or "").split())[:1000]
    current = _reviewable(entry, by, expected_version)
    try:
        check_review(current.review, Review.RETURNED, reason, step="return")
    except WorkflowError as refusal:
        if not reason:
            raise ValidationError({"review_reason": refusal.message}) from refusal
        raise
    changes = {
        "review": Review.RETURNED,
        "reviewed_by": acting_user(by),
        "reviewed_at": timezone.now(),
        "review_reason": reason,
    }
    with operation("web"):
        returned = cast(ProgressEntry, save_edit(ProgressEntry, current.pk, expected_version, changes))
    notify_returned(returned)
    return returned


def after_correction(entry: ProgressEntry, by: Any) -> dict[str, Any]:
    """The review fields a correction by ``by`` leaves on ``entry`` (checked by the enforcer)."""
    review = review_for(by, entry)
    check_review(entry.review, review)
    if review == entry.review:
        return {}
    return {"review": review, "reviewed_by": None, "reviewed_at": None, "review_reason": ""}


# --- emails -------------------------------------------------------------------------------------


def _send(subject: str, body: str, recipients: list[str]) -> int:
    messages = [EmailMessage(subject, body, None, [to]) for to in sorted(set(recipients)) if to and "@" in to]
    if not messages:
        return 0
    return get_connection(fail_silently=True).send_messages(messages) or 0


def _plan_of(entry: ProgressEntry) -> int | None:
    milestone = entry.activity.milestone if entry.activity is not None else entry.milestone
    return milestone.commitment.action_plan_id if milestone is not None else None


def notify_waiting(entries: list[ProgressEntry]) -> int:
    """Tell the plans' points of contact that reports wait for their validation: one email each,
    whatever the number of reports (a progress sheet of 40 rows is one email)."""
    waiting = [e for e in entries if e.review == Review.PENDING]
    if not waiting:
        return 0
    plans = {_plan_of(e) for e in waiting} - {None}
    contacts = RoleAssignment.objects.filter(
        role=Role.POINT_OF_CONTACT, action_plan_id__in=plans, user__is_active=True
    ).exclude(user_id__in={e.recorded_by_id for e in waiting if e.recorded_by_id})
    recipients = list(contacts.values_list("user__email", flat=True))
    authors = sorted({e.recorded_by.email for e in waiting if e.recorded_by is not None})
    subject = ngettext(
        "Un reporte de avance espera su validación",
        "%(count)s reportes de avance esperan su validación",
        len(waiting),
    ) % {"count": len(waiting)}
    lines = [f"- {_described(e)}" for e in waiting[:20]]
    if len(waiting) > 20:
        lines.append(_("… y %(count)s más.") % {"count": len(waiting) - 20})
    body = _(
        "%(who)s registró avances que no se publican hasta que usted los valide o los devuelva con "
        "un motivo:\n\n%(lines)s\n\nRevíselos en %(url)s"
    ) % {
        "who": ", ".join(authors) or _("Un enlace institucional"),
        "lines": "\n".join(lines),
        "url": f"{settings.SITE_URL}{reverse('staff:progress_review')}",
    }
    return _send(subject, body, recipients)


def notify_returned(entry: ProgressEntry) -> int:
    """Tell the person who wrote a report that it was returned, and why."""
    author = entry.recorded_by
    if author is None or not author.is_active:
        return 0
    screen = entry.get_staff_url()
    return _send(
        _("Su reporte de avance fue devuelto"),
        _(
            "El punto de contacto devolvió su reporte: %(report)s.\n\nMotivo: %(reason)s\n\n"
            "Corríjalo (vuelve a esperar la validación) o retírelo en %(url)s"
        )
        % {"report": _described(entry), "reason": entry.review_reason, "url": f"{settings.SITE_URL}{screen}"},
        [author.email],
    )


def _described(entry: ProgressEntry) -> str:
    values = {
        "day": date_format(entry.day, "SHORT_DATE_FORMAT"),
        "percent": f"{entry.percent_complete:.0f}",
        "status": entry.get_status_display(),
    }
    if entry.activity is not None:
        milestone = entry.activity.milestone
        return _(
            "compromiso %(commitment)s, hito %(milestone)s, actividad %(code)s: %(percent)s %% "
            "(%(status)s) al %(day)s"
        ) % {
            **values,
            "commitment": milestone.commitment.number,
            "milestone": milestone.number,
            "code": entry.activity.code,
        }
    milestone = cast(Milestone, entry.milestone)
    return _("compromiso %(commitment)s, hito %(milestone)s: %(percent)s %% (%(status)s) al %(day)s") % {
        **values,
        "commitment": milestone.commitment.number,
        "milestone": milestone.number,
    }


# --- queues --------------------------------------------------------------------------------------


def waiting_for(user: Any) -> QuerySet[ProgressEntry]:
    """The reports waiting for validation that ``user`` may validate (their plans' commitments, or
    every plan for an administrator), oldest first."""
    entries = ProgressEntry.objects.filter(review=Review.PENDING)
    if not is_administrator(user):
        plans = [a.action_plan_id for a in assignments(user) if a.role == Role.POINT_OF_CONTACT]
        entries = entries.filter(
            Q(activity__milestone__commitment__action_plan_id__in=plans)
            | Q(milestone__commitment__action_plan_id__in=plans)
        )
    entries = entries.select_related(
        "activity__milestone__commitment__action_plan",
        "milestone__commitment__action_plan",
        "recorded_by",
    )
    return entries.order_by("recorded_at", "pk")


def returned_to(user: Any) -> QuerySet[ProgressEntry]:
    """The reports ``user`` wrote that were returned to them, newest first."""
    return (
        ProgressEntry.objects.filter(review=Review.RETURNED, recorded_by=user)
        .select_related("activity__milestone__commitment", "milestone__commitment", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )
