"""Input and output hygiene shared by every app: rich text, spreadsheet cells, XML.

- Rich text is sanitised with nh3 (an allow-list HTML cleaner) on the way in, and templates
  escape everything else on the way out.
- Spreadsheet and CSV cells that a spreadsheet program would run as a formula are neutralised.
"""

from __future__ import annotations

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


def safe_cell(value: Any) -> Any:
    """A value for a CSV/XLSX cell: text that starts like a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
