"""The load scenario (``bench/load.py``, #14) for a few seconds at a few users: a live production
server (``cocrea serve``, two processes) and a worker on PostgreSQL and Redis, readers, a citizen
and a coordinator at once; nothing fails, every accepted write is in the database and every email
arrives once. It measures nothing (the figures are the benchmark's). It runs in the PostgreSQL pass
of the suite only, on its own database (``cocrea_load_test``) and task queue (the database's), with
Redis DB 9 as the cache under the run's own key prefix: a benchmark run at the same time (RQ on
DB 10) is left alone."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = pytest.mark.slow


def test_a_short_load_run_loses_nothing_and_sends_each_email_once(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the load scenario runs on PostgreSQL, in the suite's PostgreSQL pass")
    if importlib.util.find_spec("locust") is None:
        pytest.skip("locust is not installed (pip install -e '.[dev]')")
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/9").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    result = tmp_path / "load.json"
    try:
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "load.py"),
                "--users=8",
                "--spawn-rate=8",
                "--run-time=12s",
                "--staff-users=1",
                "--citizens=10",
                "--think-scale=0.2",
                "--database=cocrea_load_test",
                "--tasks=database",  # RQ's queue (Redis DB 10) stays the benchmark's
                f"--json={result}",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=420,  # the script stops its server and worker if it is killed
            check=False,
        )
    finally:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS cocrea_load_test WITH (FORCE)")
    assert done.returncode == 0, done.stdout + done.stderr
    figures = json.loads(result.read_text())
    assert figures["errors"] == 0 and figures["lost"] == 0 and figures["emails_ok"], done.stdout
    assert {"home", "work plan", "sign in", "two-step code"} <= set(figures["pages"]), done.stdout
    writes = figures["writes"]
    assert sum(kind["accepted"] for kind in writes.values()) > 0, done.stdout
    assert all(kind["stored"] == kind["accepted"] for kind in writes.values()), done.stdout
    emails = figures["emails"]
    assert emails["registration emails received"] == writes["registration"]["accepted"], done.stdout
