"""Importing a plan again never destroys what people added (#12, section 1).

The scenario of the bug first: a coordinator adds a meeting, a citizen registers for it, the
unchanged plan is imported again; it used to print "0 creados, 0 actualizados, 1 eliminados" and
the meeting's page answered 404. Then the rules: only what came from the document changes; staff
edits are kept and reported; what the document dropped is listed, removed only when confirmed,
and archived (page and history kept) when something hangs from it.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from cocrea.audit.context import acting_as
from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.core.models import Upload
from cocrea.core.provenance import Origin
from cocrea.core.versioning import save_edit
from cocrea.participation.models import Meeting, Registration
from cocrea.participation.services import register_for_meeting
from cocrea.plans import services
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Activity, CommitmentEntity, Indicator, Objective, Strategy
from tests.factories import MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db


# --- the document, edited as a person would -----------------------------------------------------


def without_lines(text: str, *starts: str) -> str:
    """The plan without the lines that begin (after tabs) with any of ``starts``."""
    return "\n".join(line for line in text.split("\n") if not line.lstrip("\t").startswith(starts))


def without_meeting(text: str, title: str) -> str:
    return without_lines(text, f"{title}\t")


def without_activity(text: str, letter: str, number: int) -> str:
    """Activity ``letter`` leaves the list (IV) and row ``number`` the table (VI)."""
    head, rest = text.split("IV. ACTIVIDADES", 1)
    listed, rest = rest.split("V. ESTRATEGIAS", 1)
    listed = without_lines(listed, f"- {letter}. ")
    return without_lines(f"{head}IV. ACTIVIDADES{listed}V. ESTRATEGIAS{rest}", f"{number:02d}\t")


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_plan", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, name: str = "plan.txt") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def staff_meeting(milestone, staff, title: str = "Taller con la sociedad civil") -> Meeting:
    """A meeting a coordinator adds (as in the admin, where the bug was found): after the others."""
    with acting_as(staff, "admin"):
        return MeetingFactory(
            milestone=milestone, kind="other", number=None, title=title, place="INAP, salón 2"
        )


def registered(meeting: Meeting, name: str = "Lucía Pérez") -> Registration:
    return register_for_meeting(meeting, PersonFactory(name=name, email="lucia@example.org"))


# --- the bug -----------------------------------------------------------------------------------------


def test_the_unchanged_plan_keeps_a_meeting_staff_added_with_its_registration(
    milestone, staff, client, seed_path
):
    meeting = staff_meeting(milestone, staff)
    registration = registered(meeting)
    assert meeting.origin == Origin.STAFF

    status, out, _err = run(str(seed_path))

    assert status == 0
    assert "Importado: 0 creados, 0 actualizados, 0 eliminados, 0 archivados." in out
    assert "ya no está" not in out and "diferencia" not in out
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert Registration.objects.filter(pk=registration.pk).exists()
    assert client.get(reverse("participation:meeting", args=[meeting.pk])).status_code == 200
    assert milestone.meetings.count() == 18


def test_the_same_file_again_changes_nothing_at_all(imported_seed, seed_bytes):
    report = services.import_plan(seed_bytes, filename="again.txt")
    assert report.totals() == {"created": 0, "updated": 0, "deleted": 0, "archived": 0}
    assert report.removals == [] and report.conflicts == []


def test_rows_the_import_wrote_are_from_the_document(milestone):
    for model in (Objective, Indicator, Activity, Strategy, BudgetLine, Meeting, CommitmentEntity):
        assert set(model.objects.values_list("origin", flat=True)) == {Origin.DOCUMENT}, model


# --- staff edits -------------------------------------------------------------------------------------


def test_a_staff_edit_of_an_imported_field_is_kept_and_reported(milestone, seed_bytes, seed_text):
    activity = Activity.objects.get(milestone=milestone, number=3)
    save_edit(Activity, activity.pk, activity.edit_version, {"title": "Análisis de estándares (ajustado)"})

    report = services.import_plan(seed_bytes, filename="again.txt")

    assert report.totals()["updated"] == 0
    (conflict,) = report.conflicts
    assert (conflict.kind, conflict.identifier, conflict.field) == ("activity", "03", "title")
    assert conflict.staff_value == "Análisis de estándares (ajustado)"
    assert conflict.document_value.startswith("Análisis de los Estándares aplicables")
    assert conflict.document_changed is False
    activity.refresh_from_db()
    assert activity.title == "Análisis de estándares (ajustado)"

    # The document changes that title too: still the staff value, now a change of the document.
    revised = seed_text.replace(
        "Análisis de los Estándares aplicables", "Análisis revisado de los Estándares"
    )
    (conflict,) = services.import_plan(revised.encode(), filename="revised.txt").conflicts
    assert conflict.document_changed is True
    activity.refresh_from_db()
    assert activity.title == "Análisis de estándares (ajustado)"

    # --overwrite: the document wins, and says so.
    report = services.import_plan(revised.encode(), filename="revised.txt", overwrite=True)
    assert report.updated["activity"] == 1
    assert report.conflicts[0].overwritten
    activity.refresh_from_db()
    assert activity.title.startswith("Análisis revisado de los Estándares")


def test_a_field_staff_did_not_touch_takes_the_documents_change(milestone, seed_bytes, seed_text):
    activity = Activity.objects.get(milestone=milestone, number=3)
    save_edit(Activity, activity.pk, activity.edit_version, {"weight": Decimal("3")})  # a staff-only field
    revised = seed_text.replace(
        "Análisis de los Estándares aplicables", "Análisis revisado de los Estándares"
    )

    report = services.import_plan(revised.encode(), filename="revised.txt")

    assert report.updated["activity"] == 1 and report.conflicts == []
    activity.refresh_from_db()
    assert activity.title.startswith("Análisis revisado") and activity.weight == Decimal("3")


def test_an_item_staff_deleted_is_not_made_again_unless_overwrite(milestone, seed_bytes, staff):
    with acting_as(staff, "admin"):
        Strategy.objects.get(milestone=milestone, key="E").delete()

    report = services.import_plan(seed_bytes, filename="again.txt")

    assert report.totals()["created"] == 0
    (conflict,) = report.conflicts
    assert (conflict.kind, conflict.identifier, conflict.field) == ("strategy", "E", "")
    assert not Strategy.objects.filter(milestone=milestone, key="E").exists()
    report = services.import_plan(seed_bytes, filename="again.txt", overwrite=True)
    assert report.created["strategy"] == 1
    assert Strategy.objects.get(milestone=milestone, key="E").origin == Origin.DOCUMENT


# --- what the document dropped -----------------------------------------------------------------------


def test_dropped_items_are_listed_and_stay_until_confirmed(milestone, seed_text, staff):
    fifteen = Meeting.objects.get(milestone=milestone, kind="working", number=15)
    registered(fifteen)
    final = Meeting.objects.get(milestone=milestone, kind="final")
    revised = without_meeting(without_meeting(seed_text, "Reunión de Trabajo 15"), "Reunión de Final")

    report = services.import_plan(revised.encode(), filename="revised.txt")

    assert report.totals() == {"created": 0, "updated": 0, "deleted": 0, "archived": 0}
    by_identifier = {r.identifier: r for r in report.removals}
    assert set(by_identifier) == {"working-15", "final"}
    assert by_identifier["working-15"].action == "archived"
    assert by_identifier["working-15"].dependents == {"inscripciones": 1}
    assert by_identifier["final"].action == "removed" and not by_identifier["final"].has_dependents
    assert not any(r.applied for r in report.removals)
    assert Meeting.objects.filter(pk__in=[fifteen.pk, final.pk]).count() == 2

    with acting_as(staff, "web"):
        report = services.import_plan(revised.encode(), filename="revised.txt", allow_removals=True)

    assert report.deleted == {"meeting": 1} and report.archived == {"meeting": 1}
    assert not Meeting.objects.filter(pk=final.pk).exists()
    fifteen.refresh_from_db()
    assert fifteen.archived_at is not None and fifteen.archived_by == staff
    assert fifteen.registrations.count() == 1
    assert fifteen not in milestone.meetings.all(), "out of the current lists"
    assert Meeting.objects.current().filter(pk=fifteen.pk).count() == 0

    # The same file once more: nothing left to remove, nothing to do.
    again = services.import_plan(revised.encode(), filename="revised.txt")
    assert again.totals() == {"created": 0, "updated": 0, "deleted": 0, "archived": 0}
    assert again.removals == []


def test_confirming_only_some_removals(milestone, seed_text):
    revised = without_meeting(without_meeting(seed_text, "Reunión de Trabajo 15"), "Reunión de Final")
    report = services.import_plan(revised.encode(), filename="revised.txt", allow_removals={"meeting:final"})
    assert [(r.identifier, r.applied) for r in report.removals] == [("working-15", False), ("final", True)]
    assert Meeting.objects.filter(milestone=milestone).count() == 16


def test_an_archived_item_the_document_lists_again_comes_back(milestone, seed_text, seed_bytes):
    fifteen = Meeting.objects.get(milestone=milestone, kind="working", number=15)
    registered(fifteen)
    revised = without_meeting(seed_text, "Reunión de Trabajo 15")
    services.import_plan(revised.encode(), filename="revised.txt", allow_removals=True)
    assert Meeting.objects.get(pk=fifteen.pk).archived_at is not None

    report = services.import_plan(seed_bytes, filename="again.txt")

    assert report.created["meeting"] == 0 and report.removals == []
    fifteen.refresh_from_db()
    assert fifteen.archived_at is None and fifteen in milestone.meetings.all()


def test_removing_an_activity_keeps_the_others_and_their_reports(milestone, seed_text, staff):
    five = Activity.objects.get(milestone=milestone, number=5)
    six = Activity.objects.get(milestone=milestone, number=6)
    for activity in (five, six):
        record_progress(activity, day=date(2019, 9, 30), percent=Decimal("40"), note="Avance", by=staff)
    revised = without_activity(seed_text, "E", 5)

    report = services.import_plan(revised.encode(), filename="revised.txt", allow_removals=True)

    (removal,) = report.removals
    assert (removal.kind, removal.identifier, removal.action) == ("activity", "05", "archived")
    assert removal.dependents == {"reportes de avance": 1}
    six.refresh_from_db()
    assert (six.number, six.letter, six.position) == (6, "F", 5), "activity 06 stays 06, one place up"
    assert six.progress_entries.count() == 1
    five.refresh_from_db()
    assert five.archived_at is not None and five.progress_entries.count() == 1
    assert [a.number for a in milestone.activities.all()] == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]


def test_a_line_with_expenditures_is_archived_not_deleted(milestone, seed_text, staff):
    from cocrea.budget.services import record_expenditure

    line = BudgetLine.objects.get(milestone=milestone, number=3)
    record_expenditure(line, day=date(2019, 6, 1), amount=Decimal("500"), description="Papel", by=staff)
    revised = without_lines(seed_text, "03\tPapel e impresos.").replace("Q.570,075.00", "Q.560,575.00")

    report = services.import_plan(revised.encode(), filename="revised.txt", allow_removals=True)

    assert report.archived == {"budgetline": 1}
    line.refresh_from_db()
    assert line.archived_at is not None and Expenditure.objects.filter(budget_line=line).count() == 1
    assert milestone.budget_lines.total() == Decimal("560575.00"), "the plan's total without it"


def test_staff_data_on_a_dropped_meeting_archives_it(milestone, seed_text, staff):
    final = Meeting.objects.get(milestone=milestone, kind="final")
    save_edit(Meeting, final.pk, final.edit_version, {"place": "Salón del INAP"})
    revised = without_meeting(seed_text, "Reunión de Final")

    (removal,) = services.import_plan(revised.encode(), filename="revised.txt").removals

    assert removal.action == "archived" and removal.staff_fields == ("lugar o enlace",)


def test_a_new_document_meeting_moves_a_staff_meeting_out_of_its_place(milestone, seed_text, staff):
    meeting = staff_meeting(milestone, staff)
    registered(meeting)
    assert meeting.position == 18
    revised = seed_text.replace(
        "Reunión de Final\tago-20", "Reunión de Trabajo 16\tago-20\t\nReunión de Final\tago-20"
    )

    report = services.import_plan(revised.encode(), filename="revised.txt")

    assert report.created["meeting"] == 1
    meeting.refresh_from_db()
    assert meeting.position == 19 and meeting.origin == Origin.STAFF
    assert meeting.registrations.count() == 1
    final = Meeting.objects.get(milestone=milestone, kind="final")
    assert final.position == 18
    assert Meeting.objects.get(milestone=milestone, kind="working", number=16).position == 17


# --- the command ------------------------------------------------------------------------------------


def test_check_lists_the_removals_in_json_and_writes_nothing(milestone, seed_text, tmp_path):
    registered(Meeting.objects.get(milestone=milestone, kind="working", number=15))
    path = write(tmp_path, without_meeting(seed_text, "Reunión de Trabajo 15"))

    status, out, _err = run(path, "--check", "--format", "json")

    assert status == 0
    payload = json.loads(out)
    assert payload["removals"] == [
        {
            "kind": "meeting",
            "identifier": "working-15",
            "title": "Reunión de Trabajo 15",
            "has_dependents": True,
            "dependents": {"inscripciones": 1},
            "staff_fields": [],
            "action": "archived",
            "applied": False,
        }
    ]
    assert payload["preview"]["totals"]["created"] == 0  # the final meeting moves up: updated
    assert Meeting.objects.filter(milestone=milestone).current().count() == 17


def test_the_command_says_what_it_left_and_removes_only_with_allow_removals(milestone, seed_text, tmp_path):
    path = write(tmp_path, without_meeting(seed_text, "Reunión de Final"))

    status, out, _err = run(path)

    assert status == 0
    assert "Importado: 0 creados, 0 actualizados, 0 eliminados, 0 archivados." in out
    assert "Reunión «Reunión de Final» (no tiene registros): si se confirma, se eliminará." in out
    assert "1 elemento ya no está en el documento y se dejó en su lugar" in out
    assert "--allow-removals" in out
    assert Meeting.objects.filter(milestone=milestone).count() == 17

    status, out, _err = run(path, "--allow-removals", "--format", "json")

    payload = json.loads(out)
    assert payload["import"]["totals"] == {"created": 0, "updated": 0, "deleted": 1, "archived": 0}
    assert payload["removals"][0]["applied"] is True and payload["removals"][0]["action"] == "removed"
    assert Meeting.objects.filter(milestone=milestone).count() == 16


def test_the_command_reports_conflicts_and_overwrites_on_request(milestone, seed_path):
    activity = Activity.objects.get(milestone=milestone, number=1)
    save_edit(Activity, activity.pk, activity.edit_version, {"date_text": "Abril-Mayo 2019"})

    _status, out, _err = run(str(seed_path))

    assert "1 diferencia entre lo que registró el personal y el documento" in out
    assert "el personal puso «Abril-Mayo 2019», el documento dice «Abril 2019»" in out
    _status, out, _err = run(str(seed_path), "--overwrite")
    assert "Importado: 0 creados, 1 actualizados" in out
    activity.refresh_from_db()
    assert activity.date_text == "Abril 2019"


# --- the screens -------------------------------------------------------------------------------------


def upload(client, content: bytes):
    return client.post(reverse("staff:import_plan"), {"file": SimpleUploadedFile("plan.txt", content)})


def test_the_web_preview_lists_removals_and_asks_on_its_own_page(
    staff_client, milestone, seed_text, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fifteen = Meeting.objects.get(milestone=milestone, kind="working", number=15)
    registered(fifteen)
    final = Meeting.objects.get(milestone=milestone, kind="final")
    revised = without_meeting(without_meeting(seed_text, "Reunión de Trabajo 15"), "Reunión de Final")

    preview = upload(staff_client, revised.encode())

    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Ya no están en el documento" in html
    assert "Reunión de Trabajo 15" in html and "inscripciones: 1" in html
    stored = Upload.objects.get()
    removals_url = reverse("staff:import_plan_removals", args=[stored.pk])
    assert removals_url in html

    # Importing without the confirmation leaves both, and says so.
    response = staff_client.post(reverse("staff:import_plan_confirm", args=[stored.pk]), follow=True)
    assert "2 elementos ya no están en el documento y se dejaron en su lugar" in response.content.decode()
    assert Meeting.objects.filter(pk__in=[fifteen.pk, final.pk]).count() == 2

    page = staff_client.get(removals_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "se archivará" in text and "se eliminará" in text
    assert 'name="confirm" value="1"' in text
    assert not Meeting.objects.get(pk=fifteen.pk).archived_at, "asking writes nothing"

    hidden = {"removals": page.context["confirmation"].hidden["removals"]}
    done = staff_client.post(removals_url, {"confirm": "1", **hidden})

    assert done.status_code == 302
    assert not Meeting.objects.filter(pk=final.pk).exists()
    assert Meeting.objects.get(pk=fifteen.pk).archived_at is not None


def test_an_archived_meeting_keeps_its_page_with_a_notice_and_its_history(
    client, milestone, seed_text, staff
):
    fifteen = Meeting.objects.get(milestone=milestone, kind="working", number=15)
    registered(fifteen)
    with acting_as(staff, "web"):
        services.import_plan(
            without_meeting(seed_text, "Reunión de Trabajo 15").encode(),
            filename="r.txt",
            allow_removals=True,
        )

    page = client.get(reverse("participation:meeting", args=[fifteen.pk]))

    assert page.status_code == 200
    assert "Esta reunión está archivada" in page.content.decode()
    schedule = client.get(milestone.get_schedule_url()).content.decode()
    assert "Reunión de Trabajo 15" not in schedule and "Reunión de Trabajo 14" in schedule
    history = client.get(milestone.get_history_url()).content.decode()
    assert "Reunión de Trabajo 15" in history


# --- the migration -----------------------------------------------------------------------------------


def test_the_migration_marks_rows_with_a_source_line_as_from_the_document(milestone, staff):
    from django.apps import apps

    meeting = staff_meeting(milestone, staff)
    Activity.objects.filter(milestone=milestone).update(origin=Origin.STAFF)
    Meeting.objects.filter(milestone=milestone).update(origin=Origin.STAFF)

    for module in (
        "cocrea.plans.migrations.0009_provenance_and_archive",
        "cocrea.participation.migrations.0011_meeting_provenance_and_archive",
    ):
        importlib.import_module(module).mark_imported_rows(apps, None)

    assert set(Activity.objects.values_list("origin", flat=True)) == {Origin.DOCUMENT}
    assert Meeting.objects.filter(origin=Origin.DOCUMENT).count() == 17
    meeting.refresh_from_db()
    assert meeting.origin == Origin.STAFF, "added by staff: no line in the document"


def test_a_staff_edit_made_while_a_removal_waits_still_archives_it(milestone, seed_text, staff):
    """The document that dropped the item is the base now; the trail still shows the staff edit."""
    revised = without_meeting(seed_text, "Reunión de Final")
    services.import_plan(revised.encode(), filename="revised.txt")  # listed, left in place
    final = Meeting.objects.get(milestone=milestone, kind="final")
    with acting_as(staff, "web"):
        save_edit(Meeting, final.pk, final.edit_version, {"title": "Reunión final (con autoridades)"})

    report = services.import_plan(revised.encode(), filename="revised.txt", allow_removals=True)

    assert report.archived == {"meeting": 1} and report.deleted == {}
    final.refresh_from_db()
    assert final.archived_at is not None and final.title == "Reunión final (con autoridades)"


def test_a_web_import_is_recorded_as_an_import_by_the_person(milestone, seed_text, staff):
    from cocrea.audit.models import AuditEntry

    revised = seed_text.replace("Papel e impresos.\tQ.9,500.00", "Papel e impresos.\tQ.9,000.00")
    with acting_as(staff, "web"):
        services.import_plan(revised.encode(), filename="revised.txt")
    line = BudgetLine.objects.get(milestone=milestone, number=3)
    (entry,) = AuditEntry.objects.for_object(line).filter(action="update")
    assert (entry.source, entry.actor) == ("import", staff)


def test_archived_activity_and_line_pages_say_so_and_leave_the_figures(
    staff_client, milestone, seed_text, staff
):
    from cocrea.budget.services import record_expenditure

    thirteen = Activity.objects.get(milestone=milestone, number=13)
    record_progress(thirteen, day=date(2019, 9, 30), percent=Decimal("10"), note="Adelanto", by=staff)
    line = BudgetLine.objects.get(milestone=milestone, number=3)
    record_expenditure(line, day=date(2019, 6, 1), amount=Decimal("500"), description="Papel", by=staff)
    revised = without_lines(without_activity(seed_text, "M", 13), "03\tPapel e impresos.").replace(
        "Q.570,075.00", "Q.560,575.00"
    )
    with acting_as(staff, "web"):
        report = services.import_plan(revised.encode(), filename="r.txt", allow_removals=True)
    assert report.archived == {"activity": 1, "budgetline": 1}

    progress = staff_client.get(reverse("staff:record_progress", args=[thirteen.pk])).content.decode()
    assert "Esta actividad está archivada." in progress and "Adelanto" in progress
    spending = staff_client.get(reverse("staff:record_expenditure", args=[line.pk])).content.decode()
    assert "Esta línea de presupuesto está archivada." in spending and "Papel" in spending
    assert milestone.budget_lines.total() == Decimal("560575.00")
    for url in (milestone.get_absolute_url(), milestone.get_schedule_url()):
        assert "Presentación de Informe de implementación" not in staff_client.get(url).content.decode()
