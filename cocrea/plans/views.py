"""Public pages of the work plan: action plans, commitments, a milestone's work plan, its schedule
(Gantt), plan check, dashboard, change history, and the downloads of the plan and evidence."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone

from cocrea.accounts.rules import permission
from cocrea.computations.charts import line_chart
from cocrea.computations.gantt import GanttActivity, GanttMeeting, gantt_chart
from cocrea.computations.months import Month, MonthRange
from cocrea.computations.schedule import build_grid
from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.core.http import attachment
from cocrea.core.uploads import may_read_upload
from cocrea.plans import indicators, queries
from cocrea.plans.execution import baseline_at
from cocrea.plans.findings import describe
from cocrea.plans.history import history_context
from cocrea.plans.models import (
    CommitmentEntity,
    Evidence,
    Milestone,
    Organization,
    ProgressEntry,
)


@pagecache.public_page(pagecache.address)
def action_plan(request: HttpRequest, plan: str) -> HttpResponse:
    def build() -> Built:
        return "plans/action_plan.html", {"action_plan": queries.get_action_plan(request.user, plan)}

    return render_public(request, build)


@pagecache.public_page(pagecache.address)
def commitment(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    return render_public(request, lambda: _commitment(request, plan, number))


def _commitment(request: HttpRequest, plan: str, number: str) -> Built:
    found = queries.get_commitment(request.user, plan, number)
    entities = list(found.entities.all())
    milestones = queries.visible_milestones(request.user, found)
    queries.milestone_progress(milestones)
    return (
        "plans/commitment.html",
        {
            "commitment": found,
            "action_plan": found.action_plan,
            "responsible": [e for e in entities if e.role == CommitmentEntity.Role.RESPONSIBLE],
            "other_actors": [e for e in entities if e.role == CommitmentEntity.Role.OTHER_ACTOR],
            "actor_groups": _by_sector([e for e in entities if e.role == CommitmentEntity.Role.OTHER_ACTOR]),
            "milestones": milestones,
        },
    )


def _by_sector(entities: list[CommitmentEntity]) -> list[tuple[str, list[CommitmentEntity]]]:
    """The supporting actors by sector, in OGP's order (government, civil society, academia, the
    private sector, international cooperation and multilaterals, other); empty sectors left out."""
    return [
        (str(label), found)
        for kind, label in Organization.Kind.choices
        if (found := [e for e in entities if e.organization.kind == kind])
    ]


def _findings_by_item(findings: list) -> dict[tuple[str, str], list]:  # type: ignore[type-arg]
    grouped: dict[tuple[str, str], list] = defaultdict(list)  # type: ignore[type-arg]
    for finding in findings:
        grouped[(finding.section, finding.item)].append(finding)
    return grouped


@pagecache.public_page(pagecache.address)
def milestone(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    return render_public(request, lambda: _milestone(request, plan, number, milestone))


def _milestone(request: HttpRequest, plan: str, number: str, milestone: str) -> Built:
    found = queries.get_milestone(request.user, plan, number, milestone)
    activities = list(queries.activities(found))
    if not activities:  # no work plan (queries.has_work_plan): tracked directly
        return _tracked_milestone(found)
    findings = queries.findings_for(queries.plan_document(found))
    flagged = {f.item for f in findings if f.item}
    objectives = list(found.objectives.only("milestone_id", "kind", "key", "text"))
    budget_lines = list(
        found.budget_lines.defer("origin", "archived_at", "archived_by", "edit_version", "source_line")
    )
    for activity in activities:
        activity.flagged = activity.code in flagged
    meeting_months = list(found.meetings.values_list("planned_month", flat=True))
    status = indicators.status_date(found, request.GET.get("fecha", ""), activities=activities)
    # Indicator A reads what this page has read already (activities, budget lines, meetings) from it.
    known = indicators.Loaded(
        activities=activities,
        lines=budget_lines,
        meeting_months=[month for month in meeting_months if month is not None],
    )
    _figures, indicator_rows = indicators.indicator_values(found, status.day, known=known)
    return (
        "plans/milestone.html",
        {
            "milestone": found,
            "status": status,
            "indicator_rows": indicator_rows,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "general_objectives": [o for o in objectives if o.kind == "general"],
            "specific_objectives": [o for o in objectives if o.kind == "specific"],
            "activities": activities,
            "strategies": queries.strategies(found),
            "budget_lines": budget_lines,
            "budget_total": sum((line.stated_cost or 0 for line in budget_lines), 0),
            "meeting_count": len(meeting_months),
            "findings": findings,
            "error_count": sum(1 for f in findings if f.severity == "error"),
            "warning_count": sum(1 for f in findings if f.severity == "warning"),
        },
    )


def _tracked_milestone(found: Milestone) -> Built:
    """A milestone without a detailed work plan: what it delivers, who answers for it, and its
    progress reports, tracked directly (newest first, with their evidence)."""
    reports = list(
        found.progress_entries.visible_to_public()
        .order_by("-day", "-pk")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.order_by("pk")))
    )
    return (
        "plans/milestone_tracked.html",
        {
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "responsible": list(found.responsible.order_by("name")),
            "reports": reports,
            "latest": reports[0] if reports else None,
            "tracked": True,
        },
    )


def _today(request: HttpRequest) -> date:
    """Today, or ``?hoy=YYYY-MM-DD`` to see the schedule as on another day."""
    value = request.GET.get("hoy", "")
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@pagecache.public_page(pagecache.address)
def schedule(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    return render_public(request, lambda: _schedule(request, plan, number, milestone))


def _schedule(request: HttpRequest, plan: str, number: str, milestone: str) -> Built:
    found = queries.get_milestone(request.user, plan, number, milestone)
    activities = list(found.activities.all())  # the schedule shows responsible_text, not the entities
    meetings = list(found.meetings.all())
    findings = queries.findings_for(queries.plan_document(found))
    flagged = {f.item for f in findings if f.item}
    dated = [a.planned for a in activities if a.planned] + [
        months for months in map(_meeting_months, meetings) if months is not None
    ]
    period = found.schedule_range or (
        MonthRange(min(r.start for r in dated), max(r.end for r in dated)) if dated else None
    )
    today = _today(request)
    _attach_execution(found, activities, today)
    context = {
        "milestone": found,
        "commitment": found.commitment,
        "action_plan": found.commitment.action_plan,
        "today": today,
        "activities": activities,
        "meetings": meetings,
        "has_execution": any(a.state for a in activities),
        "has_baseline": any(a.baseline_months for a in activities),
    }
    if period is not None:
        grid = build_grid(period, today=today, extra=dated)
        context["grid"] = grid
        context["chart"] = gantt_chart(
            grid,
            [
                GanttActivity(
                    code=a.code,
                    letter=a.letter,
                    title=a.title,
                    planned=a.planned,
                    responsible=a.responsible_text,
                    percent=float(a.state.percent_complete) if a.state else 0.0,
                    status=a.state.get_status_display() if a.state else "",
                    baseline=a.baseline_months,
                    actual=a.actual_months,
                )
                for a in activities
            ],
            [GanttMeeting(str(m.position), m.kind, m.title, _meeting_months(m)) for m in meetings],
            flagged,
            today,
        )
    return "plans/schedule.html", context


def _meeting_months(meeting: Any) -> MonthRange | None:
    if not meeting.planned_month:
        return None
    return MonthRange(
        Month.from_date(meeting.planned_month),
        Month.from_date(meeting.planned_end_month or meeting.planned_month),
    )


def _attach_execution(milestone, activities, today):  # type: ignore[no-untyped-def]
    """Each activity's state at ``today``, its actual months and its baseline months (2 queries)."""

    latest = (
        ProgressEntry.objects.visible_to_public()
        .filter(activity__milestone=milestone)
        .only("activity_id", "day", "percent_complete", "status", "actual_start", "actual_end")
        .latest_per_activity(today)
    )
    baseline = baseline_at(milestone, today)
    planned = {}
    if baseline is not None:
        for row in baseline.snapshot.get("activities", []):
            if row.get("start") and row.get("end"):
                planned[row["id"]] = MonthRange(
                    Month.from_iso(row["start"][:7]), Month.from_iso(row["end"][:7])
                )
    for activity in activities:
        state = latest.get(activity.pk)
        activity.state = state
        activity.baseline_months = planned.get(activity.pk)
        activity.actual_months = None
        if state is not None and state.actual_start:
            end = state.actual_end or (state.day if state.status == "done" else today)
            end = max(end, state.actual_start)
            activity.actual_months = MonthRange(Month.from_date(state.actual_start), Month.from_date(end))


