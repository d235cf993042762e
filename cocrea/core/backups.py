"""Whole-database backup and restore for both engines.

SQLite: the online backup API (a consistent copy while the site runs). PostgreSQL: pg_dump in
its custom format and pg_restore (``--clean --if-exists``), with the client programs on PATH.

A backup holds every account's data and password hashes: it is written to a new file that is
readable by its owner only (mode 0600, whatever the umask) and moved onto the target when
complete, so an existing target with wider permissions is replaced, never written into. The
PostgreSQL password never appears on a command line (which every local user can read with
``ps``): the programs get a URL without it and read it from a temporary password file (mode 0600,
``PGPASSFILE``) that is deleted afterwards.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import connections

PRIVATE = 0o600


class BackupError(Exception):
    pass


def _pg_url(settings: dict[str, Any]) -> str:
    """The connection as a URL without the password (that goes in the password file)."""
    user = quote(settings.get("USER") or "", safe="")
    host = settings.get("HOST") or "localhost"
    if host.startswith("/"):  # a Unix socket directory
        host = quote(host, safe="")
    port = settings.get("PORT") or "5432"
    return f"postgresql://{f'{user}@' if user else ''}{host}:{port}/{quote(settings['NAME'], safe='')}"


def _pgpass_line(password: str) -> str:
    escaped = password.replace("\\", "\\\\").replace(":", "\\:")
    return f"*:*:*:*:{escaped}\n"


@contextmanager
def _pg_environment(settings: dict[str, Any]) -> Iterator[dict[str, str]]:
    """The environment for pg_dump/pg_restore: with DATABASES' password in a temporary password
    file (0600, deleted afterwards), never in the arguments."""
    environment = dict(os.environ)
    password = settings.get("PASSWORD") or ""
    if not password:  # peer/trust authentication, or the operator's own ~/.pgpass or PGPASSWORD
        yield environment
        return
    environment.pop("PGPASSWORD", None)  # it would take precedence over the file
    if "\n" in password or "\r" in password:  # a password file cannot hold it
        environment["PGPASSWORD"] = password
        yield environment
        return
    descriptor, name = tempfile.mkstemp(prefix="cocrea-pgpass-")  # created 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(_pgpass_line(password))
        environment["PGPASSFILE"] = name
        yield environment
    finally:
        Path(name).unlink(missing_ok=True)


@contextmanager
def _private_file(target: Path) -> Iterator[Path]:
    """A new, empty file beside ``target``, created with mode 0600 (the umask can only take bits
    away), moved onto ``target`` once the block completes and deleted if it fails."""
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(descriptor)
    partial = Path(name)
    try:
        yield partial
        os.chmod(partial, PRIVATE)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _run(arguments: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed program, no shell
        arguments, capture_output=True, text=True, check=False, env=environment
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip())


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: postgresql-client)")
    return path


def backup(target: Path, alias: str = "default") -> None:
    target = Path(target)
    connection = connections[alias]
    connection.ensure_connection()
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"unsupported database: {connection.vendor}")
    with _private_file(target) as partial:
        if connection.vendor == "sqlite":
            destination = sqlite3.connect(partial)
            try:
                connection.connection.backup(destination)
            finally:
                destination.close()
        else:
            settings = connection.settings_dict
            with _pg_environment(settings) as environment:
                _run(
                    [
                        _tool("pg_dump"),
                        "--format=custom",
                        "--no-owner",
                        f"--file={partial}",
                        f"--dbname={_pg_url(settings)}",
                    ],
                    environment,
                )


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
        settings = connection.settings_dict
        with _pg_environment(settings) as environment:
            _run(
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={_pg_url(settings)}",
                    str(source),
                ],
                environment,
            )
    else:
        raise BackupError(f"unsupported database: {connection.vendor}")
