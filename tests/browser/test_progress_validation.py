"""The validation workflow in a real browser (issue #15): the point of contact gives INAP's liaison
their role, the liaison reports progress, the point of contact returns it with a reason, the
liaison corrects it, the point of contact validates it, and only then does the public see it.
WCAG 2.1 AA (axe-core) on each screen, in Spanish and English; screenshots in test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.test_accessibility import axe_violations, describe, switch_language

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def _as(page, client, live_server, user) -> None:
    page.context.clear_cookies()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def _accessible(page, axe_script, name: str) -> None:
    violations = axe_violations(page, axe_script)
    assert not violations, f"{name}:\n{describe(violations)}"


def test_a_liaisons_report_is_returned_corrected_and_validated(
    page, live_server, seeded_milestone, axe_script, client, artifacts, settings, empty_page_caches
):
    from cocrea.accounts.models import Role
    from cocrea.plans.models import Organization, ProgressEntry, Review
    from tests.factories import UserFactory

    # As deployed: the public reads whole pages from the page cache, and a citizen signed in the
    # pages' kept blocks (README "Cache"); every step below must show through them.
    settings.PAGE_CACHE = settings.CONTENT_CACHE = True
    commitment = seeded_milestone.commitment
    citizen = UserFactory(username="lucia", email="lucia@example.org")
    contact = UserFactory(
        username="contacto",
        email="contacto@gpat.gob.gt",
        role=Role.POINT_OF_CONTACT,
        action_plan=commitment.action_plan,
    )
    UserFactory(username="enlace", email="enlace@inap.gob.gt", two_step=True)
    activity = seeded_milestone.activities.get(number=1)

    # The point of contact gives the liaison their role.
    _as(page, client, live_server, contact)
    page.goto(f"{live_server.url}/gestion/planes/{commitment.action_plan.pk}/roles/")
    _accessible(page, axe_script, "plan roles [es]")
    page.get_by_label("Correo de la persona").fill("enlace@inap.gob.gt")
    page.locator("#id_role").select_option("liaison")
    page.locator("#id_commitment").select_option(str(commitment.pk))
    page.locator("#id_organization").select_option(str(Organization.objects.get(acronym="INAP").pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Asignar el rol").click()
    assert "tiene ahora el rol «Enlace institucional» en el compromiso 11" in page.content()
    page.screenshot(path=str(artifacts / "plan-roles-es.png"), full_page=True)

    # The liaison reports.
    from django.contrib.auth import get_user_model

    liaison = get_user_model().objects.get(email="enlace@inap.gob.gt")
    _as(page, client, live_server, liaison)
    page.goto(f"{live_server.url}/gestion/actividades/{activity.pk}/avance/")
    page.get_by_label("Fecha del reporte").fill("2019-05-31")
    page.get_by_label("% de avance").fill("100")
    page.get_by_label("Nota").fill("Plan de trabajo aprobado")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrar el avance").click()
    assert "Se publica cuando el punto de contacto del plan lo valide" in page.content()
    entry = ProgressEntry.objects.get(activity=activity)
    assert entry.review == Review.PENDING
    page.reload()
    _accessible(page, axe_script, "progress with a report waiting [es]")

    # The public does not see it, nor does a citizen signed in.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{seeded_milestone.get_schedule_url()}")
    done_before = page.locator("main").inner_text().count("100 %")
    _as(page, client, live_server, citizen)
    page.goto(f"{live_server.url}{seeded_milestone.get_schedule_url()}")
    assert page.locator("main").inner_text().count("100 %") == done_before

    # The point of contact returns it with a reason.
    _as(page, client, live_server, contact)
    page.goto(f"{live_server.url}/gestion/")
    page.get_by_role("link", name="1 avance por validar").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Avances por validar"
    _accessible(page, axe_script, "validation queue [es]")
    page.screenshot(path=str(artifacts / "progress-review-es.png"), full_page=True)
    page.get_by_role("link", name="Devolver con un motivo el reporte del 31/05/2019").click()
    _accessible(page, axe_script, "return [es]")
    page.get_by_label("Motivo de la devolución").fill("Adjunte el acta de aprobación.")
    with page.expect_navigation():
        page.get_by_role("button", name="Devolver el reporte").click()
    assert "Reporte devuelto" in page.content()
    entry.refresh_from_db()
    assert entry.review == Review.RETURNED

    # The liaison reads why, and corrects it.
    _as(page, client, live_server, liaison)
    page.goto(f"{live_server.url}/gestion/")
    assert "Adjunte el acta de aprobación." in page.content()
    page.get_by_role("link", name="Reporte del 31/05/2019").first.click()
    assert "Devuelto por contacto@gpat.gob.gt" in page.content()
    page.get_by_role("link", name="Corregir este reporte").click()
    page.get_by_label("Motivo de la corrección").fill("Acta adjunta en la carpeta del compromiso.")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la corrección").click()
    entry.refresh_from_db()
    assert entry.review == Review.PENDING

    # The point of contact validates it; the public sees it.
    _as(page, client, live_server, contact)
    page.goto(f"{live_server.url}/gestion/avances/por-validar/")
    with page.expect_navigation():
        page.get_by_role("button", name="Validar el reporte del 31/05/2019").click()
    assert "Reporte validado" in page.content()
    entry.refresh_from_db()
    assert (entry.review, entry.reviewed_by_id) == (Review.VALIDATED, contact.pk)
    switch_language(page, "en")
    page.goto(f"{live_server.url}/gestion/avances/por-validar/")
    assert page.get_by_role("heading", level=1).inner_text() == "Progress to validate"
    _accessible(page, axe_script, "validation queue [en]")
    page.goto(f"{live_server.url}/gestion/planes/{commitment.action_plan.pk}/roles/")
    _accessible(page, axe_script, "plan roles [en]")
    page.screenshot(path=str(artifacts / "plan-roles-en.png"), full_page=True)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}{seeded_milestone.get_schedule_url()}")
    assert page.locator("main").inner_text().count("100 %") > done_before
    _as(page, client, live_server, citizen)
    page.goto(f"{live_server.url}{seeded_milestone.get_schedule_url()}")
    assert page.locator("main").inner_text().count("100 %") > done_before
    assert (
        "Cerrar sesión" in page.locator("header").inner_text()
        or "Sign out" in page.locator("header").inner_text()
    )
