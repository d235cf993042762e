"""Indicator A of a work plan: planned vs executed progress, time and budget variance (earned value).

"Avances del Plan de Trabajo: planificado, ejecutado, diferencia en tiempo y presupuesto", computed
at a status date ``t`` (the end of that day) by this documented method:

* An activity's **planned fraction** grows linearly in calendar days from the start of the first day
  of its planned start month to the end of the last day of its planned end month, clamped to
  ``[0, 1]``.
* **Planned %** is the weighted mean of the planned fractions; **executed %** the weighted mean of
  each activity's latest reported percent complete at or before ``t`` (0 before its first report).
  Weights default to 1; when every weight is 0 the activities count equally.
* ``BAC`` is the milestone's budget total; ``PV = BAC × planned %``, ``EV = BAC × executed %`` and
  ``AC`` the sum of expenditures dated at or before ``t``. ``SV = EV − PV``, ``CV = EV − AC``,
  ``SPI = EV / PV``, ``CPI = EV / AC``, ``EAC = BAC / CPI``, ``VAC = BAC − EAC``; a ratio whose
  divisor is 0 is ``None``, never 0 or infinity.
* **Time variance** by earned schedule: the first day at whose end PV reached the current EV,
  minus ``t``, in whole days (negative: behind; positive: ahead). When EV equals PV(t) it is 0;
  when EV is 0 (and PV(t) is not) the date is the plan's first day.
* **Planned spending**: each budget line's amount is split into one share per listed month (a month
  listed twice holds two shares); a share accrues linearly over the days of its month.
  ``budget variance = planned spending − AC``.

All arithmetic is exact (``Fraction`` of ``Decimal`` inputs and integer day counts); money is
rounded to cents (ROUND_HALF_UP) only in the result, ratios to 4 places, percents to 2.
"""

from __future__ import annotations

import calendar
import math
import time
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter

from cocrea.computations.months import Month, MonthRange

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
MONEY_PLACES = 2
RATIO_PLACES = 4
PERCENT_PLACES = 2
# Executed and planned fractions closer than this are the same value: 28-digit Decimal noise (a
# reported percent that is a planned fraction such as 15/31 written out in Decimal), far below any
# difference a person can report.
_SAME_FRACTION = Fraction(1, 10**20)

JsonValue = str | int | float | None


class EarnedValueError(ValueError):
    """The plan, a progress report, an expense or a budget line is not usable."""


