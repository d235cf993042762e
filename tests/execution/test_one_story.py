"""One story in the public figures (#12, section 5), on the real seed plan.

The work plan's page and the dashboard show the same indicator values at the same stated date; a
milestone that has ended opens at its end; the date picker keeps to the milestone's days; alerts
are grouped by kind; the sample execution and co-creation follow the plan's own schedule.
"""

from __future__ import annotations

import html as html_lib
import itertools
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cocrea.drafts.models import Contribution, DocumentVersion, Response
from cocrea.drafts.sample import load_sample_cocreation
from cocrea.participation.models import Meeting
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Activity, Milestone, ProgressEntry
from cocrea.plans.sample import load_sample_execution

pytestmark = pytest.mark.django_db

END = date(2020, 8, 31)  # the seed's milestone runs April 2019 – August 2020


def text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def indicator_values(page: str) -> dict[str, str]:
    """Each indicator's shown value, from a page's indicator table (``data-indicator`` rows)."""
    rows = re.findall(
        r'<tr data-indicator="(\w+)">.*?<td class="num indicator-value">(.*?)</td>', page, re.DOTALL
    )
    return {key: text(value) for key, value in rows}


def sentence(page: str) -> str:
    found = re.search(r'class="status-date"[^>]*>(.*?)</p>', page, re.DOTALL)
    assert found, "the page states the date of its figures"
    return text(found.group(1))


def problem(page: str) -> str:
    found = re.search(r'class="message message-error" role="alert"[^>]*>(.*?)</p>', page, re.DOTALL)
    return text(found.group(1)) if found else ""


def get(client, url: str, **params: str) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params)
    return response.content.decode()


@pytest.fixture
def executed(sample_cocreation, milestone):
    """The seed with both samples, as ``cocrea load-demo --sample-execution --sample-cocreation``."""
    load_sample_execution(milestone)
    milestone.refresh_from_db()
    return milestone


# --- The same values on both pages -------------------------------------------------------------


def test_the_plan_page_and_the_dashboard_show_the_same_values_at_the_same_date(client, executed):
    days = ["", "2019-06-30", "2019-10-20", "2019-12-20", END.isoformat(), timezone.localdate().isoformat()]
    seen = {}
    for day in days:
        params = {"fecha": day} if day else {}
        plan = get(client, executed.get_absolute_url(), **params)
        dashboard = get(client, executed.get_dashboard_url(), **params)
        values = indicator_values(plan)
        assert set(values) == {"A", "B", "C", "D", "E"}
        assert values == indicator_values(dashboard), day
        assert sentence(plan).startswith(sentence(dashboard)), day  # the same date, stated
        seen[day] = values
    # By default (the milestone has ended): its end, with every indicator computed, none empty.
    assert seen[""] == seen[END.isoformat()]
    assert seen[""]["A"] == "82.69 %"
    assert all(value != "Sin datos todavía" for value in seen[""].values())
    # Before the first draft was published, B–D had no data yet; the values move with the date.
    assert seen["2019-06-30"]["B"] == "Sin datos todavía"
    assert seen["2019-06-30"]["A"] != seen[""]["A"]


def test_the_values_are_those_of_the_indicators_command(client, executed):
    import json
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("indicators", "--date", END.isoformat(), "--format", "json", stdout=out)
    (row,) = json.loads(out.getvalue())["milestones"]
    expected = {r["key"]: r["value"] for r in row["indicators"]}
    shown = indicator_values(get(client, executed.get_absolute_url()))
    assert shown["A"] == f"{Decimal(expected['A']):.2f} %"
    for key in "BCDE":
        assert shown[key] == str(expected[key])


def test_the_plan_page_states_the_date_and_links_the_dashboard_at_it(client, executed):
    page = get(client, executed.get_absolute_url())
    assert sentence(page).startswith("Situación al 31/08/2020, fin del hito.")
    assert f'{executed.get_dashboard_url()}?fecha=2020-08-31"' in page
    assert "Sin datos todavía" not in page


