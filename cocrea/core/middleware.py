"""Request and response hygiene for every page.

* A NUL byte or another C0 control character in the path or the query string is refused with
  400: no view, converter or database ever sees it (PostgreSQL refuses NUL in text, which used to
  surface as a 500).
* Bidirectional-text controls are removed from the text Cocrea sends (HTML, JSON, CSV, calendars):
  a name or a comment cannot reverse how the text around it reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _

from cocrea.core.safety import BIDI_CONTROLS_UTF8

CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/rss", "application/atom")


def has_control_characters(request: HttpRequest) -> bool:
    raw_path = request.META.get("PATH_INFO", "")
    if CONTROL_BYTES.search(raw_path.encode("utf-8", "surrogateescape")):
        return True
    query = request.META.get("QUERY_STRING", "")
    return bool(CONTROL_BYTES.search(unquote_to_bytes(query.replace("+", " "))))


class SafeTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return HttpResponseBadRequest(
                _("La dirección contiene caracteres de control que no se aceptan."),
                content_type="text/plain; charset=utf-8",
            )
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if (
            not response.streaming
            and content_type.startswith(TEXT_TYPES)
            and BIDI_CONTROLS_UTF8.search(response.content)
        ):
            response.content = BIDI_CONTROLS_UTF8.sub(b"", response.content)
            if response.has_header("Content-Length"):  # set by CommonMiddleware, further in
                response["Content-Length"] = str(len(response.content))
        return response
