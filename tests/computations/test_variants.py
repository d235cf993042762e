"""Other spellings of the seed plan give the same figures; wrong figures give the right findings."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from cocrea.computations.months import Month, MonthRange
from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import ParsedPlan, parse_plan
from tests.computations import variants as v

Variant = Callable[[str], str]

SAME_PLAN: dict[str, Variant] = {
    "crlf": v.crlf,
    "cr-only": lambda text: text.replace("\n", "\r"),
    "nbsp": v.non_breaking_spaces,
    "unpadded numbers": v.unpadded_numbers,
    "money Q space": lambda text: v.money_prefix(text, "Q "),
    "money Q glued": lambda text: v.money_prefix(text, "Q"),
    "money GTQ": lambda text: v.money_prefix(text, "GTQ "),
    "rows joined": v.join_rows,
    "title split with tab": lambda text: v.split_row_title(text, 3),
    "title split without tab": lambda text: v.split_row_title(text, 3, leading_tab=False),
    "title split, blank line, tab": lambda text: v.split_row_title(text, 10, blank=True),
    "title split, blank line, no tab": lambda text: v.split_row_title(
        v.join_rows(text), 8, leading_tab=False, blank=True
    ),
    "two titles split": lambda text: v.split_row_title(v.split_row_title(text, 13), 1),
    "budget description split": lambda text: v.split_row_title(text, 2, word="RECURSOS"),
    "budget description split, no tab": lambda text: v.split_row_title(
        text, 1, leading_tab=False, blank=True, word="RECURSOS"
    ),
    "schedule rows without leading tab": v.strip_leading_tabs,
    "schedule header without leading tab": lambda text: v.strip_leading_tabs(text, header_too=True),
    "headings in mixed case": v.mixed_case_headings,
    "list items without dashes": v.undashed_items,
    "mixed-case headings, undashed items": lambda text: v.mixed_case_headings(v.undashed_items(text)),
    "form feeds (page breaks)": v.form_feeds,
    "trailing spaces and tabs": v.trailing_blanks,
    "spaces around cells": v.spaced_cells,
    "months in other cases": lambda text: text.replace("Abril 2019", "abril 2019").replace(
        "Mayo 2019", "MAYO DE 2019"
    ),
    "total general": lambda text: text.replace("\tTotal:\t", "\tTotal general\t"),
    "TOTAL without tab": lambda text: text.replace("\tTotal:\t", "TOTAL\t\t"),
    "title continuation starting with a number": lambda text: text.replace(
        "del Borrador 1 de la Estrategia Nacional de Innovación en la Gestión Pública.\tINAP/GPAT\t"
        "Septiembre 2019",
        "del Borrador\tINAP/GPAT\tSeptiembre 2019\n1 de la Estrategia Nacional de Innovación en la "
        "Gestión Pública.",
    ),
    "schedule rows sub-numbered": v.sub_numbered_schedule_rows,
    "schedule dated by marks": lambda text: v.dates_as_marks(text, Month(2018, 11)),
    "schedule dated by marks, no leading tabs": lambda text: v.strip_leading_tabs(
        v.dates_as_marks(text, Month(2018, 11), mark="x")
    ),
    "months abbreviated": v.abbreviate_months,
    "months spelled out": v.spell_out_months,
    "month spellings swapped": v.swap_month_spellings,
    "everything at once": lambda text: v.crlf(
        v.non_breaking_spaces(
            v.money_prefix(
                v.unpadded_numbers(
                    v.strip_leading_tabs(
                        v.swap_month_spellings(
                            v.split_row_title(v.join_rows(text), 5, leading_tab=False, blank=True)
                        )
                    )
                ),
                "Q ",
            )
        )
    ),
}


@pytest.mark.parametrize("variant", SAME_PLAN.values(), ids=SAME_PLAN.keys())
def test_variant_gives_the_seed_figures(variant: Variant, seed_text: str, seed_plan: ParsedPlan) -> None:
    text = variant(seed_text)
    assert text != seed_text, "the variant must change the text"
    plan = parse_plan(text.encode("utf-8"))
    assert v.figures(plan) == v.figures(seed_plan)
    # And the figures are the seed's, not merely equal to a wrong reading of it.
    assert len(plan.activities) == 13
    assert len(plan.events) == 17
    assert plan.budget_total == Decimal("570075.00")
    assert [b.cost for b in plan.budget_lines] == [
        Decimal("544000.00"),
        Decimal("16575.00"),
        Decimal("9500.00"),
    ]


def test_mixed_case_headings_keep_their_titles(seed_text: str) -> None:
    plan = parse_plan(v.mixed_case_headings(v.undashed_items(seed_text)))
    assert plan.sections["activities"].title == "Actividades"
    assert [i.key for i in plan.activity_list] == list("ABCDEFGHIJKLM")
    assert plan.activity_list[8].text.startswith("Presentación de la Estrategia")  # "I. Presentación…"


def test_marks_give_the_month_of_their_column(seed_text: str) -> None:
    plan = parse_plan(v.dates_as_marks(seed_text, Month(2018, 11)))
    assert [e.date_text for e in plan.events][:2] == ["Abril 2019", "Mayo 2019"]
    assert plan.events[-1].dates == MonthRange(Month(2020, 8), Month(2020, 8))


def test_row_joined_keeps_its_line_and_moves_the_rest(seed_text: str) -> None:
    plan = parse_plan(v.join_rows(seed_text))
    lines = [a.table_line for a in plan.activities]
    # Row 08 took two more lines (a blank one and its continuation): rows below move up by two.
    assert lines[:8] == [57, 58, 59, 60, 61, 62, 63, 64]
    assert lines[8:] == [65, 66, 67, 68, 69]
    (finding,) = check_plan(plan)
    assert (finding.code, finding.item, finding.line) == ("activity.out_of_sequence", "12", 68)


def test_split_title_keeps_the_row_line(seed_text: str) -> None:
    plan = parse_plan(v.split_row_title(seed_text, 3, leading_tab=False, blank=True))
    assert plan.activities[2].table_line == 59
    assert plan.activities[3].table_line == 62


def test_truncated_utf8_character_does_not_turn_the_file_into_windows_1252(
    seed_bytes: bytes, seed_plan: ParsedPlan
) -> None:
    # Cut inside the two bytes of the final "ó" of a line added at the end.
    data = seed_bytes + "\nReunión".encode()
    cut = data[: data.rindex("ó".encode()) + 1]
    for data in (cut, b"\xef\xbb\xbf" + cut):
        plan = parse_plan(data)
        assert plan.activities == seed_plan.activities  # "Elaboración" stays "Elaboración"
        assert [e.title for e in plan.events[-2:]] == ["Reunión de Final", "Reuni\ufffd"]


def test_text_with_lone_surrogate_is_read(seed_text: str) -> None:
    plan = parse_plan(seed_text + "\ud800")
    assert len(plan.events) == 17


# --------------------------------------------------------------------------------------------
# Wrong figures: each gives its finding, on the right line


def _findings(text: str) -> list[Finding]:
    return check_plan(parse_plan(text))


def _only(findings: list[Finding], code: str) -> Finding:
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, findings
    return matching[0]


def _codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def test_budget_line_arithmetic(seed_text: str) -> None:
    line = v.line_of(seed_text, "Q.544,000.00")
    findings = _findings(v.replace_in_line(seed_text, line, "Q.544,000.00", "Q.545,000.00"))
    finding = _only(findings, "budget.line_arithmetic")
    assert (finding.severity, finding.section, finding.item, finding.line) == ("error", "VII", "01", 76)
    assert finding.params["quantity"] == 2
    assert finding.params["unit_cost"] == Decimal("16000.00")
    assert finding.params["periods"] == 17
    assert finding.params["expected"] == Decimal("544000.00")
    assert finding.params["stated"] == Decimal("545000.00")
    assert finding.params["difference"] == Decimal("1000.00")
    # The total no longer adds up either; nothing else is wrong.
    assert _codes(findings) == {"budget.line_arithmetic", "budget.total_mismatch", "activity.out_of_sequence"}


def test_budget_line_arithmetic_in_unit_cost(seed_text: str) -> None:
    line = v.line_of(seed_text, "Q.16,000.00 mensuales")
    findings = _findings(v.replace_in_line(seed_text, line, "Q.16,000.00", "Q.15,000.00"))
    finding = _only(findings, "budget.line_arithmetic")
    assert (finding.item, finding.line) == ("01", line)
    assert finding.params["expected"] == Decimal("510000.00")
    assert "budget.total_mismatch" not in _codes(findings)


def test_budget_total_mismatch(seed_text: str) -> None:
    line = v.line_of(seed_text, "Total:")
    findings = _findings(v.replace_in_line(seed_text, line, "Q.570,075.00", "Q.570,000.00"))
    finding = _only(findings, "budget.total_mismatch")
    assert (finding.severity, finding.section, finding.item, finding.line) == ("error", "VII", "Total", 79)
    assert finding.params["lines_total"] == Decimal("570075.00")
    assert finding.params["stated"] == Decimal("570000.00")
    assert finding.params["difference"] == Decimal("-75.00")
    assert _codes(findings) == {"budget.total_mismatch", "activity.out_of_sequence"}


def test_budget_total_missing(seed_text: str) -> None:
    line = v.line_of(seed_text, "Total:")
    lines = seed_text.split("\n")
    del lines[line - 1]
    finding = _only(_findings("\n".join(lines)), "budget.total_missing")
    assert finding.severity == "warning"
    assert finding.params["lines_total"] == Decimal("570075.00")


def test_activities_count_mismatch(seed_text: str) -> None:
    line = v.line_of(seed_text, "- M. ")
    lines = seed_text.split("\n")
    del lines[line - 1]
    findings = _findings("\n".join(lines))
    finding = _only(findings, "activities.count_mismatch")
    assert (finding.severity, finding.section) == ("error", "VI")
    assert finding.line == 53  # the heading of VI, one line up now
    assert finding.params["list_count"] == 12
    assert finding.params["table_count"] == 13
    assert finding.params["list_section"] == "IV"


def test_activities_title_mismatch(seed_text: str) -> None:
    line = v.line_of(seed_text, "05\tDeterminación")
    findings = _findings(v.replace_in_line(seed_text, line, "Procesos y Fases", "Procesos"))
    finding = _only(findings, "activities.title_mismatch")
    assert (finding.severity, finding.section, finding.item, finding.line) == ("warning", "VI", "05", 61)
    assert finding.params["letter"] == "E"
    assert "Procesos y Fases" in finding.params["list_title"]
    assert "Procesos y Fases" not in finding.params["table_title"]


def test_title_differing_only_in_accents_case_and_spacing_agrees(seed_text: str) -> None:
    line = v.line_of(seed_text, "05\tDeterminación")
    text = v.replace_in_line(
        seed_text, line, "Determinación de los Procesos", "DETERMINACION  de los procesos"
    )
    assert "activities.title_mismatch" not in _codes(_findings(text))


def test_budget_occasions_mismatch(seed_text: str) -> None:
    line = v.line_of(seed_text, "17 ocasiones")
    findings = _findings(v.replace_in_line(seed_text, line, "17 ocasiones", "16 ocasiones"))
    finding = _only(findings, "budget.occasions_mismatch")
    assert (finding.severity, finding.section, finding.item, finding.line) == ("warning", "VII", "02", 77)
    assert finding.params == {"paid": 16, "unit": "ocasiones", "scheduled": 17}


def test_budget_months_mismatch(seed_text: str) -> None:
    line = v.line_of(seed_text, "durante 17 meses")
    text = v.replace_in_line(seed_text, line, "durante 17 meses", "durante 18 meses")
    text = v.replace_in_line(text, line, "Q.544,000.00", "Q.576,000.00")
    text = v.replace_in_line(text, line + 3, "Q.570,075.00", "Q.602,075.00")
    findings = _findings(text)
    finding = _only(findings, "budget.months_mismatch")
    assert (finding.item, finding.line) == ("01", 76)
    assert finding.params["paid"] == 18 and finding.params["scheduled"] == 17
    assert _codes(findings) == {"budget.months_mismatch", "activity.out_of_sequence"}


@pytest.mark.parametrize(
    ("needle", "old", "new", "item", "line"),
    [
        ("13\tPresentación", "Agosto 2020", "Septiembre 2020", "13", 71),
        ("01\tElaboración", "Abril 2019", "Octubre 2018", "01", 57),
    ],
)
def test_activity_outside_period(
    seed_text: str, needle: str, old: str, new: str, item: str, line: int
) -> None:
    text = v.replace_in_line(seed_text, v.line_of(seed_text, needle), old, new)
    finding = _only(_findings(text), "activity.outside_period")
    assert (finding.severity, finding.section, finding.item, finding.line) == ("warning", "VI", item, line)
    assert finding.params["written"] == new
    assert finding.params["period"] == MonthRange(Month(2018, 11), Month(2020, 8))


def test_corrected_activity_12_clears_the_only_finding(seed_text: str) -> None:
    line = v.line_of(seed_text, "Marzo 2019- Julio 2020")
    assert _findings(v.replace_in_line(seed_text, line, "Marzo 2019", "Marzo 2020")) == []


def test_activity_date_unreadable_and_missing(seed_text: str) -> None:
    text = v.replace_in_line(seed_text, 58, "Mayo 2019", "Mayo del año próximo")
    text = v.replace_in_line(text, 59, "\tJunio 2019", "\t")
    findings = _findings(text)
    unreadable = _only(findings, "activity.date_unreadable")
    assert (unreadable.severity, unreadable.item, unreadable.line) == ("error", "02", 58)
    assert unreadable.params["written"] == "Mayo del año próximo"
    missing = _only(findings, "activity.date_missing")
    assert (missing.item, missing.line) == ("03", 59)


def test_activity_responsible_missing(seed_text: str) -> None:
    text = v.replace_in_line(seed_text, 60, "\tINAP/GPAT\t", "\t\t")
    finding = _only(_findings(text), "activity.responsible_missing")
    assert (finding.item, finding.line) == ("04", 60)


def test_period_unreadable(seed_text: str) -> None:
    line = v.line_of(seed_text, "Noviembre 2018-Agosto 2020")
    text = v.replace_in_line(seed_text, line, "Noviembre 2018-Agosto 2020", "Dos años")
    finding = _only(_findings(text), "period.unreadable")
    assert (finding.severity, finding.section, finding.line) == ("error", "VIII", line)


def test_schedule_meeting_out_of_order_and_misnumbered(seed_text: str) -> None:
    line = v.line_of(seed_text, "Trabajo 05")
    text = v.replace_in_line(seed_text, line, "sep-19", "may-19")
    text = v.replace_in_line(text, line + 1, "Trabajo 06", "Trabajo 07")
    findings = _findings(text)
    order = _only(findings, "schedule.out_of_order")
    assert (order.item, order.line) == ("Reunión de Trabajo 05", line)
    numbering = _only(findings, "schedule.meeting_numbering")
    assert (numbering.item, numbering.line, numbering.params) == ("07", line + 1, {"expected": "06"})


def test_schedule_event_outside_period(seed_text: str) -> None:
    line = v.line_of(seed_text, "Reunión de Final")
    finding = _only(
        _findings(v.replace_in_line(seed_text, line, "ago-20", "sep-20")), "schedule.outside_period"
    )
    assert (finding.item, finding.line) == ("Reunión de Final", line)


def test_numbering_gap_in_table(seed_text: str) -> None:
    findings = _findings(v.replace_in_line(seed_text, 60, "04\t", "05\t"))
    finding = _only(findings, "numbering.gap")
    assert (finding.section, finding.item, finding.line) == ("VI", "05", 60)
    assert finding.params == {"expected": "04"}


def test_numbering_duplicate_in_table(seed_text: str) -> None:
    findings = _findings(v.replace_in_line(seed_text, 77, "02\t", "01\t"))
    finding = _only(findings, "numbering.duplicate")
    assert (finding.section, finding.item, finding.line) == ("VII", "01", 77)


def test_lettered_list_gap(seed_text: str) -> None:
    findings = _findings(v.replace_in_line(seed_text, 24, "- C. ", "- D. "))
    finding = _only(findings, "numbering.duplicate")
    assert (finding.section, finding.item, finding.line) == ("III", "D", 24)
    assert finding.params == {"expected": "C"}


def test_missing_strategies_section_is_a_warning(seed_text: str) -> None:
    lines = seed_text.split("\n")
    start = v.line_of(seed_text, "V. ESTRATEGIAS")
    end = v.line_of(seed_text, "VI. RESPONSABILIDADES")
    del lines[start - 1 : end - 1]
    findings = _findings("\n".join(lines))
    finding = _only(findings, "section.missing")
    assert finding.params == {"heading": "V. ESTRATEGIAS"}


def test_an_unreadable_cost_is_not_also_reported_as_a_wrong_total(seed_text):
    from cocrea.computations.plancheck import check_plan
    from cocrea.computations.planparse import parse_plan

    text = seed_text.replace("Q.16,575.00", "dieciséis mil")
    codes = [f.code for f in check_plan(parse_plan(text))]
    assert "budget.cost_unreadable" in codes
    assert "budget.total_mismatch" not in codes
