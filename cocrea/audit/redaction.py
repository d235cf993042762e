"""Erasing a person from the trail: the one sanctioned rewrite of append-only entries.

When a person deletes their account (or staff anonymise them), what they asked to erase must not
survive in the history: the entries about their records show them as anonymised, the entries they
wrote no longer carry their email, and the fields that held their name read ``•••``. Which
changed, when and through what stays; so does the entry that records the anonymisation itself.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from cocrea.audit.models import AuditEntry, entries_for_objects

HIDDEN = "•••"


def _scrub(value: Any, words: list[str], replacement: str) -> Any:
    if isinstance(value, str):
        for word in words:
            value = value.replace(word, replacement)
        return value
    if isinstance(value, list):
        return [_scrub(v, words, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, words, replacement) for k, v in value.items()}
    return value


def redact_person(
    objects_by_model: dict[type[models.Model], list[Any]],
    *,
    names: list[str],
    replacement: str,
    fields: set[str],
    actor: Any = None,
) -> int:
    """Rewrite the entries about these objects: ``names`` become ``replacement`` in what each entry
    shows; the old and new values of ``fields`` become ``•••``; and, for the entries written by
    ``actor`` (the person's account), the author reads ``replacement``. Returns the entries changed."""
    words = sorted({n for n in names if n and n.strip()}, key=len, reverse=True)
    rewrite = models.QuerySet.update  # past AuditEntryQuerySet's guard: this is the one exception
    changed = 0
    for entry in entries_for_objects(objects_by_model).iterator():
        changes = {
            name: (
                [HIDDEN if v not in (None, "") else v for v in change] if isinstance(change, list) else HIDDEN
            )
            if name in fields
            else _scrub(change, words, replacement)
            for name, change in entry.changes.items()
        }
        shown = _scrub(entry.object_repr, words, replacement)
        if changes != entry.changes or shown != entry.object_repr:
            rewrite(AuditEntry.objects.filter(pk=entry.pk), changes=changes, object_repr=shown[:300])
            changed += 1
    if actor is not None and getattr(actor, "pk", None) is not None:
        changed += rewrite(AuditEntry.objects.filter(actor=actor), actor_label=replacement)
    return changed
