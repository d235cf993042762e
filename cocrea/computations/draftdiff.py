"""What changed between two versions of a document made of paragraphs, down to the word.

A national strategy is drafted in versions (``Borrador 1``, ``2``, ``3``, ``final``). Each version is a
list of :class:`Block` paragraphs; a paragraph keeps its ``key`` from one version to the next while its
text changes, so its history can be followed.

:func:`diff_versions` matches paragraphs by key and reports each as ``unchanged``, ``changed`` (with
the words marked by :func:`word_diff`), ``added`` or ``removed``; a paragraph present in both versions
is also ``moved`` when it left the longest run of paragraphs that kept their relative order. The list
follows the new version, each removed paragraph placed right after the one that preceded it in the old
version, so it reads naturally on screen. :func:`apply_diff` rebuilds the new version from the old one
and the changes alone (a check that the diff is complete), and :func:`summarize` counts the changes.

:func:`word_diff` cuts both texts into words, runs of whitespace and single punctuation marks, so
joining the ``equal`` and ``delete`` runs gives the old text exactly and joining the ``equal`` and
``insert`` runs gives the new one. Accents and case count. Each word is compared together with the
whitespace before it, so ``a b`` → ``x y`` reads as one replacement and not two; whitespace shared by
both sides of a replacement is left out of the marks.

A version imported from DOCX or Markdown arrives without keys. :func:`match_paragraphs` proposes which
old paragraph each new one continues: identical texts first (whitespace normalised, in their relative
order where possible), then the remaining pairs by :class:`difflib.SequenceMatcher` ratio over words,
best pairs first and one to one, so a paragraph that was moved *and* lightly edited still matches.
Pairs are pruned by an upper bound of the ratio (the shared words, counted through an index of the
rarer words) before the ratio itself is computed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

UNCHANGED = "unchanged"
CHANGED = "changed"
ADDED = "added"
REMOVED = "removed"
MOVED = "moved"

KINDS = (UNCHANGED, CHANGED, ADDED, REMOVED)

# A word (with combining accents, for text in decomposed form) or a single other mark, each with the
# whitespace before it; or whitespace ending the text. Every character falls in one token.
_TOKEN = re.compile(r"\s*(?:[\w\u0300-\u036f]+|[^\w\s])|\s+")


@dataclass(frozen=True)
class Block:
    key: str  # stable identity across versions
    text: str  # the paragraph's Markdown source


@dataclass(frozen=True)
class WordOp:
    op: str  # "equal" | "insert" | "delete"
    text: str  # the words (with their original whitespace) of this run


@dataclass(frozen=True)
class Change:
    kind: str  # "unchanged" | "changed" | "added" | "removed"
    moved: bool  # a paragraph present in both versions that changed its relative order
    key: str
    old_index: int | None  # position in the old list (None when added)
    new_index: int | None  # position in the new list (None when removed)
    old_text: str
    new_text: str
    words: tuple[WordOp, ...] = ()  # word-level marks for "changed" (empty otherwise)


# Word level ------------------------------------------------------------------------------------------


def tokenize(text: str) -> list[str]:
    """Words and marks of ``text``, each with the whitespace before it; joined, they give ``text``."""
    return _TOKEN.findall(text)


def _shared_spaces(a: str, b: str, from_end: bool) -> int:
    """How many whitespace characters ``a`` and ``b`` share at their start (or end)."""
    length = 0
    while length < min(len(a), len(b)):
        x, y = (a[-1 - length], b[-1 - length]) if from_end else (a[length], b[length])
        if x != y or not x.isspace():
            break
        length += 1
    return length


def word_diff(old: str, new: str) -> tuple[WordOp, ...]:
    """The runs of ``old`` kept, deleted and inserted to make ``new``, word by word.

    Adjacent runs of one kind are merged; within a replacement the deletion comes first.
    """
    a, b = tokenize(old), tokenize(new)
    ops: list[WordOp] = []

    def emit(op: str, text: str) -> None:
        if not text:
            return
        if ops and ops[-1].op == op:
            ops[-1] = WordOp(op, ops[-1].text + text)
        else:
            ops.append(WordOp(op, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = "".join(a[i1:i2]), "".join(b[j1:j2])
        if tag == "equal":
            emit(EQUAL, old_part)
            continue
        # Whitespace on both sides of a replacement (" aprobada" → " validada") is not part of it.
        head = _shared_spaces(old_part, new_part, from_end=False)
        emit(EQUAL, old_part[:head])
        old_part, new_part = old_part[head:], new_part[head:]
        tail = _shared_spaces(old_part, new_part, from_end=True)
        emit(DELETE, old_part[: len(old_part) - tail])
        emit(INSERT, new_part[: len(new_part) - tail])
        emit(EQUAL, old_part[len(old_part) - tail :])
    return tuple(ops)


# Paragraph level -------------------------------------------------------------------------------------


def _positions(blocks: Sequence[Block], version: str) -> dict[str, int]:
    positions: dict[str, int] = {}
    for index, block in enumerate(blocks):
        if block.key in positions:
            raise ValueError(
                f"duplicate paragraph key {block.key!r} in the {version} version "
                f"(positions {positions[block.key]} and {index})"
            )
        positions[block.key] = index
    return positions


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indices into ``values`` (distinct numbers) of one longest increasing subsequence."""
    tails: list[int] = []  # smallest last value of an increasing subsequence of each length
    tail_at: list[int] = []  # where that last value sits in ``values``
    previous = [-1] * len(values)
    for index, value in enumerate(values):
        length = bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
            tail_at.append(index)
        else:
            tails[length] = value
            tail_at[length] = index
        previous[index] = tail_at[length - 1] if length else -1
    kept: set[int] = set()
    index = tail_at[-1] if tail_at else -1
    while index >= 0:
        kept.add(index)
        index = previous[index]
    return kept


