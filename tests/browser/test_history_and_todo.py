"""The change history and the staff home in the browser: no WCAG 2.1 AA violation (axe-core) in
Spanish and English, signed out and as staff; the filters work without JavaScript; nothing
scrolls sideways on a 390 px phone."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cocrea.audit.context import acting_as
from cocrea.participation.models import Agreement
from tests.browser.test_accessibility import axe_violations, describe, switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def sign_in_as_staff(page, live_server, client):
    from django.contrib.auth import get_user_model

    from tests.conftest import make_staff

    client.force_login(make_staff(get_user_model(), email="historia@inap.gob.gt"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.fixture
def busy_milestone(seeded_milestone):
    """Changes of several kinds (a choice, a date, a boolean, an amount) and an overdue agreement."""
    meeting = seeded_milestone.meetings.order_by("position").first()
    with acting_as(None, "web"):
        meeting.status = "held"
        meeting.actual_date = datetime.date(2020, 3, 20)
        meeting.save()
        seeded_milestone.sample_execution = True
        seeded_milestone.save()
        line = seeded_milestone.budget_lines.get(number=1)
        line.expenditures.create(
            day=datetime.date(2019, 4, 30), amount=Decimal("32000"), description="Asesores"
        )
        Agreement.objects.create(
            meeting=meeting,
            text="Enviar el acta firmada",
            due_date=datetime.date.today() - datetime.timedelta(3),
        )
    return seeded_milestone


@pytest.mark.parametrize("staff", [False, True], ids=["public", "staff"])
@pytest.mark.parametrize("language", ["es", "en"])
def test_the_history_has_no_wcag_violations(
    page, live_server, client, busy_milestone, axe_script, language, staff
):
    if staff:
        sign_in_as_staff(page, live_server, client)
    page.goto(live_server.url + busy_milestone.get_history_url() + "?pagina=1")
    if language != "es":
        switch_language(page, language)
    page.locator("details.data-details summary").first.click()  # an unfolded creation too
    violations = axe_violations(page, axe_script)
    assert not violations, f"history [{language}, staff={staff}]:\n{describe(violations)}"


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_staff_home_has_no_wcag_violations(
    page, live_server, client, busy_milestone, axe_script, language
):
    sign_in_as_staff(page, live_server, client)
    page.goto(live_server.url + reverse("staff:home"))
    if language != "es":
        switch_language(page, language)
    assert "Enviar el acta firmada" in page.content()
    violations = axe_violations(page, axe_script)
    assert not violations, f"staff home [{language}]:\n{describe(violations)}"
    page.goto(live_server.url + reverse("staff:milestone", args=[busy_milestone.pk]))
    violations = axe_violations(page, axe_script)
    assert not violations, f"milestone hub [{language}]:\n{describe(violations)}"


def test_the_filters_work_without_javascript(browser, live_server, busy_milestone):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + busy_milestone.get_history_url())
    page.select_option("select#id_tipo", "expenditure")
    page.fill("input#id_desde", "2000-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrar").click()
    assert "tipo=expenditure" in page.url
    entries = page.locator("li.history-entry")
    assert entries.count() == 1
    assert "Gasto: 30 de abril de 2019 · Q 32,000.00 · Asesores" in entries.first.inner_text()
    context.close()


def test_the_history_fits_a_phone(browser, live_server, busy_milestone):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-GT")
    page = context.new_page()
    page.goto(live_server.url + busy_milestone.get_history_url())
    for summary in page.locator("details.data-details summary").all()[:5]:
        summary.click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the history scrolls sideways: {width} px"
    context.close()
