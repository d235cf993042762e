"""Dashboard numbers: the plan's indicators computed live from the data (GUIDE style 7).

Indicator A (earned value) comes from :mod:`cocrea.computations.earned_value` fed with the
milestone's plan (the baseline in force at the date, else the current plan), progress reports,
expenditures and budget lines. Budget lines are spread over their own periods where the plan
states them (N months from the milestone's start; one share per scheduled meeting for lines paid
per occasion), evenly over the milestone otherwise. Indicators B–D count the catalogue entries
applied in the strategy's version in force at the date, E the people and organisations that had
taken part by then; an indicator reads "no data yet" until its source exists.

Every public page that shows these figures gets them from :func:`indicator_values` at a
:class:`StatusDate` (:func:`status_date`): the work plan's page and the dashboard agree by
construction. A milestone that has ended is shown as it stood at its end (or at its last report,
if later).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cocrea.budget.models import COUNTED_FROM_LINE, BudgetLine, Expenditure
from cocrea.catalogue.figures import KIND_OF_METHOD, applied_counts, catalogue_indicators, strategy_versions
from cocrea.catalogue.models import Entry
from cocrea.computations.earned_value import (
    ActivityPlan,
    BudgetLinePlan,
    Calculator,
    EarnedValue,
    EarnedValueInput,
    Expense,
    ProgressReport,
)
from cocrea.computations.months import Month, MonthRange
from cocrea.drafts.models import VersionState
from cocrea.participation.figures import indicator_e
from cocrea.participation.models import Meeting
from cocrea.plans.display import money
from cocrea.plans.display import month as month_label
from cocrea.plans.measurements import manual_value
from cocrea.plans.models import Activity, Baseline, Indicator, IndicatorMeasurement, Milestone, ProgressEntry


class _Row:
    """A row read with ``values()``, with attribute access (cheaper than a model instance)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)


@lru_cache(maxsize=256)
def _months_of(span: MonthRange) -> tuple[Month, ...]:
    return tuple(span)


@dataclass
class Loaded:
    """What a page has already read of one milestone, handed to :func:`figures` so that it is not
    read twice. Each part left ``None`` is read by :func:`figures` as usual; a part given must be
    what that read would return: the current activities (``pk``, ``planned_start``,
    ``planned_end``, ``weight``) and budget lines (``pk``, ``stated_cost``, ``period_kind``,
    ``periods``) in their order; the current meetings' planned months; the reports as
    ``(activity_id, day, percent)`` of every activity of the milestone (all of them by day with
    ``history``, else each activity's latest at the day); the expenses that count as
    ``(day, amount)`` (all with ``history``, else their total at the day)."""

    activities: list[Any] | None = None
    entries: list[tuple[int, date, Decimal]] | None = None
    lines: list[Any] | None = None
    expenses: list[tuple[date, Decimal]] | None = None
    meeting_months: list[date] | None = None


@dataclass
class _Data:
    activities: list[_Row] = field(default_factory=list)
    entries: list[tuple[int, date, Decimal]] = field(default_factory=list)
    lines: list[_Row] = field(default_factory=list)
    expenses: list[tuple[date, Decimal]] = field(default_factory=list)
    meeting_months: list[date] = field(default_factory=list)
    baselines: list[Baseline] = field(default_factory=list)


