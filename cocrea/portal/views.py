"""Public pages: read-only views of action plans, commitments and milestone work plans."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cocrea.computations.months import Month, MonthRange
from cocrea.computations.schedule import build_grid
from cocrea.plans import queries
from cocrea.plans.findings import describe
from cocrea.plans.models import CommitmentEntity


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"action_plans": queries.action_plans(request.user)})


def action_plan(request: HttpRequest, plan: str) -> HttpResponse:
    found = queries.get_action_plan(request.user, plan)
    return render(request, "portal/action_plan.html", {"action_plan": found})


def commitment(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    found = queries.get_commitment(request.user, plan, number)
    entities = list(found.entities.all())
    return render(
        request,
        "portal/commitment.html",
        {
            "commitment": found,
            "action_plan": found.action_plan,
            "responsible": [e for e in entities if e.role == CommitmentEntity.Role.RESPONSIBLE],
            "other_actors": [e for e in entities if e.role == CommitmentEntity.Role.OTHER_ACTOR],
            "milestones": queries.visible_milestones(request.user, found),
        },
    )


def _findings_by_item(findings: list) -> dict[tuple[str, str], list]:  # type: ignore[type-arg]
    grouped: dict[tuple[str, str], list] = defaultdict(list)  # type: ignore[type-arg]
    for finding in findings:
        grouped[(finding.section, finding.item)].append(finding)
    return grouped


def milestone(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    found = queries.get_milestone(request.user, plan, number, milestone)
    document = queries.plan_document(found)
    findings = queries.findings_for(document)
    flagged = {f.item for f in findings if f.item}
    objectives = list(found.objectives.all())
    budget_lines = list(found.budget_lines.all())
    activities = list(queries.activities(found))
    for activity in activities:
        activity.flagged = activity.code in flagged
    return render(
        request,
        "portal/milestone.html",
        {
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "general_objectives": [o for o in objectives if o.kind == "general"],
            "specific_objectives": [o for o in objectives if o.kind == "specific"],
            "indicators": found.indicators.all(),
            "activities": activities,
            "strategies": queries.strategies(found),
            "budget_lines": budget_lines,
            "budget_total": sum((line.stated_cost or 0 for line in budget_lines), 0),
            "meeting_count": found.meetings.count(),
            "findings": findings,
            "error_count": sum(1 for f in findings if f.severity == "error"),
            "warning_count": sum(1 for f in findings if f.severity == "warning"),
        },
    )


def _today(request: HttpRequest) -> date:
    """Today, or ``?hoy=YYYY-MM-DD`` to see the schedule as on another day."""
    value = request.GET.get("hoy", "")
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def schedule(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    found = queries.get_milestone(request.user, plan, number, milestone)
    activities = list(queries.activities(found))
    meetings = list(found.meetings.all())
    findings = queries.findings_for(queries.plan_document(found))
    flagged = {f.item for f in findings if f.item}
    dated = [a.planned for a in activities if a.planned] + [
        MonthRange(
            Month.from_date(m.planned_month),
            Month.from_date(m.planned_end_month or m.planned_month),
        )
        for m in meetings
        if m.planned_month
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
        context["chart"] = _chart(grid, activities, meetings, flagged, today)
    return render(request, "portal/schedule.html", context)


def _attach_execution(milestone, activities, today):  # type: ignore[no-untyped-def]
    """Each activity's state at ``today``, its actual months and its baseline months (2 queries)."""
    from cocrea.plans.execution import baseline_at
    from cocrea.plans.models import ProgressEntry

    latest = ProgressEntry.objects.filter(activity__milestone=milestone).latest_per_activity(today)
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


# Geometry of the server-rendered SVG Gantt chart (user units; the SVG scales to its box).
LABEL_WIDTH = 340
MONTH_WIDTH = 34
ROW_HEIGHT = 24
HEADER_HEIGHT = 52


