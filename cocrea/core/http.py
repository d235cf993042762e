"""Shared HTTP helpers for every app's screens: downloads served safely, forms restarted after a
stale save, small parsing and permission shortcuts. No views here."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def attachment(handle: Any, filename: str) -> FileResponse:
    """Served as a download, never rendered: attachment, a neutral type, nosniff."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def form_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, context, status=status)


def timezone_today():  # type: ignore[no-untyped-def]

    return timezone.localdate()


def int_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def error_text(error: Any) -> str:
    return "; ".join(getattr(error, "messages", None) or [str(error)])


def restarted_form(form_class: Any, data: Any, version: int, **kwargs: Any) -> Any:
    """The editor's input kept, now based on the current version: saving again overwrites."""
    copy = data.copy()
    copy["edit_version"] = str(version)
    form = form_class(copy, **kwargs)
    form.is_valid()
    return form
