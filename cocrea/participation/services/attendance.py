"""Attendance at meetings: recorded one by one, or imported from a sign-in sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.attendance_sheet import read_attendance
from cocrea.computations.matching import (
    find_person,
    identity_keys,
    organization_key,
    organization_ref,
    person_key,
)
from cocrea.computations.orgnames import Directory
from cocrea.computations.sheets import describe_keys
from cocrea.core import pagecache
from cocrea.core.sheet_import import write_all_or_nothing
from cocrea.participation.models import Attendance, Consent, Meeting, Membership, Person
from cocrea.participation.services._checks import _require
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


def _known_organization(text: str, directory: Directory) -> tuple[str, Organization | None, Any]:
    """(key, the registry's organisation or None, the directory's reading) for a name on a sheet."""
    key = organization_key(text, directory)
    ref = organization_ref(text, directory)
    found = None
    if ref is not None and ref.acronym:
        found = Organization.objects.filter(acronym__iexact=ref.acronym).first()
    if found is None:
        name = ref.name if ref is not None else text
        found = next((o for o in Organization.objects.filter(name__iexact=name)), None)
    return key, found, ref


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
    key, found, ref = _known_organization(text, directory)
    if found is None:
        found = Organization.objects.create(
            name=(ref.name if ref else text)[:300],
            acronym=(ref.acronym if ref else "")[:30],
            kind=(ref.kind if ref and ref.kind else kind) or Organization.Kind.OTHER,
            country=ref.country if ref else "",
        )
    cache[key] = found
    return found


def _candidates(name: str, email: str) -> list[tuple[int, str, str]]:
    """People of the registry who might be this name and email (for :func:`find_person`)."""
    wanted = identity_keys(name, email)
    emails = [k.removeprefix("email:") for k in wanted if k.startswith("email:")]
    names = [k.removeprefix("name:") for k in wanted if k.startswith("name:")]
    query = Person.objects.active().filter(Q(email__in=emails) | Q(match_key__in=names))
    return [(p.pk, p.name, p.email) for p in query]


def find_registered(name: str, email: str = "") -> Person | None:
    """The registry's person for a name (and email) as a sheet or a screen writes it, if any."""
    found = find_person(name, email, _candidates(name, email))
    return Person.objects.filter(pk=found).first() if found is not None else None


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

    _require(by, "add", "attendance", milestone)
    keys = meeting_keys(milestone)
    result = read_attendance(data, keys, describe_keys(keys))
    outcome = AttendanceImport(result)
    if result.errors or not write:
        return outcome
    directory = load_directory()
    organizations: dict[str, Organization] = {}
    people: dict[str, Person] = {}  # identity key → person, as the file is read
    known_orgs = set(Organization.objects.values_list("pk", flat=True))

    def write_row(row: AttendanceRow[Meeting]) -> None:
        keys_of_row = identity_keys(row.name, row.email)
        person = next((people[k] for k in keys_of_row if k in people), None)
        if person is None:
            person = find_registered(row.name, row.email)
            if person is not None:
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
                    pagecache.touched(person)
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


# --- The preview of a sign-in sheet ----------------------------------------------------------------


@dataclass
class PreviewRow:
    """One row of a sheet as it will be recorded: who it is in the registry, and for whom."""

    row: AttendanceRow[Meeting]
    person: Person | None = None  # the registry's person it matches, if any
    same_as_row: int | None = None  # the same person as an earlier row of the file
    organization: Organization | None = None  # the registry's organisation it matches, if any
    already_attended: bool = False  # the person is already recorded at this meeting


@dataclass
class AttendancePreview:
    result: SheetResult[AttendanceRow[Meeting]]
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return sum(1 for row in self.rows if row.person is not None)

    @property
    def new_people(self) -> int:
        return sum(1 for row in self.rows if row.person is None and row.same_as_row is None)

    @property
    def new_organizations(self) -> list[str]:
        """The organisations the registry does not have yet, as the sheet first writes them."""
        seen: dict[str, str] = {}
        for row in self.rows:
            text = " ".join(row.row.organization.split())
            if text and row.organization is None:
                seen.setdefault(text.casefold(), text)
        return list(seen.values())

    @property
    def meetings(self) -> list[Meeting]:
        """The meetings the sheet names, in the order of the schedule."""
        found = {row.row.meeting.pk: row.row.meeting for row in self.rows}
        return sorted(found.values(), key=lambda meeting: meeting.position)


