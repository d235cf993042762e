"""The plan tracker's repeated parts (each commitment's table with its milestone rows, the chart's
bars), written in one pass each.

As template loops these took most of the page's time on a national plan (192 milestone rows at
~0.3 ms each: a dozen tags and filters a row, each date formatted and each phrase looked up
again). These tags write the same HTML the loops wrote (their text, whitespace included), with
each date and each list of institutions formatted once a page and the interface's words looked up
once a call; the msgids are the loops'. Text is escaped as the template escaped it; coordinates
are written as the template wrote them (``str`` of the number: the SVG wants a point in every
language), ``|add:n`` as ``int(value) + n``, ``|floatformat`` and ``|truncatechars`` by Django's
own filters.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from django import template
from django.template.defaultfilters import floatformat, truncatechars
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.plans.tracker_figures import milestone_url, url_place

register = template.Library()


def escape(value: Any) -> str:
    """``{{ value }}`` of a value that is not already safe HTML: what Django's ``escape`` writes
    (``html.escape`` of its text), without its checks for lazy and safe strings (~14,000 a page)."""
    return html.escape(str(value))


def _once(context: template.Context, name: str, format_value: Callable[[Any], str]) -> Callable[[Any], str]:
    """``format_value`` remembered for the values it meets while this page renders."""
    seen: dict[Any, str] = context.render_context.setdefault(f"plans_tracker_{name}", {})

    def formatted(value: Any) -> str:
        if value not in seen:
            seen[value] = format_value(value)
        return seen[value]

    return formatted


def _title(value: str) -> str:
    """``{{ value|truncatechars:140 }}``: a title of 140 characters or fewer is only normalised
    (NFC), as the filter does before counting."""
    text = unicodedata.normalize("NFC", value)
    return text if len(text) <= 140 else truncatechars(value, 140)


def _percent(value: float) -> str:
    """``{{ value|floatformat:"-2" }} %``."""
    return f"{floatformat(value, '-2')} %"


def _short_date(value: date | None) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT"|default:"—" }}``, escaped."""
    return escape(date_format(value, "SHORT_DATE_FORMAT")) if value else "—"


def _long_date(value: date | None) -> str:
    """``{{ value|date:"DATE_FORMAT"|default:"—" }}``, escaped."""
    return escape(date_format(value, "DATE_FORMAT")) if value else "—"


def _institutions(organizations: tuple[Any, ...]) -> str:
    """Each institution's short name with its full name; "—" for none."""
    if not organizations:
        return "—"
    return ", ".join(f'<abbr title="{escape(o.name)}">{escape(o.short_name)}</abbr>' for o in organizations)


