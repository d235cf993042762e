"""The schedule's repeated parts (the Gantt chart's rows, month columns and year bands, the phone
list, the tables of activities and meetings), written in one pass each.

As template loops these took most of the page's time: a dozen tags and filters a row, each number
localised and each month's name formatted again wherever it appeared. These tags write the same
HTML the loops wrote (their text, whitespace included), with each month's label formatted once a
call and the interface's words looked up once a call; the msgids are the loops'. Coordinates are
written as the template wrote them (``str`` of the number: the SVG wants a point in every
language), ``|add:n`` as ``int(value) + n`` and ``|floatformat`` by Django's own filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cocrea.plans.display import month as month_filter
from cocrea.plans.display import month_initial, month_name
from cocrea.plans.display import month_range as month_range_filter

register = template.Library()


def _once(context: template.Context, format_value: Callable[[Any], str]) -> Callable[[Any], str]:
    """``format_value`` remembered for the values it meets while this page renders (the same
    months are written on every row, in the chart, the phone list and the tables)."""
    memos = context.render_context.setdefault("plans_schedule_labels", {})
    seen: dict[Any, str] = memos.setdefault(format_value, {})

    def formatted(value: Any) -> str:
        if value not in seen:
            seen[value] = format_value(value)
        return seen[value]

    return formatted


_STAND_IN = 987654321


def _add(value: Any, number: int) -> int:
    """What ``{{ value|add:number }}`` writes for a number."""
    return int(value) + number


@register.simple_tag(takes_context=True)
def gantt_phone_rows(context: template.Context, chart: dict[str, Any]) -> SafeString:
    """The phone list's activities (the loop over ``chart.rows`` it replaces wrote these)."""
    dates = _once(context, month_range_filter)
    label_width, timeline_width, today = chart["label_width"], chart["timeline_width"], chart["today"]
    today_rect = (
        f'<rect class="phone-today" x="{_add(today["x"], -2)}" y="0" width="4" height="12"></rect>'
        if today
        else ""
    )
    parts = []
    for row in chart["rows"]:
        if row["kind"] != "activity":
            continue
        code = escape(row["code"])
        status = f" · {escape(row['status'])}, {floatformat(row['percent'], 0)} %" if row["status"] else ""
        bar = ""
        if row["placed"]:
            bar = f'<rect class="phone-bar" x="{row["x"]}" y="1" width="{row["width"]}" height="10"></rect>'
            if row["percent"]:
                bar += (
                    f'<rect class="phone-fill" x="{row["x"]}" y="1" '
                    f'width="{floatformat(row["fill_width"], 1)}" height="10"></rect>'
                )
        actual = (
            f'<rect class="phone-actual" x="{row["actual_x"]}" y="10" width="{row["actual_width"]}" '
            'height="2"></rect>'
            if row["has_actual"]
            else ""
        )
        parts.append(
            f'\n  <li class="{"flagged" if row["flagged"] else ""}" data-code="{code}">\n'
            f'    <span class="gantt-phone-label"><span class="code">{code}</span> '
            f"{escape(row['label'])}</span>\n"
            f'    <span class="gantt-phone-dates">{escape(dates(row["dates"]))}{status}</span>\n'
            f'    <svg class="gantt-phone-bar" viewBox="{label_width} 0 {timeline_width} 12" '
            'preserveAspectRatio="none" aria-hidden="true" focusable="false">\n'
            f'      <rect class="phone-track" x="{label_width}" y="0" width="{timeline_width}" '
            'height="12"></rect>\n'
            f"      {bar}\n"
            f"      {actual}\n"
            f"      {today_rect}\n"
            "    </svg>\n"
            "  </li>\n"
            "  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag(takes_context=True)
def gantt_phone_meetings(context: template.Context, chart: dict[str, Any]) -> SafeString:
    """The phone list's meeting marks, one a meeting placed on the timeline."""
    return mark_safe(  # noqa: S308 - numbers only
        "".join(
            f'<rect class="phone-meeting" x="{_add(row["cx"], -6)}" y="1" width="12" height="10"></rect>'
            for row in chart["rows"]
            if row["kind"] == "meeting" and row["placed"]
        )
    )


@register.simple_tag(takes_context=True)
def gantt_grid(context: template.Context, chart: dict[str, Any]) -> SafeString:
    """The chart's year bands and month columns."""
    parts = []
    for year in chart["years"]:
        parts.append(
            "\n"
            f'      <rect class="year-band" x="{year["x"]}" y="0" width="{year["width"]}" '
            'height="24"></rect>\n'
            f'      <text class="year" x="{year["center"]}" y="16" '
            f'text-anchor="middle">{year["year"]}</text>\n'
            "    "
        )
    parts.append("\n    ")
    name, initial = _once(context, month_name), _once(context, month_initial)
    month_width, height = chart["month_width"], chart["height"]
    column_height = _add(height, -24)
    for counter, column in enumerate(chart["columns"], start=1):
        month = column["month"]
        classes = (
            "month-col" + (" even" if counter % 2 == 0 else "") + (" current" if column["is_current"] else "")
        )
        line = (
            f'<line class="year-line" x1="{column["x"]}" x2="{column["x"]}" y1="0" y2="{height}"></line>'
            if column["first_of_year"]
            else ""
        )
        parts.append(
            "\n"
            f'      <rect class="{classes}" x="{column["x"]}" y="24" width="{month_width}" '
            f'height="{column_height}"></rect>\n'
            f'      <text class="month" x="{column["center"]}" y="42" text-anchor="middle"><title>'
            f"{escape(name(month))}</title>{escape(initial(month))}</text>\n"
            f"      {line}\n"
            "    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag(takes_context=True)
def gantt_rows(context: template.Context, chart: dict[str, Any]) -> SafeString:
    """The chart's rows: each activity (planned bar, progress, baseline, actual dates), each meeting."""
    dates = _once(context, month_range_filter)
    parts = []
    for row in chart["rows"]:
        y = row["y"]
        label_y = _add(y, 16)
        if row["kind"] == "activity":
            code = escape(row["code"])
            title = f"{code}. {escape(row['label'])} — {escape(dates(row['dates']))}"
            if row["responsible"]:
                title += f" — {escape(row['responsible'])}"
            if row["status"]:
                title += f" — {escape(row['status'])}, {floatformat(row['percent'], 0)} %"
            baseline = (
                f'<rect class="baseline-bar" x="{row["baseline_x"]}" y="{_add(y, 2)}" '
                f'width="{row["baseline_width"]}" height="3"></rect>'
                if row["has_baseline"]
                else ""
            )
            bar = ""
            if row["placed"]:
                bar = (
                    f'<rect class="bar" x="{row["x"]}" y="{_add(y, 6)}" width="{row["width"]}" '
                    'height="12" rx="3"></rect>'
                )
                if row["percent"]:
                    bar += (
                        f'<rect class="progress-fill" x="{row["x"]}" y="{_add(y, 6)}" '
                        f'width="{floatformat(row["fill_width"], 1)}" height="12" rx="3"></rect>'
                    )
            actual = (
                f'<rect class="actual-bar" x="{row["actual_x"]}" y="{_add(y, 19)}" '
                f'width="{row["actual_width"]}" height="3"></rect>'
                if row["has_actual"]
                else ""
            )
            parts.append(
                "\n    \n"
                f'    <g class="row activity{" flagged" if row["flagged"] else ""}" data-kind="activity" '
                f'data-code="{code}">\n'
                f"      <title>{title}</title>\n"
                f'      <text class="label" x="6" y="{label_y}"><tspan class="code">{code}</tspan> '
                f"{escape(row['short'])}</text>\n"
                f"      {baseline}\n"
                f"      {bar}\n"
                f"      {actual}\n"
                "    </g>\n"
                "    \n  "
            )
        else:
            diamond = (
                f'<polygon class="diamond" points="{row["diamond"]}"></polygon>' if row["placed"] else ""
            )
            parts.append(
                "\n    \n"
                f'    <g class="row meeting kind-{escape(row["meeting_kind"])}'
                f'{" flagged" if row["flagged"] else ""}" data-kind="meeting">\n'
                f"      <title>{escape(row['label'])} — {escape(dates(row['dates']))}</title>\n"
                f'      <text class="label" x="6" y="{label_y}">{escape(row["short"])}</text>\n'
                f"      {diamond}\n"
                "    </g>\n"
                "    \n  "
            )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag(takes_context=True)
def schedule_activity_rows(context: template.Context, activities: Iterable[Any]) -> SafeString:
    """The activities' table: planned months, state and progress at the chart's day."""
    month = _once(context, month_filter)
    no_reports = escape(_("Sin reportes"))
    parts = []
    for activity in activities:
        planned = activity.planned
        state = activity.state
        parts.append(
            "\n    <tr>\n"
            f'      <th scope="row">{escape(activity.code)}</th>\n'
            f"      <td>{escape(activity.title)}</td>\n"
            f"      <td>{escape(activity.responsible_text or '—')}</td>\n"
            f"      <td>{escape(month(activity.planned_start))}</td>\n"
            f"      <td>{escape(month(activity.planned_end))}</td>\n"
            f'      <td class="num">{planned.months if planned else "—"}</td>\n'
            f"      <td>{escape(state.get_status_display()) if state else no_reports}</td>\n"
            f'      <td class="num">{f"{floatformat(state.percent_complete, 0)} %" if state else "—"}</td>\n'
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number


@register.simple_tag(takes_context=True)
def schedule_meeting_rows(context: template.Context, meetings: Iterable[Any]) -> SafeString:
    """The meetings' table, with each meeting's page and calendar file."""
    month = _once(context, month_filter)
    add = escape(_("Añadir al calendario (.ics)"))
    parts = []
    # Each meeting's two addresses from one reversed with a stand-in key (``<int:meeting>`` in both).
    page_url = reverse("participation:meeting", args=[_STAND_IN]).split(str(_STAND_IN))
    ics_url = reverse("participation:meeting_ics", kwargs={"meeting": _STAND_IN}).split(str(_STAND_IN))
    for meeting in meetings:
        title = escape(meeting.title)
        page = str(meeting.pk).join(page_url)
        ics = str(meeting.pk).join(ics_url)
        parts.append(
            "\n    "
            f'<tr><th scope="row">{meeting.position}</th><td><a href="{escape(page)}">{title}</a></td>'
            f"<td>{escape(meeting.get_kind_display())}</td><td>{escape(month(meeting.planned_month))}</td>"
            f'<td><a href="{escape(ics)}" type="text/calendar" download>{add}'
            f'<span class="visually-hidden">: {title}</span></a></td></tr>\n  '
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
