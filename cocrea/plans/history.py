"""A milestone's change history as people read it: which entries belong to it, the filters (kind
of object, dates), whole names for the objects, and each entry's display rows.

The generic part (labels, choice labels, Sí/No, localized dates and numbers, what is internal)
is :mod:`cocrea.audit.presentation`; this module knows the plan's models: which ones make up a
milestone, how each is named, which fields hold money or months.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import CharField, Count, Q, Window
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, In
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.audit import presentation
from cocrea.audit.models import AuditEntry
from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.computations.months import Month
from cocrea.participation.models import AgendaItem, Agreement, Meeting
from cocrea.plans import display
from cocrea.plans.forms import DateInput
from cocrea.plans.models import (
    Activity,
    Indicator,
    IndicatorMeasurement,
    Milestone,
    Objective,
    Organization,
    ProgressEntry,
    Review,
    Strategy,
)

PER_PAGE = 50
MAX_PAGE = 2**31  # past this a page number is only checked against the count (no such offset)
NAME_LIMIT = 240  # a name longer than this is cut at a word boundary, with an ellipsis
FULL_HISTORY = "audit.view_full_history"  # the named rule: staff in the milestone's scope


@dataclass(frozen=True)
class Kind:
    """A model that makes up a milestone: how to reach the milestone from it, and which field of
    its snapshot names its parent (to find the entries of objects deleted since)."""

    model: type[models.Model]
    to_milestone: str
    parent: str | None = None
    parent_model: type[models.Model] | None = None
    parent_to_milestone: str = ""
    also: Kind | None = None  # another way the same model reaches the milestone

    @property
    def key(self) -> str:
        return self.model._meta.model_name or ""

    @property
    def label(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))


KINDS = (
    Kind(Milestone, "pk"),
    Kind(Objective, "milestone", "milestone", Milestone, "pk"),
    Kind(Indicator, "milestone", "milestone", Milestone, "pk"),
    Kind(Activity, "milestone", "milestone", Milestone, "pk"),
    Kind(
        ProgressEntry,
        "activity__milestone",
        "activity",
        Activity,
        "milestone",
        also=Kind(ProgressEntry, "milestone", "milestone", Milestone, "pk"),  # a milestone tracked directly
    ),
    Kind(IndicatorMeasurement, "indicator__milestone", "indicator", Indicator, "milestone"),
    Kind(Strategy, "milestone", "milestone", Milestone, "pk"),
    Kind(BudgetLine, "milestone", "milestone", Milestone, "pk"),
    Kind(Expenditure, "budget_line__milestone", "budget_line", BudgetLine, "milestone"),
    Kind(Meeting, "milestone", "milestone", Milestone, "pk"),
    Kind(AgendaItem, "meeting__milestone", "meeting", Meeting, "milestone"),
    Kind(Agreement, "meeting__milestone", "meeting", Meeting, "milestone"),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

# The fields that only repeat where the reader already is (the milestone of its own history).
CONTEXT_FIELDS = ("milestone", "commitment")


# --- which entries ---------------------------------------------------------------------------


Keys = dict[tuple[type[models.Model], str], models.QuerySet[Any]]


def _keys(
    model: type[models.Model], to_milestone: str, milestone: Milestone, built: Keys, public: bool = False
) -> models.QuerySet[Any]:
    """The primary keys (as text, to compare with ``AuditEntry.object_id`` inside the database) of
    the model's rows in the milestone; each subquery built once for the whole condition. For the
    public, progress reports are the validated ones (a liaison's report waiting for validation, or
    returned, has no public history)."""
    if (model, to_milestone) not in built:
        rows = model._default_manager.filter(**{to_milestone: milestone.pk})
        if public and model is ProgressEntry:
            rows = rows.filter(review=Review.VALIDATED)
        built[(model, to_milestone)] = rows.values(audit_key=Cast("pk", CharField()))
    return built[(model, to_milestone)]


def _condition(kind: Kind, milestone: Milestone, built: Keys, public: bool = False) -> Q:
    content_type = ContentType.objects.get_for_model(kind.model, for_concrete_model=False)
    if kind.to_milestone == "pk":  # the milestone itself, loaded: its key, no subquery
        condition = Q(content_type=content_type, object_id=str(milestone.pk))
    else:
        condition = Q(
            content_type=content_type,
            object_id__in=_keys(kind.model, kind.to_milestone, milestone, built, public),
        )
    if kind.parent and kind.parent_model is not None:
        # Objects deleted since: their deletion entry names their parent, which is still here.
        parent = Cast(KT(f"changes__{kind.parent}__0"), CharField())
        if kind.parent_to_milestone == "pk":  # the parent is the milestone itself
            named: Exact | In = Exact(parent, str(milestone.pk))
        else:
            named = In(parent, _keys(kind.parent_model, kind.parent_to_milestone, milestone, built))
        deletions = Q(content_type=content_type, action=AuditEntry.Action.DELETE)
        deleted = AuditEntry.objects.filter(deletions, named)
        if public and kind.model is ProgressEntry:  # withdrawn before anyone validated it
            deleted = deleted.exclude(
                Q(changes__review__0=Review.PENDING) | Q(changes__review__0=Review.RETURNED)
            )
        condition |= Q(content_type=content_type, object_id__in=deleted.values("object_id"))
    if kind.also is not None:
        condition |= _condition(kind.also, milestone, built, public)
    return condition


def milestone_entries(
    milestone: Milestone,
    kinds: Iterable[Kind] = KINDS,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    public: bool = False,
) -> models.QuerySet[AuditEntry]:
    """The entries about the milestone and what makes it up (objects deleted since included),
    newest first, in one query; ``since`` and ``until`` are days in the site's time zone. Their
    content types come from Django's cache of them (``presentation.model_of``), not a join.
    ``public``: what the public reads (no progress report that is not validated)."""
    condition = Q(pk__in=[])
    built: Keys = {}
    for kind in kinds:
        condition |= _condition(kind, milestone, built, public)
    if since is not None:
        condition &= Q(timestamp__gte=_start_of(since))
    if until is not None:
        condition &= Q(timestamp__lt=_start_of(until + datetime.timedelta(days=1)))
    return AuditEntry.objects.filter(condition).order_by("-timestamp", "-id")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- the filters -----------------------------------------------------------------------------


class HistoryFilter(forms.Form):
    tipo = forms.ChoiceField(label=gettext_lazy("Tipo de objeto"), required=False)
    desde = forms.DateField(label=gettext_lazy("Desde"), required=False, widget=DateInput())
    hasta = forms.DateField(label=gettext_lazy("Hasta"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tipo"].choices = [("", _("Todos")), *((k.key, k.label) for k in KINDS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("desde"), data.get("hasta")
        if since and until and since > until:
            raise ValidationError(_("La fecha «desde» es posterior a la fecha «hasta»."))
        return data


# --- names -----------------------------------------------------------------------------------

Namer = Callable[[Any], str]


def _money(currency: str) -> Callable[[Any], str]:
    return lambda value: display.money(_decimal(value), currency)


def _decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _month(value: Any) -> str:
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])
    return display.month(Month.from_date(day))


def _day(value: Any) -> str:
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])
    return formats.date_format(day, "DATE_FORMAT")


def _progress_name(entry: ProgressEntry) -> str:
    """``01. Elaborar el plan: reporte del 31 de mayo de 2019``, or the milestone's (tracked directly)."""
    if entry.activity is not None:
        subject = f"{entry.activity.code}. {entry.activity.title.rstrip('. ')}"
    else:
        milestone = entry.milestone
        subject = _("Hito %(number)s") % {"number": milestone.number} if milestone else "—"
    return _("%(activity)s: reporte del %(day)s") % {"activity": subject, "day": _day(entry.day)}


