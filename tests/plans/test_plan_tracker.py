"""The public plan tracker (#15): the page, its filters, its downloads, its query count."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cocrea.plans import indicators, tracker_figures
from cocrea.plans.execution import record_progress
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    CommitmentEntity,
    Milestone,
    Organization,
    ProgressEntry,
    Review,
)

pytestmark = pytest.mark.django_db


def _plan(milestones: int = 3, slug: str = "plan-t") -> ActionPlan:
    """Two commitments: 1 (civic participation, INAP) with ``milestones`` milestones, every third
    with a work plan of two activities, the others tracked directly; 2 (technology, ONSEC) with
    one milestone done."""
    plan = ActionPlan.objects.create(name=f"Plan {slug}", slug=slug, is_published=True)
    inap, _ = Organization.objects.get_or_create(
        acronym="INAP", defaults={"name": "Instituto Nacional de Administración Pública"}
    )
    onsec, _ = Organization.objects.get_or_create(
        acronym="ONSEC", defaults={"name": "Oficina Nacional de Servicio Civil"}
    )
    first = Commitment.objects.create(
        action_plan=plan,
        number="1",
        title='=HYPERLINK("http://x")',
        ogp_id="GT0001",
        ogp_values=["civic_participation"],
        is_published=True,
    )
    CommitmentEntity.objects.create(commitment=first, organization=inap, role="responsible")
    for n in range(1, milestones + 1):
        milestone = Milestone.objects.create(
            commitment=first,
            number=str(n),
            title=f"Hito {n}",
            is_published=True,
            starts_on=date(2020, 1, 1),
            ends_on=date(2020, 12, 31),
        )
        milestone.responsible.add(inap)
        if n % 3 == 0:
            for position in (1, 2):
                activity = Activity.objects.create(
                    milestone=milestone,
                    position=position,
                    number=position,
                    title=f"A{position}",
                    planned_start=date(2020, 1, 1),
                    planned_end=date(2020, 6, 1),
                )
                activity.responsible.add(onsec)
                ProgressEntry.objects.create(
                    activity=activity,
                    day=date(2020, 5, 31),
                    percent_complete=Decimal(40),
                    status="in_progress",
                )
        elif n % 3 == 1:
            ProgressEntry.objects.create(
                milestone=milestone, day=date(2020, 6, 30), percent_complete=Decimal(100), status="done"
            )
    second = Commitment.objects.create(
        action_plan=plan, number="2", title="Datos abiertos", ogp_values=["technology"], is_published=True
    )
    CommitmentEntity.objects.create(commitment=second, organization=onsec, role="responsible")
    done = Milestone.objects.create(
        commitment=second, number="1", title="Portal", is_published=True, ends_on=date(2020, 3, 31)
    )
    done.responsible.add(onsec)
    ProgressEntry.objects.create(
        milestone=done, day=date(2020, 3, 1), percent_complete=Decimal(100), status="done"
    )
    Milestone.objects.create(commitment=second, number="2", title="Oculto", is_published=False)
    return plan


def _url(plan: ActionPlan, **query: str) -> str:
    address = reverse("portal:tracker", kwargs={"plan": plan.slug})
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _download(client, plan: ActionPlan, fmt: str, **query: str):  # type: ignore[no-untyped-def]
    address = reverse("portal:tracker_download", kwargs={"plan": plan.slug, "fmt": fmt})
    return client.get(address, query)


def test_figures_levels_and_the_hidden_milestone(client):
    plan = _plan(3)
    data = json.loads(_download(client, plan, "json").content)
    first, second = data["commitments"]
    assert [m["number"] for m in first["milestones"]] == ["1", "2", "3"]
    assert [m["level"] for m in first["milestones"]] == ["complete", "not_started", "limited"]
    assert [m["completion"] for m in first["milestones"]] == [100.0, None, 40.0]
    assert first["milestones"][2]["last_update"] == "2020-05-31"
    assert [m["overdue"] for m in first["milestones"]] == [False, True, True]
    assert first["completion"] == round((100 + 0 + 40) / 3, 2)
    assert {o["acronym"] for o in first["milestones"][2]["institutions"]} == {"INAP", "ONSEC"}
    assert [m["number"] for m in second["milestones"]] == ["1"]  # the unpublished one is not shown
    assert second["completion"] == 100.0
    assert data["counts"]["by_level"] == {"not_started": 1, "limited": 1, "substantial": 0, "complete": 2}
    assert data["counts"]["overdue"] == 2
    assert data["last_update"] == "2020-06-30"
    page = client.get(_url(plan))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Oculto" not in text
    assert "<svg" in text and "<caption" in text and "Metodología" in text


def test_filters_select_milestones_and_commitments(client):
    plan = _plan(3)
    onsec = Organization.objects.get(acronym="ONSEC")

    def numbers(**query: str) -> list[tuple[str, list[str]]]:
        data = json.loads(_download(client, plan, "json", **query).content)
        return [(c["number"], [m["number"] for m in c["milestones"]]) for c in data["commitments"]]

    assert numbers(valor="technology") == [("2", ["1"])]
    assert numbers(estado="complete") == [("1", ["1"]), ("2", ["1"])]
    assert numbers(estado="limited") == [("1", ["3"])]
    assert numbers(institucion=str(onsec.pk)) == [("1", ["3"]), ("2", ["1"])]
    assert numbers(institucion=str(onsec.pk), estado="complete", valor="technology") == [("2", ["1"])]
    assert numbers(estado="nonsense", valor="<b>", institucion="99999999") == numbers()
    page = client.get(_url(plan, estado="limited"))
    text = page.content.decode()
    assert 'value="limited" selected' in text
    assert "seguimiento.csv?estado=limited" in text


def test_downloads_carry_what_is_shown(client):
    plan = _plan(3)
    response = _download(client, plan, "csv", estado="complete")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["compromiso", "id_ogp", "titulo_compromiso", "avance_compromiso", "hito"]
    assert [(r[0], r[4], r[10]) for r in rows[1:]] == [("1", "1", "complete"), ("2", "1", "complete")]
    assert rows[1][2] == '\'=HYPERLINK("http://x")'  # formula-safe
    workbook = load_workbook(io.BytesIO(_download(client, plan, "xlsx", estado="complete").content))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "compromiso"
    assert [(v[0], v[4], v[10]) for v in values[1:]] == [("1", "1", "complete"), ("2", "1", "complete")]
    assert values[1][2].startswith("'=")
    assert values[1][9] == 100
    assert _download(client, plan, "pdf").status_code == 404


def test_query_count_does_not_grow_with_the_milestones(client, django_assert_max_num_queries):
    small, large = _plan(3, "pequeno"), _plan(30, "grande")
    counts = []
    for plan in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(plan)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(_url(large, estado="limited"))
    with django_assert_max_num_queries(13):
        client.get(_url(large))
    cache.clear()  # every milestone's figures to compute again
    with django_assert_max_num_queries(13):
        client.get(_url(large, estado="limited"))
    with django_assert_max_num_queries(7):  # their figures kept: the page's own reads only
        client.get(_url(large))


def test_unknown_or_unpublished_plan_is_404(client):
    plan = _plan(1)
    assert client.get(reverse("portal:tracker", kwargs={"plan": "nope"})).status_code == 404
    ActionPlan.objects.filter(pk=plan.pk).update(is_published=False)
    assert client.get(_url(plan)).status_code == 404


def test_demo_commitment_11_shows_its_eight_milestones_with_levels(client):
    call_command("load_demo", sample_execution=True, stdout=io.StringIO())
    plan = ActionPlan.objects.get()
    page = client.get(_url(plan)).content.decode()
    for n in range(1, 9):
        assert f"/compromisos/11/hitos/{n}/" in page
    data = json.loads(_download(client, plan, "json").content)
    (commitment,) = data["commitments"]
    assert commitment["ogp_id"] == "GT0095"
    levels = [m["level"] for m in commitment["milestones"]]
    assert len(levels) == 8
    completions = [m["completion"] for m in commitment["milestones"]]
    assert completions[1:] == [100.0, 75.0, 40.0, 25.0, 0.0, None, None]
    assert levels[1:] == [
        "complete",
        "substantial",
        "limited",
        "limited",
        "not_started",
        "not_started",
        "not_started",
    ]
    first = Milestone.objects.get(commitment__number="11", number="1")
    item = indicators.figures([first], timezone.localdate())[0]
    assert completions[0] == float(item.earned_value.executed_percent)  # what its dashboard shows
    assert commitment["completion"] == round(sum(c or 0 for c in completions) / 8, 2)
    assert {"INAP", "GPAT"} <= {o["acronym"] for o in commitment["milestones"][0]["institutions"]}
    action_plan_page = client.get(plan.get_absolute_url()).content.decode()
    assert reverse("portal:tracker", kwargs={"plan": plan.slug}) in action_plan_page


# -- Each milestone's figures, kept under its page-cache version (cocrea/plans/tracker_figures.py) --


def _milestones(client, plan: ActionPlan) -> dict[str, dict]:  # type: ignore[no-untyped-def,type-arg]
    """The first commitment's milestones as the JSON download gives them, by number."""
    data = json.loads(_download(client, plan, "json").content)
    return {m["number"]: m for m in data["commitments"][0]["milestones"]}


