"""The public plan tracker in a real Chromium (#15): WCAG 2.1 A/AA with axe-core before and after
filtering through its form (no JavaScript needed), and no sideways scrolling on a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.test_accessibility import axe_violations, describe
from tests.plans.test_plan_tracker import _plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}


def test_the_tracker_is_accessible_and_filters(page, live_server, transactional_db, axe_script, artifacts):
    plan = _plan(3, "plan-navegador")
    page.goto(live_server.url + reverse("portal:tracker", kwargs={"plan": plan.slug}))
    assert page.locator("h1").inner_text() == "Seguimiento del plan de acción"
    assert page.locator("table.tracker-table").count() == 2
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    page.screenshot(path=str(artifacts / "tracker-es.png"), full_page=True)

    page.get_by_label("Nivel de cumplimiento del hito").select_option("complete")
    page.get_by_role("button", name="Aplicar").click()
    page.wait_for_url("**estado=complete**")
    rows = page.locator("table.tracker-table tbody tr")
    assert rows.count() == 2  # one complete milestone in each commitment
    assert "Completo" in rows.first.inner_text()
    assert page.get_by_role("link", name="CSV").get_attribute("href").endswith("estado=complete")
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)

    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the tracker scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(artifacts / "tracker-es-390.png"), full_page=True)
