"""A meeting's public page and sign-up from the web."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cocrea.participation.models import Agreement, Registration
from cocrea.plans.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(django_user_model):
    user = django_user_model.objects.create_user("rosa", "rosa@example.org", "x-Strong-Pass-42")
    client = Client()
    client.force_login(user)
    return client


def test_participants_sign_up_and_join_the_waiting_list_when_full(participant, django_user_model, milestone):
    meeting = milestone.meetings.get(number=3)
    meeting.capacity = 1
    meeting.actual_date = date.today() + timedelta(days=10)  # sign-up is for meetings still to come
    meeting.save()
    url = reverse("participation:signup", args=[meeting.pk])
    assert participant.post(url).status_code == 302
    other = django_user_model.objects.create_user("luis", "luis@example.org", "x-Strong-Pass-42")
    second = Client()
    second.force_login(other)
    second.post(url)
    statuses = list(
        Registration.objects.filter(meeting=meeting).order_by("created_at").values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "waiting"]
    page = second.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert "lista de espera" in page
    participant.post(url, {"action": "cancel"})
    assert list(
        Registration.objects.filter(meeting=meeting).order_by("created_at").values_list("status", flat=True)
    ) == [
        "cancelled",
        "confirmed",
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, milestone):
    meeting = milestone.meetings.first()
    response = client.post(reverse("participation:signup", args=[meeting.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_the_meeting_page_shows_agenda_and_overdue_agreements(client, milestone):
    meeting = milestone.meetings.first()
    meeting.agenda.create(position=1, title="Presentación del plan de trabajo")
    Agreement.objects.create(
        meeting=meeting,
        text="Enviar el marco conceptual",
        owner_organization=Organization.objects.get(acronym="INAP"),
        due_date=date.today() - timedelta(days=3),
    )
    html = client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert "Presentación del plan de trabajo" in html
    assert "Vencido" in html


def test_unpublished_meetings_are_404(client, milestone):
    milestone.is_published = False
    milestone.save()
    meeting = milestone.meetings.first()
    assert client.get(reverse("participation:meeting", args=[meeting.pk])).status_code == 404


def test_staff_take_attendance_and_typed_names_match_the_registry(staff_client, milestone):
    from cocrea.participation.models import Attendance, Person
    from cocrea.participation.services import register_person

    register_person(name="María José Pérez", email="mj@inap.gob.gt")
    meeting = milestone.meetings.first()
    url = reverse("staff:take_attendance", args=[meeting.pk])
    assert staff_client.get(url).status_code == 200
    inap = Organization.objects.get(acronym="INAP")
    staff_client.post(url, {"name": "PEREZ, Maria Jose", "organization": inap.pk})
    staff_client.post(url, {"name": "Pedro Xol"})
    assert Person.objects.count() == 2
    assert Attendance.objects.filter(meeting=meeting).count() == 2


def test_the_duplicates_screen_proposes_and_merges(staff_client, milestone):
    from cocrea.participation.models import Person
    from cocrea.participation.services import register_person

    keep = register_person(name="Juan Carlos Gómez")
    duplicate = register_person(name="Juan Gómez")
    register_person(name="María López")
    html = staff_client.get(reverse("staff:duplicates")).content.decode()
    assert "Juan Gómez" in html and "María López" not in html
    staff_client.post(
        reverse("staff:duplicates"), {"keep": keep.pk, "duplicate": duplicate.pk, "confirm": "1"}
    )
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert Person.objects.active().count() == 2


def test_participants_cannot_see_the_duplicates_screen(participant):
    assert participant.get(reverse("staff:duplicates")).status_code == 403


def test_staff_publish_meeting_documents_served_as_downloads(staff_client, milestone, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cocrea.participation.models import MeetingDocument

    settings.MEDIA_ROOT = tmp_path
    meeting = milestone.meetings.first()
    url = reverse("staff:take_attendance", args=[meeting.pk])
    staff_client.post(
        url, {"document_title": "Convocatoria", "document": SimpleUploadedFile("c.exe", b"MZ\x90\x00")}
    )
    assert not MeetingDocument.objects.exists()
    staff_client.post(
        url, {"document_title": "Convocatoria", "document": SimpleUploadedFile("c.pdf", b"%PDF-1.4 x")}
    )
    document = MeetingDocument.objects.get()
    public = Client()
    page = public.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert "Convocatoria" in page
    response = public.get(reverse("participation:document", args=[document.pk]))
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    milestone.is_published = False
    milestone.save()
    assert public.get(reverse("participation:document", args=[document.pk])).status_code == 404
