"""A meeting's outcome, agenda, minutes (acta) and agreements."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.core.versioning import save_edit
from cocrea.participation.calendar import changes_calendar
from cocrea.participation.models import AgendaItem, Agreement, Meeting, MeetingDocument
from cocrea.participation.services._checks import _require
from cocrea.participation.services.schedule import notify_after_commit
from cocrea.plans.models import Organization

if TYPE_CHECKING:
    from cocrea.participation.services._checks import Actor

OUTCOMES = {"held", "postponed", "cancelled"}
MINUTES_MAX_LENGTH = 100_000


@transaction.atomic
def record_meeting_outcome(
    meeting: Meeting,
    *,
    outcome: str,
    by: Actor,
    day: date | None = None,
    place: str = "",
    reason: str = "",
) -> Meeting:
    """Held (actual date, place or link), postponed (new date, reason) or cancelled (reason)."""
    if not by.has_perm(permission("meeting", "change"), meeting):
        raise PermissionDenied
    if outcome not in OUTCOMES:
        raise ValidationError(_("Resultado desconocido: %(outcome)s.") % {"outcome": outcome})
    if outcome in ("held", "postponed") and day is None:
        raise ValidationError(_("Indique la fecha."))
    if outcome in ("postponed", "cancelled") and not reason.strip():
        raise ValidationError(_("Indique el motivo."))
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada."))
    changes = {
        "status": outcome,
        "actual_date": day,
        "place": place.strip()[:300],
        "status_reason": reason.strip(),
    }
    with operation("web"):
        if changes_calendar(meeting, changes):
            meeting.sequence += 1  # calendar subscribers get the change
        for name, value in changes.items():
            setattr(meeting, name, value)
        meeting.edit_version += 1
        meeting.save()
    if outcome == "cancelled":
        notify_after_commit(meeting, "cancelled", meeting.status_reason)
    elif outcome == "postponed":
        notify_after_commit(meeting, "date", meeting.status_reason)
    return meeting


# --- The agenda ----------------------------------------------------------------------------------


def _one_line(text: str, limit: int, missing: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(missing)
    if len(text) > limit:
        raise ValidationError(
            _("El texto es demasiado largo: %(length)s caracteres de %(limit)s como máximo.")
            % {"length": len(text), "limit": limit}
        )
    return text


def _renumber_agenda(items: list[AgendaItem]) -> None:
    """Positions 1…n in the given order, saving (and so auditing) only the rows that moved."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, title: str, by: Actor | None = None) -> AgendaItem:
    """A new point at the end of the meeting's agenda."""
    _require(by, "add", "agendaitem", meeting)
    title = _one_line(title, 300, _("Escriba el punto de la agenda."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise positions
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0
    with operation("web"):
        return AgendaItem.objects.create(meeting=meeting, position=last + 1, title=title)


@transaction.atomic
def edit_agenda_item(
    item: AgendaItem, *, title: str, expected_version: int | None = None, by: Actor | None = None
) -> AgendaItem:
    """Reword a point; :class:`~cocrea.core.versioning.StaleEdit` if someone changed it since the
    editor opened it (``expected_version``)."""
    _require(by, "change", "agendaitem", item)
    title = _one_line(title, 300, _("Escriba el punto de la agenda."))
    expected = item.edit_version if expected_version is None else expected_version
    with operation("web"):
        return cast(
            AgendaItem,
            save_edit(AgendaItem, item.pk, expected, {"title": title}, basis={"title": item.title}),
        )


@transaction.atomic
def move_agenda_item(item: AgendaItem, direction: str, *, by: Actor | None = None) -> AgendaItem:
    """One place up or down the agenda; the first point cannot go up, nor the last down."""
    _require(by, "change", "agendaitem", item)
    if direction not in ("up", "down"):
        raise ValidationError(_("Dirección desconocida: %(direction)s.") % {"direction": direction})
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=item.meeting_id).order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("Este punto ya no está en la agenda."))
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        raise ValidationError(
            _("El punto ya es el primero de la agenda.")
            if direction == "up"
            else _("El punto ya es el último de la agenda.")
        )
    items[index], items[target] = items[target], items[index]
    with operation("web"):
        _renumber_agenda(items)
    return next(row for row in items if row.pk == item.pk)


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, by: Actor | None = None) -> None:
    """Take a point off the agenda; the following points move up."""
    _require(by, "delete", "agendaitem", item)
    meeting_id = item.meeting_id
    with operation("web"):
        item.delete()
        rest = list(
            AgendaItem.objects.select_for_update().filter(meeting=meeting_id).order_by("position", "pk")
        )
        _renumber_agenda(rest)


# --- The minutes ---------------------------------------------------------------------------------


