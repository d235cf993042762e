"""Co-creation at scale: one version of 400 paragraphs with 10,000 comments (and a second version
of the same document, lightly edited), in a temporary SQLite database (or PostgreSQL with
--postgres). Prints the median server time of a paragraph page and of the version page (targets:
under 50 ms, with a fixed number of queries), the diff of the two versions (under 500 ms) and the
response report PDF (under 10 s).

    .venv/bin/python bench/drafts.py [--postgres]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import analyze, start_django, without_audit_signals

start_django("cocrea_bench_drafts")

from _words import COMMON_WORDS  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocrea.computations.drafttext import ParsedDraft, ParsedSection  # noqa: E402
from cocrea.drafts import queries  # noqa: E402
from cocrea.drafts.models import Contribution, Decision, Response  # noqa: E402
from cocrea.drafts.services import create_document, create_version  # noqa: E402
from cocrea.participation.models import Person  # noqa: E402
from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization  # noqa: E402

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


def build():  # type: ignore[no-untyped-def]
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
            for n in range(COMMENTS)
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


def median_ms(run, times: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings)


def page(client: Client, url: str, times: int = 30) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    executed: list[str] = []
    with connection.execute_wrapper(lambda run, sql, *args: executed.append(sql) or run(sql, *args)):
        client.get(url)
    median, least = median_ms(lambda: client.get(url), times)
    print(f"  {url}: median {median:.1f} ms, min {least:.1f} ms, {len(executed)} queries")


def main() -> None:
    call_command("migrate", verbosity=0)
    without_audit_signals()
    first, second, created_ms, next_ms = build()
    analyze()
    print(
        f"data: {PARAGRAPHS} paragraphs, {Contribution.objects.count()} comments with responses "
        f"({connection.vendor}); creating the version {created_ms:.0f} ms, the next one (identities "
        f"matched) {next_ms:.0f} ms"
    )
    client = Client()
    busiest = first.paragraphs.order_by("position").first()
    print("pages (warm, server time through the test client):")
    page(client, first.get_absolute_url())
    page(client, first.get_absolute_url() + "?pagina=5")
    page(client, busiest.get_absolute_url())
    page(client, first.get_report_url() + "?pagina=50")
    page(client, first.document.get_compare_url() + "?de=1&a=2", times=10)
    median, least = median_ms(lambda: queries.compare(first, second), 10)
    _rows, counts = queries.compare(first, second)
    print(
        f"diff of the two versions (queries + computation): median {median:.0f} ms, min {least:.0f} ms",
        counts,
    )
    from cocrea.reports.responses import render_pdf

    reset_queries()
    started = time.perf_counter()
    pdf = render_pdf(first)
    elapsed = time.perf_counter() - started
    from io import BytesIO

    from pypdf import PdfReader

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"response report PDF: {elapsed:.1f} s, {pages} pages, {len(pdf) / 1e6:.1f} MB")
    print(f"(finished {timezone.now():%Y-%m-%d %H:%M})")


if __name__ == "__main__":
    main()
