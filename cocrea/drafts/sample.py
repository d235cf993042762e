"""A labelled sample co-creation for the demo (``make run``) and the tests' scenario.

Through the real services: the strategy's drafts 1–3 (Markdown files in ``data/``), a catalogue
applied in their paragraphs, 60 contributions on drafts 1 and 2 from 18 people of ten
organisations (plus three speaking for themselves), six replies in threads, one contribution hidden
by moderation, a reasoned response to each, the accepted ones linked to the paragraphs of the next
draft that carry them. Drafts 1 and 2 end closed; draft 3 stays open for comments.

The consultations follow the plan's own schedule (:func:`consultation_schedule`): each draft is
opened after the activity that writes it is planned to end (the activity named "Borrador N" in
the imported plan, else one spread over the plan's activities), whatever the plan. The people are
the sample people of :mod:`cocrea.plans.sample`, who also attend the sample meetings.

The expected figures are stated in :data:`EXPECTED` and checked by the tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from cocrea.audit.context import acting_as
from cocrea.catalogue.models import Entry
from cocrea.catalogue.services import apply_entry, create_entry
from cocrea.computations.drafttext import parse_markdown
from cocrea.computations.months import Month
from cocrea.core import pagecache
from cocrea.drafts.models import Contribution, Decision, Document, DocumentVersion, Paragraph, Response
from cocrea.drafts.services import (
    contribute,
    create_document,
    create_version,
    find_document,
    hide_contribution,
    respond_to_contribution,
    transition_version,
)
from cocrea.participation.summary import rebuild
from cocrea.plans.models import Activity, Milestone, ProgressEntry
from cocrea.plans.sample import sample_people

DATA = Path(__file__).parent / "data"
TITLE = "Estrategia Nacional de Innovación en la Gestión Pública"

CATALOGUE = [
    # kind, name, issuer, number, year, the phrase of the paragraph where it is applied, first draft
    ("concept", "Innovación pública", "", "", None, "Entendemos la innovación pública", 1),
    ("concept", "Gobierno abierto", "", "", None, "El gobierno abierto se basa", 1),
    ("concept", "Cocreación", "", "", None, "La cocreación es el trabajo", 1),
    ("concept", "Valor público", "", "", None, "generan valor público", 1),
    ("concept", "Diseño centrado en las personas", "", "", None, "El diseño centrado en las personas", 2),
    (
        "standard",
        "Estándares de Participación y Cocreación de OGP",
        "Alianza para el Gobierno Abierto",
        "",
        2017,
        "Este borrador se somete a consulta",
        1,
    ),
    ("standard", "Carta Internacional de Datos Abiertos", "Open Data Charter", "", 2015, "Eje 3", 2),
    (
        "standard",
        "Carta Iberoamericana de Innovación en la Gestión Pública",
        "CLAD",
        "",
        2020,
        "recoge los aportes",
        3,
    ),
    (
        "norm",
        "Ley de Acceso a la Información Pública",
        "Congreso de la República",
        "Decreto 57-2008",
        2008,
        "Decreto 57-2008",
        1,
    ),
    (
        "norm",
        "Ley del Organismo Ejecutivo",
        "Congreso de la República",
        "Decreto 114-97",
        1997,
        "Organismo Ejecutivo",
        1,
    ),
    ("norm", "Ley de Servicio Civil", "Congreso de la República", "Decreto 1748", 1968, "Decreto 1748", 3),
]

# Decisions cycle through this pattern, contribution by contribution.
DECISIONS = [
    Decision.ACCEPTED,
    Decision.PARTLY,
    Decision.NOT_ACCEPTED,
    Decision.ACCEPTED,
    Decision.OUT_OF_SCOPE,
    Decision.NOT_ACCEPTED,
]
REASONS = {
    Decision.ACCEPTED: "Se incorpora: mejora la claridad del texto.",
    Decision.PARTLY: "Se incorpora la idea principal; el detalle corresponde al plan de implementación.",
    Decision.NOT_ACCEPTED: "No se incorpora: el texto actual ya cubre el punto.",
    Decision.OUT_OF_SCOPE: "Fuera del alcance de la estrategia: se traslada a la institución responsable.",
}
COMMENTS = [
    "Conviene precisar quién es responsable de este punto.",
    "Falta mencionar a las municipalidades.",
    "Propongo añadir plazos concretos.",
    "El texto debería citar la evidencia que lo respalda.",
    "Sugiero incluir a la academia en el seguimiento.",
    "Este párrafo es demasiado general.",
]
ON_DRAFT = {1: 36, 2: 24}  # top-level contributions per draft: 60
PROPOSAL_EVERY = 4  # every fourth contribution on a paragraph proposes wording
HIDDEN = 7  # the 8th contribution is hidden by moderation
REPLIES_TO = (0, 5, 10, 36, 40, 45)  # six replies in threads

EXPECTED = {
    "contributions": 60,
    "replies": 6,
    "persons": 18,
    "organizations": 10,
    "by_decision": {"accepted": 20, "partly": 10, "not_accepted": 20, "out_of_scope": 10},
    "by_draft": {1: 36, 2: 24},
    # entries applied in each draft: concepts, standards, norms
    "applied": {1: (4, 1, 2), 2: (5, 2, 2), 3: (5, 3, 3)},
}


@dataclass
class Sample:
    document: Document
    versions: list[DocumentVersion]
    people: list[Any]


def _apply_catalogue(version: DocumentVersion, by: Any) -> None:

    for kind, name, issuer, number, year, phrase, first in CATALOGUE:
        if first != version.number:
            continue
        entry = Entry.objects.filter(kind=kind, name=name).first()
        if entry is None:
            entry = create_entry(
                kind=kind,
                name=name,
                issuer=issuer,
                number=number,
                issued_on=date(year, 1, 1) if year else None,
            )
        for paragraph in version.paragraphs.filter(text__contains=phrase):
            apply_entry(entry, paragraph, by=by)


def _contribute(
    version: DocumentVersion, people: list[Any], first_index: int, count: int
) -> list[Contribution]:

    paragraphs = list(version.paragraphs.order_by("position"))
    sections = list(version.sections.order_by("position"))
    made = []
    for offset in range(count):
        index = first_index + offset
        person, organization = people[index % len(people)]
        text = f"{COMMENTS[index % len(COMMENTS)]} (aporte {index + 1})"
        if index % 10 == 9:  # on a whole section
            made.append(
                contribute(
                    version, person, text, section=sections[index % len(sections)], organization=organization
                )
            )
            continue
        if index % 15 == 14:  # on the whole version
            made.append(contribute(version, person, text, organization=organization))
            continue
        paragraph = paragraphs[index % len(paragraphs)]
        if index % PROPOSAL_EVERY == 3:
            made.append(
                contribute(
                    version,
                    person,
                    text,
                    kind=Contribution.Kind.PROPOSAL,
                    paragraph=paragraph,
                    proposed_text=paragraph.text + " (redacción propuesta)",
                    organization=organization,
                )
            )
        else:
            made.append(contribute(version, person, text, paragraph=paragraph, organization=organization))
    return made


def _respond(contributions: list[Contribution], first_index: int, by: Any) -> None:

    for offset, contribution in enumerate(contributions):
        decision = DECISIONS[(first_index + offset) % len(DECISIONS)]
        respond_to_contribution(contribution, decision, REASONS[decision], by=by)


def _link(contributions: list[Contribution], next_version: DocumentVersion, by: Any) -> None:
    """Accepted and partly accepted contributions on a paragraph point to its next version."""

    for contribution in contributions:
        response = contribution.response
        if response.decision not in (Decision.ACCEPTED, Decision.PARTLY) or contribution.paragraph is None:
            continue
        carried = Paragraph.objects.filter(version=next_version, key=contribution.paragraph.key)
        if carried:
            respond_to_contribution(
                contribution, response.decision, response.reason, by=by, resulting_paragraphs=carried
            )


@transaction.atomic
def load_sample_cocreation(milestone: Milestone, *, by: Any = None) -> Sample:
    """Build the sample on ``milestone`` (once: a second call returns the existing sample)."""

    existing = find_document(milestone, TITLE)
    if existing is not None:
        return Sample(existing, list(existing.versions.all()), [])
    with acting_as(by, "import"):
        schedule = consultation_schedule(milestone)
        people = sample_people()
        document = create_document(milestone, TITLE, kind=Document.Kind.STRATEGY, sample=True)
        versions: list[DocumentVersion] = []
        previous: list[Contribution] = []
        first_index = 0
        for number in (1, 2, 3):
            text = (DATA / f"estrategia-borrador-{number}.md").read_text(encoding="utf-8")
            version = create_version(
                document, parse_markdown(text), by=by, source=f"estrategia-borrador-{number}.md"
            )
            versions.append(version)
            _apply_catalogue(version, by)
            if previous:
                _link(previous, version, by)
            now = timezone.now()
            if number == 3:  # stays open for comments, since its planned opening
                transition_version(version, "open", opens_at=schedule[3], closes_at=now + timedelta(days=30))
                break
            transition_version(version, "open", opens_at=now, closes_at=now + timedelta(days=30))
            made = _contribute(version, people, first_index, ON_DRAFT[number])
            for reply_to in REPLIES_TO:
                if first_index <= reply_to < first_index + len(made):
                    person, _organization = people[(reply_to + 3) % len(people)]
                    contribute(
                        version,
                        person,
                        "Coincido y agrego un ejemplo de otra institución.",
                        parent=made[reply_to - first_index],
                    )
            if first_index <= HIDDEN < first_index + len(made):
                hide_contribution(
                    made[HIDDEN - first_index], by=by, reason="Incluía datos personales de un tercero."
                )
            transition_version(version, "closed")
            _respond(made, first_index, by)
            for contribution in made:
                contribution.refresh_from_db()
            previous = made
            first_index += len(made)
        _date_the_past(document, versions, schedule)
    return Sample(document, versions, [person for person, _org in people])


CONSULTATION_DAYS = 18  # a closed draft's consultation
ANSWERED_AFTER = timedelta(days=3)  # its responses, after it closed
WRITTEN_BEFORE = timedelta(days=5)  # a version is created before it opens
BETWEEN = timedelta(days=28)  # at least between two openings
DRAFT_TITLE = re.compile(r"\b(?:borrador|draft)\s*(?:n[o.º°]*\s*)?(\d+)\b", re.IGNORECASE)


def draft_writers(milestone: Milestone) -> dict[int, Activity]:
    """The activity that writes each draft: the one whose title names it ("Redacción del
    Borrador 2"), else one spread over the plan's dated activities (a quarter, half, three quarters)."""
    dated = [a for a in milestone.activities.order_by("position") if a.planned_start and a.planned_end]
    found: dict[int, Activity] = {}
    for activity in dated:
        match = DRAFT_TITLE.search(activity.title)
        if match and int(match.group(1)) in (1, 2, 3):
            found.setdefault(int(match.group(1)), activity)
    for number in (1, 2, 3):
        if number not in found and dated:
            found[number] = dated[min(len(dated) - 1, max(0, len(dated) * number // 4 - 1))]
    return found


def consultation_schedule(milestone: Milestone, now: datetime | None = None) -> dict[int, datetime]:
    """When each draft opens for consultation: the day after its writing activity ends (as
    reported done, if a sample execution says so, else as planned), at least four weeks after the
    previous draft opened. A plan whose schedule is not over yet (the drafts would open in the
    future) is moved back as a whole, so that draft 3 is open now."""
    now = now or timezone.now()
    writers = draft_writers(milestone)
    done = (
        ProgressEntry.objects.visible_to_public()
        .filter(activity__in=writers.values(), status="done")
        .order_by("day")
    )
    finished = {entry.activity_id: entry.actual_end or entry.day for entry in done}
    opens: dict[int, datetime] = {}
    for number in (1, 2, 3):
        writer = writers.get(number)
        if writer is not None and writer.planned_end is not None:
            day = max(Month.from_date(writer.planned_end).last_day(), finished.get(writer.pk, date.min))
            when = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(9)))
        else:  # a plan without dated activities: the last three months
            when = now - BETWEEN * (4 - number)
        if number > 1 and when < opens[number - 1] + BETWEEN:
            when = opens[number - 1] + BETWEEN
        opens[number] = when
    latest = now - timedelta(hours=1)
    if opens[3] > latest:
        shift = opens[3] - latest
        opens = {number: when - shift for number, when in opens.items()}
    return opens


def _date_the_past(document: Document, versions: list[DocumentVersion], opens: dict[int, datetime]) -> None:
    """Give the drafts, their contributions and responses the dates of their consultations (sample
    data only: real contributions are dated when written), then refresh indicator E."""

    for version in versions:
        start = opens[version.number]
        created = start - WRITTEN_BEFORE
        if version.state == "open":
            DocumentVersion.objects.filter(pk=version.pk).update(opens_at=start, created_at=created)
            continue
        end = start + timedelta(days=CONSULTATION_DAYS)
        DocumentVersion.objects.filter(pk=version.pk).update(
            opens_at=start, closes_at=end, closed_at=end, created_at=created
        )
        written: dict[int, datetime] = {}
        contributions = sorted(version.contributions.all(), key=lambda c: (c.parent_id is not None, c.pk))
        for n, contribution in enumerate(contributions):
            day = start + timedelta(days=n % CONSULTATION_DAYS, hours=n % 8)
            if contribution.parent_id is not None:  # a reply comes after what it answers
                day = min(max(day, written.get(contribution.parent_id, start) + timedelta(hours=5)), end)
            written[contribution.pk] = day
            Contribution.objects.filter(pk=contribution.pk).update(created_at=day)
        Response.objects.filter(contribution__version=version).update(responded_at=end + ANSWERED_AFTER)
    first = min(opens.values()) - WRITTEN_BEFORE - timedelta(days=1)
    Document.objects.filter(pk=document.pk).update(created_at=first)
    pagecache.bump_all()  # dates set in bulk (no signals): every cached page is old
    rebuild(commitment_ids={document.milestone.commitment_id})