def _load(
    milestones: list[Milestone], day: date, history: bool, known: dict[int, Loaded] | None = None
) -> dict[int, _Data]:
    """Everything indicator A needs for these milestones, in six queries whatever their number
    (fewer when ``known`` holds parts already read: those are not read again).

    Without ``history`` only what the value at ``day`` depends on is read: each activity's latest
    report at or before it, and each milestone's spending up to it (summed in the database).
    """

    known = known or {}
    data: dict[int, _Data] = defaultdict(_Data)

    def missing(part: str) -> list[int]:
        """The milestones whose ``part`` is still to be read (the others' are copied in)."""
        found = []
        for milestone in milestones:
            given = getattr(known.get(milestone.pk), part, None)
            if given is None:
                found.append(milestone.pk)
            else:
                setattr(data[milestone.pk], part, list(given))
        return found

    ids = missing("activities")
    for row in (
        Activity.objects.current()
        .filter(milestone_id__in=ids)
        .order_by("milestone_id", "position")
        .values("pk", "milestone_id", "planned_start", "planned_end", "weight")
        if ids
        else ()
    ):
        data[row["milestone_id"]].activities.append(_Row(row))
    ids = missing("entries")
    entries = ProgressEntry.objects.visible_to_public().filter(activity__milestone_id__in=ids)
    if not history and connection.vendor == "postgresql":
        entries = entries.filter(day__lte=day).order_by("activity_id", "-day", "-pk").distinct("activity_id")
    elif not history:
        latest = (
            ProgressEntry.objects.visible_to_public()
            .filter(activity_id=OuterRef("activity_id"), day__lte=day)
            .order_by("-day", "-pk")
            .values("pk")[:1]
        )
        entries = entries.filter(day__lte=day, pk=Subquery(latest)).order_by("day", "pk")
    else:
        entries = entries.order_by("day", "pk")
    for milestone_id, activity_id, entry_day, percent in (
        entries.values_list("activity__milestone_id", "activity_id", "day", "percent_complete") if ids else ()
    ):
        data[milestone_id].entries.append((activity_id, entry_day, percent))
    ids = missing("lines")
    for row in (
        BudgetLine.objects.current()
        .filter(milestone_id__in=ids)
        .order_by("milestone_id", "position")
        .values("pk", "milestone_id", "stated_cost", "period_kind", "periods")
        if ids
        else ()
    ):
        data[row["milestone_id"]].lines.append(_Row(row))
    ids = missing("expenses")
    expenses = Expenditure.objects.counted().filter(budget_line__milestone_id__in=ids)  # annulled: not spent
    if ids and history:
        for milestone_id, expense_day, amount in expenses.values_list(
            "budget_line__milestone_id", "day", "amount"
        ):
            data[milestone_id].expenses.append((expense_day, amount))
    elif ids:
        totals = (
            expenses.filter(day__lte=day).values("budget_line__milestone_id").annotate(total=Sum("amount"))
        )
        for row in totals:
            data[row["budget_line__milestone_id"]].expenses.append((day, row["total"]))
    ids = missing("meeting_months")
    for milestone_id, month in (
        Meeting.objects.current()
        .filter(milestone_id__in=ids)
        .exclude(planned_month=None)
        .values_list("milestone_id", "planned_month")
        if ids
        else ()
    ):
        data[milestone_id].meeting_months.append(month)
    ids = [m.pk for m in milestones]
    for baseline in Baseline.objects.filter(milestone_id__in=ids).order_by("effective_from", "number"):
        data[baseline.milestone_id].baselines.append(baseline)
    return data


def _span(milestone: Milestone, activities: list[ActivityPlan]) -> MonthRange | None:
    if milestone.span:
        return milestone.span
    if not activities:
        return None
    return MonthRange(min(a.start for a in activities), max(a.end for a in activities))


def _line_months(line: Any, span: MonthRange, meeting_months: list[date]) -> tuple[Month, ...]:
    if line.period_kind == "months" and line.periods:
        return tuple(span.start + offset for offset in range(line.periods))
    if line.period_kind == "occasions" and meeting_months:
        return tuple(Month.from_date(d) for d in sorted(meeting_months))
    return _months_of(span)


def _in_force(data: _Data, day: date) -> Baseline | None:
    return next((b for b in reversed(data.baselines) if b.effective_from <= day), None)


def _input(
    milestone: Milestone, data: _Data, day: date, baseline: Baseline | bool | None = True
) -> EarnedValueInput | None:
    """The calculator's input; ``baseline=True`` uses the one in force at ``day``."""
    if baseline is True:
        baseline = _in_force(data, day)
    planned: list[ActivityPlan] = []
    if baseline is not None:
        for row in baseline.snapshot.get("activities", []):
            if row.get("start") and row.get("end"):
                planned.append(
                    ActivityPlan(
                        str(row["id"]),
                        Month.from_iso(row["start"][:7]),
                        Month.from_iso(row["end"][:7]),
                        Decimal(row.get("weight") or 1),
                    )
                )
    else:
        for activity in data.activities:
            if activity.planned_start and activity.planned_end:
                planned.append(
                    ActivityPlan(
                        str(activity.pk),
                        Month.from_date(activity.planned_start),
                        Month.from_date(activity.planned_end),
                        Decimal(activity.weight),
                    )
                )
    if not planned:
        return None
    span = _span(milestone, planned)
    assert span is not None
    bac = (
        Decimal(baseline.snapshot["bac"])
        if baseline is not None
        else sum((line.stated_cost or Decimal(0) for line in data.lines), Decimal(0))
    )
    keys = {a.key for a in planned}
    return EarnedValueInput(
        bac=bac,
        activities=tuple(planned),
        progress=tuple(
            ProgressReport(str(activity_id), entry_day, Decimal(percent))
            for activity_id, entry_day, percent in data.entries
            if str(activity_id) in keys
        ),
        expenses=tuple(Expense(expense_day, Decimal(amount)) for expense_day, amount in data.expenses),
        budget_lines=tuple(
            BudgetLinePlan(str(line.pk), line.stated_cost, _line_months(line, span, data.meeting_months))
            for line in data.lines
            if line.stated_cost
        ),
    )


