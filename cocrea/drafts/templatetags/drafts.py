from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from cocrea.computations.draftdiff import WordOp

register = template.Library()


@register.filter
def word_marks(ops: Iterable[WordOp]) -> SafeString:
    """A changed paragraph with its removed words in ``<del>`` and added ones in ``<ins>``."""
    parts = []
    for op in ops:
        text = escape(op.text)
        if op.op == "delete":
            parts.append(f"<del>{text}</del>")
        elif op.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        else:
            parts.append(text)
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above
