"""What a person decides for themself, from their account: the public name and whether it is shown,
and the language of the emails. The consent to show the name records the text's version and the
words shown (:mod:`cocrea.participation.consents`)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.core.safety import without_bidi_controls
from cocrea.core.versioning import save_edit
from cocrea.participation.consents import ConsentText, current_text
from cocrea.participation.models import Consent, Person

PUBLIC_NAME_MAX = 120


def clean_public_name(value: str) -> str:
    """One line, no control or bidirectional characters, at most 120 characters, not an email."""
    name = " ".join(without_bidi_controls(value or "").split())
    name = "".join(ch for ch in name if ch.isprintable())
    if len(name) > PUBLIC_NAME_MAX:
        raise ValidationError(
            _("El nombre público tiene %(limit)s caracteres como máximo.") % {"limit": PUBLIC_NAME_MAX}
        )
    if "@" in name:
        raise ValidationError(_("El nombre público no puede ser una dirección de correo: se publica."))
    return name


def language_code(value: str) -> str:
    """One of the site's languages, else blank (the site's default)."""
    return value if value in dict(settings.LANGUAGES) else ""


def active_consent(person: Person, purpose: str) -> Consent | None:
    return next(
        (c for c in person.consents.all() if c.purpose == purpose and c.withdrawn_at is None),
        None,
    )


def consent_outdated(person: Person, purpose: str = Consent.Purpose.PUBLIC_NAME) -> bool:
    """The person agreed to an older text than the one in force: the profile asks again."""
    consent = active_consent(person, purpose)
    return consent is not None and consent.text_version != current_text(purpose).version


def _give(person: Person, text: ConsentText) -> Consent:
    return Consent.objects.create(
        person=person,
        purpose=text.purpose,
        text_version=text.version,
        text=text.text,
        given_at=timezone.now(),
    )


@transaction.atomic
def give_own_consent(person: Person, purpose: str) -> Consent:
    """The person read the text in force for ``purpose`` (in the active language) and agreed.

    An active consent to an older version is replaced (withdrawn now, the new one given), so the
    record shows which words were in force when; one to the current version is kept as it is."""
    text = current_text(purpose)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = Consent.objects.filter(person=person, purpose=purpose, withdrawn_at=None).first()
    if current is not None and current.text_version == text.version:
        return current
    with operation("web"):
        if current is not None:
            current.withdrawn_at = timezone.now()
            current.save(update_fields=["withdrawn_at"])
        return _give(person, text)


@transaction.atomic
def withdraw_own_consent(person: Person, purpose: str) -> int:
    """The person withdrew their consent for ``purpose``; returns how many were in force."""
    withdrawn = 0
    with operation("web"):
        for consent in Consent.objects.select_for_update().filter(
            person=person, purpose=purpose, withdrawn_at=None
        ):
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])  # a save, so the summary hears of it
            withdrawn += 1
    return withdrawn


@transaction.atomic
def update_profile(
    person: Person,
    *,
    public_name: str,
    show_name: bool,
    language: str = "",
    expected_version: int | None = None,
) -> Person:
    """The person's public name, whether it is shown (their consent, given or withdrawn), and the
    language of their emails. :class:`~cocrea.core.versioning.StaleEdit` when the record changed
    since the form was shown (``expected_version``)."""
    if person.anonymised_at is not None or person.merged_into_id is not None:
        raise ValidationError(_("Estos datos ya no se pueden cambiar."))
    name = clean_public_name(public_name)
    if show_name and not name:
        raise ValidationError({"public_name": _("Escriba el nombre que quiere mostrar.")})
    changes: dict[str, Any] = {"display_name": name, "language": language_code(language)}
    expected = person.edit_version if expected_version is None else expected_version
    if any(getattr(person, field) != value for field, value in changes.items()):
        with operation("web"):
            person = cast(Person, save_edit(Person, person.pk, expected, changes))
    if show_name:
        give_own_consent(person, Consent.Purpose.PUBLIC_NAME)
    else:
        withdraw_own_consent(person, Consent.Purpose.PUBLIC_NAME)
    return person