@dataclass
class MilestoneFigures:
    milestone: Milestone
    day: date
    calculator: Calculator | None
    earned_value: EarnedValue | None
    baseline: Baseline | None
    span: MonthRange | None
    # Against the original baseline, when a re-planned one is in force ("show the original too").
    original_baseline: Baseline | None = None
    original: EarnedValue | None = None
    # With history (indicator_values): indicator A at the end of each month of ``span``, in order.
    month_ends: dict[Month, EarnedValue] = field(default_factory=dict)


def figures(
    milestones: Iterable[Milestone], day: date, history: bool = False, known: dict[int, Loaded] | None = None
) -> list[MilestoneFigures]:
    """Indicator A for every milestone at ``day`` (a bounded number of queries).

    With ``history`` the calculators also hold every report and expense, for S-curves. ``known``:
    what the caller has already read of some milestones (:class:`Loaded`), not read again.
    """
    milestones = list(milestones)
    loaded = _load(milestones, day, history, known)
    result = []
    for milestone in milestones:
        data = loaded[milestone.pk]
        inputs = _input(milestone, data, day)
        calculator = Calculator(inputs) if inputs else None
        baseline = _in_force(data, day)
        span = calculator.plan_range if calculator else None
        item = MilestoneFigures(
            milestone, day, calculator, calculator.at(day) if calculator else None, baseline, span
        )
        first = data.baselines[0] if data.baselines else None
        if baseline is not None and first is not None and first.pk != baseline.pk:
            original_inputs = _input(milestone, data, day, baseline=first)
            if original_inputs is not None:
                item.original_baseline = first
                item.original = Calculator(original_inputs).at(day)
        result.append(item)
    return result


CATALOGUE_METHODS = (
    Indicator.Method.CATALOGUE_CONCEPTS,
    Indicator.Method.CATALOGUE_STANDARDS,
    Indicator.Method.CATALOGUE_NORMS,
)


def indicator_values(
    milestone: Milestone, day: date, history: bool = False, known: Loaded | None = None
) -> tuple[MilestoneFigures, list[dict[str, Any]]]:
    """Indicator A's figures and every indicator's row at ``day``: what every page shows.

    ``history`` adds what charts need (every report and expense, indicator A's monthly snapshots);
    the values are the same with or without it. ``known``: what the page has already read.

    With ``history`` indicator A is computed once at the end of each month of its span
    (``month_ends``: the S-curve's points, which its row's monthly snapshots reuse)."""
    item = figures([milestone], day, history=history, known={milestone.pk: known} if known else None)[0]
    if history and item.calculator is not None and item.span is not None:
        months = list(item.span)
        item.month_ends = dict(zip(months, item.calculator.series(months), strict=True))
    rows = indicator_rows(
        milestone,
        item.earned_value,
        item.calculator if history else None,
        day=day,
        month_ends=item.month_ends,
    )
    return item, rows


