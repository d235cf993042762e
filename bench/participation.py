"""Participation at scale: 100,000 persons, 5,000 organisations, 2,000 meetings and 200,000
attendance rows in one commitment, in a temporary SQLite database (or PostgreSQL with
--postgres). Prints the time of indicator E and the median server time of the public
participation page (targets: under 200 ms and under 50 ms), warm and cold: cold is right after
a participation write (one attendance recorded through the service, which refreshes the
participation summary and invalidates every cached figure). Also prints the write itself, the
from-scratch computation the summary replaces, and ``rebuild-participation``.

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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import signals  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocrea.participation.figures import compute_from_scratch, indicator_e  # noqa: E402
from cocrea.participation.models import Attendance, Consent, Meeting, Person  # noqa: E402
from cocrea.participation.services import record_attendance  # noqa: E402
from cocrea.participation.summary import rebuild  # noqa: E402
from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization  # noqa: E402

PERSONS, ORGANIZATIONS, MEETINGS, ATTENDANCE = 100_000, 5_000, 2_000, 200_000
KINDS = ["government", "civil_society", "academia", "private_sector", "international", "other"]


def build() -> Commitment:
    """Bulk-created without signals (no audit trail, no summary refresh); the summary is then
    rebuilt once, as ``cocrea rebuild-participation`` does."""
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
    return commitment


def median_ms(run, times: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), min(timings)


def main() -> None:
    call_command("migrate", verbosity=0)
    receivers = {s: list(s.receivers) for s in (signals.pre_save, signals.post_save, signals.post_delete)}
    without_audit_signals()
    commitment = build()
    started = time.perf_counter()
    rebuild()
    rebuilt = (time.perf_counter() - started) * 1000
    for signal, saved in receivers.items():  # the app's signals again: audit trail and summary
        signal.receivers = saved
        signal.sender_receivers_cache.clear()
    analyze()
    print(
        f"data: {PERSONS} persons, {ORGANIZATIONS} organisations, {MEETINGS} meetings, "
        f"{Attendance.objects.count()} attendance rows ({connection.vendor}); "
        f"rebuild-participation {rebuilt:.0f} ms"
    )
    median, least = median_ms(lambda: compute_from_scratch(commitment), 3)
    print(
        f"indicator E from scratch (the CTE the summary replaces): median {median:.0f} ms, min {least:.0f} ms"
    )

    rng = random.Random(5)
    meetings = list(Meeting.objects.filter(milestone__commitment=commitment).order_by("pk"))
    people = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    organizations = list(Organization.objects.order_by("pk"))
    writes: list[float] = []

    def write() -> None:
        """One participation write through the service: a person attends one more meeting."""
        person = Person.objects.get(pk=rng.choice(people))
        started = time.perf_counter()
        record_attendance(rng.choice(meetings), person, rng.choice(organizations))
        writes.append((time.perf_counter() - started) * 1000)

    figures = indicator_e(commitment)
    assert figures == compute_from_scratch(commitment), "the summary differs from the from-scratch figures"
    warm = median_ms(lambda: indicator_e(commitment), 15)
    colds = []
    for _ in range(15):
        write()
        colds.append(median_ms(lambda: indicator_e(commitment), 1)[0])
    figures = indicator_e(commitment)
    print(
        f"indicator E, warm: median {warm[0]:.1f} ms, min {warm[1]:.1f} ms; "
        f"cold (right after a write): median {statistics.median(colds):.1f} ms, min {min(colds):.1f} ms "
        f"(target < 200 ms); {figures['natural_persons']} persons, {figures['legal_persons']} organisations"
    )
    client = Client()
    url = commitment.get_participation_url()

    def get() -> None:
        assert client.get(url).status_code == 200

    get()
    cold_pages = []
    for _ in range(15):
        write()
        cold_pages.append(median_ms(get, 1)[0])
    print(
        f"participation page, cold (right after a write): median {statistics.median(cold_pages):.0f} ms, "
        f"min {min(cold_pages):.0f} ms (target < 50 ms)"
    )
    median, least = median_ms(get, 50)
    print(f"participation page, warm: median {median:.0f} ms, min {least:.0f} ms (target < 50 ms)")
    print(
        f"the write (record_attendance, summary refresh included): median {statistics.median(writes):.0f} ms"
    )
    assert indicator_e(commitment) == compute_from_scratch(commitment), "the summary drifted"


if __name__ == "__main__":
    main()
