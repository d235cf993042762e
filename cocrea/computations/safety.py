"""Output hygiene in plain Python: spreadsheet cells, bidirectional controls, rich-text HTML.

The one implementation of each. The computation modules use it directly (:mod:`.sheets` writes
cells with :func:`safe_cell`, :mod:`.drafttext` cleans rendered Markdown with
:func:`sanitize_html`); :mod:`cocrea.core.safety` re-exports it for the rest of the project.

- :func:`safe_cell`: text that a spreadsheet program would run as a formula is neutralised, and
  bidirectional controls are removed.
- :func:`without_bidi_controls`: the embeddings, overrides and isolates with which a name or a
  comment can show its text reversed or move what follows it are removed from what Cocrea shows
  and exports.
- :func:`sanitize_html`: one HTML allow-list (nh3) for every rich text, typed or rendered from a
  draft's Markdown: the same tags wherever a reader sees them.
"""

from __future__ import annotations

import re
from typing import TypeVar, overload

import nh3

# --- Spreadsheet cells and bidirectional controls ---------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates). The marks U+200E/F
# and U+061C only set a direction for what is next to them, and stay.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_CONTROLS_UTF8 = re.compile(b"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")

_Value = TypeVar("_Value")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: _Value) -> _Value: ...
def safe_cell(value: object) -> object:
    """A value for a CSV or XLSX cell: ``=SUM(A1)`` → ``'=SUM(A1)``.

    Bidirectional controls are removed from text first; then text starting with ``= + - @``, a tab
    or a carriage return gets a ``'`` in front, and so does text that already starts with ``'``, so
    that the readers of :mod:`.sheets`, which drop that one ``'``, give back exactly what was
    written. Numbers (negative ones too), dates and other values are unchanged.
    """
    if isinstance(value, str):
        value = without_bidi_controls(value)
        if value.startswith((*FORMULA_STARTS, "'")):
            return "'" + value
    return value


def unquote_cell(text: str) -> str:
    """Text read from a cell with the :func:`safe_cell` prefix undone (one ``'`` before a formula
    start or another ``'``)."""
    if text.startswith("'") and text[1:2] and text[1] in (*FORMULA_STARTS, "'"):
        return text[1:]
    return text


# --- Rich-text HTML ----------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
})  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"}), "th": frozenset({"scope"})}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"


def sanitize_html(text: str) -> str:
    """Keep the harmless formatting of ``text``; drop scripts, handlers, images and unsafe links."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
