"""Read side of participation: what needs doing about meetings and their agreements."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone

from cocrea.core.attention import AGREEMENTS, ATTENDANCE, Attention
from cocrea.participation.models import Agreement, Attendance, Meeting

UNDER_WAY = ("scheduled", "held")  # a cancelled or postponed meeting needs no attendance


def meeting_day(meeting: Meeting) -> datetime.date | None:
    """The day a meeting took (or takes) place, as precisely as it is known."""
    if meeting.actual_date:
        return meeting.actual_date
    if meeting.starts_at:
        return timezone.localdate(meeting.starts_at)
    return meeting.planned_end_month or meeting.planned_month


def _past(today: datetime.date) -> Q:
    """Held, or scheduled for a day (or a month) that is over."""
    start_of_today = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    this_month = today.replace(day=1)
    return Q(status="held") | Q(status="scheduled") & (
        Q(actual_date__lt=today)
        | Q(actual_date=None, starts_at__lt=start_of_today)
        | Q(actual_date=None, starts_at=None, planned_end_month__lt=this_month)
        | Q(actual_date=None, starts_at=None, planned_end_month=None, planned_month__lt=this_month)
    )


def meetings_without_attendance(milestones: Any, today: datetime.date) -> list[Meeting]:
    """Meetings held, or whose day is past, with no attendance recorded (one query); archived
    meetings are no longer part of the plan."""
    attended = Exists(Attendance.objects.filter(meeting=OuterRef("pk")))
    return list(
        Meeting.objects.current()
        .filter(milestone__in=milestones, status__in=UNDER_WAY)
        .filter(_past(today))
        .filter(~attended)
        .order_by("milestone_id", "position")
    )


def upcoming_meetings(limit: int, now: datetime.datetime | None = None) -> list[Meeting]:
    """The next meetings with a date, from today on, in public milestones: scheduled (or moved to a
    new date), not cancelled nor archived; soonest first, one query."""
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    today = timezone.localdate(now, zone)
    day = Coalesce("actual_date", TruncDate("starts_at", tzinfo=zone))
    return list(
        Meeting.objects.filter(
            milestone__is_published=True,
            milestone__commitment__is_published=True,
            milestone__commitment__action_plan__is_published=True,
            status__in=("scheduled", "postponed"),
            archived_at=None,
        )
        .annotate(day=day)
        .filter(day__gte=today)
        .select_related("milestone__commitment")
        .only(  # what the list shows: a narrow query is a cheaper one
            "title",
            "starts_at",
            "place",
            "online_link",
            "milestone__commitment__number",
        )
        .order_by("day", F("starts_at").asc(nulls_last=True), "pk")[:limit]
    )


def needs_attention(milestones: Any, today: datetime.date) -> list[Attention]:
    """Agreements past their due date and not done, and meetings held or past without attendance,
    in the given milestones: two queries whatever their number."""
    overdue = (
        Agreement.objects.overdue(today)
        .filter(meeting__milestone__in=milestones, meeting__archived_at=None)
        .select_related("meeting")
        .order_by("due_date", "pk")
    )
    items = [
        Attention(
            AGREEMENTS,
            agreement.meeting.milestone_id,
            agreement,
            reverse("staff:meeting_agreements", args=[agreement.meeting_id]),
            day=agreement.due_date,
        )
        for agreement in overdue
    ]
    items += [
        Attention(
            ATTENDANCE,
            meeting.milestone_id,
            meeting,
            reverse("staff:take_attendance", args=[meeting.pk]),
            day=meeting_day(meeting),
        )
        for meeting in meetings_without_attendance(milestones, today)
    ]
    return items
