"""The plan's structure written by hand (issue #15): action plans, commitments, milestones and the
IRM's assessment of a commitment, without a work-plan document.

Every write checks its rule (``permission(model, action)``), is audited (the request's actor) and,
for an edit, refuses a stale form (:class:`~cocrea.core.versioning.StaleEdit`) instead of
overwriting what someone else saved since it was opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.core.versioning import save_edit
from cocrea.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentEntity,
    IrmAssessment,
    Milestone,
    Organization,
)


def _allowed(by: Any, model: str, action: str, obj: Any = None) -> None:
    if not by.has_perm(permission(model, action), obj):
        raise PermissionDenied


@transaction.atomic
def create_action_plan(values: dict[str, Any], *, by: Any) -> ActionPlan:
    _allowed(by, "actionplan", "add")
    with operation("web"):
        return ActionPlan.objects.create(**values)


@transaction.atomic
def create_commitment(
    plan: ActionPlan,
    values: dict[str, Any],
    *,
    by: Any,
    entities: Mapping[str, Iterable[Organization]] | None = None,
) -> Commitment:
    _allowed(by, "commitment", "add", plan)
    with operation("web"):
        commitment = Commitment.objects.create(action_plan=plan, **values)
        if entities:
            _set_entities(commitment, entities, by)
    return commitment


def _set_entities(commitment: Commitment, entities: Mapping[str, Iterable[Organization]], by: Any) -> None:
    """The commitment's institutions in each role given (responsible, supporting actors) become
    those chosen: the others are removed, the new ones added after the last, by staff (a work-plan
    import then keeps them: its rows and staff's are told apart by ``origin``). Naming a
    responsible institution gives its coordinators and editors the commitment: only the plan's
    administrators may (``accounts.grant_plan_roles``)."""
    if CommitmentEntity.Role.RESPONSIBLE in entities and not by.has_perm(
        "accounts.grant_plan_roles", commitment.action_plan
    ):
        raise PermissionDenied
    current = list(commitment.entities.all())
    last = max((entity.position for entity in current), default=0)
    for role, organizations in entities.items():
        wanted = {organization.pk: organization for organization in organizations}
        for entity in current:
            if entity.role == role and entity.organization_id not in wanted:
                entity.delete()
        held = {entity.organization_id for entity in current if entity.role == role}
        for pk, organization in wanted.items():
            if pk not in held:
                last += 1
                CommitmentEntity.objects.create(
                    commitment=commitment, organization=organization, role=role, position=last
                )


@transaction.atomic
def create_milestone(
    commitment: Commitment, values: dict[str, Any], *, by: Any, responsible: Iterable[Organization] = ()
) -> Milestone:
    _allowed(by, "milestone", "add", commitment)
    with operation("web"):
        milestone = Milestone.objects.create(commitment=commitment, **values)
        milestone.responsible.set(list(responsible))
    return milestone


@transaction.atomic
def edit(
    row: models.Model,
    changes: dict[str, Any],
    *,
    expected_version: int,
    by: Any,
    basis: dict[str, Any] | None = None,
    responsible: Iterable[Organization] | None = None,
    entities: Mapping[str, Iterable[Organization]] | None = None,
) -> models.Model:
    """Save ``changes`` to an action plan, commitment or milestone if it is still at
    ``expected_version``; a milestone's ``responsible`` institutions too, and a commitment's
    institutions by role (``entities``)."""
    _allowed(by, row._meta.model_name or "", "change", row)
    with operation("web"):
        saved = save_edit(type(row), row.pk, expected_version, changes, basis=basis)
        if responsible is not None and isinstance(saved, Milestone):
            saved.responsible.set(list(responsible))
        if entities is not None and isinstance(saved, Commitment):
            _set_entities(saved, entities, by)
    return saved


@transaction.atomic
def assess(commitment: Commitment, values: dict[str, Any], *, by: Any) -> IrmAssessment:
    """Record (or correct) the IRM's assessment of ``commitment``, saying who entered it and when."""
    _allowed(by, "commitment", "change", commitment)
    with operation("web"):
        assessment, _created = IrmAssessment.objects.update_or_create(
            commitment=commitment,
            defaults={**values, "assessed_by": acting_user(by), "assessed_at": timezone.now()},
        )
    return assessment
