"""Staff screens for co-creation (under /gestion/documentos/, behind two-step verification).

Documents of a milestone, importing a draft, writing a new version or revising a draft, the
workflow of a version, answering contributions and moderating them. Views parse input, check the
named rule, call :mod:`cocrea.drafts.services` and render; the audit middleware attributes every
write to the signed-in person.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS
from cocrea.catalogue.forms import ApplyEntryForm, entry_choices
from cocrea.computations.drafttext import DraftFormatError, parse_markdown, render_markdown
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import UploadRejected, read_upload
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.drafts import forms, services, workflow
from cocrea.drafts.models import (
    AbuseReport,
    Contribution,
    Document,
    DocumentVersion,
    Paragraph,
    VersionState,
)
from cocrea.participation.models import Person
from cocrea.plans.models import Milestone

CONTRIBUTIONS_PER_PAGE = 50
PARAGRAPHS_PER_PAGE = 50
QUEUE_PER_PAGE = 50
DRAFT_UPLOADS_PER_HOUR = 20
WRITES_PER_HOUR = 600
MODERATION_MILESTONES = 200

VERSION_RELATED = ("document__milestone__commitment__action_plan", "document__activity", "created_by")


# --- reading ------------------------------------------------------------------------------------


def _people() -> Prefetch:

    return Prefetch("person", queryset=Person.objects.prefetch_related("consents"))


def _contribution_rows() -> Any:
    """Contributions with all that a staff page shows of them, in a fixed number of queries."""
    return Contribution.objects.select_related(
        "organization", "response", "paragraph__section", "section", "hidden_by"
    ).prefetch_related(
        _people(),
        Prefetch(
            "replies",
            queryset=Contribution.objects.select_related("organization")
            .prefetch_related(_people())
            .order_by("created_at", "pk"),
        ),
        Prefetch(
            "response__resulting_paragraphs",
            queryset=Paragraph.objects.select_related("version").order_by("version__number", "position"),
        ),
    )


def _paragraphs_with_counts(version: DocumentVersion) -> Any:
    return (
        version.paragraphs.select_related("section")
        .annotate(
            comment_count=Count(
                "contributions", filter=Q(contributions__parent=None, contributions__hidden_at=None)
            )
        )
        .prefetch_related("applications__entry")
        .order_by("position")
    )


# --- loading objects and checking rules --------------------------------------------------------


def _may(request: HttpRequest, name: str, obj: Any = None) -> bool:
    return bool(request.user.has_perm(name, obj))


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied


def _milestone_for(request: HttpRequest, milestone: int) -> Milestone:
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not _may(request, "plans.view_milestone", found):
        raise Http404
    _staff_only(request)
    return found


def _document_for(request: HttpRequest, document: int) -> Document:
    found = get_object_or_404(
        Document.objects.select_related("milestone__commitment__action_plan", "activity"), pk=document
    )
    if not _may(request, "drafts.view_document", found):
        raise Http404
    _staff_only(request)
    return found


def _version_for(request: HttpRequest, version: int) -> DocumentVersion:
    found = get_object_or_404(DocumentVersion.objects.select_related(*VERSION_RELATED), pk=version)
    if not _may(request, "drafts.view_document", found.document) or not _may(
        request, "drafts.view_documentversion", found
    ):
        raise Http404
    _staff_only(request)
    return found


def _contribution_for(request: HttpRequest, contribution: int) -> Contribution:
    found = get_object_or_404(
        _contribution_rows().select_related(*(f"version__{name}" for name in VERSION_RELATED)),
        pk=contribution,
    )
    if not _may(request, "drafts.view_document", found.version.document):
        raise Http404
    _staff_only(request)
    return found


def _stand_in(version: DocumentVersion) -> Contribution:
    """An unsaved contribution of the version: its rules' answer holds for all of its contributions
    (they share the version's scope), so a list checks once, not once a row."""
    return Contribution(version=version)


def _milestone_stand_in(milestone: Milestone) -> Contribution:
    return _stand_in(DocumentVersion(document=Document(milestone=milestone)))


def _version_rights(request: HttpRequest, version: DocumentVersion) -> dict[str, bool]:
    stand_in = _stand_in(version)
    return {
        "can_change_document": _may(request, "drafts.change_document", version.document),
        "can_change_version": _may(request, "drafts.change_documentversion", version),
        "can_publish": _may(request, "drafts.publish_documentversion", version),
        "can_respond": _may(request, "drafts.respond", stand_in),
        "can_moderate": _may(request, "drafts.moderate", stand_in),
        "can_apply": _may(request, "catalogue.add_application", Paragraph(version=version)),
    }


def _add_errors(form: Any, error: ValidationError) -> None:
    """A service's ValidationError shown next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            messages_ = [m for e in errors for m in e.messages]
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _error_text(error: Any) -> str:
    return "; ".join(getattr(error, "messages", None) or [getattr(error, "message", str(error))])


def _next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def _too_many(request: HttpRequest, scope: str, limit: int) -> bool:
    return not allow(f"{scope}:{request.user.pk}", limit, 3600)


# --- documents of a milestone -------------------------------------------------------------------


def _documents_page(
    request: HttpRequest,
    milestone: Milestone,
    document_form: forms.DocumentForm | None = None,
    import_form: forms.DraftImportForm | None = None,
    status: int = 200,
) -> HttpResponse:
    top_level = Q(contributions__parent=None)  # hidden ones too: every contribution gets an answer
    versions = DocumentVersion.objects.annotate(
        contribution_count=Count("contributions", filter=top_level),
        unanswered_count=Count("contributions", filter=top_level & Q(contributions__response__isnull=True)),
    ).order_by("number")
    documents = list(
        milestone.documents.select_related("activity")
        .prefetch_related(Prefetch("versions", queryset=versions))
        .order_by("created_at", "pk")
    )
    for document in documents:
        document.milestone = milestone
        document.can_change = _may(request, "drafts.change_document", document)
    can_add = _may(request, "drafts.add_document", milestone)
    pending_reports = AbuseReport.objects.filter(
        resolved_at=None, contribution__version__document__milestone=milestone
    ).count()
    return render(
        request,
        "drafts/staff/milestone.html",
        {
            "milestone": milestone,
            "documents": documents,
            "can_add": can_add,
            "can_moderate": _may(request, "drafts.moderate", _milestone_stand_in(milestone)),
            "pending_reports": pending_reports,
            "document_form": document_form or (forms.DocumentForm(milestone=milestone) if can_add else None),
            "import_form": import_form or (forms.DraftImportForm() if can_add else None),
        },
        status=status,
    )


@login_required
@require_GET
def milestone_documents(request: HttpRequest, milestone: int) -> HttpResponse:
    """The milestone's documents with their versions, states and contributions to answer."""
    return _documents_page(request, _milestone_for(request, milestone))


@login_required
@require_POST
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def create_document(request: HttpRequest, milestone: int) -> HttpResponse:

    found = _milestone_for(request, milestone)
    if not _may(request, "drafts.add_document", found):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST, milestone=found)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.create_document(
                found,
                data["title"],
                kind=data["kind"],
                description=data["description"],
                activity=data["activity"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Documento «%(title)s» creado.") % {"title": document.title})
            return redirect("drafts_staff:milestone", milestone=found.pk)
    return _documents_page(request, found, document_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def import_draft(request: HttpRequest, milestone: int) -> HttpResponse:
    """A DOCX or Markdown file becomes the next version of its document (created if new)."""

    found = _milestone_for(request, milestone)
    if not _may(request, "drafts.add_document", found):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request, "drafts/staff/import.html", {"milestone": found, "form": forms.DraftImportForm()}
        )
    form = forms.DraftImportForm(request.POST, request.FILES)
    if _too_many(request, "draft-upload", DRAFT_UPLOADS_PER_HOUR):
        form.add_error(None, _("Demasiadas importaciones en una hora. Inténtelo más tarde."))
        return render(request, "drafts/staff/import.html", {"milestone": found, "form": form}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        uploaded = data["file"]
        try:
            content = read_upload(uploaded, allowed={"zip", "text"}, max_bytes=services.MAX_DRAFT_FILE_BYTES)
            outcome = services.import_draft(
                found,
                content,
                by=request.user,
                filename=uploaded.name,
                document_title=data["document_title"],
                label=data["label"],
                notes=data["notes"],
            )
        except UploadRejected as rejected:
            form.add_error("file", rejected.message)
        except DraftFormatError as error:
            form.add_error("file", error.message)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            version = outcome.version
            messages.success(
                request,
                _(
                    "«%(document)s»: %(label)s importada en redacción, con %(total)s párrafos "
                    "(%(kept)s siguen de la versión anterior, %(new)s nuevos)."
                )
                % {
                    "document": outcome.document.title,
                    "label": version.label,
                    "total": outcome.kept + outcome.new,
                    "kept": outcome.kept,
                    "new": outcome.new,
                },
            )
            if outcome.created_document:
                messages.info(request, _("Se creó el documento, que no existía en este hito."))
            for warning in outcome.warnings:
                messages.warning(request, _("Aviso: %(message)s") % {"message": warning})
            return redirect("drafts_staff:version", version=version.pk)
    return render(request, "drafts/staff/import.html", {"milestone": found, "form": form}, status=400)


# --- writing the text ---------------------------------------------------------------------------


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

    found = _document_for(request, document)
    if not _may(request, "drafts.change_document", found):
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
                _add_errors(form, error)
            else:
                messages.success(request, _("%(label)s creada, en redacción.") % {"label": version.label})
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

    found = _version_for(request, version)
    if not _may(request, "drafts.change_documentversion", found):
        raise PermissionDenied
    editable = found.state == VersionState.DRAFT
    form = forms.ReviseDraftForm(
        request.POST or None, initial={"markdown": found.markdown, "edit_version": found.version}
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
                    copy["edit_version"] = str(found.version)
                    form = forms.ReviseDraftForm(copy)
                    form.is_valid()
                    form.add_error(None, stale_message(error.changed))
                    stale, status = True, 409
                except DraftFormatError as error:
                    form.add_error("markdown", error.message)
                except ValidationError as error:
                    _add_errors(form, error)
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


# --- a version: its workflow and its paragraphs -------------------------------------------------


def _transition_forms(version: DocumentVersion, bound: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One form per transition allowed from the version's state, in a fixed order."""
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
        steps.append({"to": str(to), "form": form, "label": label})
    return steps


def _version_page(
    request: HttpRequest,
    version: DocumentVersion,
    bound: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:

    rights = _version_rights(request, version)
    page = Paginator(_paragraphs_with_counts(version), PARAGRAPHS_PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    page.object_list = list(page.object_list)
    for paragraph in page.object_list:
        paragraph.version = version
    counts = version.contributions.aggregate(
        total=Count("pk", filter=Q(parent=None)),
        unanswered=Count("pk", filter=Q(parent=None, response__isnull=True, hidden_at=None)),
        hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
    )
    others = list(version.document.versions.exclude(pk=version.pk).order_by("number"))
    can_apply = rights["can_apply"] and version.state != VersionState.APPROVED
    return render(
        request,
        "drafts/staff/version.html",
        {
            "version": version,
            "document": version.document,
            "milestone": version.document.milestone,
            "others": others,
            "page": page,
            "counts": counts,
            "steps": _transition_forms(version, bound) if rights["can_publish"] else [],
            "error": error,
            "apply_form": ApplyEntryForm() if can_apply else None,
            "entry_choices": entry_choices() if can_apply else [],
            "can_apply": can_apply,
            **rights,
        },
        status=status,
    )


@login_required
@require_GET
def version_detail(request: HttpRequest, version: int) -> HttpResponse:
    """One version for staff: its state and workflow, its text, and the catalogue applied in it."""
    return _version_page(request, _version_for(request, version))


@login_required
@require_POST
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def transition(request: HttpRequest, version: int) -> HttpResponse:
    """Open (with dates), close, reopen (with a new closing date) or approve the version."""

    found = _version_for(request, version)
    if not _may(request, "drafts.publish_documentversion", found):
        raise PermissionDenied
    to = request.POST.get("to", "")
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
            _add_errors(form, error)
            return _version_page(request, found, bound={to: form}, status=400)
        return _version_page(request, found, error=_error_text(error), status=400)
    found.refresh_from_db()
    messages.success(
        request,
        _("%(label)s: ahora «%(state)s».") % {"label": found.label, "state": found.get_state_display()},
    )
    return redirect("drafts_staff:version", version=found.pk)


# --- contributions and responses ----------------------------------------------------------------


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
            "edit_version": response.version,
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
    found = _version_for(request, version)
    rights = _version_rights(request, found)
    if not (rights["can_respond"] or rights["can_moderate"]):
        raise PermissionDenied
    own_paragraphs = _paragraphs_of(found)
    filters = forms.ContributionFilterForm(request.GET or None, paragraphs=own_paragraphs)
    rows = _contribution_rows().filter(version=found, parent=None)
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

    found = _contribution_for(request, contribution)
    if not _may(request, "drafts.respond", found):
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
            found = _contribution_for(request, contribution)
            copy = request.POST.copy()
            copy["edit_version"] = str(found.response.version)
            form = _response_form(found, paragraphs, copy)
            form.is_valid()
            form.add_error(None, stale_message(error.changed))
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Respuesta guardada."))
            return redirect(_next_url(request, reverse("drafts_staff:contributions", args=[version.pk])))
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
            "next": _next_url(request, ""),
            "answered": _has_response(found),
        },
        status=status,
    )


# --- moderation ---------------------------------------------------------------------------------


def _queue(milestone: Milestone) -> Any:
    open_reports = AbuseReport.objects.filter(contribution=OuterRef("pk"), resolved_at=None)
    return (
        Contribution.objects.filter(version__document__milestone=milestone)
        .annotate(reported=Exists(open_reports))
        .filter(Q(reported=True) | Q(hidden_at__isnull=False))
        .select_related("version__document", "paragraph__section", "section", "organization", "hidden_by")
        .prefetch_related(
            _people(),
            Prefetch(
                "reports",
                queryset=AbuseReport.objects.filter(resolved_at=None).order_by("created_at"),
                to_attr="open_reports",
            ),
        )
        .order_by("-reported", "-created_at", "-pk")
    )


@login_required
@require_GET
def moderation_overview(request: HttpRequest) -> HttpResponse:
    """Where there is something to moderate: milestones with open reports or hidden contributions."""
    _staff_only(request)
    if not _may(request, "drafts.moderate"):
        raise PermissionDenied
    open_reports = AbuseReport.objects.filter(contribution=OuterRef("pk"), resolved_at=None)
    rows = (
        Contribution.objects.annotate(reported=Exists(open_reports))
        .filter(Q(reported=True) | Q(hidden_at__isnull=False))
        .values("version__document__milestone")
        .annotate(
            reports=Count("pk", filter=Q(reported=True)),
            hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
        )
        .order_by("version__document__milestone")[:MODERATION_MILESTONES]
    )
    counts = {row["version__document__milestone"]: row for row in rows}
    milestones = Milestone.objects.filter(pk__in=counts).select_related("commitment__action_plan")
    entries = [
        {"milestone": m, "reports": counts[m.pk]["reports"], "hidden": counts[m.pk]["hidden"]}
        for m in milestones
        if _may(request, "drafts.moderate", _milestone_stand_in(m))
    ]
    return render(request, "drafts/staff/moderation_overview.html", {"entries": entries})


@login_required
@require_GET
def moderation(request: HttpRequest, milestone: int) -> HttpResponse:
    """The milestone's contributions with open abuse reports, and all hidden ones."""
    found = _milestone_for(request, milestone)
    if not _may(request, "drafts.moderate", _milestone_stand_in(found)):
        raise PermissionDenied
    page = Paginator(_queue(found), QUEUE_PER_PAGE).get_page(request.GET.get("pagina"))
    items = [
        {"contribution": c, "form": forms.HideForm(auto_id=f"ocultar-{c.pk}-%s")} for c in page.object_list
    ]
    return render(
        request,
        "drafts/staff/moderation.html",
        {"milestone": found, "page": page, "items": items, "here": request.get_full_path()},
    )


def _moderated(request: HttpRequest, contribution: int) -> Contribution:
    found = _contribution_for(request, contribution)
    if not _may(request, "drafts.moderate", found):
        raise PermissionDenied
    return found


def _after_moderation(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    default = reverse("drafts_staff:moderation", args=[contribution.version.document.milestone_id])
    return redirect(_next_url(request, default))


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def hide(request: HttpRequest, contribution: int) -> HttpResponse:
    """Hide a contribution with a public reason (its open reports are resolved with it)."""

    found = _moderated(request, contribution)
    form = forms.HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_contribution(found, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Aporte ocultado."))
            return _after_moderation(request, found)
    return render(
        request,
        "drafts/staff/hide.html",
        {
            "contribution": found,
            "version": found.version,
            "milestone": found.version.document.milestone,
            "form": form,
            "next": _next_url(request, ""),
            "open_reports": list(found.reports.filter(resolved_at=None).order_by("created_at")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def restore(request: HttpRequest, contribution: int) -> HttpResponse:

    found = _moderated(request, contribution)
    if found.hidden_at is None:
        messages.info(request, _("El aporte ya estaba visible."))
    else:
        services.restore_contribution(found)
        messages.success(request, _("Aporte visible de nuevo."))
    return _after_moderation(request, found)


@login_required
@require_POST
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def dismiss(request: HttpRequest, contribution: int) -> HttpResponse:

    found = _moderated(request, contribution)
    count = services.dismiss_reports(found)
    messages.success(
        request,
        _("Reportes descartados: %(count)s. El aporte sigue visible.") % {"count": count},
    )
    return _after_moderation(request, found)
