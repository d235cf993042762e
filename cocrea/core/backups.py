"""Whole-database backup and restore for both engines.

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL: pg_dump in
its custom format and pg_restore (``--clean --if-exists``), with the client programs on PATH.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import quote

from django.db import connections


class BackupError(Exception):
    pass


def _pg_url(settings: dict) -> str:  # type: ignore[type-arg]
    user = quote(settings.get("USER") or "")
    password = quote(settings.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings.get("HOST") or "localhost"
    port = settings.get("PORT") or "5432"
    return f"postgresql://{auth}{host}:{port}/{quote(settings['NAME'])}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def backup(target: Path, alias: str = "default") -> None:
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        url = _pg_url(connection.settings_dict)
        result = subprocess.run(  # noqa: S603 - fixed program, no shell
            [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", f"--dbname={url}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"unsupported database: {connection.vendor}")


def restore(source: Path, alias: str = "default") -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such file")
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        try:
            origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            origin.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source}: not a SQLite backup ({exc})") from exc
        try:
            origin.backup(connection.connection)
        finally:
            origin.close()
    elif connection.vendor == "postgresql":
        connection.close()
        url = _pg_url(connection.settings_dict)
        result = subprocess.run(  # noqa: S603 - fixed program, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={url}",
                str(source),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
    else:
        raise BackupError(f"unsupported database: {connection.vendor}")
