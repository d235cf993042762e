"""A coordinator imports a filled-in progress template through the browser: the link on the page,
the file chooser, the preview table, the confirmation; the pages pass axe-core in both languages."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]

from cocrea.plans.models import ProgressEntry
from tests.browser.test_accessibility import axe_violations, describe, switch_language
from tests.conftest import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

SHOTS = Path(os.environ.get("COCREA_SCREENSHOTS", "/tmp/sheets"))


def sign_in(page, live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_staff(django_user_model))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


@pytest.mark.parametrize("language", ["es", "en"])
def test_download_fill_in_preview_and_import(
    page, live_server, seeded_milestone, django_user_model, axe_script, tmp_path, language
):
    sign_in(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/gestion/hitos/{seeded_milestone.pk}/importar/avance/")
    if language != "es":
        switch_language(page, language)
    assert not axe_violations(page, axe_script), describe(axe_violations(page, axe_script))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"upload-{language}.png"), full_page=True)
    with page.expect_download() as downloading:
        page.locator("a[href$='/plantilla/avance.xlsx']").click()
    download = downloading.value
    assert download.suggested_filename.endswith(f"-11-{seeded_milestone.number}.xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet, lists = book.worksheets[0], book.worksheets[2]
    choices = [row[0].value for row in lists.iter_rows(min_row=2, max_col=1)]
    statuses = [row[0].value for row in lists.iter_rows(min_row=2, min_col=2, max_col=2) if row[0].value]
    rows = [
        [choices[0], date(2026, 3, 2), 100, statuses[2], None, None, "Plan aprobado en sesión"],
        [choices[1], "15/03/2026", 45.5, statuses[1], None, None, "Taller con 25 personas"],
        [choices[2], date(2026, 3, 20), 10, None, None, None, "Primera reunión"],
    ]
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column).value = value
    filled = tmp_path / "avance.xlsx"
    out = io.BytesIO()
    book.save(out)
    filled.write_bytes(out.getvalue())

    page.set_input_files("#sheet-file", str(filled))
    with page.expect_navigation():
        page.locator("form.staff-form button[type=submit]").click()
    table = page.locator("table.sheet-preview")
    assert table.locator("tbody tr").count() == 3
    assert "Taller con 25 personas" in table.inner_text() and "15/03/2026" in table.inner_text()
    page.screenshot(path=str(SHOTS / f"preview-{language}.png"), full_page=True)
    assert not axe_violations(page, axe_script), describe(axe_violations(page, axe_script))
    assert not ProgressEntry.objects.exists()

    with page.expect_navigation():
        page.locator("form[action*='/confirmar/'] button[type=submit]").click()
    assert sorted(ProgressEntry.objects.values_list("note", flat=True)) == [
        "Plan aprobado en sesión",
        "Primera reunión",
        "Taller con 25 personas",
    ]


def test_the_preview_shows_a_warning_beside_its_row(
    page, live_server, seeded_milestone, django_user_model, tmp_path
):
    sign_in(page, live_server, django_user_model)
    page.goto(f"{live_server.url}/gestion/hitos/{seeded_milestone.pk}/importar/gastos/")
    sheet = tmp_path / "gastos.csv"
    sheet.write_text(
        "Línea de presupuesto;Fecha;Monto;Descripción;Referencia;Responsable\n"
        "01;02/03/2026;Q 3,200.50;Refacción del taller;FACT-1;INAP\n"
        "02;15/03/2026;32000;Honorarios de marzo;FACT-1;INAP\n"
        "03;20/03/2026;150;;;\n",
        encoding="utf-8",
    )
    page.set_input_files("#sheet-file", str(sheet))
    with page.expect_navigation():
        page.locator("form.staff-form button[type=submit]").click()
    flagged = page.locator("table.sheet-preview tr.flagged")
    assert flagged.count() == 1
    assert "La referencia «FACT-1» ya se usó en la fila 2." in flagged.inner_text()
    assert "Honorarios de marzo" in flagged.inner_text()
    assert "«Responsable»" in page.locator("ul.alerts").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "preview-gastos-warnings.png"), full_page=True)
