"""Writes to the catalogue: entries, and where they are applied in the text of a version."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.catalogue.models import Application, Entry
from cocrea.core import pagecache
from cocrea.core.actors import acting_user
from cocrea.core.versioning import save_edit
from cocrea.drafts.models import Paragraph

ENTRY_FIELDS = ("kind", "name", "description", "issuer", "number", "issued_on", "link")


@transaction.atomic
def create_entry(**fields: Any) -> Entry:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    entry = Entry(**fields)
    entry.name = " ".join(entry.name.split())
    entry.full_clean()
    with operation("web"):
        entry.save()
    return entry


@transaction.atomic
def edit_entry(
    entry: Entry, *, expected_version: int, basis: dict[str, Any] | None = None, **fields: Any
) -> Entry:
    """Change an entry's fields, refused (:class:`StaleEdit`) if someone saved it meanwhile."""

    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    candidate = Entry(pk=entry.pk, **{**{f: getattr(entry, f) for f in ENTRY_FIELDS}, **fields})
    candidate._state.adding = False  # the same row: its own id is not a duplicate of itself
    candidate.name = " ".join(candidate.name.split())
    candidate.full_clean(exclude=["edit_version"])
    with operation("web"):
        return save_edit(  # type: ignore[return-value]
            Entry, entry.pk, expected_version, {f: getattr(candidate, f) for f in ENTRY_FIELDS}, basis=basis
        )


@transaction.atomic
def apply_entry(entry: Entry, paragraph: Paragraph, *, by: Any) -> Application:
    """Record that ``entry`` is applied in ``paragraph`` (once)."""
    if paragraph.version.state == "approved":
        raise ValidationError(
            _("Una versión aprobada ya no cambia: aplique la entrada en una versión nueva.")
        )
    with operation("web"):
        application, _created = Application.objects.get_or_create(
            entry=entry,
            paragraph=paragraph,
            defaults={"created_by": acting_user(by)},
        )
    return application


@transaction.atomic
def remove_application(application: Application) -> None:
    if application.paragraph.version.state == "approved":
        raise ValidationError(_("Una versión aprobada ya no cambia."))
    with operation("web"):
        application.delete()


def carry_applications(sender: Any, carried: dict[int, int], **kwargs: Any) -> None:
    """A paragraph carried into a new version keeps the entries applied in it."""
    rows = Application.objects.filter(paragraph_id__in=carried).values_list("entry_id", "paragraph_id")
    existing = set(
        Application.objects.filter(paragraph_id__in=carried.values()).values_list("entry_id", "paragraph_id")
    )
    fresh = {(entry, carried[paragraph]) for entry, paragraph in rows} - existing
    applications = [Application(entry_id=e, paragraph_id=p) for e, p in sorted(fresh)]
    Application.objects.bulk_create(applications)
    pagecache.touched(*applications[:1])  # bulk: no signals; one row names the catalogue and the version
