"""Spanish first: the interface language is the one the visitor chose, else Spanish.

Django's LocaleMiddleware would follow the browser's Accept-Language header; Cocrea's public
is Spanish-speaking first, so the header is ignored and the language switch (a cookie) decides.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SpanishFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
