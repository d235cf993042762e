"""Indicator A by earned value: hand-computed cases, the seed-like plan, and properties.

Every expected figure is written as the arithmetic that produces it (exact ``Fraction``s), then
rounded the way the result is: money to cents, ratios to 4 places, percents to 2, half up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.earned_value import (
    ActivityPlan,
    BudgetLinePlan,
    Calculator,
    EarnedValue,
    EarnedValueError,
    EarnedValueInput,
    Expense,
    ProgressReport,
    round_half_up,
    synthetic_national_plan,
)
from cocrea.computations.months import Month, MonthRange
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)


def rounded(value: F | int, places: int) -> Decimal:
    """Half-up rounding of an exact rational, done independently of the module (60 digits)."""
    value = F(value)
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def cents(value: F | int) -> Decimal:
    return rounded(value, 2)


def ratio(value: F | int) -> Decimal:
    return rounded(value, 4)


def D(text: str) -> Decimal:
    return Decimal(text)


def months(start: Month, count: int) -> tuple[Month, ...]:
    return tuple(start + offset for offset in range(count))


# -- hand-computed cases ---------------------------------------------------------------------------


def test_single_activity_over_a_30_day_month_at_mid_month() -> None:
    june = Month(2019, 6)  # 30 days
    inputs = EarnedValueInput(
        bac=D("3000.00"),
        activities=(ActivityPlan("01", june, june),),
        progress=(ProgressReport("01", date(2019, 6, 10), D("40")),),
        expenses=(Expense(date(2019, 6, 5), D("1000.00")),),
        budget_lines=(BudgetLinePlan("paper", D("3000.00"), (june,)),),
    )
    result = Calculator(inputs).at(date(2019, 6, 15))

    planned = F(15, 30)  # 15 of the 30 days of June are over at the end of the 15th
    executed = F(40, 100)
    pv = 3000 * planned  # 1500
    ev = 3000 * executed  # 1200
    ac = F(1000)
    assert result.planned_percent == D("50.00")
    assert result.executed_percent == D("40.00")
    assert result.bac == D("3000.00")
    assert (result.pv, result.ev, result.ac) == (D("1500.00"), D("1200.00"), D("1000.00"))
    assert result.sv == cents(ev - pv) == D("-300.00")
    assert result.cv == cents(ev - ac) == D("200.00")
    assert result.spi == ratio(ev / pv) == D("0.8000")
    assert result.cpi == ratio(ev / ac) == D("1.2000")
    assert result.eac == cents(3000 / (ev / ac)) == D("2500.00")
    assert result.vac == cents(3000 - 3000 / (ev / ac)) == D("500.00")
    # PV reached EV (40 %) on the first day k of June with k/30 ≥ 0.4: k = 12, three days behind.
    assert result.earned_schedule_date == date(2019, 6, 12)
    assert result.time_variance_days == -3
    # The June share accrues over June's days: 3000 × 15/30.
    assert result.planned_spending == cents(3000 * F(15, 30)) == D("1500.00")
    assert result.budget_variance == D("500.00")


def test_ahead_of_schedule_gives_a_positive_time_variance() -> None:
    june = Month(2019, 6)
    inputs = EarnedValueInput(
        bac=D("3000.00"),
        activities=(ActivityPlan("01", june, june),),
        progress=(ProgressReport("01", date(2019, 6, 15), D("60")),),
        expenses=(),
        budget_lines=(),
    )
    result = Calculator(inputs).at(date(2019, 6, 15))
    # k/30 ≥ 0.6 first holds at k = 18.
    assert result.earned_schedule_date == date(2019, 6, 18)
    assert result.time_variance_days == 3
    assert result.spi == D("1.2000")
    # No expenses: CPI, EAC and VAC are undefined, not 0 or infinity.
    assert result.ac == D("0.00")
    assert (result.cpi, result.eac, result.vac) == (None, None, None)
    assert result.planned_spending == D("0.00")


def test_two_activities_with_different_weights() -> None:
    june, july = Month(2019, 6), Month(2019, 7)  # 30 and 31 days
    inputs = EarnedValueInput(
        bac=D("1000.00"),
        activities=(ActivityPlan("A", june, june, D("3")), ActivityPlan("B", july, july, D("1"))),
        progress=(
            ProgressReport("A", date(2019, 6, 20), D("70")),
            ProgressReport("A", date(2019, 6, 30), D("100")),
            ProgressReport("B", date(2019, 7, 9), D("50")),
            ProgressReport("B", date(2019, 7, 11), D("90")),  # after the status date: not counted
        ),
        expenses=(Expense(date(2019, 6, 1), D("400.00")), Expense(date(2019, 7, 10), D("100.00"))),
        budget_lines=(BudgetLinePlan("x", D("1000.00"), (june, july)),),
    )
    result = Calculator(inputs).at(date(2019, 7, 10))

    planned = (3 * F(1) + 1 * F(10, 31)) / 4  # A done, B 10 of 31 days
    executed = (3 * F(100, 100) + 1 * F(50, 100)) / 4  # 87.5 %
    pv, ev, ac = 1000 * planned, 1000 * executed, F(500)
    assert result.planned_percent == rounded(100 * planned, 2) == D("83.06")
    assert result.executed_percent == D("87.50")
    assert result.pv == cents(pv) == D("830.65")
    assert result.ev == D("875.00")
    assert result.ac == D("500.00")
    assert result.sv == cents(ev - pv) == D("44.35")
    assert result.cv == D("375.00")
    assert result.spi == ratio(ev / pv) == D("1.0534")
    assert result.cpi == ratio(ev / ac) == D("1.7500")
    assert result.eac == cents(1000 * ac / ev) == D("571.43")
    assert result.vac == cents(1000 - 1000 * ac / ev) == D("428.57")
    # PV reaches 87.5 % in July on the first day k with (3 + k/31)/4 ≥ 7/8, i.e. k ≥ 15.5: the 16th.
    assert result.earned_schedule_date == date(2019, 7, 16)
    assert result.time_variance_days == 6
    assert result.planned_spending == cents(500 + 500 * F(10, 31)) == D("661.29")
    assert result.budget_variance == cents(500 + 500 * F(10, 31) - 500) == D("161.29")


# -- the seed-like plan ------------------------------------------------------------------------------

APRIL_2019 = Month(2019, 4)
SEED_ACTIVITIES = (
    *(
        ActivityPlan(f"{number:02d}", APRIL_2019 + (number - 1), APRIL_2019 + (number - 1))
        for number in range(1, 12)
    ),
    ActivityPlan("12", Month(2019, 3), Month(2020, 7)),  # "Marzo 2019- Julio 2020" as in the plan
    ActivityPlan("13", Month(2020, 8), Month(2020, 8)),
)
MILESTONE_MONTHS = tuple(MonthRange(APRIL_2019, Month(2020, 8)))  # April 2019 – August 2020


def seed_like_inputs() -> EarnedValueInput:
    reports = [
        ProgressReport("01", date(2019, 4, 30), D("100")),
        ProgressReport("02", date(2019, 5, 31), D("100")),
        ProgressReport("03", date(2019, 6, 28), D("100")),
        ProgressReport("04", date(2019, 7, 31), D("90")),
        ProgressReport("04", date(2019, 8, 12), D("100")),
        ProgressReport("05", date(2019, 9, 6), D("100")),
        ProgressReport("06", date(2019, 9, 30), D("60")),
        ProgressReport("06", date(2019, 10, 14), D("80")),
        ProgressReport("12", date(2019, 6, 30), D("10")),
        ProgressReport("12", date(2019, 9, 30), D("30")),
        ProgressReport("07", date(2019, 10, 16), D("20")),  # the day after the status date
    ]
    expenses = [
        *(Expense((APRIL_2019 + offset).last_day(), D("32000.00")) for offset in range(6)),  # advisors
        *(Expense((APRIL_2019 + offset).first_day() + timedelta(9), D("975.00")) for offset in range(7)),
        Expense(date(2019, 5, 2), D("1250.50")),  # paper
        Expense(date(2019, 10, 31), D("32000.00")),  # October's advisors: after the status date
    ]
    return EarnedValueInput(
        bac=D("570075.00"),
        activities=SEED_ACTIVITIES,
        progress=tuple(reports),
        expenses=tuple(expenses),
        budget_lines=(
            BudgetLinePlan("advisors", D(2 * 16000 * 17), months(APRIL_2019, 17)),
            BudgetLinePlan("meetings", D("16575.00"), MILESTONE_MONTHS),  # one meeting a month
            BudgetLinePlan("paper", D("9500.00"), MILESTONE_MONTHS),
        ),
    )


def test_seed_like_plan_at_mid_october_2019() -> None:
    result = Calculator(seed_like_inputs()).at(date(2019, 10, 15))
    bac = F(570075)

    # Planned: activities 01–06 (April–September 2019) are over; 07 (October, 31 days) has had 15
    # days; 08–11 and 13 have not started; 12 runs 1 March 2019 – 31 July 2020:
    # March–December 2019 = 31+30+31+30+31+31+30+31+30+31 = 306 days, January–July 2020 =
    # 31+29+31+30+31+30+31 = 213 days, 519 in all, of which March–September (214) + 15 are over.
    assert 31 + 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 29 + 31 + 30 + 31 + 30 + 31 == 519
    planned_sum = 6 + F(15, 31) + F(214 + 15, 519)
    planned = planned_sum / 13
    # Executed: 01–05 at 100 %, 06 at 80 % (14 Oct), 12 at 30 %; 07's report comes a day late.
    executed_sum = 5 + F(80, 100) + F(30, 100)
    executed = executed_sum / 13
    pv, ev = bac * planned, bac * executed
    # Advisors April–September (6 × 32,000), meetings April–October (7 × 975), paper 1,250.50.
    ac = F(6 * 32000) + F(7 * 975) + F("1250.50")
    assert ac == F("200075.50")

    assert result.planned_percent == rounded(100 * planned, 2) == D("53.27")
    assert result.executed_percent == rounded(100 * executed, 2) == D("46.92")
    assert result.bac == D("570075.00")
    assert result.pv == cents(pv) == D("303679.13")
    assert result.ev == cents(ev) == D("267496.73")
    assert result.ac == D("200075.50")
    assert result.sv == cents(ev - pv) == D("-36182.40")
    assert result.cv == cents(ev - ac) == D("67421.23")
    assert result.spi == ratio(ev / pv) == D("0.8809")
    assert result.cpi == ratio(ev / ac) == D("1.3370")
    eac = bac / (ev / ac)
    assert result.eac == cents(eac) == D("426390.41")
    assert result.vac == cents(bac - eac) == D("143684.59")

    # Earned schedule: PV reached 6.1 / 13 in September 2019. At the end of day k of September,
    # the planned sum is 5 + k/30 (activity 06) + (184 + k)/519 (activity 12: March–August is 184
    # days). 5 + k/30 + (184 + k)/519 ≥ 6.1  ⇔  519k + 30(184 + k) ≥ 1.1 × 15570  ⇔  549k ≥ 11607
    # ⇔  k ≥ 21.14…, so the 22nd: 23 days behind the 15th of October.
    assert 5 + F(21, 30) + F(184 + 21, 519) < executed_sum <= 5 + F(22, 30) + F(184 + 22, 519)
    assert result.earned_schedule_date == date(2019, 9, 22)
    assert result.time_variance_days == -23

    # Planned spending: every line spread over 17 months from April 2019, so April–September
    # (6 whole shares) plus 15/31 of October's share.
    elapsed_shares = 6 + F(15, 31)
    advisors = F(2 * 16000 * 17, 17) * elapsed_shares  # 32,000 a month
    meetings = F("16575.00") / 17 * elapsed_shares  # 975 a meeting
    paper = F("9500.00") / 17 * elapsed_shares
    assert cents(advisors) == D("207483.87")
    assert cents(meetings) == D("6321.77")
    assert cents(paper) == D("3623.34")
    assert result.planned_spending == cents(advisors + meetings + paper) == D("217428.98")
    assert result.budget_variance == cents(advisors + meetings + paper - ac) == D("17353.48")

    assert result.to_json() == {
        "status_date": "2019-10-15",
        "planned_percent": 53.27,
        "executed_percent": 46.92,
        "bac": "570075.00",
        "pv": "303679.13",
        "ev": "267496.73",
        "ac": "200075.50",
        "sv": "-36182.40",
        "cv": "67421.23",
        "spi": 0.8809,
        "cpi": 1.337,
        "eac": "426390.41",
        "vac": "143684.59",
        "time_variance_days": -23,
        "earned_schedule_date": "2019-09-22",
        "planned_spending": "217428.98",
        "budget_variance": "17353.48",
    }


def test_seed_like_plan_before_the_start_and_after_the_end() -> None:
    calculator = Calculator(seed_like_inputs())
    before = calculator.at(date(2019, 2, 28))  # activity 12 starts on 1 March 2019
    assert (before.planned_percent, before.pv, before.spi) == (D("0.00"), D("0.00"), None)
    assert before.executed_percent == D("0.00")
    assert (before.ac, before.cpi, before.eac, before.vac) == (D("0.00"), None, None, None)
    assert before.time_variance_days == 0
    assert before.planned_spending == D("0.00")

    first_day = calculator.at(date(2019, 3, 1))  # 1/519 of activity 12, nothing reported
    assert first_day.pv == cents(F(570075) * F(1, 519) / 13)
    assert first_day.spi == D("0.0000")
    assert first_day.earned_schedule_date == date(2019, 3, 1)
    assert first_day.time_variance_days == 0
    a_week_in = calculator.at(date(2019, 3, 8))
    assert a_week_in.earned_schedule_date == date(2019, 3, 1)  # EV 0: the plan's first day
    assert a_week_in.time_variance_days == -7

    after = calculator.at(date(2021, 1, 31))
    assert after.planned_percent == D("100.00")
    assert after.pv == after.bac == D("570075.00")
    assert after.planned_spending == D("570075.00")


def test_seed_like_series_is_at_on_each_month_end() -> None:
    calculator = Calculator(seed_like_inputs())
    grid = list(MonthRange(Month(2019, 2), Month(2020, 9)))
    curve = calculator.series(grid)
    assert curve == [calculator.at(month.last_day()) for month in grid]
    assert [point.status_date for point in curve] == [month.last_day() for month in grid]
    assert curve[-1].planned_percent == D("100.00")
    assert calculator.plan_range == MonthRange(Month(2019, 3), Month(2020, 8))


# -- edge rules ----------------------------------------------------------------------------------------


def test_on_plan_in_a_gap_between_activities_is_on_time() -> None:
    """Nothing is planned in May: done exactly as planned there is on time, not behind."""
    april, june = Month(2019, 4), Month(2019, 6)
    inputs = EarnedValueInput(
        bac=D("100"),
        activities=(ActivityPlan("A", april, april), ActivityPlan("B", june, june)),
        progress=(ProgressReport("A", date(2019, 4, 30), D("100")),),
    )
    calculator = Calculator(inputs)
    result = calculator.at(date(2019, 5, 20))
    assert result.spi == D("1.0000")
    assert result.time_variance_days == 0
    assert result.earned_schedule_date == date(2019, 5, 20)
    # With 90 % done, PV reached 45 % on 27 April (27/30 ≥ 0.9): 23 days behind the 20th of May.
    late = Calculator(
        EarnedValueInput(inputs.bac, inputs.activities, (ProgressReport("A", date(2019, 4, 30), D("90")),))
    ).at(date(2019, 5, 20))
    assert late.earned_schedule_date == date(2019, 4, 27)
    assert late.time_variance_days == -23
    # Done with everything in May: PV reaches 100 % at the end of June.
    early = Calculator(
        EarnedValueInput(
            inputs.bac,
            inputs.activities,
            (
                ProgressReport("A", date(2019, 4, 30), D("100")),
                ProgressReport("B", date(2019, 5, 2), D("100")),
            ),
        )
    ).at(date(2019, 5, 20))
    assert early.earned_schedule_date == date(2019, 6, 30)
    assert early.time_variance_days == 41


def test_all_zero_weights_count_equally_and_zero_weights_count_for_nothing() -> None:
    june, july = Month(2019, 6), Month(2019, 7)
    progress = (ProgressReport("A", date(2019, 6, 30), D("100")),)
    zero = EarnedValueInput(
        D("1000"), (ActivityPlan("A", june, june, D(0)), ActivityPlan("B", july, july, D(0))), progress
    )
    equal = EarnedValueInput(
        D("1000"), (ActivityPlan("A", june, june), ActivityPlan("B", july, july)), progress
    )
    day = date(2019, 7, 5)
    assert Calculator(zero).at(day) == Calculator(equal).at(day)
    assert Calculator(zero).at(day).executed_percent == D("50.00")
    only_b = EarnedValueInput(
        D("1000"), (ActivityPlan("A", june, june, D(0)), ActivityPlan("B", july, july, D("0.5"))), progress
    )
    result = Calculator(only_b).at(day)
    assert result.executed_percent == D("0.00")
    assert result.planned_percent == rounded(F(500, 31), 2)


def test_latest_report_of_a_day_wins_and_later_reports_wait() -> None:
    june = Month(2019, 6)
    inputs = EarnedValueInput(
        D("100"),
        (ActivityPlan("A", june, june),),
        (
            ProgressReport("A", date(2019, 6, 12), D("30")),
            ProgressReport("A", date(2019, 6, 10), D("10")),
            ProgressReport("A", date(2019, 6, 12), D("35")),
        ),
    )
    calculator = Calculator(inputs)
    assert calculator.at(date(2019, 6, 9)).executed_percent == D("0.00")
    assert calculator.at(date(2019, 6, 11)).executed_percent == D("10.00")
    assert calculator.at(date(2019, 6, 12)).executed_percent == D("35.00")


def test_repeated_months_hold_several_shares() -> None:
    march, april = Month(2020, 3), Month(2020, 4)
    line = BudgetLinePlan("meetings", D("900.00"), (march, april, april))  # 300 a share
    inputs = EarnedValueInput(D("900.00"), (ActivityPlan("A", march, april),), budget_lines=(line,))
    calculator = Calculator(inputs)
    assert calculator.at(date(2020, 2, 29)).planned_spending == D("0.00")
    assert calculator.at(date(2020, 3, 10)).planned_spending == cents(300 * F(10, 31)) == D("96.77")
    assert calculator.at(date(2020, 3, 31)).planned_spending == D("300.00")
    assert calculator.at(date(2020, 4, 6)).planned_spending == cents(300 + 600 * F(6, 30)) == D("420.00")
    assert calculator.at(date(2020, 4, 30)).planned_spending == D("900.00")
    assert calculator.at(date(2021, 1, 1)).planned_spending == D("900.00")


def test_zero_ev_with_spending_has_cpi_zero_and_no_eac() -> None:
    june = Month(2019, 6)
    inputs = EarnedValueInput(
        D("100"), (ActivityPlan("A", june, june),), expenses=(Expense(date(2019, 6, 1), D("10")),)
    )
    result = Calculator(inputs).at(date(2019, 6, 30))
    assert result.cpi == D("0.0000")
    assert (result.eac, result.vac) == (None, None)
    assert result.to_json()["cpi"] == 0.0
    assert result.to_json()["eac"] is None


def test_no_activities() -> None:
    result = Calculator(EarnedValueInput(D("50"), ())).at(date(2020, 1, 1))
    assert (result.planned_percent, result.executed_percent, result.pv, result.ev) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert result.spi is None
    assert result.time_variance_days == 0
    assert Calculator(EarnedValueInput(D("50"), ())).plan_range is None


@pytest.mark.parametrize(
    "build",
    [
        lambda: ActivityPlan("A", Month(2020, 5), Month(2020, 4)),
        lambda: ActivityPlan("A", Month(2020, 5), Month(2020, 5), D("-1")),
        lambda: ActivityPlan("A", Month(2020, 5), Month(2020, 5), D("NaN")),
        lambda: ProgressReport("A", date(2020, 5, 1), D("100.01")),
        lambda: ProgressReport("A", date(2020, 5, 1), D("-1")),
        lambda: Expense(date(2020, 5, 1), D("Infinity")),
        lambda: BudgetLinePlan("x", D("10"), ()),
        lambda: EarnedValueInput(D("-1"), ()),
        lambda: Calculator(EarnedValueInput(D("1"), (), (ProgressReport("Z", date(2020, 5, 1), D("5")),))),
        lambda: Calculator(
            EarnedValueInput(
                D("1"),
                (
                    ActivityPlan("A", Month(2020, 5), Month(2020, 5)),
                    ActivityPlan("A", Month(2020, 6), Month(2020, 6)),
                ),
            )
        ),
    ],
)
def test_unusable_input_is_a_clear_error(build: Callable[[], object]) -> None:
    with pytest.raises(EarnedValueError):
        build()


def test_round_half_up() -> None:
    assert round_half_up(F(5, 1000), 2) == D("0.01")
    assert round_half_up(F(-5, 1000), 2) == D("-0.01")
    assert round_half_up(F(-1, 1000), 2) == D("0.00")
    assert str(round_half_up(F(0), 2)) == "0.00"
    assert round_half_up(F(12345, 100000), 4) == D("0.1235")


def test_national_scale_plan_adds_up_and_is_fast() -> None:
    """One calculator for the whole plan agrees with the 192 milestone calculators. Prints the timing."""
    plans = synthetic_national_plan()
    day = date(2020, 6, 15)
    started = time.perf_counter()
    calculators = [Calculator(plan) for plan in plans]
    built = time.perf_counter()
    results = [calculator.at(day) for calculator in calculators]
    done = time.perf_counter()
    print(  # not asserted: speed is measured, not tested
        f"\n{len(plans)} milestones: built in {(built - started) * 1000:.1f} ms, "
        f"at(t) for all in {(done - built) * 1000:.1f} ms"
    )
    national = Calculator(
        EarnedValueInput(
            sum((plan.bac for plan in plans), Decimal(0)),
            tuple(activity for plan in plans for activity in plan.activities),
            tuple(report for plan in plans for report in plan.progress),
            tuple(expense for plan in plans for expense in plan.expenses),
        )
    ).at(day)
    # Every milestone has the same BAC and total weight, so the national EV and PV are the sums.
    tolerance = len(plans) * D("0.005")
    assert abs(national.ev - sum((result.ev for result in results), Decimal(0))) <= tolerance
    assert abs(national.pv - sum((result.pv for result in results), Decimal(0))) <= tolerance
    assert national.ac == sum((result.ac for result in results), Decimal(0))


# -- properties ---------------------------------------------------------------------------------------

ORIGIN = Month(2019, 1)
FIRST_DAY = date(2018, 10, 1)
LAST_DAY = date(2022, 12, 31)
weights = st.sampled_from([D("0"), D("1"), D("1"), D("2"), D("0.5"), D("2.75"), D("10")])
percents = st.decimals(min_value=0, max_value=100, places=2)
days = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
amounts = st.decimals(min_value=0, max_value=100000, places=2)


@st.composite
def activity_plans(draw: st.DrawFn) -> tuple[ActivityPlan, ...]:
    count = draw(st.integers(min_value=1, max_value=8))
    plans = []
    for number in range(count):
        start = ORIGIN + draw(st.integers(min_value=0, max_value=30))
        length = draw(st.integers(min_value=1, max_value=18))
        plans.append(ActivityPlan(f"a{number}", start, start + (length - 1), draw(weights)))
    return tuple(plans)


@st.composite
def plan_inputs(draw: st.DrawFn) -> EarnedValueInput:
    activities = draw(activity_plans())
    keys = st.sampled_from([activity.key for activity in activities])
    progress = draw(st.lists(st.builds(ProgressReport, keys, days, percents), max_size=20))
    expenses = draw(st.lists(st.builds(Expense, days, amounts), max_size=10))
    month = st.integers(min_value=0, max_value=40).map(lambda offset: ORIGIN + offset)
    lines = draw(
        st.lists(
            st.builds(
                BudgetLinePlan, st.just("line"), amounts, st.lists(month, min_size=1, max_size=20).map(tuple)
            ),
            max_size=4,
        )
    )
    bac = draw(st.decimals(min_value=0, max_value=10**7, places=2))
    return EarnedValueInput(bac, activities, tuple(progress), tuple(expenses), tuple(lines))


def effective_weights(inputs: EarnedValueInput) -> list[F]:
    found = [F(activity.weight) for activity in inputs.activities]
    return found if any(found) else [F(1)] * len(found)


def planned_fraction(activity: ActivityPlan, day: date) -> F:
    """Straight from the definition: elapsed days over planned days, clamped."""
    first, last = activity.start.first_day(), activity.end.last_day()
    elapsed = (day - first).days + 1
    return min(max(F(elapsed, (last - first).days + 1), F(0)), F(1))


def reference_planned(inputs: EarnedValueInput, day: date) -> F:
    found = effective_weights(inputs)
    return sum(
        (w * planned_fraction(a, day) for w, a in zip(found, inputs.activities, strict=True)), F(0)
    ) / sum(found)


def reference_executed(inputs: EarnedValueInput, day: date) -> F:
    found = effective_weights(inputs)
    total = F(0)
    for weight, activity in zip(found, inputs.activities, strict=True):
        latest: ProgressReport | None = None
        for report in inputs.progress:  # in input order: the last of a day's reports wins
            if (
                report.key == activity.key
                and report.day <= day
                and (latest is None or report.day >= latest.day)
            ):
                latest = report
        if latest is not None:
            total += weight * F(latest.percent) / 100
    return total / sum(found)


def reference_spending(inputs: EarnedValueInput, day: date) -> F:
    total = F(0)
    for line in inputs.budget_lines:
        share = F(line.amount) / len(line.months)
        for month in line.months:
            total += share * planned_fraction(ActivityPlan("m", month, month), day)
    return total


@PROPERTY
@given(plan_inputs(), days)
def test_figures_follow_the_definitions(inputs: EarnedValueInput, day: date) -> None:
    result = Calculator(inputs).at(day)
    bac = F(inputs.bac)
    planned, executed = reference_planned(inputs, day), reference_executed(inputs, day)
    ac = sum((F(expense.amount) for expense in inputs.expenses if expense.day <= day), F(0))
    spending = reference_spending(inputs, day)
    assert result.planned_percent == rounded(100 * planned, 2)
    assert result.executed_percent == rounded(100 * executed, 2)
    assert result.pv == cents(bac * planned)
    assert result.ev == cents(bac * executed)
    assert result.ac == cents(ac)
    assert result.sv == cents(bac * (executed - planned))
    assert result.cv == cents(bac * executed - ac)
    assert result.spi == (ratio(executed / planned) if bac and planned else None)
    assert result.cpi == (ratio(bac * executed / ac) if ac else None)
    defined = bool(ac) and bool(bac * executed)
    assert result.eac == (cents(ac / executed) if defined else None)
    assert result.vac == (cents(bac - ac / executed) if defined else None)
    assert result.planned_spending == cents(spending)
    assert result.budget_variance == cents(spending - ac)

    # Invariants.
    assert result.ev <= result.bac
    assert D(0) <= result.planned_percent <= D(100)
    assert D(0) <= result.executed_percent <= D(100)


@PROPERTY
@given(plan_inputs(), days)
def test_earned_schedule_is_the_first_day_pv_reached_ev(inputs: EarnedValueInput, day: date) -> None:
    result = Calculator(inputs).at(day)
    planned, executed = reference_planned(inputs, day), reference_executed(inputs, day)
    found = result.earned_schedule_date
    assert result.time_variance_days == (found - day).days
    first = min(activity.start.first_day() for activity in inputs.activities)
    if executed == planned:
        assert found == day
    elif executed == 0:
        assert found == first
        assert result.time_variance_days <= 0
    else:
        assert reference_planned(inputs, found) >= executed
        assert found == first or reference_planned(inputs, found - timedelta(1)) < executed
        if executed > planned:
            assert result.time_variance_days > 0
        else:
            assert result.time_variance_days <= 0


@PROPERTY
@given(activity_plans(), days, st.decimals(min_value=1, max_value=10**7, places=2))
def test_execution_that_follows_the_plan_is_on_schedule(
    activities: tuple[ActivityPlan, ...], day: date, bac: Decimal
) -> None:
    """Each activity reports exactly its planned fraction × 100 (in 28-digit Decimal): SPI 1, no delay."""
    reports = tuple(
        ProgressReport(
            activity.key,
            day,
            Decimal((fraction := planned_fraction(activity, day)).numerator * 100) / fraction.denominator,
        )
        for activity in activities
    )
    early = tuple(ProgressReport(activity.key, FIRST_DAY - timedelta(1), D("99")) for activity in activities)
    inputs = EarnedValueInput(bac, activities, early + reports)
    result = Calculator(inputs).at(day)
    assert result.time_variance_days == 0
    assert result.earned_schedule_date == day
    if reference_planned(inputs, day):  # PV may round to 0.00 and still not be 0
        assert result.spi == D("1.0000")
        assert result.sv == D("0.00")
    else:
        assert result.spi is None
    assert result.planned_percent == result.executed_percent


@PROPERTY
@given(plan_inputs(), days, days)
def test_pv_and_planned_spending_never_decrease(inputs: EarnedValueInput, one: date, other: date) -> None:
    calculator = Calculator(inputs)
    early, late = calculator.at(min(one, other)), calculator.at(max(one, other))
    assert early.pv <= late.pv
    assert early.planned_percent <= late.planned_percent
    assert early.planned_spending <= late.planned_spending


@PROPERTY
@given(plan_inputs(), st.integers(min_value=1, max_value=400))
def test_before_the_start_and_after_the_end(inputs: EarnedValueInput, days_away: int) -> None:
    calculator = Calculator(inputs)
    plan = calculator.plan_range
    assert plan is not None
    before = calculator.at(plan.start.first_day() - timedelta(days_away))
    assert (before.pv, before.planned_percent, before.spi) == (D("0.00"), D("0.00"), None)
    after = calculator.at(plan.end.last_day() + timedelta(days_away - 1))
    assert after.planned_percent == D("100.00")
    assert after.pv == after.bac
    last_share = max((month for line in inputs.budget_lines for month in line.months), default=plan.end)
    spent_out = calculator.at(last_share.last_day() + timedelta(days_away - 1))
    assert spent_out.planned_spending == cents(sum((F(line.amount) for line in inputs.budget_lines), F(0)))


@PROPERTY
@given(plan_inputs())
def test_undefined_ratios_are_none(inputs: EarnedValueInput) -> None:
    no_spending = EarnedValueInput(inputs.bac, inputs.activities, inputs.progress, (), inputs.budget_lines)
    plan = Calculator(no_spending).plan_range
    assert plan is not None
    for day in (plan.start.first_day() - timedelta(1), plan.end.last_day()):
        result: EarnedValue = Calculator(no_spending).at(day)
        assert (result.cpi, result.eac, result.vac) == (None, None, None)
        payload = result.to_json()
        assert payload["cpi"] is None and payload["eac"] is None and payload["vac"] is None
        if result.pv == 0:
            assert result.spi is None and payload["spi"] is None


@PROPERTY
@given(plan_inputs(), st.integers(min_value=0, max_value=30), st.integers(min_value=1, max_value=24))
def test_series_is_at_each_month_end(inputs: EarnedValueInput, offset: int, count: int) -> None:
    calculator = Calculator(inputs)
    grid = [ORIGIN + (offset + step - 3) for step in range(count)]
    assert calculator.series(grid) == [calculator.at(month.last_day()) for month in grid]
    assert calculator.series(iter(grid)) == calculator.series(grid)


@PROPERTY
@given(plan_inputs(), days)
def test_to_json_formats(inputs: EarnedValueInput, day: date) -> None:
    payload = Calculator(inputs).at(day).to_json()
    for key in ("bac", "pv", "ev", "ac", "sv", "cv", "planned_spending", "budget_variance", "eac", "vac"):
        value = payload[key]
        assert value is None or (isinstance(value, str) and len(value.split(".")[1]) == 2), (key, value)
    for key in ("spi", "cpi"):
        value = payload[key]
        assert value is None or (isinstance(value, float) and round(value, 4) == value)
    for key in ("planned_percent", "executed_percent"):
        assert isinstance(payload[key], float)
    assert payload["status_date"] == day.isoformat()
    assert isinstance(payload["time_variance_days"], int)
