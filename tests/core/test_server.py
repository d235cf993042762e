"""`cocrea serve` (issue #14): the production server (granian) with its options, `--dev` for Django's
autoreloading server, and a real server started in a subprocess, asked, and stopped."""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from granian.constants import Interfaces

from cocrea.cli import main
from cocrea.core import server

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(monkeypatch):
    """What `cocrea serve` would start: granian's options, or Django's command line."""
    for name in ("PORT", "LISTEN_HOST", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    calls = {}
    monkeypatch.setattr(server, "run", lambda options: calls.setdefault("granian", options))
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: calls.setdefault("django", argv)
    )
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.setdefault("check", a))
    return calls


def test_serve_runs_granian_on_the_loopback_with_a_worker_per_cpu(started):
    main(["cocrea", "serve"])
    options = started["granian"]
    assert "django" not in started
    assert started["check"] == ("check",)  # the system checks run once, before any worker
    assert options["target"] == "cocrea.wsgi:application"
    assert options["interface"] == Interfaces.WSGI
    assert (options["address"], options["port"]) == ("127.0.0.1", 8000)
    assert options["workers"] == len(os.sched_getaffinity(0))
    assert options["blocking_threads"] == 1  # one request at a time per worker process
    assert options["respawn_failed_workers"] is True
    assert options["log_access"] is False  # Cocrea logs each request itself, with its id
    assert options["log_dictconfig"] == settings.LOGGING


def test_options_override_the_defaults(started):
    main(["cocrea", "serve", "--host", "0.0.0.0", "--port", "9000", "--workers", "3"])
    options = started["granian"]
    assert (options["address"], options["port"], options["workers"]) == ("0.0.0.0", 9000, 3)


def test_the_environment_overrides_the_defaults(started, monkeypatch):
    monkeypatch.setenv("LISTEN_HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "8080")
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    main(["cocrea", "serve"])
    options = started["granian"]
    assert (options["address"], options["port"], options["workers"]) == ("0.0.0.0", 8080, 5)


def test_dev_runs_djangos_autoreloading_server(started, monkeypatch):
    main(["cocrea", "serve", "--dev"])
    assert started["django"] == ["cocrea", "runserver", "127.0.0.1:8000"]
    assert "granian" not in started
    monkeypatch.setenv("PORT", "8123")
    started.clear()
    main(["cocrea", "serve", "--dev"])
    assert started["django"] == ["cocrea", "runserver", "127.0.0.1:8123"]
    started.clear()
    main(["cocrea", "serve", "--dev", "0.0.0.0:9000"])
    assert started["django"] == ["cocrea", "runserver", "0.0.0.0:9000"]


def test_an_address_without_dev_or_zero_workers_is_refused(started):
    with pytest.raises(SystemExit, match="--dev"):
        main(["cocrea", "serve", "0.0.0.0:9000"])
    with pytest.raises(SystemExit, match="--workers"):
        main(["cocrea", "serve", "--workers", "0"])
    assert "granian" not in started


def test_help_serve_describes_the_options_in_spanish(capsys):
    main(["cocrea", "help", "serve"])
    text = capsys.readouterr().out
    assert "servidor de producción (granian)" in text
    for option in ("--dev", "--host", "--port", "--workers"):
        assert option in text


# -- a real server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response, response.read()


@pytest.mark.slow
def test_the_production_server_starts_answers_and_stops(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"SENTRY_DSN", "WEB_CONCURRENCY", "LISTEN_HOST"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        COCREA_DATA_DIR=str(tmp_path),
        STATIC_ROOT=str(tmp_path),
        LOG_FORMAT="json",
        PORT=str(port),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cocrea.cli", "serve", "--workers", "1"],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90  # a wait for start-up on a busy machine, not a measurement
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                response, body = get(port, "/healthz", {"X-Request-ID": "prueba-123"})
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert response.status == 200
        assert json.loads(body) == {"status": "ok"}
        assert response.getheader("X-Request-ID") == "prueba-123"
        assert response.getheader("Server") == "granian"
        # The rest of the site is production: plain HTTP is redirected to HTTPS.
        response, _ = get(port, "/", {"Host": "127.0.0.1", "X-Request-ID": "prueba-456"})
        assert response.status == 301
        assert response.getheader("Location") == "https://127.0.0.1/"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            _stdout, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    # The page's request line (a probe's is DEBUG, below the production level, so not written).
    request = [line for line in lines if line.get("request_id") == "prueba-456"]
    assert [(x["logger"], x["method"], x["path"], x["status"]) for x in request] == [
        ("cocrea.request", "GET", "/", 301)
    ]
    assert not [line for line in lines if line.get("request_id") == "prueba-123"]
    assert any(line["logger"] == "_granian" and "shutdown" in line["message"].lower() for line in lines)