def diff_versions(old: Sequence[Block], new: Sequence[Block]) -> list[Change]:
    """The paragraphs of ``new`` compared with ``old`` by key, with the removed ones in place."""
    old_at = _positions(old, "old")
    new_at = _positions(new, "new")
    common = [block.key for block in new if block.key in old_at]  # in the new order
    stable = _longest_increasing([old_at[key] for key in common])
    moved = {key for position, key in enumerate(common) if position not in stable}

    # Each removed paragraph follows the nearest earlier old paragraph still present (None: the start).
    removed_after: dict[str | None, list[Change]] = defaultdict(list)
    anchor: str | None = None
    for index, block in enumerate(old):
        if block.key in new_at:
            anchor = block.key
        else:
            removed_after[anchor].append(Change(REMOVED, False, block.key, index, None, block.text, "", ()))

    changes = list(removed_after[None])
    for index, block in enumerate(new):
        if block.key not in old_at:
            changes.append(Change(ADDED, False, block.key, None, index, "", block.text, ()))
            continue
        old_index = old_at[block.key]
        old_text, new_text = old[old_index].text, block.text
        kind, words = (UNCHANGED, ()) if old_text == new_text else (CHANGED, word_diff(old_text, new_text))
        is_moved = block.key in moved
        changes.append(Change(kind, is_moved, block.key, old_index, index, old_text, new_text, words))
        changes.extend(removed_after.get(block.key, ()))
    return changes


def apply_diff(old: Sequence[Block], changes: Sequence[Change]) -> list[Block]:
    """The new version, from ``old`` and ``changes`` (their texts and new positions only).

    Raises ``ValueError`` when the changes do not describe ``old`` paragraph for paragraph, or do not
    place every new paragraph exactly once.
    """
    seen_old: set[int] = set()
    placed: dict[int, Block] = {}
    for change in changes:
        if change.kind not in KINDS:
            raise ValueError(f"unknown change kind {change.kind!r} for paragraph {change.key!r}")
        if (change.old_index is None) != (change.kind == ADDED):
            raise ValueError(f"{change.kind} paragraph {change.key!r} has an inconsistent old position")
        if (change.new_index is None) != (change.kind == REMOVED):
            raise ValueError(f"{change.kind} paragraph {change.key!r} has an inconsistent new position")
        if change.kind == UNCHANGED and change.old_text != change.new_text:
            raise ValueError(f"paragraph {change.key!r} is marked unchanged but its text differs")
        if change.old_index is not None:
            index = change.old_index
            if not 0 <= index < len(old) or index in seen_old:
                raise ValueError(f"old position {index} of paragraph {change.key!r} is out of place")
            if old[index].key != change.key or old[index].text != change.old_text:
                raise ValueError(f"the diff does not belong to this version: paragraph {index} differs")
            seen_old.add(index)
        if change.new_index is not None:
            if change.new_index in placed:
                raise ValueError(f"new position {change.new_index} is given twice")
            placed[change.new_index] = Block(change.key, change.new_text)
    if len(seen_old) != len(old):
        missing = min(set(range(len(old))) - seen_old)
        raise ValueError(f"the diff does not belong to this version: paragraph {missing} is not described")
    if set(placed) != set(range(len(placed))):
        raise ValueError("the new positions of the diff leave gaps")
    return [placed[index] for index in range(len(placed))]


def summarize(changes: Sequence[Change]) -> dict[str, int]:
    """How many paragraphs were added, removed, changed, moved and left unchanged.

    A paragraph changed and moved counts in both.
    """
    counts = dict.fromkeys((ADDED, REMOVED, CHANGED, MOVED, UNCHANGED), 0)
    for change in changes:
        counts[change.kind] += 1
        if change.moved:
            counts[MOVED] += 1
    return counts


