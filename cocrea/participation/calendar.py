"""Meetings as iCalendar (RFC 5545): one event per meeting, a calendar of many.

Pure building: meeting objects (with ``milestone.commitment`` and ``agenda`` loaded) in, an
``icalendar.Event`` or the calendar's bytes out. No request, no query of its own.

What a calendar client needs to follow changes:

* the UID is stable per meeting (``meeting-<pk>@<host>``), so a client updates the event it has;
* SEQUENCE is ``meeting.sequence``, bumped by the services whenever a field the event shows
  changes (:data:`CALENDAR_FIELDS`, asked through :func:`changes_calendar`), so the newer copy wins;
* a cancelled meeting stays in the feed with ``STATUS:CANCELLED``, so clients remove it;
* a postponed meeting moves to its new date (``actual_date``), with the reason in the description.

Only public facts about the meeting go in: no attendees, registrations, minutes or anyone's
contact details.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.http.request import split_domain_port
from django.utils import formats
from django.utils.timezone import get_default_timezone_name
from django.utils.translation import gettext as _

from cocrea.computations.months import Month, MonthRange
from cocrea.participation.models import Meeting
from cocrea.plans import display

PRODID = "-//Cocrea//Gobierno Abierto//ES"
DEFAULT_HOST = "cocrea"
DEFAULT_DURATION = timedelta(hours=2)
#: How often calendar clients should poll the feed (RFC 7986 REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH = timedelta(minutes=15)

STATUS = {
    "scheduled": "CONFIRMED",
    "held": "CONFIRMED",
    "postponed": "CONFIRMED",
    "cancelled": "CANCELLED",
}

#: The meeting's fields an event shows: a change to any of them is a new revision (SEQUENCE + 1).
#: The one rule; every service that saves a meeting asks :func:`changes_calendar`.
CALENDAR_FIELDS = frozenset(
    {
        "title",
        "kind",
        "description",
        "planned_month",
        "planned_end_month",
        "actual_date",
        "starts_at",
        "ends_at",
        "place",
        "online_link",
        "status",
        "status_reason",
    }
)


def changes_calendar(meeting: Meeting, changes: dict[str, Any]) -> bool:
    """Whether saving ``changes`` (field → new value) on ``meeting`` changes its calendar event."""
    return any(name in CALENDAR_FIELDS and getattr(meeting, name) != value for name, value in changes.items())


# RFC 5545 TEXT allows no control characters but HTAB (line breaks are escaped as ``\n``).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URI_UNSAFE = re.compile(r"[\x00-\x20\x7f]")


def _text(value: str) -> str:
    """Free text as one or more clean lines: CR/LF normalised, other control characters dropped."""
    return _CONTROL.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))


def _line(value: str) -> str:
    """Free text on a single line (SUMMARY, LOCATION)."""
    return " ".join(_text(value).split())


def _uri(value: str) -> str:
    """A URI never carries whitespace or control characters (icalendar does not escape URIs)."""
    return _URI_UNSAFE.sub("", value)


def _host(host: str | None) -> str:
    """The request's host without its port, or ``cocrea``; only DNS characters are kept."""
    domain, _port = split_domain_port(host or "")
    return re.sub(r"[^a-z0-9.:\[\]-]", "", domain) or DEFAULT_HOST


def meeting_uid(meeting: Meeting, host: str | None = None) -> str:
    """Stable per meeting: ``meeting-42@cocrea.example.org`` (the port, if any, is dropped)."""
    return f"meeting-{meeting.pk}@{_host(host)}"


def _local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def _timing(meeting: Meeting, zone: str) -> tuple[date | datetime, date | datetime, bool] | None:
    """(start, end, tentative): UTC datetimes when the time is known, else an all-day date.

    ``actual_date`` (the real date, or the new date when postponed) decides the day: a start time
    on another day belongs to the old date, so the event becomes all-day on the new one.
    """
    starts_at = meeting.starts_at
    if starts_at is not None and (
        meeting.actual_date is None or _local_date(starts_at, zone) == meeting.actual_date
    ):
        ends_at = meeting.ends_at if meeting.ends_at and meeting.ends_at > starts_at else None
        start = starts_at.astimezone(UTC)
        return start, (ends_at.astimezone(UTC) if ends_at else start + DEFAULT_DURATION), False
    if meeting.actual_date is not None:
        return meeting.actual_date, meeting.actual_date + timedelta(days=1), False
    if meeting.planned_month is not None:
        return meeting.planned_month, meeting.planned_month + timedelta(days=1), True
    return None


