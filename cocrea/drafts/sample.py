"""A labelled sample co-creation for the demo (``make run``) and the tests' scenario.

Through the real services: the strategy's drafts 1–3 (Markdown files in ``data/``), a catalogue
applied in their paragraphs, 60 contributions on drafts 1 and 2 from 18 people of ten
organisations (plus three speaking for themselves), six replies in threads, one contribution hidden
by moderation, a reasoned response to each, the accepted ones linked to the paragraphs of the next
draft that carry them. Drafts 1 and 2 end closed; draft 3 stays open for comments.

The expected figures are stated in :data:`EXPECTED` and checked by the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from cocrea.audit.context import acting_as
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts.models import Contribution, Decision, Document, DocumentVersion, Paragraph, Response
from cocrea.plans.models import Milestone, Organization

DATA = Path(__file__).parent / "data"
TITLE = "Estrategia Nacional de Innovación en la Gestión Pública"

ORGANIZATIONS = [
    # acronym, name, kind (created when the plan import did not)
    ("INAP", "Instituto Nacional de Administración Pública", "government"),
    ("ONSEC", "Oficina Nacional de Servicio Civil", "government"),
    ("SENACYT", "Secretaría Nacional de Ciencia y Tecnología", "government"),
    ("MINECO", "Ministerio de Economía", "government"),
    ("Guatecívica", "Guatecívica", "civil_society"),
    ("AC", "Acción Ciudadana", "civil_society"),
    ("USAC", "Universidad de San Carlos de Guatemala", "academia"),
    ("CIG", "Cámara de Industria de Guatemala", "private_sector"),
    ("CEPAL", "Comisión Económica para América Latina y el Caribe", "international"),
    ("BID", "Banco Interamericano de Desarrollo", "international"),
]

# name, display name ("" = none), organisation acronym ("" = speaks for themselves), consents
PEOPLE = [
    ("Ana Lucía Pérez", "Ana Lucía P.", "INAP", True),
    ("Carlos Enrique Méndez", "", "INAP", False),
    ("María José Rodríguez", "María José R.", "ONSEC", True),
    ("Jorge Luis Castillo", "", "SENACYT", False),
    ("Silvia Beatriz López", "Silvia L.", "MINECO", True),
    ("Fernando Ajú", "Fernando Ajú", "Guatecívica", True),
    ("Rosa María Xicará", "", "Guatecívica", False),
    ("Pedro Antonio Morales", "Pedro M.", "AC", True),
    ("Lucía Fernanda Chávez", "", "AC", False),
    ("Héctor Rolando Estrada", "Héctor E.", "USAC", True),
    ("Gabriela Sofía Recinos", "", "USAC", False),
    ("Ricardo Javier Solís", "Ricardo S.", "CIG", True),
    ("Elena Patricia Girón", "", "CEPAL", False),
    ("Tomás Alberto Reyes", "Tomás R.", "BID", True),
    ("Julia Marisol Coyoy", "", "INAP", False),
    ("Marta Alicia Sandoval", "Marta S.", "", True),
    ("Daniel Eduardo Pop", "", "", False),
    ("Irene Catalina Batz", "Irene B.", "", True),
]

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


def _organizations() -> dict[str, Organization]:
    found = {}
    for acronym, name, kind in ORGANIZATIONS:
        org = Organization.objects.filter(acronym__iexact=acronym).first()
        if org is None:
            org = Organization.objects.create(name=name, acronym=acronym, kind=kind)
        found[acronym] = org
    return found


def _people(organizations: dict[str, Organization]) -> list[Any]:
    from cocrea.participation.models import Consent, Membership
    from cocrea.participation.services import register_person

    people = []
    for index, (name, display, acronym, consents) in enumerate(PEOPLE, 1):
        person = register_person(
            name=name,
            email=f"participante{index}@ejemplo.org",
            display_name=display,
            consents=(Consent.Purpose.PUBLIC_NAME, Consent.Purpose.STATISTICS) if consents else (),
            statistics={"gender": "female" if index % 2 else "male", "department": "Guatemala"},
        )
        if acronym:
            Membership.objects.create(person=person, organization=organizations[acronym], role="Delegada/o")
        people.append((person, organizations.get(acronym)))
    return people


def _apply_catalogue(version: DocumentVersion, by: Any) -> None:
    from cocrea.catalogue.models import Entry
    from cocrea.catalogue.services import apply_entry, create_entry

    for kind, name, issuer, number, year, phrase, first in CATALOGUE:
        if first != version.number:
            continue
        entry = Entry.objects.filter(kind=kind, name=name).first()
        if entry is None:
            from datetime import date

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
    from cocrea.drafts.services import contribute

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
    from cocrea.drafts.services import respond_to_contribution

    for offset, contribution in enumerate(contributions):
        decision = DECISIONS[(first_index + offset) % len(DECISIONS)]
        respond_to_contribution(contribution, decision, REASONS[decision], by=by)


def _link(contributions: list[Contribution], next_version: DocumentVersion, by: Any) -> None:
    """Accepted and partly accepted contributions on a paragraph point to its next version."""
    from cocrea.drafts.services import respond_to_contribution

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
    from cocrea.drafts.services import (
        create_document,
        create_version,
        find_document,
        hide_contribution,
        transition_version,
    )

    existing = find_document(milestone, TITLE)
    if existing is not None:
        return Sample(existing, list(existing.versions.all()), [])
    with acting_as(by, "import"):
        organizations = _organizations()
        people = _people(organizations)
        document = create_document(milestone, TITLE, kind=Document.Kind.STRATEGY)
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
            transition_version(version, "open", opens_at=now, closes_at=now + timedelta(days=30))
            if number == 3:
                break
            made = _contribute(version, people, first_index, ON_DRAFT[number])
            for reply_to in REPLIES_TO:
                if first_index <= reply_to < first_index + len(made):
                    from cocrea.drafts.services import contribute

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
        _date_the_past(versions[:2])
    return Sample(document, versions, [person for person, _org in people])


# Drafts 1 and 2 were consulted in 2019, as the seed's schedule plans (draft 3 stays open now).
CONSULTED = {1: ((2019, 3, 4), (2019, 3, 29)), 2: ((2019, 8, 5), (2019, 8, 30))}


def _date_the_past(versions: list[DocumentVersion]) -> None:
    """Give the closed drafts, their contributions and responses the dates of their consultation
    (sample data only: real contributions are dated when written), then refresh indicator E."""
    from datetime import datetime

    from cocrea.participation.summary import rebuild

    for version in versions:
        start, end = (timezone.make_aware(datetime(*day, 9)) for day in CONSULTED[version.number])
        DocumentVersion.objects.filter(pk=version.pk).update(
            opens_at=start, closes_at=end, closed_at=end, created_at=start - timedelta(days=14)
        )
        span = (end - start).days
        for n, contribution in enumerate(version.contributions.order_by("pk")):
            written = start + timedelta(days=n % span, hours=n % 8)
            Contribution.objects.filter(pk=contribution.pk).update(created_at=written)
        Response.objects.filter(contribution__version=version).update(responded_at=end + timedelta(days=7))
    rebuild(commitment_ids={versions[0].document.milestone.commitment_id})