def indicator_rows(
    milestone: Milestone,
    earned_value: EarnedValue | None,
    calculator: Calculator | None = None,
    day: date | None = None,
    month_ends: dict[Month, EarnedValue] | None = None,
) -> list[dict[str, Any]]:
    """Every indicator of the milestone with its value, or ``no_data`` until its source exists.

    The values are those at ``day`` (by default indicator A's status date). With a ``calculator``
    built with history, indicator A also gets its monthly snapshots (planned and executed percent
    at the end of each month up to the status date; ``month_ends``: those already computed, by month).
    """
    if day is None and earned_value is not None:
        day = earned_value.status_date
    rows = []
    catalogue: dict[str, Any] | None = None
    indicators = list(
        milestone.indicators.only(
            "milestone_id",
            "key",
            "definition",
            "method",
            "unit",
            "target",
            "baseline",
            "baseline_day",
            "measure_every_months",
        )
    )
    measured = _measurements([i.pk for i in indicators if i.method == Indicator.Method.MANUAL])
    for indicator in indicators:
        row: dict[str, Any] = {
            "key": indicator.key,
            "definition": indicator.definition,
            "method": indicator.method,
            "unit": indicator.unit,
            "target": f"{indicator.target:.2f}" if indicator.target is not None else None,
            "value": None,
            "status": "no_data",
        }
        if indicator.method == Indicator.Method.EARNED_VALUE and earned_value is not None:
            row.update(earned_value.to_json())
            row["value"] = row["executed_percent"]
            row["status"] = "ok"
            if calculator is not None and calculator.plan_range is not None:
                last = Month.from_date(earned_value.status_date)
                months = [m for m in calculator.plan_range if m < last] + [last]
                row["history"] = [
                    {
                        "month": month.iso(),
                        "planned_percent": round(float(point.planned_percent), 2),
                        "executed_percent": round(float(point.executed_percent), 2),
                    }
                    for month, point in zip(
                        months,
                        [
                            *(
                                month_ends[month]
                                if month_ends and month in month_ends
                                else calculator.at(month.last_day())
                                for month in months[:-1]
                            ),
                            calculator.at(earned_value.status_date),
                        ],
                        strict=True,
                    )
                ]
        elif indicator.method == Indicator.Method.PARTICIPANTS:
            figures_e = indicator_e(milestone.commitment, day)
            if figures_e["natural_persons"] or figures_e["legal_persons"]:
                row.update(figures_e)
                row["value"] = figures_e["natural_persons"] + figures_e["legal_persons"]
                row["status"] = "ok"
                row["history"] = [
                    {"month": point["month"], "natural_persons": point["cumulative"]}
                    for point in figures_e["by_month"]
                ]
            else:
                row["history"] = []
        elif indicator.method in CATALOGUE_METHODS:
            if catalogue is None:
                catalogue = catalogue_at(milestone.commitment, day)
            figures = catalogue[KIND_OF_METHOD[indicator.method]]
            row["history"] = figures["history"]
            if figures["value"] is not None:
                row.update(
                    value=figures["value"],
                    status="ok",
                    version=figures["version"],
                    version_state=figures["version_state"],
                )
        elif indicator.method == Indicator.Method.MANUAL:
            taken = measured.get(indicator.pk, [])
            at = day or timezone.localdate()
            state = manual_value(indicator, taken, at, milestone.starts_on or milestone.start_month)
            row.update(
                baseline=f"{indicator.baseline:.2f}" if indicator.baseline is not None else None,
                progress_percent=float(state.progress) if state.progress is not None else None,
                measured_on=state.day.isoformat() if state.day else None,
                due=state.due.isoformat() if state.due else None,
                overdue=state.overdue,
                history=[{"day": m.day.isoformat(), "value": float(m.value)} for m in taken if m.day <= at],
            )
            if state.value is not None:
                row["value"] = float(state.value)
                row["status"] = "ok"
        elif indicator.method != Indicator.Method.EARNED_VALUE:
            row["history"] = []
        rows.append(row)
    return rows


def _measurements(ids: list[int]) -> dict[int, list[IndicatorMeasurement]]:
    """The measurements of the indicators measured by hand, by indicator, oldest first: one query,
    none when there is no such indicator."""
    found: dict[int, list[IndicatorMeasurement]] = {}
    if ids:
        for measurement in IndicatorMeasurement.objects.filter(indicator_id__in=ids).order_by("day", "pk"):
            found.setdefault(measurement.indicator_id, []).append(measurement)
    return found


