"""Geometry of the server-rendered SVG Gantt chart: where each bar, meeting diamond, month column,
year band and today's marker sit, in user units (the SVG scales to its box).

Data in (the month grid of :mod:`cocrea.computations.schedule`, plain descriptions of activities
and meetings), numbers out; the schedule template draws them and repeats the same data as tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cocrea.computations.months import MonthRange
from cocrea.computations.schedule import Grid

LABEL_WIDTH = 340
MONTH_WIDTH = 34
ROW_HEIGHT = 24
HEADER_HEIGHT = 52
LABEL_CHARACTERS = 40
DIAMOND_RADIUS = 7


@dataclass(frozen=True)
class GanttActivity:
    code: str
    letter: str
    title: str
    planned: MonthRange | None
    responsible: str = ""
    percent: float = 0.0  # complete at the chart's day
    status: str = ""  # the status as worded for the reader
    baseline: MonthRange | None = None  # the approved baseline's months
    actual: MonthRange | None = None  # the months it actually ran


@dataclass(frozen=True)
class GanttMeeting:
    key: str
    kind: str
    title: str
    months: MonthRange | None


def short(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """The text cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def diamond(cx: float, cy: float, r: float) -> str:
    """The points of a diamond (a meeting's marker) around ``(cx, cy)``."""
    return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"


def _x(column: int | None) -> float:
    return LABEL_WIDTH + (column or 0) * MONTH_WIDTH + 2


def gantt_chart(
    grid: Grid,
    activities: Sequence[GanttActivity],
    meetings: Sequence[GanttMeeting],
    flagged: set[str],
    today: date,
) -> dict[str, Any]:
    """The chart: one row per activity (planned bar, progress fill, baseline and actual bars), a
    separator, one row per meeting (a diamond), the month columns, the year bands and today."""
    rows: list[dict[str, Any]] = []
    y: float = HEADER_HEIGHT
    for activity in activities:
        bar = grid.place(activity.code, activity.title, "activity", activity.planned)
        baseline = grid.place(activity.code, "", "baseline", activity.baseline)
        actual = grid.place(activity.code, "", "actual", activity.actual)
        width = bar.span * MONTH_WIDTH - 4
        rows.append(
            {
                "kind": "activity",
                "y": y,
                "code": activity.code,
                "letter": activity.letter,
                "label": activity.title,
                "short": short(activity.title),
                "dates": activity.planned,
                "responsible": activity.responsible,
                "flagged": activity.code in flagged,
                "x": _x(bar.start_column),
                "width": width,
                "placed": bar.start_column is not None,
                "percent": activity.percent,
                "status": activity.status,
                "fill_width": max(0.0, width * activity.percent / 100),
                "baseline_x": _x(baseline.start_column),
                "baseline_width": baseline.span * MONTH_WIDTH - 4,
                "has_baseline": baseline.start_column is not None,
                "actual_x": _x(actual.start_column),
                "actual_width": actual.span * MONTH_WIDTH - 4,
                "has_actual": actual.start_column is not None,
            }
        )
        y += ROW_HEIGHT
    separator_y = y
    y += ROW_HEIGHT
    for meeting in meetings:
        bar = grid.place(meeting.key, meeting.title, meeting.kind, meeting.months)
        center = LABEL_WIDTH + (bar.start_column or 0) * MONTH_WIDTH + MONTH_WIDTH / 2
        rows.append(
            {
                "kind": "meeting",
                "meeting_kind": meeting.kind,
                "y": y,
                "label": meeting.title,
                "short": short(meeting.title),
                "dates": meeting.months,
                "flagged": meeting.title in flagged,
                "cx": center,
                "cy": y + ROW_HEIGHT / 2,
                "diamond": diamond(center, y + ROW_HEIGHT / 2, DIAMOND_RADIUS),
                "placed": bar.start_column is not None,
            }
        )
        y += ROW_HEIGHT
    width = LABEL_WIDTH + grid.width * MONTH_WIDTH
    columns = [
        {
            "x": LABEL_WIDTH + m.column * MONTH_WIDTH,
            "center": LABEL_WIDTH + m.column * MONTH_WIDTH + MONTH_WIDTH / 2,
            "month": m.month,
            "first_of_year": m.first_of_year,
            "is_current": m.is_current,
        }
        for m in grid.months
    ]
    years = []
    x: float = LABEL_WIDTH
    for year, count in grid.years:
        years.append(
            {"year": year, "x": x, "center": x + count * MONTH_WIDTH / 2, "width": count * MONTH_WIDTH}
        )
        x += count * MONTH_WIDTH
    today_marker: dict[str, Any] | None = None
    if grid.today_column is not None:
        today_marker = {
            "x": LABEL_WIDTH + (grid.today_column + (grid.today_fraction or 0.0)) * MONTH_WIDTH,
            "position": "inside",
        }
    elif grid.months:
        after = today > grid.months[-1].month.last_day()
        today_marker = {
            "x": width - 1 if after else LABEL_WIDTH + 1,
            "position": "after" if after else "before",
        }
    return {
        "width": width,
        "height": y + 8,
        "label_width": LABEL_WIDTH,
        "timeline_width": grid.width * MONTH_WIDTH,  # the months' part, right of the labels
        "month_width": MONTH_WIDTH,
        "row_height": ROW_HEIGHT,
        "header_height": HEADER_HEIGHT,
        "rows": rows,
        "separator_y": separator_y,
        "columns": columns,
        "years": years,
        "today": today_marker,
    }
