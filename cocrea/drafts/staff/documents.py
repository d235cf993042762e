"""Staff screens of a milestone's documents: the list, a new document, importing a draft file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.computations.drafttext import DraftFormatError
from cocrea.core.ratelimit import limit_posts
from cocrea.core.uploads import UploadRejected, read_upload
from cocrea.drafts import forms, services
from cocrea.drafts.models import (
    AbuseReport,
    DocumentVersion,
)
from cocrea.drafts.staff.common import (
    WRITES_PER_HOUR,
    add_errors,
    allowed,
    milestone_for,
    milestone_stand_in,
    too_many,
)
from cocrea.plans.models import Milestone

DRAFT_UPLOADS_PER_HOUR = 20


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
        document.can_change = allowed(request, "drafts.change_document", document)
    can_add = allowed(request, "drafts.add_document", milestone)
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
            "can_moderate": allowed(request, "drafts.moderate", milestone_stand_in(milestone)),
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
    return _documents_page(request, milestone_for(request, milestone))


@login_required
@require_POST
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def create_document(request: HttpRequest, milestone: int) -> HttpResponse:

    found = milestone_for(request, milestone)
    if not allowed(request, "drafts.add_document", found):
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
            add_errors(form, error)
        else:
            messages.success(request, _("Documento «%(title)s» creado.") % {"title": document.title})
            return redirect("drafts_staff:milestone", milestone=found.pk)
    return _documents_page(request, found, document_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def import_draft(request: HttpRequest, milestone: int) -> HttpResponse:
    """A DOCX or Markdown file becomes the next version of its document (created if new)."""

    found = milestone_for(request, milestone)
    if not allowed(request, "drafts.add_document", found):
        raise PermissionDenied
    if request.method != "POST":
        return render(
            request, "drafts/staff/import.html", {"milestone": found, "form": forms.DraftImportForm()}
        )
    form = forms.DraftImportForm(request.POST, request.FILES)
    if too_many(request, "draft-upload", DRAFT_UPLOADS_PER_HOUR):
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
            add_errors(form, error)
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
