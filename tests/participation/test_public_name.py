"""Citizens are people, not "Participante": the public name chosen at sign-up or in the profile, the
consent to show it (its text and version recorded), the organisation one speaks for (confirmed by
staff), and every place a contribution's author appears."""

from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.drafts.models import Contribution
from cocrea.drafts.services import contribute, represented_organizations
from cocrea.participation import consents, services
from cocrea.participation.models import AffiliationRequest, Consent, Membership, Person
from cocrea.plans.models import Organization
from tests.factories import PASSWORD, UserFactory
from tests.reports.fetch import report_bytes

pytestmark = pytest.mark.django_db

PUBLIC_NAME = Consent.Purpose.PUBLIC_NAME


def sign_up(client: Client, email: str = "rosa@example.org", **extra: str):
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("account_signup"), data)


def citizen(email: str = "rosa@example.org", public_name: str = "Rosa M.", show: bool = True) -> tuple:
    """A signed-in citizen whose person chose ``public_name`` (and consented to show it)."""
    user = UserFactory(email=email, username=email.split("@")[0], verified_email=True)
    person = services.register_person(name="Rosa Méndez", email=email, user=user, display_name=public_name)
    if show:
        services.give_own_consent(person, PUBLIC_NAME)
    client = Client()
    client.force_login(user)
    return client, user, person


# --- Sign-up ----------------------------------------------------------------------------------------


def test_the_sign_up_page_shows_the_consent_text_and_its_version(client, imported_seed):
    page = client.get(reverse("account_signup")).content.decode()
    text = consents.current_text(PUBLIC_NAME)
    assert text.text in page and text.version in page
    assert 'name="public_name"' in page and 'name="show_name"' in page and 'name="organization"' in page
    assert "Instituto Nacional de Administración Pública (INAP)" in page  # the list of suggestions


def test_sign_up_records_the_public_name_the_consent_with_its_version_and_text_and_the_request(
    client, imported_seed
):
    response = sign_up(
        client,
        public_name="  Rosa   M. ",
        show_name="on",
        organization="Instituto Nacional de Administración Pública (INAP)",
        role="Analista",
    )
    assert response.status_code == 302
    person = Person.objects.get(user__email="rosa@example.org")
    assert person.display_name == "Rosa M." and person.language == "es"
    consent = person.consents.get()
    text = consents.current_text(PUBLIC_NAME)
    assert consent.purpose == PUBLIC_NAME and consent.withdrawn_at is None
    assert consent.text_version == text.version and consent.text == text.text
    assert person.public_name == "Rosa M."
    request = person.affiliation_requests.get()
    assert request.status == "pending" and request.role == "Analista"
    assert request.organization == Organization.objects.get(acronym="INAP")
    assert not Membership.objects.filter(person=person).exists()  # nothing public until staff confirm
    assert represented_organizations(person) == []


def test_sign_up_without_the_box_keeps_the_name_private(client, imported_seed):
    assert sign_up(client, public_name="Rosa M.").status_code == 302
    person = Person.objects.get(user__email="rosa@example.org")
    assert person.display_name == "Rosa M." and not person.consents.exists()
    assert person.public_name is None
    assert not person.affiliation_requests.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"public_name": "rosa@example.org", "show_name": "on"}, "dirección de correo"),
        ({"public_name": "", "show_name": "on"}, "Escriba el nombre que quiere mostrar"),
        ({"public_name": "R" * 121}, "120"),
        ({"role": "Analista"}, "Indique la organización"),
    ],
)
def test_sign_up_refuses_bad_input_and_creates_nothing(client, imported_seed, fields, error):
    response = sign_up(client, **fields)
    assert response.status_code == 200 and error in response.content.decode()
    assert not Person.objects.filter(email="rosa@example.org").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="rosa@example.org").exists()


# --- Where the author appears ------------------------------------------------------------------


