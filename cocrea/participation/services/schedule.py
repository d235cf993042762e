"""A meeting's place in the calendar: created by staff, edited, rescheduled, cancelled.

Every change a calendar shows raises the meeting's ``sequence`` (the rule is
:func:`cocrea.participation.calendar.changes_calendar`), so subscribed calendars replace their copy.
People registered for the meeting hear about a new date, a new place or a cancellation by email,
with the updated ``.ics`` attached, once the transaction has committed.

A date outside the milestone's period is refused with :class:`OutsidePeriod` unless the person
confirmed it (``outside_period_confirmed``): a meeting of 2026 for a milestone that ended in 2020 is
almost always a typing mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.months import Month, MonthRange
from cocrea.core.versioning import save_edit
from cocrea.participation.calendar import calendar_for, changes_calendar
from cocrea.participation.models import Meeting, Registration
from cocrea.participation.services._checks import _require
from cocrea.plans import display
from cocrea.plans.models import Milestone

if TYPE_CHECKING:
    from cocrea.participation.services._checks import Actor

TITLE_MAX = 300
PLACE_MAX = 300
LINK_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 2000
CAPACITY_MAX = 100_000
#: Years a meeting may be set in at all (a typed "0219" or "20199" is refused, not confirmed).
YEARS = (2000, 2100)
#: The fields of a meeting's details, as the edit screen changes them.
DETAILS = ("title", "kind", "place", "online_link", "capacity", "description")


class OutsidePeriod(ValidationError):
    """The date falls outside the milestone's period and the person has not confirmed it."""

    def __init__(self, day: date, period: MonthRange) -> None:
        self.day = day
        self.period = period
        self.period_text = display.month_range(period)
        super().__init__(
            _(
                "La fecha %(day)s está fuera del período del hito (%(period)s). Revísela, o confirme "
                "que la reunión es fuera del período."
            )
            % {"day": date_format(day, "DATE_FORMAT"), "period": self.period_text}
        )


def milestone_period(milestone: Milestone) -> MonthRange | None:
    """The milestone's period (its first to last month), or its schedule's when it states none."""
    return milestone.span or milestone.schedule_range


def _check_period(milestone: Milestone, day: date, confirmed: bool) -> None:
    period = milestone_period(milestone)
    if period is None or confirmed:
        return
    if not period.start.first_day() <= day <= period.end.last_day():
        raise OutsidePeriod(day, period)


# --- Checking what people type --------------------------------------------------------------------


