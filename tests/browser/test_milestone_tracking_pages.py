"""A milestone tracked directly and an indicator measured by hand (issue #15), in a real browser as
staff and the public would use them: the staff screens record, the public pages show; WCAG 2.1 AA
(axe-core) on every page, in Spanish and English. Screenshots in test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.test_accessibility import axe_violations, describe, switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _sign_in(page, client, live_server, email: str) -> None:
    from django.contrib.auth import get_user_model

    from tests.conftest import make_staff

    client.force_login(make_staff(get_user_model(), email=email))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _accessible(page, axe_script, name: str) -> None:
    violations = axe_violations(page, axe_script)
    assert not violations, f"{name}:\n{describe(violations)}"


def test_staff_report_a_tracked_milestone_and_the_public_sees_it(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    from cocrea.plans.models import Milestone

    tracked = Milestone.objects.create(
        commitment=seeded_milestone.commitment,
        number="6",
        title="Competencias de innovación en los perfiles de puestos",
        deliverable="Guía de perfiles actualizada",
        is_published=True,
    )
    _sign_in(page, client, live_server, "onsec@onsec.gob.gt")
    page.goto(f"{live_server.url}/gestion/hitos/{tracked.pk}/")
    page.get_by_role("link", name="Registrar el avance del hito").click()
    assert "Avance del hito 6" in page.get_by_role("heading", level=1).inner_text()
    _accessible(page, axe_script, "milestone progress [es]")
    page.get_by_label("Fecha del reporte").fill("2020-06-30")
    page.get_by_label("% de avance").fill("60")
    page.get_by_label("Nota").fill("Perfiles de 12 puestos revisados.")
    page.get_by_label("Medio de verificación: título").fill("Informe de avance")
    page.get_by_label("Medio de verificación: enlace").fill("https://example.org/informe-onsec.pdf")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar el avance").click()
    assert "Avance registrado" in page.content()
    page.screenshot(path=str(artifacts / "milestone-progress-es.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{tracked.get_absolute_url()}")
    assert page.locator("progress").get_attribute("value") == "60"
    assert "Perfiles de 12 puestos revisados." in page.content()
    assert page.get_by_role("link", name="Informe de avance").get_attribute("href") == (
        "https://example.org/informe-onsec.pdf"
    )
    _accessible(page, axe_script, "tracked milestone [es]")
    page.screenshot(path=str(artifacts / "milestone-tracked-es.png"), full_page=True)
    switch_language(page, "en")
    assert "Progress" in page.content()
    _accessible(page, axe_script, "tracked milestone [en]")
    page.goto(f"{live_server.url}{seeded_milestone.commitment.get_absolute_url()}")
    assert "60 %" in page.content()
    _accessible(page, axe_script, "commitment [en]")


def test_staff_measure_an_indicator_by_hand_and_the_work_plan_shows_it(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    from cocrea.plans.models import Indicator

    adopted = Indicator.objects.create(
        milestone=seeded_milestone,
        key="F",
        definition="Número de entidades que adoptan la estrategia",
        method=Indicator.Method.MANUAL,
        unit="entidades",
        target=Decimal(10),
        position=9,
    )
    _sign_in(page, client, live_server, "indicadores@inap.gob.gt")
    page.goto(f"{live_server.url}/gestion/hitos/{seeded_milestone.pk}/")
    page.get_by_role("link", name="F. Número de entidades que adoptan la estrategia").click()
    _accessible(page, axe_script, "measurements [es]")
    page.get_by_label("Fecha de la medición").fill("2020-06-30")
    page.get_by_label("Valor").fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar la medición").click()
    assert "Medición registrada" in page.content()
    page.screenshot(path=str(artifacts / "indicator-measurements-es.png"), full_page=True)
    assert adopted.measurements.get().value == 3
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{seeded_milestone.get_dashboard_url()}?fecha=2020-07-31")
    row = page.locator("tr[data-indicator='F']")
    assert "3 entidades" in row.inner_text()