def _reads_reports(queries: CaptureQueriesContext) -> bool:
    return any("plans_progressentry" in query["sql"] for query in queries.captured_queries)


def test_figures_follow_a_progress_report_on_the_next_request(client, staff, committed):
    plan = _plan(3)
    before = _milestones(client, plan)
    assert (before["2"]["completion"], before["3"]["completion"]) == (None, 40.0)
    with CaptureQueriesContext(connection) as again:
        assert _milestones(client, plan) == before
    assert not _reads_reports(again)  # kept: nothing beneath the milestones changed

    detailed = Milestone.objects.get(commitment__action_plan=plan, commitment__number="1", number="3")
    direct = Milestone.objects.get(commitment__action_plan=plan, commitment__number="1", number="2")
    first = detailed.activities.get(position=1)
    with committed():
        record_progress(first, day=date(2020, 6, 15), percent=Decimal(100), by=staff, check_permission=False)
        record_progress(direct, day=date(2020, 6, 20), percent=Decimal(60), by=staff, check_permission=False)
    after = _milestones(client, plan)
    assert (after["3"]["completion"], after["3"]["last_update"]) == (70.0, "2020-06-15")  # (100 + 40) / 2
    assert (after["2"]["completion"], after["2"]["level"], after["2"]["last_update"]) == (
        60.0,
        "substantial",
        "2020-06-20",
    )
    assert after["1"] == before["1"]
    page = client.get(_url(plan)).content.decode()
    assert '<td class="num">70 %</td>' in page and '<td class="num">60 %</td>' in page
    item = indicators.figures([detailed], timezone.localdate())[0]
    assert after["3"]["completion"] == float(item.earned_value.executed_percent)  # the dashboard's


