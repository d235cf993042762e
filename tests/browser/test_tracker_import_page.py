"""Staff import an action plan's tracking sheet in the browser (#15): the link on the staff home, the
upload form, the preview (the sheet's tables, the findings, what would change), the confirmation
and the result with links to the commitments; every page passes axe-core in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocrea.plans.models import Milestone
from tests.browser.test_accessibility import axe_violations, describe, switch_language
from tests.browser.test_history_and_todo import sign_in_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

SHEET = (
    Path(__file__).resolve().parent.parent
    / "computations"
    / "data"
    / "trackers"
    / "seguimiento_es_cp1252.csv"
)
SHOTS = Path("/tmp/tracker-import")


def check(page, axe_script, what: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{what}.png"), full_page=True)
    violations = axe_violations(page, axe_script)
    assert not violations, f"{what}:\n{describe(violations)}"


@pytest.mark.parametrize("language", ["es", "en"])
def test_upload_preview_confirm_and_result(
    page, live_server, client, seeded_milestone, axe_script, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    sign_in_as_staff(page, live_server, client)
    page.goto(f"{live_server.url}/gestion/")
    if language != "es":
        switch_language(page, language)
    with page.expect_navigation():
        page.locator("a[href='/gestion/importar-seguimiento/']").first.click()
    check(page, axe_script, f"upload-{language}")

    page.set_input_files("#id_file", str(SHEET))
    page.fill("#id_day", "2020-09-30")
    with page.expect_navigation():
        page.locator("form.staff-form button[type=submit]").click()
    tables = page.locator("table.tracker-preview")
    assert tables.count() == 2
    assert "Presentar la estrategia a las autoridades" in tables.first.inner_text()
    assert page.locator("ol.tracker-warnings li").count() >= 1
    assert page.locator("ul.tracker-changes li").count() >= 3
    assert not Milestone.objects.filter(title="Presentar la estrategia a las autoridades").exists()
    check(page, axe_script, f"preview-{language}")

    with page.expect_navigation():
        page.locator("form.tracker-confirm button[type=submit]").click()
    links = page.locator("ul.tracker-commitments a")
    assert links.count() == 2
    two = Milestone.objects.get(title="Presentar la estrategia a las autoridades")
    assert two.progress_entries.get().percent_complete == 50
    check(page, axe_script, f"result-{language}")
    with page.expect_navigation():
        links.first.click()
    assert "/compromisos/" in page.url


def test_a_file_that_is_not_a_sheet_says_why_beside_the_field(
    page, live_server, client, seeded_milestone, axe_script, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    sign_in_as_staff(page, live_server, client)
    page.goto(f"{live_server.url}/gestion/importar-seguimiento/")
    page.set_input_files(
        "#id_file", files=[{"name": "notas.csv", "mimeType": "text/csv", "buffer": b"Hola.\nNada.\n"}]
    )
    with page.expect_navigation():
        page.locator("form.staff-form button[type=submit]").click()
    error = page.locator("#id_file_error")
    assert "encabezados" in error.inner_text()
    assert page.locator("[role=alert] a[href='#id_file']").count() == 1
    assert "id_file_error" in (page.locator("#id_file").get_attribute("aria-describedby") or "")
    check(page, axe_script, "bad-file")
