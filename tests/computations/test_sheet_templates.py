"""Spreadsheet templates (:mod:`cocrea.computations.sheet_templates`) read back by the readers of
:mod:`cocrea.computations.sheets`: a template nobody touched is no error, and the rows a person
fills in, anywhere under the header and in any form the template invites, are exactly what is read."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped,unused-ignore]

from cocrea.computations.sheet_templates import (
    CHECKED_ROWS,
    FORMATTED_ROWS,
    TemplateColumn,
    TemplateWords,
    write_template,
)
from cocrea.computations.sheets import read_expenditures, read_progress
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(60), deadline=None)

ACTIVITIES = {f"{n:02d}": f"activity-{n}" for n in range(1, 14)} | {
    chr(64 + n): f"activity-{n}" for n in range(1, 14)
}
CHOICES = tuple(f"{n:02d} — Actividad {n}: redactar, revisar - y aprobar" for n in range(1, 14))
STATUS_CHOICES = ("Planificada", "En curso", "Completada", "Retrasada", "Cancelada")
LINES = {"01": "line-1", "02": "line-2", "03": "line-3"}

WORDS = TemplateWords(
    sheet="Avances",
    instructions="Instrucciones",
    lists="Listas",
    title="Plantilla de avances",
    paragraphs=("Llene una fila por informe.", "Deje vacías las filas que no use."),
    table=("Columna", "Obligatoria", "Qué escribir", "Formas aceptadas", "Ejemplo"),
    yes="Sí",
    no="No",
)


def progress_columns(choices: tuple[str, ...] = CHOICES) -> list[TemplateColumn]:
    return [
        TemplateColumn("activity", "Actividad", "choice", required=True, choices=choices, prompt="Elija."),
        TemplateColumn("date", "Fecha (dd/mm/aaaa)", "date", required=True, example=date(2026, 3, 15)),
        TemplateColumn("percent_complete", "Avance (%)", "percent", required=True, example=Decimal(45)),
        TemplateColumn("status", "Estado", "choice", choices=STATUS_CHOICES),
        TemplateColumn("actual_start", "Inicio real (dd/mm/aaaa)", "date"),
        TemplateColumn("actual_end", "Fin real (dd/mm/aaaa)", "date"),
        TemplateColumn("note", "Nota", "text", example="Se realizó el taller."),
    ]


def template() -> bytes:
    return write_template(progress_columns(), WORDS)


def fill(data: bytes, rows: dict[int, list[object]]) -> bytes:
    """Open the template as a spreadsheet program does, type ``rows`` (by row number), save it."""
    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(row=number, column=column).value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_template_nobody_touched_reads_as_no_rows_and_no_error() -> None:
    result = read_progress(template(), ACTIVITIES)
    assert result.ok and result.rows == ()
    assert [w.code for w in result.warnings] == ["no_rows"]  # no word about the instructions or lists
    assert result.headings["percent_complete"] == "Avance (%)"


def test_the_layout() -> None:
    book = load_workbook(io.BytesIO(template()))
    sheet, instructions, lists = book.worksheets
    assert book.active.title == "Avances"
    assert lists.sheet_state == "hidden" and instructions.sheet_state == "visible"
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == FORMATTED_ROWS + 1 and all(
        c.value is None for r in sheet.iter_rows(min_row=2) for c in r
    )
    assert {str(v.sqref) for v in sheet.data_validations.dataValidation} == {
        f"{letter}2:{letter}{CHECKED_ROWS + 1}"
        for letter in "ACD"  # no prompt, no check on the dates
    }
    formulas = sorted(v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list")
    assert formulas == ["'Listas'!$A$2:$A$14", "'Listas'!$B$2:$B$6"]
    assert [c.value for c in lists["A"]][1:] == list(CHOICES)
    rows = [[c.value for c in row] for row in instructions.iter_rows()]
    assert rows[0][0] == "Plantilla de avances"
    assert next(r for r in rows if r[0] == "Actividad")[:2] == ["Actividad", "Sí"]
    example = next(r for r in rows if r[0] == "Fecha (dd/mm/aaaa)")
    assert example[1] == "Sí" and example[4] == datetime(2026, 3, 15)


def test_a_column_without_choices_has_no_drop_down() -> None:
    book = load_workbook(io.BytesIO(write_template(progress_columns(choices=()), WORDS)))
    lists = [v for v in book.worksheets[0].data_validations.dataValidation if v.type == "list"]
    assert [str(v.sqref) for v in lists] == [f"D2:D{CHECKED_ROWS + 1}"]


def test_unknown_kinds_are_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        write_template([TemplateColumn("date", "Fecha", "calendar")], WORDS)


def test_sheet_titles_excel_accepts() -> None:
    words = TemplateWords(
        sheet="Avances: marzo/abril [2026]?",
        instructions="avances: marzo/abril [2026]?",
        lists="x" * 40,
        title="t",
        paragraphs=(),
        table=("a", "b", "c", "d", "e"),
        yes="s",
        no="n",
    )
    book = load_workbook(io.BytesIO(write_template(progress_columns(), words)))
    titles = [s.title for s in book.worksheets]
    assert len({t.casefold() for t in titles}) == 3 and all(len(t) <= 31 for t in titles)
    assert not any(ch in t for t in titles for ch in "[]:*?/\\")
    assert read_progress(fill(write_template(progress_columns(), words), {}), ACTIVITIES).ok


def test_texts_that_look_like_formulas_are_written_as_text() -> None:
    columns = [TemplateColumn("activity", "=Actividad", "choice", required=True, choices=("=01 — x",))]
    book = load_workbook(io.BytesIO(write_template(columns, WORDS)))
    assert book.worksheets[0]["A1"].value == "'=Actividad"
    assert book.worksheets[2]["A2"].value == "'=01 — x"


# --- The code in front of a choice ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("01 — Elaborar el plan", "activity-1"),
        ("01—Elaborar", "activity-1"),
        ("B – Redactar", "activity-2"),
        ("03 - Revisar - y aprobar", "activity-3"),
        ("04: Taller", "activity-4"),
        ("05. Taller", "activity-5"),
        ("  6 — seis", "activity-6"),
        ("m — Informe final", "activity-13"),
    ],
)
def test_the_reader_takes_the_code_in_front_of_a_title(written: str, target: str) -> None:
    result = read_progress(fill(template(), {2: [written, date(2026, 3, 2), 10]}), ACTIVITIES)
    assert result.ok, result.errors
    assert [row.activity for row in result.rows] == [target]


@pytest.mark.parametrize(
    ("written", "key"), [("14 — Otra", "14"), ("1-2", "1-2"), ("Elaborar el plan", "ELABORAR EL PLAN")]
)
def test_a_code_the_plan_does_not_have_is_still_an_error(written: str, key: str) -> None:
    result = read_progress(fill(template(), {2: [written, date(2026, 3, 2), 10]}), ACTIVITIES)
    (error,) = result.errors
    assert (error.row, error.code, error.value, error.params["key"]) == (
        2,
        "unknown_activity",
        written.strip(),
        key,
    )


def test_budget_line_choices() -> None:
    columns = [
        TemplateColumn(
            "budget_line", "Línea de presupuesto", "choice", required=True, choices=("01 — Consultoría",)
        ),
        TemplateColumn("date", "Fecha", "date", required=True),
        TemplateColumn("amount", "Monto (Q)", "amount", required=True),
        TemplateColumn("description", "Descripción"),
        TemplateColumn("reference", "Referencia"),
    ]
    data = fill(
        write_template(columns, WORDS), {3: ["01 — Consultoría", "15/03/2026", 3200.5, "Papel", "F-1"]}
    )
    result = read_expenditures(data, LINES)
    assert result.ok and result.warnings == ()
    (row,) = result.rows
    assert (row.row, row.budget_line, row.day, row.amount, row.description) == (
        3,
        "line-1",
        date(2026, 3, 15),
        Decimal("3200.50"),
        "Papel",
    )


# --- Other sheets --------------------------------------------------------------------------------


def _book(*sheets: tuple[str, list[list[object]], str]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows, state in sheets:
        sheet = book.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


REPORT = [["activity", "date", "percent_complete"], ["01", date(2019, 5, 31), 10]]


def test_only_other_sheets_that_look_like_a_report_are_named() -> None:
    data = _book(
        ("Avance", REPORT, "visible"),
        ("Hoja2", [], "visible"),
        ("Notas", [["Actividad", "La actividad"], ["Fecha", "El día"], ["Avance", "De 0 a 100"]], "visible"),
        ("Oculta", REPORT, "hidden"),
        ("Junio", [["Informe de junio"], [], *REPORT], "visible"),
    )
    result = read_progress(data, ACTIVITIES)
    assert len(result.rows) == 1
    (warning,) = result.warnings
    assert (warning.code, warning.params) == (
        "other_sheets_ignored",
        {"read": "Avance", "ignored": ["Junio"]},
    )


# --- Any rows, anywhere, in the forms the template invites ----------------------------------------

_days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def typed_rows(draw: st.DrawFn) -> tuple[dict[int, list[object]], dict[int, tuple[str, date, Decimal, str]]]:
    """Rows typed under the header (any row numbers, gaps left blank), and what each must read as."""
    numbers = draw(
        st.lists(st.integers(min_value=2, max_value=FORMATTED_ROWS + 15), min_size=0, max_size=8, unique=True)
    )
    typed: dict[int, list[object]] = {}
    expected: dict[int, tuple[str, date, Decimal, str]] = {}
    for number in numbers:
        index = draw(st.integers(min_value=0, max_value=12))
        activity = draw(st.sampled_from([CHOICES[index], f"{index + 1:02d}", chr(65 + index)]))
        day = draw(_days)
        written_day = draw(st.sampled_from([day, day.strftime("%d/%m/%Y"), day.isoformat()]))
        percent = draw(
            st.decimals(min_value=0, max_value=100, places=1, allow_nan=False, allow_infinity=False)
        )
        written_percent: object = draw(st.sampled_from([float(percent), str(percent)]))
        note = draw(st.text(alphabet="abcdefghij ñáé,.;", max_size=20).map(str.strip))
        typed[number] = [activity, written_day, written_percent, None, None, None, note or None]
        expected[number] = (f"activity-{index + 1}", day, percent, note)
    return typed, expected


@PROPERTY
@given(typed_rows())
def test_the_rows_typed_are_exactly_the_rows_read(
    rows: tuple[dict[int, list[object]], dict[int, Any]],
) -> None:
    typed, expected = rows
    result = read_progress(fill(template(), typed), ACTIVITIES)
    assert result.ok, result.errors
    assert {w.code for w in result.warnings} <= {"duplicate_row", "no_rows"}
    read = {row.row: (row.activity, row.day, row.percent, row.note) for row in result.rows}
    assert read == expected
