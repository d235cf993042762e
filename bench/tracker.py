"""The public plan tracker at national scale: 24 commitments × 8 milestones × 15 activities with two
years of monthly progress reports (``_national_plan.build``), each commitment with two responsible
institutions and an OGP value. Prints the median time of one request at a time (c1 p50), its
minimum, the size and the queries of the tracker page, the tracker filtered, its JSON, CSV and XLSX
downloads and a commitment page, uncached, in the process as ``bench/pages.py`` measures
(``DEBUG=0``, the page cache off, ``django.test.Client`` through the whole middleware stack, as an
anonymous visitor).

The tracker keeps each milestone's figures in the cache under the milestone's page-cache version
(``cocrea/plans/tracker_figures.py``), so the page is measured three ways: with the figures kept
(nothing changed since the last request), right after a write (a progress report of one milestone
saved before each request: that milestone's figures computed again) and with no figures kept (the
cache emptied before each request: every milestone computed, as on the first request of a day). The
query counts are pinned by ``tests/plans/test_plan_tracker.py``.

    .venv/bin/python bench/tracker.py [--postgres] [--requests 30]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.update(
    DEBUG="0",
    SECRET_KEY="bench-tracker-" + "k3y" * 20,
    ALLOWED_HOSTS="testserver,127.0.0.1",
    SECURE_SSL_REDIRECT="0",
    LOG_LEVEL="WARNING",
    PAGE_CACHE="0",
    CONTENT_CACHE="0",  # the page's kept blocks off: what building the tracker costs
)
os.environ.pop("SENTRY_DSN", None)
from _setup import start_django

POSTGRES = start_django("cocrea_bench_tracker")

from _national_plan import build  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from cocrea.core import pagecache  # noqa: E402
from cocrea.plans.models import (  # noqa: E402
    ActionPlan,
    Commitment,
    CommitmentEntity,
    Organization,
    ProgressEntry,
)

VALUES = ("access_to_information", "civic_participation", "public_accountability", "technology")


def institutions() -> None:
    """Six institutions, two responsible for each commitment; an OGP value each."""
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Institución {n}", acronym=f"INST{n}") for n in range(1, 7)
    )
    entities, commitments = [], []
    for index, commitment in enumerate(Commitment.objects.order_by("sort_key")):
        for offset in (0, 1):
            entities.append(
                CommitmentEntity(
                    commitment=commitment,
                    organization=organizations[(index + offset) % 6],
                    role="responsible",
                    milestone_numbers=list(range(1, 9)) if offset == 0 else [1, 2, 3],
                    position=offset,
                )
            )
        commitment.ogp_values = [VALUES[index % 4]]
        commitments.append(commitment)
    CommitmentEntity.objects.bulk_create(entities)
    Commitment.objects.bulk_update(commitments, ["ogp_values"])


def nothing() -> None:
    pass


def report_written() -> None:
    """What a progress report of one milestone does to the tracker: the report is saved and the
    milestone's version replaced (the benchmark's bulk data has no signal receivers, so the
    version is replaced here as the receiver would)."""
    entry = ProgressEntry.objects.filter(activity__isnull=False).order_by("-day", "pk").first()
    assert entry is not None
    entry.note = "" if entry.note else "revisado"
    entry.save(update_fields=["note"])
    pagecache.touched(entry)


def measure(
    client: Client, url: str, requests: int, before: Callable[[], None] = nothing
) -> tuple[float, float, int, int]:
    """(p50 ms, min ms, bytes, queries) of ``url``, ``before`` run (untimed) before each request."""
    for _ in range(3):  # warm-up: templates, URL resolver, catalogues, the figures kept
        client.get(url)
    before()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    count = len(queries)  # before the next request empties the log
    close_old_connections()
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        before()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        close_old_connections()
    return statistics.median(times), min(times), len(response.content), count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (cocrea_bench_tracker)")
    parser.add_argument("--requests", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--profile", action="store_true", help="cProfile the tracker page instead")
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the manifest's names
    build(months=24)
    institutions()
    if POSTGRES:  # what autovacuum would do after the load, done before measuring rather than during
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    plan = ActionPlan.objects.get()
    commitment = Commitment.objects.order_by("sort_key").first()
    assert commitment is not None
    tracker = reverse("portal:tracker", kwargs={"plan": plan.slug})
    downloads = {
        fmt: reverse("portal:tracker_download", kwargs={"plan": plan.slug, "fmt": fmt})
        for fmt in ("json", "csv", "xlsx")
    }
    pages: dict[str, tuple[str, Callable[[], None]]] = {
        "tracker": (tracker, nothing),
        "tracker, after a write": (tracker, report_written),
        "tracker, nothing kept": (tracker, cache.clear),
        "tracker, filtered": (tracker + "?estado=substantial&valor=technology", nothing),
        "tracker JSON": (downloads["json"], nothing),
        "tracker CSV": (downloads["csv"], nothing),
        "tracker XLSX": (downloads["xlsx"], nothing),
        "commitment": (commitment.get_absolute_url(), nothing),
    }
    client = Client()
    if args.profile:
        import cProfile
        import pstats

        client.get(tracker)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            client.get(tracker)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats("cocrea/", 40)
        return
    print(
        f"# bench/tracker.py: {'PostgreSQL' if POSTGRES else 'SQLite'}, DEBUG=0, page cache off, "
        f"{args.requests} requests a page, one at a time; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"{'page':24} {'p50 ms':>8} {'min ms':>8} {'KB':>6} {'queries':>8}")
    for name, (url, before) in pages.items():
        median, least, size, count = measure(client, url, args.requests, before)
        print(f"{name:24} {median:8.1f} {least:8.1f} {size / 1024:6.1f} {count:8}")
    connection.close()
    if POSTGRES:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS cocrea_bench_tracker WITH (FORCE)")
    shutil.rmtree(os.environ["COCREA_DATA_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()