class _Rows:
    """The words and formats the commitments' tables repeat, looked up once a page."""

    def __init__(self, context: template.Context) -> None:
        self.day = _once(context, "days", _short_date)
        self.long_day = _once(context, "long_days", _long_date)
        self.names = _once(context, "institutions", _institutions)
        self.percent = _once(context, "percents", _percent)
        # Each word looked up outside the f-strings, where makemessages finds it.
        detailed, overdue = escape(_("plan de trabajo detallado")), escape(_("Vencido"))
        cancelled, unreported = escape(_("Cancelado")), escape(_("sin reportes"))
        self.detailed = f' <span class="muted">({detailed})</span>'
        self.overdue = f' <span class="badge badge-error">{overdue}</span>'
        self.cancelled = f' <span class="badge badge-info">{cancelled}</span>'
        self.unreported = f'<span class="muted">{unreported}</span>'
        self.milestone_name = _("Hito %(number)s")
        self.place = url_place()
        self.commitment_name = _("Compromiso %(number)s")
        self.progress = escape(_("Avance"))
        self.updated = escape(_("Última actualización"))
        self.institutions = escape(_("Instituciones"))
        milestone, end, level = escape(_("Hito")), escape(_("Fin")), escape(_("Nivel"))
        self.head = (
            "    <thead><tr>\n"
            f'      <th scope="col">{milestone}</th>\n'
            f'      <th scope="col">{self.institutions}</th>\n'
            f'      <th scope="col">{end}</th>\n'
            f'      <th scope="col" class="num">{self.progress}</th>\n'
            f'      <th scope="col">{level}</th>\n'
            f'      <th scope="col">{self.updated}</th>\n'
            "    </tr></thead>\n"
        )
        empty = escape(_("Este compromiso no tiene hitos todavía."))
        self.no_milestones = f'\n      <tr><td colspan="6">{empty}</td></tr>\n    '

    def table(self, item: dict[str, Any]) -> str:
        """One commitment's table: its caption (completion, level, overdue milestones, last update,
        institutions) and its milestones' rows."""
        commitment, row = item["commitment"], item["row"]
        pk = commitment.pk
        ogp_id = f" ({escape(commitment.ogp_id)})" if commitment.ogp_id else ""
        completion = f"{floatformat(row.completion, '-2')} %" if row.completion is not None else "—"
        overdue = ""
        if row.overdue:
            overdue = " · " + ngettext("%(count)s hito vencido", "%(count)s hitos vencidos", row.overdue) % {
                "count": row.overdue
            }
        institutions = ""
        if item["institutions"]:
            names = ", ".join(escape(o.short_name) for o in item["institutions"])
            institutions = f" · {self.institutions}: {names}"
        body = "".join(self.row(entry) for entry in item["milestones"]) or self.no_milestones
        return (
            "\n  "
            f'\n  <div class="table-scroll" role="region" aria-labelledby="c{pk}-caption" tabindex="0">\n'
            '  <table class="data tracker-table">\n'
            f'    <caption id="c{pk}-caption"><a href="{escape(commitment.get_absolute_url())}">'
            f"{self.commitment_name % {'number': escape(commitment.number)}}</a>{ogp_id}: "
            f"{escape(commitment.title)}\n"
            f'      <span class="caption-facts">{self.progress}: {completion} ({escape(item["level_label"])})'
            f"{overdue} · {self.updated}: {self.long_day(row.last_update)}{institutions}</span>\n"
            "    </caption>\n"
            f"{self.head}"
            "    <tbody>\n"
            f"    {body}\n"
            "    </tbody>\n"
            "  </table>\n"
            "  </div>\n"
            "  \n"
            "  "
        )

    def row(self, entry: dict[str, Any]) -> str:
        """One milestone's row."""
        milestone, row = entry["milestone"], entry["row"]
        completion = row.milestone.completion
        return (
            "\n      <tr>\n"
            f'        <th scope="row"><a href="{escape(milestone_url(milestone, self.place))}">'
            f"{self.milestone_name % {'number': escape(milestone.number)}}</a>: "
            f"{escape(_title(milestone.title))}"
            f"{self.detailed if milestone.has_work_plan else ''}</th>\n"
            f"        <td>{self.names(tuple(entry['institutions']))}</td>\n"
            f"        <td>{self.day(milestone.end_day)}{self.overdue if row.overdue else ''}</td>\n"
            '        <td class="num">'
            f"{self.unreported if completion is None else self.percent(completion)}</td>\n"
            f'        <td><span class="level-swatch level-{escape(row.level)}" aria-hidden="true"></span> '
            f"{escape(entry['level_label'])}{self.cancelled if row.cancelled else ''}</td>\n"
            f"        <td>{self.day(row.milestone.last_update)}</td>\n"
            "      </tr>\n"
            "    "
        )


@register.simple_tag(takes_context=True)
def tracker_commitment_tables(context: template.Context, rows: list[dict[str, Any]]) -> SafeString:
    """Each commitment's table (``rows``, from ``tracker_views._view_model``): the loop over
    ``rows`` it replaces wrote these."""
    tables = _Rows(context)
    return mark_safe("".join(tables.table(item) for item in rows))  # noqa: S308 - all escaped above


def _add(value: Any, number: int) -> int:
    """What ``{{ value|add:number }}`` writes for a number."""
    return int(value) + number


@register.simple_tag
def tracker_chart_bars(chart: Any, bars: list[dict[str, Any]]) -> SafeString:
    """The chart's bars, one a commitment, its milestones stacked by level (``chart`` is
    :class:`cocrea.computations.plantracker.StackedChart`)."""
    label_x, completion_x, height = _add(chart.left, -6), _add(chart.plot_right, 4), chart.bar_height
    parts = []
    for item in bars:
        bar = item["bar"]
        label = escape(bar.label)
        y = bar.y
        segments = "".join(
            f'<rect class="level-{escape(segment.level)}" x="{segment.x}" y="{y}" width="{segment.width}" '
            f'height="{height}"><title>{label}, {escape(level)}: {segment.count}</title></rect>'
            for segment, level in item["segments"]
        )
        completion = f"{floatformat(bar.completion, '0')} %" if bar.completion is not None else "—"
        parts.append(
            "\n    <g>\n"
            f'      <text class="axis" x="{label_x}" y="{_add(y, 13)}" text-anchor="end">{label}</text>\n'
            f"      {segments}\n"
            f'      <text class="axis" x="{completion_x}" y="{_add(y, 13)}">{completion}</text>\n'
            "    </g>\n"
            "    "
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped or a number
