"""Writing a parsed work plan into the database without losing what people added since.

The rules (the README's "Re-importing a plan" says them for people):

1. Only rows that came from the document (``origin = document``) are updated or removed. Rows
   staff added are never removed; if the document later lists an item with the same identity
   (a meeting "working-16" that staff had already added), the staff row stands for it and keeps
   its values: each difference is reported as a conflict.
2. Each field is merged three ways, with what the document said at the last import (the stored
   :class:`~cocrea.plans.models.PlanDocument`) as the base: a field staff did not touch takes the
   document's new value (an update); a field staff changed keeps the staff value and is reported
   as a conflict, unless ``overwrite``. An item staff deleted that the document still lists is not
   created again (a conflict too), unless ``overwrite``.
3. An item that came from the document and is missing from the new one is listed
   (:class:`~cocrea.plans.importer.report.Removal`) and stays, unless the person confirmed its
   removal (``allow_removals``: all, or the tokens of those confirmed). Even then, an item with
   something hanging from it (registrations, progress reports, expenditures, agenda, documents,
   a baseline…) or with data staff entered is archived, never deleted.
4. Nothing is written when nothing changed: the same file again gives no creation, no update and
   no removal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocrea.audit.context import current_actor
from cocrea.audit.models import AuditEntry
from cocrea.computations.orgnames import Directory, OrgRef, extract_organizations
from cocrea.computations.planparse import ParsedPlan
from cocrea.computations.text import fold
from cocrea.core.provenance import Origin
from cocrea.participation.models import Meeting
from cocrea.plans.importer import document
from cocrea.plans.importer.document import ENTITIES, MILESTONE_SPECS, Spec, Wanted
from cocrea.plans.importer.report import ARCHIVED, REMOVED, Conflict, ImportReport, Removal
from cocrea.plans.models import (
    ActionPlan,
    Baseline,
    Commitment,
    CommitmentEntity,
    Milestone,
    Objective,
    Organization,
)

_MISSING: Any = object()
# Fields that say nothing about what staff recorded on a row.
_BOOKKEEPING = frozenset(
    {"id", "origin", "archived_at", "archived_by", "edit_version", "created_at", "updated_at", "sort_key"}
)
# Where an item sits in the document: the import itself moves these.
_PLACEMENT = frozenset({"position", "source_line"})
# Positions a row takes for a moment while the rows of a milestone change places.
_PARKING = 32767


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == set()


def _title(row: Any) -> str:
    """An item's words, as the document wrote them (cut at 160 characters)."""
    if isinstance(row, CommitmentEntity):
        return str(row.organization.name)
    text = next(
        (getattr(row, name) for name in ("title", "description", "definition", "text") if hasattr(row, name)),
        str(row),
    )
    return text if len(text) <= 160 else text[:159].rstrip() + "…"