def _pages(version, paragraph):
    """Every public place that shows a contribution's author: text, paragraph, report (web and PDF),
    comparison with the next version, the commitment's participation page."""
    from pypdf import PdfReader

    client = Client()
    commitment = version.document.milestone.commitment
    html = {
        "version": client.get(version.get_absolute_url()).content.decode(),
        "paragraph": client.get(paragraph.get_absolute_url()).content.decode(),
        "report": client.get(version.get_report_url()).content.decode(),
        "participation": client.get(commitment.get_participation_url()).content.decode(),
    }
    pdf = report_bytes(client, version.get_report_pdf_url())
    html["report_pdf"] = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    return html


def test_contributions_show_the_public_name_with_consent_and_participante_after_withdrawal(sample_cocreation):
    version = sample_cocreation.versions[2]  # Borrador 3, open
    paragraph = version.paragraphs.get(position=3)
    client, _user, person = citizen(public_name="Rosa Méndez López")
    mine = contribute(version, person, "Propongo citar la ley.", paragraph=paragraph)
    contribute(version, person, "Un comentario sobre todo el documento.")
    shown = _pages(version, paragraph)
    for place, html in shown.items():
        assert "Rosa Méndez López" in html, place
    assert mine.author_name == "Rosa Méndez López"
    assert "rosa@example.org" not in "".join(shown.values())

    # Withdrawn in the profile: every place shows «Participante» again.
    response = client.post(
        reverse("accounts:public_name"), {"public_name": "Rosa Méndez López", "language": "es"}
    )
    assert response.status_code == 302
    consent = person.consents.get()
    assert consent.withdrawn_at is not None
    hidden = _pages(version, paragraph)
    for place, html in hidden.items():
        assert "Rosa Méndez López" not in html, place
    assert "Participante" in hidden["paragraph"]
    assert Contribution.objects.get(pk=mine.pk).author_name == "Participante"


def test_a_name_without_consent_is_never_shown(sample_cocreation):
    version = sample_cocreation.versions[2]
    paragraph = version.paragraphs.get(position=3)
    _client, _user, person = citizen(public_name="Nombre Sin Permiso", show=False)
    contribute(version, person, "Un comentario.", paragraph=paragraph)
    contribute(version, person, "Un comentario sobre todo el documento.")
    for place, html in _pages(version, paragraph).items():
        assert "Nombre Sin Permiso" not in html, place


