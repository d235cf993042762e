"""Each milestone's own figures on the public plan tracker (#15), kept in the cache under the
milestone's page-cache version.

What the tracker shows of a milestone splits in two. Its name, dates, weight and the institutions
named on the milestone or its commitment are read on every request (a few narrow queries). The rest
depends only on what lies beneath the milestone and on the day: whether it has a detailed work plan,
its completion (indicator A's executed percent today, or its latest report's percent when it is
tracked directly), that report's status, the day of its last report, indicator A's planned months
(its period when it states none) and the institutions answering for its current activities. Those
are :class:`MilestoneFigures`, computed by :func:`compute` exactly as the milestone's own page
computes them, from the reports the public sees (``ProgressEntry.objects.visible_to_public()``:
validated ones).

**Kept until something beneath the milestone changes.** Every write to a milestone, its activities
(and who answers for them), its baselines or its progress reports (a report validated or returned
too: a write of the report's row) replaces the milestone's page-cache version when it commits
(:mod:`cocrea.core.pagecache`, registered in :mod:`cocrea.plans.scopes`). :func:`figures` reads the
versions of the tracker's milestones (one ``get_many``), then the plan's kept figures (one cache
entry a plan: each milestone's figures with the version they were computed under), and computes
only the milestones whose version has changed since, in a fixed number of queries, keeping them for
the next request. The entry's key also holds the day (today decides which reports count and which
baseline is in force), the code release and the ``gen`` version (the whole database loaded or
restored). The versions are read before the data, so a write committed meanwhile leaves figures
under an old version, which no later request takes. One entry a plan, not one a milestone: a
national plan's 192 milestones would fill most of the embedded cache (local memory, 300 entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Subquery
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from cocrea.core import pagecache
from cocrea.plans import indicators
from cocrea.plans.models import Activity, Milestone, ProgressEntry

# Kept one day at most: the key holds the day anyway.
KEEP_SECONDS = 24 * 60 * 60
# Raised when MilestoneFigures changes (the code release is in the key too).
FORMAT = 1


@dataclass(frozen=True)
class MilestoneFigures:
    """What the tracker shows of one milestone that depends only on what lies beneath it."""

    has_work_plan: bool
    completion: float | None  # indicator A's executed percent, or the latest report's; None: none
    status: str  # the latest report's status (tracked directly), else ""
    last_update: date | None  # the day of the latest report counted
    plan_start: date | None  # indicator A's planned months (first and last day), None without
    plan_end: date | None
    doers: tuple[int, ...]  # the organisations answering for its current activities, by key


def scope(milestone: Milestone) -> str:
    """The page-cache scope of the milestone (its commitment and plan attached, not read here)."""
    commitment = milestone.commitment
    return pagecache.tree(
        {"plan": commitment.action_plan.slug, "number": commitment.number, "milestone": milestone.number}
    )


@lru_cache(maxsize=4096)
def _milestone_url(plan: str, number: str, milestone: str, *where: Any) -> str:
    """``Milestone.get_absolute_url`` remembered by this process (``where``: the URL
    configuration, script prefix and language it was reversed under)."""
    return reverse("portal:milestone", kwargs={"plan": plan, "number": number, "milestone": milestone})


def url_place() -> tuple[Any, ...]:
    """What a reversed address depends on besides its arguments: the URL configuration, the
    script prefix and the language."""
    return (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())


def milestone_url(milestone: Any, place: tuple[Any, ...] | None = None) -> str:
    """The milestone's address, as ``get_absolute_url`` gives it (its commitment and plan
    attached), without resolving the URL configuration again for every row of every page
    (``place``: :func:`url_place`, when the caller asks for many)."""
    commitment = milestone.commitment
    return _milestone_url(
        commitment.action_plan.slug, commitment.number, milestone.number, *(place or url_place())
    )


def figures(milestones: Sequence[Milestone], today: date) -> dict[int, MilestoneFigures]:
    """Every milestone's figures at ``today``, by key: kept ones from the cache, the others
    computed (:func:`compute`) and kept. Each milestone needs its commitment and plan attached."""
    if not milestones:
        return {}
    versions = pagecache.current_versions([pagecache.GENERATION, *(scope(m) for m in milestones)])
    plans = ",".join(str(pk) for pk in sorted({m.commitment.action_plan_id for m in milestones}))
    key = f"tracker:{FORMAT}:{pagecache.release()}:{today.isoformat()}:{versions[0]}:{plans}"
    kept: dict[int, tuple[str, MilestoneFigures]] = cache.get(key) or {}
    result: dict[int, MilestoneFigures] = {}
    missing: list[tuple[Milestone, str]] = []
    for milestone, version in zip(milestones, versions[1:], strict=True):
        found = kept.get(milestone.pk)
        if found is not None and found[0] == version:
            result[milestone.pk] = found[1]
        else:
            missing.append((milestone, version))
    if missing:
        computed = compute([milestone for milestone, _version in missing], today)
        kept = {**kept, **{m.pk: (version, computed[m.pk]) for m, version in missing}}
        cache.set(key, kept, timeout=KEEP_SECONDS)
        result.update(computed)
    return result


def _latest_entries(milestone_ids: list[int], today: date) -> list[tuple[int, int, date, Decimal]]:
    """``(milestone, activity, day, percent)``: each activity's latest report the public sees at or
    before ``today``, for every activity of these milestones (archived ones too, as indicator A
    reads them), in one query.

    Read from the activities, each looking up its own latest report (the index on activity and
    day), not from the reports: without the planner's statistics SQLite would walk every validated
    report of the database through the index on the review state."""
    latest = (
        ProgressEntry.objects.visible_to_public()
        .filter(activity_id=OuterRef("pk"), day__lte=today)
        .order_by("-day", "-pk")
    )
    rows = (
        Activity.objects.filter(milestone_id__in=milestone_ids)
        .annotate(
            report_day=Subquery(latest.values("day")[:1]),
            report_percent=Subquery(latest.values("percent_complete")[:1]),
        )
        .values_list("milestone_id", "pk", "report_day", "report_percent")
    )
    return [row for row in rows if row[2] is not None]


def compute(milestones: Sequence[Milestone], today: date) -> dict[int, MilestoneFigures]:
    """The figures of these milestones at ``today``, read from the database (five queries whatever
    their number, one without a detailed work plan among them).

    A milestone with a detailed work plan (any activity) gets indicator A's executed percent at
    ``today`` (:func:`cocrea.plans.indicators.figures`, what its dashboard shows) and the day of the
    latest report of its activities up to ``today``; one tracked directly, its latest report's
    percent, status and day."""
    ids = [m.pk for m in milestones]
    latest = (
        ProgressEntry.objects.visible_to_public().filter(milestone=OuterRef("pk")).order_by("-day", "-pk")
    )
    own = {
        row[0]: row
        for row in Milestone.objects.filter(pk__in=ids)
        .annotate(
            work_plan=Exists(Activity.objects.filter(milestone=OuterRef("pk"))),
            report_percent=Subquery(latest.values("percent_complete")[:1]),
            report_status=Subquery(latest.values("status")[:1]),
            report_day=Subquery(latest.values("day")[:1]),
        )
        .values_list("pk", "work_plan", "report_percent", "report_status", "report_day")
    }
    for milestone in milestones:  # one removed since the page read it: nothing beneath it
        own.setdefault(milestone.pk, (milestone.pk, False, None, None, None))
    detailed = [m for m in milestones if own[m.pk][1]]
    detailed_ids = [m.pk for m in detailed]
    entries: dict[int, list[tuple[int, date, Decimal]]] = {pk: [] for pk in detailed_ids}
    doers: dict[int, set[int]] = {}
    executed: dict[int, indicators.MilestoneFigures] = {}
    if detailed:
        for milestone_id, activity_id, day, percent in _latest_entries(detailed_ids, today):
            entries[milestone_id].append((activity_id, day, percent))
        # Indicator A's executed percent depends on the activities and their reports only: the
        # money parts (budget lines, spending, meetings) are given empty, not read.
        known = {
            pk: indicators.Loaded(entries=found, lines=[], expenses=[], meeting_months=[])
            for pk, found in entries.items()
        }
        executed = {item.milestone.pk: item for item in indicators.figures(detailed, today, known=known)}
        for milestone_id, organization_id in (
            Activity.responsible.through.objects.filter(
                activity__in=Activity.objects.current().filter(milestone__in=detailed_ids)
            )
            .values_list("activity__milestone_id", "organization_id")
            .distinct()
        ):
            doers.setdefault(milestone_id, set()).add(organization_id)
    result = {}
    for milestone in milestones:
        _pk, work_plan, percent, status, day = own[milestone.pk]
        if work_plan:
            item = executed[milestone.pk]
            value = item.earned_value
            span = item.span
            result[milestone.pk] = MilestoneFigures(
                has_work_plan=True,
                completion=float(value.executed_percent) if value is not None else None,
                status="",
                # each activity's latest report: the latest of them is the milestone's latest
                last_update=max((d for _a, d, _p in entries[milestone.pk]), default=None),
                plan_start=span.start.first_day() if span is not None else None,
                plan_end=span.end.last_day() if span is not None else None,
                doers=tuple(sorted(doers.get(milestone.pk, ()))),
            )
        else:
            result[milestone.pk] = MilestoneFigures(
                has_work_plan=False,
                completion=float(percent) if percent is not None else None,
                status=status or "",
                last_update=day,
                plan_start=None,
                plan_end=None,
                doers=(),
            )
    return result
