"""The error pages are pages of the site (issue #12, section 7): 400, 403, 404, 500 and the refused
form (CSRF) in the site's layout, in Spanish and English, with a way back, with DEBUG off. The 500
page renders even when the database or a context processor is what failed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]

ENGLISH = "en"


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]


def speaking(client, language):
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def layout(html, language="es"):
    """The page is in the site's layout, in that language."""
    assert f'<html lang="{language}">' in html
    assert 'class="site-header"' in html
    assert 'class="site-footer"' in html
    assert "cocrea/cocrea.css" in html
    assert "cocrea/favicon.svg" in html
    assert 'href="/"' in html  # the way home


# --- 404 ----------------------------------------------------------------------------------------


def test_not_found_is_a_page_of_the_site_in_spanish(client):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    html = response.content.decode()
    layout(html)
    assert "Página no encontrada" in html
    assert "Volver al inicio" in html
    assert "Iniciar sesión" in html  # the header, as on every page


def test_not_found_in_english(client):
    response = speaking(client, ENGLISH).get("/no-existe/")
    assert response.status_code == 404
    html = response.content.decode()
    layout(html, ENGLISH)
    assert "Back to the home page" in html
    assert "Action plans" in html
    assert "Volver al inicio" not in html


def test_not_found_for_a_missing_object_says_so_too(client, milestone):
    response = client.get(milestone.get_absolute_url().rstrip("/") + "999/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


def test_not_found_offers_the_previous_page_of_this_site_only(client):
    came_from = "http://testserver/catalogo/"
    html = client.get("/no-existe/", HTTP_REFERER=came_from).content.decode()
    assert f'href="{came_from}"' in html
    assert "Volver a la página anterior" in html
    html = client.get("/no-existe/", HTTP_REFERER="https://elsewhere.example/x").content.decode()
    assert "elsewhere.example" not in html
    assert "Volver a la página anterior" not in html


def test_a_missing_staff_page_offers_a_visitor_to_sign_in(client):
    html = client.get("/gestion/no-existe/").content.decode()
    assert "Las pantallas de gestión solo se muestran después de iniciar sesión." in html
    assert f"{reverse('account_login')}?next=/gestion/no-existe/" in html


# --- 403 ----------------------------------------------------------------------------------------


def test_a_citizen_on_a_staff_page_is_told_it_is_for_staff(client, milestone):
    citizen = UserFactory(verified_email=True)
    client.force_login(citizen)
    response = client.get(reverse("staff:milestone", args=[milestone.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    layout(html)
    assert "Esta página es para el personal" in html
    assert "Su cuenta es de participante" in html
    assert "comentar en las consultas abiertas" in html  # what they can do instead
    assert reverse("accounts:profile") in html
    assert "Volver al inicio" in html


def test_a_citizen_on_a_staff_page_in_english(client, milestone):
    client.force_login(UserFactory(verified_email=True))
    response = speaking(client, ENGLISH).get(reverse("staff:people"))
    assert response.status_code == 403
    html = response.content.decode()
    layout(html, ENGLISH)
    assert "My account" in html
    assert "Back to the home page" in html


def test_staff_outside_their_scope_get_the_refusal_not_the_citizen_text(client, milestone):
    from cocrea.plans.models import Organization

    editor = UserFactory(role=Role.EDITOR, organization=Organization.objects.get(acronym="ONSEC"))
    client.force_login(editor)
    response = client.get(reverse("staff:milestone", args=[milestone.pk + 1000]))
    assert response.status_code == 404
    activity = milestone.activities.get(number=1)  # INAP's, not ONSEC's
    response = client.get(reverse("staff:record_progress", args=[activity.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Acceso no permitido" in html
    assert "Esta página es para el personal" not in html


def test_a_visitor_on_a_staff_page_is_still_sent_to_sign_in(client, milestone):
    url = reverse("staff:milestone", args=[milestone.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_citizen_in_the_admin_is_told_it_is_for_staff(client):
    client.force_login(UserFactory(verified_email=True))
    response = client.get("/admin/")
    assert response.status_code == 403
    assert "Esta página es para el personal" in response.content.decode()


def test_the_admin_refusal_keeps_its_own_explanation(client):
    client.force_login(UserFactory(role=Role.MODERATOR))
    response = client.get("/admin/")
    assert response.status_code == 403
    html = response.content.decode()
    layout(html)
    assert "pantallas de gestión" in html
    assert "Esta página es para el personal" not in html


# --- 400 ----------------------------------------------------------------------------------------


def test_a_bad_host_gets_the_bad_request_page_in_the_layout(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    layout(html)
    assert "Solicitud incorrecta" in html
    assert "evil.example" not in html


def test_bad_request_in_english(client):
    response = speaking(client, ENGLISH).get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    layout(response.content.decode(), ENGLISH)


# --- the refused form (CSRF) ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", ENGLISH])
def test_a_form_refused_by_the_csrf_check_explains_and_leads_back(language):
    client = speaking(Client(enforce_csrf_checks=True), language)
    client.get(reverse("account_login"))  # the cookie, as a browser has it
    response = client.post(
        reverse("account_login"),
        {"login": "a@example.org", "password": "x"},
        HTTP_REFERER="http://testserver" + reverse("account_login"),
    )
    assert response.status_code == 403
    html = response.content.decode()
    layout(html, language)
    assert 'href="http://testserver' + reverse("account_login") + '"' in html  # back to the form
    if language == "es":
        assert "El formulario no se pudo enviar" in html
        assert "recárguela" in html
    else:
        assert "Back to the home page" in html


def test_a_form_without_the_cookie_says_to_allow_cookies():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "Permita las cookies de este sitio" in response.content.decode()


# --- 500 ----------------------------------------------------------------------------------------


@pytest.fixture
def failing(client):
    client.raise_request_exception = False
    return client


def test_a_server_error_is_a_page_of_the_site(failing):
    response = failing.get("/falla/")
    assert response.status_code == 500
    html = response.content.decode()
    layout(html)
    assert "Error del servidor" in html
    assert "Volver al inicio" in html
    assert "a failure the visitor must not see" not in html
    assert "Traceback" not in html


def test_a_server_error_in_english(failing):
    response = speaking(failing, ENGLISH).get("/falla/")
    assert response.status_code == 500
    html = response.content.decode()
    layout(html, ENGLISH)
    assert "Back to the home page" in html


def test_a_server_error_page_reads_neither_the_session_nor_the_database(django_assert_num_queries):
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from cocrea.core.views import server_error

    def unavailable():
        raise RuntimeError("the session store is down")

    request = RequestFactory().get("/falla/")
    request.user = SimpleLazyObject(unavailable)
    request.session = SimpleLazyObject(unavailable)
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    layout(html)
    assert "Error del servidor" in html


def failing_context_processor(request):
    raise RuntimeError("the database is down")


@pytest.fixture
def broken_context(settings):
    templates = [dict(engine, OPTIONS=dict(engine["OPTIONS"])) for engine in settings.TEMPLATES]
    templates[0]["OPTIONS"]["context_processors"] = [
        *templates[0]["OPTIONS"]["context_processors"],
        "tests.portal.test_error_pages.failing_context_processor",
    ]
    settings.TEMPLATES = templates


def test_a_server_error_renders_when_the_context_processors_fail(failing, broken_context):
    response = failing.get("/falla/")
    assert response.status_code == 500
    html = response.content.decode()
    layout(html)
    assert "Error del servidor" in html


def test_other_error_pages_fall_back_to_the_plain_layout_when_the_context_fails(client, broken_context):
    response = client.get("/no-existe/")
    assert response.status_code == 404
    html = response.content.decode()
    layout(html)
    assert "Página no encontrada" in html
    assert "Iniciar sesión" not in html  # no account links without the request


def test_a_server_error_renders_even_when_its_template_cannot(failing, monkeypatch):
    from cocrea.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("templates unavailable")

    monkeypatch.setattr(views.loader, "render_to_string", broken)
    response = failing.get("/falla/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="es">' in html
    assert "Error del servidor" in html
    assert 'href="/"' in html


# --- the favicon ----------------------------------------------------------------------------------


def test_the_favicon_is_linked_and_served(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert 'rel="icon"' in html
    assert "cocrea/favicon.ico" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("cocrea/favicon.ico")
