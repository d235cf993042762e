"""Indicator E and the participation figures of a commitment (GUIDE style 7: one plain module).

Distinct natural persons and distinct legal persons who took part in the commitment's
co-creation: attended one of its meetings, registered to take part (confirmed or on the waiting
list), or took part through another registered source (the drafts app adds co-creation
contributions). Merged duplicates count once; anonymised people still count. Breakdowns by
gender, sector and department use only people who consented to statistics.

:func:`indicator_e` reads the participation summary (:mod:`cocrea.participation.summary`, kept up
to date in the same transaction as every write): the participants' counts by first day and
breakdown, and the organisations grouped by kind — two queries over small tables whatever the
number of people or attendance rows, so the figures need no cache (``participation_version``
still keys the page's cached fragments). :func:`compute_from_scratch` computes the same figures
from attendance and registrations themselves (one SQL CTE) plus the other registered sources; the
tests check that both always agree, and ``cocrea rebuild-participation`` rebuilds the summary.

"As of ``day``" means a first day of taking part on or before ``day``. The day of a registration
is its local date (``TIME_ZONE``); of an attendance, the meeting's actual date, else its planned
month.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from cocrea.participation.models import (
    Consent,
    Participant,
    ParticipantCount,
    ParticipantOrganization,
    Person,
)
from cocrea.participation.summary import (
    BUILT_IN,
    TAKING_PART,
    batch,
    bump_participation_version,
    local_day,
    participation_version,
    rebuild,
    refresh_people,
    register_source,
    sources,
    unregister_source,
)
from cocrea.plans.models import Commitment, Organization

__all__ = [
    "TAKING_PART",
    "batch",
    "bump_participation_version",
    "compute_from_scratch",
    "indicator_e",
    "local_day",
    "organizations_taking_part",
    "participation_version",
    "public_names",
    "rebuild",
    "refresh_people",
    "register_source",
    "unregister_source",
]


def indicator_e(commitment: Commitment, day: date | None = None) -> dict[str, Any]:
    """Indicator E from the summary: two queries over small tables, whatever the size of the data
    (the participants' counts by first day and breakdown; the organisations, by kind)."""
    people = ParticipantCount.objects.filter(commitment=commitment.pk, people__gt=0)
    organizations = ParticipantOrganization.objects.filter(commitment=commitment.pk)
    if day is not None:
        people = people.filter(first_day__lte=day)
        organizations = organizations.filter(first_day__lte=day)
    return _figures(
        (
            (None if first_day == ParticipantCount.UNDATED else first_day, gender, sector, department, n)
            for first_day, gender, sector, department, n in people.values_list(
                "first_day", "gender", "sector", "department", "people"
            )
        ),
        organizations.values_list("kind").annotate(n=Count("*")).order_by(),
    )


def public_names(commitment: Commitment, limit: int | None = None) -> list[str]:
    """The public names of the people who took part and consented to show them, alphabetically."""
    names = (
        Participant.objects.filter(commitment=commitment.pk)
        .exclude(public_name="")
        .order_by("public_name")
        .values_list("public_name", flat=True)
        .distinct()
    )
    return list(names[:limit] if limit is not None else names)


def organizations_taking_part(commitment: Commitment, limit: int | None = None) -> list[Organization]:
    """The organisations that took part, by kind and name (only the first ``limit``)."""
    rows = (
        ParticipantOrganization.objects.filter(commitment=commitment.pk)
        .select_related("organization")
        .order_by("kind", "name", "organization_id")
    )
    return [row.organization for row in (rows[:limit] if limit is not None else rows)]


def _figures(
    people: Iterable[tuple[Any, str, str, str, int]], kinds: Iterable[tuple[str, int]]
) -> dict[str, Any]:
    """The figures from (first day, gender, sector, department, count) and (kind, count) rows."""
    months: Counter[str] = Counter()
    gender: Counter[str] = Counter()
    sector: Counter[str] = Counter()
    department: Counter[str] = Counter()
    total = 0
    for first_day, person_gender, person_sector, person_department, count in people:
        total += count
        if first_day is not None:
            months[str(first_day)[:7]] += count
        gender[person_gender or "not_stated"] += count
        sector[person_sector or "not_stated"] += count
        department[person_department or "not_stated"] += count
    by_kind: Counter[str] = Counter()
    for kind, count in kinds:
        by_kind[kind] += count
    cumulative = 0
    by_month = []
    for month in sorted(months):
        cumulative += months[month]
        by_month.append({"month": month, "new": months[month], "cumulative": cumulative})
    return {
        "natural_persons": total,
        "legal_persons": sum(by_kind.values()),
        "by_organization_kind": dict(sorted(by_kind.items())),
        "by_gender": dict(sorted(gender.items())),
        "by_sector": dict(sorted(sector.items())),
        "by_department": dict(sorted(department.items())),
        "by_month": by_month,
    }


# --- From scratch ------------------------------------------------------------------------------


def _from_scratch_sql() -> tuple[str, str, list[Any]]:
    """Each canonical person's first day of taking part in a commitment (with their statistics,
    only with consent), and each organisation's: from attendance and registrations, in SQL."""

    signup_day, signup_params = connection.ops.datetime_cast_date_sql(
        "r.created_at", (), timezone.get_default_timezone_name()
    )
    taking_part = ", ".join(f"'{status}'" for status in TAKING_PART)
    # Only fixed fragments are interpolated; the values travel as query parameters.
    people = f"""
        WITH parts AS (
            SELECT COALESCE(p.merged_into_id, a.person_id) AS canon,
                   COALESCE(m.actual_date, m.planned_month) AS day
            FROM participation_attendance a
            JOIN participation_meeting m ON m.id = a.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            JOIN participation_person p ON p.id = a.person_id
            WHERE ms.commitment_id = %s
            UNION ALL
            SELECT COALESCE(p.merged_into_id, r.person_id) AS canon, {signup_day} AS day
            FROM participation_registration r
            JOIN participation_meeting m ON m.id = r.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            JOIN participation_person p ON p.id = r.person_id
            WHERE ms.commitment_id = %s AND r.status IN ({taking_part})
        ),
        firsts AS (SELECT canon, MIN(day) AS first_day FROM parts GROUP BY canon)
        SELECT f.canon, f.first_day,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.gender END,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.sector END,
               CASE WHEN c.person_id IS NULL THEN '' ELSE p.department END
        FROM firsts f
        JOIN participation_person p ON p.id = f.canon
        LEFT JOIN (
            SELECT DISTINCT person_id FROM participation_consent
            WHERE purpose = 'statistics' AND withdrawn_at IS NULL
        ) c ON c.person_id = f.canon
    """  # noqa: S608
    organizations = f"""
        SELECT organization_id, MIN(day) FROM (
            SELECT a.organization_id, COALESCE(m.actual_date, m.planned_month) AS day
            FROM participation_attendance a
            JOIN participation_meeting m ON m.id = a.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            WHERE ms.commitment_id = %s AND a.organization_id IS NOT NULL
            UNION ALL
            SELECT r.organization_id, {signup_day} AS day
            FROM participation_registration r
            JOIN participation_meeting m ON m.id = r.meeting_id
            JOIN plans_milestone ms ON ms.id = m.milestone_id
            WHERE ms.commitment_id = %s AND r.status IN ({taking_part}) AND r.organization_id IS NOT NULL
        ) o
        GROUP BY organization_id
    """  # noqa: S608
    return people, organizations, list(signup_params)


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _earlier(first: date | None, second: date | None) -> date | None:
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)


