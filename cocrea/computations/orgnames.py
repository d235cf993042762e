"""Organisation names in free text: a directory of known ones, and patterns for the rest.

Plans name organisations in many ways: ``INAP/GPAT`` in a table cell, ``Oficina Nacional de
Servicio Civil - ONSEC -`` in a header, ``Banco Interamericano de Desarrollo (BID)`` in a
strategy, or only by full name (``Ministerio de Economía``). A :class:`Directory` (reference data
that the caller loads) knows acronyms, full names and aliases; :func:`extract_organizations`
finds the directory's entries in a text and adds those written as ``Name (ACRONYM)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cocrea.computations.text import clean_spaces, fold

_CONNECTORS = frozenset(["de", "del", "la", "las", "los", "el", "y", "e", "para", "en", "a", "al"])
_PAREN = re.compile(r"\((?P<acronym>[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,12})\)")
_SPLIT_RESPONSIBLE = re.compile(
    r"\s*(?:/|,|;|\+|&|\s+y\s+|\s+e\s+|\s+and\s+|(?<=[A-ZÁÉÍÓÚÑ])\s*[-–]\s*(?=[A-ZÁÉÍÓÚÑ]{2,}\b))\s*"
)


@dataclass(frozen=True)
class OrgRef:
    name: str
    acronym: str = ""
    kind: str = ""
    country: str = ""
    aliases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        return fold(self.acronym) if self.acronym else fold(self.name)


class Directory:
    """Known organisations, looked up by acronym, full name or alias (case and accents ignored)."""

    def __init__(self, entries: Iterable[OrgRef] = ()) -> None:
        self.entries: list[OrgRef] = []
        self._by_key: dict[str, OrgRef] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: OrgRef) -> OrgRef:
        known = self.lookup(entry.acronym) if entry.acronym else None
        known = known or self.lookup(entry.name)
        if known:
            return known
        self.entries.append(entry)
        for text in (entry.acronym, entry.name, *entry.aliases):
            if text:
                self._by_key.setdefault(fold(text), entry)
        return entry

    def lookup(self, text: str) -> OrgRef | None:
        return self._by_key.get(fold(text)) if text else None

    def mentions(self, text: str) -> list[tuple[int, OrgRef]]:
        """Entries named in ``text``, with the position of their first mention."""
        folded = f" {fold(text)} "
        found: dict[str, tuple[int, OrgRef]] = {}
        for entry in self.entries:
            names = [entry.name, *entry.aliases]
            if entry.acronym:
                names.append(entry.acronym)
            for name in names:
                key = fold(name)
                if not key:
                    continue
                if name == entry.acronym and not _acronym_written(text, name):
                    continue
                position = folded.find(f" {key} ")
                if position >= 0:
                    best = found.get(entry.key)
                    if best is None or position < best[0]:
                        found[entry.key] = (position, entry)
        return sorted(found.values(), key=lambda pair: pair[0])


def _acronym_written(text: str, acronym: str) -> bool:
    """An acronym counts as written in upper case, or in any case inside parentheses."""
    if re.search(rf"(?<![\w]){re.escape(acronym)}(?![\w])", text):
        return True
    return bool(re.search(rf"\(\s*{re.escape(acronym)}\s*\)", text, re.IGNORECASE))


def _name_before(text: str, end: int) -> str:
    """The capitalised phrase that ends at ``end`` (words and lower-case connectors)."""
    words = re.findall(r"[\wÁÉÍÓÚÑáéíóúñü'-]+|[^\w\s]", text[:end])
    phrase: list[str] = []
    for word in reversed(words):
        if word[:1].isupper() or (word.lower() in _CONNECTORS and phrase):
            phrase.insert(0, word)
        else:
            break
    while phrase and phrase[0].lower() in _CONNECTORS:
        phrase.pop(0)
    return " ".join(phrase)


def extract_organizations(text: str, directory: Directory) -> list[OrgRef]:
    """Organisations named in ``text``, in order of first mention, without repeats."""
    found: list[tuple[int, OrgRef]] = list(directory.mentions(text))
    for match in _PAREN.finditer(text):
        acronym = match.group("acronym")
        known = directory.lookup(acronym)
        name = _name_before(text, match.start())
        if known is None and name:
            known = directory.lookup(name)
        if known is None:
            if not name or len(name.split()) < 2:
                continue
            known = OrgRef(name=name, acronym=acronym)
        found.append((match.start() - len(name), known))
    seen: set[str] = set()
    result: list[OrgRef] = []
    for _, ref in sorted(found, key=lambda pair: pair[0]):
        if ref.key not in seen:
            seen.add(ref.key)
            result.append(ref)
    return result


def split_responsible(text: str, directory: Directory) -> list[OrgRef]:
    """``INAP/GPAT`` → the two organisations; unknown names are kept as written."""
    refs: list[OrgRef] = []
    for part in _SPLIT_RESPONSIBLE.split(clean_spaces(text)):
        part = part.strip(" .-–")
        if not part:
            continue
        known = directory.lookup(part)
        if known is None:
            mentioned = directory.mentions(part)
            known = mentioned[0][1] if len(mentioned) == 1 else None
        if known is None:
            is_acronym = part.isupper() and " " not in part
            known = OrgRef(name=part, acronym=part if is_acronym else "")
        if known not in refs:
            refs.append(known)
    return refs
