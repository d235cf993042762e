"""A visitor downloads the dashboard's progress report: the click opens the page that follows the
build (the database queue, its worker run by the test), which starts the download when the file is
ready and still offers its link; without JavaScript the page reloads itself into the download."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from cocrea.core.models import Job
from tests.browser.test_accessibility import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:No directory at:UserWarning")]

DAY = "2019-12-15"


@pytest.fixture
def queue(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.MEDIA_ROOT = tmp_path


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())


def test_the_dashboards_pdf_link_waits_for_the_worker_and_downloads(
    page, live_server, seeded_milestone, queue, axe_script
):
    page.goto(f"{live_server.url}{seeded_milestone.get_dashboard_url()}?fecha={DAY}")
    page.get_by_role("link", name="PDF", exact=True).click()
    page.get_by_role("heading", name="Informe mensual de avance").wait_for()
    status = page.locator("#report-status")
    assert "Se está preparando el PDF" in status.inner_text()
    assert not axe_violations(page, axe_script), describe(axe_violations(page, axe_script))
    assert Job.objects.get().state == Job.State.QUEUED
    with page.expect_download() as downloading:
        run_worker()  # the page's next poll finds the file and starts the download
    download = downloading.value
    assert download.suggested_filename == f"informe-avance-c11-h1-{DAY}.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    link = status.get_by_role("link", name="Descargar el PDF")
    assert "está listo" in status.inner_text() and link.get_attribute("href").endswith(f"?fecha={DAY}")
    assert Job.objects.get().state == Job.State.SUCCEEDED


def test_without_javascript_the_page_reloads_itself_into_the_download(
    browser, live_server, seeded_milestone, queue
):
    context = browser.new_context(java_script_enabled=False, locale="es-GT", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        address = f"{live_server.url}{seeded_milestone.get_dashboard_url()}informe.xlsx?fecha={DAY}"
        response = page.goto(address)
        assert response.status == 503 and int(response.headers["retry-after"]) > 0
        assert page.get_by_role("link", name="Volver a intentarlo ahora").is_visible()
        with page.expect_download() as downloading:
            run_worker()  # the refresh (every 2 s) then gets the file
        assert downloading.value.suggested_filename == f"informe-avance-c11-h1-{DAY}.xlsx"
    finally:
        context.close()
