"""Signing up for meetings, cancelling, and the emails that go with them: a confirmation (or the
waiting list) and a reminder, each in the person's language, in plain text and HTML, with the
meeting's date, times (the site's time zone), place or link, its page and its ``.ics``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.participation.calendar import calendar_for
from cocrea.participation.models import Meeting, Person, Registration
from cocrea.plans.models import Organization


@transaction.atomic
def register_for_meeting(
    meeting: Meeting, person: Person, organization: Organization | None = None
) -> Registration:
    """Sign up; past the meeting's capacity the person joins the waiting list. Emails a confirmation."""
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise sign-ups per meeting
    existing = Registration.objects.filter(meeting=meeting, person=person).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        return existing
    confirmed = Registration.objects.filter(meeting=meeting, status=Registration.Status.CONFIRMED).count()
    full = meeting.capacity is not None and confirmed >= meeting.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    with operation("web"):
        if existing:
            existing.status, existing.organization = status, organization
            existing.save()
            registration = existing
        else:
            registration = Registration.objects.create(
                meeting=meeting, person=person, organization=organization, status=status
            )
    _notify(registration)
    return registration


@transaction.atomic
def cancel_registration(registration: Registration) -> Registration | None:
    """Cancel a sign-up; the first person on the waiting list takes the freed place."""
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    with operation("web"):
        registration.status = Registration.Status.CANCELLED
        registration.save()
        promoted = None
        if was_confirmed:
            promoted = (
                Registration.objects.select_for_update()
                .filter(meeting=registration.meeting, status=Registration.Status.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.save()
    if promoted is not None:
        _notify(promoted)
    return promoted


def _notify(registration: Registration) -> None:
    """Confirmation (or waiting-list) email, to the person's address, if they have one."""
    send_meeting_email(registration, CONFIRMATION)


def send_reminders(day: date) -> int:
    """Remind confirmed participants of the meetings held on ``day`` (once each); cancelled and
    archived meetings are not reminded of."""
    due = (
        Registration.objects.select_related("meeting__milestone__commitment__action_plan", "person")
        .prefetch_related("meeting__agenda")
        .filter(status=Registration.Status.CONFIRMED, reminded_at=None, meeting__archived_at=None)
        .filter(Q(meeting__starts_at__date=day, meeting__actual_date=None) | Q(meeting__actual_date=day))
        .exclude(meeting__status="cancelled")
        .exclude(person__email="")
        .exclude(person__anonymised_at__isnull=False)
    )
    sent = 0
    for registration in due:
        with transaction.atomic():  # the email (an outbox row) and the mark commit together: once
            send_meeting_email(registration, REMINDER)
            registration.reminded_at = timezone.now()
            registration.save(update_fields=["reminded_at"])
        sent += 1
    return sent


# --- The emails: what, when, where, the page, and the calendar entry ------------------------------

CONFIRMATION = "confirmation"
REMINDER = "reminder"


@dataclass(frozen=True)
class MeetingWhen:
    """A meeting's date and times as a person reads them: localized, in the site's time zone."""

    day: str  # "martes 12 de mayo de 2026"; blank when not set
    start: str  # "09:00"; blank without a time
    end: str
    zone: str  # "America/Guatemala"
    tentative: str  # "mayo de 2026" when only the month is planned


def meeting_when(meeting: Meeting) -> MeetingWhen:
    """The date in the active language; times in the site's time zone (a start on another day
    than ``actual_date`` belongs to an earlier date: only the day is given)."""
    zone = timezone.get_default_timezone()
    start = timezone.localtime(meeting.starts_at, zone) if meeting.starts_at else None
    day = meeting.actual_date or (start.date() if start else None)
    if start is not None and start.date() != day:
        start = None
    end = timezone.localtime(meeting.ends_at, zone) if start and meeting.ends_at else None
    tentative = ""
    if day is None and meeting.planned_month is not None:
        tentative = date_format(meeting.planned_month, "YEAR_MONTH_FORMAT")
    return MeetingWhen(
        day=f"{date_format(day, 'l')} {date_format(day, 'DATE_FORMAT')}" if day else "",
        start=time_format(start, "H:i") if start else "",
        end=time_format(end, "H:i") if end else "",
        zone=str(zone),
        tentative=tentative,
    )


def meeting_email(registration: Registration, kind: str) -> EmailMultiAlternatives:
    """The email about ``registration`` (``CONFIRMATION``: confirmed or waiting list; ``REMINDER``),
    in the person's language: plain text and HTML, with the meeting's ``.ics`` when the person
    has a place."""
    person, meeting = registration.person, registration.meeting
    with translation.override(person.language or settings.LANGUAGE_CODE):
        page = f"{settings.SITE_URL}{reverse('participation:meeting', args=[meeting.pk])}"
        waiting = registration.status == Registration.Status.WAITING
        values = {"meeting": " ".join(meeting.title.split())}
        if kind == REMINDER:
            subject = _("Recordatorio: %(meeting)s") % values
        elif waiting:
            subject = _("Lista de espera: %(meeting)s") % values
        else:
            subject = _("Inscripción confirmada: %(meeting)s") % values
        context = {
            "kind": kind,
            "waiting": waiting,
            "meeting": meeting,
            "milestone": meeting.milestone,
            "commitment": meeting.milestone.commitment,
            "when": meeting_when(meeting),
            "page": page,
            "name": person.public_name or "",
            "with_calendar": not waiting,
        }
        text = render_to_string("participation/email/meeting.txt", context)
        html = render_to_string("participation/email/meeting.html", context)
        message = EmailMultiAlternatives(subject, text, None, [person.email])
        message.attach_alternative(html, "text/html")
        if not waiting:
            ics = calendar_for(
                [meeting], meeting.title, lambda _m: page, host=urlsplit(settings.SITE_URL).hostname
            )
            message.attach(f"reunion-{meeting.pk}.ics", ics, "text/calendar")
    return message


def send_meeting_email(registration: Registration, kind: str) -> int:
    """Send :func:`meeting_email` if the person has an address; 1 when it went out."""
    if "@" not in (registration.person.email or ""):
        return 0
    return get_connection(fail_silently=True).send_messages([meeting_email(registration, kind)]) or 0
