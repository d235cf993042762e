"""The dashboard's month-by-month and line-by-line parts (the S-curve's month labels and its table,
the budget by line), written in one pass each.

They write the same HTML the template loops wrote (their text, whitespace included), with the
same filters (``money``, ``month_name``, ``month_short``) called directly rather than through a
few template nodes a cell. Coordinates are written as the template wrote them (``str`` of the
number) and ``|add:n`` as ``int(value) + n``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe

from cocrea.plans.display import money, month_name, month_short

register = template.Library()


@register.simple_tag
def curve_month_labels(
    chart: Any, curve: Iterable[tuple[Any, Any, Any, Any]], label_every: int
) -> SafeString:
    """Every ``label_every``-th month's short name under the S-curve."""
    y = int(chart.plot_bottom) + 18
    parts = []
    for counter0, (month, _point, _actual, x) in enumerate(curve):
        label = (
            f'<text class="axis" x="{x}" y="{y}" text-anchor="middle">{escape(month_short(month))}</text>'
            if counter0 % label_every == 0
            else ""
        )
        parts.append(f"\n    {label}\n  ")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag
def curve_table_rows(curve: Iterable[tuple[Any, Any, Any, Any]]) -> SafeString:
    """The S-curve's table: PV each month, EV and AC up to the status date."""
    parts = []
    for month, point, actual, _x in curve:
        ev = escape(money(actual.ev)) if actual else "—"
        ac = escape(money(actual.ac)) if actual else "—"
        parts.append(
            f'\n      <tr><th scope="row">{escape(month_name(month))}</th>'
            f'<td class="num">{escape(money(point.pv))}</td><td class="num">{ev}</td>'
            f'<td class="num">{ac}</td></tr>\n    '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def budget_line_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """Each budget line: cost, planned to date, spent, remaining (flagged when overspent)."""
    parts = []
    for row in rows:
        line = row["line"]
        flagged = ' class="flagged"' if row["over"] else ""
        parts.append(
            f'\n    <tr{flagged}><th scope="row">{line.number:02d}</th><td>{escape(line.description)}</td>'
            f'<td class="num">{escape(money(line.stated_cost))}</td>'
            f'<td class="num">{escape(money(row["planned_to_date"]))}</td>'
            f'<td class="num">{escape(money(row["spent"]))}</td>'
            f'<td class="num">{escape(money(row["remaining"]))}</td></tr>\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
