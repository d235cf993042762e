"""Writes that record execution: progress reports (one by one or from a spreadsheet, whose template
is here too; corrected or withdrawn where the workflow allows it) and baselines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.audit.models import AuditEntry
from cocrea.computations.sheets import describe_keys, read_progress
from cocrea.core.actors import acting_user
from cocrea.core.sheet_import import refuse_what_they_may_not_change, rehearse_all, write_all_or_nothing
from cocrea.core.versioning import StaleEdit, save_edit_with_reason
from cocrea.plans import sheet_templates
from cocrea.plans.models import Activity, ActivityStatus, Baseline, Evidence, Milestone, ProgressEntry, Review
from cocrea.plans.review import after_correction, notify_waiting, review_for
from cocrea.plans.workflow import WorkflowError, check_transition, derive_status


def _of(subject: Activity | Milestone) -> dict[str, Any]:
    """The filter of a subject's reports: an activity's, or a milestone's tracked directly."""
    return {"milestone": subject} if isinstance(subject, Milestone) else {"activity": subject}


def same_subject(entry: ProgressEntry) -> Q:
    """The reports of the same activity, or of the same milestone tracked directly, that the
    workflow follows with ``entry``: a report returned by the point of contact is no one's state."""
    same = Q(activity_id=entry.activity_id) if entry.activity_id else Q(milestone_id=entry.milestone_id)
    return same & (~Q(review=Review.RETURNED) | Q(pk=entry.pk))


@transaction.atomic
def record_progress(
    subject: Activity | Milestone,
    *,
    day: date,
    percent: Decimal,
    by: Any,
    status: str | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    note: str = "",
    reason: str = "",
    evidence: list[tuple[str, str]] | None = None,
    evidence_files: list[tuple[str, Any]] | None = None,
    check_permission: bool = True,
    notify: bool = True,
) -> ProgressEntry:
    """Add a dated progress report of an activity, or of a milestone tracked directly (one without
    a detailed work plan: once it has activities, they are what is reported), enforcing the
    status workflow against its neighbours. A liaison's report waits for validation
    (:mod:`cocrea.plans.review`)."""
    if check_permission and not by.has_perm(permission("progressentry", "add"), subject):
        raise PermissionDenied
    if isinstance(subject, Milestone) and subject.activities.exists():
        raise WorkflowError(_("Este hito tiene plan de trabajo: el avance se reporta por sus actividades."))
    percent = Decimal(percent).quantize(Decimal("0.01"))
    status = status or derive_status(percent)
    entries = list(
        ProgressEntry.objects.select_for_update().filter(**_of(subject)).in_effect().order_by("day", "pk")
    )
    before = [e for e in entries if e.day <= day]
    after = [e for e in entries if e.day > day]
    check_transition(before[-1].status if before else None, status, percent, reason)
    if after:
        check_transition(status, after[0].status, after[0].percent_complete, after[0].reason or "-")
    if actual_start and actual_end and actual_end < actual_start:
        raise WorkflowError(_("El fin real no puede ser anterior al inicio real."))
    with operation("web"):
        entry = ProgressEntry.objects.create(
            **_of(subject),
            day=day,
            percent_complete=percent,
            status=status,
            actual_start=actual_start or (before[-1].actual_start if before else None),
            actual_end=actual_end,
            note=note,
            reason=reason,
            recorded_by=acting_user(by),
            review=review_for(by, subject),
        )
        for title, url in evidence or ():
            Evidence.objects.create(entry=entry, title=title[:300], url=url)
        for title, upload in evidence_files or ():
            Evidence.objects.create(entry=entry, title=title[:300], upload=upload)
    if notify:
        notify_waiting([entry])  # a liaison's report: the point of contact is told
    return entry


