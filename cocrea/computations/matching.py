"""The same person or organisation written in different ways: comparison keys and merge proposals.

Sign-in sheets spell one person three ways (``María José  Pérez``, ``PEREZ, Maria Jose``, ``Licda.
pérez maría josé``) and count ``INAP`` and ``Instituto Nacional de Administración Pública`` as two
organisations. This module decides two things, deliberately kept apart:

**Same person, decided automatically** (:func:`same_person`, :func:`find_person`,
:func:`identity_keys`). Two records are the same person when their emails are equal (trimmed, case
ignored) or when their :func:`person_key` is equal *and* holds at least two whole words (one-letter
initials do not count). The key ignores case, accents, spacing, punctuation, word order, the
particles ``de``, ``del``, ``la``, ``las``, ``los``, ``y``, ``e``, ``vda``, titles written before the
name or after the comma of ``SURNAME, Names`` (``Lic.``, ``Licda.``, ``Ing.``, ``Dr.``, ``Dra.``,
``Arq.``, ``Sr.``, ``Sra.``, ``MSc``, ``PhD``...) and degrees after it (``PhD``, ``MSc``, ``MBA``,
``Mgtr.``); ``Ma.`` and ``Mª`` read ``María``, ``Fco.`` reads ``Francisco``.

Names that are a part of each other are **not** the same person here: ``Juan Gómez`` may be ``Juan
Carlos Gómez`` or ``Juan Pablo Gómez``, and Guatemalan names share given names and surnames so often
that any rule short of equality merges different people. A wrong merge mixes two people's
attendance and personal data and is hard to undo; a missed one costs a click on the staff screen.
A single word (``María``) never identifies anyone by name alone.

**Proposed merges, decided by staff** (:func:`match_score`, :func:`propose_merges`). A score in
[0, 1] compares the words of two names, pairing each word with its best counterpart: the same word
scores 1, the same sound 0.9 (``Pérez``/``Peres``, ``Velásquez``/``Belazquez``,
``Jiménez``/``Giménez``), an initial and a word it starts 0.8 (``J.``/``Juan``), a one-letter typo in
a long word 0.8 (``Rodrigez``/``Rodriguez``). The score averages the share of both names' words
matched (Dice) and the share of the shorter name's words matched, so ``Juan Gómez`` / ``Juan Carlos
Gómez`` scores 0.9 and ``María José Pérez`` / ``María José López`` 0.67. Fewer than two words
matched by spelling or sound caps the score at 0.5: ``María Pérez`` / ``María López`` is 0.5.

:func:`organization_ref` resolves what a person wrote as their organisation against a
:class:`~cocrea.computations.orgnames.Directory`: the whole text, a dotted acronym (``I.N.A.P.``),
or its parts (``Instituto Nacional de Administración Pública (INAP)``, ``INAP - Instituto
Nacional…``) when they all name one entry or start its name; anything else is ``None``, and
:func:`same_organization` then compares the folded names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import combinations
from typing import TypeVar

from cocrea.computations.orgnames import Directory, OrgRef
from cocrea.computations.text import clean_spaces, fold, strip_accents

T = TypeVar("T")

# --- Names ---------------------------------------------------------------------------------------

# Titles before a name, on accent-free lower-case text. Each one ends with a dot, a space, a comma or
# the end of the text, so ``Ingrid`` keeps its ``Ing``; ``Inga`` (a given name too) only with a dot.
_TITLE_PATTERNS = (
    r"lic",
    r"licda",
    r"licdo",
    r"licenciad[oa]",
    r"ing",
    r"inga(?=\.)",
    r"ingenier[oa]",
    r"dra?",
    r"doctora?",
    r"arq",
    r"arquitect[oa]",
    r"sra?",
    r"srta",
    r"senora?",
    r"senorita",
    r"prof",
    r"profa",
    r"profesora?",
    r"mtr[oa]",
    r"mgte?r",
    r"m\.?\s?sc",
    r"mba",
    r"ph\.?\s?d",
)
# Titles as written, for tests and help texts; the patterns above are what is dropped.
TITLES: tuple[str, ...] = (
    *("Lic.", "Licda.", "Licdo.", "Licenciada", "Ing.", "Inga.", "Ingeniero", "Dr.", "Dra.", "Doctora"),
    *("Arq.", "Sr.", "Sra.", "Srta.", "Señora", "Prof.", "Profa.", "Mtro.", "Mtra.", "Mgtr."),
    *("MSc", "M.Sc.", "Msc.", "MBA", "PhD", "Ph.D."),
)
_LEADING_TITLES = re.compile(
    r"^[\s,.;:]*(?:(?:" + "|".join(_TITLE_PATTERNS) + r")(?:\.|(?=[\s,;:])|$)[\s,.;:]*)+"
)
_TRAILING_DEGREES = re.compile(r"(?:[\s,;]+(?:ph\.?\s?d|m\.?\s?sc|mba|mgte?r)\.?)+[\s.,;]*$")
_ABBREVIATIONS = ((re.compile(r"(?i)\bm(?:ª|a\.)"), "María "), (re.compile(r"(?i)\bfco\."), "Francisco "))
_APOSTROPHES = re.compile(r"['’`´]")
_WORD = re.compile(r"[^\W_]+")
_WORD_AND_DOT = re.compile(r"([^\W_]+)(\.)?")
PARTICLES = frozenset(["de", "del", "la", "las", "los", "y", "e", "vda"])
MIN_NAME_WORDS = 2  # whole words (two letters or more) a name needs to identify a person

# Word similarities used by :func:`match_score`.
SAME_SOUND = 0.9
INITIAL = 0.8
TYPO = 0.8
CAPPED_SCORE = 0.5  # the most a pair with fewer than two words in common can score
# :func:`propose_merges` skips a spelling shared by more keys than this (``Participante A``, ``B``...):
# too common to tell people apart, and comparing all its pairs would grow with the square.
MAX_BLOCK = 100


@lru_cache(maxsize=65536)
def name_words(name: str) -> tuple[str, ...]:
    """The words of a name as compared: folded, without titles or particles, sorted."""
    if "." in name or "ª" in name:
        for pattern, replacement in _ABBREVIATIONS:
            name = pattern.sub(replacement, name)
    text = _without_accents(_APOSTROPHES.sub("", name)).casefold()
    text = _TRAILING_DEGREES.sub("", _LEADING_TITLES.sub("", text))
    surname, comma, given = text.partition(",")
    if comma and _WORD.search(untitled := _LEADING_TITLES.sub("", given)):
        text = f"{surname} {untitled}"  # ``PÉREZ, Licda. María José``; ``Pérez, Sr.`` is kept
    words: list[str] = []
    kept: list[str] = []
    for match in _WORD_AND_DOT.finditer(text):
        word = match.group(1)
        words.append(word)
        if word not in PARTICLES or (len(word) == 1 and match.group(2)):  # ``E.`` is an initial
            kept.append(word)
    return tuple(sorted(kept or words))


_COMMON_MARKS = re.compile("[\u0300-\u036f]+")


def _without_accents(text: str) -> str:
    """:func:`~cocrea.computations.text.strip_accents`, faster for the usual Latin names."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    stripped = _COMMON_MARKS.sub("", decomposed)
    return stripped if stripped.isascii() else strip_accents(text)


