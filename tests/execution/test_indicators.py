"""Indicator A from the data, the indicators command, and the dashboard."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.budget.services import record_expenditure
from cocrea.computations.months import Month
from cocrea.plans.execution import approve_baseline, record_progress
from cocrea.plans.indicators import figures, line_planned_to_date

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(milestone, staff):
    """Activities 01–03 done on time, 04 half way; the advisors paid for April–June 2019."""
    activities = {a.number: a for a in milestone.activities.all()}
    for number, day in ((1, date(2019, 4, 30)), (2, date(2019, 5, 31)), (3, date(2019, 6, 30))):
        record_progress(activities[number], day=day, percent=Decimal(100), by=staff)
    record_progress(activities[4], day=date(2019, 7, 15), percent=Decimal(50), by=staff)
    advisors = milestone.budget_lines.get(number=1)
    for month in (4, 5, 6):
        record_expenditure(
            advisors,
            day=Month(2019, month).last_day(),
            amount=Decimal("32000"),
            description="Asesores",
            by=staff,
        )
    return milestone


def test_indicator_a_on_the_seed_by_hand(reported):
    """At 30 June 2019: activities 01–03 (one month each) are planned and done; 12 runs
    March 2019–July 2020 (517 days) and is 122 days in; everything else is later."""
    ev = figures([reported], date(2019, 6, 30))[0].earned_value
    planned = (Decimal(3) + Decimal(122) / Decimal(518)) / 13 * 100
    assert ev.planned_percent == planned.quantize(Decimal("0.01"))
    assert ev.executed_percent == (Decimal(300) / 13).quantize(Decimal("0.01"))
    assert ev.bac == Decimal("570075.00")
    assert ev.ac == Decimal("96000.00")
    assert ev.ev == (Decimal("570075") * 3 / 13).quantize(Decimal("0.01"))
    assert ev.sv == ev.ev - ev.pv and ev.cv == ev.ev - ev.ac
    assert ev.time_variance_days < 0  # activity 12 was planned to be under way
    # Advisors: 32,000 a month from April 2019 (3 months); meetings: 975 each for 3 meetings
    # (April–June); paper: 9,500 over the 17 months of the milestone (3 months).
    assert ev.planned_spending == Decimal("96000.00") + Decimal("2925.00") + (
        Decimal("9500") * 3 / 17
    ).quantize(Decimal("0.01"))


def test_ratios_are_not_applicable_before_anything_is_planned_or_spent(milestone):
    ev = figures([milestone], date(2018, 12, 31))[0].earned_value
    assert ev.pv == 0 and ev.spi is None and ev.cpi is None and ev.eac is None and ev.vac is None


def test_a_baseline_freezes_the_plan_compared_against(reported, staff):
    approve_baseline(reported, by=staff, effective_from=date(2019, 4, 1))
    twelve = reported.activities.get(number=12)
    twelve.planned_start = date(2020, 3, 1)  # re-planned: the probable intended date
    twelve.save()
    with_baseline = figures([reported], date(2019, 6, 30))[0]
    assert with_baseline.baseline is not None
    approve_baseline(
        reported, by=staff, reason="Fecha corregida de la actividad 12", effective_from=date(2019, 6, 1)
    )
    replanned = figures([reported], date(2019, 6, 30))[0]
    assert replanned.earned_value.planned_percent < with_baseline.earned_value.planned_percent
    assert replanned.baseline.number == 2


def test_line_planned_to_date_accrues_daily():
    months = (Month(2019, 4), Month(2019, 5))
    assert line_planned_to_date(months, Decimal(100), date(2019, 3, 31)) == 0
    assert line_planned_to_date(months, Decimal(100), date(2019, 4, 15)) == Decimal("25.00")
    assert line_planned_to_date(months, Decimal(100), date(2019, 6, 1)) == Decimal("100.00")


def test_indicators_command_json(reported):
    out = StringIO()
    call_command("indicators", "--date", "2019-06-30", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    (milestone,) = payload["milestones"]
    rows = {row["key"]: row for row in milestone["indicators"]}
    a = rows["A"]
    for key in (
        "planned_percent",
        "executed_percent",
        "bac",
        "pv",
        "ev",
        "ac",
        "sv",
        "cv",
        "spi",
        "cpi",
        "eac",
        "vac",
        "time_variance_days",
        "planned_spending",
        "budget_variance",
    ):
        assert key in a
    assert a["bac"] == "570075.00" and a["ac"] == "96000.00"
    assert isinstance(a["spi"], float)
    for key in "BCDE":
        assert rows[key]["status"] == "no_data" and rows[key]["value"] is None


def test_indicators_command_rejects_a_bad_date(milestone):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="AAAA-MM-DD"):
        call_command("indicators", "--date", "30/06/2019", stdout=StringIO())


def test_dashboard(client, reported, django_assert_max_num_queries):
    url = reported.get_dashboard_url()
    with django_assert_max_num_queries(12):  # the plan and its execution read once (five reads)
        response = client.get(url, {"fecha": "2019-08-05"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Q 570,075.00" in html and "Q 96,000.00" in html
    assert 'class="line line-pv"' in html and 'class="line line-ev"' in html
    assert "debía terminar" in html  # activity 04 is overdue at the end of July
    assert "Sin datos todavía" in html  # indicators B–E
    bad = client.get(url, {"fecha": "mañana"})
    assert bad.status_code == 200 and "no es una fecha" in bad.content.decode()


def test_the_dashboard_says_when_the_data_are_a_sample(client, milestone):
    from cocrea.plans.sample import load_sample_execution

    load_sample_execution(milestone)
    html = client.get(milestone.get_dashboard_url()).content.decode()
    assert "Datos de ejemplo" in html


def test_the_gantt_shows_progress_actual_dates_and_the_baseline(
    client, reported, staff, django_assert_max_num_queries
):
    approve_baseline(reported, by=staff, effective_from=date(2019, 4, 1))
    fifth = reported.activities.get(number=5)
    record_progress(
        fifth, day=date(2019, 7, 10), percent=Decimal(10), actual_start=date(2019, 7, 8), by=staff
    )
    with django_assert_max_num_queries(6):
        html = client.get(reported.get_schedule_url(), {"hoy": "2019-07-20"}).content.decode()
    assert html.count('class="progress-fill"') == 5  # 01–03 done, 04 at 50 %, 05 at 10 %
    assert html.count('class="actual-bar"') == 1  # only 05 reported when it really started
    assert html.count('class="baseline-bar"') == 13
    assert "Completada" in html and "50 %" in html


def test_the_value_at_a_date_does_not_need_the_history(milestone):
    from cocrea.plans.sample import load_sample_execution

    load_sample_execution(milestone)
    for day in (date(2019, 5, 15), date(2019, 12, 31), date(2020, 6, 30), date(2026, 11, 26)):
        lean = figures([milestone], day)[0].earned_value
        full = figures([milestone], day, history=True)[0].earned_value
        assert lean == full


def test_indicator_a_keeps_monthly_snapshots_and_the_original_baseline(reported, staff):
    approve_baseline(reported, by=staff, effective_from=date(2019, 4, 1))
    twelve = reported.activities.get(number=12)
    twelve.planned_start = date(2020, 3, 1)
    twelve.save()
    approve_baseline(reported, by=staff, reason="Fecha corregida", effective_from=date(2019, 6, 1))
    out = StringIO()
    call_command("indicators", "--date", "2019-06-30", "--history", stdout=out)
    (milestone,) = json.loads(out.getvalue())["milestones"]
    a = next(row for row in milestone["indicators"] if row["key"] == "A")
    months = [point["month"] for point in a["history"]]
    assert months[0] == "2019-04" and months[-1] == "2019-06"  # the re-planned plan starts in April
    assert a["history"][-1]["executed_percent"] == a["executed_percent"]
    assert milestone["original_baseline"]["number"] == 1
    assert milestone["original_baseline"]["planned_percent"] > a["planned_percent"]
