"""The public response report of a consultation as a PDF: every contribution, its decision, the
reason and the paragraphs of the next version that carry it, with counts by decision and by kind
of organisation. The same numbers as the web page (:func:`cocrea.drafts.queries.response_report`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils import formats, timezone, translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cocrea.core.jobs import progress
from cocrea.drafts import queries
from cocrea.drafts.models import Contribution, DocumentVersion
from cocrea.drafts.models import DocumentVersion as Version
from cocrea.participation.models import Consent, Person
from cocrea.reports.kept import RESPONSES_PREFIX, KeptReport
from cocrea.reports.printing import typeset_long

CHUNK = 500


@dataclass
class ResponseReport:
    """What the report shows: the version, the counts of the web page, every contribution as the
    PDF writes it (:func:`_item`: text only, so that 10,000 of them take little memory)."""

    version: DocumentVersion
    summary: Any
    items: list[dict[str, Any]]
    generated: datetime

    @property
    def document(self) -> Any:
        return self.version.document

    @property
    def commitment(self) -> Any:
        return self.version.document.milestone.commitment


def gather(version: DocumentVersion) -> ResponseReport:
    """The report's contributions, read in bounded chunks with what their entries show prefetched,
    each written as its entry before the next chunk is read."""
    items = []
    contributions = queries.report_contributions(version)
    ids = list(contributions.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):  # bounded IN lists for the prefetches
        chunk = {c.pk: c for c in contributions.filter(pk__in=ids[start : start + CHUNK])}
        for pk in ids[start : start + CHUNK]:
            item = chunk[pk]
            item.version = version  # the entries share one version and document: no query each
            if item.paragraph is not None:
                item.paragraph.version = version
            items.append(_item(item))
    return ResponseReport(version, queries.response_report(version), items, timezone.localtime())


def _item(item: Contribution) -> dict[str, Any]:
    """One contribution as the PDF shows it: a heading line, the text (or why it is hidden), the
    decision with its reason and the paragraphs of the next version that carry it."""

    head = [f"#{item.pk}", item.get_kind_display(), str(item.target_label), str(item.author_name)]
    if item.organization:
        head[-1] += f" ({item.organization})"
    head.append(formats.date_format(timezone.localtime(item.created_at), "SHORT_DATE_FORMAT"))
    response = getattr(item, "response", None)
    entry: dict[str, Any] = {
        "head": " · ".join(head),
        "hidden": _("Ocultado por moderación: %(reason)s") % {"reason": item.hidden_reason}
        if item.hidden_at
        else None,
        "text": "" if item.hidden_at else item.text,
        "proposal": item.proposed_text if not item.hidden_at and item.proposed_text else None,
        "decision": response.decision if response else None,
        "decision_label": f"{response.get_decision_display()}." if response else None,
        "reason": response.reason if response else None,
        "carried": None,
    }
    if response is not None:
        carried = [
            _("%(label)s, párrafo %(number)s") % {"label": p.version.label, "number": p.number}
            for p in response.resulting_paragraphs.all()
        ]
        if carried:
            entry["carried"] = _("Cambio resultante:") + " " + "; ".join(carried)
    return entry


def document(report: ResponseReport) -> dict[str, Any]:
    """Everything the PDF shows, as data for ``reports/typst/responses.typ``."""
    version, summary = report.version, report.summary
    period = (
        _("Consulta del %(opens)s al %(closes)s.")
        % {
            "opens": formats.date_format(timezone.localtime(version.opens_at), "DATE_FORMAT"),
            "closes": formats.date_format(timezone.localtime(version.closes_at), "DATE_FORMAT"),
        }
        + " "
        if version.opens_at and version.closes_at
        else ""
    )
    return {
        "title": _("Informe de respuestas: %(title)s, %(label)s")
        % {"title": report.document.title, "label": version.label},
        "eyebrow": _("Compromiso %(number)s") % {"number": report.commitment.number}
        + f" · {report.document.title}",
        "heading": _("Informe de respuestas: %(label)s") % {"label": version.label},
        "period": period
        + _("Generado el %(when)s.") % {"when": formats.date_format(report.generated, "DATETIME_FORMAT")},
        "sample": _("Datos de ejemplo") if report.document.sample else None,
        "sample_sentence": _(
            "los documentos, aportes y respuestas que se muestran son de demostración, no reales."
        ),
        "summary_heading": _("Resumen"),
        "summary": ngettext(
            "%(counter)s aporte, %(answered)s con respuesta.",
            "%(counter)s aportes, %(answered)s con respuesta.",
            summary.total,
        )
        % {"counter": summary.total, "answered": summary.answered},
        "by_decision": {
            "head": [_("Decisión"), _("Aportes")],
            "rows": [[str(label), str(count)] for _code, label, count in summary.by_decision],
        },
        "by_kind": {
            "head": [_("Tipo de organización"), _("Aportes")],
            "rows": [[str(label), str(count)] for _code, label, count in summary.by_kind],
        },
        "items_heading": _("Cada aporte y su respuesta"),
        "proposal_label": _("Redacción propuesta:"),
        "no_response": _("Sin respuesta todavía."),
        "no_items": _("Esta versión no recibió aportes."),
        "items": report.items,
    }


def render_pdf(version: DocumentVersion) -> bytes:
    """The report's PDF. A long one tells :func:`cocrea.core.jobs.progress` how many contributions
    are typeset (a background job's page, or a command's progress bar, shows it)."""
    return typeset_long(
        "responses.typ", document(gather(version)), running="responses-running.typ", progress=progress
    )


# Typst typesets some 1,000 contributions (about 100 pages) in half a second of one core here
# (bench/report.py). Every PDF is made by a worker when first asked for and kept until the
# report's content changes; reports with more contributions than this are also prepared in advance
# by the daily job (``cocrea daily``), so that nobody waits minutes for one.
PREPARED_IN_ADVANCE = 3000


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


def kept_response_report(version: DocumentVersion) -> KeptReport:
    """The kept PDF of ``version``'s report in the active language, for its content now."""
    return KeptReport(
        f"{RESPONSES_PREFIX}{version.pk}-{get_language() or 'es'}-", fingerprint(version), "pdf"
    )


def stored_pdf(version: DocumentVersion, *, make: bool) -> bytes | None:
    """The report's PDF for the current content: the kept one, else made now (and kept) when
    ``make`` (a worker, the daily job, the command line; never a request)."""

    kept = kept_response_report(version)
    pdf = kept.read()
    if pdf is not None or not make:
        return pdf
    pdf = render_pdf(version)
    kept.store(pdf)
    return pdf


def prepared_in_advance(version: DocumentVersion) -> bool:
    return version.contributions.filter(parent=None).count() > PREPARED_IN_ADVANCE


def prepare_large_reports() -> int:
    """Make the large reports' PDFs in advance, for every public version whose report changed."""

    made = 0
    for version in Version.objects.public().select_related("document__milestone__commitment"):
        if not prepared_in_advance(version):
            continue
        for language, _label in settings.LANGUAGES:
            with translation.override(language):
                if stored_pdf(version, make=False) is None:
                    stored_pdf(version, make=True)
                    made += 1
    return made
