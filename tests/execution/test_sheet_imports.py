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
    assert "faltan columnas" in out


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
