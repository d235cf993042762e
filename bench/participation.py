"""Participation at scale: 100,000 persons, 5,000 organisations, 2,000 meetings and 200,000
attendance rows in one commitment, in a temporary SQLite database (or PostgreSQL with
--postgres). Prints the time of indicator E and the median server time of the public
participation page (targets: under 200 ms and under 50 ms).

    .venv/bin/python bench/participation.py [--postgres]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import analyze, start_django, without_audit_signals

start_django("cocrea_bench_participation")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocrea.participation.figures import indicator_e  # noqa: E402
from cocrea.participation.models import Attendance, Consent, Meeting, Person  # noqa: E402
from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization  # noqa: E402

PERSONS, ORGANIZATIONS, MEETINGS, ATTENDANCE = 100_000, 5_000, 2_000, 200_000
KINDS = ["government", "civil_society", "academia", "private_sector", "international", "other"]


def build() -> Commitment:
    without_audit_signals()
    rng = random.Random(11)
    plan = ActionPlan.objects.create(name="Plan sintético", slug="plan-sintetico", is_published=True)
    commitment = Commitment.objects.create(
        action_plan=plan, number="1", title="Compromiso", is_published=True
    )
    milestones = Milestone.objects.bulk_create(
        Milestone(commitment=commitment, number=str(n), sort_key=n, title=f"Hito {n}", is_published=True)
        for n in range(1, 9)
    )
    meetings = Meeting.objects.bulk_create(
        Meeting(
            milestone=milestones[n % 8],
            position=n,
            kind="working",
            number=n,
            title=f"Reunión {n}",
            planned_month=date(2019 + (n % 36) // 12, (n % 12) + 1, 1),
            status="held",
        )
        for n in range(MEETINGS)
    )
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Organización {n}", kind=KINDS[n % len(KINDS)]) for n in range(ORGANIZATIONS)
    )
    people = Person.objects.bulk_create(
        (
            Person(
                name=f"Persona {n}",
                match_key=f"persona {n}",
                gender=("female", "male")[n % 2],
                department="Guatemala",
                sector="citizen",
            )
            for n in range(PERSONS)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    Consent.objects.bulk_create(
        (Consent(person=p, purpose="statistics", text_version="b", given_at=now) for p in people[::3]),
        batch_size=5000,
    )
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < ATTENDANCE:
        pairs.add((rng.randrange(MEETINGS), rng.randrange(PERSONS)))
    Attendance.objects.bulk_create(
        (
            Attendance(meeting=meetings[m], person=people[p], organization=organizations[p % ORGANIZATIONS])
            for m, p in pairs
        ),
        batch_size=5000,
    )
    analyze()
    return commitment


def main() -> None:
    call_command("migrate", verbosity=0)
    commitment = build()
    print(
        f"data: {PERSONS} persons, {ORGANIZATIONS} organisations, {MEETINGS} meetings, "
        f"{Attendance.objects.count()} attendance rows ({connection.vendor})"
    )
    timings = []
    for _ in range(7):
        cache.clear()
        started = time.perf_counter()
        figures = indicator_e(commitment)
        timings.append((time.perf_counter() - started) * 1000)
    print(
        f"indicator E, computed (uncached): median {statistics.median(timings):.0f} ms, "
        f"min {min(timings):.0f} ms (target < 200 ms); "
        f"{figures['natural_persons']} persons, {figures['legal_persons']} organisations"
    )
    client = Client()
    url = commitment.get_participation_url()
    for label, clear, runs in (
        ("cold: cache cleared before each request", True, 10),
        ("warm: figures cached", False, 50),
    ):
        pages = []
        for _ in range(runs):
            if clear:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            pages.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(
            f"participation page, {label}: median {statistics.median(pages):.0f} ms, "
            f"min {min(pages):.0f} ms (target < 50 ms)"
        )


if __name__ == "__main__":
    main()