def _chart(grid, activities, meetings, flagged, today):  # type: ignore[no-untyped-def]
    rows = []
    y = HEADER_HEIGHT
    for activity in activities:
        bar = grid.place(activity.code, activity.title, "activity", activity.planned)
        state = getattr(activity, "state", None)
        percent = float(state.percent_complete) if state else 0.0
        baseline = grid.place(activity.code, "", "baseline", getattr(activity, "baseline_months", None))
        actual = grid.place(activity.code, "", "actual", getattr(activity, "actual_months", None))
        rows.append(
            {
                "kind": "activity",
                "y": y,
                "code": activity.code,
                "letter": activity.letter,
                "label": activity.title,
                "short": _short(activity.title, 40),
                "dates": activity.planned,
                "responsible": activity.responsible_text,
                "flagged": activity.code in flagged,
                "x": LABEL_WIDTH + (bar.start_column or 0) * MONTH_WIDTH + 2,
                "width": bar.span * MONTH_WIDTH - 4,
                "placed": bar.start_column is not None,
                "percent": percent,
                "status": state.get_status_display() if state else "",
                "fill_width": max(0.0, (bar.span * MONTH_WIDTH - 4) * percent / 100),
                "baseline_x": LABEL_WIDTH + (baseline.start_column or 0) * MONTH_WIDTH + 2,
                "baseline_width": baseline.span * MONTH_WIDTH - 4,
                "has_baseline": baseline.start_column is not None,
                "actual_x": LABEL_WIDTH + (actual.start_column or 0) * MONTH_WIDTH + 2,
                "actual_width": actual.span * MONTH_WIDTH - 4,
                "has_actual": actual.start_column is not None,
            }
        )
        y += ROW_HEIGHT
    separator_y = y
    y += ROW_HEIGHT
    for meeting in meetings:
        months = (
            MonthRange(
                Month.from_date(meeting.planned_month),
                Month.from_date(meeting.planned_end_month or meeting.planned_month),
            )
            if meeting.planned_month
            else None
        )
        bar = grid.place(str(meeting.position), meeting.title, meeting.kind, months)
        center = LABEL_WIDTH + (bar.start_column or 0) * MONTH_WIDTH + MONTH_WIDTH / 2
        rows.append(
            {
                "kind": "meeting",
                "meeting_kind": meeting.kind,
                "y": y,
                "label": meeting.title,
                "short": _short(meeting.title, 40),
                "dates": months,
                "flagged": meeting.title in flagged,
                "cx": center,
                "cy": y + ROW_HEIGHT / 2,
                "diamond": _diamond(center, y + ROW_HEIGHT / 2, 7),
                "placed": bar.start_column is not None,
            }
        )
        y += ROW_HEIGHT
    width = LABEL_WIDTH + grid.width * MONTH_WIDTH
    columns = [
        {
            "x": LABEL_WIDTH + m.column * MONTH_WIDTH,
            "center": LABEL_WIDTH + m.column * MONTH_WIDTH + MONTH_WIDTH / 2,
            "month": m.month,
            "first_of_year": m.first_of_year,
            "is_current": m.is_current,
        }
        for m in grid.months
    ]
    years = []
    x = LABEL_WIDTH
    for year, count in grid.years:
        years.append(
            {
                "year": year,
                "x": x,
                "center": x + count * MONTH_WIDTH / 2,
                "width": count * MONTH_WIDTH,
            }
        )
        x += count * MONTH_WIDTH
    today_marker = None
    if grid.today_column is not None:
        today_marker = {
            "x": LABEL_WIDTH + (grid.today_column + grid.today_fraction) * MONTH_WIDTH,
            "position": "inside",
        }
    elif grid.months:
        after = today > grid.months[-1].month.last_day()
        today_marker = {
            "x": width - 1 if after else LABEL_WIDTH + 1,
            "position": "after" if after else "before",
        }
    return {
        "width": width,
        "height": y + 8,
        "label_width": LABEL_WIDTH,
        "month_width": MONTH_WIDTH,
        "row_height": ROW_HEIGHT,
        "header_height": HEADER_HEIGHT,
        "rows": rows,
        "separator_y": separator_y,
        "columns": columns,
        "years": years,
        "today": today_marker,
    }


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _diamond(cx: float, cy: float, r: float) -> str:
    return f"{cx},{cy - r} {cx + r},{cy} {cx},{cy + r} {cx - r},{cy}"


