"""The month grid of the schedule: columns, year bands, today, and bars."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.months import Month, MonthRange
from cocrea.computations.planparse import ParsedPlan
from cocrea.computations.schedule import Bar, build_grid
from tests.hypothesis_profiles import examples

SEED_PERIOD = MonthRange(Month(2018, 11), Month(2020, 8))


def test_seed_period_grid() -> None:
    grid = build_grid(SEED_PERIOD)
    assert grid.width == 22
    assert [g.column for g in grid.months] == list(range(22))
    assert grid.months[0].month == Month(2018, 11)
    assert grid.months[-1].month == Month(2020, 8)
    assert grid.years == ((2018, 2), (2019, 12), (2020, 8))
    assert [g.month for g in grid.months if g.first_of_year] == [
        Month(2018, 11),
        Month(2019, 1),
        Month(2020, 1),
    ]
    assert grid.today_column is None and grid.today_fraction is None
    assert not any(g.is_current for g in grid.months)


def test_today_inside_the_grid() -> None:
    grid = build_grid(SEED_PERIOD, today=date(2019, 4, 16))
    assert grid.today_column == 5
    assert grid.months[5].is_current
    assert sum(g.is_current for g in grid.months) == 1
    assert grid.today_fraction == pytest.approx(15.5 / 30)


@pytest.mark.parametrize("today", [date(2018, 10, 31), date(2020, 9, 1), date(1, 1, 1), date(9999, 12, 31)])
def test_today_outside_the_grid(today: date) -> None:
    grid = build_grid(SEED_PERIOD, today=today)
    assert grid.today_column is None
    assert grid.today_fraction is None
    assert not any(g.is_current for g in grid.months)


def test_today_fraction_at_the_edges_of_a_month() -> None:
    first = build_grid(SEED_PERIOD, today=date(2020, 2, 1))
    last = build_grid(SEED_PERIOD, today=date(2020, 2, 29))
    assert first.today_column == last.today_column == 15
    assert first.today_fraction == pytest.approx(0.5 / 29)
    assert last.today_fraction == pytest.approx(28.5 / 29)


def test_grid_widens_to_extra_ranges() -> None:
    grid = build_grid(SEED_PERIOD, extra=[MonthRange(Month(2018, 9), Month(2018, 9)), SEED_PERIOD])
    assert grid.width == 24
    assert grid.months[0].month == Month(2018, 9)
    assert grid.years == ((2018, 4), (2019, 12), (2020, 8))


def test_bars_of_the_seed(seed_plan: ParsedPlan) -> None:
    assert seed_plan.period is not None
    grid = build_grid(seed_plan.period)
    bars = [grid.place(a.key, a.title, "activity", a.dates) for a in seed_plan.activities]
    assert bars[0].start_column == bars[0].end_column == 5  # April 2019
    assert (bars[11].start_column, bars[11].end_column, bars[11].span) == (4, 20, 17)
    assert not any(b.clipped_start or b.clipped_end for b in bars)
    events = [grid.place(str(e.position), e.title, e.kind, e.dates) for e in seed_plan.events]
    assert [b.start_column for b in events] == list(range(5, 22))


def test_clipped_and_hidden_bars() -> None:
    grid = build_grid(SEED_PERIOD)
    both = grid.place("x", "X", "activity", MonthRange(Month(2018, 1), Month(2021, 1)))
    assert (both.start_column, both.end_column, both.clipped_start, both.clipped_end) == (0, 21, True, True)
    assert both.span == 22
    left = grid.place("x", "X", "activity", MonthRange(Month(2018, 6), Month(2018, 12)))
    assert (left.start_column, left.end_column, left.clipped_start, left.clipped_end) == (0, 1, True, False)
    right = grid.place("x", "X", "activity", MonthRange(Month(2020, 7), Month(2020, 12)))
    assert (right.start_column, right.end_column, right.clipped_start, right.clipped_end) == (
        20,
        21,
        False,
        True,
    )
    before = grid.place("x", "X", "activity", MonthRange(Month(2017, 1), Month(2018, 10)))
    after = grid.place("x", "X", "activity", MonthRange(Month(2020, 9), Month(2020, 9)))
    undated = grid.place("x", "X", "activity", None)
    for bar in (before, after, undated):
        assert bar == Bar("x", "X", "activity", None, None)
        assert bar.span == 0


grid_months = st.builds(Month, st.integers(1990, 2100), st.integers(1, 12))


@settings(max_examples=examples(200), deadline=None)
@given(grid_months, st.integers(0, 60), grid_months, st.integers(0, 60))
def test_any_bar_fits_in_any_grid(start: Month, length: int, bar_start: Month, bar_length: int) -> None:
    period = MonthRange(start, start + length)
    grid = build_grid(period)
    assert grid.width == length + 1 == sum(count for _, count in grid.years)
    dates = MonthRange(bar_start, bar_start + bar_length)
    bar = grid.place("k", "label", "activity", dates)
    overlaps = dates.start <= period.end and dates.end >= period.start
    if not overlaps:
        assert bar.start_column is None and bar.span == 0
        return
    assert bar.start_column is not None and bar.end_column is not None
    assert 0 <= bar.start_column <= bar.end_column < grid.width
    assert grid.months[bar.start_column].month == max(dates.start, period.start)
    assert grid.months[bar.end_column].month == min(dates.end, period.end)
    assert bar.clipped_start == (dates.start < period.start)
    assert bar.clipped_end == (dates.end > period.end)