def _namers(currency: str) -> dict[type[models.Model], tuple[tuple[str, ...], Namer]]:
    """How each model is named whole (its ``__str__`` cuts titles at 80 characters), and the
    relations the name needs."""
    money = _money(currency)
    return {
        Milestone: (("commitment",), lambda m: f"{m.commitment.number}.{m.number} {m.title}"),
        Objective: ((), lambda o: f"{o.key}. {o.text}"),
        Indicator: ((), lambda i: f"{i.key}. {i.definition}"),
        Activity: ((), lambda a: f"{a.code}. {a.title}"),
        Strategy: ((), lambda s: f"{s.key}. {s.text}"),
        BudgetLine: ((), lambda line: f"{line.number:02d}. {line.description}"),
        Expenditure: ((), lambda e: f"{_day(e.day)} · {money(e.amount)} · {e.description}"),
        ProgressEntry: (("activity", "milestone"), _progress_name),
        IndicatorMeasurement: (
            ("indicator",),
            lambda m: (
                _("Indicador %(key)s: medición del %(day)s") % {"key": m.indicator.key, "day": _day(m.day)}
            ),
        ),
        Meeting: ((), lambda m: m.title),
        AgendaItem: ((), lambda item: item.title),
        Agreement: ((), lambda a: a.text),
        Organization: ((), str),
    }


