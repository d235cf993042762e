"""The iCalendar output of meetings: the commitment's feed and one ``.ics`` per meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from cocrea.participation.calendar import PRODID, calendar_for, meeting_event
from cocrea.participation.models import AgendaItem, Attendance, Meeting, Registration
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

GUATEMALA = ZoneInfo("America/Guatemala")
MAX_QUERIES = 12


def feed_url(milestone):
    commitment = milestone.commitment
    return reverse(
        "participation:commitment_calendar",
        kwargs={"plan": commitment.action_plan.slug, "number": commitment.number},
    )


def ics_url(meeting):
    return reverse("participation:meeting_ics", kwargs={"meeting": meeting.pk})


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response


def parse(response):
    return icalendar.Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(meeting):
    return f"meeting-{meeting.pk}@testserver"


def test_feed_has_every_meeting_and_parses_back(client, milestone, django_assert_max_num_queries):
    meetings = list(milestone.meetings.all())
    assert len(meetings) == 17
    with django_assert_max_num_queries(MAX_QUERIES):
        response = fetch(client, feed_url(milestone))
    calendar = parse(response)

    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/Guatemala"
    assert "compromiso 11" in str(calendar["X-WR-CALNAME"]).lower()

    events = events_by_uid(calendar)
    assert len(calendar.walk("VEVENT")) == 17
    assert set(events) == {uid(m) for m in meetings}
    months = set()
    for meeting in meetings:
        event = events[uid(meeting)]
        summary = str(event["SUMMARY"])
        assert summary.startswith(meeting.title)
        assert "compromiso 11" in summary
        assert "fecha por confirmar" in summary  # only the planned month is known
        assert event["DTSTART"].dt == meeting.planned_month  # an all-day event (a date)
        assert not isinstance(event["DTSTART"].dt, datetime)
        assert event["DTEND"].dt == meeting.planned_month + timedelta(days=1)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert int(event["SEQUENCE"]) == 0
        assert "Fecha por confirmar" in str(event["DESCRIPTION"])
        assert str(event["URL"]) == "http://testserver" + milestone.get_schedule_url()
        months.add(meeting.planned_month)
    assert min(months) == date(2019, 4, 1)
    assert max(months) == date(2020, 8, 1)

    # Written out again and read back: the same events.
    again = icalendar.Calendar.from_ical(calendar.to_ical())
    assert {
        (str(e["UID"]), str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in again.walk("VEVENT")
    } == {(str(e["UID"]), str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in events.values()}


def test_feed_lets_calendar_clients_poll(client, milestone):
    response = fetch(client, feed_url(milestone))
    assert response["Cache-Control"] == "public, max-age=900"
    assert response["Content-Disposition"] == 'inline; filename="compromiso-11.ics"'
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in response.content
    assert b"X-PUBLISHED-TTL:PT15M\r\n" in response.content
    # Nothing changed: a conditional poll answers 304 although DTSTAMP moved on.
    again = client.get(feed_url(milestone), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    # Something changed: the full feed again, with a new ETag.
    meeting = milestone.meetings.first()
    meeting.place = "Salón de INAP"
    meeting.sequence += 1
    meeting.save()
    changed = client.get(feed_url(milestone), HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != response["ETag"]
    assert str(events_by_uid(parse(changed))[uid(meeting)]["LOCATION"]) == "Salón de INAP"


def test_the_description_carries_the_agenda_and_the_public_page(client, milestone):
    meeting = milestone.meetings.get(position=2)
    AgendaItem.objects.filter(meeting=meeting).delete()
    AgendaItem.objects.create(meeting=meeting, position=1, title="Bienvenida")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Revisión del marco conceptual")
    event = events_by_uid(parse(fetch(client, feed_url(milestone))))[uid(meeting)]
    description = str(event["DESCRIPTION"])
    assert "Agenda:\n1. Bienvenida\n2. Revisión del marco conceptual" in description
    assert "http://testserver" + milestone.get_schedule_url() in description


def test_a_meeting_with_a_start_time_is_a_timed_event_in_utc(client, milestone):
    meeting = milestone.meetings.get(position=3)
    meeting.starts_at = datetime(2019, 6, 12, 9, 30, tzinfo=GUATEMALA)
    meeting.online_link = "https://meet.example.org/cocrea"
    meeting.save()
    other = milestone.meetings.get(position=4)
    other.starts_at = datetime(2019, 7, 10, 14, 0, tzinfo=GUATEMALA)
    other.ends_at = datetime(2019, 7, 10, 17, 0, tzinfo=GUATEMALA)
    other.save()

    response = fetch(client, feed_url(milestone))
    assert b"DTSTART:20190612T153000Z" in response.content
    events = events_by_uid(parse(response))
    event = events[uid(meeting)]
    assert event["DTSTART"].dt == datetime(2019, 6, 12, 15, 30, tzinfo=UTC)
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2)  # no end: two hours
    assert "fecha por confirmar" not in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == "https://meet.example.org/cocrea"
    timed = events[uid(other)]
    assert timed["DTSTART"].dt == datetime(2019, 7, 10, 20, 0, tzinfo=UTC)
    assert timed["DTEND"].dt == datetime(2019, 7, 10, 23, 0, tzinfo=UTC)


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled(client, milestone):
    meeting = milestone.meetings.get(position=5)
    meeting.status = "cancelled"
    meeting.status_reason = "Emergencia nacional"
    meeting.sequence += 1
    meeting.save()

    events = events_by_uid(parse(fetch(client, feed_url(milestone))))
    assert len(events) == 17
    event = events[uid(meeting)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1
    assert "Reunión cancelada. Motivo: Emergencia nacional" in str(event["DESCRIPTION"])
    others = [e for key, e in events.items() if key != uid(meeting)]
    assert {str(e["STATUS"]) for e in others} == {"CONFIRMED"}
    assert {int(e["SEQUENCE"]) for e in others} == {0}


def test_a_postponed_meeting_moves_to_its_new_date(client, milestone):
    meeting = milestone.meetings.get(position=6)
    before = events_by_uid(parse(fetch(client, feed_url(milestone))))[uid(meeting)]
    assert before["DTSTART"].dt == meeting.planned_month

    new_day = meeting.planned_month + timedelta(days=45)
    meeting.status = "postponed"
    meeting.actual_date = new_day
    meeting.status_reason = "Falta de quórum"
    meeting.sequence += 1
    meeting.save()

    after = events_by_uid(parse(fetch(client, feed_url(milestone))))[uid(meeting)]
    assert after["DTSTART"].dt == new_day
    assert after["DTEND"].dt == new_day + timedelta(days=1)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["STATUS"]) == "CONFIRMED"
    assert "Falta de quórum" in str(after["DESCRIPTION"])
    assert "fecha por confirmar" not in str(after["SUMMARY"])


def test_a_postponed_timed_meeting_keeps_its_time_only_on_the_new_day(milestone):
    meeting = Meeting.objects.select_related("milestone__commitment").get(milestone=milestone, position=7)
    meeting.starts_at = datetime(2019, 8, 14, 10, 0, tzinfo=GUATEMALA)
    meeting.status = "postponed"
    meeting.actual_date = date(2019, 8, 28)  # the time was set for the old day: all day on the new one
    event = meeting_event(meeting, "https://cocrea.example.org/x")
    assert event["DTSTART"].dt == date(2019, 8, 28)
    meeting.starts_at = datetime(2019, 8, 28, 10, 0, tzinfo=GUATEMALA)  # rescheduled with a time
    event = meeting_event(meeting, "https://cocrea.example.org/x")
    assert event["DTSTART"].dt == datetime(2019, 8, 28, 16, 0, tzinfo=UTC)


def test_the_ics_of_one_meeting_is_an_attachment(client, milestone, django_assert_max_num_queries):
    meeting = milestone.meetings.get(position=1)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = fetch(client, ics_url(meeting))
    assert response["Content-Disposition"] == f'attachment; filename="reunion-{meeting.pk}.ics"'
    assert response["Cache-Control"] == "public, max-age=900"
    calendar = parse(response)
    assert str(calendar["PRODID"]) == PRODID
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == uid(meeting)
    assert event["DTSTART"].dt == meeting.planned_month
    assert client.get(reverse("participation:meeting_ics", kwargs={"meeting": 999999})).status_code == 404


def test_unpublished_milestones_stay_out_of_the_public_calendar(client, staff, milestone):
    meeting = milestone.meetings.first()
    milestone.is_published = False
    milestone.save()

    response = fetch(client, feed_url(milestone))
    assert parse(response).walk("VEVENT") == []
    assert client.get(ics_url(meeting)).status_code == 404

    client.force_login(staff)  # staff who may see the draft get it, never cached publicly
    response = fetch(client, feed_url(milestone))
    assert len(parse(response).walk("VEVENT")) == 17
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    response = fetch(client, ics_url(meeting))
    assert "private" in response["Cache-Control"]


def test_an_unpublished_commitment_has_no_public_feed(client, milestone):
    commitment = milestone.commitment
    commitment.is_published = False
    commitment.save()
    assert client.get(feed_url(milestone)).status_code == 404
    assert client.get(ics_url(milestone.meetings.first())).status_code == 404


def test_hostile_text_stays_text(client, milestone):
    meeting = milestone.meetings.get(position=2)
    meeting.title = "Reunión\r\nBEGIN:VEVENT\r\nUID:evil@x\r\nSUMMARY:Falsa\r\nEND:VEVENT"
    meeting.place = "Sala 1\nLOCATION:otra;X-EVIL=1"
    meeting.status = "postponed"
    meeting.actual_date = date(2019, 9, 3)
    meeting.status_reason = "Motivo\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR"
    meeting.save()
    AgendaItem.objects.create(meeting=meeting, position=99, title="Punto\nATTENDEE:mailto:x@example.org")

    for url in (feed_url(milestone), ics_url(meeting)):
        response = fetch(client, url)
        lines = response.content.decode().split("\r\n")
        assert lines.count("BEGIN:VCALENDAR") == 1
        assert lines.count("END:VCALENDAR") == 1
        assert not any(
            line.startswith(("UID:evil", "SUMMARY:Falsa", "LOCATION:otra", "ATTENDEE")) for line in lines
        )
        assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT")
        events = events_by_uid(parse(response))
        assert "evil@x" not in events
        event = events[uid(meeting)]
        assert str(event["SUMMARY"]).startswith("Reunión BEGIN:VEVENT UID:evil@x SUMMARY:Falsa END:VEVENT")
        assert str(event["LOCATION"]) == "Sala 1 LOCATION:otra;X-EVIL=1"
        assert "Motivo\nEND:VCALENDAR\nBEGIN:VCALENDAR" in str(event["DESCRIPTION"])
    assert len(events_by_uid(parse(fetch(client, feed_url(milestone))))) == 17


def test_no_personal_data_in_the_calendar(client, milestone):
    meeting = milestone.meetings.get(position=1)
    meeting.minutes = "Acta: asistió Juana Pérez López, DPI 2546 12345 0101."
    meeting.save()
    person = PersonFactory(
        name="Juana Pérez López", display_name="Juana P.", email="juana@example.org", phone="+502 5555 1234"
    )
    Registration.objects.create(meeting=meeting, person=person, status="confirmed")
    Attendance.objects.create(meeting=meeting, person=person)
    for url in (feed_url(milestone), ics_url(meeting)):
        body = fetch(client, url).content.decode()
        for private in ("Juana", "juana@example.org", "5555", "DPI", "ATTENDEE", "ORGANIZER", "CONTACT"):
            assert private not in body


def test_calendar_for_without_a_request():
    """The builder needs meeting objects only; a dateless meeting is left out of the feed."""
    from cocrea.plans.models import ActionPlan, Commitment, Milestone

    plan = ActionPlan.objects.create(name="Plan", slug="plan")
    commitment = Commitment.objects.create(action_plan=plan, number="3", title="Compromiso")
    milestone = Milestone.objects.create(commitment=commitment, number="1", title="Hito")
    dated = Meeting.objects.create(
        milestone=milestone,
        position=1,
        kind="initial",
        title="Inicial",
        starts_at=datetime(2021, 3, 1, 8, 0, tzinfo=GUATEMALA),
        ends_at=datetime(2021, 3, 1, 7, 0, tzinfo=GUATEMALA),  # before the start: ignored
        sequence=4,
    )
    dateless = Meeting.objects.create(milestone=milestone, position=2, kind="final", title="Final")
    meetings = Meeting.objects.select_related("milestone__commitment").prefetch_related("agenda")
    body = calendar_for(meetings, "Prueba", lambda m: f"https://cocrea.example.org/r/{m.pk}")
    calendar = icalendar.Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{dated.pk}@cocrea"
    assert int(event["SEQUENCE"]) == 4
    assert event["DTSTART"].dt == datetime(2021, 3, 1, 14, 0, tzinfo=UTC)
    assert event["DTEND"].dt == datetime(2021, 3, 1, 16, 0, tzinfo=UTC)
    assert str(event["URL"]) == f"https://cocrea.example.org/r/{dated.pk}"
    assert str(calendar["X-WR-CALNAME"]) == "Prueba"
    assert meeting_event(dateless, "https://x").get("DTSTART") is None


def test_the_schedule_links_to_the_calendar(client, milestone):
    html = client.get(milestone.get_schedule_url()).content.decode()
    assert feed_url(milestone) in html
    assert "Suscribirse al calendario (iCal)" in html
    for meeting in milestone.meetings.all():
        assert ics_url(meeting) in html
