"""Errors to Sentry only when SENTRY_DSN is set (issue #14), with no personal data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