# The columns each name needs: the queries that name objects load no others.
NAME_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Milestone: ("number", "title", "commitment__number"),
    Objective: ("key", "text"),
    Indicator: ("key", "definition"),
    Activity: ("number", "letter", "position", "title"),  # its code: the number, letter or position
    Strategy: ("key", "text"),
    BudgetLine: ("number", "description"),
    Expenditure: ("day", "amount", "description"),
    ProgressEntry: (
        "day",
        "activity__number",
        "activity__letter",
        "activity__position",
        "activity__title",
        "milestone__number",
    ),
    IndicatorMeasurement: ("day", "indicator__key"),
    Meeting: ("title",),
    AgendaItem: ("title",),
    Agreement: ("text",),
    Organization: ("name", "acronym"),
}

# What a model's ``__str__`` keeps of a long title: the prefix before it and the characters kept.
CUT_BY_STR = {
    Milestone: (r"\S+ ", 80),
    Objective: (r"\S+\. ", 80),
    Indicator: (r"\S+\. ", 80),
    Activity: (r"\S+ ", 80),
    Strategy: (r"\S+\. ", 80),
    BudgetLine: (r"\S+ ", 80),
    Expenditure: (r"\S+ \S+ ", 60),
    Agreement: (r"", 80),
}


def _formatters(currency: str) -> dict[type[models.Model], dict[str, presentation.Formatter]]:
    money = _money(currency)
    return {
        Milestone: {
            "stated_budget_total": money,
            "start_month": _month,
            "end_month": _month,
            "schedule_start": _month,
            "schedule_end": _month,
        },
        BudgetLine: {"unit_cost": money, "stated_cost": money},
        Expenditure: {"amount": money},
        Meeting: {"planned_month": _month, "planned_end_month": _month},
    }


def _from_snapshot(model: type[models.Model], values: dict[str, Any]) -> models.Model | None:
    """An unsaved instance with the plain fields of a creation or deletion entry."""
    instance = model()
    for found in model._meta.concrete_fields:
        if found.name in values and not found.is_relation:
            try:
                setattr(instance, found.attname, found.to_python(values[found.name]))
            except ValidationError:
                return None
    return instance


def _names(
    entries: list[AuditEntry],
    milestone: Milestone,
    currency: str,
    wanted: dict[type[models.Model], set[str]],
) -> dict[tuple[type[models.Model], str], str]:
    """Whole names of the objects the entries are about and of those their foreign keys point
    to: one query per model (none for the milestone, which the page has loaded)."""
    namers = _namers(currency)
    for entry in entries:
        model = presentation.model_of(entry)
        if model is not None:
            wanted.setdefault(model, set()).add(entry.object_id)
    own = (Milestone, str(milestone.pk))
    names = {own: presentation.shorten(namers[Milestone][1](milestone), NAME_LIMIT)}
    wanted.get(Milestone, set()).discard(own[1])
    for model, keys in wanted.items():
        if not keys:
            continue
        related, namer = namers.get(model, ((), str))
        rows = model._default_manager.filter(pk__in=[k for k in keys if k.isdigit()])
        if model in NAME_FIELDS:
            rows = rows.only(*NAME_FIELDS[model])
        for row in rows.select_related(*related) if related else rows:
            names[(model, str(row.pk))] = presentation.shorten(namer(row), NAME_LIMIT)
    return names


def _entry_name(
    entry: AuditEntry,
    model: type[models.Model] | None,
    names: dict[tuple[type[models.Model], str], str],
    namers: dict[type[models.Model], tuple[tuple[str, ...], Namer]],
) -> str:
    if model is not None and (model, entry.object_id) in names:
        return names[(model, entry.object_id)]
    if model is not None and entry.action != AuditEntry.Action.UPDATE:  # the object is gone
        related, namer = namers.get(model, (("",), str))  # unknown: not rebuilt
        values = {
            k: (v[1] if entry.action == AuditEntry.Action.CREATE else v[0])
            for k, v in entry.changes.items()
            if isinstance(v, list) and len(v) == 2
        }
        instance = None if related else _from_snapshot(model, values)
        if instance is not None:
            try:
                return presentation.shorten(namer(instance), NAME_LIMIT)
            except (TypeError, ValueError, AttributeError):
                pass
    if model in CUT_BY_STR:
        prefix, length = CUT_BY_STR[model]
        return presentation.shorten(presentation.repair_cut(entry.object_repr, prefix, length), NAME_LIMIT)
    return presentation.shorten(entry.object_repr, NAME_LIMIT)


