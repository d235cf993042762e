"""``cocrea --help`` (issue #12, section 10): Cocrea's own commands first, by the dashed names
people type, each with its one line of help, ``serve`` among them; Django's commands after."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.management import get_commands

from cocrea.cli import main

OWN = sorted(name for name, app in get_commands().items() if app.startswith("cocrea."))


def run(capsys, *args):
    main(["cocrea", *args])
    return capsys.readouterr().out


@pytest.fixture
def overview(capsys):
    return run(capsys, "--help")


def own_section(text):
    return text[text.index("Comandos de Cocrea:") : text.index("Comandos de Django")]


def test_cocreas_commands_come_first_by_their_dashed_names(overview):
    own = own_section(overview)
    assert overview.index("Comandos de Cocrea:") < overview.index("Comandos de Django")
    for name in OWN:
        assert f"\n  {name.replace('_', '-')} " in own, name
    assert "import_plan" not in overview
    assert "load_demo" not in overview
    for word in ("import-plan", "load-demo", "daily", "serve"):
        assert f"\n  {word} " in own


def test_each_command_has_its_one_line_of_help(overview):
    own = own_section(overview)
    lines = {line.split()[0]: line for line in own.splitlines() if line.startswith("  ")}
    assert "Importa (o solo revisa, con --check) un plan de trabajo en texto." in lines["import-plan"]
    assert "plan de demostración" in lines["load-demo"]
    assert "http://127.0.0.1:" in lines["serve"]
    assert "«daily»" in lines["send-reminders"]  # an alias says what it stands for
    assert all(len(line.split(maxsplit=1)) == 2 for line in lines.values()), lines


def test_djangos_commands_follow(overview):
    django_part = overview[overview.index("Comandos de Django") :]
    for name in ("migrate", "createsuperuser", "runserver", "shell"):
        assert f"    {name}\n" in django_part
    assert "import_plan" not in django_part and "import-plan" not in django_part


@pytest.mark.parametrize("args", [(), ("help",), ("-h",)])
def test_every_way_of_asking_gives_the_same_overview(capsys, overview, args):
    assert run(capsys, *args) == overview


def test_help_for_one_command_accepts_its_dashed_name(capsys):
    text = run(capsys, "help", "import-plan")
    assert "--check" in text
    text = run(capsys, "help", "serve")
    assert "--dev" in text and "--workers" in text  # the production server's options (issue #14)


def test_the_console_command_prints_the_overview_as_a_process():
    result = subprocess.run(
        [sys.executable, "-m", "cocrea.cli", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2] == "Comandos de Cocrea:"
    assert "  import-plan " in result.stdout