# Matching paragraphs without keys --------------------------------------------------------------------


def _exact_matches(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Identical (normalised) texts: first in their common order, then the rest in reading order."""
    matches: dict[int, int] = {}
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            matches[block.b + offset] = block.a + offset
    used = set(matches.values())
    free_old: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(old):
        if index not in used:
            free_old[text].append(index)
    for index, text in enumerate(new):
        if index not in matches and free_old.get(text):
            matches[index] = free_old[text].pop(0)
    return matches


_EDGE_PUNCTUATION = ".,;:!?¡¿()[]{}\"'«»“”‘’*_`"


def _match_words(text: str) -> list[str]:
    """Words for matching, ignoring case and the punctuation stuck to them (``ciudadana.``)."""
    words = (word.strip(_EDGE_PUNCTUATION).casefold() for word in text.split())
    return [word for word in words if word]


CONTAINED = 0.9  # share of the shorter paragraph's words kept, in order, inside the longer one
CONTAINED_MIN_WORDS = 5


def match_paragraphs(old: Sequence[str], new: Sequence[str], threshold: float = 0.6) -> dict[int, int]:
    """Which old paragraph each new paragraph continues, as ``{new_index: old_index}``, one to one.

    Identical texts (whitespace normalised) match first; the others match when the similarity ratio of
    their words is at least ``threshold``, or when the shorter one (five words or more) is kept
    almost whole (:data:`CONTAINED`) inside the longer one, the most similar pairs first. New
    paragraphs with no match are left out.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    old_words = [_match_words(text) for text in old]
    new_words = [_match_words(text) for text in new]
    matches = _exact_matches([" ".join(t.split()) for t in old], [" ".join(t.split()) for t in new])

    used = set(matches.values())
    rest_old = [index for index in range(len(old)) if index not in used]
    rest_new = [index for index in range(len(new)) if index not in matches]
    if not rest_old or not rest_new:
        return matches

    # Upper bound of the ratio: 2 * shared words / total words. Shared rare words are counted exactly
    # through an index; words found in many old paragraphs (articles, prepositions) are bounded as a
    # whole by the smaller of the two paragraphs' counts of such words.
    old_counts = {index: Counter(old_words[index]) for index in rest_old}
    document_frequency: Counter[str] = Counter()
    for counts in old_counts.values():
        document_frequency.update(counts.keys())
    cap = max(8, len(rest_old) // 10)
    frequent = {word for word, seen in document_frequency.items() if seen > cap}
    index_of: dict[str, list[tuple[int, int]]] = defaultdict(list)
    frequent_in_old: dict[int, int] = {}
    for index, counts in old_counts.items():
        frequent_in_old[index] = 0
        for word, count in counts.items():
            if word in frequent:
                frequent_in_old[index] += count
            else:
                index_of[word].append((index, count))
    shortest_old = min(len(old_words[index]) for index in rest_old)

    scored: list[tuple[float, float, int, int]] = []
    for new_index in rest_new:
        words = new_words[new_index]
        shared: dict[int, int] = defaultdict(int)
        frequent_in_new = 0
        for word, count in Counter(words).items():
            if word in frequent:
                frequent_in_new += count
                continue
            for old_index, old_count in index_of.get(word, ()):
                shared[old_index] += count if count < old_count else old_count
        if 2.0 * frequent_in_new / max(1, len(words) + shortest_old) >= threshold:
            candidates: Sequence[int] = rest_old  # frequent words alone might reach the threshold
        else:
            candidates = list(shared)
        matcher = SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(words)
        for old_index in candidates:
            total = len(words) + len(old_words[old_index])
            if not total:
                continue
            shorter = min(len(words), len(old_words[old_index]))
            bound = shared.get(old_index, 0) + min(frequent_in_new, frequent_in_old[old_index])
            kept_bound = bound / shorter if shorter >= CONTAINED_MIN_WORDS else 0.0
            if 2.0 * bound / total < threshold and kept_bound < CONTAINED:
                continue
            matcher.set_seq1(old_words[old_index])
            same = sum(block.size for block in matcher.get_matching_blocks())
            ratio = 2.0 * same / total
            # A short paragraph that grew (or shrank) around its whole text is still the same one.
            kept = same / shorter if shorter >= CONTAINED_MIN_WORDS else 0.0
            if ratio >= threshold or kept >= CONTAINED:
                score = max(ratio, kept * threshold)
                drift = abs(new_index / len(new) - old_index / len(old))
                scored.append((-score, drift, new_index, old_index))

    scored.sort()
    taken = set(used)
    for _, _, new_index, old_index in scored:
        if new_index not in matches and old_index not in taken:
            matches[new_index] = old_index
            taken.add(old_index)
    return matches
