"""Read side of co-creation: visibility, bounded page queries, the response report, the diff."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.computations.draftdiff import Block, Change, diff_versions, summarize
from cocrea.core.attention import CONTRIBUTIONS, Attention
from cocrea.drafts.models import (
    Contribution,
    Decision,
    Document,
    DocumentVersion,
    Paragraph,
    Response,
    VersionState,
)
from cocrea.participation.models import Person
from cocrea.plans.models import Organization

PERSON_PREFETCH = Prefetch("person", queryset=Person.objects.prefetch_related("consents"))


def get_document(user: Any, plan: str, commitment: str, milestone: str, slug: str) -> Document:
    found = (
        Document.objects.select_related("milestone__commitment__action_plan", "activity")
        .filter(
            milestone__commitment__action_plan__slug=plan,
            milestone__commitment__number=commitment,
            milestone__number=milestone,
            slug=slug,
        )
        .first()
    )
    if found is None or not user.has_perm(permission("document", "view"), found):
        raise Http404
    return found


def visible_versions(user: Any, document: Document) -> list[DocumentVersion]:
    """The versions the user may read: public ones, and drafts for the document's editors."""
    versions = list(document.versions.all())
    for version in versions:
        version.document = document
    return [v for v in versions if user.has_perm(permission("documentversion", "view"), v)]


def get_version(user: Any, document: Document, number: int) -> DocumentVersion:
    for version in visible_versions(user, document):
        if version.number == number:
            return version
    raise Http404


def contributions() -> QuerySet[Contribution]:
    """Contributions with what a page shows of them, in a fixed number of queries."""
    return Contribution.objects.select_related(
        "organization", "response", "response__responded_by", "paragraph", "section"
    ).prefetch_related(
        PERSON_PREFETCH,
        Prefetch(
            "replies",
            queryset=Contribution.objects.select_related("organization")
            .prefetch_related(PERSON_PREFETCH)
            .order_by("created_at", "pk"),
        ),
        Prefetch(
            "response__resulting_paragraphs",
            queryset=Paragraph.objects.select_related(
                "version__document__milestone__commitment__action_plan"
            ).order_by("version__number", "position"),
        ),
    )


def contributions_of(person: Person) -> QuerySet[Contribution]:
    """A person's own contributions, newest first, hidden ones included ("Mis aportes"): each row
    with its version, document, target and answer in one query."""
    return (
        Contribution.objects.filter(person=person)
        .select_related(
            "version__document__milestone__commitment__action_plan",
            "paragraph",
            "section",
            "response",
            "organization",
        )
        .order_by("-created_at", "-pk")
    )


def _public_milestone(prefix: str) -> Q:
    return Q(
        **{
            f"{prefix}is_published": True,
            f"{prefix}commitment__is_published": True,
            f"{prefix}commitment__action_plan__is_published": True,
        }
    )


def open_consultations(limit: int, now: datetime | None = None) -> list[DocumentVersion]:
    """Versions open for comment right now in public milestones, closing soonest first (those
    without a closing date last), with their document and how many contributions they have."""
    now = now or timezone.now()
    return list(
        DocumentVersion.objects.filter(_public_milestone("document__milestone__"), state=VersionState.OPEN)
        .filter(Q(opens_at=None) | Q(opens_at__lte=now), Q(closes_at=None) | Q(closes_at__gt=now))
        .select_related("document__milestone__commitment__action_plan")
        .only(  # what the list shows and its addresses need: a narrow query is a cheaper one
            "number",
            "label",
            "closes_at",
            "document__title",
            "document__slug",
            "document__milestone__number",
            "document__milestone__commitment__number",
            "document__milestone__commitment__action_plan__slug",
        )
        .annotate(contribution_count=Count("contributions", filter=Q(contributions__hidden_at=None)))
        .order_by(F("closes_at").asc(nulls_last=True), "pk")[:limit]
    )


def text_page(version: DocumentVersion, number: Any, per_page: int) -> Any:
    """A page of the version's paragraphs, each with ``comment_count`` (visible, top-level), in
    three queries whatever the number of contributions: the page, its entries, its counts."""

    page = Paginator(
        version.paragraphs.select_related("section")
        .prefetch_related("applications__entry")
        .order_by("position"),
        per_page,
    ).get_page(number)
    paragraphs = list(page.object_list)
    counts = dict(
        Contribution.objects.filter(paragraph__in=paragraphs, parent=None, hidden_at=None)
        .values_list("paragraph")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for paragraph in paragraphs:
        paragraph.version = version
        paragraph.comment_count = counts.get(paragraph.pk, 0)
    page.object_list = paragraphs
    return page


def paragraph_history(user: Any, document: Document, key: Any) -> list[Paragraph]:
    """The paragraph in every version the user may read, oldest first."""
    visible = {v.pk for v in visible_versions(user, document)}
    rows = Paragraph.objects.filter(version__document=document, key=key).select_related("version")
    found = sorted((p for p in rows if p.version_id in visible), key=lambda p: p.version.number)
    for paragraph in found:
        paragraph.version.document = document
    return found


# --- the response report -----------------------------------------------------------------------

NO_ORGANIZATION = "individual"


@dataclass
class ResponseReport:
    version: DocumentVersion
    total: int = 0
    answered: int = 0
    by_decision: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)
    table: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> decision -> count

    @property
    def pending(self) -> int:
        return self.total - self.answered


