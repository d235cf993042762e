"""Staff manage every object in the Django admin, with search and filters."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"plans", "budget", "participation"}


def domain_models():
    return [model for model in admin.site._registry if model._meta.app_label in DOMAIN_APPS]


def test_every_domain_model_is_in_the_admin():
    registered = {m._meta.model_name for m in domain_models()}
    assert {
        "actionplan",
        "commitment",
        "milestone",
        "objective",
        "indicator",
        "activity",
        "strategy",
        "organization",
        "budgetline",
        "meeting",
        "plandocument",
    } <= registered


@pytest.fixture
def execution_records(imported_seed, staff):
    """One record of each execution model, written through the services."""
    from datetime import date
    from decimal import Decimal

    from cocrea.budget.services import record_expenditure
    from cocrea.plans.execution import approve_baseline, record_progress

    milestone = imported_seed.milestone
    record_progress(
        milestone.activities.first(),
        day=date(2019, 4, 30),
        percent=Decimal(100),
        by=staff,
        evidence=[("Plan de trabajo aprobado", "https://inap.gob.gt/plan")],
    )
    record_expenditure(
        milestone.budget_lines.first(),
        day=date(2019, 4, 30),
        amount=Decimal(32000),
        description="Abril",
        by=staff,
    )
    approve_baseline(milestone, by=staff)
    from cocrea.participation.models import AgendaItem, Agreement, Consent, Membership
    from cocrea.participation.services import record_attendance, register_for_meeting, register_person
    from cocrea.plans.models import Organization

    meeting = milestone.meetings.first()
    person = register_person(name="Ana Estrategia López", consents=(Consent.Purpose.STATISTICS,))
    inap = Organization.objects.get(acronym="INAP")
    Membership.objects.create(person=person, organization=inap, role="Directora")
    register_for_meeting(meeting, person, inap)
    record_attendance(meeting, person, inap)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Estrategia: presentación")
    Agreement.objects.create(meeting=meeting, text="Enviar la Estrategia revisada", owner_organization=inap)


@pytest.mark.parametrize("model", domain_models(), ids=lambda m: m._meta.model_name)
def test_changelist_search_and_change_pages_work(staff_client, execution_records, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff_client.get(url).status_code == 200
    assert staff_client.get(url, {"q": "Estrategia"}).status_code == 200
    obj = model.objects.first()
    assert obj is not None
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    assert staff_client.get(change).status_code == 200


def test_activity_search_finds_by_title(staff_client, imported_seed):
    url = reverse("admin:plans_activity_changelist")
    response = staff_client.get(url, {"q": "Borrador 3"})
    assert response.context["cl"].result_count == 1


def test_anonymous_visitors_cannot_reach_the_admin(client, db):
    response = client.get(reverse("admin:plans_activity_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