def snapshot(milestone: Milestone) -> dict[str, Any]:
    return {
        "bac": str(milestone.budget_lines.total()),
        "activities": [
            {
                "id": a.pk,
                "code": a.code,
                "start": a.planned_start.isoformat() if a.planned_start else None,
                "end": a.planned_end.isoformat() if a.planned_end else None,
                "weight": str(a.weight),
            }
            for a in milestone.activities.all()
        ],
        "budget_lines": [
            {"id": line.pk, "number": line.number, "amount": str(line.stated_cost or 0)}
            for line in milestone.budget_lines.all()
        ],
    }


@transaction.atomic
def approve_baseline(
    milestone: Milestone, *, by: Any, reason: str = "", effective_from: date | None = None
) -> Baseline:
    """Freeze the plan as a baseline; re-planning after the first needs a reason."""
    if not by.has_perm(permission("milestone", "change"), milestone):
        raise PermissionDenied
    previous = milestone.baselines.order_by("-number").first()
    if previous is not None and not reason.strip():
        raise WorkflowError(_("Una nueva línea base necesita el motivo de la replanificación."))
    with operation("web"):
        return Baseline.objects.create(
            milestone=milestone,
            number=(previous.number + 1) if previous else 1,
            approved_at=timezone.now(),
            effective_from=effective_from or timezone.localdate(),
            approved_by=acting_user(by),
            reason=reason,
            snapshot=snapshot(milestone),
        )


def baseline_at(milestone: Milestone, day: date) -> Baseline | None:
    """The baseline in force at ``day``: the latest effective at or before it."""
    return milestone.baselines.filter(effective_from__lte=day).order_by("-effective_from", "-number").first()


# --- Bulk import from spreadsheets ---------------------------------------------------------------


def activity_keys(milestone: Milestone) -> dict[str, Activity]:
    """``"01"``, ``"1"`` and ``"A"`` all name the same activity."""
    keys: dict[str, Activity] = {}
    for activity in milestone.activities.prefetch_related("responsible"):  # the rule reads them
        if activity.number is not None:
            keys[f"{activity.number:02d}"] = activity
        if activity.letter:
            keys[activity.letter.upper()] = activity
        if activity.number is None and not activity.letter:
            keys[str(activity.position)] = activity
    return keys


def import_progress(milestone: Milestone, data: bytes, *, by: Any, write: bool = True) -> Any:
    """Read a progress spreadsheet and, if every row is valid, record all of it in one transaction.

    Returns the reader's result; its ``errors`` include workflow errors found while writing, in
    which case nothing was written. ``write=False`` is a preview: every row is written and the
    whole of it rolled back, so that the preview finds what the writing would (a status the
    workflow refuses, an activity ``by`` may not report on) and writes nothing.
    """
    keys = activity_keys(milestone)
    result = refuse_what_they_may_not_change(
        read_progress(data, keys, describe_keys(keys)),
        by,
        permission("progressentry", "add"),
        lambda row: row.activity,
        "activity",
        lambda activity: (
            _("Usted no puede registrar el avance de la actividad %(code)s.") % {"code": activity.code}
        ),
    )
    if result.errors:
        return result

    written: list[ProgressEntry] = []

    def write_row(row: Any) -> None:
        written.append(
            record_progress(
                row.activity,
                day=row.day,
                percent=row.percent,
                status=None if row.status_derived else row.status,
                actual_start=row.actual_start,
                actual_end=row.actual_end,
                note=row.note,
                reason=row.note if row.status in ("delayed", "cancelled") else "",
                by=by,
                check_permission=by is not None,
                notify=False,
            )
        )

    run = write_all_or_nothing if write else rehearse_all
    outcome = run(result, write_row, (WorkflowError, PermissionDenied), "status")
    if write and not outcome.errors:
        notify_waiting(written)  # one email for the whole sheet
    return outcome


def progress_template(milestone: Milestone, *, by: Any = None) -> bytes:
    """The progress spreadsheet to fill in, in the interface language, with the activities ``by``
    may report on (all of them when ``by`` is None) and the statuses in its drop-downs."""
    activities = [
        activity
        for activity in milestone.activities.prefetch_related("responsible")
        if by is None or by.has_perm(permission("progressentry", "add"), activity)
    ]
    return sheet_templates.progress_template(
        [sheet_templates.choice(a.code, a.title) for a in activities],
        [str(label) for _value, label in ActivityStatus.choices],
        milestone=sheet_templates.milestone_name(milestone),
        today=timezone.localdate(),
    )


