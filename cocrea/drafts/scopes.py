"""What each write to the drafts touches on the public site (cocrea/core/pagecache.py): the
document's pages (its versions, paragraphs, comparisons, response reports) and its milestone's up
to the home page. A document's own row also touches the names shown in navigation."""

from __future__ import annotations

from typing import Any

from cocrea.core import pagecache
from cocrea.drafts.models import (
    AbuseReport,
    Contribution,
    Document,
    DocumentVersion,
    Follow,
    Paragraph,
    Response,
    Section,
)
from cocrea.plans.scopes import milestone_kwargs


def document_kwargs(document_id: Any) -> dict[str, str]:
    def compute() -> dict[str, str]:
        milestone_id, slug = Document.objects.filter(pk=document_id).values_list("milestone_id", "slug").get()
        return {**milestone_kwargs(milestone_id), "document": slug}

    return dict(pagecache.memo(("document", document_id), compute))


def version_document(version_id: Any) -> Any:
    return pagecache.column(DocumentVersion, version_id, "document_id")


def version_scopes(version_id: Any) -> list[str]:
    return pagecache.chain(document_kwargs(version_document(version_id)))


@pagecache.register(Document)
def _document(document: Document) -> list[str]:
    kwargs = {**milestone_kwargs(document.milestone_id), "document": document.slug}
    return [*pagecache.chain(kwargs), pagecache.TITLES]


@pagecache.register(DocumentVersion)
def _version(version: DocumentVersion) -> list[str]:
    return pagecache.chain(document_kwargs(version.document_id))


@pagecache.register(Section, Paragraph, Contribution)
def _version_part(row: Any) -> list[str]:
    return version_scopes(row.version_id)


@pagecache.register(Response)
def _response(response: Response) -> list[str]:
    version_id = pagecache.column(Contribution, response.contribution_id, "version_id")
    return version_scopes(version_id)


@pagecache.register(AbuseReport)
def _report(report: AbuseReport) -> list[str]:
    return []  # reports are read by moderators only; hiding the contribution is its own write


@pagecache.register(Follow)
def _follow(follow: Follow) -> list[str]:
    return []  # who follows a document is never shown on a public page
