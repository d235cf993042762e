"""Backup → restore into an empty database → identical rows in every table."""

from __future__ import annotations

import os
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from cocrea.audit.context import acting_as
from cocrea.plans import services


def every_row() -> dict[str, list[tuple]]:
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        rows[model._meta.db_table] = sorted(
            tuple(str(v) for v in row) for row in model._base_manager.values_list()
        )
    return rows


def empty_every_table() -> None:
    from django.db import connection

    tables = [m._meta.db_table for m in apps.get_models(include_auto_created=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables) + " CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_identical_rows(
    tmp_path, seed_bytes, django_user_model
):
    user = django_user_model.objects.create_user("ana", "ana@inap.gob.gt", "x-Strong-Pass-42")
    with acting_as(user, "import"):
        services.import_plan(seed_bytes, filename="seed.txt", publish=True)
    before = every_row()
    assert sum(len(rows) for rows in before.values()) > 150
    target = tmp_path / "cocrea.backup"
    call_command("backup", str(target), stdout=StringIO())
    assert target.stat().st_size > 10_000
    assert stat.S_IMODE(target.stat().st_mode) == 0o600, "only the owner reads a backup"
    empty_every_table()
    assert sum(len(rows) for rows in every_row().values()) == 0
    call_command("restore", str(target), "--yes", stdout=StringIO())
    assert every_row() == before


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"this is not a database")
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--yes", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "missing"), "--yes", stdout=StringIO())


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive umask: the backup's own mode must not depend on the caller's."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.mark.django_db(transaction=True)  # SQLite's backup waits forever for a write transaction
def test_a_backup_is_readable_by_its_owner_only_even_over_an_existing_file(tmp_path, open_umask):
    fresh = tmp_path / "fresh.backup"
    call_command("backup", str(fresh), stdout=StringIO())
    assert mode(fresh) == 0o600
    existing = tmp_path / "existing.backup"
    existing.write_bytes(b"an older copy")
    existing.chmod(0o666)  # world-readable and writable, as a careless copy left it
    call_command("backup", str(existing), stdout=StringIO())
    assert mode(existing) == 0o600
    assert existing.read_bytes() != b"an older copy"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.backup", "fresh.backup"], "no leftovers"


class FakePostgres:
    vendor = "postgresql"
    settings_dict = {
        "NAME": "cocrea",
        "USER": "cocrea",
        "PASSWORD": "s3cr:et\\pass word",
        "HOST": "db.internal",
        "PORT": "5432",
    }

    def ensure_connection(self):
        pass

    def close(self):
        pass


@pytest.fixture
def fake_postgres(monkeypatch):
    """A PostgreSQL connection with a password, and pg_dump/pg_restore that record what they get."""
    from cocrea.core import backups

    monkeypatch.setattr(backups, "connections", {"default": FakePostgres()})
    monkeypatch.setattr(backups, "_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setenv("PGPASSWORD", "an-operator-password")
    calls = []

    def run(arguments, **kwargs):
        environment = kwargs["env"]
        passfile = Path(environment["PGPASSFILE"])
        calls.append(
            {
                "arguments": list(arguments),
                "environment": environment,
                "passfile": passfile,
                "passfile_mode": mode(passfile),
                "passfile_text": passfile.read_text(),
            }
        )
        for argument in arguments:  # pg_dump writes its output where it is told
            if argument.startswith("--file="):
                Path(argument.removeprefix("--file=")).write_bytes(b"PGDMP")
        return subprocess.CompletedProcess(arguments, 0, "", "")

    monkeypatch.setattr(backups.subprocess, "run", run)
    return calls


def test_the_postgresql_password_is_never_on_the_command_line(tmp_path, fake_postgres, open_umask):
    from cocrea.core import backups

    password = FakePostgres.settings_dict["PASSWORD"]
    target = tmp_path / "cocrea.backup"
    backups.backup(target)
    backups.restore(target)
    assert [Path(call["arguments"][0]).name for call in fake_postgres] == ["pg_dump", "pg_restore"]
    for call in fake_postgres:
        command_line = " ".join(call["arguments"])
        assert password not in command_line
        assert "s3cr" not in command_line
        assert "--dbname=postgresql://cocrea@db.internal:5432/cocrea" in call["arguments"]
        # The password travels in a private, temporary password file (":" and "\\" escaped)...
        assert call["passfile_mode"] == 0o600
        assert call["passfile_text"] == "*:*:*:*:s3cr\\:et\\\\pass word\n"
        # ...which nothing in the environment overrides, and which is gone afterwards.
        assert "PGPASSWORD" not in call["environment"]
        assert not call["passfile"].exists()
    assert mode(target) == 0o600