def person_key(name: str) -> str:
    """A comparison key ignoring case, accents, spacing, punctuation, word order and titles.

    ``"María José  Pérez"``, ``"PEREZ, Maria Jose"`` and ``"Licda. pérez maría josé"`` all give
    ``"jose maria perez"``. Empty when the name has no word besides titles.
    """
    return " ".join(name_words(name))


def normalize_email(email: str) -> str:
    """``" Juan@INAP.gob.gt "`` → ``"juan@inap.gob.gt"``; a ``mailto:`` prefix is dropped."""
    email = email.strip().casefold()
    return email.removeprefix("mailto:").strip()


def _whole_words(words: Sequence[str]) -> int:
    return sum(1 for word in words if len(word) > 1)


def identity_keys(name: str, email: str = "") -> tuple[str, ...]:
    """The keys under which a person is found: ``email:…`` and ``name:…``.

    Two records are :func:`same_person` exactly when they share one of these keys, so a registry
    indexed by them finds a person in constant time. The name key is left out for a name with
    fewer than two whole words (``María``, ``J. Pérez``): it cannot tell people apart.
    """
    keys: list[str] = []
    normalized = normalize_email(email)
    if normalized:
        keys.append(f"email:{normalized}")
    words = name_words(name)
    if _whole_words(words) >= MIN_NAME_WORDS:
        keys.append(f"name:{' '.join(words)}")
    return tuple(keys)


