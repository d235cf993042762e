"""Read-side helpers for the plans domain: bounded queries and the cached plan check."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
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


def action_plans() -> QuerySet[ActionPlan]:
    commitments = Commitment.objects.select_related("coordinator").annotate(
        milestone_count=Count("milestones")
    )
    return ActionPlan.objects.prefetch_related(Prefetch("commitments", queryset=commitments))


def get_commitment(plan: str, number: str) -> Commitment:
    commitment = (
        Commitment.objects.select_related("action_plan", "coordinator")
        .prefetch_related("entities__organization", "milestones")
        .filter(action_plan__slug=plan, number=number)
        .first()
    )
    if commitment is None:
        raise Http404
    return commitment


def get_milestone(plan: str, number: str, milestone: str) -> Milestone:
    found = (
        Milestone.objects.select_related("commitment__action_plan", "commitment__coordinator")
        .filter(commitment__action_plan__slug=plan, commitment__number=number, number=milestone)
        .first()
    )
    if found is None:
        raise Http404
    return found


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
