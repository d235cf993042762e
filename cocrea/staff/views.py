"""The staff shell's own screens: the home (what needs doing in the person's milestones) and a
milestone's hub, linking to every domain's staff screens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cocrea.accounts.models import Role
from cocrea.accounts.rules import STAFF_SCREENS, assignments, is_administrator, permission
from cocrea.core.http import (
    timezone_today,
)
from cocrea.participation.models import Agreement
from cocrea.plans import queries as plans
from cocrea.plans import review
from cocrea.plans.models import ActionPlan, Milestone
from cocrea.staff import todo


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The staff area's home: for each milestone in the person's scope, what needs doing, each
    item linking to the screen where it is dealt with."""

    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied
    milestones = plans.staff_milestones(request.user)
    lists = todo.gather(request.user, milestones, timezone_today())
    contact_of = [a.action_plan_id for a in assignments(request.user) if a.role == Role.POINT_OF_CONTACT]
    may_validate = is_administrator(request.user) or bool(contact_of)
    return render(
        request,
        "staff/home.html",
        {
            "todo": [item for item in lists if item.groups],
            "clear": [item.milestone for item in lists if not item.groups],
            "milestones": milestones,
            "waiting": review.waiting_for(request.user).count() if may_validate else None,
            "returned": list(review.returned_to(request.user)[:10]),
            "plans_administered": list(ActionPlan.objects.filter(pk__in=contact_of).order_by("name"))
            if contact_of
            else [],
        },
    )


@login_required
def milestone_execution(request: HttpRequest, milestone: int) -> HttpResponse:
    """The staff entry point for one milestone: what can be recorded, with links."""

    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not request.user.has_perm(STAFF_SCREENS) or not request.user.has_perm(
        permission("milestone", "view"), found
    ):
        raise PermissionDenied
    user = request.user
    return render(
        request,
        "staff/milestone.html",
        {
            "milestone": found,
            "activities": [
                a
                for a in found.activities.prefetch_related("responsible")
                if user.has_perm(permission("progressentry", "add"), a)
            ],
            "lines": [
                line
                for line in found.budget_lines.all()
                if user.has_perm(permission("budgetline", "change"), line)
            ],
            "meetings": _with_overdue_agreements(
                [m for m in found.meetings.all() if user.has_perm(permission("meeting", "change"), m)]
            ),
            "can_baseline": user.has_perm(permission("milestone", "change"), found),
            "has_work_plan": found.activities.exists(),
            "indicators": (
                indicators := [
                    i for i in found.indicators.all() if user.has_perm(permission("indicator", "change"), i)
                ]
            ),
            "measured_by_hand": any(i.method == "manual" for i in indicators),
            "can_track": user.has_perm(permission("progressentry", "add"), found),
            "todo": todo.gather(user, [found], timezone_today(), limit=None)[0]
            if user.has_perm(permission("progressentry", "add"), found)
            else None,
        },
    )


def _with_overdue_agreements(meetings: list[Any]) -> list[Any]:
    """Each meeting's number of overdue agreements (``overdue_agreements``), in one query."""

    counts = dict(
        Agreement.objects.overdue(timezone_today())
        .filter(meeting__in=[m.pk for m in meetings])
        .values_list("meeting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for meeting in meetings:
        meeting.overdue_agreements = counts.get(meeting.pk, 0)
    return meetings
