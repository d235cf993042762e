"""Re-importing a plan in the browser (#12, section 1): the preview lists what the document dropped,
"Importar y retirar…" asks on its own page (no WCAG 2.1 AA violation in either language, works
without JavaScript), and the archived meeting keeps its page with a notice."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocrea.participation.models import Meeting
from cocrea.participation.services import register_for_meeting
from tests.browser.test_accessibility import axe_violations, describe, switch_language
from tests.browser.test_history_and_todo import sign_in_as_staff
from tests.factories import PersonFactory
from tests.plans.test_reimport import without_meeting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SHOTS = Path("/tmp/reimport")


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_removals_are_previewed_confirmed_and_archived(
    page, live_server, client, seeded_milestone, seed_text, axe_script, settings, tmp_path, language
):
    settings.MEDIA_ROOT = tmp_path
    fifteen = Meeting.objects.get(milestone=seeded_milestone, kind="working", number=15)
    register_for_meeting(fifteen, PersonFactory(name="Lucía Pérez", email="lucia@example.org"))
    revised = without_meeting(without_meeting(seed_text, "Reunión de Trabajo 15"), "Reunión de Final")
    sign_in_as_staff(page, live_server, client)

    page.goto(f"{live_server.url}/gestion/importar-plan/")
    if language != "es":
        switch_language(page, language)
    page.set_input_files(
        "#plan-file", files=[{"name": "plan.txt", "mimeType": "text/plain", "buffer": revised.encode()}]
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()
    removals = page.locator("ul.removals li")
    removals.first.wait_for()
    assert removals.count() == 2
    assert "Reunión de Trabajo 15" in removals.first.inner_text()
    shoot(page, f"preview-{language}")
    violations = axe_violations(page, axe_script)
    assert not violations, f"preview [{language}]:\n{describe(violations)}"

    page.locator("button[formaction*='retirar']").click()
    page.locator("ul.consequences").wait_for()
    assert page.locator("ul.consequences li").count() == 3
    shoot(page, f"confirm-{language}")
    violations = axe_violations(page, axe_script)
    assert not violations, f"confirmation [{language}]:\n{describe(violations)}"

    page.locator("form.confirm-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/revision/" in page.url
    fifteen.refresh_from_db()
    assert fifteen.archived_at is not None
    assert not Meeting.objects.filter(milestone=seeded_milestone, kind="final").exists()

    page.goto(f"{live_server.url}/reuniones/{fifteen.pk}/")
    assert page.locator(".message-warning").count() == 1
    shoot(page, f"archived-{language}")
    violations = axe_violations(page, axe_script)
    assert not violations, f"archived meeting [{language}]:\n{describe(violations)}"
