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


# --- Cells listing responsible institutions ------------------------------------------------------

# Words that start the name of an institution (compared folded). A piece that starts with one is a
# name of its own, never the rest of the name before it.
_INSTITUTION_WORDS = """
    ministerio secretaria instituto comision oficina direccion consejo agencia procuraduria
    contraloria fiscalia municipalidad alcaldia gobernacion universidad superintendencia registro
    tribunal corte congreso asamblea organismo unidad departamento gobierno presidencia
    vicepresidencia banco fundacion asociacion red centro coordinadora autoridad servicio sistema
    programa mesa gabinete defensoria camara federacion alianza observatorio colegio consejeria
    subsecretaria viceministerio despacho junta empresa corporacion cooperativa sociedad
    ministry office department agency commission council secretariat institute bureau authority
    court parliament congress university foundation association network centre center unit
    directorate ombudsman municipality city government presidency national federal
"""
INSTITUTION_WORDS = frozenset(_INSTITUTION_WORDS.split())
_BULLET = re.compile(r"^\s*(?:[-–—•·*▪●○◦►>]+|\(?\d{1,2}[.)]|\(?[a-z][)])\s+", re.MULTILINE)
_ACRONYM = r"[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑa-z0-9&-]{1,14}"
_TRAILING_PAREN = re.compile(r"\s*\(\s*(?P<acronym>" + _ACRONYM + r")\s*\)\s*[.,;:]*$")
_DASHED_ACRONYM = re.compile(r"^(?P<name>.+?)\s+[-–—]\s*(?P<acronym>" + _ACRONYM + r")\s*[-–—]?\s*$")
_ACRONYM_FIRST = re.compile(r"^(?P<acronym>" + _ACRONYM + r")\s*(?:[-–—:]|\s[-–—]\s)\s*(?P<name>.+)$")
_ACRONYM_ONLY = re.compile(r"(?:[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9&-]{1,14}|(?:[A-Z]\.){2,}[A-Z]?\.?)")
_CONJUNCTION = re.compile(r"\s+(?:y|e|and|&|\+)\s+|\s*[+&]\s*")
_TOP_SEPARATORS = re.compile(r"[\n\r;|]+|\s/\s|(?<=\S)/(?=\S)")
_MAX_LIST_WORDS = 3  # words in a piece that continues a name's own list ("Ciencia, Tecnología e Innovación")


@dataclass(frozen=True)
class InstitutionName:
    """One institution named in a cell: as written, its name and its acronym when given.

    ``name`` is the full name when one is written (``Secretaría de Planificación y Programación de
    la Presidencia``), else the acronym; ``acronym`` is the one in parentheses, between dashes or
    alone (``SEGEPLAN``), or ``""``.
    """

    written: str
    name: str
    acronym: str = ""

    @property
    def key(self) -> str:
        """A comparison key: the folded acronym when there is one, else the folded name."""
        return fold(self.acronym) if self.acronym else fold(self.name)

    @property
    def label(self) -> str:
        """``Name (ACRONYM)``, the name alone, or the acronym alone."""
        if self.acronym and fold(self.name) != fold(self.acronym):
            return f"{self.name} ({self.acronym})"
        return self.name

    def ref(self) -> OrgRef:
        return OrgRef(name=self.name, acronym=self.acronym)


def split_institutions(text: str, directory: Directory | None = None) -> list[InstitutionName]:
    """The institutions a responsible-entities cell names, in order, without repeats.

    Separators: line breaks, ``;``, ``|``, ``/`` and commas outside parentheses; ``y``, ``e``,
    ``and``, ``&`` and ``+`` only between two acronyms, two entries of ``directory``, or before a
    piece that starts with an institution word (:data:`INSTITUTION_WORDS`: ``Ministerio``,
    ``Secretaría``, ``Office``…), so that ``Secretaría de Planificación y Programación de la
    Presidencia (SEGEPLAN)`` stays one name and ``INAP, GPAT; ONSEC⏎MINFIN`` is four. Bullets and
    numbers in front of a line (``- ``, ``• ``, ``1. ``) are dropped.

    A comma inside a name's own list is kept: after a comma, a short piece (three words at most)
    that starts with no institution word and is not an acronym continues the name before it when
    that name has at least two words and the list goes on to ``y``/``e``/``and``
    (``Ministerio de Ciencia, Tecnología e Innovación (MINCIENCIAS)``). A text the directory knows
    whole is never split.

    The acronym is read from ``Name (ACR)``, ``Name - ACR -``, ``ACR - Name`` or an acronym alone.
    """
    text = _BULLET.sub("", text.replace("\r\n", "\n"))
    named: list[InstitutionName] = []
    for line in _TOP_SEPARATORS.split(text):
        for piece in _split_commas(line, directory):
            for part in _split_conjunctions(piece, directory):
                institution = _institution(part)
                if institution is None:
                    continue
                before = named[-1] if named else None
                if before is not None and _acronym_of(institution, before):
                    # "Ministerio de Finanzas Públicas / MINFIN": one institution written twice.
                    named[-1] = InstitutionName(
                        f"{before.written} / {institution.written}", before.name, institution.acronym
                    )
                else:
                    named.append(institution)
    found: list[InstitutionName] = []
    seen: set[str] = set()
    for institution in named:
        if institution.key not in seen:
            seen.add(institution.key)
            found.append(institution)
    return found


