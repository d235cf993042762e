"""Public pages' kept blocks (cocrea/core/content.py, README "Cache").

A public page's own blocks are kept under the versions of what it shows and served to everyone
who sees the public version: visitors not signed in (when the page cache misses or is off) and
people signed in without a role, inside their own header. The page is byte for byte the page built
without them; staff get the page built for them; a write shows on the next request. Runs on SQLite
and on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cocrea.accounts.models import Role, RoleAssignment
from cocrea.participation import services as participation
from cocrea.participation.models import Meeting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept(settings, empty_page_caches):  # type: ignore[no-untyped-def]
    """The page cache off (every request reaches the view), the kept blocks on."""
    settings.PAGE_CACHE = False
    settings.CONTENT_CACHE = True


@pytest.fixture
def citizen_client():  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(UserFactory(email="lucia@example.org", username="lucia"))
    return client


def pages(milestone, version=None):  # type: ignore[no-untyped-def]
    commitment = milestone.commitment
    found = [
        reverse("portal:home"),
        commitment.action_plan.get_absolute_url(),
        reverse("portal:tracker", args=[commitment.action_plan.slug]),
        commitment.get_absolute_url(),
        milestone.get_absolute_url(),
        milestone.get_schedule_url(),
        milestone.get_dashboard_url(),
        milestone.get_check_url(),
        milestone.get_history_url(),
        reverse("catalogue:entries"),
    ]
    if version is not None:
        found += [version.get_absolute_url(), version.get_report_url()]
    return found


def test_a_kept_page_is_the_page_built_without_them(kept, settings, sample_cocreation, milestone):
    client = Client()
    for url in pages(milestone, sample_cocreation.versions[0]):
        settings.CONTENT_CACHE = False
        built = client.get(url)
        settings.CONTENT_CACHE = True
        first, second = client.get(url), client.get(url)  # kept, then from what was kept
        assert built.status_code == first.status_code == second.status_code == 200, url
        assert built.content == first.content == second.content, url


def test_a_visitor_is_served_the_kept_blocks_without_the_database(kept, milestone, django_assert_num_queries):
    client = Client()
    for url in pages(milestone):
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200, url


def test_a_citizen_signed_in_gets_them_in_their_own_header(
    kept, milestone, citizen_client, django_assert_max_num_queries
):
    url = milestone.get_dashboard_url()
    anonymous = Client().get(url).content.decode()
    # Their session, their account and their roles: no query of the page's own, and none for the
    # header's staff links (a citizen has no staff flag).
    with django_assert_max_num_queries(3):
        mine = citizen_client.get(url).content.decode()
    assert "Cerrar sesión" in mine and "Cerrar sesión" not in anonymous
    assert mine.split('<main id="main"')[1] == anonymous.split('<main id="main"')[1]


def test_pages_that_change_once_signed_in_are_built_for_them(kept, milestone, citizen_client):
    meeting = Meeting.objects.filter(milestone=milestone).order_by("pk").first()
    url = reverse("participation:meeting", args=[meeting.pk])
    Client().get(url)  # kept for visitors not signed in
    with CaptureQueriesContext(connection) as queries:
        assert citizen_client.get(url).status_code == 200
    assert any("participation_meeting" in query["sql"] for query in queries.captured_queries)


def test_staff_get_the_page_built_for_them(kept, milestone, staff, django_assert_max_num_queries):
    client = Client()
    client.force_login(staff)
    url = milestone.get_absolute_url()
    Client().get(url)  # kept for the public
    page = client.get(url).content.decode()
    assert "Registrar la ejecución" in page  # the staff link the public page does not have
    assert "Registrar la ejecución" not in Client().get(url).content.decode()


def test_a_person_with_any_role_is_not_the_public(kept, milestone, citizen_client):
    from cocrea.accounts.rules import sees_as_the_public

    user = citizen_client.session["_auth_user_id"]
    person = UserFactory._meta.model.objects.get(pk=user)
    assert sees_as_the_public(person)
    RoleAssignment.objects.create(user=person, role=Role.EDITOR, milestone=milestone)
    person = UserFactory._meta.model.objects.get(pk=user)  # roles are read once per user object
    assert not sees_as_the_public(person)


def test_a_write_shows_on_the_next_request_to_everyone(kept, committed, milestone, staff, citizen_client):
    meeting = Meeting.objects.filter(milestone=milestone).order_by("pk").first()
    url = milestone.get_schedule_url()
    for client in (Client(), citizen_client):
        assert "Reunión renombrada" not in client.get(url).content.decode()
    with committed():
        from cocrea.participation.services.schedule import edit_meeting

        edit_meeting(
            meeting,
            expected_version=meeting.edit_version,
            title="Reunión renombrada",
            kind=meeting.kind,
            place=meeting.place,
            capacity=meeting.capacity,
            description=meeting.description,
            by=staff,
        )
    for client in (Client(), citizen_client):
        assert "Reunión renombrada" in client.get(url).content.decode()


def test_each_language_and_day_is_its_own_entry(kept, milestone, settings):
    url = milestone.get_dashboard_url()
    spanish = Client().get(url).content.decode()
    english_client = Client()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get(url).content.decode()
    assert "Tablero" in spanish and "Dashboard" in english and "Tablero" not in english


def test_blocks_with_a_token_are_never_kept(kept, rf, milestone):
    from django.contrib.auth.models import AnonymousUser
    from django.middleware.csrf import get_token
    from django.urls import resolve

    from cocrea.core.content import render_public

    built = []

    def build():  # type: ignore[no-untyped-def]
        built.append(1)
        get_token(request)  # a form on the page: this visitor's token
        return "plans/plan_check.html", {"milestone": milestone, "commitment": milestone.commitment}

    for _ in range(2):
        request = rf.get(milestone.get_check_url(), HTTP_HOST="testserver")
        request.resolver_match = resolve(request.path)
        request.user = AnonymousUser()
        render_public(request, build)
    assert len(built) == 2


def test_writes_elsewhere_leave_the_blocks_kept(kept, committed, milestone, staff, django_assert_num_queries):
    """Exact: a new agenda point in a meeting does not touch the catalogue."""
    meeting = Meeting.objects.filter(milestone=milestone).order_by("pk").first()
    url = reverse("catalogue:entries")
    client = Client()
    client.get(url)
    with committed():
        participation.add_agenda_item(meeting, title="Otro punto", by=staff)
    with django_assert_num_queries(0):
        client.get(url)


def test_they_are_kept_as_long_as_a_page(kept, milestone, settings, monkeypatch):
    """What changes with time alone (a consultation closing at its hour) is at most
    PAGE_CACHE_SECONDS old, as on a page from the page cache."""
    from django.core.cache.backends import locmem

    url = reverse("portal:home")
    client = Client()
    client.get(url)
    now = locmem.time.time()
    monkeypatch.setattr(locmem.time, "time", lambda: now + settings.PAGE_CACHE_SECONDS - 1)
    with CaptureQueriesContext(connection) as fresh:
        client.get(url)
    monkeypatch.setattr(locmem.time, "time", lambda: now + settings.PAGE_CACHE_SECONDS + 1)
    with CaptureQueriesContext(connection) as rebuilt:
        client.get(url)
    assert not fresh.captured_queries and rebuilt.captured_queries
