"""Read-side helpers for the plans domain: visibility, bounded queries, the cached plan check."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse

from cocrea.accounts.rules import (
    assignments,
    has_second_factor,
    is_administrator,
    permission,
    sees_everything,
)
from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import PlanParseError, parse_plan
from cocrea.core.attention import PROGRESS, TRACKED, Attention
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    Milestone,
    Organization,
    PlanDocument,
    ProgressEntry,
    Strategy,
)


def _scope_filter(user: Any, prefix: str = "") -> Q | None:
    """``None`` when the user sees everything; else the Q of what they may see unpublished."""

    if sees_everything(user):
        return None
    scoped = Q(pk__in=[])
    if not has_second_factor(user):  # reading what is unpublished needs the second factor
        return scoped
    for assignment in assignments(user):
        if assignment.role == "point_of_contact":
            scoped |= Q(**{f"{prefix}action_plan_id": assignment.action_plan_id})
            continue
        if assignment.role == "liaison":
            scoped |= Q(**{f"{prefix}pk": assignment.commitment_id})
            continue
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

    return [m for m in commitment.milestones.all() if user.has_perm(permission("milestone", "view"), m)]


def action_plans(user: Any) -> QuerySet[ActionPlan]:
    commitments = (
        visible_commitments(user)
        .select_related("coordinator")
        .only(  # what the list of commitments shows (portal/_commitment_list.html)
            "action_plan",
            "number",
            "title",
            "period_start",
            "period_end",
            "coordinator__name",
            "coordinator__acronym",
        )
        .annotate(milestone_count=Count("milestones"))
    )
    plans = ActionPlan.objects.filter(commitments__in=commitments.values("pk")).distinct()
    if _scope_filter(user) is None:
        plans = ActionPlan.objects.all()
    return plans.prefetch_related(Prefetch("commitments", queryset=commitments))


def _visible_or_404(user: Any, obj: Any, model: str) -> Any:

    if obj is None or not user.has_perm(permission(model, "view"), obj):
        raise Http404
    return obj


def get_action_plan(user: Any, slug: str) -> ActionPlan:
    plan = action_plans(user).filter(slug=slug).first()
    return _visible_or_404(user, plan, "actionplan")


def get_commitment(user: Any, plan: str, number: str) -> Commitment:
    commitment = (
        Commitment.objects.select_related("action_plan", "coordinator", "irm")
        .prefetch_related("entities__organization", "milestones")
        .filter(action_plan__slug=plan, number=number)
        .first()
    )
    return _visible_or_404(user, commitment, "commitment")


def get_milestone(user: Any, plan: str, number: str, milestone: str) -> Milestone:
    """The milestone with its commitment, action plan, coordinator and imported document (without
    its text, read only when the plan check is not cached) in one query."""
    found = (
        Milestone.objects.select_related("commitment__action_plan", "commitment__coordinator", "document")
        .defer("document__content")
        .filter(commitment__action_plan__slug=plan, commitment__number=number, number=milestone)
    )
    return _visible_or_404(user, found.first(), "milestone")


def has_work_plan(milestone: Milestone) -> bool:
    """A milestone has a detailed work plan when it has activities (an imported work plan, or
    activities staff added); else it is tracked directly."""
    return milestone.activities.exists()


def milestone_progress(milestones: list[Milestone]) -> None:
    """Set on each milestone ``has_work_plan`` and, for one tracked directly, ``last_report`` (its
    latest progress report, or None): one query whatever their number."""
    if not milestones:
        return
    latest = (
        ProgressEntry.objects.visible_to_public().filter(milestone=OuterRef("pk")).order_by("-day", "-pk")
    )
    found = {
        row["pk"]: row
        for row in Milestone.objects.filter(pk__in=[m.pk for m in milestones])
        .annotate(
            work_plan=Exists(Activity.objects.filter(milestone=OuterRef("pk"))),
            report=Subquery(latest.values("pk")[:1]),
        )
        .values("pk", "work_plan", "report")
    }
    reports = ProgressEntry.objects.in_bulk([row["report"] for row in found.values() if row["report"]])
    for milestone in milestones:
        row = found.get(milestone.pk, {})
        milestone.has_work_plan = bool(row.get("work_plan"))
        milestone.last_report = reports.get(row.get("report")) if not milestone.has_work_plan else None


def activities(milestone: Milestone) -> QuerySet[Activity]:
    """The activities as the work plan lists them (and indicator A reads them), with the entities
    responsible (their names)."""
    return milestone.activities.only(
        "milestone_id",
        "position",
        "number",
        "letter",
        "title",
        "responsible_text",
        "planned_start",
        "planned_end",
        "weight",
    ).prefetch_related(
        Prefetch(
            "responsible", queryset=Organization.objects.order_by("acronym", "name").only("name", "acronym")
        )
    )


def strategies(milestone: Milestone) -> QuerySet[Strategy]:
    """The strategies with their partner organisations (their names)."""
    return milestone.strategies.only("milestone_id", "key", "text").prefetch_related(
        Prefetch("partners", queryset=Organization.objects.only("name", "acronym"))
    )


def plan_document(milestone: Milestone) -> PlanDocument | None:
    """The milestone's imported document (no query when :func:`get_milestone` read it)."""
    if Milestone.document.is_cached(milestone):
        return getattr(milestone, "document", None)
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


# --- what needs doing --------------------------------------------------------------------------


