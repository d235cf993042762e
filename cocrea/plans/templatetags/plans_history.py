"""The list of changes on a milestone's history page, written in one pass.

A page lists 50 changes, each with a heading and a table of up to dozens of fields; as a template
loop (a few tags and filters a field, a dozen a change) it took most of the page's time. This tag
writes the same HTML the loop wrote, with the interface's words looked up once a page rather than
once a change or a field: the texts and their translations (msgids) are the loop's.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.audit.models import AuditEntry
from cocrea.audit.presentation import Change, FieldRow

register = template.Library()

NONE = "—"


def escape(text: Any) -> str:
    """What ``{{ text }}`` writes: the text escaped, unless it is marked safe (Django's
    ``conditional_escape``, without its lazy-string wrapper: it runs a few hundred times a page)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


class _Words:
    """The page's words in the active language: each looked up once."""

    def __init__(self) -> None:
        self.actions = {str(k): escape(capfirst(str(v))) for k, v in AuditEntry.Action.choices}
        self.sources = {str(k): str(v) for k, v in AuditEntry.Source.choices}
        self.via = _("vía %(source)s")
        self.by = _("por %(who)s")
        self.fields = _("Campos de «%(name)s»")
        self.field = escape(_("Campo"))
        before, after, had = escape(_("Antes")), escape(_("Después")), escape(_("Valor que tenía"))
        update, delete = AuditEntry.Action.UPDATE.value, AuditEntry.Action.DELETE.value
        self.heads = {  # the values' column headings, by action
            update: f'<th scope="col">{before}</th><th scope="col">{after}</th>\n      ',
            delete: f'<th scope="col">{had}</th>\n      ',
        }
        self.head = f'<th scope="col">{escape(_("Valor"))}</th>'
        self.internal_only = escape(
            _("Solo cambiaron datos internos (el orden, la versión de edición, la línea en el documento…).")
        )
        self._internal: str | None = None
        self._many: tuple[str, str] | None = None
        self._folded: dict[tuple[str, int], str] = {}

    @property
    def internal(self) -> str:
        """The mark of an internal field (staff only see them)."""
        if self._internal is None:
            self._internal = f' <span class="muted">({escape(_("interno"))})</span>'
        return self._internal

    @property
    def many(self) -> tuple[str, str]:
        """What was removed from and added to a many-to-many field."""
        if self._many is None:
            self._many = (_("Quitado: %(names)s"), _("Agregado: %(names)s"))
        return self._many

    def folded(self, action: str, count: int) -> str:
        """The summary of a creation's or a deletion's folded fields."""
        if (action, count) not in self._folded:
            self._folded[(action, count)] = self._fold(action, count)
        return self._folded[(action, count)]

    def _fold(self, action: str, count: int) -> str:
        if action == AuditEntry.Action.DELETE:
            text = ngettext(
                "Ver el dato que tenía (%(counter)s)", "Ver los %(counter)s datos que tenía", count
            )
        else:
            text = ngettext(
                "Ver el dato registrado (%(counter)s)", "Ver los %(counter)s datos registrados", count
            )
        return text % {"counter": escape(formats.localize(count))}


def _value(value: str | None) -> str:
    return NONE if value is None else escape(value)


def _many(value: str | None, text: str) -> str:
    return text % {"names": escape(value)} if value else NONE


def _rows(change: Change, words: _Words) -> str:
    """The ``<tr>`` of each field: its label (marked when internal) and the value before and after
    for an update, the value it had for a deletion, the value for a creation; ``—`` for none; for
    a many-to-many field, what was removed and what was added."""
    action = change.action
    parts = []
    row: FieldRow
    for row in change.rows:
        label = escape(row.label)
        if row.internal:
            parts.append(f'\n        <tr class="internal"><th scope="row">{label}{words.internal}</th>')
        else:
            parts.append(f'\n        <tr><th scope="row">{label}</th>')
        parts.append("\n        ")
        if action == AuditEntry.Action.UPDATE:
            if row.many:
                removed, added = words.many
                before, after = _many(row.before, removed), _many(row.after, added)
            else:
                before, after = _value(row.before), _value(row.after)
            parts.append(f"<td>{before}</td>\n        <td>{after}</td>\n        </tr>\n      ")
        elif action == AuditEntry.Action.DELETE:
            parts.append(f"<td>{_value(row.before)}</td>\n        </tr>\n      ")
        else:
            parts.append(f"<td>{_value(row.after)}</td></tr>\n      ")
    return "".join(parts)


def _entry(change: Change, full: bool, words: _Words) -> str:
    entry = change.entry
    action = change.action
    moment = timezone.localtime(entry.timestamp)
    source = words.sources.get(entry.source, entry.source)
    via = words.via % {"source": escape(source)}
    if full and entry.actor_id:
        via += ", " + words.by % {"who": escape(entry.actor_label)}
    name = escape(change.name)
    parts = [
        f'\n  <li class="history-entry history-{escape(action)}">'
        f'\n    <p class="history-head"><time datetime="{escape(moment.isoformat())}">'
        f"{escape(formats.date_format(moment, 'DATETIME_FORMAT'))}</time>"
        f"\n      · <strong>{words.actions.get(action) or escape(capfirst(action))}</strong>"
        f' · {escape(change.kind)}: <span class="history-name">{name}</span>'
        f'\n      <span class="muted">({via})</span></p>'
        "\n    "
    ]
    if change.rows:
        collapsed = change.collapsed
        parts.append("\n    ")
        if collapsed:
            summary = words.folded(action, len(change.rows))
            parts.append(f'<details class="data-details"><summary>{summary}</summary>')
        parts.append(
            '\n    <div class="table-scroll">\n    <table class="data changes">'
            f'\n      <caption class="visually-hidden">{words.fields % {"name": name}}</caption>'
            f'\n      <thead><tr><th scope="col">{words.field}</th>'
            f"\n      {words.heads.get(action, words.head)}</tr></thead>"
            f"\n      <tbody>\n      {_rows(change, words)}\n      </tbody>\n    </table>\n    </div>\n    "
        )
        if collapsed:
            parts.append("</details>")
        parts.append("\n    ")
    elif action == AuditEntry.Action.UPDATE:
        parts.append(f'<p class="muted">{words.internal_only}</p>\n    ')
    parts.append("\n  </li>\n  ")
    return "".join(parts)


@register.simple_tag
def history_entries(changes: Iterable[Change], full: bool) -> SafeString:
    """Each change as an ``<li>`` of the history's list: when, what was done by which way (and by
    whom, for ``full``), the kind and whole name of the object, and its fields (folded for a
    creation or a deletion of more than three), or a note that only internal data changed."""
    words = _Words()
    return mark_safe("".join(_entry(change, full, words) for change in changes))  # noqa: S308 - all escaped above