def _acronym_of(acronym: InstitutionName, name: InstitutionName) -> bool:
    """``acronym`` is an acronym alone that abbreviates ``name``, a name of two words or more
    without one: same first letter, and its letters found in the name in order (``MINFIN`` in
    ``MINisterio de FINanzas``, ``INAP`` in ``Instituto Nacional de Administración Pública``)."""
    if name.acronym or acronym.name != acronym.acronym or len(fold(name.name).split()) < 2:
        return False
    letters = fold(acronym.acronym).replace(" ", "")
    words = fold(name.name)
    if not letters or words[:1] != letters[:1]:
        return False
    position = 0
    for letter in letters:
        position = words.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True


def _known(text: str, directory: Directory | None) -> bool:
    if directory is None:
        return False
    cleaned = clean_spaces(text).strip(" .,;:-–—/|")
    if directory.lookup(cleaned) is not None:
        return True
    match = _TRAILING_PAREN.search(cleaned)
    return bool(match and directory.lookup(match.group("acronym")) is not None)


_ARTICLES = frozenset(["la", "el", "los", "las", "the"])


def _starts_institution(text: str) -> bool:
    """The text starts with an institution word, after an article (``la Comisión…``)."""
    words = fold(text).split()
    if words and words[0] in _ARTICLES:
        words = words[1:]
    return bool(words) and words[0] in INSTITUTION_WORDS


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM_ONLY.fullmatch(clean_spaces(text).strip(" .,;:/|")))


def _split_commas(line: str, directory: Directory | None) -> list[str]:
    if _known(line, directory):
        return [line]
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for char in line:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    joined: list[str] = []
    for index, piece in enumerate(pieces):
        if joined and _continues(joined[-1], pieces[index:], directory):
            joined[-1] = f"{joined[-1]},{piece}"
        else:
            joined.append(piece)
    return joined


def _continues(before: str, rest: list[str], directory: Directory | None) -> bool:
    """Whether ``rest[0]`` (after a comma) continues the name ``before`` (see :func:`split_institutions`)."""
    piece = clean_spaces(rest[0])
    if not piece:
        return False
    if piece[0].islower():
        return True  # "Ministerio de Economía, a través de su Dirección…"
    if _TRAILING_PAREN.search(clean_spaces(before)) or _is_acronym(before) or len(fold(before).split()) < 2:
        return False
    for following in rest:
        following = clean_spaces(following)
        bare = _TRAILING_PAREN.sub("", following)
        if (
            not bare
            or _starts_institution(bare)
            or _is_acronym(bare)
            or _known(following, directory)
            or len(_CONJUNCTION.split(bare)[0].split()) > _MAX_LIST_WORDS
        ):
            return False
        parts = _CONJUNCTION.split(bare)
        if len(parts) > 1:
            last = parts[-1]
            short = len(last.split()) <= _MAX_LIST_WORDS
            return short and not _starts_institution(last) and not _is_acronym(last)
    return False


def _split_conjunctions(piece: str, directory: Directory | None) -> list[str]:
    if _known(piece, directory):
        return [piece]
    parts: list[str] = []
    position = 0
    text = piece
    for match in _CONJUNCTION.finditer(text):
        if _paren_depth(text, match.start()):
            continue
        left = text[position : match.start()]
        right = text[match.end() :]
        right_first = _CONJUNCTION.split(right)[0]
        if (
            (_is_acronym(left) and _is_acronym(right_first))
            or (_known(left, directory) and _known(right_first, directory))
            or (_starts_institution(right) and fold(left))
            or (_TRAILING_PAREN.search(clean_spaces(left)) and fold(right_first))  # "Name (ACR) y …"
        ):
            parts.append(left)
            position = match.end()
    parts.append(text[position:])
    return parts


def _paren_depth(text: str, end: int) -> int:
    return text.count("(", 0, end) - text.count(")", 0, end)


_EDGE_CONJUNCTION = re.compile(r"^(?:y|e|and|&|\+)(?:\s+|$)|(?:^|\s+)(?:y|e|and|&|\+)$", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:la|el|los|las|the)\s+(?=\S)", re.IGNORECASE)


def _institution(part: str) -> InstitutionName | None:
    written = _EDGE_CONJUNCTION.sub("", clean_spaces(part).strip(" .,;:-–—/|")).strip(" .,;:-–—/|")
    if _LEADING_ARTICLE.match(written) and _starts_institution(written):
        written = _LEADING_ARTICLE.sub("", written)  # "la Comisión Presidencial…"
    if not fold(written):
        return None
    name, acronym = written, ""
    if match := _TRAILING_PAREN.search(written):
        candidate = match.group("acronym")
        if _looks_like_acronym(candidate):
            name, acronym = written[: match.start()].strip(" .,;:-–—"), candidate
    elif match := _DASHED_ACRONYM.match(written):
        if _looks_like_acronym(match.group("acronym")):
            name, acronym = match.group("name").strip(" .,;:-–—"), match.group("acronym")
    elif (match := _ACRONYM_FIRST.match(written)) and len(match.group("name").split()) >= 2:
        if _looks_like_acronym(match.group("acronym")) and not _is_acronym(match.group("name")):
            name, acronym = match.group("name").strip(" .,;:-–—"), match.group("acronym")
    elif _is_acronym(written):
        acronym = re.sub(r"[.\s]", "", written) if "." in written else written
        name = acronym
    if not fold(name):
        name = acronym or written
    return InstitutionName(written=written, name=name, acronym=acronym)


def _looks_like_acronym(text: str) -> bool:
    """``SEGEPLAN``, ``MinEduc``, ``SAT``, ``ONSEC``: two capitals at least and no lower-case run
    longer than the capitals (``Guatemala`` is not one)."""
    capitals = sum(1 for char in text if char.isupper())
    return capitals >= 2 and capitals * 2 >= sum(1 for char in text if char.isalpha())