def staff_milestones(user: Any) -> list[Milestone]:
    """The milestones in the person's scope: where they may record the work (the rule
    ``can_edit_rows`` on the milestone: administrators everywhere, the point of contact in their
    plan, coordinators and editors where their commitment, milestone or organisation answers;
    ``can_report_progress``: a liaison where their institution answers within their commitment).
    A fixed number of queries."""

    milestones = Milestone.objects.select_related("commitment__action_plan").order_by(
        "commitment__action_plan__name", "commitment__sort_key", "sort_key", "pk"
    )
    if is_administrator(user):
        return list(milestones)
    held = [a for a in assignments(user) if a.role in ("editor", "coordinator")]
    plans = {a.action_plan_id for a in assignments(user) if a.role == "point_of_contact"}
    liaisons = {(a.commitment_id, a.organization_id) for a in assignments(user) if a.role == "liaison"}
    commitments = {a.commitment_id for a in held if a.commitment_id}
    own = {a.milestone_id for a in held if a.milestone_id}
    organizations = {a.organization_id for a in held if a.organization_id}
    if not held and not plans and not liaisons:
        return []
    condition = (
        Q(commitment_id__in=commitments)
        | Q(pk__in=own)
        | Q(commitment__action_plan_id__in=plans)
        | Q(commitment_id__in={commitment for commitment, _org in liaisons})
    )
    if organizations:
        condition |= Q(activities__responsible__in=organizations) | Q(
            commitment__entities__organization__in=organizations, commitment__entities__role="responsible"
        )
    candidates = list(
        milestones.filter(condition).distinct().prefetch_related("commitment__entities", "responsible")
    )
    speakers = organizations | {org for _commitment, org in liaisons}
    doers = set(
        Activity.responsible.through.objects.filter(
            activity__milestone__in=[m.pk for m in candidates], organization_id__in=speakers
        ).values_list("activity__milestone_id", "organization_id")
    )
    found = []
    for milestone in candidates:
        number = int(milestone.number) if milestone.number.isdigit() else None
        responsible = {
            e.organization_id
            for e in milestone.commitment.entities.all()
            if e.role == "responsible" and (number is None or number in (e.milestone_numbers or []))
        } | {organization.pk for organization in milestone.responsible.all()}
        answers = responsible | {org for pk, org in doers if pk == milestone.pk}
        if (
            milestone.commitment_id in commitments
            or milestone.pk in own
            or milestone.commitment.action_plan_id in plans
            or organizations & answers
            or any(commitment == milestone.commitment_id and org in answers for commitment, org in liaisons)
        ):
            found.append(milestone)
    return found


UNDER_WAY = ("in_progress", "delayed")


def activities_without_report(milestones: Any, today: datetime.date) -> QuerySet[Activity]:
    """Activities under way (their latest report says in progress or delayed; or, with no report
    yet, the plan puts them in this month) with no progress report this month: one query, and one
    for the organisations responsible (what the rule asks of an activity)."""
    this_month = today.replace(day=1)
    entries = ProgressEntry.objects.in_effect()  # a report waiting for validation is a report made
    latest = entries.filter(activity=OuterRef("pk"), day__lte=today).order_by("-day", "-pk")
    reported = entries.filter(activity=OuterRef("pk"), day__gte=this_month, day__lte=today)
    planned_now = Q(planned_start__lte=today, planned_end__gte=this_month)
    not_started = Q(latest_status=None) | Q(latest_status="planned")
    return (
        Activity.objects.current()
        .filter(milestone__in=milestones)
        .annotate(latest_status=Subquery(latest.values("status")[:1]), reported=Exists(reported))
        .filter(reported=False)
        .filter(Q(latest_status__in=UNDER_WAY) | not_started & planned_now)
        .select_related("milestone__commitment")
        .prefetch_related("responsible")
        .order_by("milestone_id", "position")
    )


def tracked_without_report(milestones: Any, today: datetime.date) -> QuerySet[Milestone]:
    """Milestones tracked directly (no activities) that are under way (their latest report says in
    progress or delayed; or, with no report yet, their dates cover this month) with no progress
    report this month: one query."""
    this_month = today.replace(day=1)
    entries = ProgressEntry.objects.in_effect()
    latest = entries.filter(milestone=OuterRef("pk"), day__lte=today).order_by("-day", "-pk")
    reported = entries.filter(milestone=OuterRef("pk"), day__gte=this_month, day__lte=today)
    planned_now = Q(starts_on__lte=today, ends_on__gte=this_month)
    not_started = Q(latest_status=None) | Q(latest_status="planned")
    return (
        Milestone.objects.filter(pk__in=milestones)
        .annotate(
            latest_status=Subquery(latest.values("status")[:1]),
            reported=Exists(reported),
            work_plan=Exists(Activity.objects.filter(milestone=OuterRef("pk"))),
        )
        .filter(reported=False, work_plan=False)
        .filter(Q(latest_status__in=UNDER_WAY) | not_started & planned_now)
        .select_related("commitment__action_plan")
        .order_by("pk")
    )


def needs_attention(milestones: Any, today: datetime.date) -> list[Attention]:
    """Activities under way without a progress report this month, in the given milestones, and
    milestones tracked directly in the same case."""
    month = today.replace(day=1)
    return [
        *(
            Attention(
                PROGRESS,
                activity.milestone_id,
                activity,
                reverse("staff:record_progress", args=[activity.pk]),
                day=month,
            )
            for activity in activities_without_report(milestones, today)
        ),
        *(
            Attention(
                TRACKED,
                milestone.pk,
                milestone,
                reverse("staff:record_milestone_progress", args=[milestone.pk]),
                day=month,
            )
            for milestone in tracked_without_report(milestones, today)
        ),
    ]