def _local_day(moment: Any) -> date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def catalogue_at(commitment: Any, day: date | None) -> dict[str, dict[str, Any]]:
    """Indicators B–D as of ``day``: the entries applied in the strategy's version in force then
    (the latest approved by that day, else the latest made public by then); without a day, now."""

    if day is None:
        return catalogue_indicators(commitment)
    versions = []
    for version in strategy_versions(commitment):
        days = [d for d in map(_local_day, (version.opens_at, version.closed_at, version.approved_at)) if d]
        if not days or min(days) <= day:
            versions.append(version)
    approved = [
        v for v in versions if v.state == VersionState.APPROVED and (_local_day(v.approved_at) or day) <= day
    ]
    current = approved[-1] if approved else (versions[-1] if versions else None)
    counts = applied_counts([v.pk for v in versions])
    return {
        kind: {
            "value": counts.get((current.pk, kind), 0) if current else None,
            "version": current.label if current else None,
            "version_state": current.state if current else None,
            "history": [
                {
                    "document": v.document.title,
                    "version": v.label,
                    "number": v.number,
                    "state": v.state,
                    "count": counts.get((v.pk, kind), 0),
                }
                for v in versions
            ],
        }
        for kind in Entry.Kind.values
    }


def line_planned_to_date(months: tuple[Month, ...], amount: Decimal, day: date) -> Decimal:
    """A budget line's planned spending at the end of ``day`` (shares accrue daily in their month)."""
    if not months:
        return Decimal(0)
    share = amount / len(months)
    total = Decimal(0)
    for month in months:
        first, last = month.first_day(), month.last_day()
        if day >= last:
            total += share
        elif day >= first:
            total += share * Decimal((day - first).days + 1) / Decimal((last - first).days + 1)
    return total.quantize(Decimal("0.01"))


def _percent(value: Decimal) -> str:
    """``30``, ``55,5``: a percentage without trailing zeros, in the active locale."""
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places)


@dataclass
class Alert:
    kind: str
    message: str
    href: str = ""


def alerts(milestone: Milestone, day: date, execution: Execution | None = None) -> list[Alert]:
    """What needs attention at ``day``: late work, order problems, overspending, missing records
    (from ``execution`` when the page has read it, see :func:`read_execution`)."""

    found: list[Alert] = []
    finished: dict[int, date] = {}
    if execution is not None:
        activities = execution.activities
        latest = execution.latest_at(day)
        for entry in execution.entries:
            if entry.status == "done" and entry.day <= day:
                finished.setdefault(entry.activity_id, entry.actual_end or entry.day)
        lines = execution.lines_at(day)
        meetings: Iterable[Any] = execution.meetings
    else:
        activities = list(milestone.activities.all())
        latest = (
            ProgressEntry.objects.visible_to_public()
            .filter(activity__milestone=milestone)
            .latest_per_activity(day)
        )
        for entry in ProgressEntry.objects.visible_to_public().filter(
            activity__milestone=milestone, status="done", day__lte=day
        ):
            finished.setdefault(entry.activity_id, entry.actual_end or entry.day)
        lines = _lines_with_spending(milestone, day)
        meetings = milestone.meetings.all()
    for activity in activities:
        state = latest.get(activity.pk)
        status = state.status if state else "planned"
        if (
            activity.planned_end
            and Month.from_date(activity.planned_end).last_day() <= day
            and status
            not in (
                "done",
                "cancelled",
            )
        ):
            found.append(
                Alert(
                    "overdue",
                    _("La actividad %(code)s debía terminar en %(month)s y va en %(percent)s %%.")
                    % {
                        "code": activity.code,
                        "month": month_label(Month.from_date(activity.planned_end)),
                        "percent": _percent(state.percent_complete if state else Decimal(0)),
                    },
                )
            )
    for previous, activity in itertools.pairwise(activities):
        state = latest.get(activity.pk)
        started = state.actual_start if state and state.actual_start else None
        if started and (previous.pk not in finished or finished[previous.pk] > started):
            found.append(
                Alert(
                    "order",
                    _("La actividad %(code)s empezó el %(day)s, antes de que terminara la %(previous)s.")
                    % {
                        "code": activity.code,
                        "day": date_format(started, "DATE_FORMAT"),
                        "previous": previous.code,
                    },
                )
            )
    for line in lines:
        spent = line.spent
        if line.stated_cost is not None and spent > line.stated_cost:
            found.append(
                Alert(
                    "over_budget",
                    _("La línea %(number)s lleva gastado %(spent)s de %(budget)s.")
                    % {
                        "number": f"{line.number:02d}",
                        "spent": money(spent),
                        "budget": money(line.stated_cost),
                    },
                )
            )
    for meeting in meetings:
        if (
            meeting.planned_month
            and meeting.status == "scheduled"
            and Month.from_date(meeting.planned_month).last_day() <= day
        ):
            found.append(
                Alert(
                    "meeting",
                    _("«%(title)s» (%(month)s) no tiene registrado si se realizó.")
                    % {"title": meeting.title, "month": month_label(Month.from_date(meeting.planned_month))},
                )
            )
    return found