def _planned(meeting: Meeting) -> str:
    if meeting.planned_month is None:
        return ""
    start = Month.from_date(meeting.planned_month)
    end = Month.from_date(meeting.planned_end_month) if meeting.planned_end_month else start
    return display.month_range(MonthRange(start, max(start, end)))


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _summary(meeting: Meeting, tentative: bool) -> str:
    values = {"title": _line(meeting.title), "number": meeting.milestone.commitment.number}
    if tentative:
        return _("%(title)s — compromiso %(number)s (fecha por confirmar)") % values
    return _("%(title)s — compromiso %(number)s") % values


def _status_line(meeting: Meeting) -> str:
    reason = _text(meeting.status_reason.strip())
    if meeting.status == "cancelled":
        if reason:
            return _("Reunión cancelada. Motivo: %(reason)s") % {"reason": reason}
        return _("Reunión cancelada.")
    if meeting.status == "postponed":
        values = {"day": _day(meeting.actual_date) if meeting.actual_date else "", "reason": reason}
        if meeting.actual_date and reason:
            return _("Reunión pospuesta al %(day)s. Motivo: %(reason)s") % values
        if meeting.actual_date:
            return _("Reunión pospuesta al %(day)s.") % values
        if reason:
            return _("Reunión pospuesta. Motivo: %(reason)s") % values
        return _("Reunión pospuesta.")
    if meeting.status == "held":
        return _("Reunión realizada.")
    return ""


def _description(meeting: Meeting, url: str, tentative: bool) -> str:
    milestone = meeting.milestone
    lines = [
        _("%(kind)s del hito %(milestone)s, compromiso %(number)s.")
        % {
            "kind": meeting.get_kind_display(),
            "milestone": milestone.number,
            "number": milestone.commitment.number,
        }
    ]
    status = _status_line(meeting)
    if status:
        lines.append(status)
    if meeting.description.strip():
        lines.append(_text(meeting.description.strip()))
    if tentative:
        lines.append(_("Fecha por confirmar: planificada para %(month)s.") % {"month": _planned(meeting)})
    if meeting.place and meeting.online_link:
        lines.append(_("En línea: %(link)s") % {"link": _uri(meeting.online_link)})
    agenda = [item.title for item in meeting.agenda.all()]
    if agenda:
        lines.append("")
        lines.append(_("Agenda:"))
        lines.extend(f"{index}. {_line(title)}" for index, title in enumerate(agenda, start=1))
    lines.append("")
    lines.append(_("Más información: %(url)s") % {"url": _uri(url)})
    return "\n".join(lines)


def meeting_event(
    meeting: Meeting,
    url: str,
    *,
    host: str | None = None,
    stamp: datetime | None = None,
    zone: str | None = None,
) -> icalendar.Event:
    """The meeting as a VEVENT; ``url`` is its public page (absolute)."""
    zone = zone or get_default_timezone_name()
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting, host))
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("sequence", meeting.sequence)
    timing = _timing(meeting, zone)
    tentative = timing is None or timing[2]
    if timing is not None:
        event.add("dtstart", timing[0])
        event.add("dtend", timing[1])
    event.add("summary", _summary(meeting, tentative))
    event.add("description", _description(meeting, url, tentative))
    location = _line(meeting.place) or _uri(meeting.online_link)
    if location:
        event.add("location", location)
    event.add("url", _uri(url))
    event.add("status", STATUS.get(meeting.status, "CONFIRMED"))
    event.add("class", "PUBLIC")
    event.add("transp", "TRANSPARENT" if tentative else "OPAQUE")
    return event


def calendar_for(
    meetings: Iterable[Meeting],
    name: str,
    url_for: Callable[[Meeting], str],
    *,
    host: str | None = None,
    stamp: datetime | None = None,
    zone: str | None = None,
    source: str | None = None,
) -> bytes:
    """A VCALENDAR with one VEVENT per dated meeting; ``url_for(meeting)`` gives its public page."""
    zone = zone or get_default_timezone_name()
    stamp = stamp or datetime.now(UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _line(name))
    calendar.add("name", _line(name))
    calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    if source:
        calendar.add("source", _uri(source), parameters={"VALUE": "URI"})
    for meeting in meetings:
        if _timing(meeting, zone) is None:
            continue  # no date at all yet: nothing a calendar can show
        calendar.add_component(meeting_event(meeting, url_for(meeting), host=host, stamp=stamp, zone=zone))
    return bytes(calendar.to_ical())


def events_of(data: bytes) -> list[Any]:
    """The VEVENTs of an iCalendar document (for callers and tests that read a feed back)."""
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
