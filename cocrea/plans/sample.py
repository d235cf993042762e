"""A clearly labelled sample execution history for the demo plan (``make run`` only).

It records, through the real services, what a coordinator might have reported: most activities
on time, some late, one delayed with a reason, monthly payments to the advisors, the meetings held
or postponed. The milestone is flagged ``sample_execution`` and every page that shows execution
says "datos de ejemplo". A real deployment never loads it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from cocrea.audit.context import acting_as
from cocrea.budget.models import BudgetLine
from cocrea.budget.services import record_expenditure
from cocrea.computations.months import Month
from cocrea.participation.models import Meeting
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Activity, Milestone

# (activity number, [(day, percent, status, reason)])
PROGRESS = {
    1: [(date(2019, 4, 30), 100, "done", "")],
    2: [(date(2019, 5, 20), 60, "", ""), (date(2019, 6, 7), 100, "done", "")],
    3: [(date(2019, 6, 28), 100, "done", "")],
    4: [(date(2019, 7, 31), 70, "", ""), (date(2019, 8, 16), 100, "done", "")],
    5: [(date(2019, 8, 30), 100, "done", "")],
    6: [(date(2019, 9, 30), 80, "", ""), (date(2019, 10, 15), 100, "done", "")],
    7: [(date(2019, 10, 31), 100, "done", "")],
    8: [(date(2019, 11, 29), 50, "", ""), (date(2019, 12, 20), 100, "done", "")],
    9: [(date(2019, 12, 31), 30, "delayed", "La presentación se movió por el cierre del año fiscal.")],
    10: [(date(2020, 1, 31), 40, "", ""), (date(2020, 2, 28), 90, "", "")],
    11: [(date(2020, 2, 28), 60, "", ""), (date(2020, 3, 31), 100, "done", "")],
    12: [(date(2020, 4, 30), 20, "", ""), (date(2020, 6, 30), 55, "", "")],
}


@transaction.atomic
def load_sample_execution(milestone: Milestone) -> None:
    activities = {a.number: a for a in Activity.objects.filter(milestone=milestone)}
    with acting_as(None, "system"):
        for number, reports in PROGRESS.items():
            activity = activities.get(number)
            if activity is None:
                continue
            for day, percent, status, reason in reports:
                record_progress(
                    activity,
                    day=day,
                    percent=Decimal(percent),
                    status=status or None,
                    reason=reason,
                    note="Dato de ejemplo",
                    by=None,
                    check_permission=False,
                    actual_start=activity.planned_start if percent else None,
                )
        lines = list(BudgetLine.objects.filter(milestone=milestone).order_by("position"))
        start = Month.from_date(milestone.start_month) if milestone.start_month else Month(2019, 4)
        if lines and lines[0].unit_cost and lines[0].quantity:
            monthly = lines[0].unit_cost * lines[0].quantity
            for offset in range(14):
                month = start + offset
                record_expenditure(
                    lines[0],
                    day=month.last_day(),
                    amount=monthly,
                    description=f"Honorarios de asesores, {month.spanish()} (ejemplo)",
                    reference=f"CUR-{month.year}-{month.month:02d}",
                    by=None,
                    check_permission=False,
                )
        meetings = list(Meeting.objects.filter(milestone=milestone).order_by("position"))
        if len(lines) > 1 and lines[1].stated_cost and meetings:
            share = (lines[1].stated_cost / len(meetings)).quantize(Decimal("0.01"))
            for meeting in meetings[:12]:
                if meeting.planned_month is None:
                    continue
                held = Month.from_date(meeting.planned_month).last_day().replace(day=20)
                meeting.status = "held" if meeting.position != 7 else "postponed"
                meeting.actual_date = held
                meeting.place = "INAP, Ciudad de Guatemala" if meeting.status == "held" else ""
                meeting.status_reason = "" if meeting.status == "held" else "Sin quórum (ejemplo)"
                meeting.save()
                if meeting.status == "held":
                    record_expenditure(
                        lines[1],
                        day=held,
                        amount=share,
                        description=f"Salón y refacciones: {meeting.title} (ejemplo)",
                        by=None,
                        check_permission=False,
                    )
        if len(lines) > 2 and lines[2].stated_cost:
            for day, amount in (
                (date(2019, 5, 15), Decimal("3200.00")),
                (date(2019, 11, 12), Decimal("2750.00")),
            ):
                record_expenditure(
                    lines[2],
                    day=day,
                    amount=amount,
                    description="Papel e impresos (ejemplo)",
                    by=None,
                    check_permission=False,
                )
        milestone.sample_execution = True
        milestone.save(update_fields=["sample_execution"])