@pagecache.public_page(pagecache.address)
def plan_check(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    return render_public(request, lambda: _plan_check(request, plan, number, milestone))


def _plan_check(request: HttpRequest, plan: str, number: str, milestone: str) -> Built:
    found = queries.get_milestone(request.user, plan, number, milestone)
    document = queries.plan_document(found)
    findings = queries.findings_for(document)
    source_lines = document.content.split("\n") if document else []
    items = []
    for finding in findings:
        quoted = ""
        if finding.line and finding.line <= len(source_lines):
            quoted = " ".join(source_lines[finding.line - 1].replace("\t", "  ").split())
        items.append({"finding": finding, "message": describe(finding), "quoted": quoted})
    return (
        "plans/plan_check.html",
        {
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "document": document,
            "items": items,
            "error_count": sum(1 for f in findings if f.severity == "error"),
            "warning_count": sum(1 for f in findings if f.severity == "warning"),
            "info_count": sum(1 for f in findings if f.severity == "info"),
        },
    )


@pagecache.public_page(pagecache.address)
def dashboard(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    """The indicators at a date (``?fecha=``; by default today, or the end of a milestone that has
    ended), the S-curve, the budget by line and the alerts grouped by kind."""
    return render_public(request, lambda: _dashboard(request, plan, number, milestone))


def _dashboard(request: HttpRequest, plan: str, number: str, milestone: str) -> Built:
    found = queries.get_milestone(request.user, plan, number, milestone)
    execution = indicators.read_execution(found)  # read once: indicator A, the alerts and the budget
    status = indicators.status_date(
        found,
        request.GET.get("fecha", ""),
        last_report=execution.last_report,
        activities=execution.activities,
    )
    day = status.day
    item, indicator_rows = indicators.indicator_values(found, day, history=True, known=execution.loaded())
    context: dict = {
        "milestone": found,
        "commitment": found.commitment,
        "action_plan": found.commitment.action_plan,
        "day": day,
        "status": status,
        "figures": item,
        "ev": item.earned_value,
        "time_variance": (
            indicators.time_variance_text(item.earned_value.time_variance_days) if item.earned_value else ""
        ),
        "original_time_variance": (
            indicators.time_variance_text(item.original.time_variance_days) if item.original else ""
        ),
        "indicators": indicator_rows,
        "alert_groups": indicators.alert_groups(
            indicators.alerts(found, day, execution) + indicators.measurement_alerts(indicator_rows)
        ),
        "budget": indicators.budget_rows(found, item.calculator, day, execution),
    }
    if item.calculator is not None and item.span is not None:
        months = list(item.month_ends)  # the span's months, indicator A at the end of each
        points = list(item.month_ends.values())
        current = Month.from_date(day)
        actual = [p if m <= current else None for m, p in zip(months, points, strict=True)]
        chart = line_chart(
            {
                "pv": [p.pv for p in points],
                "ev": [p.ev if p else None for p in actual],
                "ac": [p.ac if p else None for p in actual],
            }
        )
        context["chart"] = chart
        context["curve"] = list(zip(months, points, actual, chart.x_positions, strict=True))
        context["label_every"] = max(1, -(-len(months) // 8))
    return "plans/dashboard.html", context


def plan_document(request: HttpRequest, plan: str, number: str, milestone: str) -> FileResponse:
    """The imported work plan as it was uploaded, as a download (public for published plans)."""

    found = queries.get_milestone(request.user, plan, number, milestone)
    document = queries.plan_document(found)
    if document is None:
        raise Http404
    return attachment(io.BytesIO(document.content.encode("utf-8")), document.filename)


def evidence(request: HttpRequest, evidence: int) -> FileResponse:
    """A means of verification's file, as a download, where its activity may be seen."""

    item = (
        Evidence.objects.select_related(
            "upload",
            "entry__activity__milestone__commitment__action_plan",
            "entry__milestone__commitment__action_plan",
        )
        .filter(pk=evidence)
        .first()
    )
    if item is None or item.upload is None or not request.user.has_perm(permission("evidence", "view"), item):
        raise Http404
    if not may_read_upload(request.user, item.upload):  # also held by something not public
        raise Http404
    return attachment(item.upload.file.open("rb"), item.upload.original_name)


@pagecache.public_page(pagecache.address)
def history(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    """The public change history of a milestone's work plan (Historial de cambios): readable
    labels and values, filters by kind and date, 50 changes a page; staff see every field."""

    def build() -> Built:
        found = queries.get_milestone(request.user, plan, number, milestone)
        return (
            "plans/history.html",
            {
                "milestone": found,
                "commitment": found.commitment,
                "action_plan": found.commitment.action_plan,
                **history_context(request.user, request.GET, found),
            },
        )

    return render_public(request, build)
