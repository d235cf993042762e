"""Staff screens of a version's contributions: the list with filters and answering each one with
a decision, a reason and the paragraphs that carry it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.drafts import forms, services
from cocrea.drafts.models import (
    Contribution,
    DocumentVersion,
    Paragraph,
)
from cocrea.drafts.staff.common import (
    CONTRIBUTIONS_PER_PAGE,
    WRITES_PER_HOUR,
    add_errors,
    allowed,
    contribution_for,
    contribution_rows,
    next_url,
    version_for,
    version_rights,
)


def _next_version(version: DocumentVersion) -> DocumentVersion | None:
    return version.document.versions.filter(number__gt=version.number).order_by("number").first()


def _paragraphs_of(version: DocumentVersion | None) -> list[Paragraph]:
    if version is None:
        return []
    rows = list(version.paragraphs.select_related("section").order_by("position"))
    for row in rows:
        row.version = version
    return rows


def _response_form(
    contribution: Contribution, paragraphs: list[Paragraph], data: Any = None
) -> forms.ResponseForm:
    response = getattr(contribution, "response", None)
    initial: dict[str, Any] = {}
    if response is not None:
        initial = {
            "decision": response.decision,
            "reason": response.reason,
            "resulting_paragraphs": [str(p.pk) for p in response.resulting_paragraphs.all()],
            "edit_version": response.edit_version,
        }
    return forms.ResponseForm(
        data, initial=initial, paragraphs=paragraphs, auto_id=f"aporte-{contribution.pk}-%s"
    )


def _has_response(contribution: Contribution) -> bool:
    try:
        return contribution.response is not None
    except Contribution.response.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


@login_required
@require_GET
def contributions(request: HttpRequest, version: int) -> HttpResponse:
    """The version's contributions to answer: filtered, paginated, each with its response form."""
    found = version_for(request, version)
    rights = version_rights(request, found)
    if not (rights["can_respond"] or rights["can_moderate"]):
        raise PermissionDenied
    own_paragraphs = _paragraphs_of(found)
    filters = forms.ContributionFilterForm(request.GET or None, paragraphs=own_paragraphs)
    rows = contribution_rows().filter(version=found, parent=None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["estado"] == "unanswered":
            rows = rows.filter(response__isnull=True)
        elif data["estado"] == "answered":
            rows = rows.filter(response__isnull=False)
        if data["decision"]:
            rows = rows.filter(response__decision=data["decision"])
        if data["parrafo"]:
            rows = rows.filter(paragraph_id=data["parrafo"])
    page = Paginator(
        rows.order_by("paragraph__position", "section__position", "created_at", "pk"), CONTRIBUTIONS_PER_PAGE
    ).get_page(request.GET.get("pagina"))
    following = _next_version(found)
    next_paragraphs = _paragraphs_of(following)
    items = []
    for contribution in page.object_list:
        contribution.version = found
        items.append(
            {
                "contribution": contribution,
                "replies": list(contribution.replies.all()),
                "form": _response_form(contribution, next_paragraphs) if rights["can_respond"] else None,
                "answered": _has_response(contribution),
            }
        )
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "drafts/staff/contributions.html",
        {
            "version": found,
            "document": found.document,
            "milestone": found.document.milestone,
            "filters": filters,
            "page": page,
            "items": items,
            "following": following,
            "query": query.urlencode(),
            "here": request.get_full_path(),
            **rights,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-respond", WRITES_PER_HOUR)
def respond(request: HttpRequest, contribution: int) -> HttpResponse:
    """Answer one contribution (or change the answer): decision, reason, the paragraphs that carry it."""

    found = contribution_for(request, contribution)
    if not allowed(request, "drafts.respond", found):
        raise PermissionDenied
    version = found.version
    following = _next_version(version)
    paragraphs = _paragraphs_of(following)
    form = _response_form(found, paragraphs, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expected = data.get("edit_version")
        if _has_response(found) and expected is None:
            expected = 0  # an edit that does not say which answer it changes is refused as stale
        try:
            services.respond_to_contribution(
                found,
                data["decision"],
                data["reason"],
                by=request.user,
                resulting_paragraphs=form.chosen_paragraphs(),
                expected_version=expected,
            )
        except StaleEdit as error:
            found = contribution_for(request, contribution)
            copy = request.POST.copy()
            copy["edit_version"] = str(found.response.edit_version)
            form = _response_form(found, paragraphs, copy)
            form.is_valid()
            form.add_error(None, stale_message(error.changed))
            status = 409
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Respuesta guardada."))
            return redirect(next_url(request, reverse("drafts_staff:contributions", args=[version.pk])))
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "drafts/staff/respond.html",
        {
            "contribution": found,
            "version": version,
            "document": version.document,
            "milestone": version.document.milestone,
            "following": following,
            "form": form,
            "next": next_url(request, ""),
            "answered": _has_response(found),
        },
        status=status,
    )
