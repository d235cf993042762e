"""Two-step verification guards every staff privilege, whatever screen granted the role.

The attacks: (a) a role granted through the admin did not mark the account as staff, so it reached
``/gestion/`` without two-step verification and without the idle limit; (b) staff without two-step
verification read unpublished drafts, dashboards and reports on public URLs.
"""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings

from cocrea.accounts.models import Role, RoleAssignment
from tests.accounts.conftest import world  # noqa: F401  (the fixture)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _user(django_user_model, name):  # type: ignore[no-untyped-def]
    return UserFactory(username=name)  # no role yet, no second factor


def test_a_role_written_as_a_row_makes_the_account_staff(client, world, django_user_model):  # noqa: F811
    objects, _ = world
    user = _user(django_user_model, "viaadmin")
    # What the admin's role-assignment form does: a plain row, no service.
    assignment = RoleAssignment.objects.create(
        user=user, role=Role.COORDINATOR, commitment=objects["commitment"]
    )
    user.refresh_from_db()
    assert user.is_staff
    client.force_login(user)
    response = client.get(f"/gestion/hito/{objects['milestone'].pk}/")
    assert response.status_code == 302
    assert "totp" in response["Location"]
    assert client.session.get_expiry_age() == settings.STAFF_IDLE_SECONDS
    assignment.delete()
    user.refresh_from_db()
    assert not user.is_staff


def test_a_person_keeps_staff_while_one_staff_role_remains(world, django_user_model):  # noqa: F811
    from cocrea.accounts.services import grant_role

    user = _user(django_user_model, "tworoles")
    grant_role(user, Role.MODERATOR)
    auditor = grant_role(user, Role.AUDITOR)
    auditor.delete()
    user.refresh_from_db()
    assert user.is_staff


@pytest.mark.parametrize("role", ["auditor", "administrator", "coordinator_commitment_99"])
def test_unpublished_pages_need_the_second_factor(client, world, role, django_user_model):  # noqa: F811
    """The same roles read the unpublished commitment 99 with two-step verification, not without."""
    from allauth.mfa.models import Authenticator

    objects, actors = world
    user = actors[role]
    draft = objects["draft_milestone*"]
    urls = [
        draft.commitment.get_absolute_url(),
        draft.get_absolute_url(),
        draft.get_schedule_url(),
        draft.get_check_url(),
        draft.get_absolute_url() + "tablero/",
        draft.get_absolute_url() + "historial/",
    ]
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 200, url
    Authenticator.objects.filter(user=user).delete()
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert "Compromiso en borrador" not in client.get("/").content.decode()


def test_an_unpublished_draft_version_needs_the_second_factor(client, world):  # noqa: F811
    from allauth.mfa.models import Authenticator

    objects, actors = world
    version = objects["draft_version*"]
    editor = actors["editor_commitment_11"]
    client.force_login(editor)
    url = version.get_absolute_url()
    assert client.get(url).status_code == 200
    Authenticator.objects.filter(user=editor).delete()
    client.force_login(editor)
    assert client.get(url).status_code == 404
    assert editor.has_perm("drafts.view_documentversion", objects["open_version"])  # public stays public


def test_a_new_staff_account_is_gated_at_once(client, world, django_user_model):  # noqa: F811
    """Granted a role, the account is asked for the second factor at its very next request."""
    from cocrea.accounts.services import grant_role

    user = _user(django_user_model, "newstaff")
    client.force_login(user)
    assert client.get("/gestion/").status_code in (302, 403, 404)
    grant_role(user, Role.AUDITOR)
    response = client.get("/admin/")
    assert response.status_code == 302 and "totp" in response["Location"]
    TOTP.activate(user, generate_totp_secret())
    assert client.get("/admin/").status_code == 200
