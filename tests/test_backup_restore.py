"""Backup → restore into an empty database → identical rows in every table."""

from __future__ import annotations

from io import StringIO

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
