"""Importing a work plan from the staff screen: upload, check, preview, confirm."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.core.models import Upload
from cocrea.plans.models import Milestone
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name: str = "plan.txt"):
    return client.post(reverse("staff:import_plan"), {"file": SimpleUploadedFile(name, content)})


def test_a_staff_member_previews_then_imports(staff_client, staff, seed_bytes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = upload(staff_client, seed_bytes)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 hallazgo" in html and "activity" not in html.lower().split("hallazgo")[0][-5:]
    assert not Milestone.objects.exists(), "the preview writes no plan"
    stored = Upload.objects.get()
    assert stored.kind == "text" and stored.size == len(seed_bytes)
    assert str(stored.pk) in stored.file.name and "plan.txt" not in stored.file.name  # generated name
    confirm = staff_client.post(reverse("staff:import_plan_confirm", args=[stored.pk]), {"publish": "1"})
    milestone = Milestone.objects.get()
    assert confirm.status_code == 302 and confirm["Location"] == milestone.get_check_url()
    assert milestone.is_public
    entries = AuditEntry.objects.filter(source="import")  # a plan import, whoever runs it
    assert entries.exists() and {e.actor for e in entries} == {staff}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"PK\x03\x04 zipped", "zip"),
        (b"\x89PNG\r\n\x1a\nimage", "png"),
        (b"", "vacío"),
        (b"Hola, esto no es un plan.\n", "no es un plan de trabajo"),
    ],
)
def test_bad_uploads_are_refused_clearly_and_write_nothing(
    staff_client, content, message, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    response = upload(staff_client, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Upload.objects.exists()
    assert not Milestone.objects.exists()


def test_uploads_over_the_size_limit_are_refused(staff_client, monkeypatch):
    from cocrea.core import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    response = upload(staff_client, b"x" * 1001)
    assert response.status_code == 400
    assert "el máximo es" in response.content.decode()


def test_the_upload_form_is_rate_limited(staff_client, monkeypatch):
    from cocrea.plans import staff_views

    monkeypatch.setattr(staff_views, "PLAN_UPLOADS_PER_HOUR", 2)
    statuses = [upload(staff_client, b"no es un plan").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_participants_and_editors_cannot_import(client, imported_seed):
    client.force_login(UserFactory())
    assert client.get(reverse("staff:import_plan")).status_code == 403


def test_a_coordinator_imports_only_their_commitment(client, imported_seed, seed_bytes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    coordinator = UserFactory(role=Role.COORDINATOR, commitment=imported_seed.milestone.commitment)
    client.force_login(coordinator)
    assert upload(client, seed_bytes).status_code == 200
    other = seed_bytes.replace(b"COMPROMISO 11", b"COMPROMISO 12").replace(
        b"COMPROMISO No. 11", b"COMPROMISO No. 12"
    )
    response = upload(client, other)
    assert response.status_code == 400
    assert "que usted no coordina" in response.content.decode()


def test_downloads_are_attachments_with_nosniff(client, milestone, seed_bytes):
    response = client.get(milestone.get_document_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plan-trabajo-hito1-compromiso11.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/octet-stream"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\n\nPLAN DE TRABAJO HITO 1")
    assert body == seed_bytes, "the work plan as it was uploaded, byte for byte"
