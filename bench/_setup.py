"""Shared start-up for the scale benchmarks: a temporary SQLite database, or a fresh PostgreSQL one
with ``--postgres``; Django set up; helpers to load synthetic data without the audit trail."""

from __future__ import annotations

import os
import sys
import tempfile


def start_django(database: str) -> bool:
    """Point Django at a new, empty database and set it up; True when it is PostgreSQL."""
    postgres = "--postgres" in sys.argv
    os.environ["COCREA_DATA_DIR"] = tempfile.mkdtemp(prefix="cocrea-bench-")
    if postgres:
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{database}"
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database}")
            admin.execute(f"CREATE DATABASE {database}")
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")
    # These benchmarks measure what building a page costs: the public pages' kept blocks
    # (cocrea/core/content.py) would serve every request after the first.
    os.environ.setdefault("CONTENT_CACHE", "0")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()
    return postgres


def without_audit_signals() -> None:
    """Synthetic bulk data needs no audit trail (and bulk_create sends no signals anyway)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    for signal in (pre_save, post_save, post_delete, m2m_changed):
        signal.receivers = []


def analyze() -> None:
    """What PostgreSQL's autovacuum does after a load: fresh statistics for the planner."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