# --- Corrections: the latest report of an activity may be corrected or withdrawn -----------------

CORRECTION_RULE = gettext_lazy(
    "Solo se puede corregir o retirar el último reporte de una actividad (o de un hito seguido "
    "directamente), y solo si no se aprobó "
    "una línea base después de registrarlo: el reporte siguiente parte del estado de este, y una "
    "línea base se aprueba con los reportes de entonces a la vista. Para cambiar el avance de un "
    "reporte anterior, registre un nuevo reporte."
)


def _day(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def correction_refusal(entry: ProgressEntry) -> str | None:
    """Why the workflow keeps ``entry`` as it is, or ``None`` when it may be corrected or withdrawn.

    A report is the activity's state from its date on, and the next report's transition starts
    from it: only the latest report (by date, then by order of recording) may change. A baseline
    approved after the report was recorded was decided with it in view: the report stays as it is.
    """
    later = (
        ProgressEntry.objects.filter(same_subject(entry))
        .filter(Q(day__gt=entry.day) | Q(day=entry.day, pk__gt=entry.pk))
        .order_by("day", "pk")
        .first()
    )
    if later is not None:
        return _(
            "Este reporte ya no se puede corregir ni retirar: el reporte del %(day)s parte de él. "
            "Registre un nuevo reporte para cambiar el avance."
        ) % {"day": _day(later.day)}
    baseline = (
        Baseline.objects.filter(milestone_id=entry.milestone_id_of_subject, approved_at__gt=entry.recorded_at)
        .order_by("number")
        .first()
    )
    if baseline is not None:
        return _(
            "Este reporte ya no se puede corregir ni retirar: la línea base %(number)s se aprobó "
            "después de registrarlo, con este reporte a la vista. Registre un nuevo reporte para "
            "cambiar el avance."
        ) % {"number": baseline.number}
    return None


def _locked_neighbours(entry: ProgressEntry) -> tuple[ProgressEntry, ProgressEntry | None]:
    """``entry`` as stored, and the report before it, with the activity's reports locked."""
    entries = list(
        ProgressEntry.objects.select_for_update().filter(same_subject(entry)).order_by("day", "pk")
    )
    index = next((i for i, e in enumerate(entries) if e.pk == entry.pk), None)
    if index is None:
        raise WorkflowError(_("Este reporte ya fue retirado."))
    return entries[index], (entries[index - 1] if index else None)


def _refuse_unless_correctable(current: ProgressEntry, expected_version: int) -> None:
    if current.edit_version != expected_version:
        raise StaleEdit(current, [])
    refusal = correction_refusal(current)
    if refusal:
        raise WorkflowError(refusal)


def _correction_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())[:1000]
    if not reason:
        raise ValidationError({"correction_reason": _("Indique el motivo de la corrección.")})
    return reason


