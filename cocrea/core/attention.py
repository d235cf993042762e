"""What needs doing: one item of a staff member's to-do list, as each domain app reports it.

Each domain app answers ``needs_attention(milestones, ...)`` in its ``queries`` module with a list
of :class:`Attention`; the staff shell gathers them on its home and on a milestone's hub.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# The kinds, in the order a to-do list shows them.
CONTRIBUTIONS = "contributions"  # contributions without a reasoned response (subject: a version)
AGREEMENTS = "agreements"  # agreements past their due date and not done (subject: an agreement)
ATTENDANCE = "attendance"  # meetings held or past without attendance (subject: a meeting)
PROGRESS = "progress"  # activities under way without a report this month (subject: an activity)
TRACKED = "tracked"  # a milestone tracked directly, under way, without a report this month (subject: it)
KINDS = (CONTRIBUTIONS, AGREEMENTS, ATTENDANCE, PROGRESS, TRACKED)


@dataclass(frozen=True)
class Attention:
    """Something to deal with in a milestone, and the screen where it is dealt with."""

    kind: str
    milestone_id: int
    subject: Any
    url: str
    day: date | None = None  # the date that makes it due (a due date, a meeting's day)
    count: int = 1  # how many (contributions are counted by version)
