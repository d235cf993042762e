"""Staff screens of the validation of progress reports (under /gestion/): the point of contact's
queue of reports waiting, validating one, and returning one with a reason
(:mod:`cocrea.plans.review` holds the workflow and its one enforcer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.core.http import form_page, restarted_form
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.plans import review
from cocrea.plans.forms import ReturnProgressForm, ValidateProgressForm
from cocrea.plans.models import Evidence, ProgressEntry
from cocrea.plans.workflow import WorkflowError

QUEUE_PAGE = 25


def _entry(request: HttpRequest, pk: int) -> ProgressEntry:
    found = get_object_or_404(
        ProgressEntry.objects.select_related(
            "activity__milestone__commitment__action_plan",
            "milestone__commitment__action_plan",
            "recorded_by",
            "reviewed_by",
        ),
        pk=pk,
    )
    if not request.user.has_perm(permission("progressentry", "publish"), found):
        raise PermissionDenied
    return found


def _back(request: HttpRequest) -> str:
    """Where the step came from (the queue or a progress screen), if it is this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("staff:progress_review")


@login_required
def progress_review(request: HttpRequest) -> HttpResponse:
    """The reports waiting for validation that the person may validate, oldest first."""
    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied
    waiting = review.waiting_for(request.user).prefetch_related("evidence")
    page = Paginator(waiting, QUEUE_PAGE).get_page(request.GET.get("pagina"))
    entries = [
        e for e in page.object_list if request.user.has_perm(permission("progressentry", "publish"), e)
    ]
    return form_page(
        request,
        "plans/staff/progress_review.html",
        {
            "entries": entries,
            "page": page,
            "here": request.get_full_path(),
            "returned": list(review.returned_to(request.user)[:QUEUE_PAGE]),
        },
    )


@login_required
@require_POST
@limit_posts("progress-review", 300)
def validate_progress(request: HttpRequest, entry: int) -> HttpResponse:
    found = _entry(request, entry)
    form = ValidateProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("La validación no llegó completa; vuelva a intentarlo."))
        return redirect(_back(request))
    try:
        review.validate_progress(found, expected_version=form.cleaned_data["edit_version"], by=request.user)
    except StaleEdit:
        messages.error(
            request,
            _(
                "El reporte cambió mientras usted lo revisaba (lo corrigieron o ya lo revisó otra "
                "persona): revíselo de nuevo."
            ),
        )
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reporte validado: ya es público y cuenta en las cifras del plan."))
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("progress-review", 300)
def return_progress(request: HttpRequest, entry: int) -> HttpResponse:
    """Return a waiting report to the person who wrote it: the reason is required and they read it."""
    found = _entry(request, entry)
    form = ReturnProgressForm(request.POST or None, initial={"edit_version": found.edit_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            review.return_progress(
                found,
                expected_version=form.cleaned_data["edit_version"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(ReturnProgressForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except WorkflowError as error:
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error("reason", error.messages[0] if error.messages else str(error))
        else:
            messages.success(request, _("Reporte devuelto. La persona que lo registró verá el motivo."))
            return redirect(_back(request))
    if form.errors and status == 200:
        status = 400
    return form_page(
        request,
        "plans/staff/progress_return.html",
        {**_described(found), "form": form, "next": _back(request)},
        status=status,
    )


def _described(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "entry": entry,
        "subject": entry.subject,
        "evidence": list(Evidence.objects.filter(entry=entry).order_by("pk")),
    }
