"""The plan tracker's figures (issue #15): each milestone's completion level in the OGP's terms,
whether it is overdue, each commitment's completion, counts by level and by institution, filters,
and the geometry of the chart. Plain data in, plain data out (no Django).

**Completion levels.** The Independent Reporting Mechanism (IRM) of OGP rates completion as *no
evidence*, *not started*, *limited*, *substantial* or *complete*. A milestone's level comes from
its completion (0–100; ``None`` when nothing was reported), with these thresholds:

- ``not_started``: no progress report, or 0 %;
- ``limited``: more than 0 % and less than 50 %;
- ``substantial``: 50 % or more and less than 100 %;
- ``complete``: 100 %.

*No evidence* is the IRM's verdict on what it could not verify: the tracker never derives it from
the progress reports (it stays for the IRM's own assessment of a commitment).

**Overdue.** A milestone is overdue when its last day has passed (``end < today``) and it is not
complete; a cancelled milestone is never overdue.

**A commitment's completion** is the weighted mean of its milestones' (their weights), blank counted
as 0 and cancelled milestones left out: the same rule as the tracker import,
:func:`cocrea.computations.trackerparse.mean_completion`.

**Filters** select milestones: by an institution answering for them, by their level, and by an OGP
value of their commitment. A commitment is shown with its milestones that match (all of them
without a milestone filter); its completion is always that of all its milestones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from cocrea.computations.charts import nice_ticks
from cocrea.computations.trackerparse import mean_completion

NOT_STARTED = "not_started"
LIMITED = "limited"
SUBSTANTIAL = "substantial"
COMPLETE = "complete"
# The levels a milestone can have here, from least to most done (the IRM's "no_evidence" is not
# derived from reports: see the module's docstring).
LEVELS: tuple[str, ...] = (NOT_STARTED, LIMITED, SUBSTANTIAL, COMPLETE)
SUBSTANTIAL_FROM = 50.0
COMPLETE_AT = 100.0


def completion_level(completion: float | None) -> str:
    """The OGP completion level of a completion in percent (``None``: nothing reported).

    ``None`` or 0 → not started; below 50 → limited; below 100 → substantial; 100 → complete."""
    if completion is None or completion <= 0:
        return NOT_STARTED
    if completion >= COMPLETE_AT:
        return COMPLETE
    if completion >= SUBSTANTIAL_FROM:
        return SUBSTANTIAL
    return LIMITED


@dataclass(frozen=True)
class MilestoneInput:
    """A milestone as the tracker reads it. ``status`` is ``"cancelled"`` for a cancelled milestone
    (left out of its commitment's completion), else anything; ``weight`` its weight (``None``:
    unweighted); ``institutions`` the keys of those answering for it."""

    key: int
    commitment: int
    completion: float | None
    weight: float | None = 1.0
    status: str = ""
    end: date | None = None
    last_update: date | None = None
    institutions: tuple[int, ...] = ()


@dataclass(frozen=True)
class CommitmentInput:
    key: int
    ogp_values: tuple[str, ...] = ()
    institutions: tuple[int, ...] = ()  # answering for the commitment as a whole


@dataclass(frozen=True)
class Filters:
    """What the reader asked for: ``None`` is "any"."""

    institution: int | None = None
    level: str | None = None
    value: str | None = None

    @property
    def selects_milestones(self) -> bool:
        return self.institution is not None or self.level is not None


@dataclass(frozen=True)
class MilestoneRow:
    milestone: MilestoneInput
    level: str
    overdue: bool

    @property
    def cancelled(self) -> bool:
        return self.milestone.status == "cancelled"


@dataclass(frozen=True)
class CommitmentRow:
    commitment: CommitmentInput
    completion: float | None  # of all its milestones
    level: str
    milestones: tuple[MilestoneRow, ...]  # those shown
    milestone_count: int  # all of them
    overdue: int  # of those shown
    last_update: date | None  # of all its milestones
    institutions: tuple[int, ...]
    levels: dict[str, int] = field(default_factory=dict)  # of those shown


@dataclass(frozen=True)
class Tracker:
    rows: tuple[CommitmentRow, ...]
    by_level: dict[str, int]  # milestones shown, by level (every level, 0 included)
    by_institution: dict[int, dict[str, int]]  # milestones shown, by institution: levels + "overdue"
    overdue: int
    milestones: int  # shown
    last_update: date | None


def milestone_row(milestone: MilestoneInput, today: date) -> MilestoneRow:
    level = completion_level(milestone.completion)
    overdue = (
        milestone.status != "cancelled"
        and level != COMPLETE
        and milestone.end is not None
        and milestone.end < today
    )
    return MilestoneRow(milestone, level, overdue)


def commitment_completion(milestones: Sequence[MilestoneInput]) -> float | None:
    """The weighted mean of the milestones' completion (the tracker import's rule)."""
    return mean_completion(milestones)


def _matches(row: MilestoneRow, filters: Filters) -> bool:
    if filters.level is not None and row.level != filters.level:
        return False
    return filters.institution is None or filters.institution in row.milestone.institutions


def track(
    commitments: Sequence[CommitmentInput],
    milestones: Sequence[MilestoneInput],
    today: date,
    filters: Filters | None = None,
) -> Tracker:
    """Every commitment (in the order given) with its completion and the milestones the filters
    select, and the counts of what is shown."""
    filters = filters or Filters()
    by_commitment: dict[int, list[MilestoneInput]] = {c.key: [] for c in commitments}
    for milestone in milestones:
        if milestone.commitment in by_commitment:
            by_commitment[milestone.commitment].append(milestone)
    rows = []
    by_level: Counter[str] = Counter(dict.fromkeys(LEVELS, 0))
    by_institution: dict[int, Counter[str]] = {}
    for commitment in commitments:
        if filters.value is not None and filters.value not in commitment.ogp_values:
            continue
        own = by_commitment[commitment.key]
        all_rows = [milestone_row(m, today) for m in own]
        shown = tuple(r for r in all_rows if _matches(r, filters))
        institutions = tuple(
            dict.fromkeys([*commitment.institutions, *(i for m in own for i in m.institutions)])
        )
        if filters.selects_milestones and not shown:
            continue
        completion = commitment_completion(own)
        levels = Counter(r.level for r in shown)
        for row in shown:
            by_level[row.level] += 1
            for institution in row.milestone.institutions:
                counts = by_institution.setdefault(institution, Counter())
                counts[row.level] += 1
                counts["overdue"] += row.overdue
        rows.append(
            CommitmentRow(
                commitment=commitment,
                completion=completion,
                level=completion_level(completion),
                milestones=shown,
                milestone_count=len(own),
                overdue=sum(r.overdue for r in shown),
                last_update=max((m.last_update for m in own if m.last_update), default=None),
                institutions=institutions,
                levels={level: levels[level] for level in LEVELS},
            )
        )
    shown_count = sum(len(r.milestones) for r in rows)
    return Tracker(
        rows=tuple(rows),
        by_level={level: by_level[level] for level in LEVELS},
        by_institution={
            key: {name: counts[name] for name in (*LEVELS, "overdue")}
            for key, counts in by_institution.items()
        },
        overdue=sum(r.overdue for r in rows),
        milestones=shown_count,
        last_update=max((r.last_update for r in rows if r.last_update), default=None),
    )


# --- The chart: one bar per commitment, its milestones stacked by level -------------------------


@dataclass(frozen=True)
class Segment:
    level: str
    count: int
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: tuple[Segment, ...]
    completion: float | None


@dataclass(frozen=True)
class StackedChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bar_height: int
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[float, float], ...]  # (x, value)

    @property
    def plot_bottom(self) -> float:
        return self.height - 28

    @property
    def plot_right(self) -> int:
        return self.width - self.right


def stacked_chart(
    bars: Sequence[tuple[str, dict[str, int], float | None]],
    width: int = 760,
    bar_height: int = 18,
    gap: int = 8,
    left: int = 110,
    right: int = 64,
    top: int = 8,
) -> StackedChart:
    """Horizontal bars, one per ``(label, count by level, completion)``, the counts stacked in
    :data:`LEVELS` order on a common scale of milestones."""
    largest = max((sum(counts.values()) for _label, counts, _c in bars), default=0)
    ticks = nice_ticks(float(largest), count=4) if largest else [0.0, 1.0]
    scale = (width - left - right) / (ticks[-1] or 1.0)
    found = []
    for index, (label, counts, completion) in enumerate(bars):
        x = float(left)
        segments = []
        for level in LEVELS:
            count = counts.get(level, 0)
            if count:
                segments.append(Segment(level, count, round(x, 1), round(count * scale, 1)))
                x += count * scale
        found.append(Bar(label, float(top + index * (bar_height + gap)), tuple(segments), completion))
    height = top + len(bars) * (bar_height + gap) + 28
    return StackedChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bar_height=bar_height,
        bars=tuple(found),
        ticks=tuple((round(left + t * scale, 1), t) for t in ticks),
    )
