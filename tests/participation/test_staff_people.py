"""Staff screens for the registry of people: search, a person's data, consents and memberships."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.participation import services
from cocrea.participation.figures import indicator_e
from cocrea.participation.models import Consent, Membership, Person
from cocrea.plans.models import Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(django_user_model, name, role=None, **scope):
    client = Client()
    client.force_login(UserFactory(username=name, role=role, **scope))
    return client


def org(acronym):
    return Organization.objects.get(acronym=acronym)


@pytest.fixture
def ana(imported_seed):
    person = services.register_person(
        name="Ana María Pérez",
        email="ana.perez@example.org",
        phone="5555-0101",
        consents=(Consent.Purpose.STATISTICS,),
        statistics={"gender": "female", "department": "Petén"},
    )
    services.add_membership(person, organization=org("INAP"), role="Asesora", since=date(2019, 1, 1))
    return person


def audited_by(user, obj, action):
    return AuditEntry.objects.for_object(obj).filter(actor=user, source="web", action=action).exists()


# --- The list -----------------------------------------------------------------------------------


def test_the_people_list_searches_by_name_or_email_and_pages(staff_client, ana):
    services.register_person(name="Luis Gómez", email="luis@senacyt.gob.gt")
    for n in range(55):
        services.register_person(name=f"Participante {n:02d}")
    url = reverse("staff:people")
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "57 personas" in html and "Página 1 de 2" in html and 'rel="next"' in html
    assert "Ana María Pérez" in html and "INAP (Asesora)" in html
    assert staff_client.get(url, {"pagina": 2}).status_code == 200
    for text in ("perez ana", "PÉREZ", "ana.perez@", "Ana María"):
        found = staff_client.get(url, {"buscar": text}).content.decode()
        assert "Ana María Pérez" in found and "Luis Gómez" not in found, text
    found = staff_client.get(url, {"buscar": "senacyt"}).content.decode()
    assert "Luis Gómez" in found and "1 persona" in found
    assert "Ninguna persona" in staff_client.get(url, {"buscar": "zzz"}).content.decode()


def test_merged_people_leave_the_list(staff_client, ana):
    twin = services.register_person(name="Ana Maria Perez")
    services.merge_people(ana, twin, by=None)
    html = staff_client.get(reverse("staff:people")).content.decode()
    assert html.count(reverse("staff:person", args=[twin.pk]) + '"') == 0
    page = staff_client.get(reverse("staff:person", args=[twin.pk])).content.decode()
    assert "se fusionó" in page and reverse("staff:record_consent", args=[twin.pk]) not in page
    refused = staff_client.post(
        reverse("staff:record_consent", args=[twin.pk]), {"purpose": "contact", "text_version": "2026-11"}
    )
    assert refused.status_code == 400 and not twin.consents.exists()


# --- The person ---------------------------------------------------------------------------------


def test_the_person_screen_shows_data_consents_and_memberships(staff_client, ana):
    html = staff_client.get(reverse("staff:person", args=[ana.pk])).content.decode()
    for text in ("Ana María Pérez", "ana.perez@example.org", "5555-0101", "Mujer", "Petén", "Asesora"):
        assert text in html
    assert "Datos para estadísticas (género, edad, territorio, sector)" in html
    assert services.CONSENT_TEXT_VERSION in html


def test_consents_are_recorded_and_withdrawn_with_an_audit_trail(staff_client, staff, ana, milestone):
    url = reverse("staff:record_consent", args=[ana.pk])
    response = staff_client.post(url, {"purpose": "public_name", "text_version": "hoja-2019"})
    assert response.status_code == 302
    consent = ana.consents.get(purpose="public_name")
    assert consent.text_version == "hoja-2019" and consent.withdrawn_at is None
    assert audited_by(staff, consent, "create")

    statistics = ana.consents.get(purpose="statistics")
    services.record_attendance(milestone.meetings.first(), ana, org("INAP"))
    assert indicator_e(milestone.commitment)["by_gender"] == {"female": 1}
    withdraw = reverse("staff:withdraw_consent", args=[statistics.pk])
    assert staff_client.post(withdraw).status_code == 302
    statistics.refresh_from_db()
    assert statistics.withdrawn_at is not None
    assert audited_by(staff, statistics, "update")
    # The data stays stored, but is no longer shown nor counted.
    ana.refresh_from_db()
    assert ana.gender == "female"
    assert indicator_e(milestone.commitment)["by_gender"] == {"not_stated": 1}
    html = staff_client.get(reverse("staff:person", args=[ana.pk])).content.decode()
    assert "Sin consentimiento vigente para estadísticas" in html and "Petén" not in html

    again = staff_client.post(withdraw, follow=True)
    assert "ya estaba retirado" in again.content.decode()
    # A new consent (a new text version) can be given after a withdrawal.
    assert staff_client.post(url, {"purpose": "statistics", "text_version": "2027-01"}).status_code == 302
    assert ana.consents.filter(purpose="statistics", withdrawn_at=None).get().text_version == "2027-01"


@pytest.mark.parametrize(
    "data",
    [
        {"purpose": "statistics", "text_version": "2026-11"},  # already in force
        {"purpose": "marketing", "text_version": "2026-11"},
        {"purpose": "contact", "text_version": ""},
        {"purpose": "contact", "text_version": "x" * 21},
    ],
)
def test_bad_consents_are_errors_and_nothing_is_saved(staff_client, ana, data):
    response = staff_client.post(reverse("staff:record_consent", args=[ana.pk]), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert ana.consents.count() == 1


def test_memberships_are_added_edited_and_ended(staff_client, staff, ana):
    add = reverse("staff:add_membership", args=[ana.pk])
    response = staff_client.post(
        add, {"organization": org("SENACYT").pk, "role": "Enlace", "since": "2019-04-01"}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(person=ana, organization=org("SENACYT"))
    assert (membership.role, membership.since, membership.until) == ("Enlace", date(2019, 4, 1), None)
    assert audited_by(staff, membership, "create")

    edit = reverse("staff:edit_membership", args=[membership.pk])
    assert staff_client.get(edit).status_code == 200
    changed = staff_client.post(
        edit,
        {"role": "Directora", "since": "2019-03-01", "until": "", "edit_version": membership.edit_version},
    )
    assert changed.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.since) == ("Directora", date(2019, 3, 1))

    end = reverse("staff:end_membership", args=[membership.pk])
    assert staff_client.post(end, {"until": "2019-02-01"}).status_code == 400  # before it began
    assert staff_client.post(end, {"until": "2020-07-31"}).status_code == 302
    membership.refresh_from_db()
    assert membership.until == date(2020, 7, 31)
    assert audited_by(staff, membership, "update")
    assert staff_client.post(end, {"until": "2020-08-31"}).status_code == 400  # already ended
    membership.refresh_from_db()
    assert membership.until == date(2020, 7, 31)
    html = staff_client.get(reverse("staff:person", args=[ana.pk])).content.decode()
    assert "Directora" in html and "vigente" in html  # INAP still current


@pytest.mark.parametrize(
    "data",
    [
        {"organization": "", "role": "Enlace"},
        {"organization": "999999"},
        {"organization": "INAP", "role": "Asesora"},  # the same membership again
        {"organization": "SENACYT", "since": "2020-01-01", "until": "2019-01-01"},
        {"organization": "SENACYT", "since": "no es fecha"},
        {"organization": "SENACYT", "role": "x" * 121},
    ],
)
def test_bad_memberships_are_errors_and_nothing_is_saved(staff_client, ana, data):
    if data["organization"] in ("INAP", "SENACYT"):
        data = {**data, "organization": org(data["organization"]).pk}
    response = staff_client.post(reverse("staff:add_membership", args=[ana.pk]), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert list(Membership.objects.values_list("person", "role")) == [(ana.pk, "Asesora")]


def test_editing_a_membership_into_a_duplicate_is_refused(staff_client, ana):
    other = services.add_membership(ana, organization=org("INAP"), role="Enlace")
    response = staff_client.post(
        reverse("staff:edit_membership", args=[other.pk]),
        {"role": "Asesora", "edit_version": other.edit_version},
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.role == "Enlace"


# --- Who may -----------------------------------------------------------------------------------


def people_posts(ana):
    consent = ana.consents.get()
    membership = ana.memberships.get()
    return [
        (reverse("staff:record_consent", args=[ana.pk]), {"purpose": "contact", "text_version": "v1"}),
        (reverse("staff:withdraw_consent", args=[consent.pk]), {}),
        (reverse("staff:add_membership", args=[ana.pk]), {"organization": org("SENACYT").pk}),
        (reverse("staff:edit_membership", args=[membership.pk]), {"role": "Otra", "edit_version": 1}),
        (reverse("staff:end_membership", args=[membership.pk]), {"until": "2020-01-01"}),
    ]


def assert_untouched(ana):
    assert list(ana.consents.values_list("purpose", "withdrawn_at")) == [("statistics", None)]
    assert list(ana.memberships.values_list("role", "until")) == [("Asesora", None)]


def test_anonymous_visitors_are_sent_to_sign_in(client, ana):
    for url in (reverse("staff:people"), reverse("staff:person", args=[ana.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/cuenta/login/" in response["Location"]
    for url, data in people_posts(ana):
        response = client.post(url, data)
        assert response.status_code == 302 and "/cuenta/login/" in response["Location"]
    assert_untouched(ana)


def test_participants_see_no_personal_data(django_user_model, ana):
    participant = signed_in(django_user_model, "rosa")
    for url in (reverse("staff:people"), reverse("staff:person", args=[ana.pk])):
        response = participant.get(url)
        assert response.status_code == 403 and b"ana.perez@example.org" not in response.content
    for url, data in people_posts(ana):
        assert participant.post(url, data).status_code == 403
    assert_untouched(ana)


def test_auditors_read_but_do_not_write(django_user_model, ana):
    auditor = signed_in(django_user_model, "auditora", Role.AUDITOR)
    assert auditor.get(reverse("staff:people")).status_code == 200
    html = auditor.get(reverse("staff:person", args=[ana.pk])).content.decode()
    assert "Ana María Pérez" in html
    assert "ana.perez@example.org" not in html  # contact data: coordinators and administrators
    assert reverse("staff:record_consent", args=[ana.pk]) not in html
    assert reverse("staff:add_membership", args=[ana.pk]) not in html
    for url, data in people_posts(ana):
        assert auditor.post(url, data).status_code == 403
    assert_untouched(ana)


def test_editors_record_consent_and_memberships(django_user_model, ana):
    editor = signed_in(django_user_model, "editora", Role.EDITOR, organization=org("INAP"))
    response = editor.post(
        reverse("staff:record_consent", args=[ana.pk]), {"purpose": "contact", "text_version": "v1"}
    )
    assert response.status_code == 302 and ana.consents.filter(purpose="contact").exists()


def test_the_screens_issue_a_bounded_number_of_queries(
    staff_client, django_user_model, ana, django_assert_max_num_queries
):
    for n in range(60):
        person = services.register_person(name=f"Persona {n:02d}", consents=(Consent.Purpose.CONTACT,))
        services.add_membership(person, organization=org("INAP" if n % 2 else "SENACYT"), role=f"R{n}")
    for n in range(20):
        services.add_membership(ana, organization=org("SENACYT"), role=f"Cargo {n}")
        services.record_consent(ana, purpose="contact" if n == 0 else "public_name", text_version=f"v{n}")
        if n:
            services.withdraw_consent(ana.consents.get(purpose="public_name", withdrawn_at=None))
    auditor = signed_in(django_user_model, "auditora", Role.AUDITOR)
    for client in (staff_client, auditor):
        for url, params in (
            (reverse("staff:people"), {}),
            (reverse("staff:people"), {"buscar": "persona", "pagina": 2}),
            (reverse("staff:person", args=[ana.pk]), {}),
        ):
            with django_assert_max_num_queries(25):
                assert client.get(url, params).status_code == 200
    assert Person.objects.count() == 61


@pytest.mark.parametrize(
    ("role", "scope", "sees"),
    [
        (Role.EDITOR, {"organization": "INAP"}, False),
        (Role.MODERATOR, {}, False),
        (Role.AUDITOR, {}, False),
        (Role.COORDINATOR, {"commitment": True}, True),
        (Role.ADMINISTRATOR, {}, True),
    ],
)
def test_contact_data_only_for_the_roles_that_contact_people(django_user_model, ana, role, scope, sees):
    """Email and phone: coordinators and administrators; the others see the name, not how to reach
    the person, and cannot find a person by their address either."""
    from cocrea.plans.models import Commitment

    if "organization" in scope:
        scope = {"organization": org(scope["organization"])}
    elif "commitment" in scope:
        scope = {"commitment": Commitment.objects.first()}
    ana.phone = "5555-0101"
    ana.save()
    client = signed_in(django_user_model, f"rol-{role}", role, **scope)
    person_page = client.get(reverse("staff:person", args=[ana.pk])).content.decode()
    listing = client.get(reverse("staff:people")).content.decode()
    by_email = client.get(reverse("staff:people"), {"buscar": "@example.org"}).content.decode()
    assert ("ana.perez@example.org" in person_page) is sees
    assert ("5555-0101" in person_page) is sees
    assert ("ana.perez@example.org" in listing) is sees
    assert ("Ana María Pérez" in by_email) is sees
