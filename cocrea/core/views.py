"""Shared HTTP endpoints of the core: a stored upload as a download, for its uploader and auditors;
and the site's error pages (400, 403, 404, 500 and the refused form, CSRF), wired in
``cocrea/urls.py`` and ``CSRF_FAILURE_VIEW``.

The error pages are pages of the site: its layout, the visitor's language, a way back. The 500
page and the 400 page must render when whatever failed (the database, the session, a context
processor, the host name) would fail again: they are rendered without a request context, and if
even that fails, as a fixed page that needs nothing but the translation catalogue.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from cocrea.core.http import (
    attachment,
)
from cocrea.core.jobs import job_poll_seconds, live
from cocrea.core.models import Job, Upload

logger = logging.getLogger(__name__)

STAFF_AREA = "/gestion/"
ADMIN_AREA = "/admin/"
STAFF_SCREENS = "accounts.use_staff_screens"  # the named rule (accounts.rules), asked by name


@login_required
def download_upload(request: HttpRequest, upload: str) -> FileResponse:
    stored = get_object_or_404(Upload, pk=upload)
    if stored.owner_id != request.user.pk and not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    return attachment(stored.file.open("rb"), f"{stored.original_name}")


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for on their own: the icon base.html links."""
    return HttpResponsePermanentRedirect(static("cocrea/favicon.ico"))


# --- error pages -------------------------------------------------------------------------------


def _previous_page(request: HttpRequest) -> str:
    """The page the visitor came from, when it is a page of this site (else nothing)."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        hosts = {request.get_host()}
    except Exception:  # DisallowedHost: no trusted host, no trusted referer
        return ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts=hosts):
        return referer
    return ""


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False))


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: the request could not be understood (a bad host name, a malformed form)."""
    return _render_or_fall_back(request, "400.html", {"previous": _previous_page(request)}, 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: a page that says why, and where to go instead.

    A signed-in person without a staff role who opens a staff screen is told that the screens under
    ``/gestion/`` (and the admin) are for the staff who manage the commitments, and what they can
    do instead."""
    signed_in = _signed_in(request)
    staff_page = request.path.startswith((STAFF_AREA, ADMIN_AREA))
    context = {
        "previous": _previous_page(request),
        "signed_in": signed_in,
        "staff_page": staff_page,
        "citizen_on_staff_page": staff_page and signed_in and not request.user.has_perm(STAFF_SCREENS),
    }
    return _render_or_fall_back(request, "403.html", context, 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: nothing here; the way home, back, or (on a staff screen, for a visitor) to sign in."""
    context = {
        "previous": _previous_page(request),
        "signed_in": _signed_in(request),
        "staff_page": request.path.startswith(STAFF_AREA),
    }
    return _render_or_fall_back(request, "404.html", context, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request's context (no database, no session, no context
    processor), so that it shows whatever went wrong; a fixed page if even that fails."""
    return _render_or_fall_back(request, "500.html", {}, 500, with_request=False)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (``CSRF_FAILURE_VIEW``): usually an old page or a session
    that ended; say so in the person's words and offer the way back to the form."""
    context = {
        "previous": _previous_page(request),
        "signed_in": _signed_in(request),
        "no_cookie": reason == "CSRF cookie not set.",
    }
    return _render_or_fall_back(request, "403_csrf.html", context, 403)


RESPONSES = {
    400: HttpResponseBadRequest,
    403: HttpResponseForbidden,
    404: HttpResponseNotFound,
    500: HttpResponseServerError,
}


def _render_or_fall_back(
    request: HttpRequest, template: str, context: dict[str, object], status: int, *, with_request: bool = True
) -> HttpResponse:
    """The page with the request's context; without it (no user, no session, no context
    processor) if that fails; and the fixed page if the template cannot render at all."""
    response_class = RESPONSES[status]
    if with_request:
        try:
            return response_class(loader.render_to_string(template, context, request))
        except Exception:
            logger.exception("The %s page failed with the request's context", status)
    plain = {**context, "plain": True, "LANGUAGE_CODE": get_language() or settings.LANGUAGE_CODE}
    try:
        return response_class(loader.render_to_string(template, plain))
    except Exception:
        logger.exception("The %s page failed to render; the fixed page is sent", status)
    return response_class(fixed_error_page(status))


def fixed_error_page(status: int) -> str:
    """An error page that needs no template, no static file and no database."""
    titles = {
        400: _("Solicitud incorrecta"),
        403: _("Acceso no permitido"),
        404: _("Página no encontrada"),
        500: _("Error del servidor"),
    }
    title = escape(titles[status])
    explanation = escape(
        _(
            "Algo salió mal de nuestro lado. El equipo técnico ya tiene el registro del error. "
            "Inténtelo de nuevo en unos minutos."
        )
        if status == 500
        else _("No se pudo mostrar esta página.")
    )
    home = escape(_("Volver al inicio"))
    language = escape(get_language() or settings.LANGUAGE_CODE)
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · Cocrea</title></head>"
        '<body style="margin:0;font-family:system-ui,sans-serif;color:#1d2330">'
        '<header style="background:#073f62;color:#fff;padding:0.75rem 1rem">'
        '<a href="/" style="color:#fff;font-weight:700;font-size:1.35rem;text-decoration:none">Cocrea</a>'
        "</header>"
        f'<main style="max-width:72rem;margin:0 auto;padding:1rem"><h1>{title}</h1><p>{explanation}</p>'
        f'<p><a href="/" style="color:#0b5c8e">{home}</a></p></main></body></html>'
    )


# --- background jobs (cocrea.core.jobs) ----------------------------------------------------------


def _own_job(request: HttpRequest, job: str) -> Job:
    found = get_object_or_404(Job, pk=job)
    if found.owner_id != request.user.pk and not request.user.is_superuser:
        raise Http404  # someone else's job: as if it did not exist
    return found


@login_required
def job_status(request: HttpRequest, job: str) -> HttpResponse:
    """A background job's page: state, a progress bar and its message, updated every few seconds
    by htmx (the status block alone) until the job is finished, then the result or the errors.
    Without JavaScript, the page says to reload it."""
    found = live(_own_job(request, job))
    context = {"job": found, "poll": job_poll_seconds()}
    if getattr(request, "htmx", False):
        return render(request, "core/_job_status.html", context)
    return render(request, "core/job.html", context)


@login_required
def job_file(request: HttpRequest, job: str) -> FileResponse:
    found = _own_job(request, job)
    if not found.result_file:
        raise Http404
    return attachment(found.result_file.open("rb"), found.result_file.name.rsplit("/", 1)[-1])
