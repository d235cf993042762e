"""Benchmark: the PDF reports typeset by Typst. Prints figures, asserts nothing.

    .venv/bin/python bench/report.py                       # SQLite; add --postgres for PostgreSQL
    .venv/bin/python bench/report.py --runs 9 --comments 10000 --date 2019-12-15

1. The seed's monthly progress report as PDF, with its labelled sample execution loaded: one
   untimed warm-up, then ``--runs`` builds, each with the cache cleared so the plan check runs
   again. Median, min and max, and one build in parts: gathering the figures, writing them as
   data, Typst's layout. Target: at most 0.5 s.
2. The response report of a consultation with ``--comments`` contributions (10,000 by default,
   each answered; the synthetic consultation of ``bench/drafts.py``): one build, in a forked
   process so that its peak memory (resident set, Django and the data included) is its own; its
   parts are typeset in processes of their own, two at a time (``printing.typeset_long``), so
   the memory at once is at most the builder's peak plus twice the largest part's (or the page
   numbers' process, which runs after them, if larger). Time (gather,
   data, typesetting), pages, size, memory. Targets: at most 10 s and 500 MB.

The WeasyPrint figures that these replace were measured once, in the run recorded in the README
(WeasyPrint is no longer a dependency).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import analyze, start_django, without_audit_signals

start_django("cocrea_bench_report")

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import translation  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from cocrea.plans.sample import load_sample_execution  # noqa: E402
from cocrea.plans.services import import_plan  # noqa: E402
from cocrea.reports import progress, responses  # noqa: E402
from cocrea.reports.printing import PARALLEL, typeset, typeset_long  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "cocrea" / "plans" / "data" / "demo-plan.txt"
PROGRESS_TARGET_S, RESPONSES_TARGET_S, RESPONSES_TARGET_MB = 0.5, 10.0, 500


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb / 1024


def progress_report(runs: int, day: date) -> None:
    milestone = import_plan(SEED.read_bytes(), filename=SEED.name, publish=True).milestone
    load_sample_execution(milestone)
    milestone.refresh_from_db()
    started = time.perf_counter()
    pdf = progress.build_progress_report(milestone, day, "pdf")
    cold = time.perf_counter() - started
    times = []
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        pdf = progress.build_progress_report(milestone, day, "pdf")
        times.append(time.perf_counter() - started)
    cache.clear()
    t0 = time.perf_counter()
    report = progress.gather(milestone, day)
    t1 = time.perf_counter()
    data = progress.document(report)
    t2 = time.perf_counter()
    typeset("progress.typ", data)
    t3 = time.perf_counter()
    median = statistics.median(times)
    print(
        f"Progress report of the seed at {day} (PDF, sample execution): "
        f"{pages(pdf)} pages, {len(pdf):,} bytes"
    )
    print(f"   first build in the process: {cold:.3f} s")
    print(
        f"   {runs} builds: median {median:.3f} s, min {min(times):.3f} s, max {max(times):.3f} s"
        f"   target <= {PROGRESS_TARGET_S} s: {'ok' if median <= PROGRESS_TARGET_S else 'MISSED'}"
    )
    print(
        f"   one build in parts: gather {(t1 - t0) * 1000:.0f} ms, data {(t2 - t1) * 1000:.0f} ms, "
        f"Typst {(t3 - t2) * 1000:.0f} ms"
    )


def response_report(comments: int) -> None:
    from _consultation import build

    without_audit_signals()
    first, *_ = build(comments)
    analyze()
    connections.close_all()  # the child opens its own connection
    before = rss_mb()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child builds the report and says how long it took
        os.close(read)
        peaks = [0]  # each Typst part process says its own peak (its rusage would count the fork)
        real_run = subprocess.run

        def run(*args, **kwargs):  # type: ignore[no-untyped-def]
            done = real_run(*args, **kwargs)
            found = re.search(rb"peak_kb=(\d+)", done.stderr or b"")
            peaks.append(int(found[1]) if found else 0)
            return done

        subprocess.run = run  # type: ignore[assignment]
        t0 = time.perf_counter()
        report = responses.gather(first)
        t1 = time.perf_counter()
        data = responses.document(report)
        t2 = time.perf_counter()
        pdf = typeset_long("responses.typ", data, running="responses-running.typ")
        t3 = time.perf_counter()
        parts_mb = max(peaks[1:-1] or [0]) / 1024  # the last process lays the page numbers over
        running_mb = peaks[-1] / 1024
        line = f"{t3 - t0} {t1 - t0} {t2 - t1} {t3 - t2} {pages(pdf)} {len(pdf)} {parts_mb} {running_mb}\n"
        os.write(write, line.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        figures = pipe.read().split()
    _, status, usage = os.wait4(child, 0)
    if status != 0 or len(figures) != 8:
        print(f"Response report: the build failed (status {status})")
        return
    total, gather_s, data_s, typst_s = (float(x) for x in figures[:4])
    page_count, size, part_peak, running_peak = int(figures[4]), int(figures[5]), *map(float, figures[6:])
    peak = usage.ru_maxrss / 1024
    together = peak + max(PARALLEL * part_peak, running_peak)
    print(
        f"Response report, {comments:,} contributions ({connection.vendor}): {page_count:,} A4 pages, "
        f"{size / 1e6:.1f} MB"
    )
    print(
        f"   build {total:.2f} s (gather {gather_s:.2f} s, data {data_s:.2f} s, Typst {typst_s:.2f} s)"
        f"   target <= {RESPONSES_TARGET_S:.0f} s: {'ok' if total <= RESPONSES_TARGET_S else 'MISSED'}"
    )
    print(
        f"   peak memory (resident): the building process {peak:.0f} MB (it started at {before:.0f} MB), "
        f"each Typst part process at most {part_peak:.0f} MB, {PARALLEL} at a time, then the page "
        f"numbers' process {running_peak:.0f} MB"
    )
    print(
        f"   at most {together:.0f} MB at once   "
        f"target <= {RESPONSES_TARGET_MB} MB: {'ok' if together <= RESPONSES_TARGET_MB else 'MISSED'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--date", default="2019-12-15")
    parser.add_argument("--comments", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at 127.0.0.1:5432")
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    with translation.override("es"):
        # The response report first: its build is forked, and Typst's worker threads, once
        # started in this process, would not survive the fork.
        response_report(args.comments)
        progress_report(args.runs, date.fromisoformat(args.date))
    print(
        f"   (machine load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"max RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main()
