"""The progress report as a download, under the same visibility rule as the dashboard."""

from __future__ import annotations

import io
from datetime import date

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cocrea.core.ratelimit import allow, client_address
from cocrea.plans import queries
from cocrea.reports.progress import FORMATS, build_progress_report, filename

REPORTS_PER_MINUTE = 20  # per client address: a PDF costs about a second of a worker


@require_GET
def report_download(request: HttpRequest, plan: str, number: str, milestone: str, fmt: str) -> HttpResponse:
    """``…/tablero/informe.pdf?fecha=YYYY-MM-DD`` (also ``.xlsx``, ``.docx``); today without ``fecha``."""
    if fmt not in FORMATS:
        raise Http404
    found = queries.get_milestone(request.user, plan, number, milestone)
    value = request.GET.get("fecha", "").strip()
    try:
        day = date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return HttpResponse(
            _("«%(value)s» no es una fecha (AAAA-MM-DD).") % {"value": value},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if not allow(f"report:{client_address(request)}", REPORTS_PER_MINUTE, 60):
        return HttpResponse(
            _("Demasiados informes en un minuto. Inténtelo más tarde."),
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    data = build_progress_report(found, day, fmt)
    response = FileResponse(
        io.BytesIO(data), as_attachment=True, filename=filename(found, day, fmt), content_type=FORMATS[fmt]
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not found.is_public:
        response["Cache-Control"] = "private, no-store"
    return response
