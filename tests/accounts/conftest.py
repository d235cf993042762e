from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.budget.models import BudgetLine
from cocrea.participation.models import Meeting
from cocrea.plans.models import (
    Activity,
    Commitment,
    CommitmentEntity,
    Milestone,
    Organization,
    ProgressEntry,
    Review,
)
from tests.factories import UserFactory


def cocreation(milestone):
    from datetime import timedelta

    from django.utils import timezone

    from cocrea.computations.drafttext import parse_markdown
    from cocrea.drafts import services
    from cocrea.participation.services import register_person

    document = services.create_document(milestone, "Estrategia")
    text = parse_markdown("## Uno\n\nUn párrafo.\n")
    opened = services.create_version(document, text, by=None)
    now = timezone.now()
    services.transition_version(opened, "open", opens_at=now, closes_at=now + timedelta(days=9))
    draft = services.create_version(document, text, by=None)
    person = register_person(name="Persona que comenta")
    comment = services.contribute(opened, person, "Un comentario")
    return {"document": document, "open_version": opened, "draft_version*": draft, "contribution": comment}


def every_other_row(objects, staff_user):
    """One object of every model the rules name that the table above does not cover yet, each in
    the INAP/GPAT part of milestone 11.1 (its children) or in the registry."""
    from datetime import date

    from cocrea.catalogue.services import apply_entry, create_entry
    from cocrea.core.models import Upload
    from cocrea.drafts import services as drafts
    from cocrea.participation import services as participation
    from cocrea.plans.models import Baseline, Evidence, ProgressEntry

    milestone, activity, meeting = objects["milestone"], objects["activity"], objects["meeting"]
    entry = ProgressEntry.objects.create(
        activity=activity, day=date(2019, 6, 1), percent_complete=10, status="in_progress"
    )
    person = participation.register_person(name="Rosa Méndez", email="rosa@example.org")
    membership = participation.add_membership(person, organization=objects["organization"])
    participation.record_consent(person, purpose="contact", text_version="v1")
    paragraph = objects["open_version"].paragraphs.first()
    catalogue_entry = create_entry(kind="concept", name="Gobierno abierto")
    return {
        "objective": milestone.objectives.first(),
        "indicator": milestone.indicators.first(),
        "strategy": milestone.strategies.first(),
        "progress_entry": entry,
        "evidence": Evidence.objects.create(entry=entry, title="Acta", url="https://example.org/acta"),
        "expenditure": __import__(
            "cocrea.budget.models", fromlist=["Expenditure"]
        ).Expenditure.objects.create(
            budget_line=objects["budget_line"], day=date(2019, 6, 1), amount=100, description="Refrigerios"
        ),
        "baseline": Baseline.objects.create(
            milestone=milestone,
            number=1,
            approved_at=date(2019, 1, 1),
            effective_from=date(2019, 1, 1),
            snapshot={},
        ),
        "agenda_item": participation.add_agenda_item(meeting, title="Bienvenida"),
        "meeting_document": participation.attach_meeting_document(
            meeting,
            Upload.objects.create(
                purpose="meeting", original_name="acta.pdf", kind="pdf", size=1, sha256="0" * 64
            ),
            title="Acta",
        ),
        "agreement": participation.add_agreement(meeting, text="Enviar el borrador", owner_text="GPAT"),
        "registration": participation.register_for_meeting(meeting, person),
        "attendance": participation.record_attendance(meeting, person),
        "person": person,
        "consent": person.consents.first(),
        "membership": membership,
        "response": drafts.respond_to_contribution(
            objects["contribution"], "not_accepted", "Fuera del plan", by=None
        ),
        "entry": catalogue_entry,
        "application": apply_entry(catalogue_entry, paragraph, by=staff_user),
    }


@pytest.fixture
def world(imported_seed, django_user_model):
    milestone = imported_seed.milestone
    commitment = milestone.commitment
    inap = Organization.objects.get(acronym="INAP")
    onsec = Organization.objects.get(acronym="ONSEC")
    onsec_activity = Activity.objects.create(
        milestone=milestone, position=99, number=99, title="Actividad solo de ONSEC"
    )
    onsec_activity.responsible.set([onsec])
    draft = Commitment.objects.create(
        action_plan=commitment.action_plan, number="99", title="Compromiso en borrador"
    )
    CommitmentEntity.objects.create(
        commitment=draft, organization=onsec, role="responsible", milestone_numbers=[1]
    )
    draft_milestone = Milestone.objects.create(commitment=draft, number="1", title="Hito en borrador")
    draft_activity = Activity.objects.create(
        milestone=draft_milestone, position=1, number=1, title="Actividad de INAP en borrador"
    )
    draft_activity.responsible.set([inap])
    objects = {
        "action_plan": commitment.action_plan,
        "commitment": commitment,
        "milestone": milestone,
        "activity": milestone.activities.get(number=1),
        "activity_onsec": onsec_activity,
        "budget_line": BudgetLine.objects.get(milestone=milestone, number=1),
        "meeting": Meeting.objects.filter(milestone=milestone).first(),
        "organization": inap,
        "draft_commitment*": draft,
        "draft_milestone*": draft_milestone,
        "draft_activity*": draft_activity,
        "audit_entry": AuditEntry.objects.first(),
        **cocreation(milestone),
    }
    objects.update(every_other_row(objects, None))

    def user(name, role=None, two_step=True, **scope):
        # Staff privileges need the second factor: the factory sets it up with a role.
        return UserFactory(username=name, role=role, two_step=bool(role) and two_step, **scope)

    actors = {
        "anonymous": AnonymousUser(),
        "participant": user("participant"),
        "moderator": user("moderator", Role.MODERATOR),
        "auditor": user("auditor", Role.AUDITOR),
        "administrator": user("administrator", Role.ADMINISTRATOR),
        "editor_inap": user("editor_inap", Role.EDITOR, organization=inap),
        "editor_commitment_11": user("editor_c11", Role.EDITOR, commitment=commitment),
        "coordinator_commitment_11": user("coord_c11", Role.COORDINATOR, commitment=commitment),
        "coordinator_commitment_99": user("coord_c99", Role.COORDINATOR, commitment=draft),
        "point_of_contact": user("contact", Role.POINT_OF_CONTACT, action_plan=commitment.action_plan),
        "liaison_inap_11": user("liaison_inap", Role.LIAISON, commitment=commitment, organization=inap),
    }
    objects["pending_entry*"] = ProgressEntry.objects.create(
        activity=objects["activity"],
        day=date(2019, 7, 1),
        percent_complete=20,
        status="in_progress",
        recorded_by=actors["liaison_inap_11"],
        review=Review.PENDING,
    )
    return objects, actors
