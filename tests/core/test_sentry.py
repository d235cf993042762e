"""Errors to Sentry only when SENTRY_DSN is set (issue #14), with no personal data."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

from cocrea.core.sentry import init_sentry

REPO = Path(__file__).resolve().parents[2]
DSN = "http://public@127.0.0.1:9/1"  # loopback, discard port: nothing is ever sent anywhere


def test_no_dsn_no_sentry():
    with mock.patch("sentry_sdk.init") as init:
        assert init_sentry({}, debug=False) is False
        assert init_sentry({"SENTRY_DSN": "  "}, debug=False) is False
    init.assert_not_called()


def test_a_dsn_starts_sentry_with_the_django_integration_and_no_personal_data():
    with mock.patch("sentry_sdk.init") as init:
        assert init_sentry({"SENTRY_DSN": DSN, "SENTRY_RELEASE": "cocrea@1.2"}, debug=False) is True
    options = init.call_args.kwargs
    assert options["dsn"] == DSN
    assert options["send_default_pii"] is False
    assert [type(i).__name__ for i in options["integrations"]] == ["DjangoIntegration"]
    assert options["environment"] == "production"
    assert options["release"] == "cocrea@1.2"
    assert options["traces_sample_rate"] == 0
    assert options["include_local_variables"] is False


def test_a_bad_sample_rate_stops_start_up():
    with pytest.raises(ImproperlyConfigured):
        init_sentry({"SENTRY_DSN": DSN, "SENTRY_TRACES_SAMPLE_RATE": "2"}, debug=False)


PROBE = """
import json, django, sentry_sdk
django.setup()
from django.conf import settings
client = sentry_sdk.get_client()
print(json.dumps({"enabled": settings.SENTRY_ENABLED, "active": client.is_active(),
                  "pii": client.options.get("send_default_pii") if client.is_active() else None}))
"""


@pytest.mark.parametrize("dsn", ["", DSN])
def test_the_settings_start_sentry_exactly_when_the_dsn_is_set(dsn, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env.update(COCREA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="cocrea.settings")
    if dsn:
        env["SENTRY_DSN"] = dsn
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    state = json.loads(out.strip().splitlines()[-1])
    assert state == ({"enabled": True, "active": True, "pii": False} if dsn else
                     {"enabled": False, "active": False, "pii": None})  # fmt: skip


class Collector(http.server.BaseHTTPRequestHandler):
    """A Sentry endpoint on the loopback: keeps what it is sent."""

    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":
            import brotli  # an optional dependency of sentry-sdk, used by it when installed

            body = brotli.decompress(body)
        Collector.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


FAILING_REQUEST = """
import django, sentry_sdk
django.setup()
from wsgiref.util import setup_testing_defaults
from django.core.management import call_command
from django.test import override_settings
from cocrea.wsgi import application
call_command("migrate", verbosity=0)  # a fresh SQLite file: the session is looked up
environ = {}
setup_testing_defaults(environ)  # a request as a WSGI server hands it over (Sentry wraps that path)
environ.update(
    PATH_INFO="/falla/",
    QUERY_STRING="email=persona@example.org",
    HTTP_X_REQUEST_ID="req-sentry-1",
    HTTP_COOKIE="sessionid=secreto-de-sesion",
    HTTP_AUTHORIZATION="Bearer secreto",
)
statuses = []
with override_settings(ROOT_URLCONF="tests.core.failing_urls"):
    b"".join(application(environ, lambda status, headers, exc_info=None: statuses.append(status)))
assert statuses == ["500 Internal Server Error"], statuses
sentry_sdk.flush(10)
"""


def test_an_error_reaches_sentry_tagged_with_the_request_id_and_without_personal_data(tmp_path):
    Collector.received = []
    endpoint = http.server.HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=endpoint.serve_forever, daemon=True)
    thread.start()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_") and k != "DATABASE_URL"}
        env.update(
            COCREA_DATA_DIR=str(tmp_path),
            DJANGO_SETTINGS_MODULE="cocrea.settings",
            SENTRY_DSN=f"http://public@127.0.0.1:{endpoint.server_address[1]}/1",
        )
        subprocess.run([sys.executable, "-c", FAILING_REQUEST], env=env, cwd=REPO, check=True, timeout=120)
    finally:
        endpoint.shutdown()
    items = [
        json.loads(line) for body in Collector.received for line in body.splitlines() if line.startswith(b"{")
    ]
    events = [item for item in items if item.get("exception")]
    assert len(events) == 1, items
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["tags"]["request_id"] == "req-sentry-1"
    assert event["request"]["url"].endswith("/falla/")  # the request is described...
    assert event["request"]["method"] == "GET"
    sent = json.dumps(event)
    for secret in ("secreto-de-sesion", "Bearer secreto", "persona@example.org"):
        assert secret not in sent  # ... without what identifies a person
    assert "user" not in event or "ip_address" not in event.get("user", {})
