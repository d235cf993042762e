"""``/healthz`` and ``/readyz``, for load balancers, orchestrators and the container's health check.

* ``/healthz``: the process answers (nothing else is touched: no database, no cache).
* ``/readyz``: every database, every cache and every task queue that keeps results (the database
  queue, RQ on Redis) can be reached; otherwise 503, with a JSON body naming what failed.

They are answered by a middleware right after the request id, before anything else: no host check
(a probe asks by the container's address, not the site's name), no HTTPS redirect (probes speak
plain HTTP inside the network), no session or cookie, no sign-in, no lockout or rate limit, no
language. Their bodies carry no personal data and no error text (the reason goes to the log), and
``Cache-Control: no-store`` keeps every proxy from caching them.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_tasks import task_backends
from django_tasks.exceptions import TaskResultDoesNotExist

logger = logging.getLogger(__name__)

HEALTHZ = "/healthz"
READYZ = "/readyz"
READY_CACHE_KEY = "cocrea:readyz"


def check_databases() -> None:
    for alias in settings.DATABASES:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")


def check_caches() -> None:
    for alias in settings.CACHES:
        caches[alias].get(READY_CACHE_KEY)  # a round trip to Redis; local memory always answers


def check_task_queues() -> None:
    """A queue that stores its tasks (database, Redis) is asked for a task that does not exist;
    one that runs tasks in the request (the immediate backend) has nothing to reach."""
    for backend in task_backends.all():
        if backend.supports_get_result:
            with contextlib.suppress(TaskResultDoesNotExist):  # the expected answer
                backend.get_result(str(uuid.uuid4()))


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_databases,
    "cache": check_caches,
    "tasks": check_task_queues,
}


def readiness() -> dict[str, str]:
    """Each check's outcome: ``ok`` or ``failed`` (the exception goes to the log, not the body)."""
    outcome = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # whatever the driver raises, the answer is "not ready"
            # One line, no traceback: a probe asks every few seconds while a service is down.
            reason = " ".join(str(error).split())[:300]
            logger.warning("readyz: %s failed: %s: %s", name, type(error).__name__, reason)
            outcome[name] = "failed"
        else:
            outcome[name] = "ok"
    return outcome


def _answer(status: int, body: dict[str, object]) -> HttpResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` (with or without a final slash) and nothing else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if path not in (HEALTHZ, READYZ):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = _answer(405, {"status": "method not allowed"})
            response["Allow"] = "GET, HEAD"
            return response
        if path == HEALTHZ:
            return _answer(200, {"status": "ok"})
        checks = readiness()
        failed = [name for name, state in checks.items() if state != "ok"]
        if failed:
            response = _answer(503, {"status": "unavailable", "failed": failed, "checks": checks})
            # Already logged, one line per failed check: not again as a server error (which would
            # also reach Sentry on every probe).
            response._has_been_logged = True  # type: ignore[attr-defined]
            return response
        return _answer(200, {"status": "ok", "checks": checks})
