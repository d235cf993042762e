"""What each write to the plans app's models touches on the public site (cocrea/core/pagecache.py).

Registered from ``PlansConfig.ready``. Parents' natural keys are read once per transaction.
"""

from __future__ import annotations

from typing import Any

from cocrea.core import pagecache
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Baseline,
    Commitment,
    CommitmentEntity,
    Evidence,
    Indicator,
    IndicatorMeasurement,
    IrmAssessment,
    Milestone,
    Objective,
    Organization,
    PlanDocument,
    ProgressEntry,
    Strategy,
)


def plan_slug(plan_id: Any) -> str:
    return str(pagecache.column(ActionPlan, plan_id, "slug"))


def commitment_kwargs(commitment_id: Any) -> dict[str, str]:
    def compute() -> dict[str, str]:
        slug, number = (
            Commitment.objects.filter(pk=commitment_id).values_list("action_plan__slug", "number").get()
        )
        return {"plan": slug, "number": number}

    return dict(pagecache.memo(("commitment", commitment_id), compute))


def milestone_kwargs(milestone_id: Any) -> dict[str, str]:
    def compute() -> dict[str, str]:
        slug, commitment, number = (
            Milestone.objects.filter(pk=milestone_id)
            .values_list("commitment__action_plan__slug", "commitment__number", "number")
            .get()
        )
        return {"plan": slug, "number": commitment, "milestone": number}

    return dict(pagecache.memo(("milestone", milestone_id), compute))


def activity_milestone(activity_id: Any) -> Any:
    return pagecache.column(Activity, activity_id, "milestone_id")


@pagecache.register(ActionPlan)
def _plan(plan: ActionPlan) -> list[str]:
    return [*pagecache.chain({"plan": plan.slug}), pagecache.TITLES]


@pagecache.register(Commitment)
def _commitment(commitment: Commitment) -> list[str]:
    kwargs = {"plan": plan_slug(commitment.action_plan_id), "number": commitment.number}
    return [*pagecache.chain(kwargs), pagecache.TITLES]


@pagecache.register(Milestone)
def _milestone(milestone: Milestone) -> list[str]:
    kwargs = {**commitment_kwargs(milestone.commitment_id), "milestone": milestone.number}
    return [*pagecache.chain(kwargs), pagecache.TITLES]


@pagecache.register(IndicatorMeasurement)
def _measurement(measurement: IndicatorMeasurement) -> list[str]:
    milestone_id = pagecache.column(Indicator, measurement.indicator_id, "milestone_id")
    return pagecache.chain(milestone_kwargs(milestone_id))


@pagecache.register(IrmAssessment)
def _irm(assessment: IrmAssessment) -> list[str]:
    return pagecache.chain(commitment_kwargs(assessment.commitment_id))


@pagecache.register(CommitmentEntity)
def _entity(entity: CommitmentEntity) -> list[str]:
    return pagecache.chain(commitment_kwargs(entity.commitment_id))


@pagecache.register(Objective, Indicator, Activity, Strategy, PlanDocument, Baseline)
def _milestone_part(row: Any) -> list[str]:
    return pagecache.chain(milestone_kwargs(row.milestone_id))


def entry_milestone(activity_id: Any, milestone_id: Any) -> Any:
    """The milestone of a progress report: its activity's, or its own (a milestone tracked directly)."""
    return milestone_id if milestone_id is not None else activity_milestone(activity_id)


@pagecache.register(ProgressEntry)
def _progress(entry: ProgressEntry) -> list[str]:
    return pagecache.chain(milestone_kwargs(entry_milestone(entry.activity_id, entry.milestone_id)))


@pagecache.register(Evidence)
def _evidence(evidence: Evidence) -> list[str]:
    activity_id = pagecache.column(ProgressEntry, evidence.entry_id, "activity_id")
    milestone_id = pagecache.column(ProgressEntry, evidence.entry_id, "milestone_id")
    return pagecache.chain(milestone_kwargs(entry_milestone(activity_id, milestone_id)))


@pagecache.register(Organization)
def _organization(organization: Organization) -> list[str]:
    return [pagecache.ORGANIZATIONS]
