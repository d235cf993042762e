"""Staff screens of a version: writing its text (new version, revising a draft, with a preview),
its page with the workflow steps and its paragraphs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.catalogue.forms import ApplyEntryForm, entry_choices
from cocrea.computations.drafttext import DraftFormatError, parse_markdown, render_markdown
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.drafts import forms, services, workflow
from cocrea.drafts.models import (
    DocumentVersion,
    VersionState,
)
from cocrea.drafts.staff.common import (
    PARAGRAPHS_PER_PAGE,
    WRITES_PER_HOUR,
    add_errors,
    allowed,
    document_for,
    error_text,
    paragraphs_with_counts,
    version_for,
    version_rights,
)
from cocrea.drafts.staff.confirmations import CONFIRMED_STEPS, confirmation_url


def _preview(markdown: str) -> tuple[list[dict[str, Any]], str]:
    """The text as it will be split and shown: sections with their paragraphs' HTML, or an error."""

    try:
        parsed = parse_markdown(markdown)
    except DraftFormatError as error:
        return [], error.message
    sections = [
        {
            "title": section.title,
            "level": section.level,
            "paragraphs": [render_markdown(text) for text in section.paragraphs],
        }
        for section in parsed.sections
    ]
    return sections, ""


def _wants_preview(request: HttpRequest) -> bool:
    return request.POST.get("action") == "preview"


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def new_version(request: HttpRequest, document: int) -> HttpResponse:
    """The document's next version, written in the editor from the latest version's Markdown."""

    found = document_for(request, document)
    if not allowed(request, "drafts.change_document", found):
        raise PermissionDenied
    latest = found.versions.order_by("-number").first()
    form = forms.NewVersionForm(request.POST or None, initial={"markdown": latest.markdown if latest else ""})
    preview: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _wants_preview(request):
            preview, problem = _preview(data["markdown"])
            if problem:
                form.add_error("markdown", problem)
        else:
            try:
                parsed = parse_markdown(data["markdown"])
                version = services.create_version(
                    found,
                    parsed,
                    by=request.user,
                    source=_("editor"),
                    label=data["label"],
                    notes=data["notes"],
                )
            except DraftFormatError as error:
                form.add_error("markdown", error.message)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("Versión «%(label)s» creada, en redacción.") % {"label": version.label}
                )
                return redirect("drafts_staff:version", version=version.pk)
    if form.errors:
        status = 400
    return render(
        request,
        "drafts/staff/new_version.html",
        {
            "document": found,
            "milestone": found.milestone,
            "latest": latest,
            "form": form,
            "preview": preview,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def edit_version(request: HttpRequest, version: int) -> HttpResponse:
    """Rewrite a version still in draft (optimistic locking on the version's edit counter)."""

    found = version_for(request, version)
    if not allowed(request, "drafts.change_documentversion", found):
        raise PermissionDenied
    editable = found.state == VersionState.DRAFT
    form = forms.ReviseDraftForm(
        request.POST or None, initial={"markdown": found.markdown, "edit_version": found.edit_version}
    )
    preview: list[dict[str, Any]] = []
    status = 200
    stale = False
    if request.method == "POST":
        if not editable:
            form.add_error(None, _("Solo se edita el texto de una versión en redacción."))
        elif form.is_valid():
            data = form.cleaned_data
            if _wants_preview(request):
                preview, problem = _preview(data["markdown"])
                if problem:
                    form.add_error("markdown", problem)
            else:
                try:
                    services.revise_draft(found, data["markdown"], expected_version=data["edit_version"])
                except StaleEdit as error:
                    found.refresh_from_db()
                    copy = request.POST.copy()
                    copy["edit_version"] = str(found.edit_version)
                    form = forms.ReviseDraftForm(copy)
                    form.is_valid()
                    form.add_error(None, stale_message(error.changed))
                    stale, status = True, 409
                except DraftFormatError as error:
                    form.add_error("markdown", error.message)
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, _("Texto de %(label)s guardado.") % {"label": found.label})
                    return redirect("drafts_staff:version", version=found.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "drafts/staff/edit_version.html",
        {
            "version": found,
            "document": found.document,
            "milestone": found.document.milestone,
            "form": form,
            "editable": editable,
            "preview": preview,
            "stale": stale,
        },
        status=status,
    )


def _transition_forms(version: DocumentVersion, bound: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One step per transition allowed from the version's state, in a fixed order: opening and
    reopening are forms; closing and approving lead to their confirmation page (``confirm_url``)."""
    bound = bound or {}
    steps = []
    for to in (VersionState.OPEN, VersionState.CLOSED, VersionState.APPROVED):
        if to not in workflow.allowed(version.state):
            continue
        form = bound.get(to)
        if form is None and to == VersionState.OPEN:
            form = forms.ReopenForm() if version.state == VersionState.CLOSED else forms.OpenForm()
        if to == VersionState.OPEN and version.state == VersionState.CLOSED:
            label = _("Reabrir la consulta")
        elif to == VersionState.OPEN:
            label = _("Abrir a consulta")
        elif to == VersionState.CLOSED:
            label = _("Cerrar la consulta")
        else:
            label = _("Aprobar esta versión")
        confirm = confirmation_url(version, to) if to in CONFIRMED_STEPS else ""
        steps.append({"to": str(to), "form": form, "label": label, "confirm_url": confirm})
    return steps


def _version_page(
    request: HttpRequest,
    version: DocumentVersion,
    bound: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:

    rights = version_rights(request, version)
    page = Paginator(paragraphs_with_counts(version), PARAGRAPHS_PER_PAGE).get_page(request.GET.get("pagina"))
    page.object_list = list(page.object_list)
    for paragraph in page.object_list:
        paragraph.version = version
    counts = version.contributions.aggregate(
        total=Count("pk", filter=Q(parent=None)),
        unanswered=Count("pk", filter=Q(parent=None, response__isnull=True, hidden_at=None)),
        hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
    )
    others = list(version.document.versions.exclude(pk=version.pk).order_by("number"))
    approved = version.state == VersionState.APPROVED
    # An approved version no longer changes: nothing is applied or removed there. (The rights
    # spread last used to put can_apply back to True, and the page said the catalogue was empty.)
    can_apply = rights["can_apply"] and not approved
    return render(
        request,
        "drafts/staff/version.html",
        {
            **rights,
            "version": version,
            "document": version.document,
            "milestone": version.document.milestone,
            "others": others,
            "page": page,
            "counts": counts,
            "steps": _transition_forms(version, bound) if rights["can_publish"] else [],
            "error": error,
            "approved": approved,
            "apply_form": ApplyEntryForm() if can_apply else None,
            "entry_choices": entry_choices() if can_apply else [],
            "can_apply": can_apply,
        },
        status=status,
    )


@login_required
@require_GET
def version_detail(request: HttpRequest, version: int) -> HttpResponse:
    """One version for staff: its state and workflow, its text, and the catalogue applied in it."""
    return _version_page(request, version_for(request, version))


@login_required
@require_POST
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def transition(request: HttpRequest, version: int) -> HttpResponse:
    """Open (with dates) or reopen (with a new closing date) the version. Closing and approving
    are asked first (:mod:`cocrea.drafts.staff.confirmations`): they redirect there."""

    found = version_for(request, version)
    if not allowed(request, "drafts.publish_documentversion", found):
        raise PermissionDenied
    to = request.POST.get("to", "")
    if to in CONFIRMED_STEPS:
        # Closing and approving are asked first, on their own page: never from this form.
        see_other = redirect(confirmation_url(found, to))
        see_other.status_code = 303
        return see_other
    if to not in workflow.allowed(found.state):
        labels = dict(VersionState.choices)
        return _version_page(
            request,
            found,
            error=_("Una versión «%(state)s» no puede pasar a «%(to)s».")
            % {"state": labels.get(found.state, found.state), "to": labels.get(to, to)},
            status=400,
        )
    form: Any = None
    opens_at = closes_at = None
    if to == VersionState.OPEN:
        form = (
            forms.ReopenForm(request.POST)
            if found.state == VersionState.CLOSED
            else forms.OpenForm(request.POST)
        )
        if not form.is_valid():
            return _version_page(request, found, bound={to: form}, status=400)
        opens_at, closes_at = form.cleaned_data.get("opens_at"), form.cleaned_data["closes_at"]
    try:
        services.transition_version(found, to, opens_at=opens_at, closes_at=closes_at)
    except ValidationError as error:
        if form is not None:
            add_errors(form, error)
            return _version_page(request, found, bound={to: form}, status=400)
        return _version_page(request, found, error=error_text(error), status=400)
    found.refresh_from_db()
    messages.success(
        request,
        _("%(label)s: ahora «%(state)s».") % {"label": found.label, "state": found.get_state_display()},
    )
    return redirect("drafts_staff:version", version=found.pk)