def test_reports_waiting_for_validation_count_once_validated(client, committed):
    plan = _plan(3)
    direct = Milestone.objects.get(commitment__action_plan=plan, commitment__number="1", number="2")
    second = Activity.objects.get(milestone__commitment__action_plan=plan, milestone__number="3", position=2)
    with committed():
        waiting = [
            ProgressEntry.objects.create(
                milestone=direct,
                day=date(2020, 7, 1),
                percent_complete=Decimal(80),
                status="in_progress",
                review=Review.PENDING,
            ),
            ProgressEntry.objects.create(
                activity=second,
                day=date(2020, 7, 1),
                percent_complete=Decimal(90),
                status="in_progress",
                review=Review.RETURNED,
            ),
        ]
    shown = _milestones(client, plan)
    assert (shown["2"]["completion"], shown["2"]["last_update"]) == (None, None)
    assert (shown["3"]["completion"], shown["3"]["last_update"]) == (40.0, "2020-05-31")
    with committed():
        for entry in waiting:  # validating a report is a write of its row
            entry.review = Review.VALIDATED
            entry.save()
    shown = _milestones(client, plan)
    assert (shown["2"]["completion"], shown["2"]["last_update"]) == (80.0, "2020-07-01")
    assert (shown["3"]["completion"], shown["3"]["last_update"]) == (65.0, "2020-07-01")  # (40 + 90) / 2


def test_figures_are_kept_for_the_day_and_read_again_the_next(django_assert_num_queries):
    plan = _plan(6)
    milestones = list(
        Milestone.objects.filter(commitment__action_plan=plan)
        .select_related("commitment__action_plan")
        .order_by("commitment__number", "number")
    )
    today = date(2026, 1, 15)
    computed = tracker_figures.figures(milestones, today)
    assert computed == tracker_figures.compute(milestones, today)
    assert [computed[m.pk].has_work_plan for m in milestones[:6]] == [False, False, True] * 2
    assert computed[milestones[2].pk].doers == (Organization.objects.get(acronym="ONSEC").pk,)
    assert computed[milestones[2].pk].plan_end == date(2020, 6, 30)  # indicator A's planned months
    with django_assert_num_queries(0):
        assert tracker_figures.figures(milestones, today) == computed
    with django_assert_num_queries(5):  # another day: read again, in a fixed number of queries
        assert tracker_figures.figures(milestones, date(2026, 1, 16)) == computed


def test_hostile_text_is_written_as_text(client):
    """The commitments' tables and the chart are written by template tags: text escaped there."""
    plan = _plan(3)
    hostile = '<script>alert("x")</script>&\''
    Commitment.objects.filter(action_plan=plan, number="1").update(title=hostile)
    Milestone.objects.filter(commitment__action_plan=plan, number="3").update(title=hostile * 20)
    Organization.objects.filter(acronym="ONSEC").update(name=hostile, acronym='"><img src=x>')
    text = client.get(_url(plan)).content.decode()
    assert "<script>alert" not in text and "<img src=x>" not in text
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;"
    assert f": {escaped}\n" in text  # the commitment's caption
    assert f'<abbr title="{escaped}">&quot;&gt;&lt;img src=x&gt;</abbr>' in text  # a milestone's row
    assert "…" in text  # the long title cut at 140 characters, as |truncatechars cut it
