"""What the co-creation staff screens share: loading objects with their rules, the rights on a
version, form errors, the next address, the page sizes and rate limits."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from cocrea.accounts.rules import STAFF_SCREENS
from cocrea.core.ratelimit import allow
from cocrea.drafts.models import (
    Contribution,
    Document,
    DocumentVersion,
    Paragraph,
)
from cocrea.participation.models import Person
from cocrea.plans.models import Milestone

CONTRIBUTIONS_PER_PAGE = 50


PARAGRAPHS_PER_PAGE = 50


QUEUE_PER_PAGE = 50


WRITES_PER_HOUR = 600


MODERATION_MILESTONES = 200


VERSION_RELATED = ("document__milestone__commitment__action_plan", "document__activity", "created_by")


def people() -> Prefetch:

    return Prefetch("person", queryset=Person.objects.prefetch_related("consents"))


def contribution_rows() -> Any:
    """Contributions with all that a staff page shows of them, in a fixed number of queries."""
    return Contribution.objects.select_related(
        "organization", "response", "paragraph__section", "section", "hidden_by"
    ).prefetch_related(
        people(),
        Prefetch(
            "replies",
            queryset=Contribution.objects.select_related("organization")
            .prefetch_related(people())
            .order_by("created_at", "pk"),
        ),
        Prefetch(
            "response__resulting_paragraphs",
            queryset=Paragraph.objects.select_related("version").order_by("version__number", "position"),
        ),
    )


def paragraphs_with_counts(version: DocumentVersion) -> Any:
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


def allowed(request: HttpRequest, name: str, obj: Any = None) -> bool:
    return bool(request.user.has_perm(name, obj))


def staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied


def milestone_for(request: HttpRequest, milestone: int) -> Milestone:
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not allowed(request, "plans.view_milestone", found):
        raise Http404
    staff_only(request)
    return found


def document_for(request: HttpRequest, document: int) -> Document:
    found = get_object_or_404(
        Document.objects.select_related("milestone__commitment__action_plan", "activity"), pk=document
    )
    if not allowed(request, "drafts.view_document", found):
        raise Http404
    staff_only(request)
    return found


def version_for(request: HttpRequest, version: int) -> DocumentVersion:
    found = get_object_or_404(DocumentVersion.objects.select_related(*VERSION_RELATED), pk=version)
    if not allowed(request, "drafts.view_document", found.document) or not allowed(
        request, "drafts.view_documentversion", found
    ):
        raise Http404
    staff_only(request)
    return found


def contribution_for(request: HttpRequest, contribution: int) -> Contribution:
    found = get_object_or_404(
        contribution_rows().select_related(*(f"version__{name}" for name in VERSION_RELATED)),
        pk=contribution,
    )
    if not allowed(request, "drafts.view_document", found.version.document):
        raise Http404
    staff_only(request)
    return found


def version_stand_in(version: DocumentVersion) -> Contribution:
    """An unsaved contribution of the version: its rules' answer holds for all of its contributions
    (they share the version's scope), so a list checks once, not once a row."""
    return Contribution(version=version)


def milestone_stand_in(milestone: Milestone) -> Contribution:
    return version_stand_in(DocumentVersion(document=Document(milestone=milestone)))


def version_rights(request: HttpRequest, version: DocumentVersion) -> dict[str, bool]:
    stand_in = version_stand_in(version)
    return {
        "can_change_document": allowed(request, "drafts.change_document", version.document),
        "can_change_version": allowed(request, "drafts.change_documentversion", version),
        "can_publish": allowed(request, "drafts.publish_documentversion", version),
        "can_respond": allowed(request, "drafts.respond", stand_in),
        "can_moderate": allowed(request, "drafts.moderate", stand_in),
        "can_apply": allowed(request, "catalogue.add_application", Paragraph(version=version)),
    }


def add_errors(form: Any, error: ValidationError) -> None:
    """A service's ValidationError shown next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            messages_ = [m for e in errors for m in e.messages]
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def error_text(error: Any) -> str:
    return "; ".join(getattr(error, "messages", None) or [getattr(error, "message", str(error))])


def next_url(request: HttpRequest, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def too_many(request: HttpRequest, scope: str, limit: int) -> bool:
    return not allow(f"{scope}:{request.user.pk}", limit, 3600)
