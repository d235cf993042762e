"""A person's rights over their data: everything held about them (Mis datos), and its erasure."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from cocrea.audit.context import operation
from cocrea.audit.redaction import redact_person
from cocrea.core import pagecache
from cocrea.participation.models import Person
from cocrea.participation.summary import refresh_people

if TYPE_CHECKING:
    from django.contrib.auth.models import User

ANONYMOUS_NAME = "Participante eliminado"


@transaction.atomic
def anonymise_person(person: Person) -> Person:
    """Delete a person's personal data in one transaction; contributions and counts remain.

    The records merged into the person are the same person's: they are anonymised too.
    """
    for merged in Person.objects.filter(merged_into=person, anonymised_at=None):
        anonymise_person(merged)
    names = [person.name, person.display_name, person.email]
    with operation("web"):
        person.consents.filter(withdrawn_at=None).update(withdrawn_at=timezone.now())
        for request in person.affiliation_requests.filter(status="pending"):
            request.status, request.decided_at = "withdrawn", timezone.now()
            request.save(update_fields=["status", "decided_at"])
        refresh_people([person.pk])  # a bulk update sends no signal: the statistics consent is gone
        pagecache.touched(person)
        person.name = ANONYMOUS_NAME
        person.match_key = f"anonymised-{person.pk}"
        for field_name in (
            "display_name",
            "email",
            "phone",
            "language",
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
        person.edit_version += 1
        person.save()
    _erase_from_history(person, names, user)  # this very change included
    if user is not None:
        with operation("web"):
            user.delete()
    return person


# Other apps add what they hold about a person to "Mis datos" (co-creation: their contributions),
# the same way they add what counts as taking part: by registration, not by import.
PersonDataExport = Callable[[Person], list[dict[str, Any]]]
PERSON_DATA: dict[str, PersonDataExport] = {}


@transaction.atomic
def delete_account(user: Any) -> None:
    """The person closes their account: their person (and every record merged into it) is
    anonymised and the account deleted; an account with no person is simply deleted."""
    person = Person.objects.filter(user=user).first()
    if person is not None:
        anonymise_person(person)  # deletes the account too
        return
    with operation("web"):
        user.delete()


def register_person_data(section: str, export: PersonDataExport) -> None:
    PERSON_DATA[section] = export


def _erase_from_history(person: Person, names: list[str], user: User | None) -> None:
    """The history of the person's records shows them as anonymised (the audit redaction)."""
    related: dict[type[Model], list[Any]] = {type(person): [person.pk]}
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


def export_person_data(person: Person) -> dict[str, Any]:
    """Everything Cocrea holds about a person (for the person themself)."""
    data = _own_person_data(person)
    for section, export in PERSON_DATA.items():
        data[section] = export(person)
    return data


def _own_person_data(person: Person) -> dict[str, Any]:
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
            "language": person.language,
            "created_at": person.created_at.isoformat(),
        },
        "consents": [
            {
                "purpose": c.purpose,
                "text_version": c.text_version,
                "text": c.text,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in person.consents.all()
        ],
        "memberships": [
            {"organization": str(m.organization), "role": m.role}
            for m in person.memberships.select_related("organization")
        ],
        "organisation_requests": [
            {
                "organization": r.organization_name,
                "role": r.role,
                "status": r.status,
                "requested_at": r.requested_at.isoformat(),
                "reason": r.reason,
            }
            for r in person.affiliation_requests.all()
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