def test_the_profile_sets_the_name_and_gives_the_consent_with_the_text_shown(imported_seed):
    client, _user, person = citizen(show=False)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert consents.current_text(PUBLIC_NAME).text in page and "«Participante»" in page
    response = client.post(
        reverse("accounts:public_name"),
        {"public_name": "Rosa", "show_name": "on", "language": "en", "edit_version": person.edit_version},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.display_name == "Rosa" and person.language == "en"
    consent = person.consents.get(withdrawn_at=None)
    assert consent.text_version == consents.current_text(PUBLIC_NAME).version and consent.text
    assert "«Rosa»" in client.get(reverse("accounts:profile")).content.decode()
    # Saving again changes nothing: one consent, still in force.
    client.post(reverse("accounts:public_name"), {"public_name": "Rosa", "show_name": "on", "language": "en"})
    assert person.consents.count() == 1
    # "Mis datos" holds the words agreed to.
    data = json.loads(client.get(reverse("accounts:my_data", args=["json"])).content)
    assert data["consents"][0]["text"] == consent.text and data["person"]["language"] == "en"


def test_the_profile_refuses_bad_input_and_a_stale_form(imported_seed):
    client, _user, person = citizen()
    bad = client.post(reverse("accounts:public_name"), {"public_name": "a@b.org", "show_name": "on"})
    assert bad.status_code == 400 and "dirección de correo" in bad.content.decode()
    stale = client.post(
        reverse("accounts:public_name"),
        {"public_name": "Otro", "show_name": "on", "edit_version": person.edit_version - 1 or 99},
    )
    assert stale.status_code == 409
    person.refresh_from_db()
    assert person.display_name == "Rosa M."


def test_a_new_consent_version_makes_the_profile_ask_again(imported_seed, monkeypatch):
    client, _user, person = citizen()
    old = person.consents.get()
    assert (
        "El texto del consentimiento cambió" not in client.get(reverse("accounts:profile")).content.decode()
    )
    newer = consents.ConsentText(PUBLIC_NAME, "2027-01", "Texto nuevo del consentimiento, más claro.")
    monkeypatch.setitem(consents.CURRENT, PUBLIC_NAME, newer)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "El texto del consentimiento cambió" in page and "2027-01" in page
    assert "Texto nuevo del consentimiento" in page
    assert 'name="show_name" id="id_show_name" aria-describedby="consent-text">' in page  # unticked
    assert Person.objects.get(pk=person.pk).public_name == "Rosa M."  # still in force meanwhile
    client.post(reverse("accounts:public_name"), {"public_name": "Rosa M.", "show_name": "on"})
    old.refresh_from_db()
    renewed = person.consents.get(withdrawn_at=None)
    assert old.withdrawn_at is not None
    assert (renewed.text_version, renewed.text) == ("2027-01", "Texto nuevo del consentimiento, más claro.")
    assert (
        "El texto del consentimiento cambió" not in client.get(reverse("accounts:profile")).content.decode()
    )


# --- Speaking for an organisation ----------------------------------------------------------------


def test_an_organisation_is_shown_only_once_staff_confirm_it(sample_cocreation, staff_client):
    version = sample_cocreation.versions[2]
    paragraph = version.paragraphs.get(position=3)
    client, _user, person = citizen()
    inap = Organization.objects.get(acronym="INAP")
    response = client.post(
        reverse("accounts:request_organization"), {"organization": "inap", "role": "Analista"}
    )
    assert response.status_code == 302
    request = person.affiliation_requests.get()
    assert request.organization == inap and request.status == "pending"
    assert "Solicitud pendiente" in client.get(reverse("accounts:profile")).content.decode()

    # Pending: the contribution form does not offer it and the service refuses it.
    form = client.get(paragraph.get_absolute_url()).content.decode()
    assert "Hablo en nombre de" not in form
    with pytest.raises(ValidationError, match="organización que representa"):
        contribute(version, person, "En nombre del INAP.", paragraph=paragraph, organization=inap)

    # Staff confirm it: the membership starts today and the person is told.
    listing = staff_client.get(reverse("staff:affiliations")).content.decode()
    assert "Rosa Méndez" in listing and "1 solicitud pendiente" in listing
    for hostile in ("99999999", "9" * 40, "1; DROP TABLE", ""):
        refused = staff_client.post(
            reverse("staff:confirm_affiliation", args=[request.pk]), {"organization": hostile}
        )
        assert refused.status_code in (302, 404), hostile
        request.refresh_from_db()
        assert request.status == "pending", hostile
    confirmed = staff_client.post(
        reverse("staff:confirm_affiliation", args=[request.pk]), {"organization": str(inap.pk)}
    )
    assert confirmed.status_code == 302
    request.refresh_from_db()
    assert request.status == "confirmed" and request.membership.organization == inap
    assert represented_organizations(person) == [inap]
    assert "Confirmado: habla en nombre de" in client.get(reverse("accounts:profile")).content.decode()

    # Now the form offers it, and the contribution says so in public.
    assert "Hablo en nombre de" in client.get(paragraph.get_absolute_url()).content.decode()
    client.post(
        version.get_contribute_url(),
        {
            "paragraph": str(paragraph.key),
            "kind": "comment",
            "text": "En nombre del INAP.",
            "organization": inap.pk,
        },
    )
    made = Contribution.objects.get(text="En nombre del INAP.")
    assert made.organization == inap
    page = Client().get(paragraph.get_absolute_url()).content.decode()
    assert "en nombre de Instituto Nacional de Administración Pública (INAP)" in page


def test_confirming_emails_the_person_in_their_language(
    imported_seed, staff, django_capture_on_commit_callbacks
):
    _client, _user, person = citizen()
    request = services.request_affiliation(person, "Una organización nueva", "Presidenta")
    assert request.organization is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_affiliation(request, create=True, by=staff)
    created = Organization.objects.get(name="Una organización nueva")
    assert Membership.objects.get(person=person).organization == created
    assert len(mail.outbox) == 1 and "Una organización nueva" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["rosa@example.org"]


def test_refusing_needs_a_reason_that_the_person_reads(
    imported_seed, staff_client, django_capture_on_commit_callbacks
):
    client, _user, person = citizen()
    request = services.request_affiliation(person, "Asociación Ficticia")
    url = reverse("staff:refuse_affiliation", args=[request.pk])
    assert staff_client.get(url).status_code == 200
    empty = staff_client.post(url, {"reason": "  "})
    assert empty.status_code == 400
    request.refresh_from_db()
    assert request.status == "pending"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(url, {"reason": "No figura en el registro de la asociación."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "refused" and not Membership.objects.filter(person=person).exists()
    assert "No figura en el registro" in mail.outbox[0].body
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "No figura en el registro de la asociación." in profile
    # Decided: neither screen acts on it again.
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(reverse("staff:confirm_affiliation", args=[request.pk]), {}).status_code == 404


def test_one_pending_request_at_a_time_and_the_person_may_withdraw_it(imported_seed):
    client, _user, person = citizen()
    client.post(reverse("accounts:request_organization"), {"organization": "Asociación Uno"})
    again = client.post(reverse("accounts:request_organization"), {"organization": "Asociación Dos"})
    assert again.status_code == 400 and "solicitud pendiente" in again.content.decode()
    pending = person.affiliation_requests.get()
    other, _u, _p = citizen(email="otra@example.org")
    assert other.post(reverse("accounts:withdraw_organization"), {"request": pending.pk}).status_code == 404
    assert client.post(reverse("accounts:withdraw_organization"), {"request": pending.pk}).status_code == 302
    pending.refresh_from_db()
    assert pending.status == "withdrawn"


@pytest.mark.parametrize(
    ("role", "scoped", "allowed"),
    [
        (None, False, False),  # a citizen
        (Role.MODERATOR, False, False),
        (Role.AUDITOR, False, False),
        (Role.EDITOR, True, False),
        (Role.COORDINATOR, True, True),
        (Role.ADMINISTRATOR, False, True),
    ],
)
def test_the_confirmation_screen_follows_the_named_rule(imported_seed, milestone, role, scoped, allowed):
    _citizen_client, _user, person = citizen()
    request = services.request_affiliation(person, "INAP")
    scope = {"commitment": milestone.commitment} if scoped else {}
    user = UserFactory(role=role, **scope) if role else UserFactory()
    client = Client()
    client.force_login(user)
    assert user.has_perm("participation.confirm_affiliation") is allowed
    expected = 200 if allowed else 403
    assert client.get(reverse("staff:affiliations")).status_code == expected
    response = client.post(reverse("staff:confirm_affiliation", args=[request.pk]), {"organization": ""})
    assert response.status_code == (302 if allowed else 403)
    request.refresh_from_db()
    assert request.status == "pending"  # no organisation chosen: nothing confirmed either way
    assert Client().get(reverse("staff:affiliations")).status_code == 302  # anonymous: sign in


def test_the_confirmation_screen_needs_the_second_factor(imported_seed, milestone):
    coordinator = UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment, two_step=False)
    client = Client()
    client.force_login(coordinator)
    assert client.get(reverse("staff:affiliations")).status_code in (302, 403)


def test_the_request_list_has_a_bounded_number_of_queries(
    imported_seed, staff_client, django_assert_max_num_queries
):
    for n in range(12):
        _c, _u, person = citizen(email=f"persona{n}@example.org", public_name=f"Persona {n}")
        services.request_affiliation(person, "INAP" if n % 2 else f"Colectivo {n}")
    staff_client.get(reverse("staff:affiliations"))
    with django_assert_max_num_queries(14):
        page = staff_client.get(reverse("staff:affiliations"))
    assert page.content.decode().count("Confirmar<span") == 12
    assert AffiliationRequest.objects.filter(status="pending").count() == 12
