"""Input and output hygiene shared by every app: rich text, spreadsheet cells, bidirectional text.

- Rich text is sanitised with nh3 (an allow-list HTML cleaner) on the way in, and templates
  escape everything else on the way out.
- Spreadsheet and CSV cells that a spreadsheet program would run as a formula are neutralised.
- Bidirectional-text controls (embeddings, overrides, isolates), with which a name or comment can
  show its text reversed or move what follows it, are removed from what Cocrea shows and exports.

The one implementation of each is plain Python in :mod:`cocrea.computations.safety`, where the
parsers and renderers of the computation core use it too; this module is its name for the apps.
"""

from __future__ import annotations

from cocrea.computations.safety import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    BIDI_CONTROLS,
    BIDI_CONTROLS_UTF8,
    FORMULA_STARTS,
    LINK_REL,
    safe_cell,
    sanitize_html,
    without_bidi_controls,
)

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "ALLOWED_URL_SCHEMES",
    "BIDI_CONTROLS",
    "BIDI_CONTROLS_UTF8",
    "FORMULA_STARTS",
    "LINK_REL",
    "safe_cell",
    "sanitize_html",
    "without_bidi_controls",
]
