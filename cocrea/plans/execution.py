"""Writes that record execution: progress reports (one by one or from a spreadsheet, whose template
is here too) and baselines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.computations.sheets import describe_keys, read_progress
from cocrea.core.sheet_import import refuse_what_they_may_not_change, rehearse_all, write_all_or_nothing
from cocrea.plans import sheet_templates
from cocrea.plans.models import Activity, ActivityStatus, Baseline, Evidence, Milestone, ProgressEntry
from cocrea.plans.workflow import WorkflowError, check_transition, derive_status


@transaction.atomic
def record_progress(
    activity: Activity,
    *,
    day: date,
    percent: Decimal,
    by: Any,
    status: str | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    note: str = "",
    reason: str = "",
    evidence: list[tuple[str, str]] | None = None,
    evidence_files: list[tuple[str, Any]] | None = None,
    check_permission: bool = True,
) -> ProgressEntry:
    """Add a dated progress report, enforcing the status workflow against its neighbours."""
    if check_permission and not by.has_perm(permission("activity", "change"), activity):
        raise PermissionDenied
    percent = Decimal(percent).quantize(Decimal("0.01"))
    status = status or derive_status(percent)
    entries = list(ProgressEntry.objects.select_for_update().filter(activity=activity).order_by("day", "pk"))
    before = [e for e in entries if e.day <= day]
    after = [e for e in entries if e.day > day]
    check_transition(before[-1].status if before else None, status, percent, reason)
    if after:
        check_transition(status, after[0].status, after[0].percent_complete, after[0].reason or "-")
    if actual_start and actual_end and actual_end < actual_start:
        raise WorkflowError(_("El fin real no puede ser anterior al inicio real."))
    with operation("web"):
        entry = ProgressEntry.objects.create(
            activity=activity,
            day=day,
            percent_complete=percent,
            status=status,
            actual_start=actual_start or (before[-1].actual_start if before else None),
            actual_end=actual_end,
            note=note,
            reason=reason,
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        for title, url in evidence or ():
            Evidence.objects.create(entry=entry, title=title[:300], url=url)
        for title, upload in evidence_files or ():
            Evidence.objects.create(entry=entry, title=title[:300], upload=upload)
    return entry


def snapshot(milestone: Milestone) -> dict[str, Any]:
    return {
        "bac": str(milestone.budget_lines.total()),
        "activities": [
            {
                "id": a.pk,
                "code": a.code,
                "start": a.planned_start.isoformat() if a.planned_start else None,
                "end": a.planned_end.isoformat() if a.planned_end else None,
                "weight": str(a.weight),
            }
            for a in milestone.activities.all()
        ],
        "budget_lines": [
            {"id": line.pk, "number": line.number, "amount": str(line.stated_cost or 0)}
            for line in milestone.budget_lines.all()
        ],
    }


@transaction.atomic
def approve_baseline(
    milestone: Milestone, *, by: Any, reason: str = "", effective_from: date | None = None
) -> Baseline:
    """Freeze the plan as a baseline; re-planning after the first needs a reason."""
    if not by.has_perm(permission("milestone", "change"), milestone):
        raise PermissionDenied
    previous = milestone.baselines.order_by("-number").first()
    if previous is not None and not reason.strip():
        raise WorkflowError(_("Una nueva línea base necesita el motivo de la replanificación."))
    with operation("web"):
        return Baseline.objects.create(
            milestone=milestone,
            number=(previous.number + 1) if previous else 1,
            approved_at=timezone.now(),
            effective_from=effective_from or timezone.localdate(),
            approved_by=by if getattr(by, "is_authenticated", False) else None,
            reason=reason,
            snapshot=snapshot(milestone),
        )


def baseline_at(milestone: Milestone, day: date) -> Baseline | None:
    """The baseline in force at ``day``: the latest effective at or before it."""
    return milestone.baselines.filter(effective_from__lte=day).order_by("-effective_from", "-number").first()


# --- Bulk import from spreadsheets ---------------------------------------------------------------


def activity_keys(milestone: Milestone) -> dict[str, Activity]:
    """``"01"``, ``"1"`` and ``"A"`` all name the same activity."""
    keys: dict[str, Activity] = {}
    for activity in milestone.activities.all():
        if activity.number is not None:
            keys[f"{activity.number:02d}"] = activity
        if activity.letter:
            keys[activity.letter.upper()] = activity
        if activity.number is None and not activity.letter:
            keys[str(activity.position)] = activity
    return keys


def import_progress(milestone: Milestone, data: bytes, *, by: Any, write: bool = True) -> Any:
    """Read a progress spreadsheet and, if every row is valid, record all of it in one transaction.

    Returns the reader's result; its ``errors`` include workflow errors found while writing, in
    which case nothing was written. ``write=False`` is a preview: every row is written and the
    whole of it rolled back, so that the preview finds what the writing would (a status the
    workflow refuses, an activity ``by`` may not report on) and writes nothing.
    """
    keys = activity_keys(milestone)
    result = refuse_what_they_may_not_change(
        read_progress(data, keys, describe_keys(keys)),
        by,
        permission("activity", "change"),
        lambda row: row.activity,
        "activity",
        lambda activity: (
            _("Usted no puede registrar el avance de la actividad %(code)s.") % {"code": activity.code}
        ),
    )
    if result.errors:
        return result

    def write_row(row: Any) -> None:
        record_progress(
            row.activity,
            day=row.day,
            percent=row.percent,
            status=None if row.status_derived else row.status,
            actual_start=row.actual_start,
            actual_end=row.actual_end,
            note=row.note,
            reason=row.note if row.status in ("delayed", "cancelled") else "",
            by=by,
            check_permission=by is not None,
        )

    run = write_all_or_nothing if write else rehearse_all
    return run(result, write_row, (WorkflowError, PermissionDenied), "status")


def progress_template(milestone: Milestone, *, by: Any = None) -> bytes:
    """The progress spreadsheet to fill in, in the interface language, with the activities ``by``
    may report on (all of them when ``by`` is None) and the statuses in its drop-downs."""
    activities = [
        activity
        for activity in milestone.activities.all()
        if by is None or by.has_perm(permission("activity", "change"), activity)
    ]
    return sheet_templates.progress_template(
        [sheet_templates.choice(a.code, a.title) for a in activities],
        [str(label) for _value, label in ActivityStatus.choices],
        milestone=sheet_templates.milestone_name(milestone),
        today=timezone.localdate(),
    )
