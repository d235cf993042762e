"""Attendance at meetings: recorded one by one, or imported from a sign-in sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cocrea.audit.context import operation
from cocrea.computations.matching import find_person, identity_keys, organization_key, organization_ref
from cocrea.computations.orgnames import Directory
from cocrea.participation.models import Attendance, Consent, Meeting, Membership, Person
from cocrea.participation.services.registry import register_person
from cocrea.participation.summary import batch, refresh_people
from cocrea.plans.directory import load_directory
from cocrea.plans.models import Milestone, Organization

if TYPE_CHECKING:
    from cocrea.computations.attendance_sheet import AttendanceRow
    from cocrea.computations.sheets import SheetResult
    from cocrea.participation.services._checks import Actor


@transaction.atomic
def record_attendance(
    meeting: Meeting, person: Person, organization: Organization | None = None, source: str = "staff"
) -> Attendance:
    with operation("web"):
        attendance, created = Attendance.objects.get_or_create(
            meeting=meeting, person=person, defaults={"organization": organization, "source": source}
        )
        if not created and organization is not None and attendance.organization_id != organization.pk:
            attendance.organization = organization
            attendance.save()
    return attendance


# --- Importing sign-in sheets ------------------------------------------------------------------


def meeting_keys(milestone: Milestone) -> dict[str, Meeting]:
    """A milestone's meetings by their number in the schedule (0, 1…N, final)."""
    keys: dict[str, Meeting] = {}
    for meeting in milestone.meetings.all():
        keys.setdefault(meeting.code, meeting)
    return keys


def _organization_for(
    text: str, kind: str, directory: Directory, cache: dict[str, Organization]
) -> Organization | None:
    """The registry's organisation for a name written on a sheet, created when new."""
    text = " ".join(text.split())
    if not text:
        return None
    key = organization_key(text, directory)
    if key in cache:
        return cache[key]
    ref = organization_ref(text, directory)
    found = None
    if ref is not None and ref.acronym:
        found = Organization.objects.filter(acronym__iexact=ref.acronym).first()
    if found is None:
        name = ref.name if ref is not None else text
        found = next((o for o in Organization.objects.filter(name__iexact=name)), None)
    if found is None:
        found = Organization.objects.create(
            name=(ref.name if ref else text)[:300],
            acronym=(ref.acronym if ref else "")[:30],
            kind=(ref.kind if ref and ref.kind else kind) or Organization.Kind.OTHER,
            country=ref.country if ref else "",
        )
    cache[key] = found
    return found


@dataclass
class AttendanceImport:
    result: SheetResult[AttendanceRow[Meeting]]
    matched: list[tuple[int, str]] = field(default_factory=list)  # (row, person) already in the registry
    created: list[tuple[int, str]] = field(default_factory=list)  # (row, person) new to the registry
    organizations_created: list[str] = field(default_factory=list)


def import_attendance(
    milestone: Milestone, data: bytes, *, by: Actor | None, write: bool = True, consent_version: str = ""
) -> AttendanceImport:
    """Read a sign-in sheet and record its attendance, matching people and organisations against
    the registry; all or nothing. Gender and department are stored only when ``consent_version``
    names the consent text the sheet carried (what people agreed to by signing)."""
    # inside: these read the spreadsheet and load openpyxl (~0.2 s), which every process would
    # otherwise import at start-up (the drafts app imports the services when it is ready).
    from cocrea.computations.attendance_sheet import read_attendance
    from cocrea.computations.sheets import describe_keys
    from cocrea.core.sheet_import import write_all_or_nothing

    keys = meeting_keys(milestone)
    result = read_attendance(data, keys, describe_keys(keys))
    outcome = AttendanceImport(result)
    if result.errors or not write:
        return outcome
    directory = load_directory()
    organizations: dict[str, Organization] = {}
    people: dict[str, Person] = {}  # identity key → person, as the file is read
    known_orgs = set(Organization.objects.values_list("pk", flat=True))

    def candidates(row: AttendanceRow[Meeting]) -> list[tuple[int, str, str]]:
        wanted = identity_keys(row.name, row.email)
        emails = [k.removeprefix("email:") for k in wanted if k.startswith("email:")]
        names = [k.removeprefix("name:") for k in wanted if k.startswith("name:")]
        query = Person.objects.active().filter(Q(email__in=emails) | Q(match_key__in=names))
        return [(p.pk, p.name, p.email) for p in query]

    def write_row(row: AttendanceRow[Meeting]) -> None:
        keys_of_row = identity_keys(row.name, row.email)
        person = next((people[k] for k in keys_of_row if k in people), None)
        if person is None:
            found = find_person(row.name, row.email, candidates(row))
            if found is not None:
                person = Person.objects.get(pk=found)
                outcome.matched.append((row.row, person.name))
            else:
                consents = (Consent.Purpose.STATISTICS,) if consent_version else ()
                person = register_person(
                    name=row.name,
                    email=row.email,
                    consents=consents,
                    statistics={"gender": row.gender, "department": row.department}
                    if consent_version
                    else None,
                )
                if consent_version:
                    person.consents.filter(purpose=Consent.Purpose.STATISTICS).update(
                        text_version=consent_version[:20], given_at=timezone.now()
                    )
                    refresh_people([person.pk])  # a bulk update sends no signal
                outcome.created.append((row.row, person.name))
        for key in keys_of_row:
            people[key] = person
        organization = _organization_for(row.organization, row.organization_kind, directory, organizations)
        if organization is not None:
            if organization.pk not in known_orgs:
                outcome.organizations_created.append(organization.name)
                known_orgs.add(organization.pk)
            Membership.objects.get_or_create(person=person, organization=organization, role="")
        record_attendance(row.meeting, person, organization, source="import")

    with batch():  # every attendance refreshes the participation summary: once, at the end
        outcome.result = write_all_or_nothing(result, write_row, (ValidationError,), "name")
    if outcome.result.errors:
        outcome.matched, outcome.created, outcome.organizations_created = [], [], []
    return outcome
