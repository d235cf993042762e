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
