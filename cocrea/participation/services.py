"""Writes to meetings: held, postponed or cancelled."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.participation.models import Meeting

OUTCOMES = {"held", "postponed", "cancelled"}


@transaction.atomic
def record_meeting_outcome(
    meeting: Meeting, *, outcome: str, by: Any, day: date | None = None, place: str = "", reason: str = ""
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
    with operation("web"):
        meeting.status = outcome
        meeting.actual_date = day
        meeting.place = place.strip()[:300]
        meeting.status_reason = reason.strip()
        meeting.version += 1
        meeting.save()
    return meeting