@transaction.atomic
def record_minutes(
    meeting: Meeting,
    *,
    text: str,
    expected_version: int,
    basis: str | None = None,
    by: Actor | None = None,
) -> Meeting:
    """The meeting's minutes (acta), plain text; refused if someone saved the meeting meanwhile."""
    _require(by, "change", "meeting", meeting)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MINUTES_MAX_LENGTH:
        raise ValidationError(
            _("El acta es demasiado larga: %(length)s caracteres de %(limit)s como máximo.")
            % {"length": len(text), "limit": MINUTES_MAX_LENGTH}
        )
    with operation("web"):
        saved = save_edit(
            Meeting,
            meeting.pk,
            expected_version,
            {"minutes": text},
            basis={"minutes": meeting.minutes if basis is None else basis},
        )
    return cast(Meeting, saved)


# --- Agreements ----------------------------------------------------------------------------------


def _agreement_values(
    text: str, owner_organization: Organization | None, owner_text: str, due_date: date | None
) -> dict[str, Any]:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Escriba el acuerdo."))
    if len(text) > 5000:
        raise ValidationError(_("El acuerdo es demasiado largo (5000 caracteres como máximo)."))
    owner_text = " ".join((owner_text or "").split())
    if owner_organization is None and not owner_text:
        raise ValidationError(_("Indique el responsable: una organización o un nombre."))
    if owner_organization is not None and owner_text:
        raise ValidationError(_("Elija una organización o escriba el responsable, no ambos."))
    if len(owner_text) > 200:
        raise ValidationError(_("El nombre del responsable es demasiado largo (200 caracteres como máximo)."))
    return {
        "text": text,
        "owner_organization": owner_organization,
        "owner_text": owner_text,
        "due_date": due_date,
    }


@transaction.atomic
def add_agreement(
    meeting: Meeting,
    *,
    text: str,
    owner_organization: Organization | None = None,
    owner_text: str = "",
    due_date: date | None = None,
    by: Actor | None = None,
) -> Agreement:
    """An action item agreed at the meeting: what, who answers for it, by when."""
    _require(by, "add", "agreement", meeting)
    values = _agreement_values(text, owner_organization, owner_text, due_date)
    with operation("web"):
        return Agreement.objects.create(meeting=meeting, **values)


@transaction.atomic
def edit_agreement(
    agreement: Agreement,
    *,
    expected_version: int,
    text: str,
    owner_organization: Organization | None = None,
    owner_text: str = "",
    due_date: date | None = None,
    basis: dict[str, Any] | None = None,
    by: Actor | None = None,
) -> Agreement:
    """Change an agreement; :class:`~cocrea.core.versioning.StaleEdit` if it changed meanwhile."""
    _require(by, "change", "agreement", agreement)
    values = _agreement_values(text, owner_organization, owner_text, due_date)
    changes = {**values, "owner_organization_id": getattr(owner_organization, "pk", None)}
    del changes["owner_organization"]
    with operation("web"):
        return cast(Agreement, save_edit(Agreement, agreement.pk, expected_version, changes, basis=basis))


@transaction.atomic
def complete_agreement(
    agreement: Agreement, *, day: date, expected_version: int | None = None, by: Actor | None = None
) -> Agreement:
    """Mark an agreement done on ``day`` (not in the future)."""
    _require(by, "change", "agreement", agreement)
    if day is None:
        raise ValidationError(_("Indique la fecha en que se cumplió."))
    if day > timezone.localdate():
        raise ValidationError(_("La fecha de cumplimiento no puede ser futura."))
    if agreement.done_at is not None:
        raise ValidationError(_("El acuerdo ya estaba cumplido."))
    version = agreement.edit_version if expected_version is None else expected_version
    with operation("web"):
        return cast(Agreement, save_edit(Agreement, agreement.pk, version, {"done_at": day}))


@transaction.atomic
def reopen_agreement(
    agreement: Agreement, *, expected_version: int | None = None, by: Actor | None = None
) -> Agreement:
    """Back to pending: it was marked done by mistake, or it needs more work."""
    _require(by, "change", "agreement", agreement)
    if agreement.done_at is None:
        raise ValidationError(_("El acuerdo ya está pendiente."))
    version = agreement.edit_version if expected_version is None else expected_version
    with operation("web"):
        return cast(Agreement, save_edit(Agreement, agreement.pk, version, {"done_at": None}))


@transaction.atomic
def delete_agreement(agreement: Agreement, *, by: Actor | None = None) -> None:
    _require(by, "delete", "agreement", agreement)
    with operation("web"):
        agreement.delete()


@transaction.atomic
def attach_meeting_document(
    meeting: Meeting, upload: Any, *, title: str, by: Actor | None = None
) -> MeetingDocument:
    """Publish a stored file as one of the meeting's documents (a download on the meeting page,
    where the meeting is public)."""
    _require(by, "add", "meetingdocument", meeting)
    title = " ".join((title or upload.original_name).split())[:300] or upload.original_name[:300]
    with operation("web"):
        return MeetingDocument.objects.create(meeting=meeting, title=title, upload=upload)
