"""The reports as downloads: a milestone's progress report (under the same visibility rule as the
dashboard) and a consultation's response report in PDF (where its version may be read).

No request builds a report. The address of a report serves its kept file (:mod:`.kept`) when the
one for the current data is there; otherwise it asks for a build (:mod:`.tasks`: one per report
at a time, however many people ask) and answers a page that follows it (503 with ``Retry-After``
for a client that does not run it). The page polls the same address with htmx, quickly at first;
when the file is ready its status says so with a link, and starts the download (``HX-Redirect``
to the address, which then serves the kept file). Without JavaScript it reloads itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cocrea.core.jobs import job_poll_seconds
from cocrea.core.models import Job
from cocrea.core.ratelimit import allow, client_address
from cocrea.drafts import queries as drafts_queries
from cocrea.plans import queries
from cocrea.reports import tasks
from cocrea.reports.kept import KeptReport, kept_progress_report
from cocrea.reports.progress import FORMATS, filename, progress_report_url, report_title
from cocrea.reports.responses import kept_response_report

REPORTS_PER_MINUTE = 20  # per client address: files served and builds asked for (a poll is free)
DOWNLOAD_HEADER = "X-Report-Download"  # the ready status's own request: "start the download"


@require_safe
def report_download(
    request: HttpRequest, plan: str, number: str, milestone: str, fmt: str
) -> HttpResponseBase:
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
    return _report(
        request,
        kept=kept_progress_report(found, day, fmt),
        address=progress_report_url(found, day, fmt),
        name=filename(found, day, fmt),
        content_type=FORMATS[fmt],
        private=not found.is_public,
        kind=tasks.progress_kind(found, day, fmt),
        start=lambda: tasks.start_progress_build(found, day, fmt),
        limited=True,
        page={
            "heading": report_title(found),
            "format_label": fmt.upper(),
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "subtitle": _("Fecha de corte: %(day)s · %(format)s")
            % {"day": formats.date_format(day, "DATE_FORMAT"), "format": fmt.upper()},
            "alternative": found.get_dashboard_url() + f"?fecha={day.isoformat()}",
            "alternative_text": _("Mientras tanto, el tablero muestra las mismas cifras."),
        },
    )


@require_safe
def response_report_pdf(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> HttpResponseBase:
    """The response report of a version as PDF: the kept one, or a page that follows its build."""
    found = drafts_queries.get_document(request.user, plan, number, milestone, document)
    shown = drafts_queries.get_version(request.user, found, version)
    return _report(
        request,
        kept=kept_response_report(shown),
        address=shown.get_report_pdf_url(),
        name=f"respuestas-{found.slug}-v{shown.number}.pdf",
        content_type="application/pdf",
        private=not found.milestone.is_public or shown.withheld_from_public,
        kind=tasks.response_kind(shown),
        start=lambda: tasks.start_response_build(shown),
        limited=False,
        page={
            "heading": _("Informe de respuestas: %(label)s") % {"label": shown.label},
            "title_suffix": found.title,
            "format_label": "PDF",
            "document": found,
            "version": shown,
            "milestone": found.milestone,
            "commitment": found.milestone.commitment,
            "action_plan": found.milestone.commitment.action_plan,
            "cocreation": True,
            "alternative": shown.get_report_url(),
            "alternative_text": _("Mientras tanto, el informe completo está en la web."),
        },
    )


def _report(
    request: HttpRequest,
    *,
    kept: KeptReport,
    address: str,
    name: str,
    content_type: str,
    private: bool,
    kind: str,
    start: Callable[[], Job],
    limited: bool,
    page: dict[str, Any],
) -> HttpResponseBase:
    """The kept file, or the build's page (or, for the page's own htmx requests, its status)."""
    polled = bool(request.headers.get("HX-Request"))
    if polled and request.headers.get(DOWNLOAD_HEADER):  # the ready status starts the download
        response = HttpResponse(b"")
        response["HX-Redirect"] = address
        return _no_store(response, private)
    context = {**page, "address": address}
    stream = None if polled else kept.open()
    if polled and kept.exists():
        return _no_store(render(request, "reports/_pending_status.html", {**context, "ready": True}), private)
    if stream is not None:
        if limited and not allow(f"report:{client_address(request)}", REPORTS_PER_MINUTE, 60):
            stream.close()
            return _too_many()
        served = FileResponse(stream, as_attachment=True, filename=name, content_type=content_type)
        served["X-Content-Type-Options"] = "nosniff"
        served["Content-Security-Policy"] = "default-src 'none'; sandbox"
        if private:
            served["Cache-Control"] = "private, no-store"
        patch_vary_headers(served, ["HX-Request"])
        return served
    job = tasks.following(kind)
    if job is None:
        # Every new build counts, an htmx request's too (anyone can send the header).
        if limited and not allow(f"report:{client_address(request)}", REPORTS_PER_MINUTE, 60):
            return _too_many()
        if tasks.claim(kind):
            try:
                job = start()
            finally:
                tasks.let_go(kind)
        else:  # another request is queueing it this very moment: follow that one
            job = tasks.following(kind) or tasks.queued_elsewhere(kind)
    context.update(_waiting(job))
    if polled:  # the page's own polling: the status alone
        return _no_store(render(request, "reports/_pending_status.html", context), private)
    waiting = render(request, "reports/pending.html", context, status=503)
    waiting["Retry-After"] = str(job_poll_seconds())
    # Waiting is not an error: Django would log every 503 as one (and Sentry would report it).
    waiting._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log.log_response
    return _no_store(waiting, private)


def _waiting(job: Job) -> dict[str, Any]:
    """The status of a build and how soon the page asks again: every half second for the first
    seconds (most reports take about one), then every second, then every ``JOB_POLL_SECONDS``."""
    age = (timezone.now() - job.created_at).total_seconds()
    delay = 500 if age < 5 else 1000 if age < 20 else job_poll_seconds() * 1000
    return {
        "job": job,
        "polling": not job.finished,
        "delay_ms": delay,
        "refresh": max(2, job_poll_seconds()),
    }


def _no_store(response: HttpResponse, private: bool) -> HttpResponse:
    response["Cache-Control"] = "private, no-store" if private else "no-store"
    patch_vary_headers(response, ["HX-Request"])
    return response


def _too_many() -> HttpResponse:
    return HttpResponse(
        _("Demasiados informes en un minuto. Inténtelo más tarde."),
        status=429,
        content_type="text/plain; charset=utf-8",
    )
