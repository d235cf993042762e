"""Indicators for a national-scale synthetic plan: 24 commitments × 8 milestones × 15 activities,
36 months of monthly progress reports and expenditures, in a temporary SQLite database (or
PostgreSQL with --postgres). Prints the time of ``cocrea.plans.indicators.figures`` for every
milestone at one date (database reads + computation), and of the computation alone.

    .venv/bin/python bench/indicators.py [--postgres]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import analyze, start_django, without_audit_signals

start_django("cocrea_bench_indicators")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from cocrea.budget.models import BudgetLine, Expenditure  # noqa: E402
from cocrea.computations.months import Month  # noqa: E402
from cocrea.plans.indicators import figures  # noqa: E402
from cocrea.plans.models import ActionPlan, Activity, Commitment, Milestone, ProgressEntry  # noqa: E402

COMMITMENTS, MILESTONES, ACTIVITIES, MONTHS = 24, 8, 15, 36
START = Month(2019, 1)


def build() -> None:
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
            end_month=(START + (MONTHS - 1)).first_day(),
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
        for offset in range(MONTHS):
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
            for offset in range(MONTHS)
        ),
        batch_size=5000,
    )
    analyze()
    print(
        f"data: {len(milestones)} milestones, {len(activities)} activities, {len(entries)} progress reports, "
        f"{Expenditure.objects.count()} expenditures ({connection.vendor})"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    build()
    milestones = list(Milestone.objects.all())
    day = date(2020, 6, 30)
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        result = figures(milestones, day)
        timings.append((time.perf_counter() - started) * 1000)
    compute = []
    for _ in range(7):
        started = time.perf_counter()
        for item in result:
            item.calculator.at(day)
        compute.append((time.perf_counter() - started) * 1000)
    print(
        f"indicators for every milestone at {day} (database + computation): "
        f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f} ms  (target < 200 ms)"
    )
    print(f"computation alone (192 calculators, at(t)): median {statistics.median(compute):.1f} ms")
    print(f"executed % of the first milestone: {result[0].earned_value.executed_percent}")


if __name__ == "__main__":
    main()
