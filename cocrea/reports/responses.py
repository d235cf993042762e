"""The public response report of a consultation as a PDF: every contribution, its decision, the
reason and the paragraphs of the next version that carry it, with counts by decision and by kind
of organisation. The same numbers as the web page (:func:`cocrea.drafts.queries.response_report`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Max, Sum
from django.utils import timezone, translation
from django.utils.translation import get_language

from cocrea.drafts import queries
from cocrea.drafts.models import Contribution, DocumentVersion
from cocrea.drafts.models import DocumentVersion as Version
from cocrea.participation.models import Consent, Person
from cocrea.reports.printing import render_page, write_pdf

CHUNK = 500


@dataclass
class ResponseReport:
    """What the report shows: the version, the counts of the web page, every contribution."""

    version: DocumentVersion
    summary: Any
    items: list[Contribution]
    generated: datetime

    @property
    def document(self) -> Any:
        return self.version.document

    @property
    def commitment(self) -> Any:
        return self.version.document.milestone.commitment


def gather(version: DocumentVersion) -> ResponseReport:
    """The report's contributions with what their rows show prefetched, in bounded chunks."""
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
    return ResponseReport(version, queries.response_report(version), items, timezone.localtime())


def render_html(report: ResponseReport) -> str:
    return render_page(
        "reports/responses.html",
        {
            "version": report.version,
            "document": report.document,
            "commitment": report.commitment,
            "summary": report.summary,
            "items": report.items,
            "generated": report.generated,
        },
    )


def render_pdf(version: DocumentVersion) -> bytes:
    return write_pdf(render_html(gather(version)))


# WeasyPrint lays out some ten to fifteen pages a second here: up to this many contributions
# (about 200 pages) the PDF is made while the person waits; larger reports are prepared by the
# daily job (``cocrea daily``) or ``cocrea report responses``, and kept until the
# report's content changes.
MADE_ON_REQUEST = 1500


def fingerprint(version: DocumentVersion) -> str:
    """Changes whenever anything the report shows changes, the authors' public names included
    (three aggregate queries)."""

    figures = Contribution.objects.filter(version=version).aggregate(
        n=Count("pk"),
        last=Max("created_at"),
        hidden=Max("hidden_at"),
        hidden_n=Count("hidden_at"),
        answered=Count("response"),
        edits=Sum("response__edit_version"),
        answered_last=Max("response__responded_at"),
        links=Count("response__resulting_paragraphs"),
    )
    # The names shown beside each contribution: a person's public name and the consent to show it.
    authors = Contribution.objects.filter(version=version).values("person")
    names = Person.objects.filter(pk__in=authors).aggregate(edits=Sum("edit_version"), n=Count("pk"))
    consents = Consent.objects.filter(person__in=authors, purpose=Consent.Purpose.PUBLIC_NAME).aggregate(
        n=Count("pk"), given=Max("given_at"), withdrawn=Max("withdrawn_at")
    )
    document = version.document
    basis = (
        f"{figures}|{names}|{consents}|{version.edit_version}|{version.state}|{document.edit_version}"
        f"|{get_language()}|sample={document.sample}"
    )
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _prefix(version: DocumentVersion) -> str:
    return f"respuestas-{version.pk}-{get_language() or 'es'}-"


def _name(version: DocumentVersion, stamp: str) -> str:
    return f"reports/{_prefix(version)}{stamp}.pdf"


def stored_pdf(version: DocumentVersion, *, make: bool) -> bytes | None:
    """The report's PDF for the current content: the stored one, else made now when ``make``."""

    name = _name(version, fingerprint(version))
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            return stored.read()  # type: ignore[no-any-return]
    if not make:
        return None
    pdf = render_pdf(version)
    _, files = default_storage.listdir("reports") if default_storage.exists("reports") else ([], [])
    for old in files:  # the outdated copies of this version's report in this language
        if old.startswith(_prefix(version)):
            default_storage.delete(f"reports/{old}")
    default_storage.save(name, ContentFile(pdf))
    return pdf


def needs_waiting(version: DocumentVersion) -> bool:
    return version.contributions.filter(parent=None).count() > MADE_ON_REQUEST


def prepare_large_reports() -> int:
    """Make the PDFs too large to make on request, for every public version whose report changed."""

    made = 0
    for version in Version.objects.public().select_related("document__milestone__commitment"):
        if not needs_waiting(version):
            continue
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                if stored_pdf(version, make=False) is None:
                    stored_pdf(version, make=True)
                    made += 1
    return made
