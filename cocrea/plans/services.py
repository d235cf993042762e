"""Writes to the plans domain. Views, admin actions and commands call these, never ``save()``."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from cocrea.audit.context import operation
from cocrea.budget.models import BudgetLine
from cocrea.computations.indicator_methods import classify_indicator
from cocrea.computations.months import MonthRange
from cocrea.computations.orgnames import Directory, OrgRef, extract_organizations, split_responsible
from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import ParsedPlan, parse_plan
from cocrea.computations.text import fold
from cocrea.participation.models import Meeting
from cocrea.plans.directory import load_directory
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    CommitmentEntity,
    Indicator,
    Milestone,
    Objective,
    Organization,
    PlanDocument,
    Strategy,
)

# The unit a recognised indicator is measured in (counts need none: the definition says what).
INDICATOR_UNITS = {"earned_value": "%"}


@dataclass
class ImportReport:
    plan: ParsedPlan
    findings: list[Finding]
    milestone: Milestone | None = None
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)


def check_plan_file(data: bytes) -> tuple[ParsedPlan, list[Finding]]:
    """Read and check a plan without writing anything (raises ``PlanParseError``)."""
    plan = parse_plan(data)
    return plan, check_plan(plan)


@transaction.atomic
def import_plan(data: bytes, *, filename: str, publish: bool = False) -> ImportReport:
    """Create or update the action plan, commitment and milestone work plan that ``data`` holds.

    All or nothing: the file is parsed before anything is written, and the writes run in one
    transaction. Importing the same file again updates in place; objects the file no longer
    lists are removed from the milestone. New action plans, commitments and milestones are
    unpublished unless ``publish`` is true; existing ones keep their state unless ``publish``.
    """
    plan, findings = check_plan_file(data)
    report = ImportReport(plan=plan, findings=findings)
    with operation("import"):
        importer = _Importer(plan, report, load_directory(), publish)
        report.milestone = importer.run()
        PlanDocument.objects.update_or_create(
            milestone=report.milestone,
            defaults={
                "filename": filename[:300],
                "sha256": hashlib.sha256(data).hexdigest(),
                "content": plan_text(data),
                "imported_at": timezone.now(),
            },
        )
    return report


def plan_text(data: bytes) -> str:
    from cocrea.computations.planparse import decode

    return decode(data)


def _first_day(months: MonthRange | None, end: bool = False) -> Any:
    if months is None:
        return None
    return (months.end if end else months.start).first_day()


class _Importer:
    def __init__(
        self, plan: ParsedPlan, report: ImportReport, directory: Directory, publish: bool = False
    ) -> None:
        self.plan = plan
        self.publish = publish
        self.report = report
        self.directory = directory
        for entity in plan.responsible_entities:
            directory.add(OrgRef(entity.name, entity.acronym))
        self._orgs: dict[str, Organization] = {}

    # -- helpers -------------------------------------------------------------------------

    def _save(
        self,
        model: type[models.Model],
        lookup: dict[str, Any],
        values: dict[str, Any],
        create_only: dict[str, Any] | None = None,
    ) -> Any:
        """Create, or update the fields that changed; ``create_only`` values are never overwritten."""
        label = model._meta.model_name or model.__name__
        obj = model._default_manager.filter(**lookup).first()
        if model in (ActionPlan, Commitment, Milestone) and (obj is None or self.publish):
            values = {
                **values,
                "is_published": self.publish or bool(obj and getattr(obj, "is_published", False)),
            }
        if obj is None:
            if any(f.name == "origin" for f in model._meta.concrete_fields):
                values = {**values, "origin": "document"}
            obj = model._default_manager.create(**lookup, **values, **(create_only or {}))
            self.report.created[label] += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            if hasattr(obj, "edit_version"):
                obj.edit_version += 1
            obj.save()
            self.report.updated[label] += 1
        return obj

    def _prune(self, queryset: models.QuerySet[Any], keep: list[int]) -> None:
        stale = queryset.exclude(pk__in=keep)
        count = stale.count()
        if count:
            self.report.deleted[queryset.model._meta.model_name or ""] += count
            stale.delete()

    def organization(self, ref: OrgRef) -> Organization:
        known = self.directory.lookup(ref.acronym) if ref.acronym else None
        known = known or self.directory.lookup(ref.name) or ref
        key = known.key
        if key in self._orgs:
            return self._orgs[key]
        org = None
        if known.acronym:
            org = Organization.objects.filter(acronym__iexact=known.acronym).first()
        if org is None:
            folded = fold(known.name)
            org = next((o for o in Organization.objects.filter(name__iexact=known.name)), None) or next(
                (o for o in Organization.objects.filter(acronym="") if fold(o.name) == folded), None
            )
        if org is None:
            org = Organization.objects.create(
                name=known.name,
                acronym=known.acronym,
                kind=known.kind or Organization.Kind.OTHER,
                country=known.country,
            )
            self.report.created["organization"] += 1
        else:
            updates = {}
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
                self.report.updated["organization"] += 1
        self._orgs[key] = org
        return org

    # -- the import ----------------------------------------------------------------------

    def run(self) -> Milestone:
        plan = self.plan
        years = plan.action_plan_years
        action_plan = self._save(
            ActionPlan,
            {"slug": slugify(plan.action_plan_name)[:120] or "plan"},
            {
                "name": plan.action_plan_name,
                "start_year": years[0] if years else None,
                "end_year": years[1] if years else None,
            },
        )
        coordinator = None
        if plan.coordinator:
            refs = extract_organizations(plan.coordinator, self.directory)
            coordinator = self.organization(refs[0] if refs else OrgRef(plan.coordinator))
        commitment = self._save(
            Commitment,
            {"action_plan": action_plan, "number": plan.commitment_number},
            {
                "title": plan.commitment_title or f"Compromiso {plan.commitment_number}",
                "objective": plan.commitment_objective,
                "coordinator": coordinator,
                "responsible_text": plan.responsible_text,
                "other_actors": plan.other_actors,
                "period_start": _first_day(plan.period),
                "period_end": _first_day(plan.period, end=True),
            },
        )
        self._entities(commitment)
        span = plan.milestone_span
        grid = MonthRange(plan.schedule_grid[0], plan.schedule_grid[-1]) if plan.schedule_grid else None
        milestone: Milestone = self._save(
            Milestone,
            {"commitment": commitment, "number": plan.milestone_number},
            {
                "title": plan.milestone_title or plan.subtitle or plan.title,
                "work_plan_title": plan.title[:300],
                "start_month": _first_day(span),
                "end_month": _first_day(span, end=True),
                "schedule_start": _first_day(grid or plan.period),
                "schedule_end": _first_day(grid or plan.period, end=True),
                "stated_budget_total": plan.budget_total,
            },
        )
        self._objectives(milestone)
        self._activities(milestone)
        self._strategies(milestone)
        self._budget(milestone)
        self._meetings(milestone)
        return milestone

    def _entities(self, commitment: Commitment) -> None:
        keep = []
        for position, entity in enumerate(self.plan.responsible_entities):
            org = self.organization(OrgRef(entity.name, entity.acronym))
            keep.append(
                self._save(
                    CommitmentEntity,
                    {"commitment": commitment, "organization": org, "role": "responsible"},
                    {"milestone_numbers": entity.milestones, "position": position},
                ).pk
            )
        for position, ref in enumerate(extract_organizations(self.plan.other_actors, self.directory)):
            org = self.organization(ref)
            keep.append(
                self._save(
                    CommitmentEntity,
                    {"commitment": commitment, "organization": org, "role": "other_actor"},
                    {"milestone_numbers": [], "position": position},
                ).pk
            )
        self._prune(commitment.entities.all(), keep)

    def _objectives(self, milestone: Milestone) -> None:
        keep = []
        for kind, items in (
            (Objective.Kind.GENERAL, self.plan.general_objectives),
            (Objective.Kind.SPECIFIC, self.plan.specific_objectives),
        ):
            for position, item in enumerate(items):
                keep.append(
                    self._save(
                        Objective,
                        {"milestone": milestone, "kind": kind, "key": item.key},
                        {"text": item.text, "position": position, "source_line": item.line},
                    ).pk
                )
        self._prune(milestone.objectives.all(), keep)
        keep = []
        for position, item in enumerate(self.plan.indicators):
            keep.append(
                self._save(
                    Indicator,
                    {"milestone": milestone, "key": item.key},
                    {"definition": item.text, "position": position, "source_line": item.line},
                    create_only={
                        "method": classify_indicator(item.text),
                        "unit": INDICATOR_UNITS.get(classify_indicator(item.text), ""),
                    },
                ).pk
            )
        self._prune(milestone.indicators.all(), keep)

    def _activities(self, milestone: Milestone) -> None:
        keep = []
        for activity in self.plan.activities:
            obj = self._save(
                Activity,
                {"milestone": milestone, "position": activity.position},
                {
                    "number": activity.number,
                    "letter": activity.letter or "",
                    "title": activity.title,
                    "responsible_text": activity.responsible[:300],
                    "date_text": activity.date_text[:120],
                    "planned_start": _first_day(activity.dates),
                    "planned_end": _first_day(activity.dates, end=True),
                    "source_line": activity.line or None,
                },
            )
            orgs = [self.organization(r) for r in split_responsible(activity.responsible, self.directory)]
            current = set(obj.responsible.values_list("pk", flat=True))
            if current != {o.pk for o in orgs}:
                obj.responsible.set(orgs)
            keep.append(obj.pk)
        self._prune(milestone.activities.all(), keep)

    def _strategies(self, milestone: Milestone) -> None:
        keep = []
        for position, item in enumerate(self.plan.strategies):
            obj = self._save(
                Strategy,
                {"milestone": milestone, "key": item.key},
                {"text": item.text, "position": position, "source_line": item.line},
            )
            orgs = [self.organization(r) for r in extract_organizations(item.text, self.directory)]
            if set(obj.partners.values_list("pk", flat=True)) != {o.pk for o in orgs}:
                obj.partners.set(orgs)
            keep.append(obj.pk)
        self._prune(milestone.strategies.all(), keep)

    def _budget(self, milestone: Milestone) -> None:
        keep = []
        for position, line in enumerate(self.plan.budget_lines):
            terms = line.terms
            keep.append(
                self._save(
                    BudgetLine,
                    {"milestone": milestone, "number": line.number or position + 1},
                    {
                        "description": line.description,
                        "quantity": terms.quantity,
                        "quantity_noun": terms.quantity_noun[:60],
                        "unit_cost": terms.unit_cost,
                        "periods": terms.periods,
                        "period_unit": terms.period_unit[:30],
                        "period_kind": terms.period_kind,
                        "stated_cost": line.cost,
                        "position": position,
                        "source_line": line.line,
                    },
                ).pk
            )
        self._prune(milestone.budget_lines.all(), keep)

    def _meetings(self, milestone: Milestone) -> None:
        keep = []
        for event in self.plan.events:
            keep.append(
                self._save(
                    Meeting,
                    {"milestone": milestone, "position": event.position},
                    {
                        "kind": event.kind,
                        "number": event.number,
                        "title": event.title[:300],
                        "date_text": event.date_text[:120],
                        "planned_month": _first_day(event.dates),
                        "planned_end_month": _first_day(event.dates, end=True),
                        "source_line": event.line,
                    },
                ).pk
            )
        self._prune(milestone.meetings.all(), keep)
