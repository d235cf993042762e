"""What a work plan document says, item by item, in the shape of the rows it becomes.

Each kind of item (:class:`Spec`) names its model, its parent, the fields the document decides
and how an item is identified from one import to the next: an activity by its number (or its
letter), a meeting by its kind and number ("working-03"; the initial and the final meeting by
kind), a budget line by its number, an objective, indicator or strategy by its letter, an
organisation's role by the organisation. Identifiers do not depend on the order of the items, so
that removing activity 05 from the text does not turn activity 06 into activity 05.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import slugify

from cocrea.budget.models import BudgetLine
from cocrea.computations.indicator_methods import classify_indicator
from cocrea.computations.months import MonthRange
from cocrea.computations.orgnames import Directory, OrgRef, extract_organizations, split_responsible
from cocrea.computations.planparse import ParsedPlan
from cocrea.participation.models import Meeting
from cocrea.plans.models import (
    Activity,
    CommitmentEntity,
    Indicator,
    Objective,
    Organization,
    Strategy,
)

# The unit a recognised indicator is measured in (counts need none: the definition says what).
INDICATOR_UNITS = {"earned_value": "%"}

Getter = Callable[[str], Any]
Resolver = Callable[[OrgRef], Organization | None]


@dataclass
class Wanted:
    """One item as the document states it."""

    key: str
    title: str
    values: dict[str, Any]
    create_only: dict[str, Any] = field(default_factory=dict)
    relations: dict[str, list[OrgRef]] = field(default_factory=dict)
    identifier: str = ""
    shown: str | None = None  # how people name it beside its kind, when not derived from the key

    def get(self, name: str) -> Any:
        if name.endswith("_id") and name[:-3] in self.values:
            related = self.values[name[:-3]]
            return related.pk if related is not None else None
        return self.values[name]


def first_day(months: MonthRange | None, end: bool = False) -> Any:
    if months is None:
        return None
    return (months.end if end else months.start).first_day()


# --- identities ----------------------------------------------------------------------------------


def _objective_identity(get: Getter) -> str:
    return f"{get('kind')}-{get('key')}"


def _letter_identity(get: Getter) -> str:
    return str(get("key"))


def _activity_identity(get: Getter) -> str:
    number = get("number")
    if number is not None:
        return f"{number:02d}"
    return str(get("letter") or f"#{get('position')}")


def _budget_identity(get: Getter) -> str:
    return f"{get('number'):02d}"


def _meeting_identity(get: Getter) -> str:
    kind = get("kind")
    if kind in (Meeting.Kind.INITIAL, Meeting.Kind.FINAL):
        return str(kind)
    number = get("number")
    if number is not None:
        return f"{kind}-{number:02d}"
    return f"{kind}-{slugify(get('title'))[:60] or get('position')}"


def _entity_identity(get: Getter) -> str:
    return f"{get('role')}-{get('organization_id')}"


@dataclass(frozen=True)
class Spec:
    """A kind of item the document lists, and how its rows are told apart."""

    model: type[models.Model]
    parent: str  # the foreign key to the milestone (or the commitment)
    fields: tuple[str, ...]  # what the document decides
    identity: Callable[[Getter], str]
    relations: tuple[str, ...] = ()  # organisations named in a text field (many-to-many)
    create_only: tuple[str, ...] = ()  # set when the row is created, then staff's
    unique_identity: bool = False  # a database constraint: the document's repeats are merged
    unique_position: bool = False  # (parent, position) is unique

    @property
    def kind(self) -> str:
        return self.model._meta.model_name or self.model.__name__.lower()

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    def row_key(self, row: models.Model) -> str:
        return self.identity(lambda name: getattr(row, name))

    def archivable(self) -> bool:
        return any(f.name == "archived_at" for f in self.model._meta.concrete_fields)


OBJECTIVES = Spec(
    Objective, "milestone", ("kind", "key", "text", "position", "source_line"), _objective_identity,
    unique_identity=True,
)  # fmt: skip
INDICATORS = Spec(
    Indicator, "milestone", ("key", "definition", "position", "source_line"), _letter_identity,
    create_only=("method", "unit"), unique_identity=True,
)  # fmt: skip
ACTIVITIES = Spec(
    Activity,
    "milestone",
    (
        "position", "number", "letter", "title", "responsible_text", "date_text", "planned_start",
        "planned_end", "source_line",
    ),
    _activity_identity,
    relations=("responsible",),
    unique_position=True,
)  # fmt: skip
STRATEGIES = Spec(
    Strategy, "milestone", ("key", "text", "position", "source_line"), _letter_identity,
    relations=("partners",), unique_identity=True,
)  # fmt: skip
BUDGET_LINES = Spec(
    BudgetLine,
    "milestone",
    (
        "number", "description", "quantity", "quantity_noun", "unit_cost", "periods", "period_unit",
        "period_kind", "stated_cost", "position", "source_line",
    ),
    _budget_identity,
    unique_identity=True,
)  # fmt: skip
MEETINGS = Spec(
    Meeting,
    "milestone",
    ("position", "kind", "number", "title", "date_text", "planned_month", "planned_end_month", "source_line"),
    _meeting_identity,
    unique_position=True,
)
ENTITIES = Spec(
    CommitmentEntity, "commitment", ("organization", "role", "milestone_numbers", "position"),
    _entity_identity, unique_identity=True,
)  # fmt: skip

MILESTONE_SPECS = (OBJECTIVES, INDICATORS, ACTIVITIES, STRATEGIES, BUDGET_LINES, MEETINGS)


# --- the items -----------------------------------------------------------------------------------


def _keyed(spec: Spec, items: list[Wanted]) -> list[Wanted]:
    """Give each item its identity; a repeated one is told apart by its rank ("05~2"), or, where
    the database allows only one, merged into the first (as it always was)."""
    seen: Counter[str] = Counter()
    kept = []
    for item in items:
        base = spec.identity(item.get)
        seen[base] += 1
        if seen[base] > 1:
            if spec.unique_identity:
                continue
            base = f"{base}~{seen[base]}"
        item.key = base
        item.identifier = item.identifier or base
        kept.append(item)
    return kept


def rank_rows(spec: Spec, rows: list[Any]) -> dict[str, Any]:
    """Rows by identity, repeated identities told apart by rank as :func:`_keyed` does."""
    seen: Counter[str] = Counter()
    found = {}
    for row in rows:
        base = spec.row_key(row)
        seen[base] += 1
        found[base if seen[base] == 1 else f"{base}~{seen[base]}"] = row
    return found


def milestone_items(plan: ParsedPlan, directory: Directory) -> dict[Spec, list[Wanted]]:
    """Every item of the milestone's work plan, by kind."""
    objectives = [
        Wanted(
            "",
            item.text,
            {
                "kind": kind,
                "key": item.key,
                "text": item.text,
                "position": position,
                "source_line": item.line,
            },
        )
        for kind, items in (
            (Objective.Kind.GENERAL, plan.general_objectives),
            (Objective.Kind.SPECIFIC, plan.specific_objectives),
        )
        for position, item in enumerate(items)
    ]
    indicators = [
        Wanted(
            "",
            item.text,
            {"key": item.key, "definition": item.text, "position": position, "source_line": item.line},
            create_only={
                "method": classify_indicator(item.text),
                "unit": INDICATOR_UNITS.get(classify_indicator(item.text), ""),
            },
        )
        for position, item in enumerate(plan.indicators)
    ]
    activities = [
        Wanted(
            "",
            activity.title,
            {
                "position": activity.position,
                "number": activity.number,
                "letter": activity.letter or "",
                "title": activity.title,
                "responsible_text": activity.responsible[:300],
                "date_text": activity.date_text[:120],
                "planned_start": first_day(activity.dates),
                "planned_end": first_day(activity.dates, end=True),
                "source_line": activity.line or None,
            },
            relations={"responsible": split_responsible(activity.responsible, directory)},
        )
        for activity in plan.activities
    ]
    strategies = [
        Wanted(
            "",
            item.text,
            {"key": item.key, "text": item.text, "position": position, "source_line": item.line},
            relations={"partners": extract_organizations(item.text, directory)},
        )
        for position, item in enumerate(plan.strategies)
    ]
    lines = [
        Wanted(
            "",
            line.description,
            {
                "number": line.number or position + 1,
                "description": line.description,
                "quantity": line.terms.quantity,
                "quantity_noun": line.terms.quantity_noun[:60],
                "unit_cost": line.terms.unit_cost,
                "periods": line.terms.periods,
                "period_unit": line.terms.period_unit[:30],
                "period_kind": line.terms.period_kind,
                "stated_cost": line.cost,
                "position": position,
                "source_line": line.line,
            },
        )
        for position, line in enumerate(plan.budget_lines)
    ]
    meetings = [
        Wanted(
            "",
            event.title[:300],
            {
                "position": event.position,
                "kind": event.kind,
                "number": event.number,
                "title": event.title[:300],
                "date_text": event.date_text[:120],
                "planned_month": first_day(event.dates),
                "planned_end_month": first_day(event.dates, end=True),
                "source_line": event.line,
            },
        )
        for event in plan.events
    ]
    return {
        spec: _keyed(spec, items)
        for spec, items in (
            (OBJECTIVES, objectives),
            (INDICATORS, indicators),
            (ACTIVITIES, activities),
            (STRATEGIES, strategies),
            (BUDGET_LINES, lines),
            (MEETINGS, meetings),
        )
    }


