"""Monthly execution reports read from CSV and XLSX: progress of activities and expenditures."""

from __future__ import annotations

import csv
import io
import string
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped,unused-ignore]

from cocrea.computations.safety import (
    BIDI_CONTROLS,
    FORMULA_STARTS,
    safe_cell,
    unquote_cell,
    without_bidi_controls,
)
from cocrea.computations.sheets import (
    ERROR_CODES,
    EXPENDITURE_COLUMNS,
    PROGRESS_COLUMNS,
    STATUS_SPELLINGS,
    STATUSES,
    WARNING_CODES,
    RowError,
    SheetError,
    SheetResult,
    describe_keys,
    header_key,
    normalise_key,
    read_expenditures,
    read_progress,
    write_xlsx,
)
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(60), deadline=None)

# The plan's activities as the caller passes them: 01–13, 1–13 and A–M all name the same target.
ACTIVITIES: dict[str, str] = {}
for _n in range(1, 14):
    _target = f"activity-{_n}"
    ACTIVITIES[f"{_n:02d}"] = _target
    ACTIVITIES[str(_n)] = _target
    ACTIVITIES[chr(ord("A") + _n - 1)] = _target
BY_KEY = {normalise_key(key): target for key, target in ACTIVITIES.items()}
BUDGET_LINES = {"01": "line-1", "02": "line-2", "03": "line-3"}

PROGRESS_HEADER = ",".join(PROGRESS_COLUMNS)
EXPENDITURE_HEADER = ",".join(EXPENDITURE_COLUMNS)


def progress(text: str, encoding: str = "utf-8") -> SheetResult[Any]:
    return read_progress(text.encode(encoding), ACTIVITIES)


def expenditures(text: str, encoding: str = "utf-8") -> SheetResult[Any]:
    return read_expenditures(text.encode(encoding), BUDGET_LINES)


