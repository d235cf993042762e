"""Indicators for a national-scale synthetic plan: 24 commitments × 8 milestones × 15 activities,
36 months of monthly progress reports and expenditures, in a temporary SQLite database (or
PostgreSQL with --postgres). Prints the time of ``cocrea.plans.indicators.figures`` for every
milestone at one date (database reads + computation), and of the computation alone.

    .venv/bin/python bench/indicators.py [--postgres]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _setup import start_django

start_django("cocrea_bench_indicators")

from _national_plan import build  # noqa: E402
from django.core.management import call_command  # noqa: E402

from cocrea.plans.indicators import figures  # noqa: E402
from cocrea.plans.models import Milestone  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0)
    build(months=36)
    milestones = list(Milestone.objects.all())
    day = date(2020, 6, 30)
    timings = []
    for _ in range(7):
        started = time.perf_counter()
        result = figures(milestones, day)
        timings.append((time.perf_counter() - started) * 1000)
    compute = []
    for _ in range(7):
        started = time.perf_counter()
        for item in result:
            item.calculator.at(day)
        compute.append((time.perf_counter() - started) * 1000)
    print(
        f"indicators for every milestone at {day} (database + computation): "
        f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f} ms  (target < 200 ms)"
    )
    print(f"computation alone (192 calculators, at(t)): median {statistics.median(compute):.1f} ms")
    print(f"executed % of the first milestone: {result[0].earned_value.executed_percent}")


if __name__ == "__main__":
    main()
