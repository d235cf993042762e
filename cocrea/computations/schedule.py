"""The month grid of a schedule (Gantt): which columns each bar and marker occupies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from cocrea.computations.months import Month, MonthParseError, MonthRange


@dataclass(frozen=True)
class GridMonth:
    month: Month
    column: int  # 0-based
    first_of_year: bool
    is_current: bool


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    kind: str  # "activity" or a meeting kind
    start_column: int | None  # None: not dated or entirely outside the grid
    end_column: int | None
    clipped_start: bool = False
    clipped_end: bool = False

    @property
    def span(self) -> int:
        if self.start_column is None or self.end_column is None:
            return 0
        return self.end_column - self.start_column + 1


@dataclass(frozen=True)
class Grid:
    months: tuple[GridMonth, ...]
    today_column: int | None
    today_fraction: float | None  # how far through the month today is (0–1)
    years: tuple[tuple[int, int], ...]  # (year, number of columns)

    @property
    def width(self) -> int:
        return len(self.months)

    def place(self, key: str, label: str, kind: str, dates: MonthRange | None) -> Bar:
        if dates is None or not self.months:
            return Bar(key, label, kind, None, None)
        first, last = self.months[0].month, self.months[-1].month
        if dates.end < first or dates.start > last:
            return Bar(key, label, kind, None, None)
        start = max(dates.start, first)
        end = min(dates.end, last)
        return Bar(
            key,
            label,
            kind,
            start - first,
            end - first,
            clipped_start=dates.start < first,
            clipped_end=dates.end > last,
        )


def build_grid(period: MonthRange, today: date | None = None, extra: Iterable[MonthRange] = ()) -> Grid:
    """Columns for every month of ``period``, widened to include ``extra`` ranges."""
    start, end = period.start, period.end
    for other in extra:
        start, end = min(start, other.start), max(end, other.end)
    current = _month_of(today)
    months = tuple(
        GridMonth(
            month=start + offset,
            column=offset,
            first_of_year=offset == 0 or (start + offset).month == 1,
            is_current=(start + offset) == current,
        )
        for offset in range((end - start) + 1)
    )
    today_column = None
    fraction = None
    if today and current and start <= current <= end:
        today_column = current - start
        days = (current.last_day() - current.first_day()).days + 1
        fraction = (today.day - 0.5) / days
    years: list[tuple[int, int]] = []
    for grid_month in months:
        if years and years[-1][0] == grid_month.month.year:
            years[-1] = (grid_month.month.year, years[-1][1] + 1)
        else:
            years.append((grid_month.month.year, 1))
    return Grid(months, today_column, fraction, tuple(years))


def _month_of(today: date | None) -> Month | None:
    """Today's month, or None when there is no today or it is outside the years a Month allows."""
    if today is None:
        return None
    try:
        return Month.from_date(today)
    except MonthParseError:
        return None
