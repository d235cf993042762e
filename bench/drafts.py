"""Co-creation at scale: one version of 400 paragraphs with 10,000 comments (and a second version
of the same document, lightly edited), in a temporary SQLite database (or PostgreSQL with
--postgres). Prints the median server time of a paragraph page and of the version page (targets:
under 50 ms, with a fixed number of queries), the diff of the two versions (under 500 ms) and the
response report PDF (under 10 s).

    .venv/bin/python bench/drafts.py [--postgres]
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import analyze, start_django, without_audit_signals

start_django("cocrea_bench_drafts")

from _consultation import PARAGRAPHS, build  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from cocrea.drafts import queries  # noqa: E402
from cocrea.drafts.models import Contribution  # noqa: E402


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