def plan_check(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
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
    return render(
        request,
        "portal/plan_check.html",
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


SHOWN_ORGANIZATIONS = 200


def participation(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """Indicator E for a commitment: who took part, by kind, over time; meetings and attendance."""
    from django.db.models import Count
    from django.utils.functional import SimpleLazyObject

    from cocrea.computations.charts import line_chart
    from cocrea.participation.figures import (
        indicator_e,
        organizations_taking_part,
        participation_version,
        public_names,
    )
    from cocrea.participation.models import Attendance, Meeting

    found = queries.get_commitment(request.user, plan, number)
    figures_e = indicator_e(found)
    from django.core.paginator import Paginator

    meetings = Paginator(
        Meeting.objects.filter(milestone__in=queries.visible_milestones(request.user, found)).order_by(
            "milestone__sort_key", "position"
        ),
        50,
    ).get_page(request.GET.get("pagina"))
    counts = dict(
        Attendance.objects.filter(meeting__in=[m.pk for m in meetings])
        .values_list("meeting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for meeting in meetings:
        meeting.attendees = counts.get(meeting.pk, 0)
    months = figures_e["by_month"]
    chart = line_chart({"people": [m["cumulative"] for m in months]}, height=240) if len(months) > 1 else None
    kinds = figures_e["by_organization_kind"]
    biggest = max(kinds.values(), default=0)
    from cocrea.plans.models import Organization

    kind_labels = dict(Organization.Kind.choices)
    return render(
        request,
        "portal/participation.html",
        {
            "commitment": found,
            "action_plan": found.action_plan,
            "figures": figures_e,
            "kinds": [
                {
                    "label": kind_labels.get(kind, kind),
                    "count": count,
                    "width": (count * 100 // biggest) if biggest else 0,
                }
                for kind, count in kinds.items()
            ],
            "organizations": organizations_taking_part(found, SHOWN_ORGANIZATIONS),
            "more_organizations": max(0, figures_e["legal_persons"] - SHOWN_ORGANIZATIONS),
            "meetings": meetings,
            # Lazy: evaluated inside the template's cached fragment only when it is rebuilt. From the
            # participation summary: everyone counted above who consented to show their public name.
            "public_people": SimpleLazyObject(lambda: public_names(found, SHOWN_ORGANIZATIONS)),
            "participation_version": participation_version(),
            "chart": chart,
            "curve": list(zip(months, chart.x_positions, strict=True)) if chart else [],
        },
    )


def _status_date(request: HttpRequest) -> tuple[date, str]:
    """``?fecha=YYYY-MM-DD`` or today; a date that does not parse gives today and a message."""
    value = request.GET.get("fecha", "").strip()
    if not value:
        return timezone.localdate(), ""
    try:
        return date.fromisoformat(value), ""
    except ValueError:
        return timezone.localdate(), value


def dashboard(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    """Indicator A at a date, the S-curve, the budget by line and the alerts."""
    from cocrea.computations.charts import line_chart
    from cocrea.plans import indicators

    found = queries.get_milestone(request.user, plan, number, milestone)
    day, bad_date = _status_date(request)
    item = indicators.figures([found], day, history=True)[0]
    context: dict = {
        "milestone": found,
        "commitment": found.commitment,
        "action_plan": found.commitment.action_plan,
        "day": day,
        "bad_date": bad_date,
        "figures": item,
        "ev": item.earned_value,
        "indicators": indicators.indicator_rows(found, item.earned_value, item.calculator),
        "alerts": indicators.alerts(found, day),
        "budget": indicators.budget_rows(found, item.calculator, day),
    }
    if item.calculator is not None and item.span is not None:
        months = list(item.span)
        points = item.calculator.series(months)
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
    return render(request, "portal/dashboard.html", context)


def plan_document(request: HttpRequest, plan: str, number: str, milestone: str) -> FileResponse:
    """The imported work plan as it was uploaded, as a download (public for published plans)."""
    import io

    from cocrea.staff.views import attachment

    found = queries.get_milestone(request.user, plan, number, milestone)
    document = queries.plan_document(found)
    if document is None:
        raise Http404
    return attachment(io.BytesIO(document.content.encode("utf-8")), document.filename)


def evidence(request: HttpRequest, evidence: int) -> FileResponse:
    """A means of verification's file, as a download, where its activity may be seen."""
    from cocrea.accounts.rules import permission
    from cocrea.core.uploads import may_read_upload
    from cocrea.plans.models import Evidence
    from cocrea.staff.views import attachment

    item = (
        Evidence.objects.select_related("upload", "entry__activity__milestone__commitment__action_plan")
        .filter(pk=evidence)
        .first()
    )
    if item is None or item.upload is None or not request.user.has_perm(permission("evidence", "view"), item):
        raise Http404
    if not may_read_upload(request.user, item.upload):  # also held by something not public
        raise Http404
    return attachment(item.upload.file.open("rb"), item.upload.original_name)


def _labelled(entry):  # type: ignore[no-untyped-def]
    """Each changed field with its human name in the active language."""
    model = entry.content_type.model_class()
    labelled = []
    for name, change in entry.changes.items():
        try:
            label = model._meta.get_field(name).verbose_name if model else name
        except Exception:  # a field that no longer exists keeps its stored name
            label = name
        labelled.append((label, change))
    return labelled


def history(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    """The public change history of a milestone's work plan (Historial de cambios)."""
    from django.core.paginator import Paginator

    from cocrea.audit.models import entries_for_objects
    from cocrea.budget.models import BudgetLine
    from cocrea.participation.models import Meeting
    from cocrea.plans.models import Activity, Indicator, Milestone, Objective, Strategy

    found = queries.get_milestone(request.user, plan, number, milestone)
    rows = {
        Milestone: [found.pk],
        Activity: list(found.activities.values_list("pk", flat=True)),
        BudgetLine: list(found.budget_lines.values_list("pk", flat=True)),
        Meeting: list(found.meetings.values_list("pk", flat=True)),
        Objective: list(found.objectives.values_list("pk", flat=True)),
        Indicator: list(found.indicators.values_list("pk", flat=True)),
        Strategy: list(found.strategies.values_list("pk", flat=True)),
    }
    page = Paginator(entries_for_objects(rows), 50).get_page(request.GET.get("pagina"))
    for entry in page.object_list:
        entry.labelled_changes = _labelled(entry)
    return render(
        request,
        "portal/history.html",
        {
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "page": page,
        },
    )


__all__ = ["action_plan", "commitment", "history", "home", "milestone", "plan_check", "schedule"]
