"""The plan checker: the mistakes a planner should see before the auditors do.

:func:`check_plan` takes a :class:`~cocrea.computations.planparse.ParsedPlan` and returns
:class:`Finding` objects. Each has a severity (``error``, ``warning``, ``info``), a stable code,
the section (as numbered in the document), the item and the line, and parameters from which the
presentation layer writes a message in the reader's language (``cocrea.plans.findings``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from cocrea.computations.months import Month, MonthParseError, MonthRange
from cocrea.computations.planparse import (
    ACTIVITIES,
    EXPECTED_HEADINGS,
    RESOURCES,
    RESPONSIBILITIES,
    SCHEDULE,
    STRATEGIES,
    ParsedActivity,
    ParsedPlan,
)
from cocrea.computations.text import fold

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}

# How far back (in months) an activity may start before the one listed before it without being
# called out of sequence, when it still starts within the milestone's own span.
SEQUENCE_TOLERANCE_MONTHS = 6


@dataclass
class Finding:
    severity: str
    code: str
    section: str = ""
    item: str = ""
    line: int = 0
    params: dict[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[int, int, str]:
        return (self.line or 10**9, SEVERITY_ORDER[self.severity], self.code)


class _Where(TypedDict):
    section: str
    item: str
    line: int


def check_plan(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    for check in (
        _check_sections,
        _check_period,
        _check_activities_agree,
        _check_activity_dates,
        _check_activity_sequence,
        _check_numbering,
        _check_budget_lines,
        _check_budget_total,
        _check_budget_against_schedule,
        _check_schedule,
    ):
        findings.extend(check(plan))
    return sorted(findings, key=Finding.sort_key)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


# --------------------------------------------------------------------------------------------


def _check_sections(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    for kind in (STRATEGIES, RESPONSIBILITIES, ACTIVITIES):
        if kind not in plan.sections:
            findings.append(Finding(WARNING, "section.missing", params={"heading": EXPECTED_HEADINGS[kind]}))
    return findings


def _check_period(plan: ParsedPlan) -> list[Finding]:
    section = plan.section_numeral(SCHEDULE)
    if plan.period is None:
        code = "period.unreadable" if plan.period_text else "period.missing"
        return [
            Finding(
                ERROR,
                code,
                section=section,
                line=plan.period_line or plan.sections[SCHEDULE].line,
                params={"written": plan.period_text},
            )
        ]
    return []


def _check_activities_agree(plan: ParsedPlan) -> list[Finding]:
    if not plan.activity_list or not plan.activity_table:
        return []
    findings: list[Finding] = []
    listed, table = len(plan.activity_list), len(plan.activity_table)
    list_section = plan.section_numeral(ACTIVITIES)
    table_section = plan.section_numeral(RESPONSIBILITIES)
    if listed != table:
        findings.append(
            Finding(
                ERROR,
                "activities.count_mismatch",
                section=table_section,
                line=plan.sections[RESPONSIBILITIES].line,
                params={
                    "list_section": list_section,
                    "list_count": listed,
                    "table_section": table_section,
                    "table_count": table,
                },
            )
        )
    for activity in plan.activities:
        if not activity.list_title or not activity.table_title:
            continue
        if _comparable(activity.list_title) != _comparable(activity.table_title):
            findings.append(
                Finding(
                    WARNING,
                    "activities.title_mismatch",
                    section=table_section,
                    item=activity.key,
                    line=activity.table_line or 0,
                    params={
                        "letter": activity.letter or "",
                        "list_section": list_section,
                        "list_title": activity.list_title,
                        "table_title": activity.table_title,
                    },
                )
            )
    return findings


def _comparable(title: str) -> str:
    return fold(title).replace(" ", "")


def _check_activity_dates(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    section = plan.section_numeral(RESPONSIBILITIES) or plan.section_numeral(ACTIVITIES)
    for activity in plan.activities:
        where: _Where = {"section": section, "item": activity.key, "line": activity.line}
        if activity.table_line is not None and not activity.responsible:
            findings.append(Finding(WARNING, "activity.responsible_missing", **where))
        if activity.dates is None:
            if activity.date_text:
                findings.append(
                    Finding(
                        ERROR,
                        "activity.date_unreadable",
                        params={"written": activity.date_text},
                        **where,
                    )
                )
            else:
                findings.append(Finding(WARNING, "activity.date_missing", **where))
            continue
        if plan.period and (activity.dates.start < plan.period.start or activity.dates.end > plan.period.end):
            findings.append(
                Finding(
                    WARNING,
                    "activity.outside_period",
                    params={"written": activity.date_text, "period": plan.period},
                    **where,
                )
            )
    return findings


def _check_activity_sequence(plan: ParsedPlan) -> list[Finding]:
    """Flag an activity that starts before the one listed before it, beyond overlap.

    An overlap within the milestone's span is normal planning; a start before the milestone's
    first activity, or half a year before its predecessor, is more likely a typing mistake in the
    year, and the finding suggests the nearest year that puts the activity back in sequence.
    """
    findings: list[Finding] = []
    dated = [a for a in plan.activities if a.dates]
    if len(dated) < 2:
        return findings
    first = dated[0]
    section = plan.section_numeral(RESPONSIBILITIES) or plan.section_numeral(ACTIVITIES)
    for index in range(1, len(dated)):
        activity, previous = dated[index], dated[index - 1]
        assert activity.dates and previous.dates and first.dates
        start = activity.dates.start
        if start >= previous.dates.start:
            continue
        before_first = start < first.dates.start
        if not before_first and previous.dates.start - start < SEQUENCE_TOLERANCE_MONTHS:
            continue
        following = dated[index + 1] if index + 1 < len(dated) else None
        suggestion = _suggest_dates(activity, previous, following)
        findings.append(
            Finding(
                WARNING,
                "activity.out_of_sequence",
                section=section,
                item=activity.key,
                line=activity.line,
                params={
                    "written": activity.date_text,
                    "start": start,
                    "previous": previous.key,
                    "previous_start": previous.dates.start,
                    "first": first.key,
                    "first_start": first.dates.start,
                    "before_first": before_first,
                    "suggestion": suggestion,
                },
            )
        )
    return findings


def _suggest_dates(
    activity: ParsedActivity, previous: ParsedActivity, following: ParsedActivity | None
) -> MonthRange | None:
    assert activity.dates and previous.dates
    start, end = activity.dates.start, activity.dates.end
    candidates = []
    for shift in (1, -1, 2, -2):
        try:
            new_start = Month(start.year + shift, start.month)
            new_end = end if end >= new_start else Month(end.year + shift, end.month)
        except MonthParseError:  # the shifted year falls outside the years a Month allows
            continue
        if new_start < previous.dates.start:
            continue
        if following and following.dates and new_start > following.dates.start:
            continue
        candidates.append(MonthRange(new_start, new_end))
    return candidates[0] if candidates else None


def _check_numbering(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    tables = (
        (
            RESPONSIBILITIES,
            [int(row.number) for row in plan.activity_table],
            [row.line for row in plan.activity_table],
        ),
        (
            RESOURCES,
            [b.number or 0 for b in plan.budget_lines],
            [b.line for b in plan.budget_lines],
        ),
    )
    for kind, numbers, lines in tables:
        if not numbers:
            continue
        section = plan.section_numeral(kind)
        seen: Counter[int] = Counter()
        for expected, (number, line) in enumerate(zip(numbers, lines, strict=True), start=1):
            seen[number] += 1
            if seen[number] > 1:
                findings.append(Finding(WARNING, "numbering.duplicate", section, f"{number:02d}", line))
            elif number != expected and seen[number] == 1 and number not in numbers[: expected - 1]:
                findings.append(
                    Finding(
                        WARNING,
                        "numbering.gap",
                        section,
                        f"{number:02d}",
                        line,
                        params={"expected": f"{expected:02d}"},
                    )
                )
                break
    for kind, items in (
        (ACTIVITIES, plan.activity_list),
        ("specific_objectives", plan.specific_objectives),
        ("indicators", plan.indicators),
        (STRATEGIES, plan.strategies),
    ):
        keys = [item.key for item in items]
        if not keys or not all(k.isalpha() for k in keys):
            continue
        section = plan.section_numeral(kind)
        for expected_index, item in enumerate(items):
            letter = chr(ord("A") + expected_index)
            if item.key != letter:
                code = "numbering.duplicate" if keys.count(item.key) > 1 else "numbering.gap"
                findings.append(
                    Finding(WARNING, code, section, item.key, item.line, params={"expected": letter})
                )
                break
    return findings


def _check_budget_lines(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    section = plan.section_numeral(RESOURCES)
    for line in plan.budget_lines:
        where: _Where = {"section": section, "item": line.key, "line": line.line}
        if line.cost is None:
            findings.append(
                Finding(ERROR, "budget.cost_unreadable", params={"written": line.cost_text}, **where)
            )
            continue
        expected = line.terms.expected_cost
        if expected is not None and expected != line.cost:
            findings.append(
                Finding(
                    ERROR,
                    "budget.line_arithmetic",
                    params={
                        "quantity": line.terms.quantity or 1,
                        "unit_cost": line.terms.unit_cost,
                        "periods": line.terms.periods or 1,
                        "expected": expected,
                        "stated": line.cost,
                        "difference": line.cost - expected,
                    },
                    **where,
                )
            )
    return findings


def _check_budget_total(plan: ParsedPlan) -> list[Finding]:
    section = plan.section_numeral(RESOURCES)
    if plan.budget_total is None:
        code = "budget.total_unreadable" if plan.budget_total_text else "budget.total_missing"
        return [
            Finding(
                WARNING,
                code,
                section=section,
                line=plan.budget_total_line or plan.sections[RESOURCES].end_line,
                params={"written": plan.budget_total_text, "lines_total": plan.lines_total},
            )
        ]
    if any(line.cost is None for line in plan.budget_lines):
        return []  # the unreadable cost is the finding; a sum without it would mislead
    if plan.budget_total != plan.lines_total:
        return [
            Finding(
                ERROR,
                "budget.total_mismatch",
                section=section,
                item="Total",
                line=plan.budget_total_line,
                params={
                    "lines_total": plan.lines_total,
                    "stated": plan.budget_total,
                    "difference": plan.budget_total - plan.lines_total,
                },
            )
        ]
    return []


def _check_budget_against_schedule(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    section = plan.section_numeral(RESOURCES)
    meetings = [e for e in plan.events if e.kind in ("initial", "working", "final")]
    span = plan.milestone_span
    for line in plan.budget_lines:
        terms = line.terms
        if not terms.periods:
            continue
        where: _Where = {"section": section, "item": line.key, "line": line.line}
        if terms.period_kind == "occasions" and meetings and terms.periods != len(meetings):
            findings.append(
                Finding(
                    WARNING,
                    "budget.occasions_mismatch",
                    params={
                        "paid": terms.periods,
                        "unit": terms.period_unit,
                        "scheduled": len(meetings),
                    },
                    **where,
                )
            )
        if terms.period_kind == "months" and span and terms.periods != span.months:
            findings.append(
                Finding(
                    WARNING,
                    "budget.months_mismatch",
                    params={"paid": terms.periods, "scheduled": span.months, "span": span},
                    **where,
                )
            )
    return findings


def _check_schedule(plan: ParsedPlan) -> list[Finding]:
    findings: list[Finding] = []
    section = plan.section_numeral(SCHEDULE)
    if plan.period and plan.schedule_grid:
        grid = MonthRange(plan.schedule_grid[0], plan.schedule_grid[-1])
        if grid != plan.period:
            findings.append(
                Finding(
                    WARNING,
                    "schedule.grid_mismatch",
                    section=section,
                    line=plan.schedule_grid_line,
                    params={"grid": grid, "period": plan.period},
                )
            )
    previous: Month | None = None
    working_numbers: list[tuple[int, int]] = []
    for event in plan.events:
        where: _Where = {"section": section, "item": event.title, "line": event.line}
        if event.dates is None:
            code = "schedule.date_unreadable" if event.date_text else "schedule.date_missing"
            findings.append(Finding(WARNING, code, params={"written": event.date_text}, **where))
            continue
        if plan.period and (event.dates.start < plan.period.start or event.dates.end > plan.period.end):
            findings.append(
                Finding(
                    WARNING,
                    "schedule.outside_period",
                    params={"written": event.date_text, "period": plan.period},
                    **where,
                )
            )
        if previous and event.dates.start < previous:
            findings.append(
                Finding(WARNING, "schedule.out_of_order", params={"written": event.date_text}, **where)
            )
        previous = event.dates.start
        if event.kind == "working" and event.number is not None:
            working_numbers.append((event.number, event.line))
    for expected, (number, line) in enumerate(working_numbers, start=1):
        if number != expected:
            findings.append(
                Finding(
                    WARNING,
                    "schedule.meeting_numbering",
                    section=section,
                    item=f"{number:02d}",
                    line=line,
                    params={"expected": f"{expected:02d}"},
                )
            )
            break
    return findings


def totals(plan: ParsedPlan) -> dict[str, Decimal | None]:
    return {"lines_total": plan.lines_total, "stated_total": plan.budget_total}