def _limit(text: str, limit: int, what: str) -> str:
    if len(text) > limit:
        raise ValidationError(
            _("%(what)s es demasiado largo: %(length)s caracteres de %(limit)s como máximo.")
            % {"what": what, "length": len(text), "limit": limit}
        )
    return text


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _paragraphs(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _link(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    _limit(value, LINK_MAX, _("El enlace"))
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise ValidationError(_("El enlace en línea no es una dirección web válida (https://…).")) from None
    if not urlsplit(value).hostname:
        raise ValidationError(_("El enlace en línea no es una dirección web válida (https://…)."))
    return value


def _details(
    *,
    title: str,
    kind: str,
    place: str,
    online_link: str,
    capacity: int | None,
    description: str,
) -> dict[str, Any]:
    title = _one_line(title)
    if not title:
        raise ValidationError(_("Escriba el título de la reunión."))
    if kind not in Meeting.Kind.values:
        raise ValidationError(_("Tipo de reunión desconocido: %(kind)s.") % {"kind": kind})
    if capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
        raise ValidationError(
            _("El cupo debe ser un número entre 1 y %(limit)s, o quedar vacío.") % {"limit": CAPACITY_MAX}
        )
    return {
        "title": _limit(title, TITLE_MAX, _("El título")),
        "kind": kind,
        "place": _limit(_one_line(place), PLACE_MAX, _("El lugar")),
        "online_link": _link(online_link),
        "capacity": capacity,
        "description": _limit(_paragraphs(description), DESCRIPTION_MAX, _("La descripción")),
    }


@dataclass(frozen=True)
class When:
    """The day, and the start and end times in the site's time zone, as stored."""

    day: date
    starts_at: datetime | None
    ends_at: datetime | None


def _when(day: date | None, starts: time | None, ends: time | None) -> When:
    if day is None:
        raise ValidationError(_("Indique la fecha."))
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValidationError(
            _("El año %(year)s no es válido: escriba una fecha entre %(first)s y %(last)s.")
            % {"year": day.year, "first": YEARS[0], "last": YEARS[1]}
        )
    if ends is not None and starts is None:
        raise ValidationError(_("Indique también la hora de inicio."))
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError(_("La hora de fin debe ser posterior a la de inicio."))
    zone = timezone.get_default_timezone()

    def moment(at: time | None) -> datetime | None:
        return timezone.make_aware(datetime.combine(day, at), zone) if at is not None else None

    return When(day, moment(starts), moment(ends))


def local_times(meeting: Meeting) -> tuple[time | None, time | None]:
    """The meeting's start and end times in the site's time zone (for the forms)."""
    zone = timezone.get_default_timezone()
    return tuple(  # type: ignore[return-value]
        timezone.localtime(value, zone).time().replace(second=0, microsecond=0) if value else None
        for value in (meeting.starts_at, meeting.ends_at)
    )


def meeting_day(meeting: Meeting) -> date | None:
    """The day the meeting is set for: its date, else the day of its start."""
    if meeting.actual_date is not None:
        return meeting.actual_date
    if meeting.starts_at is not None:
        return timezone.localtime(meeting.starts_at, timezone.get_default_timezone()).date()
    return None


# --- Creating and editing -------------------------------------------------------------------------


@transaction.atomic
def create_meeting(
    milestone: Milestone,
    *,
    title: str,
    kind: str,
    day: date | None,
    starts: time | None = None,
    ends: time | None = None,
    place: str = "",
    online_link: str = "",
    capacity: int | None = None,
    description: str = "",
    outside_period_confirmed: bool = False,
    by: Actor | None = None,
) -> Meeting:
    """A meeting staff add to the milestone's schedule, after the document's meetings; a working
    meeting takes the next number. It did not come from the plan document (no line there)."""
    _require(by, "add", "meeting", milestone)
    values = _details(
        title=title,
        kind=kind,
        place=place,
        online_link=online_link,
        capacity=capacity,
        description=description,
    )
    when = _when(day, starts, ends)
    _check_period(milestone, when.day, outside_period_confirmed)
    Milestone.objects.select_for_update().filter(pk=milestone.pk).first()  # serialise positions
    meetings = Meeting.objects.filter(milestone=milestone)
    position = (meetings.aggregate(last=Max("position"))["last"] or 0) + 1
    number = None
    if kind == Meeting.Kind.WORKING:
        number = (meetings.filter(kind=kind).aggregate(last=Max("number"))["last"] or 0) + 1
    month = Month.from_date(when.day).first_day()
    with operation("web"):
        return Meeting.objects.create(
            milestone=milestone,
            position=position,
            number=number,
            planned_month=month,
            planned_end_month=month,
            actual_date=when.day,
            starts_at=when.starts_at,
            ends_at=when.ends_at,
            **values,
        )


def _not_archived(meeting: Meeting) -> None:
    if getattr(meeting, "archived_at", None) is not None:
        raise ValidationError(_("La reunión está archivada: ya no se modifica."))


def _save(
    meeting: Meeting, expected_version: int, changes: dict[str, Any], basis: dict[str, Any] | None
) -> Meeting:
    """Save through the edit check; one more calendar revision when the event changes."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.edit_version == expected_version and changes_calendar(current, changes):
        changes = {**changes, "sequence": current.sequence + 1}
    return cast(Meeting, save_edit(Meeting, meeting.pk, expected_version, changes, basis=basis))


@transaction.atomic
def edit_meeting(
    meeting: Meeting,
    *,
    expected_version: int,
    title: str,
    kind: str,
    place: str = "",
    online_link: str = "",
    capacity: int | None = None,
    description: str = "",
    basis: dict[str, Any] | None = None,
    by: Actor | None = None,
) -> Meeting:
    """Change the meeting's details (not its date: :func:`reschedule_meeting`); StaleEdit if
    someone saved it since the editor opened it. People registered hear of a new place."""
    _require(by, "change", "meeting", meeting)
    _not_archived(meeting)
    values = _details(
        title=title,
        kind=kind,
        place=place,
        online_link=online_link,
        capacity=capacity,
        description=description,
    )
    before = (meeting.place, meeting.online_link)
    with operation("web"):
        saved = _save(meeting, expected_version, values, basis)
    if (saved.place, saved.online_link) != before and saved.status in ("scheduled", "postponed"):
        notify_after_commit(saved, "place", "")
    return saved


@transaction.atomic
def reschedule_meeting(
    meeting: Meeting,
    *,
    expected_version: int,
    day: date | None,
    starts: time | None = None,
    ends: time | None = None,
    reason: str = "",
    outside_period_confirmed: bool = False,
    basis: dict[str, Any] | None = None,
    by: Actor | None = None,
) -> Meeting:
    """A new date (and times): the meeting is scheduled for it, calendars get a new revision and
    the people registered an email with the new date."""
    _require(by, "change", "meeting", meeting)
    _not_archived(meeting)
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada: no se puede cambiar su fecha."))
    if meeting.status == "held":
        raise ValidationError(_("La reunión ya se realizó: no se puede cambiar su fecha."))
    when = _when(day, starts, ends)
    reason = _limit(_paragraphs(reason), REASON_MAX, _("El motivo"))
    if (when.day, when.starts_at, when.ends_at) == (meeting_day(meeting), meeting.starts_at, meeting.ends_at):
        raise ValidationError(_("La fecha y las horas son las mismas que ya tiene la reunión."))
    _check_period(meeting.milestone, when.day, outside_period_confirmed)
    changes = {
        "actual_date": when.day,
        "starts_at": when.starts_at,
        "ends_at": when.ends_at,
        "status": "scheduled",
        "status_reason": reason,
    }
    with operation("web"):
        saved = _save(meeting, expected_version, changes, basis)
    notify_after_commit(saved, "date", reason)
    return saved


@transaction.atomic
def cancel_meeting(
    meeting: Meeting, *, reason: str, expected_version: int | None = None, by: Actor | None = None
) -> Meeting:
    """Cancelled, with the reason shown on the meeting's page and in calendars (STATUS:CANCELLED);
    the people registered are told by email. Registrations stay, for the record."""
    _require(by, "change", "meeting", meeting)
    _not_archived(meeting)
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión ya estaba cancelada."))
    if meeting.status == "held":
        raise ValidationError(_("La reunión ya se realizó: no se puede cancelar."))
    reason = _limit(_paragraphs(reason), REASON_MAX, _("El motivo"))
    if not reason:
        raise ValidationError(
            _("Indique el motivo de la cancelación: se publica en la página de la reunión.")
        )
    version = meeting.edit_version if expected_version is None else expected_version
    with operation("web"):
        saved = _save(meeting, version, {"status": "cancelled", "status_reason": reason}, None)
    notify_after_commit(saved, "cancelled", reason)
    return saved


# --- Telling the people registered ----------------------------------------------------------------


def notify_after_commit(meeting: Meeting, change: str, reason: str) -> None:
    """Email the people registered once the transaction commits (nothing if it rolls back)."""
    pk = meeting.pk
    transaction.on_commit(lambda: notify_registered(pk, change, reason))


def when_text(meeting: Meeting) -> str:
    """The meeting's date and times, in words of the active language and the site's time zone."""
    zone = timezone.get_default_timezone()
    day = meeting_day(meeting)
    start = timezone.localtime(meeting.starts_at, zone) if meeting.starts_at is not None else None
    if start is not None and start.date() == day:  # a start on another day belongs to an old date
        values = {"day": date_format(start, "DATE_FORMAT"), "start": time_format(start, "TIME_FORMAT")}
        if meeting.ends_at is not None:
            values["end"] = time_format(timezone.localtime(meeting.ends_at, zone), "TIME_FORMAT")
            return _("%(day)s, de %(start)s a %(end)s") % values
        return _("%(day)s, a las %(start)s") % values
    if day is not None:
        return date_format(day, "DATE_FORMAT")
    return _("fecha por confirmar")


def _message(meeting: Meeting, change: str, reason: str, url: str) -> tuple[str, str]:
    values = {
        "meeting": meeting.title,
        "when": when_text(meeting),
        "where": meeting.place or meeting.online_link or _("por confirmar"),
        "reason": reason,
        "url": url,
    }
    if change == "cancelled":
        subject = _("Reunión cancelada: %(meeting)s") % values
        body = (
            _("La reunión «%(meeting)s», prevista para el %(when)s, se canceló.\n\nMotivo: %(reason)s")
            % values
        )
    elif change == "date":
        subject = _("Nueva fecha: %(meeting)s") % values
        body = (
            _("La reunión «%(meeting)s» cambió de fecha.\n\nNueva fecha: %(when)s\nLugar: %(where)s") % values
        )
        if reason:
            body += "\n" + _("Motivo: %(reason)s") % values
    else:
        subject = _("Nuevo lugar: %(meeting)s") % values
        body = _("La reunión «%(meeting)s» cambió de lugar.\n\nFecha: %(when)s\nLugar: %(where)s") % values
        if meeting.online_link and meeting.place:
            body += "\n" + _("En línea: %(link)s") % {"link": meeting.online_link}
    body += "\n\n" + _("Más información: %(url)s") % values
    body += "\n\n" + _("El archivo adjunto actualiza la reunión en su calendario.")
    return subject, body


def notify_registered(meeting_pk: int, change: str, reason: str = "") -> int:
    """Email everyone registered (confirmed or waiting) about a new date, a new place or a
    cancellation, with the meeting's updated ``.ics``; returns how many emails went out."""
    meeting = (
        Meeting.objects.select_related("milestone__commitment__action_plan")
        .prefetch_related("agenda")
        .filter(pk=meeting_pk)
        .first()
    )
    if meeting is None:
        return 0
    recipients = sorted(
        {
            email
            for email in Registration.objects.filter(
                meeting=meeting,
                status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING],
                person__anonymised_at=None,
            ).values_list("person__email", flat=True)
            if email and "@" in email
        }
    )
    if not recipients:
        return 0
    page = f"{settings.SITE_URL}{meeting.get_absolute_url()}"
    subject, body = _message(meeting, change, reason, page)
    ics = calendar_for([meeting], meeting.title, lambda _m: page, host=urlsplit(settings.SITE_URL).hostname)
    messages = []
    for to in recipients:
        message = EmailMessage(subject, body, None, [to])
        message.attach(f"reunion-{meeting.pk}.ics", ics, "text/calendar")
        messages.append(message)
    return get_connection(fail_silently=True).send_messages(messages) or 0