def measurement_alerts(rows: list[dict[str, Any]]) -> list[Alert]:
    """The indicators measured by hand whose next measurement is past due, from their rows."""
    return [
        Alert(
            "measurement",
            _("El indicador %(key)s debía medirse el %(day)s: no hay una medición más reciente.")
            % {"key": row["key"], "day": date_format(date.fromisoformat(row["due"]), "DATE_FORMAT")},
        )
        for row in rows
        if row.get("overdue") and row.get("due")
    ]


def _lines_with_spending(milestone: Milestone, day: date) -> list[BudgetLine]:

    lines = milestone.budget_lines.annotate(
        spent_sum=Sum("expenditures__amount", filter=Q(expenditures__day__lte=day) & COUNTED_FROM_LINE)
    )
    result = list(lines)
    for line in result:
        line.spent = Decimal(line.spent_sum or 0).quantize(Decimal("0.01"))
    return result


@dataclass
class Execution:
    """A milestone's plan and execution as read once for a page that shows them whole (the
    dashboard): its current activities, budget lines and meetings, every progress report and every
    expense that counts, in five narrow queries. :meth:`loaded` hands indicator A its inputs, and
    :func:`alerts` and :func:`budget_rows` read the rest from here."""

    activities: list[Activity]
    entries: list[_Row]  # every report of the milestone's activities, by day (then as recorded)
    lines: list[BudgetLine]
    expenses: list[tuple[int, date, Decimal]]  # (budget line, day, amount), by day
    meetings: list[_Row]

    @property
    def last_report(self) -> date | None:
        return max((entry.day for entry in self.entries), default=None)

    def latest_at(self, day: date) -> dict[int, _Row]:
        """Each activity's state at ``day``: its latest report at or before it."""
        latest: dict[int, _Row] = {}
        for entry in self.entries:
            if entry.day <= day:
                latest[entry.activity_id] = entry
        return latest

    def lines_at(self, day: date) -> list[BudgetLine]:
        """The budget lines, each with ``spent``: what it had spent by the end of ``day``."""
        spent: dict[int, Decimal] = defaultdict(Decimal)
        for line_id, expense_day, amount in self.expenses:
            if expense_day <= day:
                spent[line_id] += amount
        for line in self.lines:
            line.spent = spent[line.pk].quantize(Decimal("0.01"))
        return self.lines

    def loaded(self) -> Loaded:
        """Indicator A's inputs with ``history`` (every report and expense), from what was read."""
        return Loaded(
            activities=self.activities,
            entries=[(e.activity_id, e.day, e.percent_complete) for e in self.entries],
            lines=self.lines,
            expenses=[(expense_day, amount) for _line, expense_day, amount in self.expenses],
            meeting_months=[m.planned_month for m in self.meetings if m.planned_month is not None],
        )


def read_execution(milestone: Milestone) -> Execution:
    """What the dashboard shows of a milestone, read once (five queries whatever its size)."""
    activities = list(
        milestone.activities.only(
            "milestone_id", "position", "number", "letter", "planned_start", "planned_end", "weight"
        )
    )
    entries = [
        _Row(row)
        for row in ProgressEntry.objects.visible_to_public()
        .filter(activity__milestone=milestone)
        .order_by("day", "pk")
        .values("activity_id", "day", "percent_complete", "status", "actual_start", "actual_end")
    ]
    lines = list(
        milestone.budget_lines.only(
            "milestone_id", "position", "number", "description", "stated_cost", "period_kind", "periods"
        )
    )
    expenses = list(
        Expenditure.objects.counted()
        .filter(budget_line__milestone=milestone)
        .order_by("day", "pk")
        .values_list("budget_line_id", "day", "amount")
    )
    meetings = [_Row(row) for row in milestone.meetings.values("title", "status", "planned_month")]
    return Execution(activities, entries, lines, expenses, meetings)


