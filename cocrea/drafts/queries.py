"""Read side of co-creation: visibility, bounded page queries, the response report, the diff."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.catalogue.models import Application
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
from cocrea.participation.models import Consent, Person
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
    versions = list(document.versions.defer("markdown"))  # the text is read from its paragraphs
    for version in versions:
        version.document = document
    return [v for v in versions if user.has_perm(permission("documentversion", "view"), v)]


def get_version(user: Any, document: Document, number: int) -> DocumentVersion:
    return pick_version(visible_versions(user, document), number)


def pick_version(versions: list[DocumentVersion], number: int) -> DocumentVersion:
    """The version of that number among those the user may read (:func:`visible_versions`)."""
    for version in versions:
        if version.number == number:
            return version
    raise Http404


def _count(queryset: QuerySet[Any]) -> Any:
    """``SELECT COUNT(*)`` of the queryset as a scalar subquery, to read several counts at once."""
    return Coalesce(Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")), 0)


def version_counts(version: DocumentVersion) -> dict[str, int]:
    """What the version page counts, in one query: its paragraphs (``paragraph_count``), its
    top-level contributions (``contribution_count``) and those about the whole document or a
    section (``general_count``, the general comments)."""
    return _version_counts().filter(pk=version.pk).get()


@cache
def _version_counts() -> QuerySet[DocumentVersion]:
    """Built once a process, filtered for each request (building the subqueries cost more than
    running them)."""
    top_level = Contribution.objects.filter(version=OuterRef("pk"), parent=None)
    return DocumentVersion.objects.order_by().values(
        paragraph_count=_count(Paragraph.objects.filter(version=OuterRef("pk"))),
        contribution_count=_count(top_level),
        general_count=_count(top_level.filter(paragraph=None)),
    )


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


def with_author(queryset: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Contributions with what their author line shows read in their own row: the person's chosen
    name, whether they were anonymised and whether they consent to the name being shown (see
    :attr:`Contribution.author_name`). No query for the person or their consents, and none of
    their contact data read."""
    consents = Consent.objects.filter(
        person=OuterRef("person"), purpose=Consent.Purpose.PUBLIC_NAME, withdrawn_at=None
    )
    return queryset.annotate(
        author_display=F("person__display_name"),
        author_anonymised=ExpressionWrapper(
            Q(person__anonymised_at__isnull=False), output_field=BooleanField()
        ),
        author_consents=Exists(consents),
    )


def threads() -> QuerySet[Contribution]:
    """Contributions as the public pages show them (``drafts/_contribution.html``): author line,
    target, response, and ``thread_replies`` and ``response.carried`` as lists, in three queries
    whatever their number (the contributions, their replies, the paragraphs carrying the
    responses). The carried paragraphs come without their version: :func:`prepare_threads` sets
    it, with the labels the template shows."""
    return _threads().all()


# What a thread never shows of a contribution and its organisation (which shows as its name and
# acronym): left out of the rows.
UNSHOWN = (
    "hidden_by",
    "organization__edit_version",
    "organization__created_at",
    "organization__updated_at",
    "organization__country",
    "organization__website",
)


@cache
def _threads() -> QuerySet[Contribution]:
    """:func:`threads`, built once a process (never evaluated itself: each request chains its
    own filters onto a copy)."""
    return (
        with_author(Contribution.objects.select_related("organization", "response", "paragraph", "section"))
        .defer(
            *UNSHOWN,
            "paragraph__text",
            "paragraph__html",
            "response__edit_version",
            "response__responded_by",
            "response__responded_at",
        )
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=with_author(Contribution.objects.select_related("organization"))
                .defer(*UNSHOWN)
                .order_by("created_at", "pk"),
                to_attr="thread_replies",
            ),
            Prefetch(
                "response__resulting_paragraphs",
                queryset=Paragraph.objects.only("id", "version_id", "key", "number").order_by(
                    "version__number", "position"
                ),
                to_attr="carried",
            ),
        )
    )


ANY_KEY = uuid.UUID(int=0)


