"""Irreversible steps of co-creation ask first, on their own page (#12, item 4): approving a version,
closing a consultation early, removing an entry of the catalogue from a paragraph.

For each: GET shows what will happen (with the counts), a POST without ``confirm=1`` changes
nothing, a POST with it performs the step through the service and redirects with a message, and a
role without the right gets 403. And the approved version's page shows its state, not "El catálogo
está vacío"."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.catalogue import services as catalogue
from cocrea.catalogue.models import Application
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services
from cocrea.drafts.models import Document, DocumentVersion
from cocrea.participation.services import register_person
from tests.drafts.test_staff_screens import DRAFT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(milestone, staff):
    document = services.create_document(milestone, "Estrategia de prueba", kind=Document.Kind.STRATEGY)
    return services.create_version(document, parse_markdown(DRAFT), by=staff, source="prueba.md")


@pytest.fixture
def opened(draft):
    """Open until 20 days from now, with three contributions from two people and one reply."""
    now = timezone.now()
    services.transition_version(draft, "open", opens_at=now, closes_at=now + timedelta(days=20))
    draft.refresh_from_db()
    lucia = register_person(name="Lucía Pérez", email="lucia@example.org")
    pedro = register_person(name="Pedro Xol", email="pedro@example.org")
    first, second = draft.paragraphs.order_by("position")[:2]
    comment = services.contribute(draft, lucia, "Conviene nombrar a las municipalidades.", paragraph=first)
    services.contribute(draft, pedro, "Falta la academia.", paragraph=second)
    services.contribute(draft, pedro, "¿Y los datos abiertos?", paragraph=first)
    services.contribute(draft, lucia, "De acuerdo.", paragraph=first, parent=comment)
    return draft


@pytest.fixture
def norm(db):
    return catalogue.create_entry(
        kind="norm",
        name="Ley de Acceso a la Información Pública",
        issuer="Congreso de la República",
        number="Decreto 57-2008",
        issued_on=date(2008, 9, 23),
    )


def _editor(client, milestone):
    """An editor of the milestone: writes the drafts, but may not approve or close (publish)."""
    user = UserFactory(role=Role.EDITOR, milestone=milestone)
    client.force_login(user)
    return user


def _text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _state(version) -> str:
    return DocumentVersion.objects.get(pk=version.pk).state


# --- the version page leads to the confirmation, never performs it ----------------------------------


def test_the_irreversible_steps_are_links_to_their_confirmation_not_primary_buttons(staff_client, draft):
    page = staff_client.get(reverse("drafts_staff:version", args=[draft.pk])).content.decode()
    approve = reverse("drafts_staff:approve", args=[draft.pk])
    assert re.search(rf'<a href="{approve}" class="button button-quiet-danger">Aprobar esta versión', page)
    assert not re.search(r"<button[^>]*>\s*Aprobar", page)
    # "Abrir a consulta" stays the primary (submit) button of the workflow.
    assert re.search(r'<button type="submit">Abrir a consulta</button>', page)


def test_the_old_transition_form_does_not_approve_or_close(staff_client, draft, opened):
    url = reverse("drafts_staff:transition", args=[opened.pk])
    response = staff_client.post(url, {"to": "closed"})
    assert response.status_code == 303
    assert response.url == reverse("drafts_staff:close", args=[opened.pk])
    assert _state(opened) == "open"


# --- approving ------------------------------------------------------------------------------------


def test_approving_shows_what_will_happen(staff_client, opened, staff):
    services.transition_version(opened, "closed")
    opened.refresh_from_db()
    services.create_version(opened.document, parse_markdown(DRAFT), by=staff)
    url = reverse("drafts_staff:approve", args=[opened.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    text = _text(response)
    assert "¿Aprobar «Borrador 1» de «Estrategia de prueba»?" in text
    assert "Su texto, 3 párrafos, quedará fijo" in text
    assert "cerrada con 3 aportes, ya no se podrá reabrir" in text
    assert "3 aportes siguen sin respuesta" in text
    assert "2 personas aportaron a esta versión" in text
    assert "Las versiones más recientes (Borrador 2) no cambian" in text
    assert "No se puede deshacer" in text
    html = response.content.decode()
    assert 'name="confirm" value="1"' in html
    assert f'name="edit_version" value="{opened.edit_version}"' in html
    assert 'class="button-danger">Aprobar definitivamente</button>' in html
    assert (
        f'href="{reverse("drafts_staff:version", args=[opened.pk])}" class="button button-secondary">Cancelar'
        in html
    )


def test_a_post_without_the_confirmation_does_not_approve(staff_client, draft):
    url = reverse("drafts_staff:approve", args=[draft.pk])
    response = staff_client.post(url, {"edit_version": draft.edit_version})
    assert response.status_code == 200
    assert "Aprobar definitivamente" in response.content.decode()
    assert _state(draft) == "draft"
    assert not AuditEntry.objects.for_object(draft).filter(action="update").exists()


def test_approving_with_the_confirmation(staff_client, staff, draft):
    url = reverse("drafts_staff:approve", args=[draft.pk])
    assert "No pasará por consulta pública" in _text(staff_client.get(url))
    response = staff_client.post(url, {"confirm": "1", "edit_version": draft.edit_version}, follow=True)
    assert response.redirect_chain == [(reverse("drafts_staff:version", args=[draft.pk]), 302)]
    assert "Borrador 1 aprobada: es el texto final de «Estrategia de prueba»." in _text(response)
    version = DocumentVersion.objects.get(pk=draft.pk)
    assert version.state == "approved" and version.approved_at is not None
    assert AuditEntry.objects.for_object(version).filter(actor=staff, action="update").exists()
    # Once approved, the page says so and offers no button.
    again = staff_client.get(url)
    assert "ya no puede pasar a «Aprobada»" in _text(again)
    assert "Aprobar definitivamente" not in again.content.decode()
    assert staff_client.post(url, {"confirm": "1"}).status_code == 400


def test_a_confirmation_made_on_a_stale_page_is_refused(staff_client, draft):
    url = reverse("drafts_staff:approve", args=[draft.pk])
    seen = draft.edit_version
    services.revise_draft(draft, DRAFT + "\nUn párrafo más.\n", expected_version=seen)
    response = staff_client.post(url, {"confirm": "1", "edit_version": seen})
    assert response.status_code == 409
    assert "Alguien cambió esta versión" in response.content.decode()
    assert _state(draft) == "draft"
    assert f'name="edit_version" value="{seen + 1}"' in response.content.decode()


def test_an_editor_may_not_approve_or_close(client, milestone, draft, opened):
    _editor(client, milestone)
    for name in ("drafts_staff:approve", "drafts_staff:close"):
        url = reverse(name, args=[opened.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "1", "edit_version": opened.edit_version}).status_code == 403
    assert _state(opened) == "open"


def test_a_participant_and_a_visitor_do_not_reach_the_page(client, django_user_model, opened):
    url = reverse("drafts_staff:approve", args=[opened.pk])
    visitor = client.get(url)
    assert visitor.status_code == 302 and "/cuenta/" in visitor.url
    client.force_login(UserFactory())
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert _state(opened) == "open"


# --- closing a consultation early -----------------------------------------------------------------


def test_closing_early_shows_what_will_happen(staff_client, opened):
    page = staff_client.get(reverse("drafts_staff:version", args=[opened.pk])).content.decode()
    close = reverse("drafts_staff:close", args=[opened.pk])
    assert re.search(rf'<a href="{close}" class="button button-quiet-danger">Cerrar la consulta', page)
    response = staff_client.get(close)
    assert response.status_code == 200
    text = _text(response)
    assert "¿Cerrar la consulta de «Borrador 1» de «Estrategia de prueba»?" in text
    assert "cerrarla ahora la acorta en 19 días" in text
    assert "3 aportes quedarán cerrados" in text
    assert "2 personas aportaron a esta versión y ya no podrán añadir ni responder nada" in text
    assert "3 aportes siguen sin respuesta" in text
    assert "Cerrar la consulta ahora" in text


def test_a_post_without_the_confirmation_does_not_close(staff_client, opened):
    response = staff_client.post(reverse("drafts_staff:close", args=[opened.pk]), {"to": "closed"})
    assert response.status_code == 200
    assert _state(opened) == "open"


def test_closing_with_the_confirmation(staff_client, staff, opened):
    url = reverse("drafts_staff:close", args=[opened.pk])
    response = staff_client.post(url, {"confirm": "1", "edit_version": opened.edit_version}, follow=True)
    assert response.redirect_chain == [(reverse("drafts_staff:version", args=[opened.pk]), 302)]
    assert "Consulta de Borrador 1 cerrada." in _text(response)
    version = DocumentVersion.objects.get(pk=opened.pk)
    assert version.state == "closed" and version.closes_at <= timezone.now()
    assert AuditEntry.objects.for_object(version).filter(actor=staff, action="update").exists()
    # Closed, the version page offers reopening (primary) and approving (through its page).
    page = response.content.decode()
    assert '<button type="submit">Reabrir la consulta</button>' in page
    assert reverse("drafts_staff:approve", args=[opened.pk]) in page


# --- the approved version's page ------------------------------------------------------------------


def test_the_approved_version_page_shows_its_catalogue_and_state(staff_client, staff, draft, norm):
    catalogue.create_entry(kind="concept", name="Innovación pública")
    paragraph = draft.paragraphs.order_by("position").first()
    catalogue.apply_entry(norm, paragraph, by=staff)
    services.transition_version(draft, "approved")
    response = staff_client.get(reverse("drafts_staff:version", args=[draft.pk]))
    text = _text(response)
    assert "El catálogo está vacío" not in text
    assert "Aprobada" in text
    assert "Versión aprobada: su texto y el catálogo aplicado ya no cambian." in text
    assert "Ley de Acceso a la Información Pública" in text  # what is applied, still shown
    assert "Quitar" not in text and "Aplicar en" not in text
    assert reverse("catalogue_staff:remove_application", args=[Application.objects.get().pk]) not in (
        response.content.decode()
    )
    assert not response.context["can_apply"]


def test_the_approved_version_public_page_says_it_is_approved(client, staff_client, opened):
    services.transition_version(opened, "closed")
    opened.refresh_from_db()
    staff_client.post(
        reverse("drafts_staff:approve", args=[opened.pk]),
        {"confirm": "1", "edit_version": opened.edit_version},
    )
    client.logout()
    public = client.get(opened.get_absolute_url())
    assert public.status_code == 200
    text = _text(public)
    assert "Versión aprobada el" in text and "Aprobada" in text
    assert "El catálogo está vacío" not in text
    assert opened.get_contribute_url() not in public.content.decode()


def test_the_confirmation_pages_cost_a_bounded_number_of_queries(
    staff_client, opened, django_assert_max_num_queries
):
    for name in ("drafts_staff:close", "drafts_staff:approve"):
        with django_assert_max_num_queries(12):
            assert staff_client.get(reverse(name, args=[opened.pk])).status_code == 200


def test_a_version_in_draft_with_an_empty_catalogue_says_so(staff_client, draft):
    text = _text(staff_client.get(reverse("drafts_staff:version", args=[draft.pk])))
    assert "El catálogo está vacío." in text


# --- removing an entry of the catalogue from a paragraph ------------------------------------------


@pytest.fixture
def application(draft, norm, staff):
    return catalogue.apply_entry(norm, draft.paragraphs.order_by("position").first(), by=staff)


def test_removing_an_application_shows_what_will_happen(staff_client, draft, application):
    version_page = staff_client.get(reverse("drafts_staff:version", args=[draft.pk])).content.decode()
    url = reverse("catalogue_staff:remove_application", args=[application.pk])
    assert f'href="{url}?next=' in version_page  # a link to the confirmation, not a form that removes
    response = staff_client.get(url)
    assert response.status_code == 200
    text = _text(response)
    assert "¿Quitar «Ley de Acceso a la Información Pública" in text
    assert "§1" in text and "Borrador 1" in text
    assert "dejará de constar en §1 de «Estrategia de prueba» (Borrador 1)" in text
    assert "ya no quedará aplicada en ningún párrafo" in text
    assert "se pierde quién la aplicó y cuándo" in text
    assert 'class="button-danger">Quitar del párrafo</button>' in response.content.decode()


def test_a_post_without_the_confirmation_does_not_remove(staff_client, application):
    url = reverse("catalogue_staff:remove_application", args=[application.pk])
    assert staff_client.post(url).status_code == 200
    assert Application.objects.filter(pk=application.pk).exists()


def test_removing_with_the_confirmation(staff_client, staff, draft, application):
    url = reverse("catalogue_staff:remove_application", args=[application.pk])
    response = staff_client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert (
        response.url
        == f"{reverse('drafts_staff:version', args=[draft.pk])}#parrafo-{application.paragraph_id}"
    )
    assert not Application.objects.exists()
    assert AuditEntry.objects.for_object(application).filter(actor=staff, action="delete").exists()
    page = staff_client.get(response.url)
    assert "ya no consta en §1" in _text(page)


def test_an_approved_version_keeps_its_applications(staff_client, draft, application):
    services.transition_version(draft, "approved")
    url = reverse("catalogue_staff:remove_application", args=[application.pk])
    response = staff_client.get(url)
    assert "Una versión aprobada ya no cambia." in _text(response)
    assert "button-danger" not in response.content.decode()
    assert staff_client.post(url, {"confirm": "1"}).status_code == 400
    assert Application.objects.filter(pk=application.pk).exists()


def test_a_moderator_may_not_remove(client, draft, application):
    services.transition_version(draft, "open", closes_at=timezone.now() + timedelta(days=3))
    client.force_login(UserFactory(role=Role.MODERATOR))
    url = reverse("catalogue_staff:remove_application", args=[application.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "1"}).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()
