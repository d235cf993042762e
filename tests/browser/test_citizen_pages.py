"""A citizen's pages in a real Chromium (#12, section 6): signing up with a public name, the
profile, "Mis aportes", the home page's consultations and meetings, and the staff screen of
organisation requests. WCAG 2.1 A/AA with axe-core in Spanish and English, and no sideways
scrolling on a 390 px phone."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.browser.test_accessibility import axe_violations, describe
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}


def use_session(page, live_server, client, user) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def in_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def check(page, name: str, language: str, axe_script, artifacts) -> None:
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page, axe_script)
    assert not violations, f"{name} [{language}]:\n{describe(violations)}"
    page.screenshot(path=str(artifacts / f"citizen-{name}-{language}.png"), full_page=True)
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} [{language}] scrolls sideways on a phone: {width}px"
    page.screenshot(path=str(artifacts / f"citizen-{name}-{language}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def upcoming(milestone) -> None:
    """Two meetings of the milestone in the coming weeks, one with a place, one online."""
    from django.utils import timezone

    today = timezone.localdate()
    for days, meeting in zip((7, 21), milestone.meetings.filter(status="scheduled")[:2], strict=True):
        day = today + timedelta(days=days)
        meeting.actual_date = day
        meeting.starts_at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))
        meeting.place = "Salón 3, INAP" if days == 7 else ""
        meeting.online_link = "" if days == 7 else "https://meet.example.org/cocrea"
        meeting.save()


def test_a_citizen_signs_up_with_a_public_name_and_sees_it_on_their_contribution(
    page, live_server, seeded_milestone, artifacts
):
    from allauth.account.models import EmailAddress

    from cocrea.drafts.sample import load_sample_cocreation
    from cocrea.participation.models import AffiliationRequest, Person

    load_sample_cocreation(seeded_milestone)
    page.goto(live_server.url + "/cuenta/signup/")
    page.get_by_label("Correo electrónico").fill("rosa@example.org")
    page.get_by_label("Contraseña:", exact=True).fill(PASSWORD)
    page.get_by_label("Contraseña (de nuevo)").fill(PASSWORD)
    page.get_by_role("textbox", name="Nombre público").fill("Rosa M.")
    page.get_by_label("Acepto: quiero que mis aportes muestren mi nombre público").check()
    page.get_by_label("Organización en cuyo nombre habla (opcional)").fill(
        "Instituto Nacional de Administración Pública (INAP)"
    )
    page.screenshot(path=str(artifacts / "citizen-signup-filled.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Crear mi cuenta").click()
    person = Person.objects.get(email="rosa@example.org")
    assert person.public_name == "Rosa M."
    assert AffiliationRequest.objects.get(person=person).status == "pending"

    EmailAddress.objects.filter(email="rosa@example.org").update(verified=True)
    page.goto(live_server.url + "/cuenta/login/")
    page.fill("input[name=login]", "rosa@example.org")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    assert "«Rosa M.»" in page.locator("main").inner_text()

    version = seeded_milestone.documents.get().versions.get(number=3)
    paragraph = version.paragraphs.get(position=2)
    page.goto(live_server.url + paragraph.get_absolute_url())
    assert "Su aporte se publica como «Rosa M.»" in page.locator("main").inner_text()
    page.locator("textarea[name=text]").first.fill("Propongo citar la ley de acceso a la información.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enviar aporte").click()
    assert "Rosa M." in page.locator(".contribution").last.inner_text()

    page.get_by_role("link", name="Mis aportes").first.click()
    page.wait_for_load_state()
    mine = page.locator("main").inner_text()
    assert "Propongo citar la ley" in mine and "Sin respuesta todavía" in mine


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_citizen_pages_are_accessible_and_fit_a_phone(
    page, live_server, seeded_milestone, client, axe_script, artifacts, language
):
    from cocrea.drafts.models import Contribution
    from cocrea.drafts.sample import load_sample_cocreation
    from cocrea.participation.models import Person
    from cocrea.participation.services import give_own_consent, request_affiliation
    from tests.conftest import make_staff
    from tests.factories import UserFactory

    load_sample_cocreation(seeded_milestone)
    upcoming(seeded_milestone)
    person = Contribution.objects.exclude(hidden_at=None).get().person  # one hidden, some answered
    user = UserFactory(email="citizen@example.org", verified_email=True)
    Person.objects.filter(pk=person.pk).update(user=user, display_name="Jorge C.")
    give_own_consent(person, "public_name")
    request_affiliation(person, "Colectivo Ciudadano de Prueba", "Vocero")
    in_language(page, live_server, language)

    page.goto(live_server.url + "/")
    check(page, "home", language, axe_script, artifacts)
    page.goto(live_server.url + "/cuenta/signup/")
    check(page, "signup", language, axe_script, artifacts)

    use_session(page, live_server, client, user)
    page.goto(live_server.url + "/cuenta/perfil/")
    check(page, "profile", language, axe_script, artifacts)
    page.goto(live_server.url + "/cuenta/perfil/aportes/")
    check(page, "mine", language, axe_script, artifacts)

    use_session(page, live_server, client, make_staff(user.__class__, email="coordina@inap.gob.gt"))
    page.goto(live_server.url + "/gestion/personas/solicitudes/")
    assert "Colectivo Ciudadano de Prueba" in page.locator("main").inner_text()
    check(page, "staff-requests", language, axe_script, artifacts)
