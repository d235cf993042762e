"""The public response report of a consultation as a PDF: every contribution, its decision, the
reason and the paragraphs of the next version that carry it, with counts by decision and by kind
of organisation. The same numbers as the web page (:func:`cocrea.drafts.queries.response_report`)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from cocrea.drafts import queries
from cocrea.drafts.models import DocumentVersion
from cocrea.reports.progress import _NOT_XML, _page_counter, printable

CHUNK = 500


def render_html(version: DocumentVersion) -> str:
    document = version.document
    items = []
    contributions = queries.report_contributions(version)
    ids = list(contributions.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):  # bounded IN lists for the prefetches
        chunk = {c.pk: c for c in contributions.filter(pk__in=ids[start : start + CHUNK])}
        items.extend(chunk[pk] for pk in ids[start : start + CHUNK])
    for item in items:  # the pages share one version and document: no query per row
        item.version = version
        if item.paragraph is not None:
            item.paragraph.version = version
    html = render_to_string(
        "reports/responses.html",
        {
            "version": version,
            "document": document,
            "commitment": document.milestone.commitment,
            "summary": queries.response_report(version),
            "items": items,
            "generated": timezone.localtime(),
            "page_counter": mark_safe(_page_counter()),  # noqa: S308 - our own CSS, escaped there
            "language": get_language() or "es",
        },
    )
    return _NOT_XML.sub("", html)


def render_pdf(version: DocumentVersion) -> bytes:
    return printable(render_html(version)).write_pdf()  # type: ignore[no-any-return]
