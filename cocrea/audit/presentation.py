"""An audit entry as people read it: each changed field with its label, and values written for the
active language (choice labels, Sí/No, localized dates and numbers), with the internal fields set
apart.

The entry stores raw values (``scheduled``, ``True``, ``2020-03-20``, a foreign key's id); this
module turns them into display rows. It knows nothing of the domain: a caller names the objects
that foreign keys point to (``related``), the fields that format themselves differently
(``formatters``, money or months) and the fields that only repeat the page's context
(``context_fields``, a milestone's own id on its history).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cocrea.audit.models import AuditEntry
from cocrea.audit.signals import REDACTED_FIELDS

HIDDEN = "•••"

# Bookkeeping rather than content: the order of rows, weights for computations, where a value sat
# in the imported document, optimistic-lock counters, keys for matching. Shown to staff only.
INTERNAL_FIELDS = frozenset(
    {
        "id",
        "position",
        "sort_key",
        "weight",
        "source_line",
        "edit_version",
        "version",
        "sequence",
        "match_key",
    }
)

# Not edited on a form, yet content: when an item was archived (``core.provenance``).
SHOWN_ALTHOUGH_NOT_EDITABLE = frozenset({"archived_at"})

Formatter = Callable[[Any], str]


@dataclass(frozen=True)
class FieldRow:
    """One changed field: its label, the value before and after (text, or ``None`` for none)."""

    name: str
    label: str
    before: str | None
    after: str | None
    internal: bool = False
    many: bool = False  # a many-to-many change: ``before`` lists the removed, ``after`` the added


@dataclass
class Change:
    """An entry with what a page shows of it."""

    entry: AuditEntry
    kind: str
    name: str
    rows: list[FieldRow] = field(default_factory=list)

    @property
    def action(self) -> str:
        return self.entry.action

    @property
    def collapsed(self) -> bool:
        """A creation or a deletion lists every field: a page shows them folded."""
        return self.entry.action != AuditEntry.Action.UPDATE and len(self.rows) > 3


def shorten(text: str, limit: int = 160) -> str:
    """``text`` whole when it is at most ``limit`` characters; else cut at the last word boundary
    before the limit, with an ellipsis. Never cuts a word in two."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    head = cut[:space] if space > limit // 2 else text[:limit]
    return head.rstrip(" ,.;:—-") + "…"


def repair_cut(text: str, prefix: str, length: int) -> str:
    """A name stored already cut by a model's ``__str__`` (``prefix`` then the first ``length``
    characters of a title): drop the broken last word and add an ellipsis."""
    match = re.match(prefix, text)
    rest = text[match.end() :] if match else text
    if len(rest) < length:
        return text
    head, space, _tail = text.rpartition(" ")
    return (head if space and len(head) > len(text) // 2 else text).rstrip(" ,.;:—-") + "…"


def model_of(entry: AuditEntry) -> type[models.Model] | None:
    """The model an entry is about (``None``: one the code no longer has), from Django's cache of
    content types: no query, no join, once the content type has been seen."""
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def is_internal(model: type[models.Model] | None, name: str) -> bool:
    """Bookkeeping fields, fields the model no longer has, ids, and links to accounts."""
    return _is_internal(name, _field(model, name))


def _is_internal(name: str, found: Any) -> bool:
    if name in INTERNAL_FIELDS or name.endswith("_id"):
        return True
    if found is None:
        return True
    if not getattr(found, "editable", True) and name not in SHOWN_ALTHOUGH_NOT_EDITABLE:
        return True
    remote = getattr(found, "related_model", None)
    return remote is not None and remote._meta.label == settings.AUTH_USER_MODEL


def is_personal(name: str) -> bool:
    return name in REDACTED_FIELDS


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def label_of(model: type[models.Model] | None, name: str) -> str:
    return _label(_field(model, name), name)


def _label(found: Any, name: str) -> str:
    label = getattr(found, "verbose_name", None) if found is not None else None
    return capfirst(str(label)) if label else name


def yes_no(value: bool) -> str:
    return _("Sí") if value else _("No")


class Fields:
    """What display rows need to know of a model's fields (the field, its label and choice labels
    in the active language, whether it is internal), looked up once per model and field rather
    than once per value: make one per request, in the language the page is written in."""

    def __init__(self) -> None:
        self._fields: dict[tuple[type[models.Model] | None, str], Any] = {}
        self._labels: dict[tuple[type[models.Model] | None, str], str] = {}
        self._internal: dict[tuple[type[models.Model] | None, str], bool] = {}
        self._choices: dict[tuple[type[models.Model] | None, str], dict[str, str]] = {}
        self._orders: dict[type[models.Model] | None, dict[str, int]] = {}
        self._yes_no: dict[bool, str] = {}
        self._dates: dict[tuple[datetime.date, str], str] = {}

    def field(self, model: type[models.Model] | None, name: str) -> Any:
        key = (model, name)
        if key not in self._fields:
            self._fields[key] = _field(model, name)
        return self._fields[key]

    def label(self, model: type[models.Model] | None, name: str) -> str:
        key = (model, name)
        if key not in self._labels:
            self._labels[key] = _label(self.field(model, name), name)
        return self._labels[key]

    def internal(self, model: type[models.Model] | None, name: str) -> bool:
        key = (model, name)
        if key not in self._internal:
            self._internal[key] = _is_internal(name, self.field(model, name))
        return self._internal[key]

    def choices(self, model: type[models.Model] | None, name: str) -> dict[str, str]:
        """The labels of a field's choices by stored value as text (empty: no choices)."""
        key = (model, name)
        if key not in self._choices:
            found = self.field(model, name)
            flat = found.flatchoices if getattr(found, "choices", None) else ()
            self._choices[key] = {str(k): str(v) for k, v in flat}
        return self._choices[key]

    def order(self, model: type[models.Model] | None) -> dict[str, int]:
        """The position of each of the model's fields (a page lists changes in this order)."""
        if model not in self._orders:
            self._orders[model] = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model else {}
        return self._orders[model]

    def date(self, day: datetime.date, format_name: str) -> str:
        """A day or a moment in the active language's format (many changes repeat a date)."""
        key = (day, format_name)
        if key not in self._dates:
            self._dates[key] = formats.date_format(day, format_name)
        return self._dates[key]

    def yes_no(self, value: bool) -> str:
        if value not in self._yes_no:
            self._yes_no[value] = yes_no(value)
        return self._yes_no[value]


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localtime(moment)


def _number(value: Any, places: int | None) -> str | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return formats.number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)


