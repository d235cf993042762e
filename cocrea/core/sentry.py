"""Errors to Sentry, only when ``SENTRY_DSN`` is set (called from settings.py).

sentry-sdk with its Django integration: unhandled exceptions and ERROR log lines become events,
tagged with the request id (cocrea/core/logs.py). ``send_default_pii=False``: no cookies, no
user, no client address, no request body. Cocrea also sends no local variables of the failing
frames (a request, a form or a person's row would show in them) and drops the query string (a
search or a link may carry an email address) and the request's data (``scrub``).
``SENTRY_ENVIRONMENT`` (default ``production`` with ``DEBUG=0``, else ``development``),
``SENTRY_RELEASE`` and ``SENTRY_TRACES_SAMPLE_RATE`` (default 0: errors only, no performance
tracing) refine it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint


def scrub(event: Event, hint: Hint) -> Event | None:
    """What leaves for Sentry: the request's method, path and harmless headers, nothing a person typed."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "data", "cookies", "env"):
            request.pop(key, None)
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    return event


def init_sentry(environ: Mapping[str, str], *, debug: bool) -> bool:
    """Start sentry-sdk when the environment names a DSN; True when it did."""
    dsn = environ.get("SENTRY_DSN", "").strip()
    if not dsn:
        return False
    try:
        traces = float(environ.get("SENTRY_TRACES_SAMPLE_RATE", "0") or 0)
    except ValueError:
        traces = -1.0
    if not 0 <= traces <= 1:
        raise ImproperlyConfigured("SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1.")
    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        before_send=scrub,
        environment=environ.get("SENTRY_ENVIRONMENT") or ("development" if debug else "production"),
        release=environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=traces,
    )
    return True