@transaction.atomic
def correct_progress(
    entry: ProgressEntry,
    *,
    expected_version: int,
    day: date,
    percent: Decimal,
    by: Any,
    correction_reason: str,
    status: str | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    note: str = "",
    reason: str = "",
    basis: dict[str, Any] | None = None,
) -> ProgressEntry:
    """Correct the latest report of an activity, saying why (``correction_reason``).

    The corrected values obey the workflow as a new report would, against the report before it,
    and its date stays after that report's. Refused with :class:`WorkflowError` where
    :func:`correction_refusal` says so; :class:`~cocrea.core.versioning.StaleEdit` if the report
    changed since the form was opened. Its evidence stays with it."""
    if not by.has_perm(permission("progressentry", "change"), entry):
        raise PermissionDenied
    correction_reason = _correction_reason(correction_reason)
    current, previous = _locked_neighbours(entry)
    _refuse_unless_correctable(current, expected_version)
    percent = Decimal(percent).quantize(Decimal("0.01"))
    status = status or derive_status(percent)
    if previous is not None and (day, current.pk) < (previous.day, previous.pk):
        raise WorkflowError(
            _("La fecha no puede ser anterior a la del reporte que lo precede (%(day)s).")
            % {"day": _day(previous.day)}
        )
    check_transition(previous.status if previous else None, status, percent, reason)
    if actual_start and actual_end and actual_end < actual_start:
        raise WorkflowError(_("El fin real no puede ser anterior al inicio real."))
    changes = {
        "day": day,
        "percent_complete": percent,
        "status": status,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "note": note,
        "reason": reason,
        **after_correction(current, by),
    }
    with operation("web"):
        saved = cast(
            ProgressEntry,
            save_edit_with_reason(
                ProgressEntry,
                current.pk,
                expected_version,
                changes,
                reason_field="correction_reason",
                reason=correction_reason,
                basis=basis,
            ),
        )
    if changes.get("review") == Review.PENDING:
        notify_waiting([saved])  # waiting again: the point of contact is told
    return saved


@transaction.atomic
def withdraw_progress(entry: ProgressEntry, *, expected_version: int, reason: str, by: Any) -> None:
    """Withdraw the latest report of an activity, saying why: the activity's state is again the
    report before it (or none). The reason is saved on the report, then the report and its
    evidence are deleted; both steps stay in the change history, which keeps every value."""
    if not by.has_perm(permission("progressentry", "delete"), entry):
        raise PermissionDenied
    reason = _correction_reason(reason)
    current, _previous = _locked_neighbours(entry)
    _refuse_unless_correctable(current, expected_version)
    with operation("web"):
        saved = save_edit_with_reason(
            ProgressEntry, current.pk, expected_version, {}, reason_field="correction_reason", reason=reason
        )
        saved.delete()


@dataclass(frozen=True)
class WithdrawnReport:
    """A withdrawn report as the change history keeps it."""

    day: date | None
    percent: str
    status: str
    reason: str
    withdrawn_at: Any
    withdrawn_by: str


def withdrawn_reports(subject: Activity | Milestone) -> list[WithdrawnReport]:
    """The withdrawn reports of an activity or of a milestone tracked directly, newest first, read
    from the change history (one query)."""
    field = "milestone" if isinstance(subject, Milestone) else "activity"
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressEntry),
        action=AuditEntry.Action.DELETE,
        **{f"changes__{field}__0": subject.pk},
    ).order_by("-timestamp", "-pk")
    labels = dict(ActivityStatus.choices)
    found = []
    for audit in entries:
        values = {name: change[0] for name, change in audit.changes.items() if isinstance(change, list)}
        day, status = values.get("day"), str(values.get("status") or "")
        found.append(
            WithdrawnReport(
                day=date.fromisoformat(day) if isinstance(day, str) else None,
                percent=str(values.get("percent_complete") or "0"),
                status=str(labels.get(status, status)),
                reason=str(values.get("correction_reason") or ""),
                withdrawn_at=audit.timestamp,
                withdrawn_by=audit.actor_label,
            )
        )
    return found


def correction_state(
    subject: Activity | Milestone, entries: list[ProgressEntry], user: Any
) -> dict[str, Any]:
    """What the progress screen of an activity (or of a milestone tracked directly) shows about
    corrections: the report that may be corrected or withdrawn (if any, and whether ``user`` may),
    the rule, and the withdrawn reports. ``entries`` are its reports, newest first."""
    latest = entries[0] if entries else None
    correctable = latest if latest is not None and correction_refusal(latest) is None else None
    return {
        "correctable": correctable,
        "may_correct": bool(correctable)
        and user.has_perm(permission("progressentry", "change"), correctable),
        "may_withdraw": bool(correctable)
        and user.has_perm(permission("progressentry", "delete"), correctable),
        "correction_rule": CORRECTION_RULE,
        "withdrawn": withdrawn_reports(subject),
    }
