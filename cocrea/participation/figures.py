"""Indicator E and the participation figures of a commitment (GUIDE style 7: one plain module).

Distinct natural persons and distinct legal persons who took part in the commitment's
co-creation: attended one of its meetings or registered to take part (comments and proposals join
with the co-creation module). Merged duplicates count once; anonymised people still count.
Breakdowns by gender, sector and department use only people who consented to statistics.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from django.db.models import Q

from cocrea.participation.models import Attendance, Registration
from cocrea.plans.models import Commitment, Organization

TAKING_PART = ("confirmed", "waiting")


def _participation_sql(vendor: str, day: date | None) -> str:
    """Each canonical person's first day of taking part in a commitment, in one query (a CTE)."""
    signup_day = "date(r.created_at)" if vendor == "sqlite" else "CAST(r.created_at AS DATE)"
    attended_until = " AND COALESCE(m.actual_date, m.planned_month) <= %(day)s" if day else ""
    signed_until = f" AND {signup_day} <= %(day)s" if day else ""
    # Only fixed fragments are interpolated; the values travel as query parameters.
    return f"""
        WITH parts AS (
            SELECT COALESCE(p.merged_into_id, a.person_id) AS canon,
                   COALESCE(m.actual_date, m.planned_month) AS day
            FROM participation_attendance a
            JOIN participation_meeting m ON m.id = a.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            JOIN participation_person p ON p.id = a.person_id
            WHERE ms.commitment_id = %(commitment)s{attended_until}
            UNION ALL
            SELECT COALESCE(p.merged_into_id, r.person_id) AS canon, {signup_day} AS day
            FROM participation_registration r
            JOIN participation_meeting m ON m.id = r.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            JOIN participation_person p ON p.id = r.person_id
            WHERE ms.commitment_id = %(commitment)s AND r.status IN ('confirmed', 'waiting'){signed_until}
        ),
        firsts AS (SELECT canon, MIN(day) AS first_day FROM parts GROUP BY canon)
        SELECT f.first_day,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.gender END,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.sector END,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.department END,
               COUNT(*)
        FROM firsts f
        JOIN participation_person p ON p.id = f.canon
        LEFT JOIN (
            SELECT DISTINCT person_id FROM participation_consent
            WHERE purpose = 'statistics' AND withdrawn_at IS NULL
        ) c ON c.person_id = f.canon
        GROUP BY 1, 2, 3, 4
    """  # noqa: S608


VERSION_KEY = "participation:version"


def participation_version() -> int:
    """Bumped by every write to attendance, registrations, people and consent (see apps.ready)."""
    from django.core.cache import cache

    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return int(version)


def bump_participation_version(**kwargs: Any) -> None:
    from django.core.cache import cache

    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def indicator_e(commitment: Commitment, day: date | None = None) -> dict[str, Any]:
    """Cached until the next write to participation data (a version in the cache)."""
    from django.core.cache import cache

    key = f"indicator-e:{participation_version()}:{commitment.pk}:{day}"
    figures = cache.get(key)
    if figures is None:
        figures = _compute_indicator_e(commitment, day)
        cache.set(key, figures, 60 * 60)
    return figures


def _compute_indicator_e(commitment: Commitment, day: date | None = None) -> dict[str, Any]:
    from django.db import connection

    months: Counter[str] = Counter()
    gender: Counter[str] = Counter()
    sector: Counter[str] = Counter()
    department: Counter[str] = Counter()
    people = 0
    with connection.cursor() as cursor:
        cursor.execute(_participation_sql(connection.vendor, day), {"commitment": commitment.pk, "day": day})
        for first_day, person_gender, person_sector, person_department, count in cursor.fetchall():
            people += count
            if first_day is not None:
                text = str(first_day)[:7]
                months[text] += count
            gender[person_gender or "not_stated"] += count
            sector[person_sector or "not_stated"] += count
            department[person_department or "not_stated"] += count

    attendance = Attendance.objects.filter(meeting__milestone__commitment=commitment)
    registrations = Registration.objects.filter(
        meeting__milestone__commitment=commitment, status__in=TAKING_PART
    )
    if day is not None:
        attendance = attendance.filter(
            Q(meeting__actual_date__lte=day) | Q(meeting__actual_date=None, meeting__planned_month__lte=day)
        )
        registrations = registrations.filter(created_at__date__lte=day)
    organizations = (
        attendance.exclude(organization=None)
        .order_by()
        .values("organization")
        .union(registrations.exclude(organization=None).order_by().values("organization"))
    )
    kinds = Counter(
        Organization.objects.filter(pk__in=[row["organization"] for row in organizations]).values_list(
            "kind", flat=True
        )
    )
    cumulative = 0
    by_month = []
    for month in sorted(months):
        cumulative += months[month]
        by_month.append({"month": month, "new": months[month], "cumulative": cumulative})
    return {
        "natural_persons": people,
        "legal_persons": sum(kinds.values()),
        "by_organization_kind": dict(sorted(kinds.items())),
        "by_gender": dict(sorted(gender.items())),
        "by_sector": dict(sorted(sector.items())),
        "by_department": dict(sorted(department.items())),
        "by_month": by_month,
    }


def organizations_taking_part(commitment: Commitment, limit: int | None = None) -> list[Organization]:
    """The organisations that took part, by kind and name; cached (only the first ``limit``)."""
    from django.core.cache import cache

    key = f"organizations-taking-part:{participation_version()}:{commitment.pk}:{limit}"
    found = cache.get(key)
    if found is None:
        found = _organizations_taking_part(commitment)[:limit]
        cache.set(key, found, 60 * 60)
    return found


def _organizations_taking_part(commitment: Commitment) -> list[Organization]:
    from django.db.models import Exists, OuterRef

    attended = Attendance.objects.filter(
        organization=OuterRef("pk"), meeting__milestone__commitment=commitment
    )
    registered = Registration.objects.filter(
        organization=OuterRef("pk"), meeting__milestone__commitment=commitment, status__in=TAKING_PART
    )
    return list(Organization.objects.filter(Exists(attended) | Exists(registered)).order_by("kind", "name"))
