"""A synthetic consultation at scale, for the benchmarks: one version of 400 paragraphs with 10,000
comments, each answered, from 2,000 people and 50 organisations, and a second version of the same
document, lightly edited. Needs Django set up (``_setup.start_django``) and the tables migrated."""

from __future__ import annotations

import random
import time

from _words import COMMON_WORDS

from cocrea.computations.drafttext import ParsedDraft, ParsedSection
from cocrea.drafts.models import Contribution, Decision, Response
from cocrea.drafts.services import create_document, create_version
from cocrea.participation.models import Person
from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization

PARAGRAPHS, COMMENTS, SECTIONS, PEOPLE = 400, 10_000, 20, 2_000
WORDS = COMMON_WORDS


def paragraph_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 110))).capitalize() + "."


def draft(rng: random.Random, texts: list[str]) -> ParsedDraft:
    per = len(texts) // SECTIONS
    return ParsedDraft(
        title="Estrategia sintética",
        sections=tuple(
            ParsedSection(f"Sección {n + 1}", 2, tuple(texts[n * per : (n + 1) * per]))
            for n in range(SECTIONS)
        ),
        warnings=(),
    )


def build(comments: int = 10_000):  # type: ignore[no-untyped-def]
    rng = random.Random(6)
    plan = ActionPlan.objects.create(name="Plan sintético", slug="plan-sintetico", is_published=True)
    commitment = Commitment.objects.create(
        action_plan=plan, number="1", title="Compromiso", is_published=True
    )
    milestone = Milestone.objects.create(
        commitment=commitment, number="1", sort_key=1, title="Hito", is_published=True
    )
    document = create_document(milestone, "Estrategia sintética", kind="strategy")
    texts = [paragraph_text(rng) for _ in range(PARAGRAPHS)]
    started = time.perf_counter()
    first = create_version(document, draft(rng, texts), by=None)
    created_ms = (time.perf_counter() - started) * 1000
    # The next draft: a tenth of the paragraphs edited, ten moved, ten removed, ten added.
    edited = list(texts)
    for index in rng.sample(range(PARAGRAPHS), PARAGRAPHS // 10):
        words = edited[index].split()
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        edited[index] = " ".join([*words, "además"])
    for _ in range(10):
        edited.insert(rng.randrange(len(edited)), edited.pop(rng.randrange(len(edited))))
    for _ in range(10):
        edited.pop(rng.randrange(len(edited)))
    for _ in range(10):
        edited.insert(rng.randrange(len(edited)), paragraph_text(rng))
    started = time.perf_counter()
    second = create_version(document, draft(rng, edited), by=None)
    next_ms = (time.perf_counter() - started) * 1000
    first.state = second.state = "closed"
    first.save()
    second.save()

    organizations = Organization.objects.bulk_create(
        Organization(name=f"Organización {n}", kind=("government", "civil_society", "academia")[n % 3])
        for n in range(50)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Persona {n}", match_key=f"persona {n}") for n in range(PEOPLE)
    )
    paragraphs = list(first.paragraphs.order_by("position"))
    contributions = Contribution.objects.bulk_create(
        (
            Contribution(
                version=first,
                paragraph=paragraphs[n % PARAGRAPHS],
                person=people[n % PEOPLE],
                organization=organizations[n % 50] if n % 3 else None,
                kind="proposal" if n % 5 == 0 else "comment",
                text=paragraph_text(rng)[:400],
                proposed_text=paragraph_text(rng)[:300] if n % 5 == 0 else "",
            )
            for n in range(comments)
        ),
        batch_size=2000,
    )
    decisions = list(Decision.values)
    Response.objects.bulk_create(
        (
            Response(contribution=c, decision=decisions[n % 4], reason="Razón de la decisión.")
            for n, c in enumerate(contributions)
        ),
        batch_size=2000,
    )
    return first, second, created_ms, next_ms
