"""The Gantt chart's geometry: every mark inside the chart, rows in order, today where it is."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.gantt import (
    HEADER_HEIGHT,
    LABEL_WIDTH,
    MONTH_WIDTH,
    ROW_HEIGHT,
    GanttActivity,
    GanttMeeting,
    diamond,
    gantt_chart,
    short,
)
from cocrea.computations.months import Month, MonthRange
from cocrea.computations.schedule import build_grid
from tests.hypothesis_profiles import examples

SEED_PERIOD = MonthRange(Month(2018, 11), Month(2020, 8))


@st.composite
def month_ranges(draw: st.DrawFn) -> MonthRange | None:
    if draw(st.booleans()) and draw(st.booleans()):
        return None
    start = Month(2017, 1) + draw(st.integers(0, 60))
    return MonthRange(start, start + draw(st.integers(0, 30)))


activities = st.lists(
    st.builds(
        GanttActivity,
        code=st.text(min_size=1, max_size=3),
        letter=st.sampled_from("ABC"),
        title=st.text(max_size=80),
        planned=month_ranges(),
        percent=st.floats(0, 100),
        baseline=month_ranges(),
        actual=month_ranges(),
    ),
    max_size=15,
)
meetings = st.lists(
    st.builds(
        GanttMeeting,
        key=st.text(min_size=1, max_size=3),
        kind=st.sampled_from(["initial", "working", "final"]),
        title=st.text(max_size=60),
        months=month_ranges(),
    ),
    max_size=20,
)


@settings(max_examples=examples(150), deadline=None)
@given(
    activities,
    meetings,
    st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31)),
    month_ranges(),
)
def test_every_mark_is_inside_the_chart(acts, meets, today, period) -> None:  # type: ignore[no-untyped-def]
    grid = build_grid(period or SEED_PERIOD, today=today)
    chart = gantt_chart(grid, acts, meets, set(), today)
    width = chart["width"]
    assert width == LABEL_WIDTH + grid.width * MONTH_WIDTH
    assert chart["height"] == HEADER_HEIGHT + (len(acts) + 1 + len(meets)) * ROW_HEIGHT + 8
    ys = [row["y"] for row in chart["rows"]]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    for row in chart["rows"]:
        if row["kind"] == "activity" and row["placed"]:
            assert row["x"] >= LABEL_WIDTH
            assert row["x"] + row["width"] <= width
            assert 0 <= row["fill_width"] <= row["width"]
        if row["kind"] == "activity" and row["has_actual"]:
            assert row["actual_x"] + row["actual_width"] <= width
        if row["kind"] == "meeting" and row["placed"]:
            assert LABEL_WIDTH < row["cx"] < width
    assert LABEL_WIDTH <= chart["today"]["x"] <= width
    assert sum(year["width"] for year in chart["years"]) == grid.width * MONTH_WIDTH


def test_today_before_during_and_after() -> None:
    grid = build_grid(SEED_PERIOD, today=date(2019, 4, 16))
    assert gantt_chart(grid, [], [], set(), date(2019, 4, 16))["today"]["position"] == "inside"
    before = build_grid(SEED_PERIOD, today=date(2017, 1, 1))
    assert gantt_chart(before, [], [], set(), date(2017, 1, 1))["today"] == {
        "x": LABEL_WIDTH + 1,
        "position": "before",
    }
    after = build_grid(SEED_PERIOD, today=date(2026, 12, 4))
    marker = gantt_chart(after, [], [], set(), date(2026, 12, 4))["today"]
    assert marker["position"] == "after" and marker["x"] == LABEL_WIDTH + 22 * MONTH_WIDTH - 1


def test_a_flagged_activity_and_its_bar() -> None:
    grid = build_grid(SEED_PERIOD)
    act = GanttActivity("12", "L", "Actividad doce", MonthRange(Month(2020, 3), Month(2020, 7)), percent=50)
    [row] = gantt_chart(grid, [act], [], {"12"}, date(2019, 1, 1))["rows"]
    assert row["flagged"] and row["x"] == LABEL_WIDTH + 16 * MONTH_WIDTH + 2
    assert row["width"] == 5 * MONTH_WIDTH - 4 and row["fill_width"] == row["width"] / 2


def test_labels_and_diamonds() -> None:
    assert short("x" * 50) == "x" * 39 + "…"
    assert short("corto") == "corto"
    assert diamond(10, 20, 5) == "10,15 15,20 10,25 5,20"
