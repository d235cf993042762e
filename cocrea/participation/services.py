"""Writes to participation: meetings, the registry of persons, registration, attendance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.participation.models import Meeting

OUTCOMES = {"held", "postponed", "cancelled"}


@transaction.atomic
def record_meeting_outcome(
    meeting: Meeting, *, outcome: str, by: Any, day: date | None = None, place: str = "", reason: str = ""
) -> Meeting:
    """Held (actual date, place or link), postponed (new date, reason) or cancelled (reason)."""
    if not by.has_perm(permission("meeting", "change"), meeting):
        raise PermissionDenied
    if outcome not in OUTCOMES:
        raise ValidationError(_("Resultado desconocido: %(outcome)s.") % {"outcome": outcome})
    if outcome in ("held", "postponed") and day is None:
        raise ValidationError(_("Indique la fecha."))
    if outcome in ("postponed", "cancelled") and not reason.strip():
        raise ValidationError(_("Indique el motivo."))
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada."))
    with operation("web"):
        meeting.status = outcome
        meeting.actual_date = day
        meeting.place = place.strip()[:300]
        meeting.status_reason = reason.strip()
        meeting.version += 1
        meeting.sequence += 1  # calendar subscribers get the change
        meeting.save()
    return meeting


# --- The registry of natural persons ---------------------------------------------------------

CONSENT_TEXT_VERSION = "2026-11"


def _person_key(name: str) -> str:
    from cocrea.computations.matching import person_key

    return person_key(name)[:200]


@transaction.atomic
def register_person(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    display_name: str = "",
    user: Any = None,
    consents: tuple[str, ...] = (),
    statistics: dict[str, str] | None = None,
) -> Any:
    """Create a natural person; optional statistics are stored only with consent for them."""
    from django.utils import timezone

    from cocrea.participation.models import Consent, Person

    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("El nombre es obligatorio."))
    with operation("web"):
        person = Person.objects.create(
            name=name[:200],
            match_key=_person_key(name),
            display_name=display_name.strip()[:120],
            email=email.strip().lower()[:254],
            phone=phone.strip()[:40],
            user=user,
        )
        for purpose in consents:
            Consent.objects.create(
                person=person, purpose=purpose, text_version=CONSENT_TEXT_VERSION, given_at=timezone.now()
            )
        if statistics and Consent.Purpose.STATISTICS in consents:
            for field_name in ("gender", "age_range", "department", "municipality", "sector"):
                setattr(person, field_name, (statistics.get(field_name) or "")[:80])
            person.save()
    return person


def person_for_user(user: Any) -> Any:
    """The participant's person, created on first use from the account's email."""
    from cocrea.participation.models import Person

    person = Person.objects.filter(user=user).first()
    if person is None:
        label = (user.get_full_name() or user.email.split("@")[0] or user.username).strip()
        person = register_person(name=label, email=user.email, user=user)
    return person


@transaction.atomic
def register_for_meeting(meeting: Meeting, person: Any, organization: Any = None) -> Any:
    """Sign up; past the meeting's capacity the person joins the waiting list. Emails a confirmation."""
    from cocrea.participation.models import Registration

    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise sign-ups per meeting
    existing = Registration.objects.filter(meeting=meeting, person=person).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        return existing
    confirmed = Registration.objects.filter(meeting=meeting, status=Registration.Status.CONFIRMED).count()
    full = meeting.capacity is not None and confirmed >= meeting.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    with operation("web"):
        if existing:
            existing.status, existing.organization = status, organization
            existing.save()
            registration = existing
        else:
            registration = Registration.objects.create(
                meeting=meeting, person=person, organization=organization, status=status
            )
    _notify(registration)
    return registration


