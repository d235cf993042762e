"""The plan's structure written by hand (issue #15): action plans, commitments, milestones and the
IRM's assessment of a commitment, without a work-plan document.

Every write checks its rule (``permission(model, action)``), is audited (the request's actor) and,
for an edit, refuses a stale form (:class:`~cocrea.core.versioning.StaleEdit`) instead of
overwriting what someone else saved since it was opened.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.core.versioning import save_edit
from cocrea.plans.models import ActionPlan, Commitment, IrmAssessment, Milestone, Organization


def _allowed(by: Any, model: str, action: str, obj: Any = None) -> None:
    if not by.has_perm(permission(model, action), obj):
        raise PermissionDenied


@transaction.atomic
def create_action_plan(values: dict[str, Any], *, by: Any) -> ActionPlan:
    _allowed(by, "actionplan", "add")
    with operation("web"):
        return ActionPlan.objects.create(**values)


@transaction.atomic
def create_commitment(plan: ActionPlan, values: dict[str, Any], *, by: Any) -> Commitment:
    _allowed(by, "commitment", "add", plan)
    with operation("web"):
        return Commitment.objects.create(action_plan=plan, **values)


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
) -> models.Model:
    """Save ``changes`` to an action plan, commitment or milestone if it is still at
    ``expected_version``; a milestone's ``responsible`` institutions too."""
    _allowed(by, row._meta.model_name or "", "change", row)
    with operation("web"):
        saved = save_edit(type(row), row.pk, expected_version, changes, basis=basis)
        if responsible is not None and isinstance(saved, Milestone):
            saved.responsible.set(list(responsible))
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
