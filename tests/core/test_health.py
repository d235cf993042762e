"""/healthz and /readyz (issue #14): answered for anyone, on any host name, over plain HTTP, never
cached, with no cookie; /readyz names what it could not reach, with 503."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client, override_settings

from cocrea.core import health

PROBE_HOST = "10.0.3.7:8000"  # a container's address, as an orchestrator's probe sends it


@pytest.fixture
def client():
    return Client(HTTP_HOST=PROBE_HOST)


def body(response):
    return json.loads(response.content)


def test_healthz_answers_without_touching_the_database(client):
    # No django_db mark: any database access in this test raises.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_reaches_database_cache_and_task_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert body(response) == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "tasks": "ok"}}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_it_cannot_be_reached(client, caplog):
    refused = OperationalError('connection to server at "db" (10.0.0.5), port 5432 failed')
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=refused):
        response = client.get("/readyz")
    assert response.status_code == 503
    answer = body(response)
    assert answer["status"] == "unavailable"
    assert "database" in answer["failed"]
    assert answer["checks"]["cache"] == "ok"
    assert "10.0.0.5" not in response.content.decode()  # the reason goes to the log only
    assert any("database failed: OperationalError" in r.getMessage() for r in caplog.records)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_503_naming_the_cache_when_redis_is_down(client):
    with override_settings(
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "shared": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/3",  # nothing listens on port 1
            },
        }
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert body(response)["failed"] == ["cache"]


def test_readyz_reports_a_task_queue_that_cannot_be_reached(client):
    class Unreachable:
        supports_get_result = True

        def get_result(self, result_id):
            raise ConnectionError("redis down")

    with (
        mock.patch.dict(health.CHECKS, {"database": lambda: None, "cache": lambda: None}),
        mock.patch.object(health.task_backends, "all", return_value=[Unreachable()]),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert body(response)["failed"] == ["tasks"]


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["cocrea.example.org"])
def test_probes_pass_the_host_check_https_redirect_and_sign_in(client):
    """A probe over plain HTTP to the container's address is answered, not redirected or refused
    (and without a database: no django_db mark, so no session or user is looked up)."""
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/").status_code == 200
    assert client.head("/healthz").status_code == 200
    # the rest of the site still redirects and checks the host
    assert client.get("/", HTTP_HOST="cocrea.example.org").status_code == 301


@pytest.mark.django_db
def test_probes_are_outside_the_lockout_and_rate_limits(client):
    """django-axes and allauth's limits count sign-ins; two hundred probes from one address are all
    answered, and none leaves an access record."""
    from axes.models import AccessAttempt, AccessLog

    for _ in range(200):
        assert client.get("/healthz").status_code == 200
    for _ in range(20):
        assert client.get("/readyz").status_code == 200
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()


def test_other_methods_are_refused(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
