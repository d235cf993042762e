"""The staff to-do list: what needs doing in a person's milestones, gathered from the domain apps
(each answers ``needs_attention`` in its ``queries`` module); this module only gathers, keeps what
the person may deal with, and groups by milestone and kind."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cocrea.accounts.rules import can_edit_rows, permission
from cocrea.core.attention import KINDS, PROGRESS, TRACKED, Attention
from cocrea.drafts import queries as drafts
from cocrea.participation import queries as participation
from cocrea.plans import queries as plans
from cocrea.plans.models import Milestone

SHOWN_PER_KIND = 10  # on the home page; a milestone's hub shows them all


@dataclass
class Group:
    kind: str
    items: list[Attention]
    limit: int | None = None

    @property
    def shown(self) -> list[Attention]:
        return self.items[: self.limit] if self.limit else self.items

    @property
    def hidden(self) -> int:
        return len(self.items) - len(self.shown)

    @property
    def total(self) -> int:
        return sum(item.count for item in self.items)


@dataclass
class MilestoneTodo:
    milestone: Milestone
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)


def _may_deal_with(user: Any, item: Attention, milestone: Milestone) -> bool:
    """Progress (of an activity, or of a milestone tracked directly) answers to the rule of
    reporting it there; the rest (responses, agreements, attendance) to the milestone's editors:
    a liaison, who only reports progress, is not shown them."""
    if item.kind in (PROGRESS, TRACKED):
        return bool(user.has_perm(permission("progressentry", "add"), item.subject))
    return bool(can_edit_rows(user, milestone))


def gather(
    user: Any,
    milestones: Sequence[Milestone],
    today: datetime.date,
    limit: int | None = SHOWN_PER_KIND,
) -> list[MilestoneTodo]:
    """What needs doing in each milestone, by kind (a fixed number of queries)."""
    if not milestones:
        return []
    ids = [m.pk for m in milestones]
    items = [
        *drafts.needs_attention(ids),
        *participation.needs_attention(ids, today),
        *plans.needs_attention(ids, today),
    ]
    by_milestone: dict[int, dict[str, list[Attention]]] = {m.pk: {} for m in milestones}
    loaded = {m.pk: m for m in milestones}
    for item in items:
        if _may_deal_with(user, item, loaded[item.milestone_id]):
            by_milestone[item.milestone_id].setdefault(item.kind, []).append(item)
    return [
        MilestoneTodo(
            milestone,
            [
                Group(kind, by_milestone[milestone.pk][kind], limit)
                for kind in KINDS
                if by_milestone[milestone.pk].get(kind)
            ],
        )
        for milestone in milestones
    ]
