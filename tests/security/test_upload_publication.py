"""A stored file is served only where every object holding it may be read.

The attack: the evidence inline listed every stored upload as a choice; attaching another
institution's unpublished meeting document as evidence on a public activity made
``/evidencia/<id>/`` serve it to anonymous visitors.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cocrea.core.uploads import holders, may_read_upload, store_upload
from cocrea.participation.models import MeetingDocument
from cocrea.plans.models import Evidence, ProgressEntry
from tests.accounts.conftest import world  # noqa: F401  (the fixture)
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(world, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    objects, actors = world
    secret_meeting = MeetingFactory(milestone=objects["draft_milestone*"], title="Reunión reservada")
    secret = store_upload(
        b"%PDF-1.4 acta reservada", original_name="reservada.pdf", owner=None, purpose="meeting"
    )
    MeetingDocument.objects.create(meeting=secret_meeting, title="Acta reservada", upload=secret)
    entry = ProgressEntry.objects.create(
        activity=objects["activity"], day=date(2019, 6, 1), percent_complete=10, status="in_progress"
    )
    public = store_upload(
        b"%PDF-1.4 evidencia", original_name="evidencia.pdf", owner=None, purpose="evidence"
    )
    own = Evidence.objects.create(entry=entry, title="Evidencia propia", upload=public)
    # What the admin's inline allowed: the unpublished document's file attached as public evidence.
    stolen = Evidence.objects.create(entry=entry, title="Evidencia robada", upload=secret)
    return {"secret": secret, "own": own, "stolen": stolen, "entry": entry, "actors": actors}


def test_a_file_attached_elsewhere_is_not_published_by_the_attachment(client, files):
    assert objects_holding(files["secret"]) == 2
    response = client.get(reverse("portal:evidence", args=[files["stolen"].pk]))
    assert response.status_code == 404
    assert client.get(reverse("portal:evidence", args=[files["own"].pk])).status_code == 200


def test_staff_who_read_every_holder_still_get_the_file(client, files):
    client.force_login(files["actors"]["auditor"])
    assert client.get(reverse("portal:evidence", args=[files["stolen"].pk])).status_code == 200
    client.force_login(files["actors"]["editor_commitment_11"])  # reads 11.1, not commitment 99
    assert client.get(reverse("portal:evidence", args=[files["stolen"].pk])).status_code == 404


def test_the_rule_is_the_same_for_meeting_documents(files):
    from django.contrib.auth.models import AnonymousUser

    assert not may_read_upload(AnonymousUser(), files["secret"])
    assert may_read_upload(AnonymousUser(), files["own"].upload)


def test_a_file_nothing_holds_is_served_to_nobody(files):
    from django.contrib.auth.models import AnonymousUser

    loose = store_upload(b"%PDF-1.4 suelto", original_name="suelto.pdf", owner=None, purpose="plan")
    assert holders(loose) == []
    assert not may_read_upload(AnonymousUser(), loose)
    assert not may_read_upload(files["actors"]["administrator"], loose)


def objects_holding(upload):  # type: ignore[no-untyped-def]
    return len(holders(upload))
