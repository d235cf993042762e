"""An import killed with SIGKILL part-way leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def big_plan(seed_text: str, extra: int = 4000) -> str:
    """The seed with thousands more schedule rows: an import that takes seconds."""
    months = ["may-19", "jun-19", "jul-19", "ago-19", "sep-19", "oct-19"]
    rows = [f"\tTaller de validación {n}\t{months[n % len(months)]}" for n in range(1, extra)]
    return seed_text.rstrip("\n") + "\n" + "\n".join(rows) + "\n"


def cocrea(env: dict[str, str], *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cocrea.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        **kwargs,
    )


def run(env, *args):
    process = cocrea(env, *args)
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err.decode()
    return out.decode()


def counts_sqlite(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


@pytest.mark.slow
def test_sigkill_during_an_import_changes_nothing(tmp_path, seed_path, seed_text):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite file database is the embedded default this test protects")
    env = {**os.environ, "COCREA_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    env.pop("DATABASE_URL")
    run(env, "migrate", "--noinput")
    run(env, "import-plan", str(seed_path))
    database = tmp_path / "cocrea.sqlite3"
    before = counts_sqlite(database)
    assert before["participation_meeting"] == 17

    big = tmp_path / "big.txt"
    big.write_text(big_plan(seed_text), encoding="utf-8")
    process = cocrea(env, "import-plan", str(big))
    wal = tmp_path / "cocrea.sqlite3-wal"
    baseline = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("the import finished before it could be killed: make the plan bigger")
        if wal.exists() and wal.stat().st_size > baseline + 64 * 1024:
            break  # the import is writing its transaction
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert counts_sqlite(database) == before


@pytest.mark.slow
def test_sigkill_during_an_import_changes_nothing_on_postgresql(seed_path, seed_text, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL")
    import psycopg

    settings = connection.settings_dict
    host, port = settings["HOST"] or "localhost", settings["PORT"] or 5432
    admin_url = f"postgresql://{settings['USER']}@{host}:{port}/postgres"
    name = "cocrea_crash_test"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DATABASE_URL": url.replace("postgresql://", "postgres://")}
    try:
        run(env, "migrate", "--noinput")
        run(env, "import-plan", str(seed_path))

        def counts() -> dict[str, int]:
            with psycopg.connect(url) as db:
                tables = [
                    r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
                ]
                return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}

        before = counts()
        big = tmp_path / "big.txt"
        big.write_text(big_plan(seed_text), encoding="utf-8")
        process = cocrea(env, "import-plan", str(big))
        deadline = time.monotonic() + 60
        with psycopg.connect(admin_url, autocommit=True) as watcher:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    pytest.fail("the import finished before it could be killed")
                busy = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                    "AND xact_start < now() - interval '300 milliseconds'",
                    [name],
                ).fetchone()[0]
                if busy:
                    break
                time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        time.sleep(0.5)  # the server notices the dead client and rolls back
        assert counts() == before
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