def budget_rows(
    milestone: Milestone, calculator: Calculator | None, day: date, execution: Execution | None = None
) -> list[dict[str, Any]]:
    """Each line: stated cost, planned spending to date, spent to date, remaining."""
    plans = {plan.key: plan for plan in (calculator.inputs.budget_lines if calculator else ())}
    rows = []
    lines = execution.lines_at(day) if execution is not None else _lines_with_spending(milestone, day)
    for line in lines:
        plan = plans.get(str(line.pk))
        planned = line_planned_to_date(plan.months, plan.amount, day) if plan else Decimal(0)
        stated = line.stated_cost or Decimal(0)
        rows.append(
            {
                "line": line,
                "planned_to_date": planned,
                "spent": line.spent,
                "remaining": stated - line.spent,
                "over": line.spent > stated,
            }
        )
    return rows


# --- The status date: the day the public pages show ---------------------------------------------


def _short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class StatusDate:
    """The day the figures are computed at, the milestone's period, and the days one may choose."""

    day: date
    today: date
    start: date | None  # the milestone's first day
    end: date | None  # its last day
    last_report: date | None
    earliest: date
    latest: date
    default: date
    typed: str = ""  # what was asked for, when it could not be shown as asked
    problem: str = ""  # "invalid", "too_early" or "too_late"

    @property
    def ended(self) -> bool:
        return self.end is not None and self.end < self.today

    @property
    def is_default(self) -> bool:
        return self.day == self.default

    def sentence(self) -> str:
        """Where the day stands in the milestone, in a whole sentence (never a negative count)."""
        values: dict[str, Any] = {"day": _short(self.day)}
        if self.end is not None:
            values["end"] = _short(self.end)
        if self.start is not None:
            values["start"] = _short(self.start)
        if self.end is None:
            return _("Situación al %(day)s.") % values
        if self.day == self.end:
            return _("Situación al %(day)s, fin del hito.") % values
        if self.day > self.end and self.day == self.last_report and self.day != self.today:
            return (
                _("Situación al %(day)s, fecha del último informe de avance; el hito terminó el %(end)s.")
                % values
            )
        if self.start is not None and self.day < self.start:
            if self.day == self.today:
                return _("Situación al %(day)s (hoy): el hito empieza el %(start)s.") % values
            return _("Situación al %(day)s, antes del inicio del hito (%(start)s).") % values
        if self.day < self.end:
            values["count"] = number_format((self.end - self.day).days, force_grouping=True)
            if self.day == self.today:
                return (
                    ngettext(
                        "Situación al %(day)s (hoy): falta %(count)s día para el fin del hito, el %(end)s.",
                        "Situación al %(day)s (hoy): faltan %(count)s días para el fin del hito, el %(end)s.",
                        (self.end - self.day).days,
                    )
                    % values
                )
            return (
                ngettext(
                    "Situación al %(day)s, a %(count)s día del fin del hito (%(end)s).",
                    "Situación al %(day)s, a %(count)s días del fin del hito (%(end)s).",
                    (self.end - self.day).days,
                )
                % values
            )
        values["count"] = number_format((self.day - self.end).days, force_grouping=True)
        if self.day == self.today:
            return (
                ngettext(
                    "Situación al %(day)s (hoy): el hito terminó hace %(count)s día, el %(end)s.",
                    "Situación al %(day)s (hoy): el hito terminó hace %(count)s días, el %(end)s.",
                    (self.day - self.end).days,
                )
                % values
            )
        return (
            ngettext(
                "Situación al %(day)s, %(count)s día después del fin del hito (%(end)s).",
                "Situación al %(day)s, %(count)s días después del fin del hito (%(end)s).",
                (self.day - self.end).days,
            )
            % values
        )

    def problem_message(self) -> str:
        """Why the day shown is not the one asked for ("" when it is)."""
        values = {"value": self.typed, "day": _short(self.day)}
        if self.problem == "invalid":
            return _("«%(value)s» no es una fecha (AAAA-MM-DD): se muestra la situación al %(day)s.") % values
        if self.problem == "too_early":
            return (
                _(
                    "El %(value)s es anterior al período del hito: se muestra la situación al %(day)s, "
                    "el primer día que se puede consultar."
                )
                % values
            )
        if self.problem == "too_late":
            return (
                _(
                    "El %(value)s es posterior al último día que se puede consultar: se muestra la "
                    "situación al %(day)s."
                )
                % values
            )
        return ""