def preview_attendance(milestone: Milestone, data: bytes, *, by: Actor | None) -> AttendancePreview:
    """Read a sign-in sheet with the same reader as :func:`import_attendance` and say, row by row,
    whom it matches in the registry (people, organisations) without writing anything. Raises
    :class:`~cocrea.computations.sheets.SheetError` for a file that is not a table."""
    outcome = import_attendance(milestone, data, by=by, write=False)
    preview = AttendancePreview(outcome.result)
    if outcome.result.errors:
        return preview
    directory = load_directory()
    first_row: dict[str, int] = {}  # identity key → the first row of the file with it
    matches: dict[int, Person | None] = {}  # row → the person found for the first row of a person
    organizations: dict[str, Organization | None] = {}
    attended = {
        (meeting_id, person_id)
        for meeting_id, person_id in Attendance.objects.filter(meeting__milestone=milestone).values_list(
            "meeting_id", "person_id"
        )
    }
    for row in outcome.result.rows:
        shown = PreviewRow(row)
        keys = identity_keys(row.name, row.email)
        earlier = next((first_row[k] for k in keys if k in first_row), None)
        if earlier is not None:
            shown.same_as_row = earlier
            shown.person = matches[earlier]
        else:
            shown.person = find_registered(row.name, row.email)
            matches[row.row] = shown.person
        for key in keys:
            first_row.setdefault(key, shown.same_as_row or row.row)
        text = " ".join(row.organization.split())
        if text:
            key = organization_key(text, directory)
            if key not in organizations:
                organizations[key] = _known_organization(text, directory)[1]
            shown.organization = organizations[key]
        if shown.person is not None:
            shown.already_attended = (row.meeting.pk, shown.person.pk) in attended
        preview.rows.append(shown)
    return preview


# --- Correcting the record of one meeting ----------------------------------------------------------


def _dependents(person: Person, attendance: Attendance) -> bool:
    """Whether the person's record holds more than this one attendance (an account, other
    meetings, sign-ups), so that renaming it would rename someone else's history too."""
    return (
        person.user_id is not None
        or person.attendance.exclude(pk=attendance.pk).exists()
        or person.registrations.exists()
        or person.merged.exists()
    )


@transaction.atomic
def correct_attendance(
    attendance: Attendance,
    *,
    name: str,
    organization: Organization | None,
    by: Actor | None = None,
) -> tuple[Attendance, str]:
    """Correct who attended and for whom, as the sign-in sheet should have said.

    A new name that is another person of the registry moves the attendance to that person
    (``"moved"``); else the person's record is renamed when it holds nothing but this attendance
    (``"renamed"``), or a new person is registered for it (``"registered"``), so that nobody
    else's history changes name. ``"unchanged"`` when the name stays. Audited."""
    _require(by, "change", "attendance", attendance)
    attendance = Attendance.objects.select_for_update().select_related("person").get(pk=attendance.pk)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Escriba el nombre de la persona."))
    if len(name) > 200:
        raise ValidationError(
            _("El nombre es demasiado largo: %(length)s caracteres de %(limit)s como máximo.")
            % {"length": len(name), "limit": 200}
        )
    person = attendance.person
    outcome = "unchanged"
    with operation("web"), batch():
        if name != person.name:
            other = find_registered(name)
            if other is not None and other.pk != person.pk:
                if Attendance.objects.filter(meeting=attendance.meeting_id, person=other).exists():
                    raise ValidationError(
                        _("%(name)s ya figura como asistente de esta reunión.") % {"name": other.name}
                    )
                attendance.person, outcome = other, "moved"
            elif other is None and _dependents(person, attendance):
                attendance.person, outcome = register_person(name=name), "registered"
            else:
                person.name, person.match_key = name[:200], person_key(name)[:200]
                person.edit_version += 1
                person.save(update_fields=["name", "match_key", "edit_version"])
                outcome = "renamed"
        if outcome in ("moved", "registered") or attendance.organization_id != getattr(
            organization, "pk", None
        ):
            attendance.organization = organization
            attendance.source = "staff"
            attendance.save()
    return attendance, outcome


@transaction.atomic
def remove_attendance(attendance: Attendance, *, by: Actor | None = None) -> None:
    """The person did not attend: the attendance goes (the person stays in the registry). Audited."""
    _require(by, "delete", "attendance", attendance)
    with operation("web"):
        attendance.delete()