def same_person(a: str, b: str, email_a: str = "", email_b: str = "") -> bool:
    """Equal non-empty emails, or equal :func:`person_key` of at least two whole words.

    Deliberately exact: a name that is part of another (``Juan Gómez`` / ``Juan Carlos Gómez``) is
    not enough; :func:`match_score` and :func:`propose_merges` show such pairs to staff instead.
    """
    return not set(identity_keys(a, email_a)).isdisjoint(identity_keys(b, email_b))


def find_person(name: str, email: str, candidates: Iterable[tuple[T, str, str]]) -> T | None:
    """The candidate ``(id, name, email)`` that is the same person, or ``None``.

    A candidate with the same email wins over ones with the same name. ``None`` when no candidate
    matches, or when two different ids match at the same level (two email matches, or no email
    match and two name matches): the caller must ask a person rather than guess.
    """
    keys = identity_keys(name, email)
    if not keys:
        return None
    email_key = keys[0] if keys[0].startswith("email:") else ""
    by_email: list[T] = []
    by_name: list[T] = []
    for target, candidate_name, candidate_email in candidates:
        theirs = identity_keys(candidate_name, candidate_email)
        if email_key and email_key in theirs:
            if target not in by_email:
                by_email.append(target)
        elif not set(keys).isdisjoint(theirs) and target not in by_name:
            by_name.append(target)
    if by_email:
        return by_email[0] if len(by_email) == 1 else None
    return by_name[0] if len(by_name) == 1 else None


# --- Scores --------------------------------------------------------------------------------------

_SOUND_RULES = (
    (re.compile(r"ch"), "1"),  # keep ``ch`` apart from ``c`` and ``h``
    (re.compile(r"g(?=[ei])"), "j"),  # Gimena, Jimena
    (re.compile(r"gu(?=[ei])"), "g"),  # Guerra, Gerra
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"c"), "k"),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"h"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)


@lru_cache(maxsize=65536)
def word_sound(word: str) -> str:
    """How a folded word sounds in Spanish, roughly: ``perez`` and ``peres`` → ``peres``.

    Words with a digit are kept as they are: ``100`` is not ``10``."""
    if not word.isalpha():
        return word
    for pattern, replacement in _SOUND_RULES:
        word = pattern.sub(replacement, word)
    return word


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by one inserted, deleted or replaced letter."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :]
    return a[start:] == b[start + 1 :]


@lru_cache(maxsize=65536)
def word_similarity(a: str, b: str) -> float:
    """1 for the same word, 0.9 same sound, 0.8 initial of the other or one-letter typo, else 0."""
    if a == b:
        return 1.0
    if not (a.isalpha() and b.isalpha()):
        return 0.0  # numbers match only exactly
    if len(a) == 1 or len(b) == 1:
        return INITIAL if len(a) != len(b) and a[0] == b[0] else 0.0
    if word_sound(a) == word_sound(b):
        return SAME_SOUND
    if min(len(a), len(b)) >= 6 and a[0] == b[0] and a[-1] == b[-1] and _one_edit(a, b):
        return TYPO
    return 0.0