def prepare_threads(items: list[Contribution], versions: list[DocumentVersion]) -> list[Contribution]:
    """What the thread template shows of :func:`threads`, worked out once a page, not once a row:
    the kind and decision labels (each translated once), and each paragraph carrying a response
    linked to its version among the document's versions already read, which know their document
    (any other version, one not shown to this user, is read in one more query), with its address
    (the version's paragraph address reversed once, the key put in)."""
    kinds = {value: str(label) for value, label in Contribution.Kind.choices}
    decisions = {value: str(label) for value, label in Decision.choices}
    known = {version.pk: version for version in versions}
    responses = []
    for item in items:
        item.kind_label = kinds.get(item.kind, item.kind)
        response = _response(item)
        if response is not None:
            response.decision_label = decisions.get(response.decision, response.decision)
            responses.append(response)
    carried = [paragraph for response in responses for paragraph in response.carried]
    missing = {p.version_id for p in carried} - known.keys()
    if missing:
        known.update(
            DocumentVersion.objects.select_related("document__milestone__commitment__action_plan")
            .defer("markdown")
            .in_bulk(missing)
        )
    addresses: dict[int, tuple[str, str]] = {}
    for paragraph in carried:
        version = paragraph.version = known[paragraph.version_id]
        if version.pk not in addresses:
            addresses[version.pk] = paragraph_address(version)
        head, tail = addresses[version.pk]
        paragraph.address = f"{head}{paragraph.key}{tail}"
    return items


def _response(item: Contribution) -> Response | None:
    try:
        return item.response
    except Response.DoesNotExist:
        return None


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


def text_page(version: DocumentVersion, number: Any, per_page: int, count: int | None = None) -> Any:
    """A page of the version's paragraphs, each with ``comment_count`` (visible, top-level), in
    two queries whatever the number of contributions: the page with its counts, its entries. With
    ``count`` (the version's paragraphs, :func:`version_counts`) the pager does not count them."""

    paginator = Paginator(_text().filter(version=version), per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]  # counted already: no COUNT query
    page = paginator.get_page(number)
    paragraphs = list(page.object_list)
    head, tail = paragraph_address(version)
    for paragraph in paragraphs:
        paragraph.version = version
        paragraph.address = f"{head}{paragraph.key}{tail}"  # = paragraph.get_absolute_url()
    page.object_list = paragraphs
    return page


@cache
def _text() -> QuerySet[Paragraph]:
    """:func:`text_page`'s query, built once a process, filtered for each request."""
    comments = Contribution.objects.filter(paragraph=OuterRef("pk"), parent=None, hidden_at=None)
    return (
        Paragraph.objects.select_related("section")
        .annotate(comment_count=_count(comments))
        .prefetch_related(
            Prefetch(
                "applications",
                queryset=Application.objects.select_related("entry")
                .only("id", "paragraph_id", "entry__id", "entry__name")
                .order_by("pk"),
            )
        )
        .order_by("position")
    )


def paragraph_address(version: DocumentVersion) -> tuple[str, str]:
    """The address of the version's paragraphs, reversed once, as what goes before and after the
    paragraph's key: ``f"{head}{paragraph.key}{tail}"`` is ``paragraph.get_absolute_url()``."""
    url = reverse("drafts:paragraph", kwargs={**version._kwargs(), "key": ANY_KEY})
    head, _key, tail = url.rpartition(str(ANY_KEY))
    return head, tail


def paragraph_history(
    user: Any, document: Document, key: Any, versions: list[DocumentVersion] | None = None
) -> list[Paragraph]:
    """The paragraph in every version the user may read (``versions``, if already read), oldest
    first."""
    if versions is None:
        versions = visible_versions(user, document)
    visible = {v.pk: v for v in versions}
    rows = Paragraph.objects.filter(version__document=document, key=key).only(
        "id", "version_id", "key", "text"
    )
    found = sorted((p for p in rows if p.version_id in visible), key=lambda p: visible[p.version_id].number)
    for paragraph in found:
        paragraph.version = visible[paragraph.version_id]
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


REPORT_ORDER = ("paragraph__position", "section__position", "created_at", "pk")


def report_contributions(version: DocumentVersion) -> QuerySet[Contribution]:
    return contributions().filter(version=version, parent=None).order_by(*REPORT_ORDER)


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
