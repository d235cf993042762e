"""`cocrea import-plan` and `cocrea load-demo` as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cocrea.cli import main as cocrea_main
from cocrea.plans.models import Activity, Milestone

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_plan", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_check_json_on_the_seed(seed_path):
    status, out, _ = run(str(seed_path), "--check", "--format", "json")
    assert status == 0
    report = json.loads(out)
    assert report["commitment"]["number"] == "11"
    assert report["commitment"]["title"]
    assert report["milestone"]["number"] == "1"
    assert report["period"] == {"start": "2018-11", "end": "2020-08"}
    assert report["counts"] == {
        "general_objectives": 1,
        "specific_objectives": 4,
        "indicators": 5,
        "activities": 13,
        "strategies": 5,
        "budget_lines": 3,
        "schedule_events": 17,
    }
    assert report["budget"] == {"currency": "GTQ", "lines_total": "570075.00", "stated_total": "570075.00"}
    (finding,) = report["findings"]
    assert finding["severity"] == "warning"
    assert finding["code"] == "activity.out_of_sequence"
    assert (finding["section"], finding["item"], finding["line"]) == ("VI", "12", 70)
    assert "marzo de 2020" in finding["message"]
    assert not Milestone.objects.exists(), "--check must not write"


def test_check_messages_in_english(seed_path):
    _status, out, _ = run(str(seed_path), "--check", "--format", "json", "--lang", "en")
    finding = json.loads(out)["findings"][0]
    assert "March 2020" in finding["message"]


def test_text_format_and_import(seed_path):
    status, out, _ = run(str(seed_path))
    assert status == 0
    assert "13" in out and "Q 570,075.00" in out
    assert Activity.objects.count() == 13


def test_arithmetic_error_exits_1(tmp_path: Path, seed_text: str):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(seed_text.replace("Q.544,000.00", "Q.545,000.00"), encoding="utf-8")
    status, out, _ = run(str(wrong), "--check", "--format", "json")
    assert status == 1
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert {"budget.line_arithmetic", "budget.total_mismatch"} <= codes


def test_strict_refuses_a_plan_with_errors(tmp_path: Path, seed_text: str):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(seed_text.replace("Q.544,000.00", "Q.545,000.00"), encoding="utf-8")
    status, _, err = run(str(wrong), "--strict")
    assert status == 1
    assert "--strict" in err
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    ("content", "expected_line", "fragment"),
    [
        (b"", 1, "vacío"),
        (b"\x00\x01\x02binary\x00", 1, "binario"),
        ("Querida tía:\nte escribo para contarte...\n".encode(), 1, "no es un plan"),
    ],
)
def test_unreadable_files_exit_2_naming_the_line(tmp_path, content, expected_line, fragment):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    status, out, err = run(str(path))
    assert status == 2
    assert f"Línea {expected_line}:" in err
    assert fragment in err
    assert "Traceback" not in err + out
    assert not Milestone.objects.exists()


def test_a_cut_plan_names_the_line_and_what_was_expected(tmp_path, seed_text):
    path = tmp_path / "cut.txt"
    path.write_text("\n".join(seed_text.split("\n")[:40]), encoding="utf-8")
    status, out, _err = run(str(path), "--format", "json")
    assert status == 2
    error = json.loads(out)["error"]
    assert error["line"] == 40
    assert (
        "ESTRATEGIAS" in error["message"]
        or "RESPONSABILIDADES" in error["message"]
        or "RECURSOS" in error["message"]
    )


def test_missing_file_exits_2(tmp_path):
    status, _, err = run(str(tmp_path / "nope.txt"))
    assert status == 2
    assert "nope.txt" in err


def test_load_demo_imports_only_into_an_empty_database():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Milestone.objects.count() == 8  # Commitment 11: milestone 1's work plan, 2 to 8 tracked directly
    call_command("load_demo", stdout=out)
    assert Milestone.objects.count() == 8
    assert "ya tiene planes" in out.getvalue()


def test_cli_maps_dashed_names_to_commands(seed_path, capsys):
    cocrea_main(["cocrea", "import-plan", str(seed_path), "--check", "--format", "json"])
    assert json.loads(capsys.readouterr().out)["counts"]["schedule_events"] == 17


def test_console_script_runs_as_a_process(seed_path):
    result = subprocess.run(
        [sys.executable, "-m", "cocrea.cli", "import-plan", str(seed_path), "--check", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["activities"] == 13
