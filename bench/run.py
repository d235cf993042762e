"""Cocrea benchmark: prints figures, asserts nothing.

    .venv/bin/python bench/run.py                 # import wall times + page timings on SQLite
    .venv/bin/python bench/run.py --postgres      # ... and the page timings on PostgreSQL too
    .venv/bin/python bench/run.py --profile milestone   # cProfile one page (or: import, check)

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import io
import json
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "cocrea" / "plans" / "data" / "demo-plan.txt"
BIN = Path(sys.executable).parent
COCREA = BIN / "cocrea" if (BIN / "cocrea").exists() else REPO / ".venv" / "bin" / "cocrea"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "cocrea_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"

IMPORT_TARGET_S = 1.0
PAGE_TARGET_MS = 25.0
PAGES = ("home", "milestone", "schedule", "plan_check")
TARGETED_PAGES = {"milestone", "schedule"}  # the brief's target applies to these two
MARKER = "BENCH-JSON "


# -- helpers ---------------------------------------------------------------------------------


def p90(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def cli_env(data_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # the import figures are always on a fresh SQLite file
    env["COCREA_DATA_DIR"] = data_dir
    env.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")
    return env


def run_cli(args: list[str], data_dir: str) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    proc = subprocess.run([str(COCREA), *args], env=cli_env(data_dir), capture_output=True, cwd=REPO)
    return time.perf_counter() - start, proc


FAILURES: dict[str, int] = {}


def note_failure(label: str, proc: subprocess.CompletedProcess[bytes]) -> None:
    """Count and show runs that crashed or could not read the plan (their times mean little).

    import-plan exits 1 when the check finds an error (a normal outcome, not counted unless
    a traceback shows), 2 when the file can't be read as a plan.
    """
    stderr = proc.stderr.decode(errors="replace")
    if proc.returncode == 0 or (proc.returncode == 1 and "Traceback" not in stderr):
        return
    FAILURES[label] = FAILURES.get(label, 0) + 1
    if FAILURES[label] == 1:
        tail = stderr.strip().splitlines()[-3:]
        print(f"  note: {label} exited {proc.returncode}: {' | '.join(tail)}", file=sys.stderr)


# -- 1. import-plan as a subprocess ------------------------------------------------------------


FIRST = "import-plan, first import (creates)"
AGAIN = "import-plan, re-import (updates in place)"
CHECK = "import-plan --check --format json"


def bench_import(runs: int) -> list[tuple[str, list[float]]]:
    tmp_root = Path(tempfile.mkdtemp(prefix="cocrea-bench-import-"))
    try:
        seed = str(SEED)
        # Warm-up (untimed): fills the OS file cache and writes any missing .pyc files (unless
        # PYTHONDONTWRITEBYTECODE is set: then Cocrea's own modules compile again on every run).
        warm = str(tmp_root / "warm")
        run_cli(["migrate", "--noinput", "-v0"], warm)
        run_cli(["import-plan", "--check", "--format", "json", seed], warm)

        first: list[float] = []
        dirs = []
        for i in range(runs):
            data_dir = str(tmp_root / f"db{i}")
            _, proc = run_cli(["migrate", "--noinput", "-v0"], data_dir)  # untimed
            note_failure("migrate", proc)
            elapsed, proc = run_cli(["import-plan", seed], data_dir)
            note_failure(FIRST, proc)
            first.append(elapsed)
            dirs.append(data_dir)

        again: list[float] = []
        for data_dir in dirs:  # each database already holds the plan: update in place
            elapsed, proc = run_cli(["import-plan", seed], data_dir)
            note_failure(AGAIN, proc)
            again.append(elapsed)

        check: list[float] = []
        for data_dir in dirs:
            elapsed, proc = run_cli(["import-plan", "--check", "--format", "json", seed], data_dir)
            note_failure(CHECK, proc)
            check.append(elapsed)

        # Baseline: the interpreter plus Django set-up alone, no command (what every run pays).
        baseline: list[float] = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", "import django; django.setup()"],
                env=cli_env(dirs[0]),
                capture_output=True,
                cwd=REPO,
            )
            baseline.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(tmp_root, ignore_errors=True)
    return [
        (FIRST, first),
        (AGAIN, again),
        (CHECK, check),
        ("(baseline: python + django.setup() only)", baseline),
    ]


def print_import_table(rows: list[tuple[str, list[float]]], runs: int) -> None:
    print(f"\n1. `cocrea import-plan {SEED.name}` wall time, subprocess, fresh SQLite ({runs} runs)")
    print(f"   {'':44} {'median':>8} {'min':>8} {'max':>8}  target")
    for label, values in rows:
        med = statistics.median(values)
        if label.startswith("("):
            verdict = ""
        else:
            verdict = f"< {IMPORT_TARGET_S:.0f} s  " + ("ok" if med < IMPORT_TARGET_S else "MISSED")
            if FAILURES.get(label):
                verdict += f"  ({FAILURES[label]}/{runs} runs FAILED: times not meaningful)"
        print(
            f"   {label:44} {med * 1000:6.0f}ms {min(values) * 1000:6.0f}ms "
            f"{max(values) * 1000:6.0f}ms  {verdict}"
        )


# -- 2./3. page timings, in a child process per database backend -------------------------------


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def setup_django(backend: str) -> str:
    """Point the settings at a fresh database, set Django up, migrate, import the seed."""
    data_dir = tempfile.mkdtemp(prefix=f"cocrea-bench-{backend}-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cocrea.settings"
    os.environ["COCREA_DATA_DIR"] = data_dir
    os.environ.setdefault("CONTENT_CACHE", "0")  # what building each page costs, every request
    if backend == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command

    from cocrea.plans.services import import_plan

    call_command("migrate", verbosity=0, interactive=False)
    options: dict[str, object] = {"filename": SEED.name}
    if "publish" in inspect.signature(import_plan).parameters:
        options["publish"] = True  # the public pages show published plans only
    import_plan(SEED.read_bytes(), **options)
    return data_dir


def teardown_django(backend: str, data_dir: str) -> None:
    from django.db import connections

    connections.close_all()
    if backend == "postgres":
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    shutil.rmtree(data_dir, ignore_errors=True)


def page_urls() -> dict[str, str]:
    from django.urls import reverse

    from cocrea.plans.models import Milestone

    milestone = Milestone.objects.select_related("commitment__action_plan").get()
    return {
        "home": reverse("portal:home"),
        "milestone": milestone.get_absolute_url(),
        "schedule": milestone.get_schedule_url(),
        "plan_check": milestone.get_check_url(),
    }


def timed_get(client, url: str) -> tuple[float, int, int]:  # type: ignore[no-untyped-def]
    from django.db import close_old_connections

    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    # What a WSGI server does at request_finished (the test client skips it): with SQLite
    # (CONN_MAX_AGE=0) the connection closes, so the next request opens a new one, as in
    # production; with PostgreSQL (CONN_MAX_AGE=60) it is kept.
    close_old_connections()
    return elapsed, response.status_code, len(response.content)


def pages_worker(backend: str, requests: int) -> dict:  # type: ignore[type-arg]
    data_dir = setup_django(backend)
    try:
        from django.conf import settings
        from django.core.cache import cache
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client()
        urls = page_urls()
        results: dict = {"backend": backend, "debug": settings.DEBUG, "pages": {}}  # type: ignore[type-arg]
        for name in PAGES:
            url = urls[name]
            for _ in range(5):  # warm-up: template loading, URL resolver, translations
                cache.clear()
                timed_get(client, url)
            uncached, cached, statuses = [], [], set()
            size = 0
            for _ in range(requests):
                cache.clear()
                elapsed, status, size = timed_get(client, url)
                uncached.append(elapsed * 1000)
                statuses.add(status)
            timed_get(client, url)  # fill the cache
            for _ in range(requests):
                elapsed, status, _size = timed_get(client, url)
                cached.append(elapsed * 1000)
                statuses.add(status)
            cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries_uncached = len(ctx.captured_queries)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            queries_cached = len(ctx.captured_queries)
            results["pages"][name] = {
                "url": url,
                "uncached": uncached,
                "cached": cached,
                "queries_uncached": queries_uncached,
                "queries_cached": queries_cached,
                "statuses": sorted(statuses),
                "bytes": size,
            }
        return results
    finally:
        teardown_django(backend, data_dir)


def run_pages(backend: str, requests: int) -> dict | None:  # type: ignore[type-arg]
    proc = subprocess.run(
        [sys.executable, __file__, "--_worker", backend, "--requests", str(requests)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    print(f"\n  page benchmark on {backend} failed (exit {proc.returncode}):", file=sys.stderr)
    print("  " + "\n  ".join(proc.stderr.strip().splitlines()[-15:]), file=sys.stderr)
    return None


def print_pages_table(number: str, results: dict, requests: int) -> None:  # type: ignore[type-arg]
    backend = results["backend"]
    print(
        f"\n{number}. Page server time, in-process django.test.Client, {backend}, "
        f"{requests} requests each, DEBUG={results['debug']}"
    )
    print(
        f"   {'page':11} {'uncached med':>12} {'p90':>7} {'min':>7} {'cached med':>11} {'p90':>7} "
        f"{'SQL unc/cached':>14} {'KB':>5}  target (uncached median)"
    )
    for name in PAGES:
        page = results["pages"][name]
        unc, cac = page["uncached"], page["cached"]
        med = statistics.median(unc)
        if page["statuses"] != [200]:
            verdict = f"INVALID: HTTP {'/'.join(map(str, page['statuses']))}, not the page"
        elif name in TARGETED_PAGES:
            verdict = f"< {PAGE_TARGET_MS:.0f} ms  " + ("ok" if med < PAGE_TARGET_MS else "MISSED")
        else:
            verdict = "(no target)"
        print(
            f"   {name:11} {med:10.1f}ms {p90(unc):5.1f}ms {min(unc):5.1f}ms {statistics.median(cac):9.1f}ms "
            f"{p90(cac):5.1f}ms {page['queries_uncached']:>8} / {page['queries_cached']:<3} "
            f"{page['bytes'] / 1024:5.0f}  {verdict}"
        )


# -- profiling ---------------------------------------------------------------------------------


def profile_page(name: str, requests: int, backend: str, cached: bool) -> None:
    data_dir = setup_django(backend)
    try:
        from django.core.cache import cache
        from django.test import Client

        client = Client()
        url = page_urls()[name]
        for _ in range(5):
            timed_get(client, url)
        profiler = cProfile.Profile()
        for _ in range(requests):
            if not cached:
                cache.clear()
            profiler.enable()
            timed_get(client, url)
            profiler.disable()
        print_profile(profiler, f"{name} page, {requests} {'cached' if cached else 'uncached'} requests")
    finally:
        teardown_django(backend, data_dir)


def profile_import(check: bool) -> None:
    data_dir = tempfile.mkdtemp(prefix="cocrea-bench-profile-")
    try:
        run_cli(["migrate", "--noinput", "-v0"], data_dir)
        out = Path(data_dir) / "import.prof"
        args = ["import-plan", str(SEED)]
        if check:
            args[1:1] = ["--check", "--format", "json"]
        proc = subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(out), str(COCREA), *args],
            env=cli_env(data_dir),
            capture_output=True,
            cwd=REPO,
        )
        note_failure(f"cocrea {args[0]}", proc)
        stats = pstats.Stats(str(out))
        print_stats(stats, f"`cocrea {' '.join(args)}` (first import, one run)")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def print_profile(profiler: cProfile.Profile, title: str) -> None:
    print_stats(pstats.Stats(profiler), title)


def print_stats(stats: pstats.Stats, title: str) -> None:
    views = (
        ("cumulative", (30,), "top 30 by cumulative"),
        ("tottime", (30,), "top 30 by own time"),
        ("cumulative", ("cocrea/", 30), "Cocrea's own functions, top 30 by cumulative"),
    )
    for key, restrictions, label in views:
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.sort_stats(key).print_stats(*restrictions)
        print(f"\n=== {title}: {label} ===")
        lines = buffer.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
        print("\n".join(lines[max(0, start - 2) :]).replace(str(REPO) + "/", ""))


# -- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description="Cocrea benchmark (prints figures, asserts nothing).")
    parser.add_argument("--postgres", action="store_true", help=f"also time the pages on {PG_URL}")
    parser.add_argument("--runs", type=int, default=7, help="subprocess runs per import figure (7)")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and mode (200)")
    parser.add_argument("--skip-import", action="store_true", help="only the page timings")
    parser.add_argument(
        "--profile",
        choices=[*PAGES, "import", "check"],
        help="instead of benchmarking, cProfile one page (uncached) or one import-plan run",
    )
    parser.add_argument("--cached", action="store_true", help="with --profile PAGE: keep the cache")
    parser.add_argument("--_worker", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args._worker:
        results = pages_worker(args._worker, args.requests)
        print(MARKER + json.dumps(results))
        return
    if args.profile in ("import", "check"):
        profile_import(check=args.profile == "check")
        return
    if args.profile:
        backend = "postgres" if args.postgres else "sqlite"
        profile_page(args.profile, min(args.requests, 50), backend, args.cached)
        return

    started = time.perf_counter()
    print(
        f"Cocrea benchmark — seed {SEED.relative_to(REPO)}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}, load average {load_average()}"
    )
    if not args.skip_import:
        print_import_table(bench_import(args.runs), args.runs)
    sqlite_results = run_pages("sqlite", args.requests)
    if sqlite_results:
        print_pages_table("2", sqlite_results, args.requests)
    if args.postgres:
        pg_results = run_pages("postgres", args.requests)
        if pg_results:
            print_pages_table("3", pg_results, args.requests)
    print(
        "\n   uncached = django cache cleared before every request (plan check re-run); "
        "cached = plan-check findings in the cache."
    )
    print(
        f"\nTotal benchmark time: {time.perf_counter() - started:.0f} s; load average now "
        f"{load_average()} (other work on the machine inflates medians and p90s; min is steadier)"
    )


if __name__ == "__main__":
    main()