def compute_from_scratch(commitment: Commitment, day: date | None = None) -> dict[str, Any]:
    """Indicator E without the summary: attendance and registrations in one SQL CTE, the other
    registered sources' rows added in Python. Slow at scale; the reference the summary is
    checked against."""

    people_sql, organizations_sql, signup_params = _from_scratch_sql()
    people: dict[int, list[Any]] = {}  # canonical person → [first day, gender, sector, department]
    organizations: dict[int, date | None] = {}
    with connection.cursor() as cursor:
        cursor.execute(people_sql, [commitment.pk, *signup_params, commitment.pk])
        for canon, first_day, gender, sector, department in cursor.fetchall():
            people[canon] = [_as_date(first_day), gender, sector, department]
        cursor.execute(organizations_sql, [commitment.pk, *signup_params, commitment.pk])
        for organization, first_day in cursor.fetchall():
            organizations[organization] = _as_date(first_day)

    extra = [row for source in sources() if source not in BUILT_IN for row in source(None, {commitment.pk})]
    if extra:
        merged = dict(
            Person.objects.filter(pk__in={row[1] for row in extra if row[1] is not None}).values_list(
                "pk", "merged_into_id"
            )
        )
        for commitment_id, person, organization, when in extra:
            if commitment_id != commitment.pk or person is None or person not in merged:
                continue
            canon = merged[person] or person
            if canon in people:
                people[canon][0] = _earlier(people[canon][0], when)
            else:
                people[canon] = [when, None, None, None]
            if organization is not None:
                organizations[organization] = (
                    _earlier(organizations[organization], when) if organization in organizations else when
                )
        missing = [canon for canon, values in people.items() if values[1] is None]
        consenting = set(
            Consent.objects.filter(
                person__in=missing, purpose=Consent.Purpose.STATISTICS, withdrawn_at=None
            ).values_list("person_id", flat=True)
        )
        for pk, gender, sector, department in Person.objects.filter(pk__in=missing).values_list(
            "pk", "gender", "sector", "department"
        ):
            people[pk][1:] = [gender, sector, department] if pk in consenting else ["", "", ""]

    def counts(first_day: date | None) -> bool:
        return day is None or (first_day is not None and first_day <= day)

    kinds: Counter[str] = Counter()
    wanted = [pk for pk, first_day in organizations.items() if counts(first_day)]
    for start in range(0, len(wanted), 500):
        kinds.update(
            Organization.objects.filter(pk__in=wanted[start : start + 500]).values_list("kind", flat=True)
        )
    return _figures(
        ((values[0], values[1], values[2], values[3], 1) for values in people.values() if counts(values[0])),
        kinds.items(),
    )
