"""The error pages and the account pages of issue #12 (sections 7 and 9) in a real Chromium:
WCAG 2.1 A/AA with axe-core in Spanish and English, and no sideways scrolling on a phone."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.browser.test_accessibility import axe_violations, describe
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.portal.error_urls"),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}


def signed_in(page, live_server, client, user):
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def in_language(page, live_server, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def check(page, name, language, axe_script, artifacts):
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page, axe_script)
    assert not violations, f"{name} [{language}]:\n{describe(violations)}"
    page.screenshot(path=str(artifacts / f"error-{name}-{language}.png"), full_page=True)


@pytest.mark.parametrize("language", ["es", "en"])
def test_error_pages_are_accessible(
    page, live_server, transactional_db, client, axe_script, artifacts, language
):
    in_language(page, live_server, language)
    response = page.goto(live_server.url + "/no-existe/")
    assert response.status == 404
    check(page, "404", language, axe_script, artifacts)

    response = page.goto(live_server.url + "/falla/")
    assert response.status == 500
    check(page, "500", language, axe_script, artifacts)

    page.goto(live_server.url + "/cuenta/login/")
    page.context.clear_cookies()
    in_language(page, live_server, language)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    check(page, "csrf", language, axe_script, artifacts)

    signed_in(page, live_server, client, UserFactory(verified_email=True))
    response = page.goto(live_server.url + "/gestion/personas/")
    assert response.status == 403
    check(page, "403-staff-page", language, axe_script, artifacts)

    page.goto(live_server.url + "/cuenta/perfil/")
    check(page, "profile", language, axe_script, artifacts)


def test_the_recovery_codes_page_is_accessible_and_leads_on(
    page, live_server, transactional_db, client, axe_script, artifacts
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.conftest import make_staff

    staff = make_staff(get_user_model(), email="codigos@inap.gob.gt")
    RecoveryCodes.activate(staff)
    signed_in(page, live_server, client, staff)
    page.goto(live_server.url + "/cuenta/2fa/recovery-codes/")
    # allauth asks for the password again before it shows the codes.
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Confirmar").click()
    page.wait_for_load_state()
    assert page.url.endswith("/cuenta/2fa/recovery-codes/")
    check(page, "recovery-codes", "es", axe_script, artifacts)
    page.get_by_role("link", name="Continuar").click()
    page.wait_for_load_state()
    assert page.url.startswith(live_server.url + "/gestion/") or page.url.endswith("/cuenta/perfil/")


def test_error_pages_fit_a_phone(browser, live_server, transactional_db):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for path in ("/no-existe/", "/gestion/no-existe/", "/falla/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
    context.close()