# --- A milestone that has ended ------------------------------------------------------------------


def test_an_ended_milestone_opens_at_its_end_and_says_so(client, executed):
    page = get(client, executed.get_dashboard_url())
    assert sentence(page) == "Situación al 31/08/2020, fin del hito."
    assert 'name="fecha" value="2020-08-31"' in page
    assert not re.search(r"-\d[\d,]* días?", text(page))  # no negative count of days anywhere
    assert "días de atraso" in text(page)  # the time difference, in words


def test_a_report_after_the_end_moves_the_default_to_it(client, milestone, staff):
    thirteenth = milestone.activities.get(number=13)
    record_progress(thirteenth, day=date(2020, 10, 15), percent=Decimal(100), by=staff)
    page = get(client, milestone.get_dashboard_url())
    assert sentence(page) == (
        "Situación al 15/10/2020, fecha del último informe de avance; el hito terminó el 31/08/2020."
    )
    assert sentence(get(client, milestone.get_absolute_url())).startswith("Situación al 15/10/2020")


def test_today_after_the_end_counts_the_days_since_it_ended(client, milestone):
    today = timezone.localdate()
    page = get(client, milestone.get_dashboard_url(), fecha=today.isoformat())
    days = f"{(today - END).days:,}"
    assert (
        sentence(page)
        == f"Situación al {today:%d/%m/%Y} (hoy): el hito terminó hace {days} días, el 31/08/2020."
    )


def test_a_milestone_under_way_opens_today_and_counts_the_days_left(client, milestone):
    today = timezone.localdate()
    end = date(today.year + 2, 1, 31)
    Milestone.objects.filter(pk=milestone.pk).update(end_month=end.replace(day=1))
    page = get(client, milestone.get_dashboard_url())
    days = f"{(end - today).days:,}"
    assert sentence(page) == (
        f"Situación al {today:%d/%m/%Y} (hoy): faltan {days} días para el fin del hito, el {end:%d/%m/%Y}."
    )
    assert f'max="{end.isoformat()}"' in page  # the rest of the milestone may be looked at


# --- The date picker --------------------------------------------------------------------------------


def test_the_date_picker_is_a_plain_form_within_the_milestones_days(client, milestone):
    page = get(client, milestone.get_dashboard_url())
    form = re.search(r'<form method="get" class="date-form".*?</form>', page, re.DOTALL).group(0)
    assert 'type="date"' in form and 'name="fecha"' in form
    assert '<label for="status-date">' in form and 'id="status-date"' in form
    assert 'min="2018-11-01"' in form  # the commitment's schedule starts in November 2018
    assert f'max="{timezone.localdate().isoformat()}"' in form


def test_a_good_date_is_shown(client, milestone):
    page = get(client, milestone.get_dashboard_url(), fecha="2019-06-30")
    assert sentence(page) == "Situación al 30/06/2019, a 428 días del fin del hito (31/08/2020)."
    assert 'name="fecha" value="2019-06-30"' in page and not problem(page)
    assert "Volver al 31/08/2020" in text(page)


@pytest.mark.parametrize(
    "typed",
    ["mañana", "30/06/2019", "2019-02-30", "2019-13-01", "' OR 1=1 --", "<script>", "9" * 500, " "],
)
def test_a_bad_date_gives_the_default_and_a_clear_message(client, milestone, typed):
    for url in (milestone.get_dashboard_url(), milestone.get_absolute_url()):
        page = get(client, url, fecha=typed)
        assert sentence(page).startswith("Situación al 31/08/2020, fin del hito.")
        if typed.strip():
            assert problem(page) == (
                f"«{typed.strip()[:40]}» no es una fecha (AAAA-MM-DD): se muestra la situación al 31/08/2020."
            )
            assert "<script>" not in page.split('role="alert"')[1][:200]
        else:
            assert not problem(page)