def changes(entries: list[AuditEntry], milestone: Milestone, *, full: bool) -> list[presentation.Change]:
    """Each entry with its kind, the whole name of its object and its display rows (labels,
    kinds and choice labels looked up once per model and field for the whole list)."""
    currency = milestone.currency or "GTQ"
    fields = presentation.Fields()
    wanted = presentation.foreign_keys(entries, full=full, context_fields=CONTEXT_FIELDS, fields=fields)
    names = _names(entries, milestone, currency, wanted)
    namers = _namers(currency)
    formatters = _formatters(currency)
    kinds: dict[type[models.Model], str] = {}
    shown = []
    for entry in entries:
        model = presentation.model_of(entry)
        if model is not None and model not in kinds:
            kinds[model] = capfirst(str(model._meta.verbose_name))
        shown.append(
            presentation.Change(
                entry=entry,
                kind=kinds[model] if model else ContentType.objects.get_for_id(entry.content_type_id).model,
                name=_entry_name(entry, model, names, namers),
                rows=presentation.field_rows(
                    entry,
                    model,
                    full=full,
                    related=names,
                    formatters=formatters.get(model, {}) if model else {},
                    context_fields=CONTEXT_FIELDS,
                    fields=fields,
                ),
            )
        )
    return shown


# --- the page --------------------------------------------------------------------------------


def page_numbers(page: Page[Any], around: int = 2) -> list[int | None]:
    """The page numbers to link: the first, the last, and ``around`` either side of the current
    one; ``None`` where numbers are left out."""
    last = page.paginator.num_pages
    keep = {1, last, *range(page.number - around, page.number + around + 1)}
    numbers: list[int | None] = []
    for number in range(1, last + 1):
        if number in keep:
            numbers.append(number)
        elif numbers and numbers[-1] is not None:
            numbers.append(None)
    return numbers


def _page(entries: models.QuerySet[AuditEntry], number: str | None) -> Page[AuditEntry]:
    """The page ``Paginator.get_page`` gives (the first for no number or a wrong one, the last for
    one past the end or below 1), with the number of entries counted in the same query as the
    page's rows (a window over the whole list); past the end or below 1, it counts first, as the
    paginator does (and so never asks the database for an offset too large for it)."""
    paginator = Paginator(entries, PER_PAGE)
    try:
        wanted = int(number)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        wanted = 1
    if 1 <= wanted <= MAX_PAGE:
        bottom = (wanted - 1) * PER_PAGE
        rows = list(entries.annotate(listed_total=Window(Count("pk")))[bottom : bottom + PER_PAGE])
        if rows or wanted == 1:
            paginator.count = rows[0].listed_total if rows else 0  # type: ignore[misc]  # a cached_property
            return Page(rows, wanted, paginator)
    return paginator.get_page(wanted)


def history_context(user: Any, query: QueryDict, milestone: Milestone) -> dict[str, Any]:
    """What the history page shows: the filter form, the page of changes, the page links."""
    full = bool(user.has_perm(FULL_HISTORY, milestone))
    filters = HistoryFilter(query if any(query.get(k) for k in ("tipo", "desde", "hasta")) else None)
    data = filters.cleaned_data if filters.is_valid() else getattr(filters, "cleaned_data", {})
    kind = KIND_BY_KEY.get(data.get("tipo") or "")
    entries = milestone_entries(
        milestone,
        kinds=[kind] if kind else KINDS,
        since=data.get("desde"),
        until=data.get("hasta"),
        public=not full,
    )
    page = _page(entries, query.get("pagina"))
    kept = query.copy()
    kept.pop("pagina", None)
    return {
        "filters": filters,
        "filtered": bool(kind or data.get("desde") or data.get("hasta")),
        "page": page,
        "changes": changes(list(page.object_list), milestone, full=full),
        "page_numbers": page_numbers(page),
        "query": kept.urlencode(),
        "full": full,
    }


__all__ = ["KINDS", "HistoryFilter", "changes", "history_context", "milestone_entries"]
