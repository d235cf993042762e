"""The public pages: status, key content, language, and bounded queries."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12
# The work plan's page also computes its indicators at the status date, as the dashboard does
# (indicator A's reports, spending and baselines, B–E's four reads, the status date's one; the
# activities, budget lines and meetings the page reads itself are not read again), plus the plan
# document's text when the plan check is not cached: still the same whatever the size.
WORK_PLAN_MAX_QUERIES = 18
# The milestone (with its document), activities, meetings, their states and the baseline; the
# plan document's text when the plan check is not cached.
SCHEDULE_MAX_QUERIES = 6


def get(client, url, language=None):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_lists_action_plans_and_commitments(client, milestone, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        html = get(client, reverse("portal:home"))
    assert "4º Plan de Acción Nacional de Gobierno Abierto 2018-2020" in html
    assert milestone.commitment.get_absolute_url() in html
    assert "Diseño e Implementación de una Estrategia" in html


def test_home_without_plans_explains_how_to_import(client, db):
    html = get(client, reverse("portal:home"))
    assert "cocrea import-plan" in html


def test_action_plan_page(client, milestone):
    html = get(client, milestone.commitment.action_plan.get_absolute_url())
    assert "Compromisos" in html
    assert milestone.commitment.get_absolute_url() in html


def test_commitment_page(client, milestone, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        html = get(client, milestone.commitment.get_absolute_url())
    assert "Compromiso 11" in html
    assert "Diseñar e implementar una estrategia" in html  # objective
    assert "Instituto Nacional de Administración Pública (INAP)" in html  # coordinator
    assert "Oficina Nacional de Servicio Civil" in html
    assert "5, 6, 7, 8" in html  # ONSEC's milestones
    assert "Guatecívica" in html  # other actors
    assert "noviembre de 2018 – agosto de 2020" in html  # period
    assert milestone.get_absolute_url() in html


def test_milestone_work_plan_has_every_section(client, milestone, django_assert_max_num_queries):
    with django_assert_max_num_queries(WORK_PLAN_MAX_QUERIES):
        html = get(client, milestone.get_absolute_url())
    assert "Formulación de la Estrategia Nacional de Innovación" in html  # general objective
    assert "Determinar el marco jurídico" in html  # specific objective C
    assert "Cantidad de Normas legales aplicadas." in html  # indicator D
    assert html.count('<th scope="row">') >= 13 + 5 + 3
    assert "Presentación de Informe de implementación" in html  # activity 13
    assert "Organización para la Cooperación y el Desarrollo Económicos" in html  # OCDE partner
    assert "Q 16,000.00" in html  # unit cost
    assert "Q 544,000.00" in html
    assert "Q 570,075.00" in html  # total
    assert "1 hallazgo" in html


def test_money_is_formatted_for_english_too(client, milestone):
    html = get(client, milestone.get_absolute_url(), language="en")
    assert 'lang="en"' in html
    assert "Q 570,075.00" in html


def test_spanish_is_the_default_whatever_the_browser_says(client, milestone):
    response = client.get(milestone.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="es"' in response.content.decode()


def test_language_switch_sets_english(client, milestone):
    response = client.post(reverse("set_language"), {"language": "en", "next": milestone.get_absolute_url()})
    assert response.status_code == 302
    html = get(client, milestone.get_absolute_url())
    assert 'lang="en"' in html


def test_schedule_draws_every_activity_and_meeting(client, milestone, django_assert_max_num_queries):
    with django_assert_max_num_queries(SCHEDULE_MAX_QUERIES):
        html = get(client, milestone.get_schedule_url() + "?hoy=2019-10-15")
    assert html.count('data-kind="activity"') == 13
    assert html.count('data-kind="meeting"') == 17
    assert html.count('class="bar"') == 13
    assert html.count('class="diamond"') == 17
    # 22 month columns, November 2018 to August 2020
    assert len(re.findall(r'class="month-col', html)) == 22
    assert 'class="today today-inside"' in html
    assert 'data-code="12"' in html and 'row activity flagged" data-kind="activity" data-code="12"' in html
    # the accessible table equivalent
    assert "Actividades (tabla)" in html and "Reuniones (tabla)" in html


def test_schedule_today_marker_outside_the_period(client, milestone):
    html = get(client, milestone.get_schedule_url() + "?hoy=2026-11-26")
    assert 'class="today today-after"' in html
    html = get(client, milestone.get_schedule_url() + "?hoy=2017-01-01")
    assert 'class="today today-before"' in html
    html = get(client, milestone.get_schedule_url() + "?hoy=not-a-date")
    assert 'class="today' in html


def test_plan_check_page_shows_findings_with_their_place(client, milestone, django_assert_max_num_queries):
    with django_assert_max_num_queries(MAX_QUERIES):
        html = get(client, milestone.get_check_url())
    assert "activity.out_of_sequence" in html
    assert "línea 70" in html
    assert "Sección VI" in html
    assert "Marzo 2019- Julio 2020" in html  # the quoted source line
    assert "marzo de 2020 – julio de 2020" in html  # the suggestion


def test_plan_check_in_english(client, milestone):
    html = get(client, milestone.get_check_url(), language="en")
    assert "March 2020" in html


@pytest.mark.parametrize(
    "path",
    [
        "/planes/no-existe/",
        "/planes/no-existe/compromisos/11/",
        "/planes/no-existe/compromisos/11/hitos/1/",
        "/planes/no-existe/compromisos/11/hitos/1/cronograma/",
        "/planes/no-existe/compromisos/11/hitos/1/revision/",
    ],
)
def test_unknown_objects_are_404(client, db, path):
    assert client.get(path).status_code == 404


def test_queries_do_not_grow_with_the_plan(client, db, seed_text, django_assert_max_num_queries):
    """A plan with three times the activities and meetings costs the same number of queries."""
    from cocrea.plans import services

    lines = seed_text.split("\n")
    table_end = next(i for i, line in enumerate(lines) if line.startswith("13\t"))
    extra_rows = [
        f"{n}\tActividad adicional {n} del plan ampliado.\tINAP/GPAT\tJulio 2020" for n in range(14, 40)
    ]
    list_end = next(i for i, line in enumerate(lines) if line.startswith("- M."))
    extra_items = [
        f"- {letter}. Actividad adicional {n} del plan ampliado."
        for letter, n in zip("NOPQRSTUVWXYZ", range(14, 27), strict=True)
    ]
    big = (
        lines[: list_end + 1]
        + extra_items
        + lines[list_end + 1 : table_end + 1]
        + extra_rows[:13]
        + lines[table_end + 1 :]
    )
    report = services.import_plan("\n".join(big).encode(), filename="big.txt", publish=True)
    assert report.milestone.activities.count() == 26
    for url, most in (
        (report.milestone.get_absolute_url(), WORK_PLAN_MAX_QUERIES),
        (report.milestone.get_schedule_url(), SCHEDULE_MAX_QUERIES),
    ):
        with django_assert_max_num_queries(most):
            get(client, url)
