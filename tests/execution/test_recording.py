"""Recording execution: the status workflow, expenditures, meetings, baselines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cocrea.audit.models import AuditEntry
from cocrea.budget.services import record_expenditure
from cocrea.participation.services import record_meeting_outcome
from cocrea.plans.execution import approve_baseline, baseline_at, record_progress
from cocrea.plans.models import ProgressEntry
from cocrea.plans.workflow import TRANSITIONS, WorkflowError, derive_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(milestone):
    return milestone.activities.get(number=2)


def test_a_report_may_go_straight_from_planned_to_done(activity, staff):
    entry = record_progress(activity, day=date(2019, 5, 31), percent=Decimal(100), by=staff)
    assert entry.status == "done"


def test_statuses_follow_the_workflow(activity, staff):
    record_progress(activity, day=date(2019, 5, 10), percent=Decimal(30), by=staff)
    record_progress(
        activity, day=date(2019, 5, 20), percent=Decimal(40), status="delayed", reason="Sin sala", by=staff
    )
    record_progress(activity, day=date(2019, 6, 5), percent=Decimal(100), by=staff)
    with pytest.raises(WorkflowError, match="no puede pasar"):
        record_progress(activity, day=date(2019, 6, 10), percent=Decimal(50), by=staff)
    assert list(ProgressEntry.objects.filter(activity=activity).values_list("status", flat=True)) == [
        "in_progress",
        "delayed",
        "done",
    ]


@pytest.mark.parametrize("status", ["delayed", "cancelled"])
def test_delayed_and_cancelled_need_a_reason(activity, staff, status):
    with pytest.raises(WorkflowError, match="motivo"):
        record_progress(activity, day=date(2019, 5, 10), percent=Decimal(10), status=status, by=staff)
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize(
    ("status", "percent"), [("done", 90), ("planned", 10), ("in_progress", 100), ("in_progress", 101)]
)
def test_status_and_percent_must_agree(activity, staff, status, percent):
    with pytest.raises(WorkflowError):
        record_progress(activity, day=date(2019, 5, 10), percent=Decimal(percent), status=status, by=staff)


def test_a_backdated_report_cannot_break_the_following_one(activity, staff):
    record_progress(activity, day=date(2019, 5, 31), percent=Decimal(100), by=staff)
    with pytest.raises(WorkflowError):
        record_progress(
            activity, day=date(2019, 5, 1), percent=Decimal(0), status="cancelled", reason="x", by=staff
        )


def test_the_workflow_table_is_complete():
    statuses = {"planned", "in_progress", "done", "delayed", "cancelled"}
    assert set(TRANSITIONS) == statuses | {None}
    assert all(targets <= statuses for targets in TRANSITIONS.values())
    assert derive_status(Decimal(0)) == "planned"
    assert derive_status(Decimal("99.99")) == "in_progress"
    assert derive_status(Decimal(100)) == "done"


def test_progress_needs_the_change_rule(activity, django_user_model):
    participant = django_user_model.objects.create_user("p", "p@example.org", "x-Strong-Pass-42")
    with pytest.raises(PermissionDenied):
        record_progress(activity, day=date(2019, 5, 10), percent=Decimal(10), by=participant)


def test_each_write_is_audited_once(activity, staff):
    before = AuditEntry.objects.count()
    record_progress(
        activity,
        day=date(2019, 5, 10),
        percent=Decimal(10),
        by=staff,
        evidence=[("Acta", "https://inap.gob.gt/acta")],
    )
    new = AuditEntry.objects.order_by("id")[before:]
    assert [e.content_type.model for e in AuditEntry.objects.order_by("id")][before:] == [
        "progressentry",
        "evidence",
    ]
    assert len(list(new)) == 2


def test_expenditures(milestone, staff):
    line = milestone.budget_lines.get(number=1)
    record_expenditure(
        line, day=date(2019, 4, 30), amount=Decimal("32000.00"), description="Asesores abril", by=staff
    )
    assert line.expenditures.total() == Decimal("32000.00")
    with pytest.raises(ValidationError):
        record_expenditure(line, day=date(2019, 4, 30), amount=Decimal(0), description="x", by=staff)


def test_meeting_outcomes(milestone, staff):
    meeting = milestone.meetings.first()
    record_meeting_outcome(meeting, outcome="held", day=date(2019, 4, 25), place="INAP, sala 2", by=staff)
    assert meeting.status == "held"
    other = milestone.meetings.all()[1]
    with pytest.raises(ValidationError, match="motivo"):
        record_meeting_outcome(other, outcome="postponed", day=date(2019, 6, 3), by=staff)
    record_meeting_outcome(other, outcome="cancelled", reason="Emergencia", by=staff)
    other.refresh_from_db()
    assert other.status == "cancelled"


def test_baselines_need_a_reason_after_the_first(milestone, staff):
    first = approve_baseline(milestone, by=staff, effective_from=date(2019, 4, 1))
    assert first.number == 1 and first.snapshot["bac"] == "570075.00"
    assert len(first.snapshot["activities"]) == 13
    with pytest.raises(WorkflowError):
        approve_baseline(milestone, by=staff)
    second = approve_baseline(
        milestone, by=staff, reason="Corrección de la actividad 12", effective_from=date(2019, 9, 1)
    )
    assert baseline_at(milestone, date(2019, 8, 31)) == first
    assert baseline_at(milestone, date(2019, 9, 1)) == second
    assert baseline_at(milestone, date(2019, 3, 1)) is None
