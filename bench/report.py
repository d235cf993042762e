"""Benchmark: wall time of building the seed's monthly progress report as PDF. Asserts nothing.

    .venv/bin/python bench/report.py                    # 5 runs at 2020-06-30, SQLite
    .venv/bin/python bench/report.py --runs 9 --date 2019-12-15 --format xlsx

A fresh SQLite database in a temporary folder gets the seed plan (published) and its labelled
sample execution (``load_sample_execution``: progress reports, payments, meetings). Then
``build_progress_report(milestone, day, fmt)`` runs in this process: one untimed warm-up (imports
WeasyPrint, loads the fonts), then ``--runs`` timed runs, each with the cache cleared so the plan
check runs again. Prints the median, min and max, and one run split into gathering the data,
rendering the HTML and WeasyPrint's layout and PDF writing. Target: the PDF under 3 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "cocrea" / "plans" / "data" / "demo-plan.txt"
TARGET_S = 3.0


def setup() -> tuple[object, str]:
    data_dir = tempfile.mkdtemp(prefix="cocrea-bench-report-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cocrea.settings"
    os.environ["COCREA_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command

    from cocrea.plans.sample import load_sample_execution
    from cocrea.plans.services import import_plan

    call_command("migrate", verbosity=0, interactive=False)
    milestone = import_plan(SEED.read_bytes(), filename=SEED.name, publish=True).milestone
    load_sample_execution(milestone)
    milestone.refresh_from_db()
    return milestone, data_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--date", default="2020-06-30")
    parser.add_argument("--format", default="pdf", choices=["pdf", "xlsx", "docx"])
    args = parser.parse_args()
    day = date.fromisoformat(args.date)

    milestone, data_dir = setup()
    try:
        from django.core.cache import cache
        from django.utils import translation

        from cocrea.reports import progress

        with translation.override("es"):
            started = time.perf_counter()
            data = progress.build_progress_report(milestone, day, args.format)
            cold = time.perf_counter() - started
            times = []
            for _ in range(args.runs):
                cache.clear()
                started = time.perf_counter()
                data = progress.build_progress_report(milestone, day, args.format)
                times.append(time.perf_counter() - started)

            # One run in parts (PDF only): gather, render the template, WeasyPrint.
            parts = ""
            if args.format == "pdf":
                cache.clear()
                t0 = time.perf_counter()
                report = progress.gather(milestone, day)
                t1 = time.perf_counter()
                html = progress.render_html(report)
                t2 = time.perf_counter()
                document = progress.printable(html).render()
                t3 = time.perf_counter()
                document.write_pdf()
                t4 = time.perf_counter()
                parts = (
                    f"   one run in parts: gather {(t1 - t0) * 1000:.0f} ms, "
                    f"template {(t2 - t1) * 1000:.0f} ms, layout {(t3 - t2) * 1000:.0f} ms, "
                    f"PDF writing {(t4 - t3) * 1000:.0f} ms"
                )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    median = statistics.median(times)
    pages = ""
    if args.format == "pdf":
        from pypdf import PdfReader

        pages = f", {len(PdfReader(io.BytesIO(data)).pages)} pages"
    print(
        f"Progress report of the seed at {day} ({args.format}, sample execution loaded): "
        f"{len(data)} bytes{pages}"
    )
    print(f"   warm-up (first build in the process): {cold:.2f} s")
    print(
        f"   {args.runs} runs: median {median:.2f} s, min {min(times):.2f} s, max {max(times):.2f} s"
        + (
            f"   target < {TARGET_S:.0f} s: {'ok' if median < TARGET_S else 'MISSED'}"
            if args.format == "pdf"
            else ""
        )
    )
    if parts:
        print(parts)
    with contextlib.suppress(OSError):
        print(f"   load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
