"""The real seed work plan, read end to end: every figure the importer must get right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cocrea.computations.months import Month, MonthRange
from cocrea.computations.plancheck import check_plan, has_errors
from cocrea.computations.planparse import ParsedPlan, parse_plan

SEED_TITLE_LINE = 3
SEED_TABLE_LINES = [57, 58, 59, 60, 61, 62, 63, 64, 67, 68, 69, 70, 71]


def test_commitment_milestone_and_period(seed_plan: ParsedPlan) -> None:
    assert seed_plan.commitment_number == "11"
    assert seed_plan.milestone_number == "1"
    assert seed_plan.title == "PLAN DE TRABAJO HITO 1, COMPROMISO 11"
    assert seed_plan.title_line == SEED_TITLE_LINE
    assert seed_plan.period == MonthRange(Month(2018, 11), Month(2020, 8))
    assert seed_plan.period_text == "Noviembre 2018-Agosto 2020"
    assert seed_plan.period.months == 22
    assert seed_plan.action_plan_name == "4º Plan de Acción Nacional de Gobierno Abierto 2018-2020"
    assert seed_plan.action_plan_years == (2018, 2020)
    assert seed_plan.commitment_title == (
        "Diseño e Implementación de una Estrategia de Innovación en la Gestión Pública"
    )
    assert seed_plan.coordinator == "Instituto Nacional de Administración Pública"
    assert seed_plan.milestone_title.startswith("Co-creación y aprobación del documento")


def test_sections_found_by_heading(seed_plan: ParsedPlan) -> None:
    numerals = {kind: section.numeral for kind, section in seed_plan.sections.items()}
    assert numerals == {
        "general_objectives": "I",
        "specific_objectives": "II",
        "indicators": "III",
        "activities": "IV",
        "strategies": "V",
        "responsibilities": "VI",
        "resources": "VII",
        "schedule": "VIII",
    }
    assert seed_plan.sections["responsibilities"].line == 54
    assert seed_plan.line_count == 109


def test_objectives_indicators_strategies(seed_plan: ParsedPlan) -> None:
    assert len(seed_plan.general_objectives) == 1
    assert seed_plan.general_objectives[0].text.startswith("Formulación de la Estrategia Nacional")
    assert [i.key for i in seed_plan.specific_objectives] == ["A", "B", "C", "D"]
    assert seed_plan.specific_objectives[1].text.startswith("Investigar las diferentes teorías")
    assert [i.key for i in seed_plan.indicators] == ["A", "B", "C", "D", "E"]
    assert [i.key for i in seed_plan.strategies] == ["A", "B", "C", "D", "E"]
    # The last strategy has no leading dash and follows a blank line: it is still an item.
    assert seed_plan.strategies[-1].text == (
        "Coordinar constantemente con Punto de Contacto (PoC) de Gobierno Abierto."
    )
    assert seed_plan.strategies[-1].line == 52


def test_thirteen_activities_letters_merged_with_numbers(seed_plan: ParsedPlan) -> None:
    activities = seed_plan.activities
    assert len(activities) == 13
    assert [a.letter for a in activities] == list("ABCDEFGHIJKLM")
    assert [a.number for a in activities] == list(range(1, 14))
    assert [a.key for a in activities] == [f"{n:02d}" for n in range(1, 14)]
    assert {a.responsible for a in activities} == {"INAP/GPAT"}
    assert [a.table_line for a in activities] == SEED_TABLE_LINES
    assert [a.line for a in activities] == SEED_TABLE_LINES
    for activity in activities:
        # List (IV) and table (VI) give the same title, the table's row split over lines too.
        assert activity.list_title == activity.table_title == activity.title
    assert activities[0].title == "Elaboración del Plan de Trabajo."
    assert activities[7].title == (
        "Redacción del Borrador 3 de la Estrategia Nacional de Innovación en la Gestión Pública."
    )


def test_activity_dates(seed_plan: ParsedPlan) -> None:
    months = [(a.dates.start, a.dates.end) for a in seed_plan.activities if a.dates]
    assert len(months) == 13
    singles = [Month(2019, 4) + i for i in range(11)]
    assert months[:11] == [(m, m) for m in singles]
    assert months[11] == (Month(2019, 3), Month(2020, 7))  # as written: "Marzo 2019- Julio 2020"
    assert months[12] == (Month(2020, 8), Month(2020, 8))
    assert seed_plan.activities[11].date_text == "Marzo 2019- Julio 2020"


def test_budget_lines_and_terms(seed_plan: ParsedPlan) -> None:
    lines = seed_plan.budget_lines
    assert [b.key for b in lines] == ["01", "02", "03"]
    assert [b.cost for b in lines] == [Decimal("544000.00"), Decimal("16575.00"), Decimal("9500.00")]
    assert [b.line for b in lines] == [76, 77, 78]
    first = lines[0].terms
    assert (first.quantity, first.unit_cost, first.periods, first.period_kind) == (
        2,
        Decimal("16000.00"),
        17,
        "months",
    )
    assert first.expected_cost == Decimal("544000.00") == lines[0].cost
    second = lines[1].terms
    assert (second.quantity, second.periods, second.period_kind) == (15, 17, "occasions")
    assert second.unit_cost is None and second.expected_cost is None
    assert lines[2].terms.periods is None and lines[2].terms.quantity is None
    assert seed_plan.budget_total == Decimal("570075.00")
    assert seed_plan.budget_total_line == 79
    assert seed_plan.lines_total == Decimal("570075.00")


def test_seventeen_schedule_events(seed_plan: ParsedPlan) -> None:
    events = seed_plan.events
    assert len(events) == 17
    assert [e.kind for e in events] == ["initial"] + ["working"] * 15 + ["final"]
    assert [e.number for e in events if e.kind == "working"] == list(range(1, 16))
    assert [e.dates.start for e in events if e.dates] == [Month(2019, 4) + i for i in range(17)]
    assert all(e.dates and e.dates.start == e.dates.end for e in events)
    assert [e.line for e in events] == list(range(93, 110))
    # The last two rows lost their leading tab in the conversion: still read.
    assert events[-2].title == "Reunión de Trabajo 15"
    assert events[-1].title == "Reunión de Final"
    # From the first activity or meeting (April 2019) to the last (August 2020): 17 months,
    # the months the budget pays its advisers.
    assert seed_plan.milestone_span == MonthRange(Month(2019, 4), Month(2020, 8))
    assert seed_plan.milestone_span.months == 17


def test_month_grid_from_header_of_initials(seed_plan: ParsedPlan) -> None:
    grid = seed_plan.schedule_grid
    assert len(grid) == 22
    assert grid == [Month(2018, 11) + i for i in range(22)]
    assert seed_plan.period is not None
    assert grid[0] == seed_plan.period.start and grid[-1] == seed_plan.period.end
    assert seed_plan.schedule_grid_line == 91


def test_responsible_entities_with_their_milestones(seed_plan: ParsedPlan) -> None:
    roles = [(r.acronym, r.milestones) for r in seed_plan.responsible_entities]
    assert roles == [("INAP", [1, 2, 3, 4, 5]), ("GPAT", [1, 2, 4]), ("ONSEC", [5, 6, 7, 8])]
    names = [r.name for r in seed_plan.responsible_entities]
    assert names == [
        "Instituto Nacional de Administración Pública",
        "Comisión Presidencial de Gestión Pública Abierta y Transparencia",
        "Oficina Nacional de Servicio Civil",
    ]
    assert {r.line for r in seed_plan.responsible_entities} == {87}


def test_check_plan_flags_only_activity_12(seed_plan: ParsedPlan) -> None:
    findings = check_plan(seed_plan)
    assert len(findings) == 1
    (finding,) = findings
    assert (finding.severity, finding.code, finding.section, finding.item, finding.line) == (
        "warning",
        "activity.out_of_sequence",
        "VI",
        "12",
        70,
    )
    assert finding.params["suggestion"] == MonthRange(Month(2020, 3), Month(2020, 7))
    assert finding.params["start"] == Month(2019, 3)
    assert finding.params["previous"] == "11"
    assert finding.params["before_first"] is True
    assert not has_errors(findings)


@pytest.mark.parametrize("as_text", [False, True])
def test_bytes_and_text_give_the_same_plan(seed_bytes: bytes, seed_text: str, as_text: bool) -> None:
    plan = parse_plan(seed_text if as_text else seed_bytes)
    assert plan == parse_plan(seed_bytes)
    assert len(plan.activities) == 13


def test_windows_1252_file_reads_the_same(seed_text: str, seed_plan: ParsedPlan) -> None:
    plan = parse_plan(seed_text.encode("cp1252"))
    assert plan.activities == seed_plan.activities
    assert plan.commitment_title == seed_plan.commitment_title


def test_utf8_bom_is_ignored(seed_bytes: bytes, seed_plan: ParsedPlan) -> None:
    plan = parse_plan(b"\xef\xbb\xbf" + seed_bytes)
    assert plan == seed_plan
