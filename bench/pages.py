"""Where an uncached page's time goes, in the process: timings, queries and a profile, page by page.

    .venv/bin/python bench/pages.py                          # every page: median, min, queries, size
    .venv/bin/python bench/pages.py --page "change history" --profile   # cProfile of one page
    .venv/bin/python bench/pages.py --postgres --requests 100

The seed demo (``cocrea load-demo --sample-execution --sample-cocreation``) in a fresh database
(SQLite in a temporary folder, or ``cocrea_pages`` on the local PostgreSQL), the settings as
``cocrea serve`` runs them (``DEBUG=0``, the page cache and the kept blocks off: every request
builds its page), and ``django.test.Client`` through the whole middleware stack, as an anonymous
visitor. The pages are the ones ``bench/serve.py`` measures over HTTP (that script gives the ratios
to a bare Django app); this one has no server and no load generator in the way, so a page's own
cost and its profile are easy to read, and the query count is exact. ``CPU ms`` is the median of
the thread's own CPU time (the database's, SQLite being in the process, included): steadier than
the wall-clock figures on a machine busy with other work. It asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "cocrea_pages"


def configure(postgres: bool) -> str:
    data_dir = tempfile.mkdtemp(prefix="cocrea-pages-")
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-pages-" + "k3y" * 20,
        ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        COCREA_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="cocrea.settings",
        LOG_LEVEL="WARNING",
        PAGE_CACHE="0",
        CONTENT_CACHE="0",  # the pages' kept blocks off too: what building each page costs
    )
    os.environ.pop("SENTRY_DSN", None)
    if postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", sample_execution=True, sample_cocreation=True, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG=0 serves the manifest's names
    import logging

    quiet = open(os.devnull, "w")  # noqa: SIM115 - the request lines are written (they cost), not shown
    for handler in logging.getLogger().handlers + logging.getLogger("cocrea.request").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(quiet)
    return data_dir


def pages() -> dict[str, str]:
    from django.urls import reverse

    from cocrea.drafts.models import DocumentVersion
    from cocrea.plans.models import Milestone

    milestone = Milestone.objects.order_by("pk").first()
    version = DocumentVersion.objects.order_by("pk").first()
    found = {
        "home": reverse("portal:home"),
        "work plan": milestone.get_absolute_url(),
        "schedule": milestone.get_schedule_url(),
        "dashboard": milestone.get_dashboard_url(),
        "plan check": milestone.get_check_url(),
        "change history": milestone.get_history_url(),
    }
    if version is not None:
        found["version of a draft"] = version.get_absolute_url()
        found["response report (web)"] = version.get_report_url()
    return found


def get(client, url: str) -> tuple[float, int, int, int]:  # type: ignore[no-untyped-def]
    """One request as a WSGI server makes it: (seconds, status, bytes, queries)."""
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
    close_old_connections()  # what the server does at request end
    return elapsed, response.status_code, len(response.content), len(queries)


def measure(client, url: str, requests: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from django.db import connection

    for _ in range(5):  # warm-up: templates, URL resolver, catalogues
        get(client, url)
    _, status, size, queries = get(client, url)
    times, cpu = [], []
    connection.force_debug_cursor = False
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.thread_time()
        client.get(url)
        times.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return {
        "status": status,
        "bytes": size,
        "queries": queries,
        "median": statistics.median(times) * 1000,
        "min": min(times) * 1000,
        "cpu": statistics.median(cpu) * 1000,
    }


def profile(client, url: str, requests: int, limit: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    for key, restrict, label in (
        ("cumulative", (limit,), "by cumulative time"),
        ("tottime", (limit,), "by own time"),
        ("cumulative", ("cocrea/", limit), "Cocrea's functions by cumulative time"),
    ):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(*restrict)
        print(f"\n=== {requests} requests of {url}: {label} ===")
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print("\n".join(lines[start:]).replace(str(REPO) + "/", ""))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (cocrea_pages), not SQLite")
    parser.add_argument("--page", action="append", help="only this page (repeatable; names as printed)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--profile", action="store_true", help="cProfile the pages instead of timing them")
    parser.add_argument("--limit", type=int, default=35, help="rows of each profile table")
    args = parser.parse_args()
    data_dir = configure(args.postgres)
    try:
        from django.test import Client

        client = Client()
        selected = {name: url for name, url in pages().items() if not args.page or name in args.page}
        if args.profile:
            for url in selected.values():
                profile(client, url, args.requests, args.limit)
            return
        print(
            f"# bench/pages.py: {'PostgreSQL' if args.postgres else 'SQLite'}, DEBUG=0, page cache off, "
            f"{args.requests} requests a page, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        print(f"{'page':24} {'median ms':>10} {'min ms':>8} {'CPU ms':>8} {'queries':>8} {'KB':>6} status")
        for name, url in selected.items():
            figures = measure(client, url, args.requests)
            times = f"{figures['median']:10.2f} {figures['min']:8.2f} {figures['cpu']:8.2f}"
            size = f"{figures['bytes'] / 1024:6.1f}"
            print(f"{name:24} {times} {figures['queries']:8d} {size} {figures['status']}")
    finally:
        from django.db import connections

        connections.close_all()
        if args.postgres:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
