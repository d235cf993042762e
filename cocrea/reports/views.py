"""The reports as downloads: a milestone's progress report (under the same visibility rule as the
dashboard) and a consultation's response report in PDF (where its version may be read)."""

from __future__ import annotations

import io
from datetime import date

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from cocrea.core.jobs import job_poll_seconds
from cocrea.core.ratelimit import allow, client_address
from cocrea.drafts import queries as drafts_queries
from cocrea.plans import queries
from cocrea.reports.progress import FORMATS, build_progress_report, filename
from cocrea.reports.responses import needs_waiting, stored_pdf
from cocrea.reports.tasks import request_build

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


@require_safe
def response_report_pdf(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> HttpResponse:
    """The response report of a version as PDF: made on request and kept, or, for a large one not
    built yet, a page that follows its build in the background (503 with ``Retry-After``) and
    offers the PDF when it is ready."""
    found = drafts_queries.get_document(request.user, plan, number, milestone, document)
    shown = drafts_queries.get_version(request.user, found, version)
    pdf = stored_pdf(shown, make=not needs_waiting(shown))
    if pdf is None:  # too large to make now: a worker builds it; this page follows the build
        context = {
            "document": found,
            "version": shown,
            "milestone": found.milestone,
            "commitment": found.milestone.commitment,
            "action_plan": found.milestone.commitment.action_plan,
            "cocreation": True,
            "job": request_build(shown),
            "poll": job_poll_seconds(),
        }
        if request.headers.get("HX-Request"):  # the page's own polling: the status alone
            return render(request, "drafts/_report_pending_status.html", context)
        waiting = render(request, "drafts/report_pending.html", context, status=503)
        waiting["Retry-After"] = str(job_poll_seconds() * 5)
        return waiting
    if request.headers.get("HX-Request"):  # ready while the page was waiting: offer the download
        ready = {"version": shown, "ready": True, "document": found}
        return render(request, "drafts/_report_pending_status.html", ready)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"respuestas-{found.slug}-v{shown.number}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