def milestone_period(
    milestone: Milestone, activities: Iterable[Any] | None = None
) -> tuple[date | None, date | None]:
    """The milestone's first and last day: its stated period, else its activities' planned months
    (its current ``activities`` when the page has read them, else read here)."""
    span = milestone.span
    if span is not None:
        return span.start.first_day(), span.end.last_day()
    if activities is not None:
        activities = list(activities)
        found = {
            "start": min((a.planned_start for a in activities if a.planned_start), default=None),
            "end": max((a.planned_end for a in activities if a.planned_end), default=None),
        }
    else:
        found = (
            Activity.objects.current()
            .filter(milestone=milestone)
            .aggregate(start=Min("planned_start"), end=Max("planned_end"))
        )
    start = Month.from_date(found["start"]).first_day() if found["start"] else None
    end = Month.from_date(found["end"]).last_day() if found["end"] else None
    return start, end


_UNREAD: Any = object()


def status_date(
    milestone: Milestone,
    value: str = "",
    today: date | None = None,
    *,
    last_report: date | None = _UNREAD,
    activities: Iterable[Any] | None = None,
) -> StatusDate:
    """The day to show: ``value`` (``YYYY-MM-DD``, as typed in the date picker) kept within the days
    one may consult, else the default: today, or for a milestone that has ended its last day (or
    its last progress report, when later). A value that is no date, or out of range, gives the
    default or the nearest day one may consult, and says so (:meth:`StatusDate.problem_message`).

    The day of the last progress report and the current activities are read here unless the page
    has them already (``last_report``, ``activities``)."""
    today = today or timezone.localdate()
    start, end = milestone_period(milestone, activities)
    if last_report is _UNREAD:
        reports = ProgressEntry.objects.visible_to_public().filter(activity__milestone=milestone)
        last_report = reports.aggregate(last=Max("day"))["last"]
    default = today
    if end is not None and end < today:
        default = end
        if last_report is not None and end < last_report <= today:
            default = last_report
    starts = [start] + [r.start.first_day() for r in (milestone.schedule_range,) if r is not None]
    known = [d for d in starts if d is not None]
    latest = max(today, default, end or today)
    earliest = min(known) if known else date(latest.year - 10, 1, 1)
    earliest = min(earliest, default)
    period = {"today": today, "start": start, "end": end, "last_report": last_report}
    bounds = {"earliest": earliest, "latest": latest, "default": default}
    value = (value or "").strip()
    if not value:
        return StatusDate(day=default, **period, **bounds)
    try:
        chosen = date.fromisoformat(value)
    except ValueError:
        return StatusDate(day=default, typed=value[:40], problem="invalid", **period, **bounds)
    if chosen < earliest:
        return StatusDate(day=earliest, typed=_short(chosen), problem="too_early", **period, **bounds)
    if chosen > latest:
        return StatusDate(day=latest, typed=_short(chosen), problem="too_late", **period, **bounds)
    return StatusDate(day=chosen, **period, **bounds)


def time_variance_text(days: int) -> str:
    """Indicator A's difference in time as words: "N días de atraso", never a negative number."""
    count = number_format(abs(days), force_grouping=True)
    if days < 0:
        return ngettext("%(count)s día de atraso", "%(count)s días de atraso", -days) % {"count": count}
    if days > 0:
        return ngettext("%(count)s día de adelanto", "%(count)s días de adelanto", days) % {"count": count}
    return _("Al día")


# --- Alerts, grouped by kind ----------------------------------------------------------------------

ALERT_GROUPS = {
    # kind: (heading, shown collapsed); in the order shown, real delays first
    "overdue": (gettext_lazy("Atrasos"), False),
    "over_budget": (gettext_lazy("Sobregastos"), False),
    "meeting": (gettext_lazy("Reuniones sin resultado registrado"), False),
    "measurement": (gettext_lazy("Mediciones pendientes"), False),
    "order": (gettext_lazy("Notas de secuencia"), True),
}


@dataclass
class AlertGroup:
    kind: str
    heading: str
    alerts: list[Alert]
    collapsed: bool

    @property
    def count(self) -> int:
        return len(self.alerts)


def alert_groups(found: list[Alert]) -> list[AlertGroup]:
    """Alerts grouped by kind: delays first, the notes on the order of activities last (collapsed)."""
    groups = []
    order = list(ALERT_GROUPS) + sorted({a.kind for a in found} - set(ALERT_GROUPS))
    for kind in order:
        members = [a for a in found if a.kind == kind]
        if members:
            heading, collapsed = ALERT_GROUPS.get(kind, (kind, False))
            groups.append(AlertGroup(kind, str(heading), members, collapsed))
    return groups
