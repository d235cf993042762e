"""Roles and validation (issue #15): a plan's point of contact grants the roles of its commitments;
progress written by an institution's liaison is published when the point of contact validates
it, or returned with a reason; the public (pages, figures, history) sees validated progress only.
The workflow is data with one enforcer (``plans.review.check_review``), every step audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cocrea.accounts.models import Role, RoleAssignment
from cocrea.accounts.services import grant_plan_role, revoke_plan_role
from cocrea.audit.models import AuditEntry
from cocrea.core.versioning import StaleEdit
from cocrea.plans import review
from cocrea.plans.execution import correct_progress, record_progress, withdraw_progress
from cocrea.plans.indicators import figures
from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization, ProgressEntry, Review
from cocrea.plans.workflow import WorkflowError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(milestone):
    commitment = milestone.commitment
    inap = Organization.objects.get(acronym="INAP")
    return {
        "contact": UserFactory(
            username="contacto", role=Role.POINT_OF_CONTACT, action_plan=commitment.action_plan
        ),
        "liaison": UserFactory(
            username="enlace", role=Role.LIAISON, commitment=commitment, organization=inap
        ),
        "coordinator": UserFactory(username="coordina", role=Role.COORDINATOR, commitment=commitment),
    }


@pytest.fixture
def inap_activity(milestone):
    return milestone.activities.get(number=1)  # INAP and GPAT answer for it


def _report(activity, by, day=date(2019, 5, 31), percent=40, **extra):
    return record_progress(activity, day=day, percent=Decimal(percent), by=by, **extra)


# --- the enforcer -----------------------------------------------------------------------------


@pytest.mark.parametrize("previous", [None, *Review.values])
@pytest.mark.parametrize("state", Review.values)
def test_the_enforcer_follows_the_transitions_table(previous, state):
    allowed = state in review.TRANSITIONS[previous]
    reason = "Falta el acta" if state == Review.RETURNED else ""
    if allowed:
        review.check_review(previous, state, reason)
    else:
        with pytest.raises(WorkflowError):
            review.check_review(previous, state, reason)


@pytest.mark.parametrize("previous", Review.values)
@pytest.mark.parametrize("step", ["validate", "return"])
def test_the_point_of_contact_validates_or_returns_only_what_waits(previous, step):
    target = Review.VALIDATED if step == "validate" else Review.RETURNED
    if previous == Review.PENDING:
        review.check_review(previous, target, "Motivo", step=step)
    else:
        with pytest.raises(WorkflowError):
            review.check_review(previous, target, "Motivo", step=step)


def test_a_coordinator_correcting_a_returned_report_publishes_it(people, inap_activity):
    waiting = _report(inap_activity, people["liaison"])
    returned = review.return_progress(
        waiting, expected_version=waiting.edit_version, reason="Cifra dudosa.", by=people["contact"]
    )
    corrected = correct_progress(
        returned,
        expected_version=returned.edit_version,
        day=returned.day,
        percent=Decimal(35),
        by=people["coordinator"],
        correction_reason="Cifra del informe trimestral.",
    )
    assert corrected.review == Review.VALIDATED


def test_returning_needs_a_reason():
    with pytest.raises(WorkflowError):
        review.check_review(Review.PENDING, Review.RETURNED, "  ")


# --- who starts where ----------------------------------------------------------------------------


def test_a_liaisons_report_waits_and_others_are_published_at_once(people, inap_activity, milestone):
    waiting = _report(inap_activity, people["liaison"])
    assert (waiting.review, waiting.recorded_by) == (Review.PENDING, people["liaison"])
    by_coordinator = _report(milestone.activities.get(number=2), people["coordinator"])
    by_contact = _report(milestone.activities.get(number=3), people["contact"])
    assert by_coordinator.review == by_contact.review == Review.VALIDATED


def test_a_liaison_reports_only_on_what_their_institution_answers_for(people, milestone):
    onsec_only = milestone.activities.create(position=99, number=99, title="Solo de ONSEC")
    onsec_only.responsible.set([Organization.objects.get(acronym="ONSEC")])
    with pytest.raises(PermissionDenied):
        _report(onsec_only, people["liaison"])
    other = Commitment.objects.create(action_plan=milestone.commitment.action_plan, number="12", title="Otro")
    other_milestone = Milestone.objects.create(commitment=other, number="1", title="Otro hito")
    with pytest.raises(PermissionDenied):
        record_progress(other_milestone, day=date(2019, 5, 31), percent=Decimal(10), by=people["liaison"])


# --- the public sees validated progress only ------------------------------------------------------


def _indicator_a(milestone):
    """Indicator A's executed value (EV) at the end of the plan's reports."""
    return figures([milestone], date(2019, 6, 30))[0].earned_value.ev


def test_the_public_sees_a_report_once_validated(people, inap_activity, milestone, client):
    before = _indicator_a(milestone)
    waiting = _report(inap_activity, people["liaison"], percent=100, note="Documento entregado")
    assert ProgressEntry.objects.visible_to_public().filter(pk=waiting.pk).count() == 0
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "Documento entregado" not in page
    assert _indicator_a(milestone) == before
    history = client.get(milestone.get_absolute_url() + "historial/").content.decode()
    reports_before = history.count("Reporte de avance")

    validated = review.validate_progress(waiting, expected_version=waiting.edit_version, by=people["contact"])
    assert (validated.review, validated.reviewed_by) == (Review.VALIDATED, people["contact"])
    assert validated.reviewed_at is not None
    assert _indicator_a(milestone) != before
    history = client.get(milestone.get_absolute_url() + "historial/").content.decode()
    assert history.count("Reporte de avance") > reports_before
    step = AuditEntry.objects.filter(object_id=str(waiting.pk), changes__review__1=Review.VALIDATED).get()
    assert step.changes["reviewed_by"][1] == people["contact"].pk  # who: the request's actor, below


def test_a_returned_report_goes_back_with_its_reason_and_waits_again_once_corrected(people, inap_activity):
    waiting = _report(inap_activity, people["liaison"], percent=100)
    with pytest.raises(ValidationError):
        review.return_progress(
            waiting, expected_version=waiting.edit_version, reason=" ", by=people["contact"]
        )
    returned = review.return_progress(
        waiting, expected_version=waiting.edit_version, reason="Falta el acta firmada.", by=people["contact"]
    )
    assert (returned.review, returned.review_reason) == (Review.RETURNED, "Falta el acta firmada.")
    assert list(review.returned_to(people["liaison"])) == [returned]
    with pytest.raises(WorkflowError):  # a returned report is not validated until corrected
        review.validate_progress(returned, expected_version=returned.edit_version, by=people["contact"])

    corrected = correct_progress(
        returned,
        expected_version=returned.edit_version,
        day=returned.day,
        percent=Decimal(90),
        by=people["liaison"],
        correction_reason="Con el acta adjunta, el avance es 90 %.",
    )
    assert (corrected.review, corrected.reviewed_by, corrected.review_reason) == (Review.PENDING, None, "")
    assert list(review.waiting_for(people["contact"])) == [corrected]


def test_a_returned_report_is_no_ones_state_in_the_workflow(people, inap_activity):
    done = _report(inap_activity, people["liaison"], percent=100)
    review.return_progress(
        done, expected_version=done.edit_version, reason="No está terminada.", by=people["contact"]
    )
    # "Done" is final; returned, it no longer holds the activity: a later report may say 60 %.
    later = _report(inap_activity, people["liaison"], day=date(2019, 6, 30), percent=60)
    assert later.status == "in_progress"


def test_a_liaison_correcting_a_validated_report_sends_it_back_to_validation(people, inap_activity):
    waiting = _report(inap_activity, people["liaison"])
    validated = review.validate_progress(waiting, expected_version=waiting.edit_version, by=people["contact"])
    corrected = correct_progress(
        validated,
        expected_version=validated.edit_version,
        day=validated.day,
        percent=Decimal(45),
        by=people["liaison"],
        correction_reason="Faltaba un taller.",
    )
    assert corrected.review == Review.PENDING


def test_liaisons_correct_and_withdraw_their_own_reports_only(people, inap_activity, milestone):
    someone_elses = _report(inap_activity, people["coordinator"])
    with pytest.raises(PermissionDenied):
        withdraw_progress(
            someone_elses, expected_version=someone_elses.edit_version, reason="No", by=people["liaison"]
        )
    own = _report(milestone.activities.get(number=2), people["liaison"])
    withdraw_progress(
        own, expected_version=own.edit_version, reason="Registro duplicado.", by=people["liaison"]
    )
    assert not ProgressEntry.objects.filter(pk=own.pk).exists()


def test_only_the_point_of_contact_validates_and_never_their_own_report(people, inap_activity, milestone):
    waiting = _report(inap_activity, people["liaison"])
    for somebody in (people["liaison"], people["coordinator"]):
        with pytest.raises(PermissionDenied):
            review.validate_progress(waiting, expected_version=waiting.edit_version, by=somebody)
    # Someone who is both (a liaison who became the point of contact) does not validate themselves.
    RoleAssignment.objects.create(
        user=people["liaison"], role=Role.POINT_OF_CONTACT, action_plan=milestone.commitment.action_plan
    )
    liaison = type(people["liaison"]).objects.get(pk=people["liaison"].pk)
    with pytest.raises(WorkflowError):
        review.validate_progress(waiting, expected_version=waiting.edit_version, by=liaison)


def test_a_stale_validation_is_refused(people, inap_activity):
    waiting = _report(inap_activity, people["liaison"])
    correct_progress(
        waiting,
        expected_version=waiting.edit_version,
        day=waiting.day,
        percent=Decimal(41),
        by=people["liaison"],
        correction_reason="Cifra exacta.",
    )
    with pytest.raises(StaleEdit):
        review.validate_progress(waiting, expected_version=waiting.edit_version, by=people["contact"])


def test_the_queue_holds_the_plans_of_the_point_of_contact_only(people, inap_activity, milestone):
    waiting = _report(inap_activity, people["liaison"])
    other_plan = ActionPlan.objects.create(name="Otro plan", slug="otro-plan")
    stranger = UserFactory(username="otro", role=Role.POINT_OF_CONTACT, action_plan=other_plan)
    assert list(review.waiting_for(people["contact"])) == [waiting]
    assert list(review.waiting_for(stranger)) == []
    with pytest.raises(PermissionDenied):
        review.validate_progress(waiting, expected_version=waiting.edit_version, by=stranger)


# --- granting the roles of a plan ------------------------------------------------------------------


def test_the_point_of_contact_grants_and_revokes_the_roles_of_the_plans_commitments(people, milestone):
    commitment = milestone.commitment
    plan = commitment.action_plan
    newcomer = UserFactory(username="nuevo", email="nuevo@onsec.gob.gt")
    onsec = Organization.objects.get(acronym="ONSEC")

    def grant(by="contact", email=newcomer.email, role=Role.LIAISON, to=commitment, organization=onsec):
        return grant_plan_role(
            plan, email=email, role=role, commitment=to, organization=organization, by=people[by]
        )

    with pytest.raises(ValidationError) as missing:
        grant(email="nadie@example.org")
    assert "email" in missing.value.message_dict
    with pytest.raises(ValidationError):  # a liaison speaks for an institution
        grant(organization=None)
    assignment = grant(email="NUEVO@onsec.gob.gt")
    assert (assignment.user, assignment.granted_by, assignment.organization) == (
        newcomer,
        people["contact"],
        onsec,
    )
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    with pytest.raises(PermissionDenied):  # nor do others grant roles, nor name a point of contact
        grant(by="coordinator", role=Role.EDITOR, organization=None)
    with pytest.raises(PermissionDenied):
        grant(role=Role.POINT_OF_CONTACT, to=None, organization=None)
    other = ActionPlan.objects.create(name="Otro plan", slug="otro")
    with pytest.raises(ValidationError):
        grant(role=Role.EDITOR, to=Commitment.objects.create(action_plan=other, number="1", title="Ajeno"))
    granted = str(assignment.pk)
    assert AuditEntry.objects.filter(object_id=granted, action=AuditEntry.Action.CREATE).exists()
    revoke_plan_role(assignment, by=people["contact"])
    newcomer.refresh_from_db()
    assert not newcomer.is_staff
    assert AuditEntry.objects.filter(object_id=granted, action=AuditEntry.Action.DELETE).exists()


# --- emails ----------------------------------------------------------------------------------------


def test_the_point_of_contact_is_told_and_the_liaison_hears_why(people, inap_activity, milestone):
    from django.core import mail

    mail.outbox.clear()
    waiting = _report(inap_activity, people["liaison"], percent=30)
    assert [m.to for m in mail.outbox] == [[people["contact"].email]]
    assert "espera su validación" in mail.outbox[0].subject
    assert "actividad 01: 30 %" in mail.outbox[0].body
    assert "/gestion/avances/por-validar/" in mail.outbox[0].body
    mail.outbox.clear()
    _report(milestone.activities.get(number=2), people["coordinator"])  # validated: nobody told
    assert mail.outbox == []
    review.return_progress(
        waiting,
        expected_version=waiting.edit_version,
        reason="Falta la lista de asistencia.",
        by=people["contact"],
    )
    assert [m.to for m in mail.outbox] == [[people["liaison"].email]]
    assert "Falta la lista de asistencia." in mail.outbox[0].body


def test_a_progress_sheet_from_a_liaison_is_one_email(people, milestone):
    from django.core import mail

    from cocrea.plans.execution import import_progress

    sheet = b"actividad,fecha,porcentaje\n01,2019-05-31,20\n02,2019-05-31,30\n"
    mail.outbox.clear()
    result = import_progress(milestone, sheet, by=people["liaison"])
    assert not result.errors, result.errors
    assert ProgressEntry.objects.filter(review=Review.PENDING).count() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "2 reportes de avance esperan su validación"