def _shown(model: type[models.Model], key: str) -> str:
    """How people name an item beside its kind: activity "05", indicator "B", objective "A";
    a meeting or an organisation's role by its title alone."""
    if model in (Meeting, CommitmentEntity):
        return ""
    key = key.split("~")[0]
    return key.rsplit("-", 1)[-1] if model is Objective else key


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def shown(value: Any) -> str:
    """A value as a person reads it in a conflict."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(shown(v) for v in value) or "—"
    return str(value)


@dataclass
class _Plan:
    """What the import does to one row (or, with ``row`` empty, the row it creates)."""

    item: Wanted | None
    row: Any = None
    changes: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, list[Organization]] = field(default_factory=dict)
    document_position: bool = True  # the position is the document's (it has priority)


class Registry:
    """The organisations an import names, found in the database by the directory's reference
    (acronym first, then name) or created; an organisation found is completed where the reference
    knows more (its acronym, kind, full name). Counts what it creates and updates."""

    def __init__(self, directory: Directory, created: Any, updated: Any) -> None:
        self.directory = directory
        self.created = created
        self.updated = updated
        self._found: dict[str, Organization] = {}

    def find(self, ref: OrgRef, *, create: bool) -> Organization | None:
        known = self.directory.lookup(ref.acronym) if ref.acronym else None
        known = known or self.directory.lookup(ref.name) or ref
        key = known.key
        if key in self._found:
            return self._found[key]
        org = None
        if known.acronym:
            org = Organization.objects.filter(acronym__iexact=known.acronym).first()
        if org is None:
            folded = fold(known.name)
            org = next(iter(Organization.objects.filter(name__iexact=known.name)), None) or next(
                (o for o in Organization.objects.filter(acronym="") if fold(o.name) == folded), None
            )
        if org is None and not create:
            return None
        if org is None:
            org = Organization.objects.create(
                name=known.name,
                acronym=known.acronym,
                kind=known.kind or Organization.Kind.OTHER,
                country=known.country,
            )
            self.created["organization"] += 1
        elif create:
            updates: dict[str, str] = {}
            if not org.acronym and known.acronym:
                updates["acronym"] = known.acronym
            if org.kind == Organization.Kind.OTHER and known.kind:
                updates["kind"] = known.kind
            if org.name == org.acronym and known.name != known.acronym:
                updates["name"] = known.name
            if updates:
                for name, value in updates.items():
                    setattr(org, name, value)
                org.save()
                self.updated["organization"] += 1
        if create:
            self._found[key] = org
        return org


class Importer:
    def __init__(
        self,
        plan: ParsedPlan,
        report: ImportReport,
        directory: Directory,
        *,
        old: ParsedPlan | None = None,
        publish: bool = False,
        overwrite: bool = False,
        allow_removals: bool | Collection[str] = False,
    ) -> None:
        self.plan = plan
        self.old = old
        self.report = report
        self.directory = directory
        self.publish = publish
        self.overwrite = overwrite
        self.allow_removals = allow_removals
        for parsed in (plan, old):
            for entity in parsed.responsible_entities if parsed else ():
                directory.add(OrgRef(entity.name, entity.acronym))
        self._registry = Registry(directory, report.created, report.updated)
        self._user = current_actor().user

    # -- organisations ------------------------------------------------------------------------

    def organization(self, ref: OrgRef) -> Organization:
        """The organisation ``ref`` names, created when it is new."""
        found = self._organization(ref, create=True)
        assert found is not None
        return found

    def known_organization(self, ref: OrgRef) -> Organization | None:
        """The organisation ``ref`` names, if there is one (nothing is written)."""
        return self._organization(ref, create=False)

    def _organization(self, ref: OrgRef, create: bool) -> Organization | None:
        return self._registry.find(ref, create=create)

    def _orgs_of(self, refs: Iterable[OrgRef], create: bool) -> list[Organization] | None:
        found = []
        for ref in refs:
            org = self.organization(ref) if create else self.known_organization(ref)
            if org is None:
                return None
            if org not in found:
                found.append(org)
        return found

    # -- the import ---------------------------------------------------------------------------

    def run(self) -> Milestone:
        plan, old = self.plan, self.old
        action_plan = self._top(
            ActionPlan,
            {"slug": slugify(plan.action_plan_name)[:120] or "plan"},
            document.action_plan_values(plan),
            document.action_plan_values(old) if old else None,
        )
        coordinator = self._coordinator(plan, create=True)
        old_coordinator = self._coordinator(old, create=False) if old else _MISSING
        base_commitment = None
        if old is not None:
            base_commitment = document.commitment_values(old, old_coordinator)
            if old_coordinator is _MISSING:
                del base_commitment["coordinator"]
        commitment = self._top(
            Commitment,
            {"action_plan": action_plan, "number": plan.commitment_number},
            document.commitment_values(plan, coordinator),
            base_commitment,
        )
        base_entities = (
            {w.key: w for w in document.entity_items(old, self.directory, self.known_organization)}
            if old
            else None
        )
        self._sync(
            ENTITIES,
            commitment,
            document.entity_items(plan, self.directory, self.organization),
            base_entities,
        )
        milestone: Milestone = self._top(
            Milestone,
            {"commitment": commitment, "number": plan.milestone_number},
            document.milestone_values(plan),
            document.milestone_values(old) if old else None,
        )
        wanted = document.milestone_items(plan, self.directory)
        base = document.milestone_items(old, self.directory) if old else None
        for spec in MILESTONE_SPECS:
            self._sync(
                spec, milestone, wanted[spec], {w.key: w for w in base[spec]} if base is not None else None
            )
        return milestone

    def _coordinator(self, plan: ParsedPlan | None, create: bool) -> Any:
        if plan is None or not plan.coordinator:
            return None
        refs = extract_organizations(plan.coordinator, self.directory)
        ref = refs[0] if refs else OrgRef(plan.coordinator)
        if create:
            return self.organization(ref)
        return self.known_organization(ref) or _MISSING

    def _top(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        base: dict[str, Any] | None,
    ) -> Any:
        """The action plan, commitment or milestone: created, or its fields merged."""
        label = model._meta.model_name or model.__name__
        obj: Any = model._default_manager.filter(**lookup).first()
        extra = {}
        if obj is None or self.publish:
            extra["is_published"] = self.publish or bool(obj and obj.is_published)
        if obj is None:
            obj = model._default_manager.create(**lookup, **values, **extra)
            self.report.created[label] += 1
            return obj
        item = Wanted(str(obj), str(obj), values, identifier=str(getattr(obj, "number", "") or obj))
        item.shown = str(getattr(obj, "number", ""))
        changes = self._merge(model, obj, item, base, from_document=True)
        changes.update({k: v for k, v in extra.items() if getattr(obj, k) != v})
        if changes:
            self._write(obj, changes)
            self.report.updated[label] += 1
        return obj

    # -- merging ------------------------------------------------------------------------------

    def _merge(
        self,
        model: type[models.Model],
        row: Any,
        item: Wanted,
        base: dict[str, Any] | None,
        *,
        from_document: bool,
    ) -> dict[str, Any]:
        """The fields to write on ``row``; the differences staff keep become conflicts."""
        changes = {}
        touched: set[str] | None = None
        for name, new in item.values.items():
            model_field = model._meta.get_field(name)
            current = getattr(row, getattr(model_field, "attname", name))
            target = _comparable(new)
            if current == target:
                continue
            known = base is not None and name in base
            previous = _comparable(base[name]) if base is not None and known else _MISSING
            document_wins = from_document
            if not known and from_document and name not in _PLACEMENT:
                # No record of what the document said: the trail says whether staff changed it.
                touched = staff_edited(row) if touched is None else touched
                document_wins = name not in touched
            if (known and current == previous) or (not known and (document_wins or _empty(current))):
                changes[name] = new
                continue
            if name == "position":  # an order staff chose is kept; it says nothing to report
                if self.overwrite:
                    changes[name] = new
                continue
            shown_current = getattr(row, name) if model_field.is_relation else current
            self._conflict(model, item, name, shown_current, new, not known or previous != target)
            if self.overwrite:
                changes[name] = new
        return changes

    def _merge_relations(
        self, spec: Spec, row: Any, item: Wanted, base: Wanted | None, from_document: bool
    ) -> dict[str, list[Organization]]:
        changes = {}
        for name in spec.relations:
            new = self._orgs_of(item.relations.get(name, ()), create=True) or []
            target = {o.pk for o in new}
            current = {o.pk for o in getattr(row, name).all()} if row is not None else set()
            if row is None:
                if new:
                    changes[name] = new
                continue
            if current == target:
                continue
            previous = self._orgs_of(base.relations.get(name, ()), create=False) if base else None
            known = previous is not None
            if (known and current == {o.pk for o in previous or ()}) or (
                not known and (from_document or not current)
            ):
                changes[name] = new
                continue
            staff_names = sorted(str(o) for o in getattr(row, name).all())
            self._conflict(
                spec.model,
                item,
                name,
                staff_names,
                sorted(str(o) for o in new),
                not known or {o.pk for o in previous or ()} != target,
            )
            if self.overwrite:
                changes[name] = new
        return changes

    def _conflict(
        self,
        model: type[models.Model],
        item: Wanted,
        name: str,
        staff_value: Any,
        document_value: Any,
        document_changed: bool,
    ) -> None:
        label = _label(model, name) if name else ""
        self.report.conflicts.append(
            Conflict(
                kind=model._meta.model_name or "",
                identifier=item.identifier or item.key,
                shown=item.shown if item.shown is not None else _shown(model, item.key),
                title=item.title[:200],
                label=str(model._meta.verbose_name),
                field=name,
                field_label=label,
                staff_value=shown(staff_value),
                document_value=shown(document_value),
                document_changed=document_changed,
                overwritten=self.overwrite,
            )
        )

    # -- one kind of item ---------------------------------------------------------------------

    def _sync(
        self, spec: Spec, parent: models.Model, wanted: list[Wanted], base: dict[str, Wanted] | None
    ) -> None:
        model = spec.model
        rows: list[Any] = list(
            model._base_manager.filter(**{spec.parent: parent}).order_by(
                *(["position", "pk"] if "position" in spec.fields else ["pk"])
            )
        )
        if spec.relations:
            models.prefetch_related_objects(rows, *spec.relations)
        from_document = document.rank_rows(spec, [r for r in rows if r.origin == Origin.DOCUMENT])
        from_staff = document.rank_rows(spec, [r for r in rows if r.origin != Origin.DOCUMENT])
        plans: list[_Plan] = []
        for item in wanted:
            row = from_document.pop(item.key, None)
            staff_row = row is None and item.key in from_staff
            if staff_row:
                row = from_staff.pop(item.key)
            if row is None:
                if base is not None and item.key in base and not self.overwrite:
                    # Staff deleted it since the last import: it is not made again.
                    self._conflict(model, item, "", _("(eliminado por el personal)"), item.title, False)
                    continue
                plans.append(_Plan(item, relations=self._merge_relations(spec, None, item, None, True)))
                continue
            base_item = None if staff_row or base is None else base.get(item.key)
            base_values = base_item.values if base_item is not None else None
            changes = self._merge(model, row, item, base_values, from_document=not staff_row)
            if getattr(row, "archived_at", None) is not None:
                changes.update(archived_at=None, archived_by=None)  # the document lists it again
            plan = _Plan(
                item,
                row,
                changes,
                self._merge_relations(spec, row, item, base_item, not staff_row),
                document_position="position" in changes or row.position == item.values.get("position"),
            )
            if not plan.document_position:
                plan.changes.pop("position", None)
            plans.append(plan)
        if spec.unique_position:
            plans += self._place(rows, plans)
        self._apply(spec, parent, plans)
        for key, row in from_document.items():
            if getattr(row, "archived_at", None) is None:
                self._removal(spec, row, key, base.get(key) if base else None)

    def _place(self, rows: list[Any], plans: list[_Plan]) -> list[_Plan]:
        """Final positions where (parent, position) is unique: the document's items take theirs;
        any other row in the way (a staff row, an archived one, one waiting for removal) moves
        after the last. Returns the plans for the rows that only move."""
        claimed: set[int] = set()
        for plan in plans:
            if plan.row is None and plan.item is not None:
                claimed.add(plan.item.values["position"])
            elif plan.document_position:
                claimed.add(plan.changes.get("position", plan.row.position))
        planned = {id(p.row): p for p in plans if p.row is not None}
        staying = [
            (row, planned.get(id(row)))
            for row in rows
            if id(row) not in planned or not planned[id(row)].document_position
        ]
        taken = claimed | {row.position for row, _plan in staying}
        next_free = max(taken, default=0) + 1
        moves: list[_Plan] = []
        for row, kept in staying:
            if row.position not in claimed:
                continue
            if kept is None:
                kept = _Plan(None, row)
                moves.append(kept)
            kept.changes["position"] = next_free
            next_free += 1
        return moves

    def _apply(self, spec: Spec, parent: models.Model, plans: list[_Plan]) -> None:
        moving = [p for p in plans if p.row is not None and "position" in p.changes and spec.unique_position]
        for offset, plan in enumerate(moving):
            plan.row.position = _PARKING - offset
            plan.row.save(update_fields=["position"])
        for plan in plans:
            if plan.row is None:
                continue
            if plan.changes:
                self._write(plan.row, plan.changes)
                self.report.updated[spec.kind] += 1
            if plan.relations:
                for name, orgs in plan.relations.items():
                    getattr(plan.row, name).set(orgs)
                if not plan.changes:
                    self.report.updated[spec.kind] += 1
        for plan in plans:
            if plan.row is not None or plan.item is None:
                continue
            item = plan.item
            values = {**item.values, **item.create_only, spec.parent: parent, "origin": Origin.DOCUMENT}
            row = spec.model._default_manager.create(**values)
            for name, orgs in plan.relations.items():
                getattr(row, name).set(orgs)
            self.report.created[spec.kind] += 1

    def _write(self, row: Any, changes: dict[str, Any]) -> None:
        for name, value in changes.items():
            setattr(row, name, value)
        if hasattr(row, "edit_version"):
            row.edit_version += 1
        row.save()

    # -- removals -----------------------------------------------------------------------------

    def _removal(self, spec: Spec, row: Any, key: str, base: Wanted | None) -> None:
        held = dependents(row)
        staff = staff_fields(spec, row, base)
        action = ARCHIVED if (held or staff) and spec.archivable() else REMOVED
        allowed = self.allow_removals is True or (
            not isinstance(self.allow_removals, bool) and f"{spec.kind}:{key}" in self.allow_removals
        )
        identifier = key
        if spec is ENTITIES:
            identifier = f"{row.role}: {row.organization.short_name}"
        self.report.removals.append(
            Removal(
                kind=spec.kind,
                key=key,
                identifier=identifier,
                title=_title(row),
                label=spec.label,
                shown=_shown(spec.model, key),
                pk=row.pk,
                dependents=held,
                staff_fields=tuple(staff),
                action=action,
                applied=allowed,
            )
        )
        if not allowed:
            return
        if action == ARCHIVED:
            self._write(row, {"archived_at": timezone.now(), "archived_by": self._user})
            self.report.archived[spec.kind] += 1
        else:
            row.delete()
            self.report.deleted[spec.kind] += 1


def dependents(row: models.Model) -> dict[str, int]:
    """What hangs from ``row``, by kind in the interface language: every row of another table
    that points at it (registrations, attendance, progress reports, expenditures, agenda,
    documents, agreements…), and the approved baselines that include it."""
    found: dict[str, int] = {}
    for relation in row._meta.related_objects:
        related: Any = relation.related_model
        if related._meta.auto_created:
            continue
        count = related._base_manager.filter(**{relation.field.name: row.pk}).count()
        if count:
            found[str(related._meta.verbose_name_plural)] = count
    milestone_id = getattr(row, "milestone_id", None)
    section = {"activity": "activities", "budgetline": "budget_lines"}.get(row._meta.model_name or "")
    if milestone_id is not None and section:
        count = sum(
            1
            for snapshot in Baseline.objects.filter(milestone_id=milestone_id).values_list(
                "snapshot", flat=True
            )
            if any(entry.get("id") == row.pk for entry in snapshot.get(section, []))
        )
        if count:
            found[str(Baseline._meta.verbose_name_plural)] = count
    return found


def staff_fields(spec: Spec, row: models.Model, base: Wanted | None) -> list[str]:
    """The fields of ``row`` that staff filled in (those the document does not decide, away from
    their default) or changed (those it decides, away from what it said at the last import)."""
    decided = set(spec.fields) | set(spec.create_only) | _BOOKKEEPING | {spec.parent}
    found = []
    for model_field in row._meta.concrete_fields:
        if model_field.name in decided or model_field.primary_key:
            continue
        if getattr(row, model_field.attname) != model_field.get_default():
            found.append(str(model_field.verbose_name))
    if base is not None:
        for name, value in base.values.items():
            if name in _PLACEMENT:
                continue
            attname = getattr(row._meta.get_field(name), "attname", name)
            if getattr(row, attname) != _comparable(value):
                found.append(_label(type(row), name))
    for name in sorted(staff_edited(row) & set(spec.fields) - _PLACEMENT):
        if _label(type(row), name) not in found:
            found.append(_label(type(row), name))
    return found


def staff_edited(row: models.Model) -> set[str]:
    """The fields of ``row`` that anything but a plan import has changed, by the audit trail (plan
    imports write as source ``import``: :func:`cocrea.plans.services.import_plan`)."""
    content_type = ContentType.objects.get_for_model(row, for_concrete_model=False)
    names: set[str] = set()
    for changes in (
        AuditEntry.objects.filter(
            content_type=content_type, object_id=str(row.pk), action=AuditEntry.Action.UPDATE
        )
        .exclude(source=AuditEntry.Source.IMPORT)
        .values_list("changes", flat=True)
    ):
        names.update(changes or ())
    return names
