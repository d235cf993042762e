"""Importing an action plan's tracking sheet (issue #15): commitments, milestones, institutions and
progress written in place; the same file again changes nothing; what staff changed stays; a sheet
with errors, or a report the workflow refuses, writes nothing."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from cocrea.audit.context import acting_as
from cocrea.audit.models import AuditEntry
from cocrea.plans import tracker
from cocrea.plans.models import Commitment, Milestone, Organization, ProgressEntry

pytestmark = pytest.mark.django_db

TRACKERS = Path(__file__).resolve().parent.parent / "computations" / "data" / "trackers"
SHEET = TRACKERS / "seguimiento_es_cp1252.csv"
DAY = date(2020, 9, 30)


def sheet(*rows: str) -> bytes:
    header = (
        "Compromiso;Entidades responsables;Hito;Producto;Fecha de inicio;Fecha de fin;% de avance;Evidencias"
    )
    return "\n".join([header, *rows]).encode("utf-8")


def test_the_sheet_becomes_commitments_milestones_institutions_and_progress(milestone):
    plan = milestone.commitment.action_plan
    report = tracker.import_tracker(SHEET.read_bytes(), plan=plan, day=DAY)
    assert report.ok and not report.dry_run
    commitment = Commitment.objects.get(action_plan=plan, number="11")  # found by its title
    assert set(commitment.milestones.values_list("number", flat=True)) == {"1", "2", "3", "4", "5"}
    one = commitment.milestones.get(number="1")
    assert one.title == milestone.title  # the work plan's milestone keeps its title and its work plan
    assert not one.progress_entries.exists()  # reported through its activities
    two = commitment.milestones.get(number="2")
    assert (two.title, two.deliverable) == (
        "Presentar la estrategia a las autoridades",
        "Acta de presentación",
    )
    assert (two.starts_on, two.ends_on) == (date(2019, 12, 16), date(2020, 3, 31))
    assert {o.acronym for o in two.responsible.all()} >= {"INAP", "GPAT", "ONSEC"}
    [entry] = two.progress_entries.all()
    assert (entry.day, entry.percent_complete, entry.status) == (DAY, 50, "in_progress")
    assert "Pendiente de firma" in entry.note
    three = commitment.milestones.get(number="3")
    assert sorted(e.url for e in three.progress_entries.get().evidence.all()) == [
        "https://www.inap.gob.gt/talleres",
        "https://youtu.be/abc123",
    ]
    assert Commitment.objects.filter(action_plan=plan).count() == 2  # the second one is new
    assert Organization.objects.filter(name__icontains="Guatec").exists()  # added to the registry
    assert AuditEntry.objects.filter(source=AuditEntry.Source.IMPORT).exists()  # the trail says import


def test_the_same_sheet_again_changes_nothing(milestone):
    plan = milestone.commitment.action_plan
    tracker.import_tracker(SHEET.read_bytes(), plan=plan, day=DAY)
    counts = (Commitment.objects.count(), Milestone.objects.count(), ProgressEntry.objects.count())
    trail = AuditEntry.objects.count()
    again = tracker.import_tracker(SHEET.read_bytes(), plan=plan, day=date(2020, 10, 31))
    assert (Commitment.objects.count(), Milestone.objects.count(), ProgressEntry.objects.count()) == counts
    assert not again.created["commitment"] and not again.created["milestone"] and again.reports == 0
    assert AuditEntry.objects.count() == trail


def test_a_field_staff_changed_keeps_the_staff_value(milestone, staff):
    plan = milestone.commitment.action_plan
    data = sheet("Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;20%;")
    tracker.import_tracker(data, plan=plan, day=DAY)
    published = Milestone.objects.get(title="Publicar el presupuesto")
    with acting_as(staff, "web"):
        published.deliverable = "Portal de datos abiertos"
        published.save()
    changed = sheet(
        "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal web;01/01/2020;31/07/2020;40%;"
    )
    report = tracker.import_tracker(changed, plan=plan, day=date(2020, 10, 31))
    published.refresh_from_db()
    assert published.deliverable == "Portal de datos abiertos"  # staff's value stays
    assert published.ends_on == date(2020, 7, 31)  # what staff did not touch follows the sheet
    assert any("producto o entregable" in conflict for conflict in report.conflicts)
    assert list(published.progress_entries.values_list("percent_complete", flat=True)) == [20, 40]


def test_a_sheet_with_errors_writes_nothing(milestone):
    plan = milestone.commitment.action_plan
    before = (Commitment.objects.count(), Milestone.objects.count())
    data = sheet(
        "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/07/2020;30/06/2020;20%;",
        "Transparencia fiscal;MINFIN;Abrir datos;Portal;01/01/2020;30/06/2020;ciento veinte;",
    )
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=DAY)
    assert {(f.code, f.line) for f in refused.value.report.errors} == {
        ("end_before_start", 2),
        ("completion_unreadable", 3),
    }
    assert (Commitment.objects.count(), Milestone.objects.count()) == before


def test_a_report_the_workflow_refuses_writes_nothing_and_says_where(milestone):
    plan = milestone.commitment.action_plan
    tracker.import_tracker(
        sheet("Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;100%;"),
        plan=plan,
        day=DAY,
    )
    entries = ProgressEntry.objects.count()
    back = sheet(
        "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;50%;",
        "Transparencia fiscal;MINFIN;Abrir datos;Portal;01/01/2020;30/06/2020;10%;",
    )
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(back, plan=plan, day=date(2020, 10, 31))
    [error] = refused.value.report.errors
    assert (error.code, error.line) == ("progress_refused", 2)  # done is final
    assert ProgressEntry.objects.count() == entries
    assert not Milestone.objects.filter(title="Abrir datos").exists()  # all or nothing


def test_check_json_prints_the_sheet_and_what_an_import_would_do(milestone):
    out = io.StringIO()
    call_command("import_tracker", str(SHEET), "--check", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["counts"]["commitments"] == 2 and payload["counts"]["milestones"] == 7
    first = payload["commitments"][0]
    assert {"title", "institutions", "period", "completion", "milestones"} <= set(first)
    assert first["milestones"][1]["line"] == 9 and first["milestones"][1]["completion"] == 50.0
    assert payload["preview"]["dry_run"] is True and payload["preview"]["created"]["milestone"] == 6
    assert not Milestone.objects.filter(title="Presentar la estrategia a las autoridades").exists()


def test_the_command_imports_and_reports_in_spanish(milestone):
    out = io.StringIO()
    call_command("import_tracker", str(SHEET), "--day", "2020-09-30", stdout=out)
    text = out.getvalue()
    assert "Creados: 1 compromisos, 6 hitos" in text
    assert "tiene plan de trabajo detallado" in text
    assert Milestone.objects.filter(title="Presentar la estrategia a las autoridades").exists()


# --- who may import what ---------------------------------------------------------------------------

ELEVEN = "Diseño e implementación de una estrategia de innovación en la gestión pública"


def coordinator_of(commitment):  # type: ignore[no-untyped-def]
    from cocrea.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="coordina", role=Role.COORDINATOR, commitment=commitment)


def other_commitment(plan) -> Commitment:  # type: ignore[no-untyped-def]
    return Commitment.objects.create(action_plan=plan, number="12", title="Transparencia fiscal")


def written() -> tuple[int, int, int, int]:
    return (
        Commitment.objects.count(),
        Milestone.objects.count(),
        ProgressEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_a_coordinator_imports_a_sheet_of_their_commitment_attributed_to_them(milestone):
    plan = milestone.commitment.action_plan
    user = coordinator_of(milestone.commitment)
    data = sheet(f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;")
    report = tracker.import_tracker(data, plan=plan, day=DAY, by=user)
    assert report.ok and report.created["milestone"] == 1
    six = milestone.commitment.milestones.get(title="Evaluar la estrategia")
    entry = six.progress_entries.get()
    assert entry.recorded_by == user
    from django.contrib.contenttypes.models import ContentType

    created = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Milestone),
        object_id=str(six.pk),
        action=AuditEntry.Action.CREATE,
    )
    assert created.actor == user and created.source == AuditEntry.Source.IMPORT


def test_a_coordinators_sheet_touching_another_commitment_is_refused_and_writes_nothing(milestone):
    plan = milestone.commitment.action_plan
    other_commitment(plan)
    user = coordinator_of(milestone.commitment)
    before = written()
    data = sheet(
        f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;",
        "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;20%;",
        ";MINFIN;Abrir datos;Portal;01/01/2020;30/06/2020;10%;",
        f"{ELEVEN};INAP;7. Difundir la estrategia;Memoria;01/08/2020;30/09/2020;0%;",
    )
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=DAY, by=user)
    [error] = refused.value.report.errors
    assert (error.code, error.line) == ("commitment_change_refused", 3)
    from cocrea.plans.tracker_messages import describe

    assert describe(error).startswith("No puede cambiar el compromiso «Transparencia fiscal» (líneas 3–4): ")
    assert written() == before  # all or nothing: not even their own commitment's milestones
    # The check says the same, and writes nothing either.
    preview = tracker.preview_tracker(data, plan=plan, day=DAY, by=user)
    assert preview.dry_run and [f.code for f in preview.errors] == ["commitment_change_refused"]
    assert written() == before
    # The system (a command without --as) may import it all.
    assert tracker.import_tracker(data, plan=plan, day=DAY).ok


def test_a_coordinator_may_not_add_a_commitment_a_point_of_contact_may(milestone):
    from cocrea.accounts.models import Role
    from cocrea.accounts.services import grant_role
    from tests.factories import UserFactory

    plan = milestone.commitment.action_plan
    data = sheet(
        "Datos abiertos municipales;MUNI;Publicar datos;Portal;01/01/2020;30/06/2020;20%;",
        ";MUNI;Capacitar;Talleres;01/01/2020;30/06/2020;10%;",
    )
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=DAY, by=coordinator_of(milestone.commitment))
    [error] = refused.value.report.errors
    from cocrea.plans.tracker_messages import describe

    assert error.code == "commitment_add_refused"
    assert describe(error).startswith(
        "No puede agregar el compromiso «Datos abiertos municipales» (líneas 2–3)"
    )
    assert not Commitment.objects.filter(title="Datos abiertos municipales").exists()
    contact = UserFactory(username="contacto", two_step=True)
    grant_role(contact, Role.POINT_OF_CONTACT, action_plan=plan)
    report = tracker.import_tracker(data, plan=plan, day=DAY, by=contact)
    assert report.ok and report.created["commitment"] == 1


def test_the_command_imports_as_the_account_and_refuses_what_it_may_not_change(milestone, tmp_path):
    plan = milestone.commitment.action_plan
    other_commitment(plan)
    user = coordinator_of(milestone.commitment)
    path = tmp_path / "seguimiento.csv"
    path.write_bytes(
        sheet(
            f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;",
            "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;20%;",
        )
    )
    try:
        before = written()
        out = io.StringIO()
        with pytest.raises(SystemExit) as exit_status:
            call_command("import_tracker", str(path), "--day", "2020-09-30", "--as", user.email, stdout=out)
        assert exit_status.value.code == 1 and written() == before
        assert "No puede cambiar el compromiso «Transparencia fiscal» (línea 3)" in out.getvalue()
        check = io.StringIO()
        with pytest.raises(SystemExit):
            call_command(
                "import_tracker", str(path), "--check", "--format", "json", "--as", user.email, stdout=check
            )
        [error] = json.loads(check.getvalue())["preview"]["errors"]
        assert error["code"] == "commitment_change_refused" and error["params"]["number"] == "12"
        # An account without a plan role may not import at all.
        from tests.factories import UserFactory

        nobody = UserFactory(username="nadie")
        err = io.StringIO()
        with pytest.raises(SystemExit) as no_role:
            call_command("import_tracker", str(path), "--as", nobody.email, stdout=io.StringIO(), stderr=err)
        assert no_role.value.code == 2 and "no puede importar" in err.getvalue()
        assert written() == before
    finally:
        path.unlink()


# --- activities ------------------------------------------------------------------------------------

ACTIVITY_HEADER = "Compromiso;Hito;Actividad;Responsable;Inicio;Fin;Peso;Avance;Evidencias"


def activity_sheet(*rows: str) -> bytes:
    return "\n".join([ACTIVITY_HEADER, *rows]).encode("utf-8")


def test_activity_rows_become_the_milestones_work_plan_with_their_progress(milestone):
    plan = milestone.commitment.action_plan
    data = activity_sheet(
        f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;2;100%;"
        "https://inap.gob.gt/eval",
        ";;b) Aplicar la encuesta;ONSEC, GPAT;01/09/2020;30/09/2020;1;50%;",
        ";;Redactar el informe;INAP;01/10/2020;31/10/2020;1;;",
    )
    report = tracker.import_tracker(data, plan=plan, day=DAY)
    assert report.ok and report.created["activity"] == 3 and report.reports == 2
    six = milestone.commitment.milestones.get(title="Evaluar la estrategia")
    design, survey, write = six.activities.order_by("position")
    assert (design.letter, design.number, design.title) == ("a", None, "Diseñar la evaluación")
    assert (design.planned_start, design.planned_end, design.weight) == (
        date(2020, 8, 1),
        date(2020, 8, 31),
        2,
    )
    assert {o.acronym for o in survey.responsible.all()} == {"ONSEC", "GPAT"}
    assert (write.letter, write.position) == ("", 3)
    assert design.progress_entries.get().percent_complete == 100
    assert [e.url for e in design.progress_entries.get().evidence.all()] == ["https://inap.gob.gt/eval"]
    assert survey.progress_entries.get().status == "in_progress"
    assert not write.progress_entries.exists() and not six.progress_entries.exists()
    # The milestone now has a work plan whose activities carry its progress (the plan tracker's).
    from cocrea.plans import tracker_figures

    six = Milestone.objects.select_related("commitment__action_plan").get(pk=six.pk)
    figures = tracker_figures.compute([six], date(2020, 10, 31))[six.pk]
    assert figures.has_work_plan and figures.completion == pytest.approx(62.5)  # (2·100 + 50) / 4


def test_activities_are_updated_in_place_and_nothing_staff_made_is_lost(milestone, staff):
    plan = milestone.commitment.action_plan
    first = activity_sheet(
        f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;;50%;",
        ";;b) Aplicar la encuesta;ONSEC;01/09/2020;30/09/2020;;0%;",
    )
    tracker.import_tracker(first, plan=plan, day=DAY)
    six = milestone.commitment.milestones.get(title="Evaluar la estrategia")
    design = six.activities.get(letter="a")
    survey = six.activities.get(letter="b")
    with acting_as(staff, "web"):
        design.title = "Diseñar la evaluación externa"  # staff renamed it
        design.save()
        survey.planned_start = date(2020, 9, 7)  # and moved this one's start
        survey.save()
        from cocrea.plans.models import Activity

        Activity.objects.create(milestone=six, position=9, title="Actividad que agregó el personal")
    counts = (six.activities.count(), ProgressEntry.objects.count())
    again = tracker.import_tracker(first, plan=plan, day=date(2020, 10, 31))
    assert (six.activities.count(), ProgressEntry.objects.count()) == counts  # the same file: nothing
    assert not again.created["activity"] and again.reports == 0
    later = activity_sheet(
        f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;15/09/2020;;100%;",
        ";;b) Aplicar la encuesta;ONSEC;02/09/2020;30/09/2020;;40%;",
    )
    report = tracker.import_tracker(later, plan=plan, day=date(2020, 10, 31))
    survey.refresh_from_db()
    assert survey.planned_start == date(2020, 9, 7)  # staff's value stays, listed as a conflict
    assert any("Actividad b del hito 11.6" in conflict for conflict in report.conflicts)
    assert report.ok and report.reports == 2 and not report.created["activity"]
    design.refresh_from_db()
    assert design.title == "Diseñar la evaluación externa"  # found by its letter; staff's title stays
    assert design.planned_end == date(2020, 9, 15)
    assert any(f.code == "activity_title_differs" for f in report.notes)
    assert list(design.progress_entries.order_by("day").values_list("percent_complete", flat=True)) == [
        50,
        100,
    ]
    assert six.activities.filter(title="Actividad que agregó el personal").exists()  # never removed
    assert six.activities.count() == 3


def test_activity_rows_of_the_work_plans_milestone_find_its_activities_by_number(milestone):
    plan = milestone.commitment.action_plan
    activities = milestone.activities.count()
    data = activity_sheet(
        f"{ELEVEN};1. Marco conceptual;01. Plan de trabajo;INAP;01/11/2018;30/11/2018;;100%;",
        ";;14. Presentar los resultados;INAP;01/12/2019;15/12/2019;;0%;",
    )
    report = tracker.import_tracker(data, plan=plan, day=DAY)
    assert report.ok
    one = milestone.activities.get(number=1)
    assert one.title == "Elaboración del Plan de Trabajo."  # the work plan's title stays
    assert one.progress_entries.get().percent_complete == 100
    assert milestone.activities.count() == activities + 1
    assert milestone.activities.get(number=14).position == activities + 1
    assert not milestone.progress_entries.exists()


def test_a_milestone_tracked_directly_is_not_given_activities(milestone):
    plan = milestone.commitment.action_plan
    tracker.import_tracker(
        sheet(f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;"),
        plan=plan,
        day=DAY,
    )
    six = milestone.commitment.milestones.get(title="Evaluar la estrategia")
    data = activity_sheet(
        f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;;50%;",
        ";;b) Aplicar la encuesta;ONSEC;01/09/2020;30/09/2020;;0%;",
    )
    before = (ProgressEntry.objects.count(), six.activities.count())
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=date(2020, 10, 31))
    [error] = refused.value.report.errors
    assert (error.code, error.line) == ("milestone_tracked_directly", 2)
    from cocrea.plans.tracker_messages import describe

    assert "registra su avance directamente" in describe(error) and "11.6" in describe(error)
    assert (ProgressEntry.objects.count(), six.activities.count()) == before


def test_check_json_lists_a_milestones_activities(milestone, tmp_path):
    path = tmp_path / "actividades.csv"
    path.write_bytes(
        activity_sheet(
            f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;2;50%;",
            ";;b) Aplicar la encuesta;ONSEC;01/09/2020;30/09/2020;1;0%;",
        )
    )
    out = io.StringIO()
    call_command("import_tracker", str(path), "--check", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    [six] = payload["commitments"][0]["milestones"]
    assert {"title", "product", "start", "end", "completion", "line"} <= set(six)  # the keys it had
    assert [(a["letter"], a["title"], a["weight"], a["line"]) for a in six["activities"]] == [
        ("a", "a) Diseñar la evaluación", 2.0, 2),
        ("b", "b) Aplicar la encuesta", 1.0, 3),
    ]
    assert payload["counts"]["activities"] == 2
    assert payload["preview"]["created"]["activity"] == 2
    assert not Milestone.objects.filter(title="Evaluar la estrategia").exists()


def test_an_activity_twice_under_its_milestone_is_an_error(milestone):
    plan = milestone.commitment.action_plan
    data = activity_sheet(
        f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;;50%;",
        ";;b) Aplicar la encuesta;ONSEC;01/09/2020;30/09/2020;;0%;",
        ";;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;;60%;",
    )
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=DAY)
    [error] = refused.value.report.errors
    assert (error.code, error.line, error.params["first_line"]) == ("duplicate_activity", 4, 2)
    assert not Milestone.objects.filter(title="Evaluar la estrategia").exists()


def test_a_coordinator_may_not_publish_the_plan(milestone):
    plan = milestone.commitment.action_plan
    plan.is_published = False
    plan.save()
    user = coordinator_of(milestone.commitment)
    data = sheet(f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;")
    with pytest.raises(tracker.TrackerRefused) as refused:
        tracker.import_tracker(data, plan=plan, day=DAY, by=user, publish=True)
    from cocrea.plans.tracker_messages import describe

    [error] = refused.value.report.errors
    assert error.code == "plan_publish_refused" and describe(error).startswith("No puede publicar el plan")
    plan.refresh_from_db()
    assert not plan.is_published
    assert tracker.import_tracker(data, plan=plan, day=DAY, by=user).ok  # without publishing: fine