def _words_score(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    if not a or not b:
        return 0.0
    if a > b:  # the greedy pairing below breaks ties by position: make it symmetric
        a, b = b, a
    pairs = sorted(
        (-similarity, i, j)
        for i, x in enumerate(a)
        for j, y in enumerate(b)
        if (similarity := word_similarity(x, y)) > 0
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    total = 0.0
    strong = 0
    for negative, i, j in pairs:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        total -= negative
        if -negative >= SAME_SOUND and len(a[i]) > 1 and len(b[j]) > 1:
            strong += 1
    score = (2 * total / (len(a) + len(b)) + total / min(len(a), len(b))) / 2
    if strong < MIN_NAME_WORDS:
        score = min(score, CAPPED_SCORE)
    return round(min(score, 1.0), 4)


def match_score(a: str, b: str) -> float:
    """How alike two names are, from 0 to 1, for proposing merges to staff (see the module notes).

    1 exactly when the :func:`person_key` is equal and has two whole words; symmetric; at most 0.5
    unless two words agree in spelling or sound.
    """
    return _words_score(name_words(a), name_words(b))


# --- Merge proposals -----------------------------------------------------------------------------


def propose_merges(
    people: Sequence[tuple[T, str, str]], threshold: float = 0.85, *, max_extensions: int = 2
) -> list[tuple[T, T, float]]:
    """Pairs ``(id, id, score)`` likely to be the same person, best first, for a staff screen.

    ``people`` are ``(id, name, email)``. Proposed are:

    - people with the same email, or the same :func:`person_key` of two whole words or more: score
      1, each paired with the first of them in ``people`` (not every pair of a group);
    - different keys scoring at least ``threshold``, paired between the first person holding each
      key, among the keys whose whole words, by sound, are the same; or are those of a longer name
      less one or two words (``Juan Gómez`` in ``Juan Carlos Gómez``); or, with three words or more,
      differ in one by a typo (same first and last letter, six letters or more).

    A name that could be the short form of more than ``max_extensions`` different longer names
    (``Luis Pérez`` of ``Luis Carlos Pérez``, ``Luis Pérez Batz``, ``Luis J. Pérez``...) is
    ambiguous: none of them is proposed for it; so is a set of sounds written more than
    :data:`MAX_BLOCK` ways (placeholder names such as ``Participante A``, ``Participante B``...).
    Candidates are found through indexes of word sounds, never by comparing all pairs, so the work
    grows with the number of people, not its square. The first id of a pair is the one earlier in
    ``people``; pairs of equal score keep the order of ``people``.
    """
    found: dict[tuple[int, int], float] = {}
    key_of: dict[tuple[str, ...], int] = {}
    key_words: list[tuple[str, ...]] = []
    key_holder: list[int] = []
    email_holder: dict[str, int] = {}
    for index, (_, name, email) in enumerate(people):
        words = name_words(name)
        key = key_of.setdefault(words, len(key_words))
        if key == len(key_words):
            key_words.append(words)
            key_holder.append(index)
        elif _whole_words(words) >= MIN_NAME_WORDS and threshold <= 1:
            found[(key_holder[key], index)] = 1.0
        normalized = normalize_email(email)
        if normalized:
            first = email_holder.setdefault(normalized, index)
            if first != index and threshold <= 1:
                found[(first, index)] = 1.0
    scored: list[tuple[int, int, float]] = []
    longer_partners: defaultdict[int, set[tuple[str, ...]]] = defaultdict(set)
    for a, b in _candidate_keys(key_words, max_extensions):
        words_a, words_b = key_words[a], key_words[b]
        shorter, longer = sorted((len(words_a), len(words_b)))
        if (2 * shorter / (shorter + longer) + 1) / 2 < threshold:
            continue  # not even with every word of the shorter name matched
        score = _words_score(words_a, words_b)
        if score >= threshold:
            scored.append((a, b, score))
            if len(words_a) != len(words_b):
                short, long = (a, b) if len(words_a) < len(words_b) else (b, a)
                longer_partners[short].add(tuple(sorted(map(word_sound, key_words[long]))))
    for a, b, score in scored:
        short = (
            a if len(key_words[a]) < len(key_words[b]) else b if len(key_words[b]) < len(key_words[a]) else -1
        )
        if short >= 0 and len(longer_partners[short]) > max_extensions:
            continue  # ambiguous: the shorter name could be any of them
        pair = (min(key_holder[a], key_holder[b]), max(key_holder[a], key_holder[b]))
        found[pair] = max(score, found.get(pair, 0.0))
    ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return [(people[i][0], people[j][0], score) for (i, j), score in ordered]


def _candidate_keys(key_words: Sequence[tuple[str, ...]], max_extensions: int) -> Iterator[tuple[int, int]]:
    """Pairs of distinct keys worth scoring, each once (see :func:`propose_merges`)."""
    sounds: list[tuple[str, ...]] = []
    by_sounds: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    typo_blocks: defaultdict[tuple[tuple[str, ...], str, str], list[int]] = defaultdict(list)
    for key, words in enumerate(key_words):
        whole = sorted((word_sound(w), w) for w in words if len(w) > 1)
        sound = tuple(s for s, _ in whole)
        sounds.append(sound)
        if len(sound) >= MIN_NAME_WORDS:
            by_sounds[sound].append(key)
        if len(sound) >= 3:
            for position, (_, word) in enumerate(whole):
                if len(word) >= 6:
                    rest = sound[:position] + sound[position + 1 :]
                    typo_blocks[(rest, word[0], word[-1])].append(key)
    extensions: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
    for key, sound in enumerate(sounds):
        for drop in (1, 2):
            size = len(sound) - drop
            if size < MIN_NAME_WORDS:
                break
            for part in dict.fromkeys(combinations(sound, size)):
                if part in by_sounds:
                    extensions[part].append(key)
    seen: set[tuple[int, int]] = set()

    def new(a: int, b: int) -> bool:
        pair = (a, b) if a < b else (b, a)
        if a == b or pair in seen:
            return False
        seen.add(pair)
        return True

    for group in by_sounds.values():
        if len(group) <= MAX_BLOCK:
            for a, b in combinations(group, 2):
                if new(a, b):
                    yield a, b
    for part, longer in extensions.items():
        if len(longer) > MAX_BLOCK or len({sounds[key] for key in longer}) > max_extensions:
            continue  # ambiguous: the shorter name could be any of them
        if len(by_sounds[part]) <= MAX_BLOCK:
            for short in by_sounds[part]:
                for key in longer:
                    if new(short, key):
                        yield short, key
    for block in typo_blocks.values():
        if len(block) <= MAX_BLOCK:
            for a, b in combinations(block, 2):
                if new(a, b):
                    yield a, b


# --- Organisations -------------------------------------------------------------------------------

_DOTTED_ACRONYM = re.compile(r"(?:[^\W\d_]\.\s?){2,}[^\W\d_]?\.?")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_PART_SEPARATORS = re.compile(r"\s+[-:|]\s*|\s*[-:|]\s+|\s*[–—/]\s*|(?<=[A-ZÁÉÍÓÚÑ])-(?=[A-ZÁÉÍÓÚÑ])")
_TRAILING_ACRONYM = re.compile(r"\s*\(\s*[^\W\d_]{2,12}\s*\)\s*$")


def _lookup(text: str, directory: Directory) -> OrgRef | None:
    text = clean_spaces(text).strip(" .,;:-–—")
    if not text:
        return None
    found = directory.lookup(text)
    if found is None and _DOTTED_ACRONYM.fullmatch(text):
        found = directory.lookup(re.sub(r"[.\s]", "", text))
    return found


def organization_ref(text: str, directory: Directory) -> OrgRef | None:
    """The directory entry ``text`` names, or ``None`` when unknown or naming several.

    Read as a whole first (acronym, full name or alias, case and accents ignored; ``I.N.A.P.``),
    then by parts: what is in parentheses and what is around dashes, colons and slashes
    (``Instituto Nacional de Administración Pública (INAP)``, ``INAP - Instituto Nacional de…``,
    ``INAP-Instituto…``). The parts must all name one entry, or be the start of its name or an alias
    (a name cut short). Anything else gives ``None``: ``INAP / GPAT`` names two organisations, and in
    ``INAP - Universidad X`` the university may be another legal person.
    """
    found = _lookup(text, directory)
    if found is not None or not fold(text):
        return found
    refs: dict[str, OrgRef] = {}
    unknown: list[str] = []
    for piece in [*_PARENTHESES.findall(text), _PARENTHESES.sub(" ", text)]:
        ref = _lookup(piece, directory)
        parts = [piece] if ref is not None else _PART_SEPARATORS.split(piece)
        for part in parts:
            ref = _lookup(part, directory)
            if ref is not None:
                refs.setdefault(ref.key, ref)
            elif fold(part):
                unknown.append(fold(part))
    if len(refs) != 1:
        return None
    ref = next(iter(refs.values()))
    names = [fold(name) for name in (ref.name, *ref.aliases) if name]
    for part in unknown:
        if not any(name == part or name.startswith(f"{part} ") for name in names):
            return None
    return ref


def organization_key(text: str, directory: Directory) -> str:
    """A key to count distinct organisations: ``ref:<key>`` for directory entries, else ``name:<fold>``.

    Unknown names compare folded, without a trailing acronym in parentheses (``Fundación Manos
    (FM)`` is ``Fundación Manos``); empty text gives ``""``.
    """
    ref = organization_ref(text, directory)
    if ref is not None:
        return f"ref:{ref.key}"
    folded = fold(_TRAILING_ACRONYM.sub("", text)) or fold(text)
    return f"name:{folded}" if folded else ""


def same_organization(a: str, b: str, directory: Directory) -> bool:
    """Both texts name the same directory entry, or are unknown and equal once folded."""
    key = organization_key(a, directory)
    return bool(key) and key == organization_key(b, directory)
