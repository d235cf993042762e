"""A milestone without a detailed work plan is tracked directly (issue #15): its reports follow the
same workflow as an activity's, are audited, keep their evidence, may be corrected or withdrawn
under the same rule, and stop once a work plan gives the milestone activities."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from cocrea.audit.models import AuditEntry
from cocrea.core import pagecache
from cocrea.plans.execution import (
    correct_progress,
    correction_refusal,
    correction_state,
    record_progress,
    withdraw_progress,
)
from cocrea.plans.models import Milestone, ProgressEntry
from cocrea.plans.workflow import WorkflowError

pytestmark = pytest.mark.django_db


@pytest.fixture
def tracked(milestone):
    """Milestone 6 of the same commitment: no work plan, tracked directly."""
    return Milestone.objects.create(
        commitment=milestone.commitment,
        number="6",
        title="Implementación de la primera fase",
        is_published=True,
    )


def test_a_milestone_without_work_plan_is_reported_with_the_activities_workflow(tracked, staff):
    first = record_progress(
        tracked,
        day=date(2020, 3, 31),
        percent=Decimal(40),
        by=staff,
        note="Diagnóstico entregado",
        evidence=[("Informe", "https://example.org/informe.pdf")],
    )
    assert (first.milestone, first.activity, first.status) == (tracked, None, "in_progress")
    assert [e.url for e in first.evidence.all()] == ["https://example.org/informe.pdf"]
    record_progress(tracked, day=date(2020, 6, 30), percent=Decimal(100), by=staff)
    with pytest.raises(WorkflowError, match="no puede pasar"):  # done is final, as for an activity
        record_progress(tracked, day=date(2020, 7, 31), percent=Decimal(50), by=staff)
    assert list(tracked.progress_entries.values_list("status", flat=True)) == ["in_progress", "done"]
    assert {e.recorded_by for e in tracked.progress_entries.all()} == {staff}
    created = AuditEntry.objects.filter(content_type__model="progressentry", action=AuditEntry.Action.CREATE)
    assert created.count() == 2  # in the change history


def test_a_milestone_with_a_work_plan_is_reported_by_its_activities(milestone, staff):
    with pytest.raises(WorkflowError, match="actividades"):
        record_progress(milestone, day=date(2019, 5, 31), percent=Decimal(10), by=staff)
    assert not ProgressEntry.objects.exists()


def test_only_those_who_manage_the_milestone_report_it(tracked, django_user_model):
    nobody = django_user_model.objects.create_user("nadie@example.org", "nadie@example.org", "x" * 12)
    with pytest.raises(PermissionDenied):
        record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=nobody)


def test_the_latest_report_is_corrected_or_withdrawn_with_a_reason(tracked, staff):
    first = record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=staff)
    latest = record_progress(tracked, day=date(2020, 4, 30), percent=Decimal(60), by=staff)
    assert correction_refusal(first) is not None  # the next report starts from it
    assert correction_refusal(latest) is None
    corrected = correct_progress(
        latest,
        expected_version=latest.edit_version,
        day=date(2020, 4, 30),
        percent=Decimal(55),
        by=staff,
        correction_reason="Cifra mal copiada",
    )
    assert corrected.percent_complete == Decimal(55)
    withdraw_progress(corrected, expected_version=corrected.edit_version, reason="Duplicado", by=staff)
    state = correction_state(tracked, list(tracked.progress_entries.order_by("-day")), staff)
    assert state["correctable"] == first
    assert [w.reason for w in state["withdrawn"]] == ["Duplicado"]


def test_a_report_is_of_an_activity_or_of_a_milestone_never_both_nor_neither(milestone, tracked):
    activity = milestone.activities.first()
    for subject in ({"activity": activity, "milestone": tracked}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressEntry.objects.create(
                day=date(2020, 1, 1), percent_complete=0, status="planned", **subject
            )


def test_a_report_bumps_the_milestones_public_pages(
    tracked, staff, settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE = True
    pagecache.forget_scheduled()
    kwargs = {
        "plan": tracked.commitment.action_plan.slug,
        "number": tracked.commitment.number,
        "milestone": "6",
    }
    scopes = pagecache.chain(kwargs)
    before = pagecache.current_versions(scopes)
    entry = ProgressEntry(milestone=tracked, day=date(2020, 1, 1), percent_complete=0, status="planned")
    assert set(scopes) <= pagecache.scopes_of(entry)
    with django_capture_on_commit_callbacks(execute=True):
        record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=staff)
    assert pagecache.current_versions(scopes) != before


def test_the_commitment_page_shows_each_milestones_progress(client, milestone, tracked, staff):
    Milestone.objects.create(
        commitment=milestone.commitment, number="7", title="Sin reportes", is_published=True
    )
    record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=staff)
    page = client.get(milestone.commitment.get_absolute_url()).content.decode()
    assert "con plan de trabajo detallado" in page  # milestone 1, the seed's
    assert "En curso, 40 % al 31 de marzo de 2020" in page  # milestone 6, tracked directly
    assert "sin reportes de avance" in page  # milestone 7


def test_the_staff_screen_records_a_milestones_progress(client, tracked, staff):
    client.force_login(staff)
    url = f"/gestion/hitos/{tracked.pk}/avance/"
    assert "Avance del hito 6" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "day": "2020-03-31",
            "percent": "40",
            "note": "Diagnóstico",
            "evidence_title": "Informe",
            "evidence_url": "https://example.org/informe.pdf",
        },
    )
    assert response.status_code == 302
    [entry] = tracked.progress_entries.all()
    assert (entry.percent_complete, entry.note, entry.recorded_by) == (40, "Diagnóstico", staff)
    assert [e.url for e in entry.evidence.all()] == ["https://example.org/informe.pdf"]


def test_a_tracked_milestones_page_shows_its_progress_not_an_empty_work_plan(client, tracked, staff):
    tracked.deliverable = "Laboratorio en funcionamiento"
    tracked.save()
    record_progress(
        tracked,
        day=date(2020, 3, 31),
        percent=Decimal(75),
        by=staff,
        note="Tres sesiones del laboratorio",
        evidence=[("Memoria", "https://example.org/memoria.pdf")],
    )
    page = client.get(tracked.get_absolute_url()).content.decode()
    for text in (
        "Laboratorio en funcionamiento",
        "75 %",
        "En curso",
        "Tres sesiones del laboratorio",
        "Memoria",
    ):
        assert text in page
    assert 'value="75"' in page  # the bar
    assert "Plan de trabajo" not in page and "Actividades y responsables" not in page


def test_the_change_history_shows_a_tracked_milestones_reports(client, tracked, staff):
    record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=staff)
    page = client.get(tracked.get_history_url()).content.decode()
    assert "Hito 6: reporte del 31 de marzo de 2020" in page
    only_reports = client.get(tracked.get_history_url() + "?tipo=progressentry").content.decode()
    assert "Hito 6: reporte del 31 de marzo de 2020" in only_reports
