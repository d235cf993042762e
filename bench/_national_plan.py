"""The synthetic national plan of the scale benchmarks: 24 commitments × 8 milestones × 15
activities, each activity with monthly progress reports, three budget lines a milestone with monthly
expenditures (Django must be set up first: ``_setup.start_django``)."""

from __future__ import annotations

from decimal import Decimal

from _setup import analyze, without_audit_signals
from django.db import connection

from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.computations.months import Month
from cocrea.plans.models import ActionPlan, Activity, Commitment, Milestone, ProgressEntry

COMMITMENTS, MILESTONES, ACTIVITIES, MONTHS = 24, 8, 15, 36
START = Month(2019, 1)


def build(months: int = 36) -> None:
    """The plan, published, with ``months`` months of reports and expenditures from January 2019."""
    without_audit_signals()
    plan = ActionPlan.objects.create(name="Plan sintético nacional", slug="plan-sintetico", is_published=True)
    commitments = Commitment.objects.bulk_create(
        Commitment(action_plan=plan, number=str(c), sort_key=c, title=f"Compromiso {c}", is_published=True)
        for c in range(1, COMMITMENTS + 1)
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(
            commitment=c,
            number=str(m),
            sort_key=m,
            title=f"Hito {m}",
            is_published=True,
            start_month=START.first_day(),
            end_month=(START + (months - 1)).first_day(),
        )
        for c in commitments
        for m in range(1, MILESTONES + 1)
    )
    activities = []
    for milestone in milestones:
        for a in range(ACTIVITIES):
            start = START + (a * 2) % 24
            activities.append(
                Activity(
                    milestone=milestone,
                    position=a,
                    number=a + 1,
                    title=f"Actividad {a + 1}",
                    planned_start=start.first_day(),
                    planned_end=(start + 6 + a % 6).first_day(),
                )
            )
    activities = Activity.objects.bulk_create(activities, batch_size=2000)
    entries = []
    for index, activity in enumerate(activities):
        for offset in range(months):
            percent = min(100, max(0, (offset - index % 24) * 9))
            status = "done" if percent == 100 else ("planned" if percent == 0 else "in_progress")
            entries.append(
                ProgressEntry(
                    activity=activity,
                    day=(START + offset).last_day(),
                    percent_complete=Decimal(percent),
                    status=status,
                )
            )
    ProgressEntry.objects.bulk_create(entries, batch_size=5000)
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(
            milestone=m, number=n, position=n, description=f"Línea {n}", stated_cost=Decimal("120000.00")
        )
        for m in milestones
        for n in (1, 2, 3)
    )
    Expenditure.objects.bulk_create(
        (
            Expenditure(
                budget_line=line,
                day=(START + offset).last_day(),
                amount=Decimal("2500.00"),
                description="Gasto",
            )
            for line in lines
            for offset in range(months)
        ),
        batch_size=5000,
    )
    analyze()
    print(
        f"data: {len(milestones)} milestones, {len(activities)} activities, {len(entries)} progress reports, "
        f"{Expenditure.objects.count()} expenditures ({connection.vendor})"
    )
