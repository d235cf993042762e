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

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from cocrea.participation.models import Attendance, Consent, Person, Registration
from cocrea.plans.models import Commitment, Organization

TAKING_PART = ("confirmed", "waiting")


def _canonical(queryset: Any) -> Any:
    return queryset.annotate(canon=Coalesce(F("person__merged_into"), F("person"))).values_list(
        "canon", flat=True
    )


def indicator_e(commitment: Commitment, day: date | None = None) -> dict[str, Any]:
    attendance = Attendance.objects.filter(meeting__milestone__commitment=commitment)
    registrations = Registration.objects.filter(
        meeting__milestone__commitment=commitment, status__in=TAKING_PART
    )
    if day is not None:
        attendance = attendance.filter(
            Q(meeting__actual_date__lte=day) | Q(meeting__actual_date=None, meeting__planned_month__lte=day)
        )
        registrations = registrations.filter(created_at__date__lte=day)

    # First month each person took part: the meeting's (actual, else planned) date, or the sign-up.
    first: dict[int, date] = {}
    for canon, actual, planned in attendance.annotate(
        canon=Coalesce(F("person__merged_into"), F("person"))
    ).values_list("canon", "meeting__actual_date", "meeting__planned_month"):
        when = actual or planned
        if when is not None and (canon not in first or when < first[canon]):
            first[canon] = when
        elif canon not in first:
            first[canon] = date.max
    for canon, created in registrations.annotate(
        canon=Coalesce(F("person__merged_into"), F("person"))
    ).values_list("canon", "created_at"):
        when = created.date()
        if canon not in first or when < first[canon]:
            first[canon] = when
    person_ids = set(first)

    organization_ids = set(
        attendance.exclude(organization=None).values_list("organization", flat=True)
    ) | set(registrations.exclude(organization=None).values_list("organization", flat=True))
    kinds = Counter(Organization.objects.filter(pk__in=organization_ids).values_list("kind", flat=True))

    consented = Consent.objects.filter(
        person=OuterRef("pk"), purpose=Consent.Purpose.STATISTICS, withdrawn_at=None
    )
    stats = (
        Person.objects.filter(pk__in=person_ids)
        .annotate(consented=Exists(consented))
        .values_list("consented", "gender", "sector", "department")
    )
    gender: Counter[str] = Counter()
    sector: Counter[str] = Counter()
    department: Counter[str] = Counter()
    for has_consent, person_gender, person_sector, person_department in stats:
        gender[(person_gender or "not_stated") if has_consent else "not_stated"] += 1
        sector[(person_sector or "not_stated") if has_consent else "not_stated"] += 1
        department[(person_department or "not_stated") if has_consent else "not_stated"] += 1

    months: Counter[str] = Counter(f"{d.year:04d}-{d.month:02d}" for d in first.values() if d != date.max)
    cumulative = 0
    by_month = []
    for month in sorted(months):
        cumulative += months[month]
        by_month.append({"month": month, "new": months[month], "cumulative": cumulative})
    return {
        "natural_persons": len(person_ids),
        "legal_persons": len(organization_ids),
        "by_organization_kind": dict(sorted(kinds.items())),
        "by_gender": dict(sorted(gender.items())),
        "by_sector": dict(sorted(sector.items())),
        "by_department": dict(sorted(department.items())),
        "by_month": by_month,
    }


def organizations_taking_part(commitment: Commitment) -> list[Organization]:
    ids = set(
        Attendance.objects.filter(meeting__milestone__commitment=commitment)
        .exclude(organization=None)
        .values_list("organization", flat=True)
    ) | set(
        Registration.objects.filter(meeting__milestone__commitment=commitment, status__in=TAKING_PART)
        .exclude(organization=None)
        .values_list("organization", flat=True)
    )
    return list(Organization.objects.filter(pk__in=ids).order_by("kind", "name"))
