"""Staff screens that put a meeting in the calendar (#12, section 3): create, edit, reschedule and
cancel, without the Django admin. On the real seed plan: milestone 11.1 runs from April 2019 to
August 2020 and has 17 meetings from the document."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.participation import services
from cocrea.participation.calendar import events_of
from cocrea.participation.models import Meeting, Registration
from cocrea.plans.models import Commitment, Milestone
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = {
    "title": "Taller de validación con sociedad civil",
    "kind": "other",
    "day": "2019-09-12",
    "starts": "09:30",
    "ends": "12:00",
    "place": "INAP, salón 3",
    "online_link": "https://meet.example.org/taller",
    "capacity": "40",
    "description": "Revisión del borrador 2.\nTraiga sus comentarios.",
}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(milestone):
    """A coordinator answers for a commitment, so for its milestone (11.1)."""
    return UserFactory(username="coordina", role=Role.COORDINATOR, commitment=milestone.commitment)


@pytest.fixture
def coordinator_client(coordinator):
    return signed_in(coordinator)


@pytest.fixture
def other_coordinator_client(milestone):
    """The coordinator of another commitment's milestone."""
    commitment = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="99", title="Otro compromiso"
    )
    Milestone.objects.create(commitment=commitment, number="1", title="Otro hito")
    return signed_in(UserFactory(username="coordina-otro", role=Role.COORDINATOR, commitment=commitment))


@pytest.fixture
def citizen_client(db):
    return signed_in(UserFactory(username="ciudadana"))


@pytest.fixture
def meeting(milestone):
    found = milestone.meetings.get(kind="working", number=5)
    return services.reschedule_meeting(found, expected_version=found.edit_version, day=date(2019, 9, 5))


@pytest.fixture
def registered(meeting):
    """Two people registered for the meeting (one confirmed, one on the waiting list), one without
    an email, and one who cancelled."""
    people = [
        PersonFactory(name="Rosa Tum", email="rosa@example.org"),
        PersonFactory(name="Luis Batz", email="luis@example.org"),
        PersonFactory(name="Sin Correo", email=""),
        PersonFactory(name="Ya No Viene", email="no@example.org"),
    ]
    for person in people:
        services.register_for_meeting(meeting, person)
    Registration.objects.filter(person=people[1]).update(status=Registration.Status.WAITING)
    services.cancel_registration(Registration.objects.get(person=people[3]))
    mail.outbox.clear()
    return people


def audited(user, obj, action):
    return AuditEntry.objects.for_object(obj).filter(actor=user, source="web", action=action).exists()


# --- Creating ------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_meeting_with_the_fields_a_person_understands(
    coordinator_client, coordinator, milestone, client
):
    url = reverse("staff:new_meeting", args=[milestone.pk])
    page = coordinator_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    for internal in ("Orden", "Línea en el documento", "position", "source_line", "sequence", "Número"):
        assert internal not in html
    assert "abril de 2019" in html and "agosto de 2020" in html  # the milestone's period, said up front
    assert "America/Guatemala" in html

    response = coordinator_client.post(url, NEW)
    meeting = Meeting.objects.get(title=NEW["title"])
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:edit_meeting", args=[meeting.pk]
    )
    assert (meeting.kind, meeting.place, meeting.capacity) == ("other", "INAP, salón 3", 40)
    assert meeting.description == "Revisión del borrador 2.\nTraiga sus comentarios."
    assert meeting.actual_date == date(2019, 9, 12) and meeting.planned_month == date(2019, 9, 1)
    # 09:30 and 12:00 in Guatemala (UTC−6)
    assert meeting.starts_at == datetime(2019, 9, 12, 15, 30, tzinfo=UTC)
    assert meeting.ends_at == datetime(2019, 9, 12, 18, 0, tzinfo=UTC)
    assert meeting.position == 18 and meeting.source_line is None and meeting.sequence == 0
    assert audited(coordinator, meeting, "create")

    public = client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert "12 de septiembre de 2019, de 09:30 a 12:00" in public
    assert "Traiga sus comentarios." in public
    [event] = events_of(client.get(reverse("participation:meeting_ics", args=[meeting.pk])).content)
    assert event.decoded("dtstart") == datetime(2019, 9, 12, 15, 30, tzinfo=UTC)
    assert "Traiga sus comentarios." in str(event["description"])
    hub = coordinator_client.get(reverse("staff:milestone", args=[milestone.pk])).content.decode()
    assert url in hub and reverse("staff:edit_meeting", args=[meeting.pk]) in hub


