"""The emails about a meeting a person signed up for: the confirmation (or the waiting list) and the
reminder the daily job sends. Each carries the date, the time in the site's time zone, the place
or the link, the meeting's page and (with a place) the ``.ics``; plain text and HTML, in the
person's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cocrea.participation.models import Registration
from cocrea.participation.services import (
    cancel_registration,
    register_for_meeting,
    register_person,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUATEMALA = ZoneInfo("America/Guatemala")
DAY = date(2030, 5, 20)  # a Monday


@pytest.fixture
def meeting(milestone):
    """A meeting of the seed, set for Monday 20 May 2030 from 9:30 to 11:00, Guatemala time."""
    found = milestone.meetings.filter(status="scheduled").order_by("position").first()
    found.actual_date = DAY
    found.starts_at = datetime(2030, 5, 20, 9, 30, tzinfo=GUATEMALA)
    found.ends_at = datetime(2030, 5, 20, 11, 0, tzinfo=GUATEMALA)
    found.place = "Salón 3, INAP, zona 1"
    found.online_link = ""
    found.save()
    return found


def person(email="ana@example.org", language="", name="Ana López"):
    return register_person(name=name, email=email, language=language)


def html_of(message):
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def calendar_of(message):
    ((filename, content, kind),) = message.attachments
    assert filename.endswith(".ics") and kind == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def test_the_confirmation_carries_date_time_place_link_and_the_ics(meeting, settings):
    settings.SITE_URL = "https://cocrea.example.org"
    mail.outbox.clear()
    register_for_meeting(meeting, person())
    (message,) = mail.outbox
    page = f"https://cocrea.example.org{reverse('participation:meeting', args=[meeting.pk])}"
    assert message.to == ["ana@example.org"]
    assert message.subject == f"Inscripción confirmada: {meeting.title}"
    for body in (message.body, html_of(message)):
        assert "lunes 20 de mayo de 2030" in body
        assert "de 09:30 a 11:00 (hora de America/Guatemala)" in body
        assert "Salón 3, INAP, zona 1" in body
        assert page in body
        assert meeting.title in body
    assert f'href="{page}"' in html_of(message)
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2030, 5, 20, 15, 30, tzinfo=UTC)  # 9:30 in Guatemala
    assert event.decoded("DTEND") == datetime(2030, 5, 20, 17, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Salón 3, INAP, zona 1"
    assert str(event["URL"]) == page
    assert str(event["UID"]) == f"meeting-{meeting.pk}@cocrea.example.org"


def test_the_time_follows_the_site_time_zone(meeting, settings):
    settings.TIME_ZONE = "America/Mexico_City"  # the same instant, another clock on the wall
    mail.outbox.clear()
    register_for_meeting(meeting, person())
    (message,) = mail.outbox
    assert "de 09:30 a 11:00 (hora de America/Mexico_City)" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2030, 5, 20, 15, 30, tzinfo=UTC)


def test_the_email_is_in_the_persons_language(meeting):
    mail.outbox.clear()
    register_for_meeting(meeting, person(language="en"))
    (message,) = mail.outbox
    assert "Monday 20 May 2030" in message.body and "lunes" not in message.body
    assert 'lang="en"' in html_of(message)


def test_an_online_meeting_gives_the_link(meeting):
    meeting.place = ""
    meeting.online_link = "https://meet.example.org/cocrea-11"
    meeting.save()
    mail.outbox.clear()
    register_for_meeting(meeting, person())
    (message,) = mail.outbox
    assert "Lugar: en línea" in message.body
    assert "https://meet.example.org/cocrea-11" in message.body
    assert 'href="https://meet.example.org/cocrea-11"' in html_of(message)


def test_the_waiting_list_email_says_so_without_a_calendar_entry(meeting):
    meeting.capacity = 1
    meeting.save()
    first = register_for_meeting(meeting, person())
    mail.outbox.clear()
    waiting = register_for_meeting(meeting, person(email="luis@example.org", name="Luis Pérez"))
    assert waiting.status == Registration.Status.WAITING
    (message,) = mail.outbox
    assert message.subject.startswith("Lista de espera") and "lista de espera" in message.body
    assert message.attachments == []
    # A place frees up: the promoted person gets the confirmation with the calendar entry.
    mail.outbox.clear()
    cancel_registration(first)
    (promoted,) = mail.outbox
    assert promoted.to == ["luis@example.org"] and promoted.subject.startswith("Inscripción confirmada")
    assert calendar_of(promoted).walk("VEVENT")


def test_a_meeting_without_a_time_gives_the_day_and_no_hour(meeting):
    meeting.starts_at = meeting.ends_at = None
    meeting.save()
    mail.outbox.clear()
    register_for_meeting(meeting, person())
    (message,) = mail.outbox
    assert "lunes 20 de mayo de 2030" in message.body and "Hora:" not in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("DTSTART") == DAY


def test_signing_up_on_the_page_sends_the_email(meeting):
    user = UserFactory(email="rosa@example.org", verified_email=True)
    client = Client()
    client.force_login(user)
    mail.outbox.clear()
    response = client.post(reverse("participation:signup", args=[meeting.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"] and "lunes 20 de mayo de 2030" in message.body
    assert calendar_of(message).walk("VEVENT")


def test_the_daily_job_reminds_with_the_same_details_once(meeting):
    register_for_meeting(meeting, person())
    cancelled = meeting.milestone.meetings.exclude(pk=meeting.pk).filter(status="scheduled").first()
    cancelled.actual_date, cancelled.status = DAY, "cancelled"
    cancelled.save()
    register_for_meeting(meeting, person(email="sin-fecha@example.org", name="Otra Persona"))
    Registration.objects.create(
        meeting=cancelled, person=person(email="x@example.org", name="X Y"), status="confirmed"
    )
    mail.outbox.clear()
    call_command("daily", "--date", DAY.isoformat(), stdout=StringIO())
    reminders = [m for m in mail.outbox if m.subject.startswith("Recordatorio")]
    assert sorted(m.to[0] for m in reminders) == ["ana@example.org", "sin-fecha@example.org"]
    for message in reminders:
        assert "Le recordamos la reunión" in message.body
        assert "lunes 20 de mayo de 2030" in message.body and "09:30" in message.body
        assert "Salón 3, INAP, zona 1" in message.body
        (event,) = calendar_of(message).walk("VEVENT")
        assert event.decoded("DTSTART") == datetime(2030, 5, 20, 15, 30, tzinfo=UTC)
    mail.outbox.clear()
    call_command("daily", "--date", DAY.isoformat(), stdout=StringIO())
    assert not [m for m in mail.outbox if m.subject.startswith("Recordatorio")]


def test_no_email_without_an_address(meeting):
    mail.outbox.clear()
    register_for_meeting(meeting, register_person(name="Sin Correo"))
    assert mail.outbox == []


def test_a_person_who_signs_up_in_english_gets_the_email_in_english(meeting, settings):
    from cocrea.participation.models import Person

    user = UserFactory(email="jo@example.org", verified_email=True)
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    mail.outbox.clear()
    client.post(reverse("participation:signup", args=[meeting.pk]))
    assert Person.objects.get(user=user).language == "en"
    (message,) = mail.outbox
    assert "Monday 20 May 2030" in message.body
