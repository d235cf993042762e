"""Merging two people asks first, on its own page (#12, item 4): the two records side by side, what
moves and what stays; a POST without ``confirm=1`` merges nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.participation.models import Attendance, Membership, Person, PersonMerge
from cocrea.participation.services import record_attendance, record_consent, register_person
from cocrea.plans.models import Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(imported_seed):
    """Juan Carlos Gómez (kept) and "Juan Gómez" from a sign-in sheet: two meetings, one shared."""
    milestone = imported_seed.milestone
    inap = Organization.objects.get(acronym="INAP")
    keep = register_person(name="Juan Carlos Gómez", email="juan@example.org")
    duplicate = register_person(name="Juan Gómez", phone="+502 5555 0101")
    first, second = list(milestone.meetings.order_by("position")[:2])
    record_attendance(first, keep, inap)
    record_attendance(first, duplicate, inap)  # the same meeting: stays, counted once
    record_attendance(second, duplicate, inap)  # moves
    Membership.objects.create(person=duplicate, organization=inap, role="Analista")
    record_consent(duplicate, purpose="statistics", text_version="1", by=None)
    return {"keep": keep, "duplicate": duplicate, "milestone": milestone}


def _url(keep, duplicate) -> str:
    return f"{reverse('staff:duplicates')}?keep={keep.pk}&duplicate={duplicate.pk}"


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _merged(person) -> bool:
    return Person.objects.get(pk=person.pk).merged_into_id is not None


def test_the_duplicates_screen_leads_to_the_confirmation(staff_client, pair):
    page = staff_client.get(reverse("staff:duplicates")).content.decode()
    # A GET form to the confirmation page, its button not the primary style.
    form = re.search(r'<form method="get"[^>]*>.*?</form>', page, re.S)
    assert form, page
    assert f'name="keep" value="{pair["keep"].pk}"' in form.group(0)
    assert 'class="button-quiet-danger"' in form.group(0)
    assert not re.search(r'<form method="post"', page)


def test_the_confirmation_shows_both_people_and_what_moves(staff_client, pair):
    response = staff_client.get(_url(pair["keep"], pair["duplicate"]))
    assert response.status_code == 200
    text = _text(response)
    assert "¿Fusionar «Juan Gómez» en «Juan Carlos Gómez»?" in text
    # Side by side.
    assert "Se conserva Juan Carlos Gómez" in text and "Se fusiona Juan Gómez" in text
    assert "juan@example.org" in text and "+502 5555 0101" in text  # staff who may see contacts
    # What will happen, with the counts.
    assert "1 asistencia pasa a «Juan Carlos Gómez»" in text
    assert "1 asistencia ya consta en «Juan Carlos Gómez» (la misma reunión)" in text
    assert "1 representación pasa a «Juan Carlos Gómez»" in text
    assert "1 consentimiento pasa a «Juan Carlos Gómez»" in text
    assert "«Juan Carlos Gómez» recibe el teléfono" in text
    assert "Se puede deshacer desde la ficha de «Juan Gómez»" in text
    html = response.content.decode()
    assert 'name="confirm" value="1"' in html
    assert f'name="duplicate" value="{pair["duplicate"].pk}"' in html
    assert 'class="button-danger">Fusionar</button>' in html
    assert f'href="{reverse("staff:duplicates")}" class="button button-secondary">Cancelar' in html


def test_the_confirmation_costs_a_bounded_number_of_queries(
    staff_client, pair, django_assert_max_num_queries
):
    with django_assert_max_num_queries(18):
        assert staff_client.get(_url(pair["keep"], pair["duplicate"])).status_code == 200


def test_a_post_without_the_confirmation_does_not_merge(staff_client, pair):
    response = staff_client.post(
        reverse("staff:duplicates"), {"keep": pair["keep"].pk, "duplicate": pair["duplicate"].pk}
    )
    assert response.status_code == 200
    assert "¿Fusionar «Juan Gómez» en «Juan Carlos Gómez»?" in _text(response)
    assert not _merged(pair["duplicate"])
    assert not PersonMerge.objects.exists()


def test_merging_with_the_confirmation(staff_client, staff, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    response = staff_client.post(
        reverse("staff:duplicates"), {"keep": keep.pk, "duplicate": duplicate.pk, "confirm": "1"}, follow=True
    )
    assert response.redirect_chain == [(reverse("staff:duplicates"), 302)]
    assert "Se fusionaron «Juan Gómez» en «Juan Carlos Gómez»" in _text(response)
    assert Person.objects.get(pk=duplicate.pk).merged_into_id == keep.pk
    assert Attendance.objects.filter(person=keep).count() == 2
    assert PersonMerge.objects.get(duplicate=duplicate).merged_by == staff


def test_a_pair_that_cannot_be_merged_is_explained_without_a_button(staff_client, pair, django_user_model):
    user = django_user_model.objects.create_user("juan", "juan.g@example.org", "x-Strong-Pass-42")
    duplicate = pair["duplicate"]
    Person.objects.filter(pk=duplicate.pk).update(user=user)
    response = staff_client.get(_url(pair["keep"], duplicate))
    assert response.status_code == 200
    assert "tiene una cuenta en Cocrea" in _text(response)
    assert "button-danger" not in response.content.decode()
    post = staff_client.post(
        reverse("staff:duplicates"), {"keep": pair["keep"].pk, "duplicate": duplicate.pk, "confirm": "1"}
    )
    assert post.status_code == 400
    assert not _merged(duplicate)


def test_unknown_people_are_404(staff_client, pair):
    assert (
        staff_client.get(
            f"{reverse('staff:duplicates')}?keep=999999&duplicate={pair['duplicate'].pk}"
        ).status_code
        == 404
    )
    assert staff_client.get(f"{reverse('staff:duplicates')}?keep=x&duplicate=").status_code == 404


def test_an_editor_may_not_merge(client, pair):
    client.force_login(UserFactory(role=Role.EDITOR, milestone=pair["milestone"]))
    assert client.get(_url(pair["keep"], pair["duplicate"])).status_code == 403
    response = client.post(
        reverse("staff:duplicates"),
        {"keep": pair["keep"].pk, "duplicate": pair["duplicate"].pk, "confirm": "1"},
    )
    assert response.status_code == 403
    assert not _merged(pair["duplicate"])


def test_a_moderator_may_not_merge_and_a_coordinator_may(client, pair):
    client.force_login(UserFactory(role=Role.MODERATOR))
    assert client.get(_url(pair["keep"], pair["duplicate"])).status_code == 403
    ids = {"keep": pair["keep"].pk, "duplicate": pair["duplicate"].pk, "confirm": "1"}
    assert client.post(reverse("staff:duplicates"), ids).status_code == 403
    assert not _merged(pair["duplicate"])
    client.force_login(UserFactory(role=Role.COORDINATOR, commitment=pair["milestone"].commitment))
    assert client.get(_url(pair["keep"], pair["duplicate"])).status_code == 200
    assert client.post(reverse("staff:duplicates"), ids).status_code == 302
    assert _merged(pair["duplicate"])