def test_a_working_meeting_takes_the_next_number(coordinator_client, milestone):
    coordinator_client.post(
        reverse("staff:new_meeting", args=[milestone.pk]),
        {"title": "Reunión de Trabajo 16", "kind": "working", "day": "2020-07-20"},
    )
    meeting = Meeting.objects.get(title="Reunión de Trabajo 16")
    assert (meeting.number, meeting.code, meeting.starts_at) == (16, "16", None)


def test_a_date_outside_the_milestones_period_asks_first(coordinator_client, milestone):
    url = reverse("staff:new_meeting", args=[milestone.pk])
    late = {**NEW, "day": "2026-03-10"}
    asked = coordinator_client.post(url, late)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Sí, la fecha está fuera del período del hito (abril de 2019 – agosto de 2020)" in html
    assert 'name="outside_period"' in html and "10 de marzo de 2026" in html
    assert not Meeting.objects.filter(title=NEW["title"]).exists()
    # the box left unticked: asked again, still nothing saved
    assert coordinator_client.post(url, late).status_code == 200
    assert not Meeting.objects.filter(title=NEW["title"]).exists()
    confirmed = coordinator_client.post(url, {**late, "outside_period": "on"})
    assert confirmed.status_code == 302
    assert Meeting.objects.get(title=NEW["title"]).actual_date == date(2026, 3, 10)


