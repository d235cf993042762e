"""cocrea import-progress / import-expenditures: exact figures, or an exact error report."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.budget.models import Expenditure
from cocrea.computations.sheets import write_xlsx
from cocrea.plans.models import ProgressEntry

pytestmark = pytest.mark.django_db

PROGRESS_HEADER = "activity,date,percent_complete,status,actual_start,actual_end,note\n"


def run(command, path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command(command, str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_progress_from_csv(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(
        PROGRESS_HEADER
        + "01,2019-04-30,100,completada,2019-04-01,2019-04-30,Plan aprobado\n"
        + "B,31/05/2019,45%,En Curso,2019-05-02,,\n"
        + "3,2019-06-28,20,,,,\n",
        encoding="utf-8",
    )
    status, out, err = run("import_progress", path)
    assert status == 0, out + err
    entries = {e.activity.number: e for e in ProgressEntry.objects.select_related("activity")}
    assert entries[1].status == "done" and entries[1].percent_complete == 100
    assert entries[2].status == "in_progress" and entries[2].percent_complete == Decimal("45")
    assert entries[3].status == "in_progress"  # derived from the percent
    assert "3 filas importadas" in out


def test_bad_progress_rows_are_all_reported_and_nothing_is_written(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(
        PROGRESS_HEADER
        + "01,2019-04-30,100,completada,,,\n"
        + "14,2019-05-31,10,,,,\n"
        + "02,2019-05-31,120,,,,\n"
        + "03,31 de junio,10,,,,\n"
        + "04,2019-07-31,10,volando,,,\n",
        encoding="utf-8",
    )
    status, out, _err = run("import_progress", path, "--format", "json")
    assert status == 1
    report = json.loads(out)
    assert [(e["row"], e["code"]) for e in report["errors"]] == [
        (3, "unknown_activity"),
        (4, "percent_out_of_range"),
        (5, "date_unreadable"),
        (6, "status_unknown"),
    ]
    assert "01–13 (A–M)" in report["errors"][0]["message"]
    assert "Fila 3" in report["errors"][0]["message"]
    assert not ProgressEntry.objects.exists()


def test_a_workflow_violation_rolls_back_the_whole_file(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(
        PROGRESS_HEADER + "01,2019-04-15,50,,,,\n01,2019-04-30,100,,,,\n01,2019-05-10,60,en curso,,,\n",
        encoding="utf-8",
    )
    status, out, _ = run("import_progress", path, "--format", "json")
    assert status == 1
    (error,) = json.loads(out)["errors"]
    assert error["row"] == 4 and error["code"] == "workflow"
    assert not ProgressEntry.objects.exists()


def test_wrong_columns(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text("actividad,fecha\n01,2019-04-30\n", encoding="utf-8")
    status, out, _ = run("import_progress", path)
    assert status == 1
    assert "falta la columna obligatoria percent_complete" in out


def test_expenditures_from_xlsx_with_thousands_separators(tmp_path, milestone):
    path = tmp_path / "gastos.xlsx"
    path.write_bytes(
        write_xlsx(
            [
                ["01", "2019-04-30", "32,000.00", "Asesores abril", "CUR-1"],
                ["3", "2019-05-15", "Q 3,200.50", "Papel", ""],
            ],
            ["budget_line", "date", "amount", "description", "reference"],
        )
    )
    status, out, err = run("import_expenditures", path)
    assert status == 0, out + err
    amounts = sorted(Expenditure.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("3200.50"), Decimal("32000.00")]


def test_bad_expenditures_write_nothing(tmp_path, milestone):
    path = tmp_path / "gastos.csv"
    path.write_text(
        'budget_line,date,amount,description,reference\n01,2019-04-30,"32,000.00",Asesores,\n09,2019-04-30,10,x,\n02,2019-04-30,-5,y,\n',
        encoding="utf-8",
    )
    status, out, _ = run("import_expenditures", path, "--format", "json")
    assert status == 1
    assert [(e["row"], e["code"]) for e in json.loads(out)["errors"]] == [
        (3, "unknown_budget_line"),
        (4, "amount_not_positive"),
    ]
    assert not Expenditure.objects.exists()


def test_not_a_spreadsheet(tmp_path, milestone):
    path = tmp_path / "foto.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    status, _, err = run("import_progress", path)
    assert status == 2
    assert "hoja de cálculo" in err


def test_check_only_validates(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(PROGRESS_HEADER + "01,2019-04-30,100,,,,\n", encoding="utf-8")
    status, out, _ = run("import_progress", path, "--check")
    assert status == 0 and "no se escribió nada" in out
    assert not ProgressEntry.objects.exists()


# --- Messages: whole sentences, in Spanish or in English, once each -------------------------------


def test_an_unknown_status_is_explained_in_a_whole_sentence(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(PROGRESS_HEADER + "01,2019-04-30,50,volando,,,\n", encoding="utf-8")
    status, out, err = run("import_progress", path)
    assert status == 1
    assert out.splitlines() == [
        "Fila 2, columna «status»: estado desconocido «volando»; se espera planificada, en curso, "
        "completada, retrasada o cancelada, o la celda vacía para deducirlo del avance."
    ]
    assert err.strip() == "No se importó nada: 1 error. Corrija el archivo y vuelva a intentarlo."


def test_missing_columns_are_named(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text("actividad,fecha\n01,2019-04-30\n", encoding="utf-8")
    assert run("import_progress", path)[1].splitlines() == [
        "Fila 1: falta la columna obligatoria percent_complete; la fila de encabezados debe nombrar "
        "activity, date, percent_complete."
    ]
    path.write_text("budget_line,descripcion\n01,x\n", encoding="utf-8")
    assert run("import_expenditures", path)[1].splitlines() == [
        "Fila 1: faltan las columnas obligatorias date, amount; la fila de encabezados debe nombrar "
        "budget_line, date, amount."
    ]


def test_a_status_the_workflow_refuses_keeps_its_reason(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(PROGRESS_HEADER + "01,2019-04-30,50,retrasada,,,\n", encoding="utf-8")
    status, out, _ = run("import_progress", path)
    assert status == 1
    assert out.splitlines() == [
        "Fila 2, columna «status»: indique el motivo: es obligatorio para «Retrasada»."
    ]
    status, out, _ = run("import_progress", path, "--lang", "en")
    assert out.splitlines() == ["Row 2, column “status”: give the reason: it is required for “Delayed”."]
    assert not ProgressEntry.objects.exists()


def test_lang_en_prints_each_message_once_in_english(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_text(
        PROGRESS_HEADER.strip() + ",responsable\n01,2019-04-30,50,volando,,,,INAP\n02,2019-04-31,50,,,,,\n",
        encoding="utf-8",
    )
    status, out, err = run("import_progress", path, "--lang", "en")
    assert status == 1
    assert out.splitlines() == [
        "Row 2, column “status”: unknown status “volando”; expected planned, in progress, done, delayed or "
        "cancelled, or an empty cell to derive it from the percent complete.",
        "Row 3, column “date”: “2019-04-31” is not a date that exists.",
        "Warning, row 1: the columns “responsable” were ignored: they are not imported.",
    ]
    assert err.splitlines() == ["Nothing was imported: 2 errors. Correct the file and try again."]
    status, out, err = run("import_progress", path, "--lang", "en", "--format", "json")
    report = json.loads(out)
    assert [e["message"] for e in report["errors"]] == [
        "Row 2, column “status”: unknown status “volando”; expected planned, in progress, done, delayed or "
        "cancelled, or an empty cell to derive it from the percent complete.",
        "Row 3, column “date”: “2019-04-31” is not a date that exists.",
    ]
    assert [w["message"] for w in report["warnings"]] == [
        "Warning, row 1: the columns “responsable” were ignored: they are not imported."
    ]
    path.write_text("budget_line,date,amount\n01,2019-04-30,-5\n", encoding="utf-8")
    status, out, err = run("import_expenditures", path, "--lang", "en")
    assert out.splitlines() == ["Row 2, column “amount”: the amount must be greater than zero (read -5.00)."]
    assert err.splitlines() == ["Nothing was imported: 1 error. Correct the file and try again."]


def test_a_file_refused_whole_is_explained_in_the_language_asked(tmp_path, milestone):
    path = tmp_path / "avance.csv"
    path.write_bytes(b"activity,date,percent_complete\n" + b"\n" * 30_000)
    status, _, err = run("import_progress", path)
    assert status == 2
    assert err.strip() == (
        f"{path}: El archivo tiene más de 20,000 filas contando las vacías (como máximo 10,000 con datos): "
        "borre las filas vacías que sobran debajo de los datos."
    )
    status, _, err = run("import_progress", path, "--lang", "en")
    assert err.strip() == (
        f"{path}: The file has more than 20,000 rows counting the empty ones (at most 10,000 with data): "
        "delete the surplus empty rows below the data."
    )


# Every code the readers give, with the params they give it.
ROW_ERRORS = {
    "missing_column": {"columns": ["date", "amount"], "required": ["budget_line", "date", "amount"]},
    "duplicate_column": {"header": "Fecha", "first": "date", "cell": "C1"},
    "required": {"header": "fecha", "cell": "B2"},
    "unknown_activity": {"header": "actividad", "key": "14", "known": "01–13 (A–M)"},
    "unknown_budget_line": {"key": "9", "known": "01–03"},
    "date_unreadable": {"forms": ["2019-05-31"]},
    "date_invalid": {"forms": ["2019-05-31"]},
    "percent_unreadable": {},
    "percent_out_of_range": {"percent": "120"},
    "status_unknown": {"statuses": ["planned"]},
    "end_before_start": {"actual_start": "2019-05-02", "actual_end": "2019-05-01"},
    "amount_unreadable": {},
    "amount_not_positive": {"amount": "-5.00"},
    "too_many_cells": {"cells": 6, "width": 5, "extra": ["000.00"]},
    "amount_split": {"cells": ["32", "000.00"]},
    "unknown_indicator": {"key": "Z", "known": "F, G"},
    "number_unreadable": {},
    "evidence_not_a_link": {},
    "duplicate_measurement": {"first_row": 2},
    "meeting_unreadable": {"known": "0–3, final"},
    "unknown_meeting": {"key": "7", "known": "0–3, final"},
    "name_invalid": {},
    "email_invalid": {},
    "organization_kind_unknown": {"kinds": ["government"]},
    "gender_unknown": {"genders": ["female"]},
    "gender_ambiguous": {"genders": ["female"]},
    "department_unknown": {"departments": ["Alta Verapaz", "Zacapa"]},
    "workflow": {"reason": "The service's own sentence, already in the reader's language."},
}
ROW_WARNINGS = {
    "extra_columns": ("", {"columns": ["responsable", "obs"]}),
    "rows_before_header": ("", {"rows": [1, 2]}),
    "other_sheets_ignored": ("", {"read": "avance", "ignored": ["Hoja2"]}),
    "value_outside_columns": ("", {"cells": ["H5"], "values": ["x"]}),
    "no_rows": ("", {}),
    "status_percent_mismatch": ("status", {"status": "done", "percent": "40"}),
    "duplicate_row": ("activity", {"first_row": 3}),
    "duplicate_reference": ("reference", {"reference": "CUR-1", "first_row": 3}),
    "gender_hm_letters": ("gender", {}),
    "duplicate_person": ("email", {"first_row": 3, "by": "email"}),
}
SHEET_ERRORS = {
    "empty_file": {},
    "binary_file": {},
    "xls_not_supported": {},
    "xlsx_unreadable": {},
    "undecodable": {},
    "csv_unreadable": {"row": 7},
    "no_header": {"columns": ["activity", "date", "percent_complete"]},
    "too_many_rows": {"limit": 10_000},
    "too_many_blank_rows": {"limit": 20_000, "data_limit": 10_000},
    "too_many_columns": {"limit": 100, "last": "CV", "row": 5, "column": "XFD"},
    "cell_too_long": {"limit": 32_767, "row": 5},
    "xlsx_too_large": {"reason": "member", "limit": 20_000_000, "found": 400_000_000},
    "xlsx_too_complex": {"limit": 400_000},
}


def test_every_code_is_worded_as_a_whole_sentence_in_spanish_and_in_english():
    from django.utils import translation

    from cocrea.computations import attendance_sheet, sheets
    from cocrea.computations.sheets import RowError, RowWarning, SheetError
    from cocrea.plans.sheet_messages import describe_row_error, describe_row_warning, describe_sheet_error

    assert set(ROW_ERRORS) == sheets.ERROR_CODES | attendance_sheet.ERROR_CODES | {"workflow"}
    assert set(ROW_WARNINGS) == sheets.WARNING_CODES | attendance_sheet.WARNING_CODES
    assert set(SHEET_ERRORS) == sheets.SHEET_ERROR_CODES
    problems = [
        *(RowError(2, "date", "31/02/2019", "English", code, params) for code, params in ROW_ERRORS.items()),
        *(
            RowWarning(2, column, "x", "English", code, params)
            for code, (column, params) in ROW_WARNINGS.items()
        ),
        *(SheetError(code, "English", **params) for code, params in SHEET_ERRORS.items()),
    ]

    def describe(problem: object) -> str:
        if isinstance(problem, RowError):
            return describe_row_error(problem)
        if isinstance(problem, RowWarning):
            return describe_row_warning(problem)
        assert isinstance(problem, SheetError)
        return describe_sheet_error(problem)

    worded: dict[str, list[str]] = {}
    for language in ("es", "en"):
        with translation.override(language):
            worded[language] = [describe(problem) for problem in problems]
    for spanish, english in zip(worded["es"], worded["en"], strict=True):
        for sentence in (spanish, english):
            assert sentence.endswith(".") and not sentence.endswith(".."), sentence
            assert "%(" not in sentence and ": ." not in sentence and "«»" not in sentence, sentence
            assert "English" not in sentence and "expected" not in sentence.replace("; expected", ""), (
                sentence
            )
        assert spanish != english
        assert not any(word in english for word in ("Fila", "columna", "Aviso", "se espera", "«")), english
        assert not any(word in spanish for word in ("Row ", "column ", "Warning", "“")), spanish