def test_a_date_out_of_range_is_brought_within_it(client, milestone):
    early = get(client, milestone.get_dashboard_url(), fecha="1990-01-01")
    assert problem(early) == (
        "El 01/01/1990 es anterior al período del hito: se muestra la situación al 01/11/2018, "
        "el primer día que se puede consultar."
    )
    assert sentence(early) == "Situación al 01/11/2018, antes del inicio del hito (01/04/2019)."
    late = get(client, milestone.get_dashboard_url(), fecha="2199-12-31")
    today = timezone.localdate()
    assert problem(late) == (
        f"El 31/12/2199 es posterior al último día que se puede consultar: se muestra la situación al "
        f"{today:%d/%m/%Y}."
    )
    assert 'name="fecha" value="2199' not in late


def test_a_bad_date_in_english_is_explained_too(client, milestone):
    client.cookies["django_language"] = "en"
    response = client.get(milestone.get_dashboard_url(), {"fecha": "nonsense"})
    page = response.content.decode()
    assert response.status_code == 200 and 'lang="en"' in page
    assert "nonsense" in problem(page) and 'name="fecha" value="2020-08-31"' in page


# --- Alerts, grouped -------------------------------------------------------------------------------


def test_alerts_are_grouped_delays_first_sequence_notes_collapsed(client, executed):
    page = get(client, executed.get_dashboard_url())
    alerts = page[page.index('id="alerts"') : page.index("Presupuesto por línea")]
    groups = re.findall(r'<section class="alert-group alert-group-(\w+)"', alerts)
    assert groups[0] == "overdue" and groups[-1] == "order"
    overdue = alerts[alerts.index("alert-group-overdue") : alerts.index("</section>")]
    assert "Atrasos (4)" in text(overdue)
    assert overdue.count('class="alert alert-overdue"') == 4
    assert "<details" not in overdue  # real delays are in sight
    order = alerts[alerts.index("alert-group-order") :]
    assert "<details>" in order and "<summary" in order
    assert "Notas de secuencia (7)" in text(order[order.index("<summary") : order.index("</summary>")])
    assert order.count('class="alert alert-order"') == 7
    assert alerts.count('class="alert alert-order"') == 7  # only inside the collapsed group


def test_alert_groups_order_and_counts():
    from cocrea.plans.indicators import Alert, alert_groups

    found = [Alert("order", "o1"), Alert("meeting", "m1"), Alert("overdue", "d1"), Alert("order", "o2")]
    groups = alert_groups(found)
    assert [(g.kind, g.count, g.collapsed) for g in groups] == [
        ("overdue", 1, False),
        ("meeting", 1, False),
        ("order", 2, True),
    ]


def test_the_time_difference_is_never_a_negative_number():
    from cocrea.plans.indicators import time_variance_text

    assert time_variance_text(-2496) == "2,496 días de atraso"
    assert time_variance_text(-1) == "1 día de atraso"
    assert time_variance_text(3) == "3 días de adelanto"
    assert time_variance_text(0) == "Al día"


# --- The samples follow the plan's schedule ----------------------------------------------------------


def _writers(milestone) -> dict[int, Activity]:
    """On the seed: "Redacción del Borrador N" writes draft N."""
    found = {}
    for activity in milestone.activities.all():
        match = re.search(r"Borrador (\d)", activity.title)
        if match:
            found[int(match.group(1))] = activity
    return found


