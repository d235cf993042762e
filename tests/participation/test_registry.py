"""The registry, registration with a waiting list, merges, indicator E, and the person's own data."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from cocrea.audit.models import AuditEntry
from cocrea.participation.figures import indicator_e
from cocrea.participation.models import Attendance, Consent, Person, Registration
from cocrea.participation.services import (
    anonymise_person,
    cancel_registration,
    merge_people,
    record_attendance,
    register_for_meeting,
    register_person,
)
from cocrea.plans.models import Organization

pytestmark = pytest.mark.django_db


def org(acronym):
    return Organization.objects.get(acronym=acronym)


def test_optional_data_is_stored_only_with_consent():
    without = register_person(name="Ana López", statistics={"gender": "female", "department": "Guatemala"})
    assert without.gender == "" and without.department == ""
    with_consent = register_person(
        name="Luis Pérez",
        consents=(Consent.Purpose.STATISTICS,),
        statistics={"gender": "male", "department": "Petén"},
    )
    assert with_consent.gender == "male" and with_consent.department == "Petén"
    assert with_consent.consents.get().text_version


def test_a_waiting_list_when_full_and_promotion_on_cancellation(milestone):
    meeting = milestone.meetings.first()
    meeting.capacity = 2
    meeting.save()
    people = [register_person(name=f"Persona {n}", email=f"p{n}@example.org") for n in range(3)]
    first, second, third = (register_for_meeting(meeting, p) for p in people)
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waiting"]
    assert len(mail.outbox) == 3 and "espera" in mail.outbox[2].subject
    promoted = cancel_registration(first)
    assert promoted == third
    third.refresh_from_db()
    assert third.status == "confirmed"
    assert Registration.objects.filter(meeting=meeting, status="confirmed").count() == 2


def test_indicator_e_counts_distinct_people_and_organisations(milestone):
    meetings = list(milestone.meetings.all()[:3])
    ana = register_person(
        name="Ana López", consents=(Consent.Purpose.STATISTICS,), statistics={"gender": "female"}
    )
    ana_again = register_person(name="ANA LOPEZ")  # spelled differently on another sheet
    luis = register_person(name="Luis Pérez")
    record_attendance(meetings[0], ana, org("INAP"))
    record_attendance(meetings[1], ana_again, org("INAP"))
    record_attendance(meetings[1], luis, org("SENACYT"))
    record_attendance(meetings[2], luis, org("SENACYT"))
    before = indicator_e(milestone.commitment)
    assert before["natural_persons"] == 3  # until the duplicate is merged
    merge_people(ana, ana_again, by=None)
    figures = indicator_e(milestone.commitment)
    assert figures["natural_persons"] == 2
    assert figures["legal_persons"] == 2
    assert figures["by_organization_kind"] == {"government": 2}
    assert figures["by_gender"] == {"female": 1, "not_stated": 1}
    assert figures["by_month"][0] == {"month": "2019-04", "new": 1, "cumulative": 1}
    assert figures["by_month"][-1]["cumulative"] == 2
    # merged with history kept and audited
    ana_again.refresh_from_db()
    assert ana_again.merged_into == ana
    assert AuditEntry.objects.for_object(ana_again).filter(action="update").exists()
    assert Attendance.objects.filter(person=ana).count() == 2


def test_indicator_e_in_the_indicators_command(milestone):
    from io import StringIO

    from django.core.management import call_command

    person = register_person(name="María José Pérez")
    record_attendance(milestone.meetings.first(), person, org("GPAT"))
    out = StringIO()
    call_command("indicators", "--date", "2026-11-26", stdout=out)
    rows = {row["key"]: row for row in json.loads(out.getvalue())["milestones"][0]["indicators"]}
    e = rows["E"]
    assert e["status"] == "ok"
    assert (e["natural_persons"], e["legal_persons"]) == (1, 1)
    assert "by_organization_kind" in e and "by_month" in e


def test_the_participation_page_never_shows_private_data(client, milestone):
    shy = register_person(name="Secreto Nombre Real", email="secreto@example.org", phone="+502 5555 0101")
    public = register_person(
        name="Carla Ruiz",
        display_name="Carla R.",
        email="carla@example.org",
        consents=(Consent.Purpose.PUBLIC_NAME,),
    )
    no_consent = register_person(name="Pedro Gil", display_name="Pedro G.")
    for person in (shy, public, no_consent):
        record_attendance(milestone.meetings.first(), person, org("INAP"))
    html = client.get(milestone.commitment.get_participation_url()).content.decode()
    assert "Carla R." in html
    for private in ("Secreto", "secreto@example.org", "5555", "Pedro", "carla@example.org", "Carla Ruiz"):
        assert private not in html
    assert ">3<" in html  # three natural persons


def test_a_participant_downloads_their_data_and_deletes_their_account(client, django_user_model, milestone):
    user = django_user_model.objects.create_user("ana", "ana@example.org", "x-Strong-Pass-42")
    person = register_person(name="Ana López", email="ana@example.org", user=user)
    record_attendance(milestone.meetings.first(), person, org("INAP"))
    client.force_login(user)
    data = json.loads(client.get(reverse("accounts:my_data", args=["json"])).content)
    assert data["person"]["email"] == "ana@example.org" and len(data["attendance"]) == 1
    csv_text = client.get(reverse("accounts:my_data", args=["csv"])).content.decode()
    assert "ana@example.org" in csv_text
    assert client.post(reverse("accounts:delete"), {"confirm": "1"}).status_code == 302
    person.refresh_from_db()
    assert person.name == "Participante eliminado" and person.email == "" and person.user is None
    assert not django_user_model.objects.filter(username="ana").exists()
    assert indicator_e(milestone.commitment)["natural_persons"] == 1  # still counted


def test_anonymising_keeps_the_counts(milestone):
    person = register_person(name="Luis Pérez", email="luis@example.org", phone="123")
    record_attendance(milestone.meetings.first(), person, org("INAP"))
    anonymise_person(person)
    assert Person.objects.get(pk=person.pk).phone == ""
    assert indicator_e(milestone.commitment, date(2026, 1, 1))["natural_persons"] == 1


def test_reminders_go_once_to_confirmed_participants(milestone):
    from datetime import datetime, timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    meeting = milestone.meetings.first()
    meeting.starts_at = timezone.make_aware(datetime(2030, 5, 20, 9, 0))
    meeting.place = "INAP"
    meeting.save()
    register_for_meeting(meeting, register_person(name="Ana López", email="ana@example.org"))
    mail.outbox.clear()
    call_command("send_reminders", "--date", "2030-05-20", stdout=StringIO())
    call_command("send_reminders", "--date", "2030-05-20", stdout=StringIO())
    assert len(mail.outbox) == 1 and "Recordatorio" in mail.outbox[0].subject
    assert timedelta(0) <= timezone.now() - Registration.objects.get().reminded_at