def _finite(value: Decimal, what: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise EarnedValueError(f"{what} must be a finite Decimal, not {value!r}")


@dataclass(frozen=True)
class ActivityPlan:
    key: str
    start: Month
    end: Month
    weight: Decimal = ONE

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise EarnedValueError(f"activity {self.key!r} ends ({self.end}) before it starts ({self.start})")
        _finite(self.weight, f"weight of activity {self.key!r}")
        if self.weight < 0:
            raise EarnedValueError(f"weight of activity {self.key!r} is negative: {self.weight}")


@dataclass(frozen=True)
class ProgressReport:
    key: str
    day: date
    percent: Decimal

    def __post_init__(self) -> None:
        _finite(self.percent, f"percent reported for {self.key!r} on {self.day}")
        if not ZERO <= self.percent <= HUNDRED:
            raise EarnedValueError(
                f"percent reported for {self.key!r} on {self.day} is not within 0–100: {self.percent}"
            )


@dataclass(frozen=True)
class Expense:
    day: date
    amount: Decimal

    def __post_init__(self) -> None:
        _finite(self.amount, f"expense of {self.day}")


@dataclass(frozen=True)
class BudgetLinePlan:
    key: str
    amount: Decimal
    months: tuple[Month, ...]

    def __post_init__(self) -> None:
        _finite(self.amount, f"amount of budget line {self.key!r}")
        if not self.months:
            raise EarnedValueError(f"budget line {self.key!r} has no months to spread its amount over")


@dataclass(frozen=True)
class EarnedValueInput:
    bac: Decimal
    activities: tuple[ActivityPlan, ...]
    progress: tuple[ProgressReport, ...] = ()
    expenses: tuple[Expense, ...] = ()
    budget_lines: tuple[BudgetLinePlan, ...] = ()

    def __post_init__(self) -> None:
        _finite(self.bac, "BAC")
        if self.bac < 0:
            raise EarnedValueError(f"BAC is negative: {self.bac}")


@dataclass(frozen=True)
class EarnedValue:
    """Indicator A at the end of ``status_date``. Money has 2 places, ratios 4, percents 2."""

    status_date: date
    planned_percent: Decimal
    executed_percent: Decimal
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: Decimal | None
    cpi: Decimal | None
    eac: Decimal | None
    vac: Decimal | None
    time_variance_days: int
    earned_schedule_date: date
    planned_spending: Decimal
    budget_variance: Decimal

    def to_json(self) -> dict[str, JsonValue]:
        """Money as strings with two decimals, ratios and percents as numbers, dates in ISO."""

        def money(value: Decimal | None) -> str | None:
            return None if value is None else format(value, "f")

        def ratio(value: Decimal | None) -> float | None:
            return None if value is None else round(float(value), RATIO_PLACES)

        return {
            "status_date": self.status_date.isoformat(),
            "planned_percent": round(float(self.planned_percent), PERCENT_PLACES),
            "executed_percent": round(float(self.executed_percent), PERCENT_PLACES),
            "bac": money(self.bac),
            "pv": money(self.pv),
            "ev": money(self.ev),
            "ac": money(self.ac),
            "sv": money(self.sv),
            "cv": money(self.cv),
            "spi": ratio(self.spi),
            "cpi": ratio(self.cpi),
            "eac": money(self.eac),
            "vac": money(self.vac),
            "time_variance_days": self.time_variance_days,
            "earned_schedule_date": self.earned_schedule_date.isoformat(),
            "planned_spending": money(self.planned_spending),
            "budget_variance": money(self.budget_variance),
        }


def round_half_up(value: Fraction, places: int) -> Decimal:
    """An exact rational rounded half away from zero to ``places`` decimals."""
    scaled = value * 10**places
    quotient, remainder = divmod(abs(scaled.numerator), scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        quotient += 1
    sign = "-" if scaled < 0 and quotient else ""
    return Decimal(f"{sign}{quotient}E-{places}")


def _ceil_div(numerator: Fraction, denominator: int) -> int:
    quotient = numerator / denominator
    return -(-quotient.numerator // quotient.denominator)


class Calculator:
    """Earned value of one work plan (or of any set of activities sharing one BAC) at any date.

    Everything that does not depend on the status date is prepared once here: the planned curve
    as exact breakpoints (so PV at a date is one bisection), each activity's reports sorted by
    date, the running sum of expenses, and each budget line's months as sorted month numbers.
    """

    def __init__(self, inputs: EarnedValueInput) -> None:
        self.inputs = inputs
        activities = inputs.activities
        index: dict[str, int] = {}
        for position, activity in enumerate(activities):
            if activity.key in index:
                raise EarnedValueError(f"activity {activity.key!r} appears twice")
            index[activity.key] = position

        weights = [Fraction(activity.weight) for activity in activities]
        if not any(weights):  # no activities, or every weight 0: the activities count equally
            weights = [Fraction(1)] * len(activities)
        # Integer weights: the Decimal weights times the least common denominator.
        scale = math.lcm(*(weight.denominator for weight in weights))
        self._weights = [int(weight * scale) for weight in weights]
        self._bac = Fraction(inputs.bac)
        self._first_ordinal = min((a.start.first_day().toordinal() for a in activities), default=0)
        self._last_ordinal = max((a.end.last_day().toordinal() for a in activities), default=0)
        self._build_planned_curve(activities)
        self._build_progress(activities, index, inputs.progress)

        expenses = sorted(inputs.expenses, key=lambda expense: expense.day)
        self._expense_ordinals = [expense.day.toordinal() for expense in expenses]
        running = ZERO
        self._expense_totals = [ZERO]
        for expense in expenses:
            running += expense.amount
            self._expense_totals.append(running)

        self._budget_lines = [
            (Fraction(line.amount) / len(line.months), sorted(month.index for month in line.months))
            for line in inputs.budget_lines
        ]

    # -- preparation -------------------------------------------------------------------------

    def _build_planned_curve(self, activities: tuple[ActivityPlan, ...]) -> None:
        """The weighted sum of planned fractions at the end of day ordinal x, in integer units.

        Activity i, of ``d_i`` days, is planned from the end of the day before its first day
        (``x = lo_i``, fraction 0) to the end of its last day (``x = lo_i + d_i``, fraction 1). With
        ``D`` the least common multiple of the ``d_i`` and ``w_i`` the integer weights,
        ``Q(x) = Σ w_i · (D / d_i) · clamp(x − lo_i, 0, d_i)`` is an integer, piecewise linear in x,
        and ``Q / (D · Σ w_i)`` is the planned fraction of the whole plan. Kept as breakpoints, the
        value at each and the slope after each.
        """
        spans: list[tuple[int, int, int]] = []
        for activity, weight in zip(activities, self._weights, strict=True):
            if weight:
                first = activity.start.first_day().toordinal()
                spans.append((first - 1, activity.end.last_day().toordinal() - first + 1, weight))
        days_lcm = math.lcm(*(days for _, days, _ in spans))
        self._days_lcm = days_lcm
        self._unit = days_lcm * sum(self._weights) or 1  # Q at the end of the plan: 100 %
        slope_changes: dict[int, int] = {}
        for before, days, weight in spans:
            rate = weight * (days_lcm // days)
            slope_changes[before] = slope_changes.get(before, 0) + rate
            slope_changes[before + days] = slope_changes.get(before + days, 0) - rate
        self._breaks = sorted(slope_changes)
        self._values: list[int] = []
        self._slopes: list[int] = []
        value = slope = 0
        previous = self._breaks[0] if self._breaks else 0
        for ordinal in self._breaks:
            value += slope * (ordinal - previous)
            slope += slope_changes[ordinal]
            self._values.append(value)
            self._slopes.append(slope)
            previous = ordinal

    def _build_progress(
        self,
        activities: tuple[ActivityPlan, ...],
        index: dict[str, int],
        progress: tuple[ProgressReport, ...],
    ) -> None:
        """Per activity with weight: its integer weight, report day ordinals sorted, their percents."""
        by_activity: list[list[ProgressReport]] = [[] for _ in activities]
        for report in progress:
            if report.key not in index:
                raise EarnedValueError(f"progress reported for an unknown activity: {report.key!r}")
            by_activity[index[report.key]].append(report)
        self._progress: list[tuple[int, list[date], list[Decimal]]] = []
        by_day = attrgetter("day")
        for reports, weight in zip(by_activity, self._weights, strict=True):
            if not reports or not weight:
                continue
            reports.sort(key=by_day)  # stable: the last of one day's reports wins
            days = [report.day for report in reports]
            self._progress.append((weight, days, [report.percent for report in reports]))

    # -- the curves, in the integer units of Q (see _build_planned_curve) -------------------------

    def _planned(self, ordinal: int) -> int:
        """Q(x): the weighted sum of planned fractions at the end of day ``ordinal``."""
        position = bisect_right(self._breaks, ordinal) - 1
        if position < 0:
            return 0
        return self._values[position] + self._slopes[position] * (ordinal - self._breaks[position])

    def _executed(self, status_date: date) -> Fraction:
        """The weighted sum of the latest reported fractions at or before ``status_date``, in Q's units."""
        total = ZERO
        for weight, days, percents in self._progress:
            position = bisect_right(days, status_date)
            if position:
                total += percents[position - 1] * weight if weight != 1 else percents[position - 1]
        return Fraction(total) * self._days_lcm / 100

    def _earned_schedule(self, executed: Fraction, planned: int, ordinal: int) -> int:
        """The first day at whose end the planned curve reached ``executed``, as an ordinal."""
        if abs(executed - planned) < _SAME_FRACTION * self._unit:
            return ordinal
        if executed <= 0:
            return self._first_ordinal
        position = bisect_left(self._values, executed) - 1
        if position >= len(self._values) - 1:  # beyond the whole plan: only reachable by rounding
            return self._last_ordinal
        offset = _ceil_div(executed - self._values[position], self._slopes[position])
        return max(self._breaks[position] + offset, self._first_ordinal)

    def _planned_spending(self, day: date) -> Fraction:
        month = day.year * 12 + day.month - 1
        month_days = calendar.monthrange(day.year, day.month)[1]
        total = Fraction(0)
        for share, months in self._budget_lines:
            whole = bisect_left(months, month)
            current = bisect_right(months, month) - whole
            accrued_days = whole * month_days + current * day.day
            if accrued_days:
                total += share * accrued_days
        return total / month_days

    # -- public ----------------------------------------------------------------------------------

    @property
    def plan_range(self) -> MonthRange | None:
        """The months from the earliest planned start to the latest planned end (None: no activities)."""
        if not self.inputs.activities:
            return None
        return MonthRange(
            min(activity.start for activity in self.inputs.activities),
            max(activity.end for activity in self.inputs.activities),
        )

    def at(self, status_date: date) -> EarnedValue:
        """Indicator A at the end of ``status_date``."""
        ordinal = status_date.toordinal()
        unit = self._unit
        bac = self._bac
        planned = self._planned(ordinal)
        executed = self._executed(status_date)
        pv = bac * planned / unit
        ev = bac * executed / unit
        ac = Fraction(self._expense_totals[bisect_right(self._expense_ordinals, ordinal)])
        spending = self._planned_spending(status_date)

        spi = round_half_up(ev / pv, RATIO_PLACES) if pv else None
        cpi_exact = ev / ac if ac else None
        eac_exact = bac / cpi_exact if cpi_exact else None
        schedule_ordinal = self._earned_schedule(executed, planned, ordinal)

        def money(value: Fraction) -> Decimal:
            return round_half_up(value, MONEY_PLACES)

        return EarnedValue(
            status_date=status_date,
            planned_percent=round_half_up(Fraction(100 * planned, unit), PERCENT_PLACES),
            executed_percent=round_half_up(100 * executed / unit, PERCENT_PLACES),
            bac=money(bac),
            pv=money(pv),
            ev=money(ev),
            ac=money(ac),
            sv=money(ev - pv),
            cv=money(ev - ac),
            spi=spi,
            cpi=None if cpi_exact is None else round_half_up(cpi_exact, RATIO_PLACES),
            eac=None if eac_exact is None else money(eac_exact),
            vac=None if eac_exact is None else money(bac - eac_exact),
            time_variance_days=schedule_ordinal - ordinal,
            earned_schedule_date=date.fromordinal(schedule_ordinal),
            planned_spending=money(spending),
            budget_variance=money(spending - ac),
        )

    def series(self, months: Iterable[Month]) -> list[EarnedValue]:
        """Indicator A at the last day of each month: the points of an S-curve."""
        return [self.at(month.last_day()) for month in months]


def synthetic_national_plan(
    commitments: int = 24, milestones: int = 8, activities: int = 15, months: int = 36
) -> list[EarnedValueInput]:
    """A deterministic national-scale plan for timing: one input per milestone.

    Each activity spans 1–12 months inside ``months`` months from January 2019 and reports its
    progress monthly; each milestone spends monthly against three budget lines.
    """
    first = Month(2019, 1)
    plans: list[EarnedValueInput] = []
    for commitment in range(commitments):
        for milestone in range(milestones):
            seed = commitment * milestones + milestone
            plan: list[ActivityPlan] = []
            reports: list[ProgressReport] = []
            for number in range(activities):
                start = (seed * 7 + number * 5) % (months - 12)
                length = 1 + (seed + number * 3) % 12
                key = f"{commitment:02d}.{milestone}.{number:02d}"
                end = first + (start + length - 1)
                plan.append(ActivityPlan(key, first + start, end, Decimal(1 + number % 3)))
                for offset in range(months):
                    done = min(100, max(0, (offset - start + 1) * 100 // length - (seed + number) % 7))
                    reports.append(ProgressReport(key, (first + offset).last_day(), Decimal(done)))
            amount = Decimal("1234.56") + seed
            spent = [Expense((first + offset).first_day(), amount) for offset in range(months)]
            every_month = tuple(first + offset for offset in range(months))
            lines = (
                BudgetLinePlan("advisors", Decimal(544000), every_month[:17]),
                BudgetLinePlan("meetings", Decimal("16575.00"), every_month[::2]),
                BudgetLinePlan("paper", Decimal("9500.00"), every_month),
            )
            plans.append(
                EarnedValueInput(Decimal("570075.00"), tuple(plan), tuple(reports), tuple(spent), lines)
            )
    return plans


def _time_national_plan() -> None:  # pragma: no cover - a manual benchmark

    inputs = synthetic_national_plan()
    status = date(2020, 6, 15)
    started = time.perf_counter()
    calculators = [Calculator(plan) for plan in inputs]
    built = time.perf_counter()
    results = [calculator.at(status) for calculator in calculators]
    computed = time.perf_counter()
    print(
        f"{len(calculators)} milestone calculators of {len(inputs[0].activities)} activities: "
        f"built in {(built - started) * 1000:.1f} ms, at(t) for all in {(computed - built) * 1000:.1f} ms"
    )
    everything = EarnedValueInput(
        sum((plan.bac for plan in inputs), ZERO),
        tuple(activity for plan in inputs for activity in plan.activities),
        tuple(report for plan in inputs for report in plan.progress),
        tuple(expense for plan in inputs for expense in plan.expenses),
        tuple(line for plan in inputs for line in plan.budget_lines),
    )
    started = time.perf_counter()
    national = Calculator(everything)
    built = time.perf_counter()
    result = national.at(status)
    computed = time.perf_counter()
    print(
        f"one calculator of {len(everything.activities)} activities: built in "
        f"{(built - started) * 1000:.1f} ms, at(t) in {(computed - built) * 1000:.1f} ms "
        f"(planned {result.planned_percent}%, executed {result.executed_percent}%, "
        f"first milestone SPI {results[0].spi})"
    )


if __name__ == "__main__":  # pragma: no cover
    _time_national_plan()
