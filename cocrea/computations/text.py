"""Small text helpers shared by the parsers and the checker."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[ \u00a0\u2000-\u200b\u202f\u205f\u3000]+")


@lru_cache(maxsize=32768)
def strip_accents(value: str) -> str:
    """Return ``value`` without combining accents (``Gestión`` → ``Gestion``)."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=32768)
def fold(value: str) -> str:
    """A comparison key: no accents, lower case, single spaces, no edge punctuation."""
    value = strip_accents(value).casefold()
    value = re.sub(r"[^\w%]+", " ", value)
    return " ".join(value.split())


def clean_spaces(value: str) -> str:
    """Collapse runs of spaces (including non-breaking ones) into one space and trim."""
    return _SPACES.sub(" ", value).strip()
