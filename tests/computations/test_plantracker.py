"""The plan tracker's figures: levels, overdue, commitment completion, filters, counts, chart."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from cocrea.computations import plantracker as pt
from cocrea.computations.trackerparse import mean_completion

TODAY = date(2021, 1, 15)


def test_levels_at_their_thresholds():
    assert pt.completion_level(None) == "not_started"
    assert pt.completion_level(0) == "not_started"
    assert pt.completion_level(0.01) == "limited"
    assert pt.completion_level(49.99) == "limited"
    assert pt.completion_level(50) == "substantial"
    assert pt.completion_level(99.99) == "substantial"
    assert pt.completion_level(100) == "complete"


@given(st.floats(0, 100), st.floats(0, 100))
def test_levels_grow_with_completion(a, b):
    low, high = sorted((a, b))
    assert pt.LEVELS.index(pt.completion_level(low)) <= pt.LEVELS.index(pt.completion_level(high))


def test_overdue_is_past_its_end_and_not_complete_nor_cancelled():
    past = TODAY - timedelta(days=1)
    assert pt.milestone_row(pt.MilestoneInput(1, 1, 40.0, end=past), TODAY).overdue
    assert not pt.milestone_row(pt.MilestoneInput(1, 1, 100.0, end=past), TODAY).overdue
    assert not pt.milestone_row(pt.MilestoneInput(1, 1, 40.0, end=TODAY), TODAY).overdue
    assert not pt.milestone_row(pt.MilestoneInput(1, 1, None, end=None), TODAY).overdue
    assert not pt.milestone_row(pt.MilestoneInput(1, 1, 10.0, status="cancelled", end=past), TODAY).overdue
    assert pt.milestone_row(pt.MilestoneInput(1, 1, None, end=past), TODAY).overdue


def test_commitment_completion_is_the_weighted_mean_without_cancelled():
    milestones = [
        pt.MilestoneInput(1, 1, 100.0, weight=3.0),
        pt.MilestoneInput(2, 1, 0.0, weight=1.0),
        pt.MilestoneInput(3, 1, 50.0, weight=5.0, status="cancelled"),
        pt.MilestoneInput(4, 1, None, weight=1.0),  # nothing reported: counts as 0
    ]
    assert pt.commitment_completion(milestones) == 60.0
    assert pt.commitment_completion([pt.MilestoneInput(1, 1, None)]) is None


milestone_inputs = st.builds(
    pt.MilestoneInput,
    key=st.integers(1, 10_000),
    commitment=st.integers(1, 4),
    completion=st.none() | st.floats(0, 100, allow_nan=False),
    weight=st.none() | st.floats(0, 10, allow_nan=False),
    status=st.sampled_from(["", "cancelled", "in_progress"]),
    end=st.none() | st.dates(date(2019, 1, 1), date(2023, 1, 1)),
    last_update=st.none() | st.dates(date(2019, 1, 1), date(2023, 1, 1)),
    institutions=st.lists(st.integers(1, 5), max_size=3, unique=True).map(tuple),
)
commitment_inputs = st.lists(
    st.builds(
        pt.CommitmentInput,
        key=st.integers(1, 4),
        ogp_values=st.lists(st.sampled_from(["civic_participation", "technology"]), unique=True).map(tuple),
    ),
    unique_by=lambda c: c.key,
    max_size=4,
)
filters = st.builds(
    pt.Filters,
    institution=st.none() | st.integers(1, 6),
    level=st.none() | st.sampled_from(pt.LEVELS),
    value=st.none() | st.sampled_from(["civic_participation", "technology"]),
)


@given(commitment_inputs, st.lists(milestone_inputs, max_size=20), filters)
def test_counts_add_up_and_filters_select(commitments, milestones, chosen):
    tracker = pt.track(commitments, milestones, TODAY, chosen)
    shown = [m for row in tracker.rows for m in row.milestones]
    assert tracker.milestones == len(shown) == sum(tracker.by_level.values())
    assert tracker.overdue == sum(m.overdue for m in shown)
    for level, count in tracker.by_level.items():
        assert count == sum(1 for m in shown if m.level == level)
    for institution, counts in tracker.by_institution.items():
        assert sum(counts[level] for level in pt.LEVELS) == sum(
            1 for m in shown if institution in m.milestone.institutions
        )
    for row in tracker.rows:
        own = [m for m in milestones if m.commitment == row.commitment.key]
        assert row.completion == mean_completion(own)  # all its milestones, whatever the filters
        if chosen.value is not None:
            assert chosen.value in row.commitment.ogp_values
        for m in row.milestones:
            assert chosen.level in (None, m.level)
            assert chosen.institution is None or chosen.institution in m.milestone.institutions
    if chosen == pt.Filters():
        assert [r.commitment.key for r in tracker.rows] == [c.key for c in commitments]


@given(
    st.lists(
        st.dictionaries(st.sampled_from(pt.LEVELS), st.integers(0, 12)),
        max_size=30,
    )
)
def test_chart_bars_are_proportional_and_inside(counts):
    chart = pt.stacked_chart([(f"C{i}", c, None) for i, c in enumerate(counts)])
    assert len(chart.bars) == len(counts)
    unit = None
    for bar, found in zip(chart.bars, counts, strict=True):
        assert [s.level for s in bar.segments] == [lv for lv in pt.LEVELS if found.get(lv)]
        for segment in bar.segments:
            assert chart.left <= segment.x
            assert segment.x + segment.width <= chart.plot_right + 0.2
            if unit is None:
                unit = segment.width / segment.count
            assert abs(segment.width / segment.count - unit) < 0.1
        assert chart.top <= bar.y <= chart.height - chart.bar_height
