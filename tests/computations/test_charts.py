from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from cocrea.computations.charts import line_chart, nice_ticks


def test_nice_ticks():
    assert nice_ticks(570075) == [0, 200000, 400000, 600000]
    assert nice_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0) == [0.0, 1.0]


@given(st.floats(min_value=0.001, max_value=1e12))
def test_ticks_cover_the_maximum_and_start_at_zero(maximum):
    ticks = nice_ticks(maximum)
    assert ticks[0] == 0 and ticks[-1] >= maximum
    assert 2 <= len(ticks) <= 12
    assert all(b > a for a, b in itertools.pairwise(ticks))


def test_line_chart_places_points_inside_the_plot():
    chart = line_chart({"pv": [Decimal(0), Decimal(50), Decimal(100)], "ev": [Decimal(0), None, Decimal(80)]})
    pv, ev = chart.series
    assert len(pv.points) == 3 and len(ev.points) == 2
    for x, y in pv.points + ev.points:
        assert chart.left <= x <= chart.plot_right
        assert chart.top <= y <= chart.plot_bottom
    assert pv.points[0][1] == chart.plot_bottom  # zero sits on the axis
    assert pv.path.count(",") == 3
