"""Read-side helpers for the plans domain: visibility, bounded queries, the cached plan check."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import PlanParseError, parse_plan
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    Milestone,
    Organization,
    PlanDocument,
    Strategy,
)


def _scope_filter(user: Any, prefix: str = "") -> Q | None:
    """``None`` when the user sees everything; else the Q of what they may see unpublished."""
    from cocrea.accounts.rules import assignments, has_second_factor, sees_everything

    if sees_everything(user):
        return None
    scoped = Q(pk__in=[])
    if not has_second_factor(user):  # reading what is unpublished needs the second factor
        return scoped
    for assignment in assignments(user):
        if assignment.role not in ("editor", "coordinator"):
            continue
        if assignment.commitment_id:
            scoped |= Q(**{f"{prefix}pk": assignment.commitment_id})
        if assignment.milestone_id:
            scoped |= Q(**{f"{prefix}milestones__pk": assignment.milestone_id})
        if assignment.organization_id:
            # the same entities the rule counts: those responsible for the commitment
            scoped |= Q(
                **{
                    f"{prefix}entities__organization_id": assignment.organization_id,
                    f"{prefix}entities__role": "responsible",
                }
            )
    return scoped


def visible_commitments(user: Any) -> QuerySet[Commitment]:
    scoped = _scope_filter(user)
    if scoped is None:
        return Commitment.objects.all()
    public = Q(is_published=True, action_plan__is_published=True)
    ids = Commitment.objects.filter(public | scoped).values("pk")
    return Commitment.objects.filter(pk__in=ids)


def visible_milestones(user: Any, commitment: Commitment) -> list[Milestone]:
    from cocrea.accounts.rules import permission

    return [m for m in commitment.milestones.all() if user.has_perm(permission("milestone", "view"), m)]


def action_plans(user: Any) -> QuerySet[ActionPlan]:
    commitments = (
        visible_commitments(user).select_related("coordinator").annotate(milestone_count=Count("milestones"))
    )
    plans = ActionPlan.objects.filter(commitments__in=commitments.values("pk")).distinct()
    if _scope_filter(user) is None:
        plans = ActionPlan.objects.all()
    return plans.prefetch_related(Prefetch("commitments", queryset=commitments))


def _visible_or_404(user: Any, obj: Any, model: str) -> Any:
    from cocrea.accounts.rules import permission

    if obj is None or not user.has_perm(permission(model, "view"), obj):
        raise Http404
    return obj


def get_action_plan(user: Any, slug: str) -> ActionPlan:
    plan = action_plans(user).filter(slug=slug).first()
    return _visible_or_404(user, plan, "actionplan")


def get_commitment(user: Any, plan: str, number: str) -> Commitment:
    commitment = (
        Commitment.objects.select_related("action_plan", "coordinator")
        .prefetch_related("entities__organization", "milestones")
        .filter(action_plan__slug=plan, number=number)
        .first()
    )
    return _visible_or_404(user, commitment, "commitment")


def get_milestone(user: Any, plan: str, number: str, milestone: str) -> Milestone:
    found = (
        Milestone.objects.select_related("commitment__action_plan", "commitment__coordinator")
        .filter(commitment__action_plan__slug=plan, commitment__number=number, number=milestone)
        .first()
    )
    return _visible_or_404(user, found, "milestone")


def activities(milestone: Milestone) -> QuerySet[Activity]:
    return milestone.activities.prefetch_related(
        Prefetch("responsible", queryset=Organization.objects.order_by("acronym", "name"))
    )


def strategies(milestone: Milestone) -> QuerySet[Strategy]:
    return milestone.strategies.prefetch_related("partners")


def plan_document(milestone: Milestone) -> PlanDocument | None:
    return PlanDocument.objects.filter(milestone=milestone).first()


def findings_for(document: PlanDocument | None) -> list[Finding]:
    """Run the plan check on the imported document (cached by its content's hash)."""
    if document is None:
        return []
    key = f"plancheck:v1:{document.sha256}"
    findings = cache.get(key)
    if findings is None:
        try:
            findings = check_plan(parse_plan(document.content))
        except PlanParseError:
            findings = []
        cache.set(key, findings, 60 * 60 * 24)
    return findings
