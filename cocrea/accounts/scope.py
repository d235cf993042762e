"""Where an object sits: its commitment, its milestone and the organisations answering for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    Milestone,
    Organization,
    ProgressEntry,
    Review,
)


@dataclass(frozen=True)
class Scope:
    commitment_id: int | None = None
    milestone_id: int | None = None
    organization_ids: frozenset[int] = field(default_factory=frozenset)
    public: bool = True
    # A commitment is in the scope of an editor of any of its milestones (they reach their
    # milestone through it), as ``plans.queries.visible_commitments`` lists it.
    milestone_ids: frozenset[int] = field(default_factory=frozenset)
    # The plan, commitment or milestone the scope was read from: its action plan is looked up
    # only when a point of contact's role is asked about (:attr:`action_plan_id`).
    anchor: Any = field(default=None, compare=False, repr=False)

    @property
    def action_plan_id(self) -> int | None:
        anchor = self.anchor
        if isinstance(anchor, ActionPlan):
            return anchor.pk
        if isinstance(anchor, Commitment):
            return anchor.action_plan_id
        if isinstance(anchor, Milestone):
            return anchor.commitment.action_plan_id
        return None


def _milestone_orgs(milestone: Milestone) -> frozenset[int]:
    """The entities responsible for the milestone, and those responsible for its activities.

    Kept on the milestone instance: a page that checks every row of a milestone (its activities,
    budget lines, meetings share the instance) asks the database once, not once per row.
    """
    cached: frozenset[int] | None = getattr(milestone, "_cocrea_orgs", None)
    if cached is None:
        cached = _compute_milestone_orgs(milestone)
        milestone._cocrea_orgs = cached  # type: ignore[attr-defined]
    return cached


def _compute_milestone_orgs(milestone: Milestone) -> frozenset[int]:
    number = int(milestone.number) if milestone.number.isdigit() else None
    entities = {
        e.organization_id
        for e in milestone.commitment.entities.all()
        if e.role == "responsible" and (number is None or number in (e.milestone_numbers or []))
    }
    doers = Organization.objects.filter(
        Q(activities__milestone=milestone) | Q(responsible_milestones=milestone)
    ).values_list("pk", flat=True)
    return frozenset(entities | set(doers))


def _parent(obj: Any) -> Any:
    """Records of execution sit under an activity, a budget line, a progress entry or a meeting;
    the text of co-creation under a document version, a response under its contribution, and a
    version under its document."""
    for name in (
        "paragraph",
        "activity",
        "budget_line",
        "entry",
        "meeting",
        "contribution",
        "version",
        "document",
    ):
        parent = getattr(obj, name, None)
        if parent is not None and hasattr(parent, "_meta"):
            return parent
    return None


def is_public(obj: Any) -> bool:
    """Published, and so is everything it belongs to (no query when relations are loaded)."""
    if getattr(obj, "withheld_from_public", False):
        return False
    if isinstance(obj, ProgressEntry) and obj.review != Review.VALIDATED:
        return False  # a liaison's report waits for the point of contact (plans.review)
    parent = _parent(obj)
    if parent is not None:
        return is_public(parent)
    if obj is None or isinstance(obj, Organization):
        return True
    if isinstance(obj, ActionPlan):
        return obj.is_published
    if isinstance(obj, Commitment | Milestone):
        return obj.is_public
    milestone = getattr(obj, "milestone", None)
    return isinstance(milestone, Milestone) and milestone.is_public


def scope_of(obj: Any) -> Scope:
    parent = _parent(obj)
    if parent is not None:
        return scope_of(parent)
    if obj is None or isinstance(obj, Organization):
        return Scope()
    if isinstance(obj, ActionPlan):
        return Scope(public=obj.is_published, anchor=obj)
    if isinstance(obj, Commitment):
        orgs = frozenset(e.organization_id for e in obj.entities.all() if e.role == "responsible")
        milestones = frozenset(m.pk for m in obj.milestones.all())
        return Scope(
            commitment_id=obj.pk,
            organization_ids=orgs,
            public=obj.is_public,
            milestone_ids=milestones,
            anchor=obj,
        )
    if isinstance(obj, Milestone):
        return Scope(obj.commitment_id, obj.pk, _milestone_orgs(obj), obj.is_public, anchor=obj)
    milestone = getattr(obj, "milestone", None)
    if isinstance(milestone, Milestone):
        if isinstance(obj, Activity):
            orgs = frozenset(o.pk for o in obj.responsible.all())
        else:
            orgs = _milestone_orgs(milestone)
        return Scope(milestone.commitment_id, milestone.pk, orgs, milestone.is_public, anchor=milestone)
    return Scope()