def display_value(
    model: type[models.Model] | None,
    name: str,
    value: Any,
    *,
    related: Mapping[tuple[type[models.Model], str], str] | None = None,
    formatters: Mapping[str, Formatter] | None = None,
    fields: Fields | None = None,
) -> str | None:
    """``value`` (as the trail stores it) written for people; ``None`` when there is none.
    ``fields``: the request's lookups, when many values are written."""
    if value is None or value == "":
        return None
    if value == HIDDEN:
        return HIDDEN
    if formatters and name in formatters:
        return formatters[name](value)
    fields = fields or Fields()
    found = fields.field(model, name)
    if found is None:
        return _plain(value, fields)
    if getattr(found, "choices", None):
        choices = fields.choices(model, name)
        if str(value) in choices:
            return choices[str(value)]
    if isinstance(found, models.BooleanField):
        return fields.yes_no(bool(value))
    if isinstance(found, models.DateTimeField):
        moment = _datetime(value)
        return fields.date(moment, "DATETIME_FORMAT") if moment else _plain(value, fields)
    if isinstance(found, models.DateField):
        day = _date(value)
        return fields.date(day, "DATE_FORMAT") if day else _plain(value, fields)
    if isinstance(found, models.TimeField):
        try:
            return formats.time_format(datetime.time.fromisoformat(str(value)), "TIME_FORMAT")
        except ValueError:
            return _plain(value, fields)
    if isinstance(found, models.DecimalField | models.FloatField):
        return _number(value, getattr(found, "decimal_places", None)) or _plain(value, fields)
    remote = getattr(found, "related_model", None)
    if remote is not None and not found.many_to_many:
        name_of = (related or {}).get((remote, str(value)))
        return name_of if name_of is not None else f"#{value}"
    return _plain(value, fields)


def _plain(value: Any, fields: Fields) -> str:
    if isinstance(value, bool):
        return fields.yes_no(value)
    if isinstance(value, list):
        return ", ".join(_plain(v, fields) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v, fields)}" for k, v in value.items())
    return str(value)


def field_rows(
    entry: AuditEntry,
    model: type[models.Model] | None,
    *,
    full: bool,
    related: Mapping[tuple[type[models.Model], str], str] | None = None,
    formatters: Mapping[str, Formatter] | None = None,
    context_fields: Iterable[str] = (),
    fields: Fields | None = None,
) -> list[FieldRow]:
    """The entry's changed fields as display rows, in the model's field order.

    The public (``full=False``) sees neither the internal fields, nor personal data (which the
    trail holds only as ``•••`` anyway), nor the fields that repeat the page's context; staff
    (``full=True``) see every field, the internal ones marked. ``fields``: the request's lookups,
    when the rows of many entries are written."""
    fields = fields or Fields()
    context = set(context_fields)
    order = fields.order(model)
    last = len(order)
    rows = []
    for name in sorted(entry.changes, key=lambda n: (order.get(n, last), n)):
        change = entry.changes[name]
        internal = fields.internal(model, name) or name in context
        if not full and (internal or is_personal(name)):
            continue
        label = fields.label(model, name)
        if isinstance(change, dict):  # many-to-many: {"added": [...], "removed": [...]}
            removed = ", ".join(str(v) for v in change.get("removed", [])) or None
            added = ", ".join(str(v) for v in change.get("added", [])) or None
            rows.append(FieldRow(name, label, removed, added, internal, many=True))
            continue
        before, after = [*change, None, None][:2] if isinstance(change, list) else (None, change)
        rows.append(
            FieldRow(
                name,
                label,
                display_value(model, name, before, related=related, formatters=formatters, fields=fields),
                display_value(model, name, after, related=related, formatters=formatters, fields=fields),
                internal,
            )
        )
    return rows


def foreign_keys(
    entries: Iterable[AuditEntry],
    *,
    full: bool,
    context_fields: Iterable[str] = (),
    fields: Fields | None = None,
) -> dict[type[models.Model], set[str]]:
    """The objects that the shown foreign-key values point to, by model: what to name in one
    query per model (accounts excluded: they are never named on a page from here)."""
    fields = fields or Fields()
    context = set(context_fields)
    wanted: dict[type[models.Model], set[str]] = {}
    for entry in entries:
        model = model_of(entry)
        for name, change in entry.changes.items():
            if not full and (name in context or fields.internal(model, name)):
                continue
            found = fields.field(model, name)
            remote = getattr(found, "related_model", None)
            if remote is None or found.many_to_many or remote._meta.label == settings.AUTH_USER_MODEL:
                continue
            values = change if isinstance(change, list) else [change]
            wanted.setdefault(remote, set()).update(str(v) for v in values if v not in (None, ""))
    return wanted
