"""The registry of natural persons: registering them, their consents and their memberships."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.matching import person_key
from cocrea.core.versioning import save_edit
from cocrea.participation.models import Consent, Membership, Person
from cocrea.participation.services._checks import _require
from cocrea.plans.models import Organization

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cocrea.participation.services._checks import Actor

CONSENT_TEXT_VERSION = "2026-11"


def _person_key(name: str) -> str:
    return person_key(name)[:200]


@transaction.atomic
def register_person(
    *,
    name: str,
    email: str = "",
    phone: str = "",
    display_name: str = "",
    user: User | None = None,
    language: str = "",
    consents: tuple[str, ...] = (),
    statistics: dict[str, str] | None = None,
) -> Person:
    """Create a natural person; optional statistics are stored only with consent for them."""
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
            language=language if language in dict(settings.LANGUAGES) else "",
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


def person_for_user(user: User) -> Person:
    """The participant's person, created on first use from the account's email (their emails in
    the language they are using)."""
    person = Person.objects.filter(user=user).first()
    if person is None:
        label = (user.get_full_name() or user.email.split("@")[0] or user.username).strip()
        person = register_person(name=label, email=user.email, user=user, language=get_language() or "")
    return person


# --- Staff: a person's consents and memberships -------------------------------------------------


def _writable_person(person: Person) -> None:
    if person.merged_into_id is not None:
        raise ValidationError(_("Esta persona se fusionó en otra: edite la persona que se conservó."))
    if person.anonymised_at is not None:
        raise ValidationError(_("Los datos de esta persona se eliminaron."))


@transaction.atomic
def record_consent(
    person: Person, *, purpose: str, text_version: str = CONSENT_TEXT_VERSION, by: Actor | None = None
) -> Consent:
    """The person agreed, now, to the consent text ``text_version`` for ``purpose``."""
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
def withdraw_consent(consent: Consent, *, by: Actor | None = None) -> Consent:
    """The person withdrew this consent. Data it covered stays stored but is no longer used
    (statistics count only people with a statistics consent in force)."""
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


def _unique_membership(
    person: Person | int, organization: Organization | int, role: str, exclude: int | None = None
) -> None:
    clash = Membership.objects.filter(person=person, organization=organization, role=role)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError(_("Esta persona ya representa a esa organización con ese cargo."))


@transaction.atomic
def add_membership(
    person: Person,
    *,
    organization: Organization | None,
    role: str = "",
    since: date | None = None,
    until: date | None = None,
    by: Actor | None = None,
) -> Membership:
    """The person represents ``organization``, with a role, over a period."""
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
    membership: Membership,
    *,
    role: str,
    since: date | None,
    until: date | None,
    expected_version: int | None = None,
    basis: dict[str, Any] | None = None,
    by: Actor | None = None,
) -> Membership:
    """Correct the role or the period of a membership; :class:`~cocrea.core.versioning.StaleEdit`
    if someone changed it since the editor opened it (``expected_version``)."""
    _require(by, "change", "membership", membership.person)
    _writable_person(membership.person)
    values = _membership_values(role, since, until)
    _unique_membership(membership.person_id, membership.organization_id, values["role"], membership.pk)
    expected = membership.edit_version if expected_version is None else expected_version
    with operation("web"):
        return cast(Membership, save_edit(Membership, membership.pk, expected, values, basis=basis))


@transaction.atomic
def end_membership(membership: Membership, *, day: date, by: Actor | None = None) -> Membership:
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
