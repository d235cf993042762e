"""Control characters in addresses are refused, and bidirectional controls never reach a page.

The attacks: a NUL byte in a URL gave anonymous users a 500 on PostgreSQL
(``…/compromisos/11%00/`` and four others; ``?buscar=a%00b`` for staff); a name with a
right-to-left override showed reversed on the pages and in exports.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocrea.core.safety import safe_cell, without_bidi_controls

pytestmark = pytest.mark.django_db

RLO, PDF, LRI, PDI = "\u202e", "\u202c", "\u2066", "\u2069"


def _pages(milestone):  # type: ignore[no-untyped-def]
    commitment = milestone.commitment
    return [
        "/",
        commitment.action_plan.get_absolute_url(),
        commitment.get_absolute_url(),
        milestone.get_absolute_url(),
        milestone.get_schedule_url(),
        milestone.get_check_url(),
        milestone.get_absolute_url() + "tablero/",
        milestone.get_absolute_url() + "historial/",
        milestone.get_absolute_url() + "documentos/",
        "/catalogo/",
    ]


@pytest.mark.parametrize("poison", ["%00", "%01", "%1b", "%7f"])
def test_a_control_character_in_any_path_segment_is_a_400(client, milestone, poison):
    for page in _pages(milestone):
        segments = page.strip("/").split("/")
        for index in range(len(segments)):
            poisoned = segments.copy()
            poisoned[index] = poisoned[index] + poison
            url = "/" + "/".join(poisoned) + "/"
            assert client.get(url).status_code == 400, url


def test_the_reported_addresses(client, milestone):
    commitment = milestone.commitment
    plan = commitment.action_plan.slug
    for url in (
        f"/planes/{plan}/compromisos/11%00/",
        f"/planes/{plan}%00/",
        f"/planes/{plan}/compromisos/11/hitos/1%00/",
        f"/planes/{plan}/compromisos/11/hitos/1/cronograma/?hoy=2019-10-15%00",
        f"/planes/{plan}/compromisos/11/hitos/1/tablero/?fecha=%00",
        "/catalogo/?buscar=a%00b",
    ):
        assert client.get(url).status_code == 400, url


def test_a_nul_in_a_staff_search_is_a_400(staff_client, milestone):
    assert staff_client.get(reverse("staff:people"), {"buscar": "a\x00b"}).status_code == 400
    assert staff_client.get(reverse("staff:people"), {"buscar": "ab"}).status_code == 200


def test_tabs_and_newlines_in_queries_still_work(client, milestone):
    assert client.get(milestone.get_schedule_url(), {"hoy": "2019-10-15\n"}).status_code == 200


def test_a_nul_in_a_form_field_is_a_form_error_not_a_500(client, milestone, django_user_model):
    from cocrea.participation.models import Meeting

    user = django_user_model.objects.create_user("rosa", "rosa@example.org", "x-Strong-Pass-42")
    client.force_login(user)
    meeting = Meeting.objects.filter(milestone=milestone).first()
    response = client.post(reverse("participation:signup", args=[meeting.pk]), {"action": "x\x00y"})
    assert response.status_code < 500


def test_bidirectional_controls_are_removed_from_pages_and_cells(client, milestone):
    from cocrea.participation.services import register_person

    activity = milestone.activities.first()
    activity.title = f"Taller {RLO}odinetnoc{PDF} y {LRI}aislado{PDI}"
    activity.save()
    response = client.get(milestone.get_absolute_url())
    html = response.content.decode()
    assert int(response["Content-Length"]) == len(response.content)  # what is sent is what is said
    assert "Taller odinetnoc y aislado" in html
    for control in (RLO, PDF, LRI, PDI):
        assert control not in html
    assert safe_cell(f"{RLO}=1+1") == "'=1+1"
    assert without_bidi_controls(f"a{RLO}b\u200fc") == "ab\u200fc"  # the plain marks stay
    register_person(name=f"Ana {RLO}zepéP")
