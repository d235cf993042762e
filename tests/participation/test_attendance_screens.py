"""Attendance on Cocrea's own screens (#12, section 3): correct or remove an attendee, audited;
upload a sign-in sheet with the reader of ``cocrea import-attendance``, see every row matched
against the registry, then confirm. The sheets are those of ``test_attendance_import``."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.computations.sheets import write_xlsx
from cocrea.core.models import Upload
from cocrea.participation import services
from cocrea.participation.models import Attendance, Person
from cocrea.plans.models import Commitment, Milestone, Organization
from tests.factories import PersonFactory, UserFactory
from tests.participation.test_attendance_import import HEADER, INITIAL, WORKING_1

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator(milestone):
    return UserFactory(username="coordina", role=Role.COORDINATOR, commitment=milestone.commitment)


@pytest.fixture
def coordinator_client(coordinator):
    return signed_in(coordinator)


@pytest.fixture
def editor(milestone):
    """An editor of INAP, responsible for the milestone: may correct, not remove."""
    return UserFactory(
        username="editora", role=Role.EDITOR, organization=Organization.objects.get(acronym="INAP")
    )


@pytest.fixture
def other_coordinator_client(milestone):
    commitment = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="99", title="Otro compromiso"
    )
    Milestone.objects.create(commitment=commitment, number="1", title="Otro hito")
    return signed_in(UserFactory(username="coordina-otro", role=Role.COORDINATOR, commitment=commitment))


@pytest.fixture
def meeting(milestone):
    return milestone.meetings.get(kind="initial")


@pytest.fixture
def attendee(meeting):
    """Luis, written "Luis Gomes" on the sheet, came for INAP."""
    person = PersonFactory(name="Luis Gomes")
    return services.record_attendance(meeting, person, Organization.objects.get(acronym="INAP"))


def audited(user, obj, action):
    return AuditEntry.objects.for_object(obj).filter(actor=user, source="web", action=action).exists()


def correct(client, attendance, **data):
    return client.post(
        reverse("staff:correct_attendance", args=[attendance.pk]),
        {
            "name": attendance.person.name,
            "organization": attendance.organization_id or "",
            "attended": "yes",
            **data,
        },
    )


# --- Correcting and removing -----------------------------------------------------------------------


def test_the_attendance_page_lists_attendees_with_their_corrections(coordinator_client, meeting, attendee):
    html = coordinator_client.get(reverse("staff:take_attendance", args=[meeting.pk])).content.decode()
    assert "Luis Gomes" in html
    assert reverse("staff:correct_attendance", args=[attendee.pk]) in html
    assert reverse("staff:remove_attendance", args=[attendee.pk]) in html
    assert f"{reverse('staff:attendance_sheet', args=[meeting.milestone_id])}?reunion={meeting.pk}" in html


def test_a_misspelt_name_and_the_organisation_are_corrected_and_audited(
    coordinator_client, coordinator, attendee
):
    page = coordinator_client.get(reverse("staff:correct_attendance", args=[attendee.pk]))
    assert page.status_code == 200 and 'value="Luis Gomes"' in page.content.decode()
    onsec = Organization.objects.get(acronym="ONSEC")
    response = correct(coordinator_client, attendee, name="Luis  Gómez ", organization=onsec.pk)
    assert response.status_code == 302
    attendee.refresh_from_db()
    person = attendee.person
    assert (person.name, attendee.organization) == ("Luis Gómez", onsec)
    assert Person.objects.filter(name__startswith="Luis").count() == 1  # renamed, not duplicated
    assert audited(coordinator, person, "update") and audited(coordinator, attendee, "update")
    followed = coordinator_client.get(response["Location"]).content.decode()
    assert "Luis Gómez" in followed


def test_a_name_that_is_someone_else_in_the_registry_moves_the_attendance(coordinator_client, attendee):
    luis = PersonFactory(name="Luis Gómez", email="luis@example.org")
    response = correct(coordinator_client, attendee, name="Luis Gómez")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.person == luis
    assert Person.objects.get(name="Luis Gomes").attendance.count() == 0
    message = coordinator_client.get(response["Location"]).content.decode()
    assert "que ya estaba en el registro" in message


def test_renaming_never_renames_someone_elses_history(coordinator_client, milestone, attendee):
    other_meeting = milestone.meetings.get(kind="working", number=1)
    services.record_attendance(other_meeting, attendee.person)
    response = correct(coordinator_client, attendee, name="Pedro Xol")
    assert response.status_code == 302
    attendee.refresh_from_db()
    assert attendee.person.name == "Pedro Xol"
    assert Person.objects.filter(name="Luis Gomes").get().attendance.get().meeting == other_meeting


def test_a_correction_to_someone_already_there_is_refused(coordinator_client, meeting, attendee):
    luis = PersonFactory(name="Luis Gómez")
    services.record_attendance(meeting, luis)
    response = correct(coordinator_client, attendee, name="Luis Gómez")
    assert response.status_code == 400 and "ya figura como asistente" in response.content.decode()
    attendee.refresh_from_db()
    assert attendee.person.name == "Luis Gomes"


@pytest.mark.parametrize("name", ["", "   ", "x" * 201])
def test_a_bad_name_is_a_400_and_nothing_changes(coordinator_client, attendee, name):
    response = correct(coordinator_client, attendee, name=name)
    assert response.status_code == 400
    attendee.refresh_from_db()
    assert attendee.person.name == "Luis Gomes"


def test_did_not_attend_leads_to_the_removal_which_asks_first(
    coordinator_client, coordinator, meeting, attendee
):
    response = correct(coordinator_client, attendee, attended="no")
    url = reverse("staff:remove_attendance", args=[attendee.pk])
    assert response.status_code == 302 and response["Location"] == url
    page = coordinator_client.get(url).content.decode()
    assert "Qué va a pasar" in page and "Luis Gomes" in page
    assert Attendance.objects.filter(pk=attendee.pk).exists()
    unconfirmed = coordinator_client.post(url, {})
    assert unconfirmed.status_code == 200 and Attendance.objects.filter(pk=attendee.pk).exists()
    done = coordinator_client.post(url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("staff:take_attendance", args=[meeting.pk])
    assert not Attendance.objects.filter(pk=attendee.pk).exists()
    assert Person.objects.filter(name="Luis Gomes").exists()  # the person stays in the registry
    assert AuditEntry.objects.filter(
        actor=coordinator, action="delete", object_id=str(attendee.pk), source="web"
    ).exists()


def test_an_editor_corrects_but_does_not_remove(editor, attendee):
    client = signed_in(editor)
    page = client.get(reverse("staff:correct_attendance", args=[attendee.pk])).content.decode()
    assert 'name="attended"' not in page
    assert correct(client, attendee, name="Luis Gómez").status_code == 302
    url = reverse("staff:remove_attendance", args=[attendee.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert Attendance.objects.filter(pk=attendee.pk).exists()


@pytest.mark.parametrize("who", ["other_coordinator_client", "citizen"])
def test_others_may_not_correct_or_remove(request, who, attendee):
    client = (
        signed_in(UserFactory(username="ciudadana")) if who == "citizen" else request.getfixturevalue(who)
    )
    for url, data in (
        (reverse("staff:correct_attendance", args=[attendee.pk]), {"name": "Intruso", "attended": "yes"}),
        (reverse("staff:remove_attendance", args=[attendee.pk]), {"confirm": "1"}),
        (reverse("staff:attendance_sheet", args=[attendee.meeting.milestone_id]), {}),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    attendee.refresh_from_db()
    assert attendee.person.name == "Luis Gomes"


def test_anonymous_visitors_are_sent_to_sign_in(client, attendee):
    for url in (
        reverse("staff:correct_attendance", args=[attendee.pk]),
        reverse("staff:remove_attendance", args=[attendee.pk]),
        reverse("staff:attendance_sheet", args=[attendee.meeting.milestone_id]),
    ):
        response = client.post(url, {"confirm": "1", "name": "x"})
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert Attendance.objects.filter(pk=attendee.pk).exists()


# --- Sign-in sheets ------------------------------------------------------------------------------


def upload(client, milestone, name, content, **extra):
    return client.post(
        reverse("staff:attendance_sheet", args=[milestone.pk]),
        {"file": SimpleUploadedFile(name, content), **extra},
    )


def _text(cell):
    return " ".join(re.sub(r"<[^>]+>", " ", cell).split())


def rows_of(html):
    """The preview table's rows, as {heading: the cell's text}."""
    table = html.split('class="data sheet-preview"')[1].split("</table>")[0]
    headings = [_text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table.split("</thead>")[0], re.S)]
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    return [
        dict(
            zip(
                headings,
                [_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)],
                strict=True,
            )
        )
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def working_sheet() -> bytes:
    rows = [line.split(",") for line in WORKING_1.splitlines()[1:]]
    rows[0] = [
        "1",
        "PEREZ, Maria Jose",
        "MJPEREZ@INAP.GOB.GT",
        "Instituto Nacional de Administracion Publica (INAP)",
        "gobierno",
        "F",
        "",
    ]
    return write_xlsx(rows, HEADER.strip().split(","))


def test_a_sign_in_sheet_is_previewed_then_confirmed(coordinator_client, coordinator, milestone, meeting):
    page = coordinator_client.get(
        reverse("staff:attendance_sheet", args=[milestone.pk]) + f"?reunion={meeting.pk}"
    )
    assert page.status_code == 200 and "Reunión de Trabajo 01" in page.content.decode()
    people = Person.objects.count()

    preview = upload(
        coordinator_client, milestone, "reunion-inicial.csv", INITIAL.encode(), reunion=meeting.pk
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    table = rows_of(html)
    assert [row["Nombre"] for row in table] == ["María José Pérez", "Luis Gómez", "Ana Castillo", "Pedro Xol"]
    assert "Reunión" not in table[0]  # one meeting: said once, above the table
    assert "Reunión inicial" in html.split('class="facts"')[1].split("</dl>")[0]
    assert all(row["En el registro"] == "Persona nueva" for row in table)
    assert table[0]["Organización"] == "INAP = Instituto Nacional de Administración Pública"
    assert table[3]["Organización"] == "Universidad de San Carlos Organización nueva"
    assert Attendance.objects.count() == 0 and Person.objects.count() == people  # nothing written yet

    stored = Upload.objects.get(purpose="sheet-attendance", owner=coordinator)
    confirm = reverse("staff:attendance_sheet_confirm", args=[milestone.pk, stored.pk])
    assert confirm in html
    done = coordinator_client.post(confirm, {"reunion": meeting.pk})
    assert done.status_code == 302 and done["Location"] == reverse("staff:take_attendance", args=[meeting.pk])
    assert Attendance.objects.filter(meeting=meeting).count() == 4
    assert Person.objects.count() == people + 4
    assert audited(coordinator, Attendance.objects.filter(meeting=meeting).first(), "create")
    listed = coordinator_client.get(done["Location"]).content.decode()
    assert "4 asistencias registradas" in listed and "Pedro Xol" in listed

    # the second sheet: three of the same people, spelled otherwise, and one new
    preview = upload(coordinator_client, milestone, "reunion-01.xlsx", working_sheet())
    assert preview.status_code == 200
    table = rows_of(preview.content.decode())
    assert [row["En el registro"] for row in table] == [
        "Ya está: María José Pérez",
        "Ya está: Luis Gómez",
        "Ya está: Ana Castillo",
        "Persona nueva",
    ]
    assert Attendance.objects.count() == 4
    stored = Upload.objects.filter(purpose="sheet-attendance").latest("created_at")
    coordinator_client.post(reverse("staff:attendance_sheet_confirm", args=[milestone.pk, stored.pk]))
    assert Attendance.objects.count() == 8 and Person.objects.count() == people + 5


def test_the_preview_flags_repeats_and_people_already_recorded(coordinator_client, milestone, meeting):
    services.record_attendance(meeting, PersonFactory(name="Ana Castillo"))
    sheet = HEADER + (
        "0,Ana Castillo,,Guatecívica,,,\n"
        "0,Rosa Tum,rosa@x.org,,,,\n"
        "0,Rosa  Tum,rosa@x.org,,,,\n"
        "Reunión de trabajo 1,ROSA TUM,,,,,\n"
    )
    html = upload(coordinator_client, milestone, "firmas.csv", sheet.encode()).content.decode()
    table = rows_of(html)
    assert [row["Reunión"] for row in table] == ["Reunión inicial"] * 3 + ["Reunión de Trabajo 01"]
    assert table[0]["En el registro"] == "Ya está: Ana Castillo ya figura como asistente de esta reunión"
    assert table[2]["En el registro"] == "La misma persona de la fila 3"
    assert table[3]["En el registro"] == "La misma persona de la fila 3"
    assert table[2]["Avisos"] != "—" and table[3]["Avisos"] == "—"  # signed twice for one meeting
    assert 'class="flagged"' in html


def test_a_sheet_with_errors_shows_them_and_writes_nothing(coordinator_client, milestone):
    sheet = HEADER + "0,Ana Castillo,,,,,\n99,Pedro Xol,,,,,\n,Sin Reunión,,,,,\n"
    response = upload(coordinator_client, milestone, "firmas.csv", sheet.encode())
    assert response.status_code == 400
    html = response.content.decode()
    assert "errores: corrija el archivo" in html and "Fila 3" in html
    assert "attendance_sheet_confirm" not in html and "/confirmar/" not in html
    assert not Upload.objects.filter(purpose="sheet-attendance").exists()
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(
    "name, content",
    [("firmas.csv", b""), ("firmas.exe", b"MZ\x90\x00binary"), ("firmas.xlsx", b"PK\x03\x04not a zip")],
)
def test_a_file_that_is_not_a_sheet_is_refused(coordinator_client, milestone, name, content):
    response = upload(coordinator_client, milestone, name, content)
    assert response.status_code == 400
    assert 'class="message message-error"' in response.content.decode()
    assert Attendance.objects.count() == 0


def test_nobody_confirms_someone_elses_upload(coordinator_client, milestone, staff):
    upload(signed_in(staff), milestone, "reunion-inicial.csv", INITIAL.encode())
    stored = Upload.objects.get(purpose="sheet-attendance")
    response = coordinator_client.post(
        reverse("staff:attendance_sheet_confirm", args=[milestone.pk, stored.pk])
    )
    assert response.status_code == 404
    assert Attendance.objects.count() == 0


def test_attendance_is_read_only_in_the_admin(staff_client, attendee):
    change = reverse("admin:participation_attendance_change", args=[attendee.pk])
    assert staff_client.get(change).status_code == 200
    assert staff_client.post(change, {"person": attendee.person_id}).status_code == 403
    assert (
        staff_client.post(reverse("admin:participation_attendance_delete", args=[attendee.pk])).status_code
        == 403
    )
    assert Attendance.objects.filter(pk=attendee.pk).exists()


def test_the_attendance_and_meeting_pages_ask_a_bounded_number_of_queries(
    coordinator_client, milestone, meeting
):
    urls = (
        reverse("staff:take_attendance", args=[meeting.pk]),
        reverse("staff:edit_meeting", args=[meeting.pk]),
        reverse("staff:milestone", args=[milestone.pk]),
    )

    def counts():
        found = []
        for url in urls:
            coordinator_client.get(url)  # the session and the roles, once
            with CaptureQueriesContext(connection) as queries:
                assert coordinator_client.get(url).status_code == 200
            found.append(len(queries))
        return found

    for number in range(2):
        services.record_attendance(meeting, PersonFactory(name=f"Persona {number} Prueba"))
    few = counts()
    for number in range(2, 40):
        services.record_attendance(meeting, PersonFactory(name=f"Persona {number} Prueba"))
    assert counts() == few and max(few) <= 30