@transaction.atomic
def cancel_registration(registration: Any) -> Any:
    """Cancel a sign-up; the first person on the waiting list takes the freed place."""
    from cocrea.participation.models import Registration

    was_confirmed = registration.status == Registration.Status.CONFIRMED
    with operation("web"):
        registration.status = Registration.Status.CANCELLED
        registration.save()
        promoted = None
        if was_confirmed:
            promoted = (
                Registration.objects.select_for_update()
                .filter(meeting=registration.meeting, status=Registration.Status.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.save()
    if promoted is not None:
        _notify(promoted)
    return promoted


def _notify(registration: Any) -> None:
    """Confirmation (or waiting-list) email, to the person's address, if they have one."""
    from django.core.mail import send_mail

    person = registration.person
    if not person.email:
        return
    meeting = registration.meeting
    if registration.status == "confirmed":
        subject = _("Inscripción confirmada: %(meeting)s") % {"meeting": meeting.title}
        body = _("Su lugar en «%(meeting)s» está confirmado.") % {"meeting": meeting.title}
    else:
        subject = _("Lista de espera: %(meeting)s") % {"meeting": meeting.title}
        body = _(
            "«%(meeting)s» está llena: usted está en la lista de espera y le avisaremos "
            "si se libera un lugar."
        ) % {"meeting": meeting.title}
    send_mail(subject, body, None, [person.email], fail_silently=True)


def send_reminders(day: Any) -> int:
    """Remind confirmed participants of the meetings starting on ``day`` (once each)."""
    from django.core.mail import send_mail
    from django.utils import timezone

    from cocrea.participation.models import Registration

    due = (
        Registration.objects.select_related("meeting", "person")
        .filter(status=Registration.Status.CONFIRMED, reminded_at=None, meeting__starts_at__date=day)
        .exclude(person__email="")
    )
    sent = 0
    for registration in due:
        meeting = registration.meeting
        send_mail(
            _("Recordatorio: %(meeting)s") % {"meeting": meeting.title},
            _("Le recordamos la reunión «%(meeting)s» (%(when)s, %(where)s).")
            % {
                "meeting": meeting.title,
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                "where": meeting.place or meeting.online_link or "—",
            },
            None,
            [registration.person.email],
            fail_silently=True,
        )
        registration.reminded_at = timezone.now()
        registration.save(update_fields=["reminded_at"])
        sent += 1
    return sent


@transaction.atomic
def record_attendance(meeting: Meeting, person: Any, organization: Any = None, source: str = "staff") -> Any:
    from cocrea.participation.models import Attendance

    with operation("web"):
        attendance, created = Attendance.objects.get_or_create(
            meeting=meeting, person=person, defaults={"organization": organization, "source": source}
        )
        if not created and organization is not None and attendance.organization_id != organization.pk:
            attendance.organization = organization
            attendance.save()
    return attendance


def is_proposed_duplicate(keep: Any, duplicate: Any) -> bool:
    """The comparison that fills the duplicates screen would propose this pair."""
    from cocrea.computations.matching import propose_merges

    return bool(
        propose_merges([(keep.pk, keep.name, keep.email), (duplicate.pk, duplicate.name, duplicate.email)])
    )


MERGED_ROWS = ("attendance", "registrations", "memberships", "consents")


@transaction.atomic
def merge_people(keep: Any, duplicate: Any, *, by: Any, confirmed: bool = False) -> Any:
    """Fold ``duplicate`` into ``keep``: attendance, registrations, memberships and consents move;
    the duplicate stays, marked as merged, so the history is kept (and audited), and the merge is
    recorded (:class:`PersonMerge`) so that :func:`unmerge_people` can undo it.

    A person acting (``by``) may merge only a pair the comparison proposes, or one they confirm
    by hand (``confirmed``, administrators and coordinators), and must hold the merge rule. An
    account never moves: the duplicate must not have one (merge the other way round), so nobody's
    account ever shows another person's data. Rows the kept person already has (the same meeting,
    organisation and role) stay on the duplicate; they count once, under the person kept.
    """
    from cocrea.participation.models import Person, PersonMerge
    from cocrea.participation.summary import batch

    keep, duplicate = (Person.objects.select_for_update().get(pk=p.pk) for p in (keep, duplicate))
    if keep.pk == duplicate.pk or duplicate.merged_into_id or keep.merged_into_id:
        raise ValidationError(_("Estas personas no se pueden fusionar."))
    if keep.anonymised_at or duplicate.anonymised_at:
        raise ValidationError(_("Una persona anonimizada no se fusiona."))
    proposed = is_proposed_duplicate(keep, duplicate)
    if by is not None:
        if not by.has_perm("participation.merge_person", keep) or not by.has_perm(
            "participation.merge_person", duplicate
        ):
            raise PermissionDenied
        if not proposed and not confirmed:
            raise ValidationError(
                _(
                    "«%(a)s» y «%(b)s» no parecen la misma persona: solo se fusionan los duplicados "
                    "propuestos, o los que usted confirme expresamente."
                )
                % {"a": keep.name, "b": duplicate.name}
            )
    if duplicate.user_id is not None:
        raise ValidationError(
            _(
                "«%(duplicate)s» tiene una cuenta en Cocrea: una cuenta no pasa a otra persona. "
                "Fusione «%(keep)s» en «%(duplicate)s»."
            )
            % {"duplicate": duplicate.name, "keep": keep.name}
        )
    moved: dict[str, list[int]] = {name: [] for name in MERGED_ROWS}
    copied: dict[str, str] = {}
    # Each save below refreshes the participation summary; the batch does it once, at the end.
    with operation("web"), batch():
        for attendance in duplicate.attendance.all():
            if not keep.attendance.filter(meeting=attendance.meeting_id).exists():
                attendance.person = keep
                attendance.save()
                moved["attendance"].append(attendance.pk)
        for registration in duplicate.registrations.all():
            if not keep.registrations.filter(meeting=registration.meeting_id).exists():
                registration.person = keep
                registration.save()
                moved["registrations"].append(registration.pk)
        for membership in duplicate.memberships.all():
            if not keep.memberships.filter(
                organization=membership.organization_id, role=membership.role
            ).exists():
                membership.person = keep
                membership.save()
                moved["memberships"].append(membership.pk)
        for consent in duplicate.consents.all():
            consent.person = keep
            consent.save()
            moved["consents"].append(consent.pk)
        for field_name in ("email", "phone", "display_name"):
            if not getattr(keep, field_name) and getattr(duplicate, field_name):
                setattr(keep, field_name, getattr(duplicate, field_name))
                copied[field_name] = getattr(duplicate, field_name)
        keep.version += 1
        keep.save()
        duplicate.merged_into = keep
        duplicate.version += 1
        duplicate.save()
        PersonMerge.objects.create(
            keep=keep,
            duplicate=duplicate,
            merged_by=by if getattr(by, "is_authenticated", False) else None,
            proposed=proposed,
            moved=moved,
            copied=copied,
        )
    return keep


@transaction.atomic
def unmerge_people(duplicate: Any, *, by: Any) -> Any:
    """Undo the last merge of ``duplicate``: the rows that moved go back, the contact fields copied
    onto the person kept are cleared (where nobody changed them since), the duplicate is a person
    of its own again. Recorded on the merge and in the audit trail."""
    from django.utils import timezone

    from cocrea.participation.models import Attendance, Consent, Membership, Person, PersonMerge, Registration
    from cocrea.participation.summary import batch

    duplicate = Person.objects.select_for_update().get(pk=duplicate.pk)
    merge = (
        PersonMerge.objects.select_for_update()
        .filter(duplicate=duplicate, undone_at=None)
        .select_related("keep")
        .first()
    )
    if merge is None or duplicate.merged_into_id != merge.keep_id:
        raise ValidationError(_("Esta persona no está fusionada: no hay nada que deshacer."))
    keep = merge.keep
    if by is not None and not (
        by.has_perm("participation.merge_person", keep)
        and by.has_perm("participation.merge_person", duplicate)
    ):
        raise PermissionDenied
    if keep.anonymised_at or duplicate.anonymised_at:
        raise ValidationError(_("Una persona anonimizada no se separa."))
    models = {
        "attendance": Attendance,
        "registrations": Registration,
        "memberships": Membership,
        "consents": Consent,
    }
    with operation("web"), batch():
        for name, model in models.items():
            for row in model.objects.filter(pk__in=merge.moved.get(name, []), person=keep):
                row.person = duplicate
                row.save()
        for field_name, value in merge.copied.items():
            if getattr(keep, field_name) == value:
                setattr(keep, field_name, "")
        keep.version += 1
        keep.save()
        duplicate.merged_into = None
        duplicate.version += 1
        duplicate.save()
        merge.undone_at = timezone.now()
        merge.undone_by = by if getattr(by, "is_authenticated", False) else None
        merge.save()
    return duplicate


ANONYMOUS_NAME = "Participante eliminado"


@transaction.atomic
def anonymise_person(person: Any) -> Any:
    """Delete a person's personal data in one transaction; contributions and counts remain.

    The records merged into the person are the same person's: they are anonymised too.
    """
    from django.utils import timezone

    from cocrea.participation.models import Person
    from cocrea.participation.summary import refresh_people

    for merged in Person.objects.filter(merged_into=person, anonymised_at=None):
        anonymise_person(merged)
    names = [person.name, person.display_name, person.email]
    with operation("web"):
        person.consents.filter(withdrawn_at=None).update(withdrawn_at=timezone.now())
        refresh_people([person.pk])  # a bulk update sends no signal: the statistics consent is gone
        person.name = ANONYMOUS_NAME
        person.match_key = f"anonymised-{person.pk}"
        for field_name in (
            "display_name",
            "email",
            "phone",
            "gender",
            "age_range",
            "department",
            "municipality",
            "sector",
        ):
            setattr(person, field_name, "")
        person.anonymised_at = timezone.now()
        user = person.user
        person.user = None
        person.version += 1
        person.save()
    _erase_from_history(person, names, user)  # this very change included
    if user is not None:
        with operation("web"):
            user.delete()
    return person


# Other apps add what they hold about a person to "Mis datos" (co-creation: their contributions),
# the same way they add what counts as taking part: by registration, not by import.
PERSON_DATA: dict[str, Callable[[Any], list[dict[str, Any]]]] = {}


def register_person_data(section: str, export: Callable[[Any], list[dict[str, Any]]]) -> None:
    PERSON_DATA[section] = export


def _erase_from_history(person: Any, names: list[str], user: Any) -> None:
    """The history of the person's records shows them as anonymised (the audit redaction)."""
    from cocrea.audit.redaction import redact_person

    related: dict[Any, list[Any]] = {type(person): [person.pk]}
    for relation in type(person)._meta.related_objects:
        if relation.one_to_many and relation.field.name == "person":
            related[relation.related_model] = list(
                relation.related_model._default_manager.filter(person=person).values_list("pk", flat=True)
            )
    redact_person(
        related,
        names=names,
        replacement=ANONYMOUS_NAME,
        fields={"name", "display_name", "email", "phone", "match_key"},
        actor=user,
    )


def export_person_data(person: Any) -> dict[str, Any]:
    """Everything Cocrea holds about a person (for the person themself)."""
    data = _own_person_data(person)
    for section, export in PERSON_DATA.items():
        data[section] = export(person)
    return data


def _own_person_data(person: Any) -> dict[str, Any]:
    return {
        "person": {
            "name": person.name,
            "display_name": person.display_name,
            "email": person.email,
            "phone": person.phone,
            "gender": person.gender,
            "age_range": person.age_range,
            "department": person.department,
            "municipality": person.municipality,
            "sector": person.sector,
            "created_at": person.created_at.isoformat(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in person.consents.all()
        ],
        "memberships": [
            {"organization": str(m.organization), "role": m.role}
            for m in person.memberships.select_related("organization")
        ],
        "registrations": [
            {"meeting": str(r.meeting), "status": r.status, "created_at": r.created_at.isoformat()}
            for r in person.registrations.select_related("meeting")
        ],
        "attendance": [
            {"meeting": str(a.meeting), "organization": str(a.organization) if a.organization else None}
            for a in person.attendance.select_related("meeting", "organization")
        ],
    }


# --- Importing sign-in sheets ------------------------------------------------------------------


def meeting_keys(milestone: Any) -> dict[str, Meeting]:
    """A milestone's meetings by their number in the schedule (0, 1…N, final)."""
    keys: dict[str, Meeting] = {}
    for meeting in milestone.meetings.all():
        keys.setdefault(meeting.code, meeting)
    return keys


def _organization_for(text: str, kind: str, directory: Any, cache: dict[str, Any]) -> Any:
    """The registry's organisation for a name written on a sheet, created when new."""
    from cocrea.computations.matching import organization_key, organization_ref
    from cocrea.plans.models import Organization

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
    result: Any
    matched: list[tuple[int, str]] = field(default_factory=list)  # (row, person) already in the registry
    created: list[tuple[int, str]] = field(default_factory=list)  # (row, person) new to the registry
    organizations_created: list[str] = field(default_factory=list)


def import_attendance(
    milestone: Any, data: bytes, *, by: Any, write: bool = True, consent_version: str = ""
) -> AttendanceImport:
    """Read a sign-in sheet and record its attendance, matching people and organisations against
    the registry; all or nothing. Gender and department are stored only when ``consent_version``
    names the consent text the sheet carried (what people agreed to by signing)."""
    from django.utils import timezone

    from cocrea.computations.attendance_sheet import read_attendance
    from cocrea.computations.matching import find_person, identity_keys
    from cocrea.computations.sheets import describe_keys
    from cocrea.core.sheet_import import write_all_or_nothing
    from cocrea.participation.models import Consent, Membership, Person
    from cocrea.participation.summary import batch, refresh_people
    from cocrea.plans.directory import load_directory
    from cocrea.plans.models import Organization

    keys = meeting_keys(milestone)
    result = read_attendance(data, keys, describe_keys(keys))
    outcome = AttendanceImport(result)
    if result.errors or not write:
        return outcome
    directory = load_directory()
    organizations: dict[str, Any] = {}
    people: dict[str, Any] = {}  # identity key → person, as the file is read
    known_orgs = set(Organization.objects.values_list("pk", flat=True))

    def candidates(row: Any) -> list[tuple[int, str, str]]:
        wanted = identity_keys(row.name, row.email)
        emails = [k.removeprefix("email:") for k in wanted if k.startswith("email:")]
        names = [k.removeprefix("name:") for k in wanted if k.startswith("name:")]
        query = Person.objects.active().filter(Q(email__in=emails) | Q(match_key__in=names))
        return [(p.pk, p.name, p.email) for p in query]

    def write(row: Any) -> None:
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
        outcome.result = write_all_or_nothing(result, write, (ValidationError,), "name")
    if outcome.result.errors:
        outcome.matched, outcome.created, outcome.organizations_created = [], [], []
    return outcome


# --- Staff: a meeting's agenda, minutes and agreements -----------------------------------------

MINUTES_MAX_LENGTH = 100_000


def _require(by: Any, action: str, model: str, obj: Any) -> None:
    """The named rule, checked when a user acts (``by=None``: the system, a command, a test)."""
    if by is not None and not by.has_perm(permission(model, action), obj):
        raise PermissionDenied


def _one_line(text: str, limit: int, missing: str) -> str:
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError(missing)
    if len(text) > limit:
        raise ValidationError(
            _("El texto es demasiado largo: %(length)s caracteres de %(limit)s como máximo.")
            % {"length": len(text), "limit": limit}
        )
    return text


def _renumber_agenda(items: list[Any]) -> None:
    """Positions 1…n in the given order, saving (and so auditing) only the rows that moved."""
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, title: str, by: Any = None) -> Any:
    """A new point at the end of the meeting's agenda."""
    from django.db.models import Max

    from cocrea.participation.models import AgendaItem

    _require(by, "add", "agendaitem", meeting)
    title = _one_line(title, 300, _("Escriba el punto de la agenda."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise positions
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0
    with operation("web"):
        return AgendaItem.objects.create(meeting=meeting, position=last + 1, title=title)


@transaction.atomic
def edit_agenda_item(item: Any, *, title: str, expected_version: int | None = None, by: Any = None) -> Any:
    """Reword a point; :class:`~cocrea.core.versioning.StaleEdit` if someone changed it since the
    editor opened it (``expected_version``)."""
    from cocrea.core.versioning import save_edit
    from cocrea.participation.models import AgendaItem

    _require(by, "change", "agendaitem", item)
    title = _one_line(title, 300, _("Escriba el punto de la agenda."))
    expected = item.version if expected_version is None else expected_version
    with operation("web"):
        return save_edit(AgendaItem, item.pk, expected, {"title": title}, basis={"title": item.title})


@transaction.atomic
def move_agenda_item(item: Any, direction: str, *, by: Any = None) -> Any:
    """One place up or down the agenda; the first point cannot go up, nor the last down."""
    from cocrea.participation.models import AgendaItem

    _require(by, "change", "agendaitem", item)
    if direction not in ("up", "down"):
        raise ValidationError(_("Dirección desconocida: %(direction)s.") % {"direction": direction})
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting=item.meeting_id).order_by("position", "pk")
    )
    index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
    if index is None:
        raise ValidationError(_("Este punto ya no está en la agenda."))
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        raise ValidationError(
            _("El punto ya es el primero de la agenda.")
            if direction == "up"
            else _("El punto ya es el último de la agenda.")
        )
    items[index], items[target] = items[target], items[index]
    with operation("web"):
        _renumber_agenda(items)
    return next(row for row in items if row.pk == item.pk)


@transaction.atomic
def remove_agenda_item(item: Any, *, by: Any = None) -> None:
    """Take a point off the agenda; the following points move up."""
    from cocrea.participation.models import AgendaItem

    _require(by, "delete", "agendaitem", item)
    meeting_id = item.meeting_id
    with operation("web"):
        item.delete()
        rest = list(
            AgendaItem.objects.select_for_update().filter(meeting=meeting_id).order_by("position", "pk")
        )
        _renumber_agenda(rest)


@transaction.atomic
def record_minutes(
    meeting: Meeting, *, text: str, expected_version: int, basis: str | None = None, by: Any = None
) -> Meeting:
    """The meeting's minutes (acta), plain text; refused if someone saved the meeting meanwhile."""
    from cocrea.core.versioning import save_edit

    _require(by, "change", "meeting", meeting)
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > MINUTES_MAX_LENGTH:
        raise ValidationError(
            _("El acta es demasiado larga: %(length)s caracteres de %(limit)s como máximo.")
            % {"length": len(text), "limit": MINUTES_MAX_LENGTH}
        )
    with operation("web"):
        saved = save_edit(
            Meeting,
            meeting.pk,
            expected_version,
            {"minutes": text},
            basis={"minutes": meeting.minutes if basis is None else basis},
        )
    return saved  # type: ignore[return-value]


def _agreement_values(
    text: str, owner_organization: Any, owner_text: str, due_date: date | None
) -> dict[str, Any]:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError(_("Escriba el acuerdo."))
    if len(text) > 5000:
        raise ValidationError(_("El acuerdo es demasiado largo (5000 caracteres como máximo)."))
    owner_text = " ".join((owner_text or "").split())
    if owner_organization is None and not owner_text:
        raise ValidationError(_("Indique el responsable: una organización o un nombre."))
    if owner_organization is not None and owner_text:
        raise ValidationError(_("Elija una organización o escriba el responsable, no ambos."))
    if len(owner_text) > 200:
        raise ValidationError(_("El nombre del responsable es demasiado largo (200 caracteres como máximo)."))
    return {
        "text": text,
        "owner_organization": owner_organization,
        "owner_text": owner_text,
        "due_date": due_date,
    }


@transaction.atomic
def add_agreement(
    meeting: Meeting,
    *,
    text: str,
    owner_organization: Any = None,
    owner_text: str = "",
    due_date: date | None = None,
    by: Any = None,
) -> Any:
    """An action item agreed at the meeting: what, who answers for it, by when."""
    from cocrea.participation.models import Agreement

    _require(by, "add", "agreement", meeting)
    values = _agreement_values(text, owner_organization, owner_text, due_date)
    with operation("web"):
        return Agreement.objects.create(meeting=meeting, **values)


@transaction.atomic
def edit_agreement(
    agreement: Any,
    *,
    expected_version: int,
    text: str,
    owner_organization: Any = None,
    owner_text: str = "",
    due_date: date | None = None,
    basis: dict[str, Any] | None = None,
    by: Any = None,
) -> Any:
    """Change an agreement; :class:`~cocrea.core.versioning.StaleEdit` if it changed meanwhile."""
    from cocrea.core.versioning import save_edit
    from cocrea.participation.models import Agreement

    _require(by, "change", "agreement", agreement)
    values = _agreement_values(text, owner_organization, owner_text, due_date)
    changes = {**values, "owner_organization_id": getattr(owner_organization, "pk", None)}
    del changes["owner_organization"]
    with operation("web"):
        return save_edit(Agreement, agreement.pk, expected_version, changes, basis=basis)


@transaction.atomic
def complete_agreement(
    agreement: Any, *, day: date, expected_version: int | None = None, by: Any = None
) -> Any:
    """Mark an agreement done on ``day`` (not in the future)."""
    from django.utils import timezone

    from cocrea.core.versioning import save_edit
    from cocrea.participation.models import Agreement

    _require(by, "change", "agreement", agreement)
    if day is None:
        raise ValidationError(_("Indique la fecha en que se cumplió."))
    if day > timezone.localdate():
        raise ValidationError(_("La fecha de cumplimiento no puede ser futura."))
    if agreement.done_at is not None:
        raise ValidationError(_("El acuerdo ya estaba cumplido."))
    version = agreement.version if expected_version is None else expected_version
    with operation("web"):
        return save_edit(Agreement, agreement.pk, version, {"done_at": day})


@transaction.atomic
def reopen_agreement(agreement: Any, *, expected_version: int | None = None, by: Any = None) -> Any:
    """Back to pending: it was marked done by mistake, or it needs more work."""
    from cocrea.core.versioning import save_edit
    from cocrea.participation.models import Agreement

    _require(by, "change", "agreement", agreement)
    if agreement.done_at is None:
        raise ValidationError(_("El acuerdo ya está pendiente."))
    version = agreement.version if expected_version is None else expected_version
    with operation("web"):
        return save_edit(Agreement, agreement.pk, version, {"done_at": None})


@transaction.atomic
def delete_agreement(agreement: Any, *, by: Any = None) -> None:
    _require(by, "delete", "agreement", agreement)
    with operation("web"):
        agreement.delete()


# --- Staff: a person's consents and memberships -------------------------------------------------


def _writable_person(person: Any) -> None:
    if person.merged_into_id is not None:
        raise ValidationError(_("Esta persona se fusionó en otra: edite la persona que se conservó."))
    if person.anonymised_at is not None:
        raise ValidationError(_("Los datos de esta persona se eliminaron."))


@transaction.atomic
def record_consent(
    person: Any, *, purpose: str, text_version: str = CONSENT_TEXT_VERSION, by: Any = None
) -> Any:
    """The person agreed, now, to the consent text ``text_version`` for ``purpose``."""
    from django.utils import timezone

    from cocrea.participation.models import Consent, Person

    _require(by, "add", "consent", person)
    _writable_person(person)
    if purpose not in Consent.Purpose.values:
        raise ValidationError(_("Finalidad desconocida: %(purpose)s.") % {"purpose": purpose})
    text_version = (text_version or "").strip()
    if not text_version:
        raise ValidationError(_("Indique la versión del texto que la persona aceptó."))
    if len(text_version) > 20:
        raise ValidationError(_("La versión del texto tiene 20 caracteres como máximo."))
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one active consent per purpose
    if Consent.objects.filter(person=person, purpose=purpose, withdrawn_at=None).exists():
        raise ValidationError(_("Ya consta un consentimiento vigente para esta finalidad."))
    with operation("web"):
        return Consent.objects.create(
            person=person, purpose=purpose, text_version=text_version, given_at=timezone.now()
        )


@transaction.atomic
def withdraw_consent(consent: Any, *, by: Any = None) -> Any:
    """The person withdrew this consent. Data it covered stays stored but is no longer used
    (statistics count only people with a statistics consent in force)."""
    from django.utils import timezone

    from cocrea.participation.models import Consent

    _require(by, "change", "consent", consent.person)
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    if current.withdrawn_at is not None:
        raise ValidationError(_("Este consentimiento ya estaba retirado."))
    with operation("web"):
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
    return current


def _membership_values(role: str, since: date | None, until: date | None) -> dict[str, Any]:
    role = " ".join((role or "").split())
    if len(role) > 120:
        raise ValidationError(_("El cargo tiene 120 caracteres como máximo."))
    if since is not None and until is not None and until < since:
        raise ValidationError(_("La fecha de fin es anterior a la de inicio."))
    return {"role": role, "since": since, "until": until}


def _unique_membership(person: Any, organization: Any, role: str, exclude: int | None = None) -> None:
    from cocrea.participation.models import Membership

    clash = Membership.objects.filter(person=person, organization=organization, role=role)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(_("Esta persona ya representa a esa organización con ese cargo."))


@transaction.atomic
def add_membership(
    person: Any,
    *,
    organization: Any,
    role: str = "",
    since: date | None = None,
    until: date | None = None,
    by: Any = None,
) -> Any:
    """The person represents ``organization``, with a role, over a period."""
    from cocrea.participation.models import Membership, Person

    _require(by, "add", "membership", person)
    _writable_person(person)
    if organization is None:
        raise ValidationError(_("Elija la organización."))
    values = _membership_values(role, since, until)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    _unique_membership(person, organization, values["role"])
    with operation("web"):
        return Membership.objects.create(person=person, organization=organization, **values)


@transaction.atomic
def edit_membership(
    membership: Any,
    *,
    role: str,
    since: date | None,
    until: date | None,
    expected_version: int | None = None,
    basis: dict[str, Any] | None = None,
    by: Any = None,
) -> Any:
    """Correct the role or the period of a membership; :class:`~cocrea.core.versioning.StaleEdit`
    if someone changed it since the editor opened it (``expected_version``)."""
    from cocrea.core.versioning import save_edit
    from cocrea.participation.models import Membership

    _require(by, "change", "membership", membership.person)
    _writable_person(membership.person)
    values = _membership_values(role, since, until)
    _unique_membership(membership.person_id, membership.organization_id, values["role"], membership.pk)
    expected = membership.version if expected_version is None else expected_version
    with operation("web"):
        return save_edit(Membership, membership.pk, expected, values, basis=basis)


@transaction.atomic
def end_membership(membership: Any, *, day: date, by: Any = None) -> Any:
    """The person stopped representing the organisation on ``day``."""
    _require(by, "change", "membership", membership.person)
    _writable_person(membership.person)
    if day is None:
        raise ValidationError(_("Indique la fecha de fin."))
    if membership.until is not None and membership.until <= day:
        raise ValidationError(_("Esta representación ya había terminado."))
    if membership.since is not None and day < membership.since:
        raise ValidationError(_("La fecha de fin es anterior a la de inicio."))
    with operation("web"):
        membership.until = day
        membership.save(update_fields=["until"])
    return membership