def response_report(version: DocumentVersion) -> ResponseReport:
    """Counts of the version's top-level contributions by decision and by kind of organisation."""
    rows = (
        Contribution.objects.filter(version=version, parent=None)
        .values("response__decision", "organization__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    decisions: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        decision = row["response__decision"] or "pending"
        kind = row["organization__kind"] or NO_ORGANIZATION
        decisions[decision] += row["n"]
        kinds[kind] += row["n"]
        table[kind][decision] = table[kind].get(decision, 0) + row["n"]
    decision_labels = [*Decision.choices, ("pending", _("Sin respuesta todavía"))]
    kind_labels = [*Organization.Kind.choices, (NO_ORGANIZATION, _("A título personal"))]
    report = ResponseReport(version)
    report.total = sum(decisions.values())
    report.answered = report.total - decisions["pending"]
    report.by_decision = [(code, str(label), decisions[code]) for code, label in decision_labels]
    report.by_kind = [(code, str(label), kinds[code]) for code, label in kind_labels if kinds[code]]
    report.table = {kind: dict(values) for kind, values in table.items()}
    return report


def report_contributions(version: DocumentVersion) -> QuerySet[Contribution]:
    return (
        contributions()
        .filter(version=version, parent=None)
        .order_by("paragraph__position", "section__position", "created_at", "pk")
    )


# --- comparing versions ------------------------------------------------------------------------


@dataclass
class DiffRow:
    change: Change
    old: Paragraph | None
    new: Paragraph | None
    contributions: list[Contribution]


def compare(old: DocumentVersion, new: DocumentVersion) -> tuple[list[DiffRow], dict[str, int]]:
    """The diff between two versions, each change with the contributions that led to it."""
    old_rows = list(old.paragraphs.select_related("section").order_by("position"))
    new_rows = list(new.paragraphs.select_related("section").order_by("position"))
    changes = diff_versions(
        [Block(str(p.key), p.text) for p in old_rows], [Block(str(p.key), p.text) for p in new_rows]
    )
    led: dict[int, list[Contribution]] = defaultdict(list)
    low, high = sorted((old.number, new.number))
    responses = (
        Response.objects.filter(
            resulting_paragraphs__in=[p.pk for p in new_rows],
            contribution__version__number__gte=low,
            contribution__version__number__lt=high,
        )
        .select_related("contribution__organization", "contribution__version", "contribution__paragraph")
        .prefetch_related(
            Prefetch("contribution__person", queryset=Person.objects.prefetch_related("consents"))
        )
        .annotate(paragraph_id=F("resulting_paragraphs"))
    )
    for response in responses:
        contribution = response.contribution
        contribution.version.document = new.document
        if contribution.paragraph is not None:
            contribution.paragraph.version = contribution.version
        led[response.paragraph_id].append(contribution)
    rows = []
    for change in changes:
        before = old_rows[change.old_index] if change.old_index is not None else None
        after = new_rows[change.new_index] if change.new_index is not None else None
        rows.append(DiffRow(change, before, after, led.get(after.pk, []) if after else []))
    return rows, summarize(changes)


# --- what needs doing --------------------------------------------------------------------------


def needs_attention(milestones: Any) -> list[Attention]:
    """Contributions without a reasoned response, counted by version (hidden ones included: each
    still gets an answer), in the given milestones; two queries whatever their number."""
    counts = dict(
        Contribution.objects.unanswered()
        .filter(version__document__milestone__in=milestones)
        .values_list("version")
        .annotate(n=Count("pk"))
        .order_by()
    )
    versions = DocumentVersion.objects.filter(pk__in=counts).select_related("document")
    return [
        Attention(
            CONTRIBUTIONS,
            version.document.milestone_id,
            version,
            reverse("drafts_staff:contributions", args=[version.pk]) + "?estado=unanswered",
            count=counts[version.pk],
        )
        for version in versions.order_by("document__title", "number")
    ]
