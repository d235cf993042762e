"""Staff find their way (issue #12, section 9): the profile shows the roles a person really holds,
the header leads staff to the staff area and administrators to the admin, and the first sign-in
of a staff member (password, two-step set-up, recovery codes) ends with a way forward to the page
they were going to."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from cocrea.accounts.middleware import AFTER_TWO_STEP
from cocrea.accounts.models import Role
from cocrea.plans.models import Organization
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PARTICIPANT_TEXT = "Participante: puede seguir los planes publicados"


def profile(client, user, language=None):
    client.force_login(user)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    return response.content.decode()


def header(html):
    return html[html.index('<header class="site-header">') : html.index("</header>")]


def staff_home():
    try:
        return reverse("staff:home")
    except NoReverseMatch:
        return None


# --- the profile's roles -----------------------------------------------------------------------


def test_a_participant_is_a_participant(client):
    html = profile(client, UserFactory())
    assert PARTICIPANT_TEXT in html
    assert "Administrador" not in html
    assert reverse("admin:index") not in html


def test_a_superuser_is_an_administrator_not_a_participant(client):
    html = profile(client, StaffFactory())
    assert "Administrador de toda la plataforma" in html
    assert PARTICIPANT_TEXT not in html
    assert reverse("admin:index") in html


def test_a_coordinator_sees_the_commitment_they_coordinate(client, milestone):
    commitment = milestone.commitment
    html = profile(client, UserFactory(role=Role.COORDINATOR, commitment=commitment))
    assert f"Coordinador del compromiso {commitment}" in html
    assert f'href="{commitment.get_absolute_url()}"' in html
    assert PARTICIPANT_TEXT not in html
    assert reverse("admin:index") not in html  # the admin is not theirs


def test_a_point_of_contact_and_a_liaison_see_what_their_roles_apply_to(client, milestone):
    commitment = milestone.commitment
    plan = commitment.action_plan
    html = profile(client, UserFactory(role=Role.POINT_OF_CONTACT, action_plan=plan))
    assert f"Punto de contacto del plan {plan}" in html
    assert f'href="{plan.get_absolute_url()}"' in html
    inap = Organization.objects.get(acronym="INAP")
    html = profile(client, UserFactory(role=Role.LIAISON, commitment=commitment, organization=inap))
    assert f"Enlace de {inap} en el compromiso {commitment}" in html
    assert "Editor" not in html
    assert f'href="{commitment.get_absolute_url()}"' in html


def test_every_role_a_person_holds_is_listed(client, milestone):
    inap = Organization.objects.get(acronym="INAP")
    user = UserFactory(role=Role.EDITOR, organization=inap)
    from cocrea.accounts.services import grant_role

    grant_role(user, Role.EDITOR, milestone=milestone)
    grant_role(user, Role.MODERATOR)
    html = profile(client, user)
    assert f"Editor por la organización {inap}" in html
    assert f"Editor del hito {milestone}" in html
    assert f'href="{milestone.get_absolute_url()}"' in html
    assert "Moderador de las consultas" in html
    assert PARTICIPANT_TEXT not in html


def test_an_auditor_reads_the_admin(client):
    html = profile(client, UserFactory(role=Role.AUDITOR))
    assert "Auditor: lee toda la plataforma" in html
    assert reverse("admin:index") in html


def test_staff_without_two_step_verification_are_told_to_set_it_up(client, milestone):
    html = profile(
        client, UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment, two_step=False)
    )
    assert "active antes la verificación en dos pasos" in html
    assert reverse("mfa_activate_totp") in html


def test_the_profile_in_english(client):
    html = profile(client, StaffFactory(), language="en")
    assert '<html lang="en">' in html
    assert "My account" in html
    assert PARTICIPANT_TEXT not in html


# --- the header -----------------------------------------------------------------------------------


def test_the_header_offers_a_participant_neither_staff_area_nor_admin(client):
    top = header(profile(client, UserFactory()))
    assert "Gestión" not in top
    assert reverse("admin:index") not in top


def test_the_header_leads_staff_to_the_staff_area_and_only_administrators_to_the_admin(client, milestone):
    coordinator = header(profile(client, UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment)))
    administrator = header(profile(client, StaffFactory()))
    assert reverse("admin:index") not in coordinator
    assert f'href="{reverse("admin:index")}"' in administrator
    if staff_home():
        assert f'href="{staff_home()}"' in coordinator
        assert f'href="{staff_home()}"' in administrator


# --- the first sign-in --------------------------------------------------------------------------


def current_code(secret):
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))  # now


def test_a_staff_members_first_sign_in_ends_where_they_were_going(client, milestone):
    user = UserFactory(
        role=Role.COORDINATOR, commitment=milestone.commitment, two_step=False, verified_email=True
    )
    signed_in = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    wanted = reverse("staff:milestone", args=[milestone.pk])

    # A staff screen first asks for two-step verification, and remembers the screen.
    asked = client.get(wanted)
    assert asked.status_code == 302
    assert asked["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password once more before a new second factor is added.
    again = client.get(asked["Location"])
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(again["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302
    form = client.get(reverse("mfa_activate_totp"))
    assert form.status_code == 200
    secret = form.context["form"].secret
    activated = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    # The recovery codes, what they are for, and "Continuar".
    codes = client.get(activated["Location"])
    assert codes.status_code == 200
    html = codes.content.decode()
    assert "Guarde estos códigos en un lugar seguro" in html
    match = re.search(r'<a class="button button-primary" href="([^"]+)">Continuar</a>', html)
    assert match and match.group(1) == reverse("accounts:continue")

    onward = client.get(match.group(1))
    assert onward.status_code == 302
    assert onward["Location"] == wanted
    assert client.get(wanted).status_code == 200


def test_continue_without_a_remembered_page_leads_staff_on_and_participants_to_their_profile(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:continue"))["Location"] == reverse("accounts:profile")
    client.force_login(StaffFactory())
    expected = staff_home() or reverse("accounts:profile")
    assert client.get(reverse("accounts:continue"))["Location"] == expected


def test_continue_never_leaves_the_site(client):
    client.force_login(StaffFactory())
    session = client.session
    session[AFTER_TWO_STEP] = "https://elsewhere.example/gestion/"
    session.save()
    assert "elsewhere.example" not in client.get(reverse("accounts:continue"))["Location"]
