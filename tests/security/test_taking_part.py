"""Reading unpublished content grants no right to take part in it.

The attack: the read-only auditor posted a contribution, an abuse report, a follow and a meeting
sign-up on an unpublished consultation. Each is refused now; the same person takes part in the
published consultation like any participant.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cocrea.drafts.models import AbuseReport, Contribution, Follow
from cocrea.participation.models import Registration
from tests.accounts.conftest import cocreation, world  # noqa: F401  (the fixture)
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpublished(world):  # noqa: F811
    objects, actors = world
    hidden = cocreation(objects["draft_milestone*"])
    meeting = MeetingFactory(milestone=objects["draft_milestone*"], title="Reunión en borrador")
    return hidden, meeting, actors


def _attempts(client, hidden, meeting):  # type: ignore[no-untyped-def]
    version, document, comment = hidden["open_version"], hidden["document"], hidden["contribution"]
    return {
        "contribution": client.post(version.get_contribute_url(), {"text": "Comentario de auditoría"}),
        "report": client.post(
            reverse("drafts:report_abuse", args=[comment.pk]), {"reason": "Reporte de auditoría"}
        ),
        "follow": client.post(document.get_follow_url()),
        "signup": client.post(reverse("participation:signup", args=[meeting.pk])),
    }


@pytest.mark.parametrize("actor", ["auditor", "administrator", "coordinator_commitment_99"])
def test_staff_who_read_an_unpublished_consultation_do_not_take_part(client, unpublished, actor):
    hidden, meeting, actors = unpublished
    client.force_login(actors[actor])
    assert client.get(hidden["open_version"].get_absolute_url()).status_code == 200  # they read it
    before = (Contribution.objects.count(), AbuseReport.objects.count(), Follow.objects.count())
    for what, response in _attempts(client, hidden, meeting).items():
        assert response.status_code in (403, 404), (what, response.status_code)
    assert (Contribution.objects.count(), AbuseReport.objects.count(), Follow.objects.count()) == before
    assert not Registration.objects.filter(meeting=meeting).exists()
    page = client.get(hidden["open_version"].get_absolute_url()).content.decode()
    assert 'name="text"' not in page  # no comment form offered
    assert (
        "Inscribirme" not in client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    )


def test_the_same_auditor_takes_part_where_it_is_public(client, world):  # noqa: F811
    objects, actors = world
    client.force_login(actors["auditor"])
    version = objects["open_version"]
    response = client.post(version.get_contribute_url(), {"text": "Comentario público"})
    assert response.status_code == 302
    assert Contribution.objects.filter(text="Comentario público").exists()
    assert client.post(objects["document"].get_follow_url()).status_code == 302
    assert Follow.objects.filter(user=actors["auditor"]).exists()
