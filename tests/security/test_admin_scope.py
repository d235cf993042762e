"""The admin, walked for every registered model × role × screen (changelist, add, change, delete).

The attack it reproduces: an editor whose organisation answers for nothing listed every object in
13 changelists (unpublished commitments, registrations with names, contributions, expenditures),
added an activity to another institution's milestone and moved objects out of scope. The admin
is now the administrators' tool (auditors read); every other role is refused, and nothing a
refused request sends is written.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from cocrea.accounts.models import Role
from tests.accounts.conftest import world  # noqa: F401  (the fixture)
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

REFUSED = (
    "participant",
    "moderator",
    "editor_inap",
    "editor_commitment_11",
    "coordinator_commitment_11",
    "coordinator_commitment_99",
)


SIGN_IN_RECORDS = {"sessions.Session", "axes.AccessLog"}  # written by signing the actors in


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in SIGN_IN_RECORDS
    }


def _screens(model, obj):  # type: ignore[no-untyped-def]
    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    screens = [("changelist", reverse(f"{prefix}_changelist"), None)]
    screens.append(("add", reverse(f"{prefix}_add"), None))
    if obj is not None:
        screens.append(("change", reverse(f"{prefix}_change", args=[obj.pk]), None))
        screens.append(("history", reverse(f"{prefix}_history", args=[obj.pk]), None))
        screens.append(("delete", reverse(f"{prefix}_delete", args=[obj.pk]), {"post": "yes"}))
    return screens


def _objects():  # type: ignore[no-untyped-def]
    for model in admin.site._registry:
        yield model, model._default_manager.order_by("pk").first()


@pytest.mark.slow
def test_every_admin_screen_refuses_every_scoped_role(client, world):  # noqa: F811
    _, actors = world
    before = _counts()
    cells = 0
    for actor in REFUSED:
        client.force_login(actors[actor])
        for model, obj in _objects():
            for screen, url, extra in _screens(model, obj):
                get = client.get(url)
                assert get.status_code == 403, (actor, model._meta.label, screen, get.status_code)
                post = client.post(url, extra or {"title": "Inyectado", "name": "Inyectado", "text": "x"})
                assert post.status_code == 403, (actor, model._meta.label, screen, post.status_code)
                cells += 2
        # The index and the app lists show nothing either; the refusal is a page of the site.
        index = client.get(reverse("admin:index"))
        assert index.status_code == 403
        assert "Acceso no permitido" in index.content.decode()
        assert "pantallas de gestión" in index.content.decode()
    assert _counts() == before
    assert cells > 6 * 20 * 8


def test_the_anonymous_visitor_is_sent_to_sign_in(client, world):  # noqa: F811
    for model, obj in _objects():
        for _screen, url, extra in _screens(model, obj):
            response = client.post(url, extra or {})
            assert response.status_code == 302
            assert "/login/" in response["Location"]


def test_auditors_read_and_cannot_write(client, world):  # noqa: F811
    _, actors = world
    client.force_login(actors["auditor"])
    before = _counts()
    readable = 0
    for model, obj in _objects():
        for screen, url, extra in _screens(model, obj):
            if screen in ("changelist", "change") and client.get(url).status_code == 200:
                readable += 1
            post = client.post(url, extra or {"title": "x"})
            assert post.status_code == 403, (model._meta.label, screen)
    assert readable >= 20  # plans, budget, participation, drafts, catalogue, audit
    assert _counts() == before


def test_an_auditor_without_two_step_verification_does_not_enter(client, world):  # noqa: F811
    client.force_login(UserFactory(username="aud2", role=Role.AUDITOR, two_step=False))
    response = client.get(reverse("admin:plans_activity_changelist"))
    assert response.status_code == 302  # the staff gate: set up two-step verification first
    assert "/cuenta/2fa/" in response["Location"] or "totp" in response["Location"]


@pytest.mark.slow
def test_administrators_use_every_admin_screen(client, world):  # noqa: F811
    _, actors = world
    client.force_login(actors["administrator"])
    for model, obj in _objects():
        for screen, url, _extra in _screens(model, obj):
            if screen == "delete":
                continue
            status = client.get(url).status_code
            # 403 only where the admin itself offers no such screen (audit entries, uploads).
            assert status in (200, 403), (model._meta.label, screen, status)
        assert client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        ).status_code in (
            200,
            403,
        )


def test_the_injected_activity_of_the_report_is_refused(client, world):  # noqa: F811
    """An editor of an organisation that answers for nothing adds an activity to milestone 11.1."""
    from cocrea.plans.models import Activity

    objects, _ = world
    nobody = OrganizationFactory(name="Organización sin actividades", acronym="OSA")
    client.force_login(UserFactory(username="osa", role=Role.EDITOR, organization=nobody))
    milestone = objects["milestone"]
    before = Activity.objects.count()
    response = client.post(
        reverse("admin:plans_activity_add"),
        {"milestone": milestone.pk, "position": 50, "title": "Actividad inyectada", "weight": "1"},
    )
    assert response.status_code == 403
    assert Activity.objects.count() == before
    assert "Actividad inyectada" not in client.get(milestone.get_absolute_url()).content.decode()
