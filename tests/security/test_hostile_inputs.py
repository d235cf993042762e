"""500 hostile inputs written into every user-writable text field and rendered everywhere
they show: public pages, staff (admin) pages and the audit log. 0 executable markup, 0 errors."""

from __future__ import annotations

import pytest
from django.db import models
from django.urls import reverse

from cocrea.audit.context import acting_as
from cocrea.budget.models import BudgetLine
from cocrea.participation.models import Meeting
from cocrea.plans import services
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    Indicator,
    Milestone,
    Objective,
    Organization,
    Strategy,
)
from tests.security.hostile import corpus, executable_markup

pytestmark = pytest.mark.django_db

WRITABLE = (
    ActionPlan,
    Commitment,
    Milestone,
    Objective,
    Indicator,
    Activity,
    Strategy,
    BudgetLine,
    Meeting,
    Organization,
)
# Identifiers, codes and URL parts, not prose: a commitment's ``number`` is part of its address, and an
# address with control characters is refused (400) before any view runs (core.middleware).
NOT_TEXT = {"slug", "number", "country", "currency", "kind", "period_kind", "date_text", "version"}


def text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and f.editable
        and f.name not in NOT_TEXT
        and not f.choices
    ]


def targets(milestone: Milestone) -> list[models.Model]:
    commitment = milestone.commitment
    return [
        commitment.action_plan,
        commitment,
        milestone,
        milestone.objectives.first(),
        milestone.indicators.first(),
        milestone.activities.get(number=12),
        milestone.strategies.first(),
        milestone.budget_lines.first(),
        milestone.meetings.first(),
        Organization.objects.get(acronym="INAP"),
    ]


def pages(milestone: Milestone, activity: Activity) -> list[str]:
    return [
        "/",
        milestone.commitment.action_plan.get_absolute_url(),
        milestone.commitment.get_absolute_url(),
        milestone.get_absolute_url(),
        milestone.get_schedule_url(),
        milestone.get_check_url(),
        milestone.get_history_url(),
        reverse("admin:plans_activity_change", args=[activity.pk]),
        reverse("admin:plans_activity_changelist") + "?q=script",
        reverse("admin:audit_auditentry_changelist"),
    ]


@pytest.mark.slow
def test_hostile_text_in_every_field_never_becomes_executable(staff_client, imported_seed):
    hostile = corpus(500)
    assert len(hostile) == 500
    milestone = imported_seed.milestone
    objects = targets(milestone)
    slots = [(obj, field) for obj in objects for field in text_fields(type(obj))]
    assert len(slots) >= 20
    rounds = -(-len(hostile) // len(slots))
    written = 0
    problems = []
    for round_ in range(rounds):
        with acting_as(None, "cli"):
            for index, (obj, field) in enumerate(slots):
                value = hostile[(round_ * len(slots) + index) % len(hostile)]
                setattr(obj, field.name, value[: field.max_length] if field.max_length else value)
                written += 1
            for obj in objects:
                obj.save()
        activity = objects[5]
        for url in pages(milestone, activity):
            response = staff_client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            found = executable_markup(response.content.decode())
            problems += [(url, p) for p in found]
    assert written >= 500
    assert problems == []


def test_hostile_text_in_an_imported_plan_is_escaped(client, db, seed_text):
    hostile = corpus(60)
    lines = seed_text.split("\n")
    for number, line in enumerate(lines):
        if line[:3] in {"01\t", "02\t", "03\t"} and number < 75:
            cells = line.split("\t")
            cells[1] = hostile[number % len(hostile)].replace("\t", " ").replace("\n", " ")
            lines[number] = "\t".join(cells)
    report = services.import_plan("\n".join(lines).encode(), filename="hostile.txt", publish=True)
    milestone = report.milestone
    for url in (milestone.get_absolute_url(), milestone.get_schedule_url(), milestone.get_check_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert executable_markup(response.content.decode()) == []


def test_the_checker_catches_executable_markup():
    """Guard against a checker that finds nothing: it must flag the raw payloads."""
    assert executable_markup("<p><script>alert(1)</script></p>")
    assert executable_markup('<img src=x onerror="alert(1)">')
    assert executable_markup('<a href=" JaVaScRiPt:alert(1)">x</a>')
    assert executable_markup("<iframe></iframe>")
    assert not executable_markup('<script src="/static/cocrea/app.js"></script><p>&lt;script&gt;</p>')


def test_a_nul_character_typed_into_a_form_gets_a_clear_error_not_a_500(staff_client, imported_seed):
    activity = imported_seed.milestone.activities.get(number=1)
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "responsible":
            value = [o.pk if hasattr(o, "pk") else o for o in (value or [])]
        data[name] = "" if value is None else value
    data["title"] = "Título con \x00 nulo"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert (
        "Null characters are not allowed" in response.content.decode()
        or "caracteres nulos" in response.content.decode()
    )
    activity.refresh_from_db()
    assert "\x00" not in activity.title