def codes(result: SheetResult[Any]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


def only_error(result: SheetResult[Any]) -> RowError:
    assert len(result.errors) == 1, result.errors
    assert result.rows == ()
    return result.errors[0]


# --- Good files ----------------------------------------------------------------------------------


def test_good_progress_csv_exact_figures() -> None:
    result = progress(
        PROGRESS_HEADER + "\n"
        "01,2019-05-31,45,in_progress,2019-05-02,,First meeting held\n"
        'B,31/05/2019,100%,done,01/04/2019,30/05/2019,"Framework approved, published"\n'
        "m,31-05-2019,0,planned,,,\n"
        '12,"2019-06-30",12.5,Retrasada,2019-05-15,,"waiting for ""MINECO"""\n'
    )
    assert result.ok and result.warnings == ()
    assert (result.source, result.encoding, result.delimiter, result.header_row) == ("csv", "utf-8", ",", 1)
    assert [(r.row, r.activity, r.activity_key, r.day, r.percent, r.status) for r in result.rows] == [
        (2, "activity-1", "1", date(2019, 5, 31), Decimal("45"), "in_progress"),
        (3, "activity-2", "B", date(2019, 5, 31), Decimal("100"), "done"),
        (4, "activity-13", "M", date(2019, 5, 31), Decimal("0"), "planned"),
        (5, "activity-12", "12", date(2019, 6, 30), Decimal("12.5"), "delayed"),
    ]
    first, second, third, fourth = result.rows
    assert (first.actual_start, first.actual_end, first.note) == (
        date(2019, 5, 2),
        None,
        "First meeting held",
    )
    assert (second.actual_start, second.actual_end) == (date(2019, 4, 1), date(2019, 5, 30))
    assert second.note == "Framework approved, published"
    assert (third.actual_start, third.actual_end, third.note) == (None, None, "")
    assert fourth.note == 'waiting for "MINECO"'
    assert not any(r.status_derived for r in result.rows)


def test_good_expenditure_csv_exact_figures() -> None:
    result = expenditures(
        EXPENDITURE_HEADER + "\n"
        '01,2019-05-31,"32,000.00",Two advisers (May),F-001\n'
        '02,2019-05-31,"Q 975.00",Room and refreshments,F-002\n'
        '3,2019-06-15,"Q.1,250.50",Printing,\n'
        "1,2019-06-30,32000,Two advisers (June),F-003\n"
        '02,15/07/2019,"Q16,575.00",Rooms for the year,F-004\n'
    )
    assert result.ok and result.warnings == ()
    assert [(r.row, r.budget_line, r.day, r.amount, r.description, r.reference) for r in result.rows] == [
        (2, "line-1", date(2019, 5, 31), Decimal("32000.00"), "Two advisers (May)", "F-001"),
        (3, "line-2", date(2019, 5, 31), Decimal("975.00"), "Room and refreshments", "F-002"),
        (4, "line-3", date(2019, 6, 15), Decimal("1250.50"), "Printing", ""),
        (5, "line-1", date(2019, 6, 30), Decimal("32000.00"), "Two advisers (June)", "F-003"),
        (6, "line-2", date(2019, 7, 15), Decimal("16575.00"), "Rooms for the year", "F-004"),
    ]
    assert sum(r.amount for r in result.rows) == Decimal("82800.50")
    assert all(r.amount.as_tuple().exponent == -2 for r in result.rows)


def _workbook(rows: list[list[object]], number_formats: dict[str, str] | None = None) -> bytes:
    """An XLSX written the way Excel writes it: real date and number cells, optional formats."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (number_formats or {}).items():
        sheet[cell].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_good_progress_xlsx_with_date_and_number_cells() -> None:
    data = _workbook(
        [
            [
                "Actividad",
                "Fecha",
                "Porcentaje de avance",
                "Estado",
                "Inicio real",
                "Fin real",
                "Observaciones",
            ],
            [1, date(2019, 5, 31), 45, "En curso", datetime(2019, 5, 2, 9, 30), None, "Reunión inicial"],
            ["02", datetime(2019, 5, 31), 37.5, None, None, None, None],
            [3.0, "31/05/2019", 0.455, "COMPLETADA", date(2019, 4, 1), date(2019, 5, 30), 123],
            ["d", date(2019, 5, 31), "45,5%", "", None, None, None],
        ],
        number_formats={"C4": "0.0%"},  # shows 45.5%
    )
    assert data.startswith(b"PK\x03\x04")
    result = read_progress(data, ACTIVITIES)
    assert result.source == "xlsx"
    assert [(r.row, r.activity, r.day, r.percent, r.status, r.status_derived) for r in result.rows] == [
        (2, "activity-1", date(2019, 5, 31), Decimal("45"), "in_progress", False),
        (3, "activity-2", date(2019, 5, 31), Decimal("37.5"), "in_progress", True),
        (4, "activity-3", date(2019, 5, 31), Decimal("45.5"), "done", False),
        (5, "activity-4", date(2019, 5, 31), Decimal("45.5"), "in_progress", True),
    ]
    assert result.rows[0].actual_start == date(2019, 5, 2)
    assert result.rows[0].note == "Reunión inicial"
    assert result.rows[2].note == "123"
    # "done" at 45.5% is read, with a warning to look again.
    assert [(w.row, w.column, w.code) for w in result.warnings] == [(4, "status", "status_percent_mismatch")]
    assert result.ok


def test_good_expenditure_xlsx_with_number_cells() -> None:
    data = _workbook(
        [
            ["Reference", "Amount", "Budget line", "Date", "Description"],
            ["F-1", 32000, 1, date(2019, 5, 31), "Advisers"],
            ["F-2", 975.5, "02", datetime(2019, 6, 1, 0, 0), "Room"],
            [1001, Decimal("1250.25"), "3", "2019-06-15", "Printing"],
            ["F-4", "Q 16,575.00", 2.0, "15/07/2019", None],
            ["F-5", 0.125, 1, date(2019, 8, 1), "Rounded to the cent shown"],
        ]
    )
    result = read_expenditures(data, BUDGET_LINES)
    assert result.ok, result.errors
    assert [(r.row, r.budget_line, r.day, r.amount, r.reference) for r in result.rows] == [
        (2, "line-1", date(2019, 5, 31), Decimal("32000.00"), "F-1"),
        (3, "line-2", date(2019, 6, 1), Decimal("975.50"), "F-2"),
        (4, "line-3", date(2019, 6, 15), Decimal("1250.25"), "1001"),
        (5, "line-2", date(2019, 7, 15), Decimal("16575.00"), "F-4"),
        (6, "line-1", date(2019, 8, 1), Decimal("0.13"), "F-5"),
    ]


# --- Encodings, delimiters, headers --------------------------------------------------------------


def test_semicolon_csv_with_decimal_commas() -> None:
    result = progress(
        "activity;date;percent_complete;status;note\n"
        "01;31/05/2019;45,5;en curso;Reunión de trabajo 01, con actas\n"
        "2;31/05/2019;12,25 %;;\n"
    )
    assert result.delimiter == ";"
    assert [(r.activity, r.percent, r.status, r.note) for r in result.rows] == [
        ("activity-1", Decimal("45.5"), "in_progress", "Reunión de trabajo 01, con actas"),
        ("activity-2", Decimal("12.25"), "in_progress", ""),
    ]
    assert result.ok


def test_semicolon_csv_amounts_need_no_quotes() -> None:
    result = expenditures("budget_line;date;amount;description\n01;31/05/2019;32,000.00;Asesores\n")
    assert result.ok and result.delimiter == ";"
    assert result.rows[0].amount == Decimal("32000.00")


def test_windows_1252_csv() -> None:
    text = (
        "Línea presupuestaria;Fecha;Monto;Descripción\n01;31/05/2019;Q 1,500.00;Reunión — café y señalética\n"
    )
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = read_expenditures(data, BUDGET_LINES)
    assert result.encoding == "cp1252"
    assert result.ok
    assert result.rows[0].description == "Reunión — café y señalética"
    assert result.rows[0].amount == Decimal("1500.00")


def test_utf8_bom_csv() -> None:
    data = ("\ufeffactivity,date,percent_complete\nA,2019-05-31,50\n").encode()
    result = read_progress(data, ACTIVITIES)
    assert result.encoding == "utf-8-sig"
    assert result.ok and result.rows[0].activity == "activity-1"


def test_utf16_tab_separated_text_as_excel_saves_it() -> None:
    data = "activity\tdate\tpercent_complete\r\nA\t2019-05-31\t50\r\n".encode("utf-16")
    result = read_progress(data, ACTIVITIES)
    assert (result.encoding, result.delimiter) == ("utf-16", "\t")
    assert result.ok and result.rows[0].percent == Decimal("50")


def test_headers_any_case_accents_spaces_order_and_extra_columns() -> None:
    result = progress(
        " NOTE ,Responsable, Percent_Complete ,ACTIVITY,  Date (dd/mm/aaaa) ,Estado,Otra\n"
        "hecho,INAP,100,a,31/05/2019,completada,x\n"
    )
    assert result.ok
    assert [(r.activity, r.percent, r.note, r.status) for r in result.rows] == [
        ("activity-1", Decimal("100"), "hecho", "done")
    ]
    (warning,) = result.warnings
    assert (warning.row, warning.code, warning.params["columns"]) == (
        1,
        "extra_columns",
        ["Responsable", "Otra"],
    )


def test_header_key() -> None:
    assert header_key(" Fecha de Inicio  Real (dd/mm/aaaa) ") == "fecha de inicio real"
    assert header_key("% Avance") == "avance"
    assert header_key("percent_complete") == "percent complete"
    assert header_key("DESCRIPCIÓN") == "descripcion"


def test_blank_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers() -> None:
    result = progress(PROGRESS_HEADER + "\n\n01,2019-05-31,10\n,,,,,,\n  ,  , \n02,2019-05-31,20\n")
    assert result.ok
    assert [r.row for r in result.rows] == [3, 6]


def test_title_rows_above_the_header_are_skipped_with_a_warning() -> None:
    data = _workbook(
        [
            ["Informe mensual de avance — mayo 2019"],
            [],
            ["activity", "date", "percent_complete"],
            ["01", date(2019, 5, 31), 10],
        ]
    )
    result = read_progress(data, ACTIVITIES)
    assert result.ok and result.header_row == 3
    assert [r.row for r in result.rows] == [4]
    assert [(w.row, w.code) for w in result.warnings] == [(1, "rows_before_header")]


def test_only_the_first_sheet_is_read() -> None:
    book = Workbook()
    first = book.active
    first.title = "Avance"
    first.append(["activity", "date", "percent_complete"])
    first.append(["01", date(2019, 5, 31), 10])
    book.create_sheet("Notas").append(["activity", "date", "percent_complete"])
    out = io.BytesIO()
    book.save(out)
    result = read_progress(out.getvalue(), ACTIVITIES)
    assert len(result.rows) == 1
    (warning,) = result.warnings
    assert (warning.code, warning.params) == (
        "other_sheets_ignored",
        {"read": "Avance", "ignored": ["Notas"]},
    )


def test_header_only_file_warns_of_no_rows() -> None:
    result = progress(PROGRESS_HEADER + "\n")
    assert result.ok and result.rows == ()
    assert [w.code for w in result.warnings] == ["no_rows"]


# --- Statuses ------------------------------------------------------------------------------------

EVERY_SPELLING = [
    (written, code)
    for code, spellings in STATUS_SPELLINGS.items()
    for spelling in (code, *spellings)
    for written in sorted({spelling, spelling.upper(), spelling.title(), f"  {spelling}  "})
] + [
    ("En Curso", "in_progress"),
    ("in-progress", "in_progress"),
    ("IN_PROGRESS", "in_progress"),
    ("Completáda", "done"),
    ("Canceled", "cancelled"),
    ("Complete", "done"),
    ("Completed", "done"),
    ("Planificada", "planned"),
    ("RETRASADA", "delayed"),
    ("Cancelada", "cancelled"),
]


@pytest.mark.parametrize(("written", "code"), EVERY_SPELLING)
def test_statuses_in_every_spelling(written: str, code: str) -> None:
    percent = {"done": "100", "planned": "0"}.get(code, "50")
    result = progress(f'activity,date,percent_complete,status\n01,2019-05-31,{percent},"{written}"\n')
    assert result.ok, result.errors
    assert result.rows[0].status == code
    assert not result.rows[0].status_derived


def test_listed_statuses_are_the_codes() -> None:
    assert set(STATUS_SPELLINGS) == set(STATUSES)
    assert {"planificada", "en curso", "completada", "retrasada", "cancelada"} <= {
        s for spellings in STATUS_SPELLINGS.values() for s in spellings
    }


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        ("0", "planned"),
        ("0%", "planned"),
        ("0.0", "planned"),
        ("100", "done"),
        ("100,00", "done"),
        ("45", "in_progress"),
        ("0.5", "in_progress"),
        ("99.99", "in_progress"),
    ],
)
def test_empty_status_is_derived_from_the_percent(percent: str, status: str) -> None:
    result = progress(f'activity,date,percent_complete,status\n01,2019-05-31,"{percent}",\n')
    assert result.ok
    assert (result.rows[0].status, result.rows[0].status_derived) == (status, True)


def test_status_column_may_be_absent() -> None:
    result = progress("activity,date,percent_complete\n01,2019-05-31,100\n02,2019-05-31,3\n")
    assert [r.status for r in result.rows] == ["done", "in_progress"]


# --- Bad content: every error, exactly -----------------------------------------------------------


def test_unknown_activity_names_the_plan_keys() -> None:
    error = only_error(progress(PROGRESS_HEADER + "\n14,2019-05-31,10,,,,\n"))
    assert (error.row, error.column, error.code, error.value) == (2, "activity", "unknown_activity", "14")
    assert error.expected == "an existing activity: the plan has 01–13 (A–M)"
    assert error.params["known"] == "01–13 (A–M)"
    assert error.params["cell"] == "A2"
    assert error.params["header"] == "activity"


def test_unknown_activity_letter_and_caller_description() -> None:
    result = read_progress(b"activity,date,percent_complete\nZ,2019-05-31,10\n", ACTIVITIES, "A to M")
    error = only_error(result)
    assert (error.value, error.expected) == ("Z", "an existing activity: the plan has A to M")


def test_unknown_budget_line() -> None:
    error = only_error(expenditures(EXPENDITURE_HEADER + "\n04,2019-05-31,100,,\n"))
    assert (error.row, error.column, error.code) == (2, "budget_line", "unknown_budget_line")
    assert error.expected == "an existing budget line: the plan has 01–03"


@pytest.mark.parametrize("percent", ["101", "100.01", "150%", "-1", "-0.5"])
def test_percent_out_of_range(percent: str) -> None:
    error = only_error(progress(f"activity,date,percent_complete\n01,2019-05-31,{percent}\n"))
    assert (error.row, error.column, error.code) == (2, "percent_complete", "percent_out_of_range")
    assert error.value == percent


@pytest.mark.parametrize("percent", ["half", "45%%", "4 5x", "1.2.3", "%"])
def test_percent_unreadable(percent: str) -> None:
    error = only_error(progress(f"activity,date,percent_complete\n01,2019-05-31,{percent}\n"))
    assert (error.row, error.column, error.code) == (2, "percent_complete", "percent_unreadable")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("45", "45"),
        ("45.5", "45.5"),
        ("45%", "45"),
        ("45,5", "45.5"),
        (" 45,5 % ", "45.5"),
        ("0", "0"),
        ("100%", "100"),
        (".5", "0.5"),
    ],
)
def test_percent_spellings(written: str, expected: str) -> None:
    result = progress(f'activity,date,percent_complete\n01,2019-05-31,"{written}"\n')
    assert result.rows[0].percent == Decimal(expected)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2019-05-31", date(2019, 5, 31)),
        ("31/05/2019", date(2019, 5, 31)),
        ("31-05-2019", date(2019, 5, 31)),
        ("1/6/2019", date(2019, 6, 1)),
        ("2019-05-31 00:00:00", date(2019, 5, 31)),
    ],
)
def test_date_spellings(written: str, day: date) -> None:
    assert progress(f"activity,date,percent_complete\n01,{written},10\n").rows[0].day == day


@pytest.mark.parametrize(
    "written", ["May 31 2019", "2019/05/31", "31/05/19", "31.05.2019", "43616", "mañana"]
)
def test_date_unreadable_names_the_expected_forms(written: str) -> None:
    error = only_error(progress(f"activity,date,percent_complete\n01,{written},10\n"))
    assert (error.row, error.column, error.code, error.value) == (2, "date", "date_unreadable", written)
    assert "2019-05-31, 31/05/2019 or 31-05-2019" in error.expected
    assert error.params["forms"] == ["2019-05-31", "31/05/2019", "31-05-2019"]


@pytest.mark.parametrize("written", ["31/02/2019", "2019-13-01", "05/31/2019", "00/01/2019"])
def test_date_that_is_not_a_calendar_day(written: str) -> None:
    error = only_error(progress(f"activity,date,percent_complete\n01,{written},10\n"))
    assert (error.row, error.column, error.code) == (2, "date", "date_invalid")


def test_actual_dates_are_checked_too() -> None:
    result = progress(PROGRESS_HEADER + "\n01,2019-05-31,10,,someday,31/13/2019,\n")
    assert codes(result) == [(2, "actual_start", "date_unreadable"), (2, "actual_end", "date_invalid")]


def test_actual_end_before_actual_start() -> None:
    error = only_error(progress(PROGRESS_HEADER + "\n01,2019-05-31,100,done,2019-05-10,2019-05-09,\n"))
    assert (error.row, error.column, error.code) == (2, "actual_end", "end_before_start")
    assert error.params["actual_start"] == "2019-05-10"
    assert error.params["actual_end"] == "2019-05-09"


def test_actual_end_on_the_start_day_is_fine() -> None:
    assert progress(PROGRESS_HEADER + "\n01,2019-05-31,100,done,2019-05-10,2019-05-10,\n").ok


def test_status_unknown() -> None:
    error = only_error(progress(PROGRESS_HEADER + "\n01,2019-05-31,10,maybe,,,\n"))
    assert (error.row, error.column, error.code, error.value) == (2, "status", "status_unknown", "maybe")
    assert error.params["statuses"] == list(STATUSES)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("abc", "amount_unreadable"),
        ("Q", "amount_unreadable"),
        ("$ 5", "amount_unreadable"),
        ("1,2,3", "amount_unreadable"),
        ("0", "amount_not_positive"),
        ("Q 0.00", "amount_not_positive"),
        ("-5", "amount_not_positive"),
        ("-Q 1,000.00", "amount_not_positive"),
        ("0.001", "amount_not_positive"),
    ],
)
def test_bad_amounts(written: str, code: str) -> None:
    error = only_error(expenditures(f'budget_line,date,amount\n01,2019-05-31,"{written}"\n'))
    assert (error.row, error.column, error.code, error.value) == (2, "amount", code, written)


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("32,000.00", "32000.00"),
        ("Q 32,000.00", "32000.00"),
        ("Q.32,000.00", "32000.00"),
        ("32000", "32000.00"),
        ("Q32,000", "32000.00"),
        ("GTQ 1,234,567.89", "1234567.89"),
        ("1.234.567,89", "1234567.89"),
        ("  Q 9,500.00 ", "9500.00"),
    ],
)
def test_thousands_separators_and_currency_signs(written: str, amount: str) -> None:
    result = expenditures(f'budget_line,date,amount\n01,2019-05-31,"{written}"\n')
    assert result.ok
    assert result.rows[0].amount == Decimal(amount)


def test_unquoted_thousands_comma_in_a_comma_csv_is_caught() -> None:
    result = expenditures(EXPENDITURE_HEADER + "\n01,2019-05-31,32,000.00,Advisers\n")
    assert codes(result) == [(2, "amount", "amount_split")]
    assert result.errors[0].params["cells"] == ["32", "000.00"]
    # With the header's five cells filled, the split also overflows the row.
    result = expenditures(EXPENDITURE_HEADER + "\n01,2019-05-31,32,000.00,Advisers,F-1\n")
    assert codes(result) == [(2, "", "too_many_cells"), (2, "amount", "amount_split")]


def test_missing_required_columns_is_one_error_naming_them() -> None:
    result = progress("activity,status,note\n01,done,x\n02,done,y\n")
    error = only_error(result)
    assert (error.row, error.column, error.code) == (1, "date, percent_complete", "missing_column")
    assert error.params["columns"] == ["date", "percent_complete"]
    assert "date, percent_complete" in error.expected


def test_missing_expenditure_column() -> None:
    error = only_error(expenditures("budget_line,date,description\n01,2019-05-31,x\n"))
    assert (error.column, error.code, error.params["columns"]) == ("amount", "missing_column", ["amount"])


def test_duplicate_column() -> None:
    result = progress("activity,date,percent_complete,Fecha\n01,2019-05-31,10,2019-06-30\n")
    assert codes(result) == [(1, "date", "duplicate_column")]
    assert result.errors[0].params["cell"] == "D1"


def test_required_cells() -> None:
    result = progress(PROGRESS_HEADER + "\n,2019-05-31,10,,,,\n01,,10,,,,\n01,2019-05-31,,,,,\n")
    assert codes(result) == [
        (2, "activity", "required"),
        (3, "date", "required"),
        (4, "percent_complete", "required"),
    ]


def test_too_many_cells_in_a_csv_row() -> None:
    result = progress("activity,date,percent_complete\n01,2019-05-31,10,oops\n01,2019-06-30,20,,,\n")
    assert codes(result) == [(2, "", "too_many_cells")]
    assert [r.row for r in result.rows] == [3]


def test_value_outside_the_columns_of_an_xlsx_is_a_warning() -> None:
    data = _workbook([["activity", "date", "percent_complete"], ["01", date(2019, 5, 31), 10, None, "aside"]])
    result = read_progress(data, ACTIVITIES)
    assert result.ok and len(result.rows) == 1
    assert [(w.row, w.code, w.params["cells"]) for w in result.warnings] == [
        (2, "value_outside_columns", ["E2"])
    ]


def test_three_bad_rows_are_all_reported() -> None:
    result = progress(
        PROGRESS_HEADER + "\n"
        "01,2019-05-31,10,,,,\n"
        "14,2019-05-31,10,,,,\n"
        "02,2019-05-31,10,,,,\n"
        "03,31/02/2019,10,,,,\n"
        "04,2019-05-31,101,,,,\n"
        "05,2019-05-31,50,,,,\n"
    )
    assert codes(result) == [
        (3, "activity", "unknown_activity"),
        (5, "date", "date_invalid"),
        (6, "percent_complete", "percent_out_of_range"),
    ]
    assert [r.row for r in result.rows] == [2, 4, 7]  # the caller imports nothing while errors exist
    assert not result.ok


def test_every_problem_of_one_row_is_reported() -> None:
    result = progress(PROGRESS_HEADER + "\nX,someday,-3,later,2019-02-01,2019-01-01,\n")
    assert codes(result) == [
        (2, "activity", "unknown_activity"),
        (2, "date", "date_unreadable"),
        (2, "percent_complete", "percent_out_of_range"),
        (2, "status", "status_unknown"),
        (2, "actual_end", "end_before_start"),
    ]


def test_every_code_used_is_listed() -> None:
    result = progress(PROGRESS_HEADER + "\nX,someday,-3,later,2019-02-01,2019-01-01,\n01,,half,,,,\n")
    assert {e.code for e in result.errors} <= ERROR_CODES
    assert {"unknown_activity", "percent_out_of_range", "date_unreadable", "amount_unreadable"} <= ERROR_CODES
    assert {"status_unknown", "missing_column", "end_before_start"} <= ERROR_CODES
    assert "extra_columns" in WARNING_CODES


# --- Warnings ------------------------------------------------------------------------------------


def test_status_contradicting_the_percent_is_a_warning() -> None:
    result = progress(
        "activity,date,percent_complete,status\n01,2019-05-31,40,done\n02,2019-05-31,5,planned\n"
    )
    assert result.ok and len(result.rows) == 2
    assert [(w.row, w.code, w.params["percent"]) for w in result.warnings] == [
        (2, "status_percent_mismatch", "40"),
        (3, "status_percent_mismatch", "5"),
    ]


def test_duplicates_are_warnings() -> None:
    result = progress("activity,date,percent_complete\n01,2019-05-31,10\nA,31/05/2019,20\n")
    assert [(w.row, w.code, w.params["first_row"]) for w in result.warnings] == [(3, "duplicate_row", 2)]
    result = expenditures(
        EXPENDITURE_HEADER
        + "\n01,2019-05-31,100,Café,F-1\n1,2019-05-31,100.00,cafe,F-9\n02,2019-06-01,5,x,f-1\n"
    )
    assert [(w.row, w.code) for w in result.warnings] == [(3, "duplicate_row"), (4, "duplicate_reference")]
    assert result.ok and len(result.rows) == 3


# --- Not a spreadsheet ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"  \r\n\r\n ", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary_file"),
        (b"%PDF-1.4\n" + bytes(range(1, 32)) * 10, "binary_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls_not_supported"),
        (b"PK\x03\x04 this is not a zip at all", "xlsx_unreadable"),
        (b"activity,date\n\x81\x8d\x8f\x90\x9d\xff\xfe", "undecodable"),
        (b"hello,world\n1,2\n", "no_header"),
        (b"1,2019-05-31,45\n2,2019-05-31,50\n", "no_header"),
    ],
)
def test_not_a_spreadsheet_raises_sheet_error(data: bytes, code: str) -> None:
    with pytest.raises(SheetError) as raised:
        read_progress(data, ACTIVITIES)
    assert raised.value.code == code
    assert raised.value.message


def test_a_zip_that_is_not_a_workbook() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(SheetError) as raised:
        read_expenditures(out.getvalue(), BUDGET_LINES)
    assert raised.value.code == "xlsx_unreadable"


def test_xml_entities_inside_an_xlsx_are_refused() -> None:
    """defusedxml, picked up by openpyxl, refuses entity expansion (billion laughs)."""
    import zipfile

    data = write_xlsx([["01", date(2019, 5, 31), 10]], ["activity", "date", "percent_complete"])
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            body = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                body = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + body
            archive.writestr(name, body)
    with pytest.raises(SheetError) as raised:
        read_progress(out.getvalue(), ACTIVITIES)
    assert raised.value.code == "xlsx_unreadable"


def test_no_header_message_names_the_columns() -> None:
    with pytest.raises(SheetError, match="budget_line, date, amount, description, reference"):
        read_expenditures(b"x,y\n", BUDGET_LINES)


def test_too_many_rows() -> None:
    text = "activity,date,percent_complete\n" + "01,2019-05-31,10\n" * 6
    assert len(read_progress(text.encode(), ACTIVITIES, max_rows=6).rows) == 6
    with pytest.raises(SheetError) as raised:
        read_progress(text.encode(), ACTIVITIES, max_rows=5)
    assert raised.value.code == "too_many_rows"


@PROPERTY
@given(st.binary(max_size=400))
def test_any_bytes_give_a_result_or_a_sheet_error(data: bytes) -> None:
    for read, known in ((read_progress, ACTIVITIES), (read_expenditures, BUDGET_LINES)):
        try:
            result = read(data, known)
        except SheetError as exc:
            assert exc.code
        else:
            assert isinstance(result, SheetResult)


@PROPERTY
@given(
    st.lists(
        st.lists(
            st.text(alphabet=string.ascii_letters + string.digits + " \t\náéñ%Q,.;/\"'=-", max_size=12),
            max_size=8,
        ),
        max_size=6,
    ),
    st.sampled_from([",", ";"]),
)
def test_any_table_under_a_header_never_raises(rows: list[list[str]], delimiter: str) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(PROGRESS_COLUMNS)
    writer.writerows(rows)
    result = read_progress(out.getvalue().encode(), ACTIVITIES)
    assert {e.code for e in result.errors} <= ERROR_CODES
    assert {w.code for w in result.warnings} <= WARNING_CODES
    assert all(e.row >= 2 for e in result.errors)


# --- Keys ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("01", "1"),
        ("1", "1"),
        (" 001 ", "1"),
        ("A", "A"),
        ("a", "A"),
        (" m ", "M"),
        ("1.", "1"),
        ("02.01", "2.1"),
        ("0", "0"),
    ],
)
def test_normalise_key(written: str, key: str) -> None:
    assert normalise_key(written) == key


def test_describe_keys() -> None:
    assert describe_keys(ACTIVITIES) == "01–13 (A–M)"
    assert describe_keys(["1", "2", "3"]) == "1–3"
    assert describe_keys(["01", "02", "04", "05", "06", "09"]) == "01, 02, 04–06, 09"
    assert describe_keys(["A", "B"]) == "A, B"
    assert describe_keys(["2.1", "01"]) == "01, 2.1"
    assert describe_keys([]) == "none"


def test_keys_naming_two_targets_are_a_caller_bug() -> None:
    with pytest.raises(ValueError, match="different targets"):
        read_progress(b"activity,date,percent_complete\n", {"01": "x", "1": "y"})


def test_numeric_key_cells_in_xlsx() -> None:
    data = _workbook(
        [["budget_line", "date", "amount"], [1, date(2019, 5, 31), 5], [3.0, date(2019, 5, 31), 6]]
    )
    result = read_expenditures(data, BUDGET_LINES)
    assert [(r.budget_line, r.budget_line_key) for r in result.rows] == [("line-1", "1"), ("line-3", "3")]


# --- Writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+57 5555", "'+57 5555"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("\u202e=1+1", "'=1+1"),  # bidirectional controls go first: no formula hides behind one
        ("a\u2066b\u2069c\u200f", "abc\u200f"),  # the plain direction marks stay
        ("plain", "plain"),
        ("a=b", "a=b"),
        ("", ""),
        (-1, -1),
        (Decimal("-2.50"), Decimal("-2.50")),
        (None, None),
        (date(2019, 5, 31), date(2019, 5, 31)),
    ],
)
def test_safe_cell(value: object, written: object) -> None:
    assert safe_cell(value) == written


@given(st.text(max_size=20))
def test_what_safe_cell_writes_reads_back_as_written(text: str) -> None:
    written = safe_cell(text)
    assert not written.startswith(FORMULA_STARTS)
    assert unquote_cell(written) == without_bidi_controls(text)


def test_write_xlsx_writes_no_formula_and_real_cells() -> None:
    data = write_xlsx(
        [["01", date(2019, 5, 31), Decimal("32000.00"), '=HYPERLINK("http://x")', None]],
        ["budget_line", "date", "amount", "description", "reference"],
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == list(EXPENDITURE_COLUMNS)
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert sheet["B2"].value == datetime(2019, 5, 31)
    assert sheet["C2"].value == 32000 and sheet["C2"].number_format == "#,##0.00"
    assert sheet["D2"].data_type == "s" and sheet["D2"].value == '\'=HYPERLINK("http://x")'
    # Reading back undoes the protective prefix.
    result = read_expenditures(data, BUDGET_LINES)
    assert result.rows[0].description == '=HYPERLINK("http://x")'
    assert result.rows[0].amount == Decimal("32000.00")


def test_write_xlsx_template_reads_back_with_no_rows() -> None:
    result = read_progress(write_xlsx([], list(PROGRESS_COLUMNS)), ACTIVITIES)
    assert result.ok and result.rows == ()


# --- Round trips ---------------------------------------------------------------------------------

_text = (
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=30)
    .map(lambda text: BIDI_CONTROLS.sub("", text))  # write_xlsx removes them (safe_cell)
    .map(str.strip)
)
_days = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
_percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
_amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999999.99"), places=2)
_activity_keys = st.sampled_from([*sorted(ACTIVITIES), "a", "m", "001"])


@st.composite
def progress_rows(draw: st.DrawFn) -> list[object]:
    start = draw(st.none() | _days)
    end = None if start is None else draw(st.none() | st.dates(min_value=start, max_value=date(2099, 12, 31)))
    status = draw(st.sampled_from(["", *STATUSES, "En curso", "Completada", "RETRASADA"]))
    return [draw(_activity_keys), draw(_days), draw(_percents), status, start, end, draw(_text)]


def _expected_status(row: list[object]) -> str:
    written, percent = row[3], row[2]
    assert isinstance(written, str) and isinstance(percent, Decimal)
    if not written:
        return "planned" if percent == 0 else "done" if percent == 100 else "in_progress"
    return {"En curso": "in_progress", "Completada": "done", "RETRASADA": "delayed"}.get(written, written)


@PROPERTY
@given(st.lists(progress_rows(), min_size=1, max_size=8))
def test_progress_rows_round_trip_through_write_xlsx(rows: list[list[object]]) -> None:
    result = read_progress(write_xlsx(rows, list(PROGRESS_COLUMNS)), ACTIVITIES)
    assert result.ok, result.errors
    assert len(result.rows) == len(rows)
    for number, (row, read) in enumerate(zip(rows, result.rows, strict=True), start=2):
        assert read.row == number
        assert read.activity == BY_KEY[normalise_key(str(row[0]))]
        assert (read.day, read.percent, read.actual_start, read.actual_end) == (
            row[1],
            row[2],
            row[4],
            row[5],
        )
        assert read.status == _expected_status(row)
        assert read.note == row[6]


@st.composite
def expenditure_rows(draw: st.DrawFn) -> list[object]:
    amount = draw(_amounts)
    written = draw(st.sampled_from(["decimal", "grouped", "sign"]))
    cell: object = amount
    if written == "grouped":
        cell = f"{amount:,.2f}"
    elif written == "sign":
        cell = f"Q {amount:,.2f}"
    return [
        draw(st.sampled_from([*sorted(BUDGET_LINES), "1", "3"])),
        draw(_days),
        cell,
        draw(_text),
        draw(_text),
    ]


@PROPERTY
@given(st.lists(expenditure_rows(), min_size=1, max_size=8))
def test_expenditure_rows_round_trip_through_write_xlsx(rows: list[list[object]]) -> None:
    result = read_expenditures(write_xlsx(rows, list(EXPENDITURE_COLUMNS)), BUDGET_LINES)
    assert result.ok, result.errors
    for row, read in zip(rows, result.rows, strict=True):
        assert read.budget_line == BUDGET_LINES[str(row[0]).zfill(2)]
        assert read.day == row[1]
        amount = row[2] if isinstance(row[2], Decimal) else Decimal(str(row[2]).lstrip("Q ").replace(",", ""))
        assert read.amount == amount
        assert (read.description, read.reference) == (row[3], row[4])


@PROPERTY
@given(
    st.lists(progress_rows(), min_size=1, max_size=6),
    st.sampled_from([(",", "utf-8"), (";", "utf-8-sig"), (";", "cp1252"), ("\t", "utf-16")]),
)
def test_progress_rows_round_trip_through_csv(rows: list[list[object]], dialect: tuple[str, str]) -> None:
    delimiter, encoding = dialect
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(PROGRESS_COLUMNS)
    for row in rows:
        note = str(row[6]).encode(encoding, errors="ignore").decode(encoding)
        writer.writerow(
            [
                row[0],
                f"{row[1]:%d/%m/%Y}",
                f"{row[2]}%".replace(".", "," if delimiter == ";" else "."),
                row[3],
                "" if row[4] is None else row[4],
                "" if row[5] is None else row[5],
                safe_cell(note),
            ]
        )
    result = read_progress(out.getvalue().encode(encoding), ACTIVITIES)
    assert result.ok, result.errors
    assert result.delimiter == delimiter
    assert [(r.day, r.percent, r.status) for r in result.rows] == [
        (row[1], row[2], _expected_status(row)) for row in rows
    ]


# --- Limits (the bombs themselves are in tests/security/test_sheet_bombs.py) ----------------------


def test_blank_lines_count_toward_the_row_limit() -> None:
    from cocrea.computations.sheets import row_limit

    assert row_limit() == 20_000 and row_limit(5) == 1_005
    head = "activity,date,percent_complete\n01,2019-05-31,10\n"
    assert len(read_progress((head + "\n" * 1_003).encode(), ACTIVITIES, max_rows=5).rows) == 1
    with pytest.raises(SheetError) as raised:
        read_progress((head + "\n" * 1_004).encode(), ACTIVITIES, max_rows=5)
    assert raised.value.code == "too_many_blank_rows"
    assert raised.value.params == {"limit": 1_005, "data_limit": 5}


def test_blank_rows_count_toward_the_row_limit_in_a_workbook() -> None:
    rows: list[list[object]] = [["01", "2019-05-31", 10], *[[None, None, None]] * 1_002, ["", "", " "]]
    data = write_xlsx(rows, ["activity", "date", "percent_complete"])
    assert len(read_progress(data, ACTIVITIES, max_rows=5).rows) == 1
    rows.append([None, None, "x"])
    with pytest.raises(SheetError) as raised:
        read_progress(write_xlsx(rows, ["activity", "date", "percent_complete"]), ACTIVITIES, max_rows=5)
    assert raised.value.code == "too_many_blank_rows"


def test_blank_cells_beyond_the_columns_are_dropped_and_values_there_refused() -> None:
    from cocrea.computations.sheets import MAX_COLUMNS

    wide = "activity,date,percent_complete\n01,2019-05-31,10" + ", " * (MAX_COLUMNS * 3) + "\n"
    assert [r.row for r in progress(wide).rows] == [2]
    with pytest.raises(SheetError) as raised:
        progress("activity,date,percent_complete\n01,2019-05-31,10" + "," * MAX_COLUMNS + "x\n")
    assert raised.value.code == "too_many_columns"
    assert (raised.value.params["row"], raised.value.params["column"]) == (2, "CY")


def test_a_value_beyond_the_columns_of_a_workbook() -> None:
    from cocrea.computations.sheets import MAX_COLUMNS

    row: list[object] = ["01", "2019-05-31", 10, *[None] * (MAX_COLUMNS - 4), "last"]
    result = read_progress(write_xlsx([row], ["activity", "date", "percent_complete"]), ACTIVITIES)
    assert result.ok and [w.code for w in result.warnings] == ["value_outside_columns"]
    with pytest.raises(SheetError) as raised:
        read_progress(write_xlsx([[*row, "beyond"]], ["activity", "date", "percent_complete"]), ACTIVITIES)
    assert raised.value.code == "too_many_columns"
    assert (raised.value.params["row"], raised.value.params["column"]) == (2, "CW")


def test_a_cell_longer_than_excel_allows() -> None:
    import zipfile

    from cocrea.computations.sheets import MAX_CELL_CHARS

    head = "activity,date,percent_complete,note\n01,2019-05-31,10,"
    assert progress(head + "n" * MAX_CELL_CHARS + "\n").rows[0].note == "n" * MAX_CELL_CHARS
    # openpyxl cuts what it writes at Excel's limit: lengthen the cell inside the workbook.
    written = write_xlsx(
        [["01", "2019-05-31", 10, "n" * MAX_CELL_CHARS]], ["activity", "date", "pct", "note"]
    )
    source, out = zipfile.ZipFile(io.BytesIO(written)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name).replace(b"nnnn<", b"nnnnn<"))
    for data in ((head + "n" * (MAX_CELL_CHARS + 1) + "\n").encode(), out.getvalue()):
        with pytest.raises(SheetError) as raised:
            read_progress(data, ACTIVITIES)
        assert raised.value.code == "cell_too_long"
        assert raised.value.params == {"limit": MAX_CELL_CHARS, "row": 2}


def test_a_long_comma_line_is_not_taken_for_one_huge_semicolon_cell() -> None:
    """Choosing the delimiter, ``;`` read this line as one 160,000-character cell: csv_unreadable."""
    extra = ",".join("x" * 30_000 for _ in range(5))
    text = "activity,date,percent_complete,n1,n2,n3,n4,n5\n01,2019-05-31,10," + extra + "\n"
    result = progress(text)
    assert result.delimiter == "," and [r.row for r in result.rows] == [2]


def test_zip_limits_are_checked_on_the_sizes_the_archive_declares() -> None:
    import zipfile

    from cocrea.computations.archives import ZipLimits, ZipTooLarge, check_zip_sizes

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b" " * 3_000)
        archive.writestr("b.bin", b"\0" * 2_000)
        archive.writestr("c.rels", b" " * 1_000)
    infos = zipfile.ZipFile(out).infolist()
    check_zip_sizes(infos, ZipLimits(entries=3, total=6_000, member=3_000, markup=4_000))
    for limits, reason, found in (
        (ZipLimits(entries=2, total=10**9), "entries", 3),
        (ZipLimits(entries=9, total=10**9, member=2_999), "member", 3_000),
        (ZipLimits(entries=9, total=5_999), "total", 6_000),
        (ZipLimits(entries=9, total=10**9, markup=3_999), "markup", 4_000),
    ):
        with pytest.raises(ZipTooLarge) as raised:
            check_zip_sizes(infos, limits)
        assert (raised.value.reason, raised.value.found) == (reason, found)
    assert raised.value.member == "" and "markup" in str(raised.value)
