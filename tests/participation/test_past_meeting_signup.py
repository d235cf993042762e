"""Nobody signs up for a meeting whose day has passed (or that was held, cancelled or archived)."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cocrea.participation.models import Registration
from cocrea.participation.services import person_for_user, register_for_meeting

pytestmark = pytest.mark.django_db


def _meeting(imported_seed):
    return imported_seed.milestone.meetings.order_by("position").first()


def test_the_rule_names_why(imported_seed):
    meeting = _meeting(imported_seed)
    today = date(2026, 12, 5)
    meeting.actual_date, meeting.status = today - timedelta(days=1), "scheduled"
    assert meeting.signup_refusal(today) == "La fecha de la reunión ya pasó."
    meeting.actual_date = today
    assert meeting.signup_refusal(today) == ""
    meeting.actual_date, meeting.planned_month, meeting.planned_end_month = None, date(2019, 5, 1), None
    assert meeting.signup_refusal(today) == "La fecha de la reunión ya pasó."
    assert meeting.signup_refusal(date(2019, 5, 31)) == ""
    meeting.status = "held"
    assert meeting.signup_refusal(date(2019, 5, 1)) == "La reunión ya se realizó."


def test_a_past_meeting_refuses_sign_up_on_its_page(imported_seed, django_user_model, client):
    meeting = _meeting(imported_seed)
    meeting.actual_date = timezone.localdate() - timedelta(days=2)
    meeting.status = "scheduled"
    meeting.save()
    user = django_user_model.objects.create_user("rosa", "rosa@example.org", "x-secret-9")
    client.force_login(user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Inscribirme" not in page and "La inscripción está cerrada." in page
    client.post(reverse("participation:signup", args=[meeting.pk]))
    assert not Registration.objects.filter(meeting=meeting).exists()
    assert not [m for m in mail.outbox if "Inscripción confirmada" in m.subject]


def test_a_coming_meeting_still_takes_sign_ups(imported_seed, django_user_model):
    meeting = _meeting(imported_seed)
    meeting.actual_date = timezone.localdate() + timedelta(days=7)
    meeting.status = "scheduled"
    meeting.save()
    user = django_user_model.objects.create_user("luis", "luis@example.org", "x-secret-9")
    assert register_for_meeting(meeting, person_for_user(user)).status == "confirmed"
