"""A coordinator creates a meeting and records its attendance from a sign-in sheet in a real
browser (#12, section 3): the form with its period question, the sheet's preview, the correction
of an attendee; axe-core on every page, nothing scrolls sideways on a 390 px phone."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from cocrea.accounts.models import Role
from cocrea.participation.models import Attendance, Meeting
from tests.browser.test_accessibility import axe_violations, describe, switch_language
from tests.factories import UserFactory
from tests.participation.test_attendance_import import INITIAL

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

SHOTS = Path(os.environ.get("COCREA_SCREENSHOTS", "/tmp/meetings"))
PHONE = {"width": 390, "height": 844}


def sign_in_as_coordinator(page, live_server, milestone) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="coordina", role=Role.COORDINATOR, commitment=milestone.commitment)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def check(page, axe_script, name: str, *, reload: bool = False) -> None:  # type: ignore[no-untyped-def]
    """axe-core finds nothing; the page is kept at desktop size and on a phone, where it does not
    scroll sideways. ``reload``: after a redirect, without the one-time message, whose list the
    layout marks up with ``role="status"`` (an axe finding of base.html, reported, not ours)."""
    if reload:
        page.reload()
    violations = axe_violations(page, axe_script)
    assert not violations, f"{name}:\n{describe(violations)}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(desktop)
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px on a phone"


def test_a_coordinator_creates_a_meeting_and_uploads_its_sign_in_sheet(
    page, live_server, seeded_milestone, axe_script, tmp_path
):
    milestone = seeded_milestone
    sign_in_as_coordinator(page, live_server, milestone)
    page.goto(f"{live_server.url}/gestion/hitos/{milestone.pk}/")
    page.get_by_role("link", name="Crear una reunión").click()
    page.wait_for_load_state("load")
    check(page, axe_script, "new-meeting")

    page.get_by_label("Título").fill("Taller de validación")
    page.get_by_label("Tipo de reunión").select_option("other")
    page.get_by_label("Fecha").fill("2026-03-10")  # after the milestone ended
    page.get_by_label("Hora de inicio").fill("09:30")
    page.get_by_label("Hora de fin").fill("12:00")
    page.get_by_label("Lugar").fill("INAP, salón 3")
    with page.expect_navigation():
        page.get_by_role("button", name="Crear la reunión").click()
    question = page.get_by_label(
        "Sí, la fecha está fuera del período del hito (abril de 2019 – agosto de 2020)"
    )
    assert question.is_visible() and not question.is_checked()
    assert page.get_by_label("Título").input_value() == "Taller de validación"  # nothing retyped
    check(page, axe_script, "new-meeting-period")
    assert not Meeting.objects.filter(title="Taller de validación").exists()
    question.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Crear la reunión").click()
    meeting = Meeting.objects.get(title="Taller de validación")
    assert "10 de marzo de 2026, de 09:30 a 12:00" in page.content()
    check(page, axe_script, "edit-meeting", reload=True)

    page.goto(f"{live_server.url}/gestion/reuniones/{meeting.pk}/fecha/")
    check(page, axe_script, "reschedule-meeting")
    page.goto(f"{live_server.url}/gestion/reuniones/{meeting.pk}/cancelar/")
    check(page, axe_script, "cancel-meeting")

    initial = Meeting.objects.get(milestone=milestone, kind="initial")
    page.goto(f"{live_server.url}/gestion/reuniones/{initial.pk}/asistencia/")
    page.get_by_role("link", name="Subir una hoja de firmas (CSV o XLSX)").click()
    page.wait_for_load_state("load")
    check(page, axe_script, "attendance-sheet")
    sheet = tmp_path / "reunion-inicial.csv"
    sheet.write_text(INITIAL, encoding="utf-8")
    page.set_input_files("#sheet-file", str(sheet))
    with page.expect_navigation():
        page.get_by_role("button", name="Validar").click()
    table = page.locator("table.sheet-preview")
    assert table.locator("tbody tr").count() == 4
    assert "Persona nueva" in table.inner_text() and "Guatecívica" in table.inner_text()
    check(page, axe_script, "attendance-sheet-preview")
    assert not Attendance.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Anotar 4 asistencias").click()
    assert Attendance.objects.filter(meeting=initial).count() == 4
    check(page, axe_script, "attendance", reload=True)

    page.get_by_role("link", name=re.compile(r"^Corregir\W+Luis Gómez$")).click()
    page.wait_for_load_state("load")
    check(page, axe_script, "correct-attendance")
    page.get_by_label("Nombre").fill("Luis Alberto Gómez")
    with page.expect_navigation():
        page.get_by_role("button", name="Guardar la corrección").click()
    assert "Se corrigió el nombre: Luis Alberto Gómez." in page.content()

    page.get_by_role("link", name=re.compile(r"^Quitar\W+Pedro Xol$")).click()
    page.wait_for_load_state("load")
    check(page, axe_script, "remove-attendance")
    with page.expect_navigation():
        page.get_by_role("button", name="Quitar de los asistentes").click()
    assert Attendance.objects.filter(meeting=initial).count() == 3

    switch_language(page, "en")
    for path in (
        f"/gestion/hitos/{milestone.pk}/reuniones/nueva/",
        f"/gestion/reuniones/{meeting.pk}/",
        f"/gestion/hitos/{milestone.pk}/hoja-de-firmas/",
    ):
        page.goto(live_server.url + path)
        violations = axe_violations(page, axe_script)
        assert not violations, f"{path} [en]:\n{describe(violations)}"