def entity_items(plan: ParsedPlan, directory: Directory, resolve: Resolver) -> list[Wanted]:
    """The commitment's responsible entities and other actors; ``resolve`` finds (or creates)
    each organisation, and an item whose organisation it cannot find is left out."""
    items = []
    refs: list[tuple[str, OrgRef, list[int], int]] = [
        (CommitmentEntity.Role.RESPONSIBLE, OrgRef(e.name, e.acronym), list(e.milestones), position)
        for position, e in enumerate(plan.responsible_entities)
    ]
    refs += [
        (CommitmentEntity.Role.OTHER_ACTOR, ref, [], position)
        for position, ref in enumerate(extract_organizations(plan.other_actors, directory))
    ]
    for role, ref, milestones, position in refs:
        org = resolve(ref)
        if org is None:
            continue
        items.append(
            Wanted(
                "",
                org.name,
                {"organization": org, "role": role, "milestone_numbers": milestones, "position": position},
                identifier=f"{role}: {org.short_name}",
            )
        )
    return _keyed(ENTITIES, items)


def action_plan_values(plan: ParsedPlan) -> dict[str, Any]:
    years = plan.action_plan_years
    return {
        "name": plan.action_plan_name,
        "start_year": years[0] if years else None,
        "end_year": years[1] if years else None,
    }


def commitment_values(plan: ParsedPlan, coordinator: Organization | None) -> dict[str, Any]:
    return {
        "title": plan.commitment_title or f"Compromiso {plan.commitment_number}",
        "objective": plan.commitment_objective,
        "coordinator": coordinator,
        "responsible_text": plan.responsible_text,
        "other_actors": plan.other_actors,
        "period_start": first_day(plan.period),
        "period_end": first_day(plan.period, end=True),
    }


def milestone_values(plan: ParsedPlan) -> dict[str, Any]:
    span = plan.milestone_span
    grid = MonthRange(plan.schedule_grid[0], plan.schedule_grid[-1]) if plan.schedule_grid else None
    return {
        "title": plan.milestone_title or plan.subtitle or plan.title,
        "work_plan_title": plan.title[:300],
        "start_month": first_day(span),
        "end_month": first_day(span, end=True),
        "schedule_start": first_day(grid or plan.period),
        "schedule_end": first_day(grid or plan.period, end=True),
        "stated_budget_total": plan.budget_total,
    }
