"""A person's own data is complete in "Mis datos", and gone from the history once anonymised."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocrea.audit.models import AuditEntry
from cocrea.audit.signals import audited
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services as drafts
from cocrea.participation.models import Person
from cocrea.participation.services import (
    ANONYMOUS_NAME,
    anonymise_person,
    record_attendance,
    register_person,
)
from cocrea.plans.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(milestone, django_user_model, staff):  # type: ignore[no-untyped-def]
    from cocrea.audit.context import acting_as

    user = django_user_model.objects.create_user("rosa", "rosa.mendez@example.org", "x-Strong-Pass-42")
    with acting_as(user, "web"):
        person = register_person(
            name="Rosa Méndez Quixtán", display_name="Rosa M.", email="rosa.mendez@example.org", user=user
        )
    record_attendance(milestone.meetings.first(), person, Organization.objects.get(acronym="INAP"))
    document = drafts.create_document(milestone, "Estrategia")
    version = drafts.create_version(document, parse_markdown("## Uno\n\nUn párrafo.\n"), by=None)
    now = timezone.now()
    drafts.transition_version(version, "open", opens_at=now, closes_at=now + timedelta(days=5))
    with acting_as(user, "web"):
        comment = drafts.contribute(version, person, "Propongo citar la Ley de Acceso a la Información")
    drafts.respond_to_contribution(comment, "accepted", "Se incorpora en el borrador 2", by=staff)
    return {"user": user, "person": person, "comment": comment}


def test_my_data_includes_my_contributions_and_their_answers(client, rosa):
    client.force_login(rosa["user"])
    data = json.loads(client.get(reverse("accounts:my_data", args=["json"])).content)
    [contribution] = data["contributions"]
    assert contribution["text"] == "Propongo citar la Ley de Acceso a la Información"
    assert contribution["decision"] == "accepted"
    assert contribution["reason"] == "Se incorpora en el borrador 2"
    assert contribution["document"] == "Estrategia"
    csv_text = client.get(reverse("accounts:my_data", args=["csv"])).content.decode()
    assert "contributions[0],text,Propongo citar" in csv_text


def test_after_anonymising_the_history_shows_no_name_and_no_email(rosa):
    person = rosa["person"]
    assert AuditEntry.objects.filter(object_repr__contains="Rosa Méndez").exists()
    anonymise_person(Person.objects.get(pk=person.pk))
    leaked = [
        (e.content_type.model, e.object_repr, e.actor_label, e.changes)
        for e in AuditEntry.objects.select_related("content_type")
        if "Rosa" in f"{e.object_repr} {e.actor_label} {json.dumps(e.changes, ensure_ascii=False)}"
        or "rosa.mendez" in f"{e.actor_label} {json.dumps(e.changes)}"
    ]
    assert not leaked, leaked
    entries = AuditEntry.objects.for_object(person)
    assert entries.count() >= 2  # created, then anonymised: the history itself stays
    assert all(e.object_repr == ANONYMOUS_NAME for e in entries)
    assert AuditEntry.objects.filter(actor_label=ANONYMOUS_NAME).exists()  # what she wrote herself


def test_audited_models_stay_audited():
    assert audited(Person)
