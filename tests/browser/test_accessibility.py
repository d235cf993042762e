"""WCAG 2.1 A/AA with axe-core on the public pages, in Spanish and in English; keyboard basics."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise warns once that STATIC_ROOT (data/static) has not been collected; the live server
    # serves the app static files itself.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = {
    "home": lambda m: "/",
    "action_plan": lambda m: m.commitment.action_plan.get_absolute_url(),
    "commitment": lambda m: m.commitment.get_absolute_url(),
    "milestone": lambda m: m.get_absolute_url(),
    "schedule": lambda m: m.get_schedule_url(),
    "plan_check": lambda m: m.get_check_url(),
    "history": lambda m: m.get_history_url(),
    "dashboard": lambda m: m.get_dashboard_url(),
    "participation": lambda m: m.commitment.get_participation_url(),
    "meeting": lambda m: f"/reuniones/{m.meetings.first().pk}/",
    "documents": lambda m: f"{m.get_absolute_url()}documentos/",
    "document": lambda m: m.documents.get().get_absolute_url(),
    "version": lambda m: m.documents.get().versions.get(number=1).get_absolute_url(),
    "paragraph": lambda m: m.documents.get().versions.get(number=2).paragraphs.first().get_absolute_url(),
    "compare": lambda m: m.documents.get().get_compare_url() + "?de=1&a=2",
    "response_report": lambda m: m.documents.get().versions.get(number=1).get_report_url(),
    "catalogue": lambda m: "/catalogo/",
    "login": lambda m: "/cuenta/login/",
    "signup": lambda m: "/cuenta/signup/",
    "password_reset": lambda m: "/cuenta/password/reset/",
}


COCREATION_PAGES = {
    "documents",
    "document",
    "version",
    "paragraph",
    "compare",
    "response_report",
    "catalogue",
}


def switch_language(page, code: str) -> None:
    """Use the language form in the page header, as a visitor would."""
    page.select_option("select#language-select", code)
    with page.expect_navigation():
        page.locator("form.language-form button[type=submit]").click()
    assert page.locator("html").get_attribute("lang") == code


def axe_violations(page, axe_script) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return results["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def test_axe_reports_a_known_violation(page, axe_script):
    """Guards the checks below: a page with an unlabelled control and image must fail."""
    page.set_content('<html lang="es"><title>x</title><main><img src="x.png"><input></main></html>')
    found = {violation["id"] for violation in axe_violations(page, axe_script)}
    assert {"image-alt", "label"} <= found


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_wcag_violations(page, live_server, seeded_milestone, axe_script, name, language):
    if name in COCREATION_PAGES:
        from cocrea.drafts.sample import load_sample_cocreation

        load_sample_cocreation(seeded_milestone)
    page.goto(live_server.url + PAGES[name](seeded_milestone))
    assert page.locator("html").get_attribute("lang") == "es"
    if language != "es":
        switch_language(page, language)
    assert page.url == live_server.url + PAGES[name](seeded_milestone)

    violations = axe_violations(page, axe_script)
    assert not violations, f"{name} [{language}]:\n{describe(violations)}"


def test_skip_link_is_first_tab_stop_and_moves_focus_to_main(page, live_server, seeded_milestone):
    page.goto(live_server.url + seeded_milestone.get_schedule_url())

    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => ({cls: document.activeElement.className, href: document.activeElement.getAttribute('href')})"
    )
    assert focused == {"cls": "skip-link", "href": "#main"}
    skip = page.locator("a.skip-link")
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["y"] >= 0, "the focused skip link is on screen"

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")


def test_contribution_form_is_accessible_and_works(page, live_server, seeded_milestone, axe_script, client):
    """A signed-in participant comments on a paragraph of the open draft with the keyboard."""
    from django.contrib.auth import get_user_model

    from cocrea.drafts.models import Contribution
    from cocrea.drafts.sample import load_sample_cocreation

    sample = load_sample_cocreation(seeded_milestone)
    user = get_user_model().objects.create_user("participa", "participa@example.org", "x")
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    paragraph = sample.versions[2].paragraphs.get(position=1)
    page.goto(live_server.url + paragraph.get_absolute_url())
    violations = axe_violations(page, axe_script)
    assert not violations, describe(violations)
    page.get_by_label("Su comentario").first.fill("Propongo mencionar a los gobiernos locales.")
    page.get_by_role("button", name="Enviar aporte").click()
    page.wait_for_load_state("load")
    assert "Su aporte se publicó" in page.content()
    assert Contribution.objects.filter(person__user=user, paragraph=paragraph).count() == 1


# --- the pages that ask before an irreversible step (#12, item 4), signed in as staff --------------


def _confirmation_pages(milestone) -> dict[str, str]:
    """The four confirmation pages and the version page that leads to two of them."""
    from django.urls import reverse

    from cocrea.catalogue.models import Application
    from cocrea.drafts.sample import load_sample_cocreation
    from cocrea.participation.services import register_person

    sample = load_sample_cocreation(milestone)
    closed, opened = sample.versions[1], sample.versions[2]
    application = Application.objects.filter(paragraph__version=opened).first()
    keep = register_person(name="Juan Carlos Gómez", email="juan@example.org")
    duplicate = register_person(name="Juan Gómez", phone="+502 5555 0101")
    return {
        "version": reverse("drafts_staff:version", args=[closed.pk]),
        "approve": reverse("drafts_staff:approve", args=[closed.pk]),
        "close": reverse("drafts_staff:close", args=[opened.pk]),
        "remove_application": reverse("catalogue_staff:remove_application", args=[application.pk]),
        "merge": f"{reverse('staff:duplicates')}?keep={keep.pk}&duplicate={duplicate.pk}",
    }


def test_confirmation_pages_have_no_wcag_violations(
    page, live_server, seeded_milestone, axe_script, client, artifacts
):
    """Staff (with two-step verification) on each confirmation page, in Spanish and English; the
    danger button is reachable with the keyboard and the pages are kept as screenshots."""
    from django.contrib.auth import get_user_model

    from tests.conftest import make_staff

    pages = _confirmation_pages(seeded_milestone)
    client.force_login(make_staff(get_user_model(), email="confirma@inap.gob.gt"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "es"
        violations = axe_violations(page, axe_script)
        assert not violations, f"{name} [es]:\n{describe(violations)}"
        if name != "version":
            assert page.get_by_role("heading", level=2, name="Qué va a pasar").is_visible()
            assert page.locator("button.button-danger").count() == 1
            assert page.get_by_role("link", name="Cancelar").is_visible()
        page.screenshot(path=str(artifacts / f"confirm-{name}-es.png"), full_page=True)
    switch_language(page, "en")
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == "en"
        violations = axe_violations(page, axe_script)
        assert not violations, f"{name} [en]:\n{describe(violations)}"
