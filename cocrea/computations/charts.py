"""Geometry for server-rendered SVG charts: scales, nice ticks, polylines.

The templates draw what this returns; every chart also gets a table of the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Tick:
    position: float
    value: float


@dataclass(frozen=True)
class Series:
    key: str
    points: tuple[tuple[float, float], ...]

    @property
    def path(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in self.points)


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    series: tuple[Series, ...]
    x_positions: tuple[float, ...]
    y_ticks: tuple[Tick, ...]

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (1, 2, 2.5 or 5 × a power of ten)."""
    if maximum <= 0 or math.isnan(maximum) or math.isinf(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = []
    value = 0.0
    while value < maximum + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < maximum:
        ticks.append(round(value, 10))
    return ticks


def line_chart(
    values: dict[str, Sequence[Decimal | float | None]],
    width: int = 760,
    height: int = 320,
    margins: tuple[int, int, int, int] = (12, 36, 36, 86),  # top, right, bottom, left
) -> LineChart:
    """Polylines for each named series over equally spaced x positions (one per value)."""
    top, right, bottom, left = margins
    count = max((len(v) for v in values.values()), default=0)
    numbers = [float(v) for vs in values.values() for v in vs if v is not None]
    ticks = nice_ticks(max(numbers, default=0.0))
    top_value = ticks[-1] or 1.0
    plot_width = width - left - right
    plot_height = height - top - bottom
    xs = tuple(left + (plot_width * i / (count - 1) if count > 1 else plot_width / 2) for i in range(count))

    def y_of(value: float) -> float:
        return top + plot_height * (1 - value / top_value)

    series = tuple(
        Series(key, tuple((xs[i], y_of(float(v))) for i, v in enumerate(vs) if v is not None))
        for key, vs in values.items()
    )
    return LineChart(
        width, height, left, top, right, bottom, series, xs, tuple(Tick(y_of(t), t) for t in ticks)
    )
