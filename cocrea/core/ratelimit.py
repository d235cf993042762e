"""A fixed-window rate limit in the cache (local memory by default, Redis in production)."""

from __future__ import annotations

import time
from functools import wraps

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _


def allow(key: str, limit: int, window_seconds: int) -> bool:
    """Count one request against ``key``; False once more than ``limit`` fall in the window."""
    bucket = f"ratelimit:{key}:{int(time.time()) // window_seconds}"
    cache.add(bucket, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr
        cache.set(bucket, 1, timeout=window_seconds + 5)
        count = 1
    return count <= limit


def client_address(request: object) -> str:
    """The client's address as allauth's rate limits and the lockout see it: the connection's,
    or, behind ``TRUSTED_PROXY_COUNT`` proxies, the one the outermost trusted proxy saw."""

    try:
        return str(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # no address at all (a request built in code)
        return ""


def limit_posts(scope: str, limit: int, window_seconds: int = 3600):  # type: ignore[no-untyped-def]
    """Refuse (HTTP 429) a person's POSTs to a view past ``limit`` per window; GETs are free."""

    def decorator(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        def wrapped(request, *args, **kwargs):  # type: ignore[no-untyped-def]
            if request.method == "POST":
                who = request.user.pk if request.user.is_authenticated else client_address(request)
                if not allow(f"{scope}:{who}", limit, window_seconds):
                    return HttpResponse(
                        _("Demasiadas solicitudes. Inténtelo más tarde."),
                        status=429,
                        content_type="text/plain",
                    )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