def test_rescheduling_outside_the_period_asks_first(coordinator_client, meeting):
    url = reverse("staff:reschedule_meeting", args=[meeting.pk])
    data = {"day": "2018-01-15", "starts": "", "ends": "", "reason": "", "edit_version": meeting.edit_version}
    assert "Sí, la fecha está fuera del período" in coordinator_client.post(url, data).content.decode()
    meeting.refresh_from_db()
    assert meeting.actual_date == date(2019, 9, 5)
    assert coordinator_client.post(url, {**data, "outside_period": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.actual_date == date(2018, 1, 15)


# --- Editing, rescheduling, cancelling -------------------------------------------------------------


def test_editing_the_details_is_audited_and_a_new_place_reaches_the_people_registered(
    coordinator_client, coordinator, meeting, registered, django_capture_on_commit_callbacks
):
    url = reverse("staff:edit_meeting", args=[meeting.pk])
    page = coordinator_client.get(url).content.decode()
    assert 'name="edit_version"' in page and "las 2 personas inscritas reciben un correo" in page
    sequence = meeting.sequence
    data = {
        "title": meeting.title,
        "kind": meeting.kind,
        "place": "",
        "online_link": "",
        "capacity": "",
        "description": "Con intérprete de lengua de señas.",
        "edit_version": meeting.edit_version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.description == "Con intérprete de lengua de señas."
    assert meeting.sequence == sequence + 1  # the event's description changed
    assert mail.outbox == []  # the place did not change
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            url, {**data, "place": "Casa de la Cultura, Cobán", "edit_version": meeting.edit_version}
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == sequence + 2 and meeting.place == "Casa de la Cultura, Cobán"
    assert sorted(m.to[0] for m in mail.outbox) == ["luis@example.org", "rosa@example.org"]
    assert "Casa de la Cultura, Cobán" in mail.outbox[0].body
    assert audited(coordinator, meeting, "update")


def test_rescheduling_raises_the_sequence_and_emails_the_new_date(
    coordinator_client, coordinator, meeting, registered, client, django_capture_on_commit_callbacks
):
    url = reverse("staff:reschedule_meeting", args=[meeting.pk])
    assert coordinator_client.get(url).status_code == 200
    sequence = meeting.sequence
    data = {
        "day": "2019-09-19",
        "starts": "15:00",
        "ends": "17:30",
        "reason": "Coincidía con el feriado de la independencia.",
        "edit_version": meeting.edit_version,
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator_client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == sequence + 1
    assert (meeting.actual_date, meeting.status) == (date(2019, 9, 19), "scheduled")
    assert meeting.starts_at == datetime(2019, 9, 19, 21, 0, tzinfo=UTC)
    assert audited(coordinator, meeting, "update")

    assert sorted(m.to[0] for m in mail.outbox) == ["luis@example.org", "rosa@example.org"]
    message = mail.outbox[0]
    assert "Nueva fecha" in message.subject and meeting.title in message.subject
    assert "19 de septiembre de 2019, de 15:00 a 17:30" in message.body
    assert "Coincidía con el feriado" in message.body
    assert reverse("participation:meeting", args=[meeting.pk]) in message.body
    [(name, ics, kind)] = message.attachments
    assert kind == "text/calendar" and name.endswith(".ics")
    [event] = events_of(ics.encode() if isinstance(ics, str) else ics)
    assert event["sequence"] == meeting.sequence
    assert event.decoded("dtstart") == datetime(2019, 9, 19, 21, 0, tzinfo=UTC)

    [public] = events_of(client.get(reverse("participation:meeting_ics", args=[meeting.pk])).content)
    assert public["sequence"] == sequence + 1 and public["status"] == "CONFIRMED"


def test_cancelling_needs_a_reason_shown_on_the_page_and_in_the_calendar(
    coordinator_client, coordinator, meeting, registered, client, django_capture_on_commit_callbacks
):
    url = reverse("staff:cancel_meeting", args=[meeting.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Qué va a pasar" in page and "Las 2 personas inscritas recibirán un correo" in page
    sequence = meeting.sequence
    empty = coordinator_client.post(url, {"reason": "   ", "edit_version": meeting.edit_version})
    assert empty.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and mail.outbox == []

    reason = "La sede no está disponible por las lluvias."
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"reason": reason, "edit_version": meeting.edit_version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.status_reason, meeting.sequence) == ("cancelled", reason, sequence + 1)
    assert audited(coordinator, meeting, "update")

    public = client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert "Esta reunión se canceló." in public and reason in public
    assert "Inscribirme" not in public
    [event] = events_of(client.get(reverse("participation:meeting_ics", args=[meeting.pk])).content)
    assert event["status"] == "CANCELLED" and event["sequence"] == sequence + 1
    assert reason in str(event["description"])

    assert sorted(m.to[0] for m in mail.outbox) == ["luis@example.org", "rosa@example.org"]
    assert "cancelada" in mail.outbox[0].subject and reason in mail.outbox[0].body
    [(_name, ics, _kind)] = mail.outbox[0].attachments
    assert b"STATUS:CANCELLED" in (ics.encode() if isinstance(ics, str) else ics)

    # once cancelled, it is neither cancelled again nor rescheduled
    again = coordinator_client.post(url, {"reason": "otra vez", "edit_version": meeting.edit_version})
    assert again.status_code == 400
    moved = coordinator_client.post(
        reverse("staff:reschedule_meeting", args=[meeting.pk]),
        {"day": "2019-10-01", "edit_version": meeting.edit_version},
    )
    assert moved.status_code == 400
    meeting.refresh_from_db()
    assert meeting.actual_date == date(2019, 9, 5) and meeting.status_reason == reason


def test_cancelling_from_the_outcome_screen_also_tells_the_people_registered(
    staff_client, meeting, registered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("staff:record_meeting", args=[meeting.pk]),
            {"outcome": "cancelled", "reason": "Emergencia nacional"},
        )
    assert len(mail.outbox) == 2 and "Emergencia nacional" in mail.outbox[0].body


# --- Who may --------------------------------------------------------------------------------------


def screens(milestone, meeting):
    version = meeting.edit_version
    return [
        (reverse("staff:new_meeting", args=[milestone.pk]), {**NEW, "title": "Intrusa"}),
        (
            reverse("staff:edit_meeting", args=[meeting.pk]),
            {"title": "Intrusa", "kind": "working", "edit_version": version},
        ),
        (
            reverse("staff:reschedule_meeting", args=[meeting.pk]),
            {"day": "2019-10-01", "edit_version": version},
        ),
        (reverse("staff:cancel_meeting", args=[meeting.pk]), {"reason": "Intrusa", "edit_version": version}),
    ]


def test_the_coordinator_of_the_milestone_may_use_every_screen(coordinator_client, milestone, meeting):
    for url, data in screens(milestone, meeting):
        assert coordinator_client.get(url).status_code == 200, url
        response = coordinator_client.post(
            url, {**data, "edit_version": Meeting.objects.get(pk=meeting.pk).edit_version}
        )
        assert response.status_code == 302, (url, response.status_code)
    meeting.refresh_from_db()
    assert (meeting.title, meeting.status) == ("Intrusa", "cancelled")


@pytest.mark.parametrize("who", ["other_coordinator_client", "citizen_client"])
def test_others_get_403_and_change_nothing(request, who, milestone, meeting):
    client = request.getfixturevalue(who)
    count = Meeting.objects.count()
    for url, data in screens(milestone, meeting):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    meeting.refresh_from_db()
    assert Meeting.objects.count() == count
    assert (meeting.title, meeting.status, meeting.actual_date) == (
        "Reunión de Trabajo 05",
        "scheduled",
        date(2019, 9, 5),
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, milestone, meeting):
    for url, data in screens(milestone, meeting):
        for response in (client.get(url), client.post(url, data)):
            assert response.status_code == 302 and "/login/" in response["Location"], url
    assert not Meeting.objects.filter(title="Intrusa").exists()


def test_the_services_check_the_rule_themselves(milestone, meeting):
    with pytest.raises(PermissionDenied):
        services.create_meeting(milestone, title="x", kind="other", day=date(2019, 9, 1), by=AnonymousUser())
    assert not Meeting.objects.filter(title="x").exists()


# --- Stale and hostile input ---------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_the_input_kept(coordinator_client, meeting):
    url = reverse("staff:edit_meeting", args=[meeting.pk])
    opened_at = meeting.edit_version
    services.edit_meeting(meeting, expected_version=opened_at, title="Título de otra persona", kind="working")
    response = coordinator_client.post(
        url, {"title": "Mi título", "kind": "working", "place": "Mi lugar", "edit_version": opened_at}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Otra persona guardó" in html and 'value="Mi título"' in html and 'value="Mi lugar"' in html
    assert "Título de otra persona" in html  # what is saved now, shown beside the form
    meeting.refresh_from_db()
    assert meeting.title == "Título de otra persona" and meeting.place == ""
    again = coordinator_client.post(
        url, {"title": "Mi título", "kind": "working", "edit_version": meeting.edit_version}
    )
    assert again.status_code == 302


HOSTILE = [
    {"day": "2019-02-30"},
    {"day": "mañana"},
    {"day": "20199-01-01"},
    {"day": "0019-01-01"},
    {"day": ""},
    {"starts": "25:00"},
    {"starts": "10:00", "ends": "09:00"},
    {"starts": "", "ends": "09:00"},
    {"title": ""},
    {"title": "x" * 301},
    {"place": "x" * 301},
    {"description": "x" * 5001},
    {"online_link": "javascript:alert(1)"},
    {"online_link": "https://" + "a" * 250 + ".org"},
    {"capacity": "-3"},
    {"capacity": "muchos"},
    {"kind": "fiesta"},
]


@pytest.mark.parametrize("bad", HOSTILE, ids=lambda bad: ",".join(f"{k}={v[:12]}" for k, v in bad.items()))
def test_hostile_input_is_a_400_and_nothing_is_saved(coordinator_client, milestone, meeting, bad):
    count = Meeting.objects.count()
    response = coordinator_client.post(reverse("staff:new_meeting", args=[milestone.pk]), {**NEW, **bad})
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert Meeting.objects.count() == count
    edit_fields = {
        k: v
        for k, v in bad.items()
        if k in ("title", "place", "description", "online_link", "capacity", "kind")
    }
    date_fields = {k: v for k, v in bad.items() if k in ("day", "starts", "ends")}
    before = Meeting.objects.get(pk=meeting.pk)
    if edit_fields:
        data = {
            "title": meeting.title,
            "kind": meeting.kind,
            **edit_fields,
            "edit_version": meeting.edit_version,
        }
        assert (
            coordinator_client.post(reverse("staff:edit_meeting", args=[meeting.pk]), data).status_code == 400
        )
    if date_fields:
        data = {"day": "2019-09-20", **date_fields, "edit_version": meeting.edit_version}
        url = reverse("staff:reschedule_meeting", args=[meeting.pk])
        assert coordinator_client.post(url, data).status_code == 400
    after = Meeting.objects.get(pk=meeting.pk)
    assert (after.edit_version, after.title, after.actual_date, after.sequence) == (
        before.edit_version,
        before.title,
        before.actual_date,
        before.sequence,
    )


def test_a_too_long_cancellation_reason_is_refused(coordinator_client, meeting):
    url = reverse("staff:cancel_meeting", args=[meeting.pk])
    response = coordinator_client.post(url, {"reason": "x" * 2001, "edit_version": meeting.edit_version})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


# --- The admin --------------------------------------------------------------------------------------


def test_meetings_agenda_and_agreements_are_read_only_in_the_admin(staff_client, meeting):
    services.add_agenda_item(meeting, title="Bienvenida")
    agreement = services.add_agreement(meeting, text="Enviar el borrador", owner_text="GPAT")
    for model, obj in (
        ("meeting", meeting),
        ("agreement", agreement),
        ("attendance", None),
        ("registration", None),
    ):
        assert staff_client.get(reverse(f"admin:participation_{model}_changelist")).status_code == 200
        assert staff_client.get(reverse(f"admin:participation_{model}_add")).status_code == 403
        if obj is None:
            continue
        change = reverse(f"admin:participation_{model}_change", args=[obj.pk])
        page = staff_client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert staff_client.post(change, {"title": "Cambiado en el admin", "text": "x"}).status_code == 403
        assert (
            staff_client.post(reverse(f"admin:participation_{model}_delete", args=[obj.pk])).status_code
            == 403
        )
    meeting.refresh_from_db()
    assert meeting.title == "Reunión de Trabajo 05" and Meeting.objects.filter(pk=meeting.pk).exists()
    html = staff_client.get(reverse("admin:participation_meeting_change", args=[meeting.pk])).content.decode()
    assert "Bienvenida" in html and "Enviar el borrador" in html  # the inlines, read only
    assert 'name="agenda-0-title"' not in html
