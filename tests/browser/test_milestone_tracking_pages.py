"""A milestone tracked directly and an indicator measured by hand (issue #15), in a real browser as
staff and the public would use them: the staff screens record, the public pages show; WCAG 2.1 AA
(axe-core) on every page, in Spanish and English. Screenshots in test-artifacts/."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.test_accessibility import switch_language
from tests.browser.test_corrections import _accessible, _sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


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


def test_an_administrator_writes_a_commitment_and_its_irm_assessment_by_hand(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    from cocrea.plans.models import Commitment, IrmAssessment

    _sign_in(page, client, live_server, "poc@gobiernoabierto.gob.gt")
    plan = seeded_milestone.commitment.action_plan
    page.goto(f"{live_server.url}/gestion/")
    page.get_by_role("link", name="Planes, compromisos e hitos").click()
    _accessible(page, axe_script, "plans [es]")
    page.get_by_role("link", name=plan.name).click()
    page.get_by_role("link", name="Nuevo compromiso").click()
    _accessible(page, axe_script, "new commitment [es]")
    page.get_by_label("Número").fill("12")
    page.get_by_label("Identificador OGP").fill("GT0096")
    page.get_by_label("Nombre").fill("Datos abiertos de la gestión pública")
    page.get_by_label("Participación cívica").check()
    page.get_by_label("Áreas de política").fill("Datos abiertos, Innovación")
    page.screenshot(path=str(artifacts / "structure-commitment-es.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar el compromiso").click()
    assert "Compromiso creado" in page.content()
    created = Commitment.objects.get(ogp_id="GT0096")
    assert created.ogp_values == ["civic_participation"]
    page.get_by_role("link", name="Evaluación del IRM").click()
    _accessible(page, axe_script, "irm [es]")
    page.get_by_label("Cumplimiento").select_option("limited")
    page.get_by_label("Compromiso estelar").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la evaluación").click()
    assessment = IrmAssessment.objects.get(commitment=created)
    assert assessment.completion == "limited" and assessment.starred
    switch_language(page, "en")
    _accessible(page, axe_script, "commitment [en]")
