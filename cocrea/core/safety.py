"""Input and output hygiene shared by every app: rich text, spreadsheet cells, XML.

- Rich text is sanitised with nh3 (an allow-list HTML cleaner) on the way in, and templates
  escape everything else on the way out.
- Spreadsheet and CSV cells that a spreadsheet program would run as a formula are neutralised.
- Bidirectional-text controls (embeddings, overrides, isolates), with which a name or comment can
  show its text reversed or move what follows it, are removed from what Cocrea shows and exports.
"""

from __future__ import annotations

import re
from typing import Any

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sanitize_html(text: str) -> str:
    """Keep the harmless formatting of ``text``; drop scripts, handlers and unsafe links."""
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates). The marks U+200E/F
# and U+061C only set a direction for what is next to them, and stay.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
BIDI_CONTROLS_UTF8 = re.compile(b"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def safe_cell(value: Any) -> Any:
    """A value for a CSV/XLSX cell: text that starts like a formula is prefixed with ``'``, and
    bidirectional controls are removed."""
    if isinstance(value, str):
        value = without_bidi_controls(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value
