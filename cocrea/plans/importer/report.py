"""What an import did, or would do: counts by kind, the items the document dropped, the conflicts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cocrea.computations.plancheck import Finding
from cocrea.computations.planparse import ParsedPlan

if TYPE_CHECKING:
    from cocrea.plans.models import Milestone

REMOVED = "removed"
ARCHIVED = "archived"


@dataclass(frozen=True)
class Removal:
    """An item that came from the document and that the new document no longer lists.

    ``action`` is what confirming does (or did): ``removed`` when nothing hangs from it,
    ``archived`` when something does (``dependents``: counts by kind; ``staff_fields``: fields
    that staff filled in or changed). ``applied`` says whether it was done in this import."""

    kind: str  # the model's name: "meeting", "activity", "budgetline"…
    key: str  # what matches it to the document's item (with ``kind``: the confirmation's token)
    identifier: str  # how people name it: "05", "working-15", "responsible: INAP"
    title: str
    label: str  # the kind in the interface language: "reunión", "actividad"…
    shown: str  # the identifier as people read it beside the kind ("05", "B"; a meeting: none)
    pk: int
    dependents: dict[str, int]
    staff_fields: tuple[str, ...]
    action: str
    applied: bool

    @property
    def token(self) -> str:
        """What a confirmation names to allow this removal (``--allow-removals`` allows all)."""
        return f"{self.kind}:{self.key}"

    @property
    def has_dependents(self) -> bool:
        return bool(self.dependents or self.staff_fields)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "identifier": self.identifier,
            "title": self.title,
            "has_dependents": self.has_dependents,
            "dependents": dict(self.dependents),
            "staff_fields": list(self.staff_fields),
            "action": self.action,
            "applied": self.applied,
        }


@dataclass(frozen=True)
class Conflict:
    """A field (or a whole item: ``field`` empty) where what staff recorded and what the document
    says differ. The staff value is kept unless the import was asked to ``overwrite``.

    ``document_changed`` is false when the document says what it said at the last import (staff
    changed the value since), true when the document itself changed it (or nobody knows)."""

    kind: str
    identifier: str
    title: str
    label: str
    shown: str
    field: str
    field_label: str
    staff_value: str
    document_value: str
    document_changed: bool
    overwritten: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "identifier": self.identifier,
            "title": self.title,
            "field": self.field,
            "staff_value": self.staff_value,
            "document_value": self.document_value,
            "document_changed": self.document_changed,
            "kept": "document" if self.overwritten else "staff",
        }


@dataclass
class ImportReport:
    plan: ParsedPlan
    findings: list[Finding]
    milestone: Milestone | None = None
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    archived: Counter[str] = field(default_factory=Counter)
    removals: list[Removal] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    dry_run: bool = False

    @property
    def pending(self) -> list[Removal]:
        """Removals the import did not make: the items stay until the person confirms."""
        return [r for r in self.removals if not r.applied]

    def totals(self) -> dict[str, int]:
        return {
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "deleted": sum(self.deleted.values()),
            "archived": sum(self.archived.values()),
        }

    def counts_json(self) -> dict[str, Any]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "deleted": dict(self.deleted),
            "archived": dict(self.archived),
            "totals": self.totals(),
            "pending_removals": len(self.pending),
            "conflicts": len(self.conflicts),
        }