def assert_samples_follow_the_schedule(
    milestone, writers: dict[int, Activity], with_execution: bool = True
) -> None:
    today = timezone.localdate()
    versions = list(DocumentVersion.objects.filter(document__milestone=milestone).exclude(opens_at=None))
    assert len(versions) == 3
    for version in versions:
        opened = timezone.localtime(version.opens_at).date()
        writer = writers[version.number]
        assert writer.planned_start < opened, version.label  # written before it is consulted
        assert writer.planned_end < opened
        done = ProgressEntry.objects.filter(activity=writer, status="done").first()
        if done is not None:
            assert done.day < opened, version.label  # and the execution says so too
        assert version.created_at < version.opens_at <= timezone.now()
        for contribution in Contribution.objects.filter(version=version):
            assert version.opens_at <= contribution.created_at
            if version.closes_at is not None:
                assert contribution.created_at <= version.closes_at
            if contribution.parent_id is not None:
                assert contribution.parent.created_at <= contribution.created_at
        for response in Response.objects.filter(contribution__version=version):
            assert response.responded_at >= (version.closed_at or version.opens_at)
    numbers = sorted(versions, key=lambda v: v.number)
    assert all(a.opens_at < b.opens_at for a, b in itertools.pairwise(numbers))  # in order
    assert numbers[-1].state == "open"  # draft 3 stays open for comments
    held = Meeting.objects.filter(milestone=milestone, status="held")
    assert held.exists() == with_execution
    for meeting in held:
        assert meeting.attendance.exists(), meeting.title  # a held meeting has its attendance
        assert meeting.actual_date is not None and meeting.actual_date <= today
    for entry in ProgressEntry.objects.filter(activity__milestone=milestone).select_related("activity"):
        assert entry.day <= today
        assert entry.day >= entry.activity.planned_start  # nothing reported before it could start


def test_the_sample_execution_and_cocreation_follow_the_seed_plan(client, milestone):
    load_sample_execution(milestone)
    load_sample_cocreation(milestone)
    assert_samples_follow_the_schedule(milestone, _writers(milestone))
    # still labelled as a sample
    milestone.refresh_from_db()
    assert milestone.sample_execution
    assert "Datos de ejemplo" in get(client, milestone.get_dashboard_url())
    assert set(
        ProgressEntry.objects.filter(activity__milestone=milestone).values_list("note", flat=True)
    ) == {"Dato de ejemplo"}


def test_the_sample_cocreation_alone_follows_the_plan(sample_cocreation, milestone):
    assert_samples_follow_the_schedule(milestone, _writers(milestone), with_execution=False)


def test_the_samples_follow_any_plans_schedule(milestone):
    """The same plan a year later, with its drafts named differently: the samples move with it."""
    shift = 12
    for activity in milestone.activities.all():
        activity.planned_start = _months_later(activity.planned_start, shift)
        activity.planned_end = _months_later(activity.planned_end, shift)
        activity.title = activity.title.replace("Borrador", "Documento")
        activity.save()
    for meeting in milestone.meetings.all():
        meeting.planned_month = _months_later(meeting.planned_month, shift)
        meeting.save()
    Milestone.objects.filter(pk=milestone.pk).update(start_month=date(2020, 4, 1), end_month=date(2021, 8, 1))
    milestone.refresh_from_db()
    assert not _writers(milestone)
    load_sample_execution(milestone)
    load_sample_cocreation(milestone)
    from cocrea.drafts.sample import draft_writers

    writers = draft_writers(milestone)
    assert set(writers) == {1, 2, 3}
    assert_samples_follow_the_schedule(milestone, writers)
    first = ProgressEntry.objects.filter(activity__milestone=milestone).order_by("day").first()
    assert first.day == date(2020, 4, 30)  # activity 01, planned for April 2020, done on time
    assert not Meeting.objects.filter(milestone=milestone, actual_date__lt=date(2020, 4, 1)).exists()


def _months_later(day: date | None, months: int) -> date | None:
    if day is None:
        return None
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def test_a_plan_still_to_come_gets_no_report_from_the_future(milestone):
    """A plan whose schedule is in the future: nothing is reported after today."""
    today = timezone.localdate()
    years = today.year - 2019 + 1
    for activity in milestone.activities.all():
        activity.planned_start = _months_later(activity.planned_start, 12 * years)
        activity.planned_end = _months_later(activity.planned_end, 12 * years)
        activity.save()
    load_sample_execution(milestone)
    assert not ProgressEntry.objects.filter(activity__milestone=milestone, day__gt=today).exists()
    assert not Meeting.objects.filter(milestone=milestone, actual_date__gt=today).exists()
    load_sample_cocreation(milestone)
    assert not DocumentVersion.objects.filter(opens_at__gt=timezone.now() + timedelta(seconds=1)).exists()
