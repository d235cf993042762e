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
both sides of a replacement is left out of the marks. Two very long paragraphs (past
:data:`WORD_DIFF_WORK`) are compared in bounded time: their common start and end, then chunks of a few
words, then words again between the chunks that match.

A version imported from DOCX or Markdown arrives without keys. :func:`match_paragraphs` proposes which
old paragraph each new one continues: identical texts first (whitespace normalised, in their relative
order where possible), then the remaining pairs by :class:`difflib.SequenceMatcher` ratio over words,
best pairs first and one to one, so a paragraph that was moved *and* lightly edited still matches.

Matching does not compare every pair, which took minutes at a few thousand paragraphs. Identical
texts are aligned the way patience diff does it (texts found once on each side anchor the order).
Each paragraph left is compared with the old ones in its place (at the same distance from matched
neighbours) and with the :data:`CANDIDATES` that share most of its rarest words and runs of three
words, found through an index (every pair when few are left, :data:`ALL_PAIRS`). A pair is then
discarded by the length of a longest common subsequence of their words (bit-parallel, a bound of the
ratio) before the ratio itself is computed. :class:`MatchStats` counts this work. Paragraphs of
thousands of words are compared like long paragraphs in :func:`word_diff` (:data:`PAIR_WORK`); past
:data:`SIMILARITY_PARAGRAPHS` or :data:`SIMILARITY_WORDS` only positional neighbours are compared.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property

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

    Adjacent runs of one kind are merged; within a replacement the deletion comes first. Very long
    paragraphs are compared within bounds (:func:`_matching_runs`): the marks stay exact, a long
    rewritten stretch may show as one replacement.
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

    for tag, i1, i2, j1, j2 in _opcodes(a, b):
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


WORD_DIFF_WORK = 1_000_000  # token counts of two paragraphs multiplied: above this, the bounded diff
CHUNK_MARK = 8  # a chunk ends where a checksum is a multiple of this: chunks of about 8 tokens
CHUNK_MAX = 32  # and of at most this many


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes for ordinary paragraphs; for very long ones, the same built from
    :func:`_matching_runs` ("replace" standing for any change)."""
    if len(a) * len(b) <= WORD_DIFF_WORK:
        return list(SequenceMatcher(None, a, b, autojunk=False).get_opcodes())
    codes: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for start_a, start_b, size in [*_matching_runs(a, b, WORD_DIFF_WORK), (len(a), len(b), 0)]:
        if i < start_a or j < start_b:
            codes.append(("replace", i, start_a, j, start_b))
        if size:
            codes.append(("equal", start_a, start_a + size, start_b, start_b + size))
        i, j = start_a + size, start_b + size
    return codes


def _matching_runs(a: Sequence[str], b: Sequence[str], work: int) -> list[tuple[int, int, int]]:
    """Runs ``(start in a, start in b, length)`` equal in both, in order, found in bounded time.

    SequenceMatcher when ``len(a) * len(b)`` is at most ``work``. Otherwise: the common start and end;
    between them, the runs of chunks (cut where a token's checksum says, so an edit moves no cut
    elsewhere) equal in both, when the chunks repeat little; and SequenceMatcher again inside each
    stretch between those runs small enough for ``work``. What is left is a replacement.
    """
    if len(a) * len(b) <= work:
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        return [(m.a, m.b, m.size) for m in matcher.get_matching_blocks() if m.size]
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    runs = [(0, 0, head)] if head else []
    runs.extend(_middle_runs(a, b, (head, len(a) - tail, head, len(b) - tail), work))
    if tail:
        runs.append((len(a) - tail, len(b) - tail, tail))
    return runs


def _middle_runs(
    a: Sequence[str], b: Sequence[str], span: tuple[int, int, int, int], work: int
) -> list[tuple[int, int, int]]:
    alo, ahi, blo, bhi = span
    if alo == ahi or blo == bhi:
        return []
    if (ahi - alo) * (bhi - blo) <= work:
        matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
        return [(alo + m.a, blo + m.b, m.size) for m in matcher.get_matching_blocks() if m.size]
    return _chunk_runs(a, b, _Chunked(a, alo, ahi), _Chunked(b, blo, bhi), work, 4 * work)


class _Chunked:
    """``tokens[start:end]`` cut into chunks (:func:`_chunks`), each with its text as a key."""

    def __init__(self, tokens: Sequence[str], start: int, end: int) -> None:
        self.start, self.end = start, end
        self.chunks = _chunks(tokens, start, end)
        self.keys = ["\x00".join(tokens[first:last]) for first, last in self.chunks]
        self.counts = Counter(self.keys)
        self.sizes = {key: last - first for key, (first, last) in zip(self.keys, self.chunks, strict=True)}

    def shared_tokens(self, other: _Chunked) -> int:
        """How many tokens are in chunks found in both, however placed: about what they share."""
        counts = other.counts
        return sum(min(n, counts[key]) * self.sizes[key] for key, n in self.counts.items() if key in counts)


def _chunk_runs(
    a: Sequence[str], b: Sequence[str], in_a: _Chunked, in_b: _Chunked, work: int, budget: int
) -> list[tuple[int, int, int]]:
    """Runs equal in both, found chunk by chunk and then token by token between the chunks that
    match (where a stretch between them is small enough for ``work``, ``budget`` in all)."""
    pairs = sum(count * in_b.counts[key] for key, count in in_a.counts.items() if key in in_b.counts)
    if not pairs or pairs > 4 * (len(in_a.keys) + len(in_b.keys)):
        return []  # nothing in common, or chunks that repeat too much to align in bounded time
    runs: list[tuple[int, int, int]] = []
    i, j = in_a.start, in_b.start
    matcher = SequenceMatcher(None, in_a.keys, in_b.keys, autojunk=False)
    for block in matcher.get_matching_blocks():
        if block.size:
            start_a, start_b = in_a.chunks[block.a][0], in_b.chunks[block.b][0]
            end_a = in_a.chunks[block.a + block.size - 1][1]
            end_b = in_b.chunks[block.b + block.size - 1][1]
        else:
            start_a, start_b, end_a, end_b = in_a.end, in_b.end, in_a.end, in_b.end
        gap = (start_a - i) * (start_b - j)
        if 0 < gap <= min(work, budget):
            budget -= gap
            matcher_gap = SequenceMatcher(None, a[i:start_a], b[j:start_b], autojunk=False)
            runs.extend((i + m.a, j + m.b, m.size) for m in matcher_gap.get_matching_blocks() if m.size)
        if end_a > start_a:
            runs.append((start_a, start_b, end_a - start_a))
        i, j = end_a, end_b
    return runs


def _chunks(tokens: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """``tokens[start:end]`` cut into short chunks where the checksum of a token and the two before it
    says (the same tokens are cut the same way wherever they are), or after :data:`CHUNK_MAX` tokens."""
    found: list[tuple[int, int]] = []
    begin = start
    for index in range(start, end):
        context = "\x00".join(tokens[max(0, index - 2) : index + 1])  # three tokens: varied even in
        checksum = zlib.crc32(context.encode("utf-8", "surrogatepass"))  # a text of few words
        if checksum % CHUNK_MARK == 0 or index + 1 - begin >= CHUNK_MAX:
            found.append((begin, index + 1))
            begin = index + 1
    if begin < end:
        found.append((begin, end))
    return found


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

CONTAINED = 0.9  # share of the shorter paragraph's words kept, in order, inside the longer one
CONTAINED_MIN_WORDS = 5

# What keeps matching near-linear whatever the texts. A version has at most 5,000 paragraphs
# (``drafttext.MAX_PARAGRAPHS``), but these bounds hold for any input.
ALL_PAIRS = 2_500  # up to this many (new, old) pairs left after the exact matches, every pair is tried
CANDIDATES = 8  # beyond that, each new paragraph is compared with the old ones sharing most rare features
RARE_FEATURES = 24  # how many of a new paragraph's rarest features (words, runs of three words) are used
COMMON_FEATURE = 64  # a feature found in more old paragraphs than this says nothing about which one
SIMILARITY_PARAGRAPHS = 20_000  # above this many unmatched paragraphs on a side, or this many words,
SIMILARITY_WORDS = 2_000_000  # only exact texts and positional neighbours are compared
PAIR_WORK = 250_000  # word counts of two paragraphs multiplied: above this, the bounded comparison
ALIGN_WORK = 50  # steps per paragraph allowed to align identical texts in their order


@dataclass
class MatchStats:
    """What :func:`match_paragraphs` did, added up over the calls it is given to: a way to check
    that the work stays bounded (it grows with the paragraphs, not with their square)."""

    candidates: int = 0  # (new, old) pairs considered
    bounded: int = 0  # pairs whose common-subsequence bound was computed
    compared: int = 0  # pairs whose similarity was computed word by word


def _exact_matches(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """Identical (normalised) texts: first in their common order, then the rest in reading order.

    The common order is found the way patience diff finds it: the common start and end, then the
    texts found once on each side in their longest common order, then the same between them.
    """
    matches: dict[int, int] = {}
    budget = ALIGN_WORK * (len(old) + len(new)) + 1_000
    pending = [(0, len(old), 0, len(new))]
    while pending and budget > 0:
        alo, ahi, blo, bhi = pending.pop()
        while alo < ahi and blo < bhi and old[alo] == new[blo]:
            matches[blo] = alo
            alo, blo = alo + 1, blo + 1
        while alo < ahi and blo < bhi and old[ahi - 1] == new[bhi - 1]:
            matches[bhi - 1] = ahi - 1
            ahi, bhi = ahi - 1, bhi - 1
        if alo == ahi or blo == bhi:
            continue
        budget -= (ahi - alo) + (bhi - blo)
        in_old = Counter(old[alo:ahi])
        in_new = Counter(new[blo:bhi])
        where_old = {old[i]: i for i in range(alo, ahi) if in_old[old[i]] == 1}
        anchors = [
            (where_old[new[j]], j) for j in range(blo, bhi) if in_new[new[j]] == 1 and new[j] in where_old
        ]
        if anchors:
            kept = _longest_increasing([a for a, _ in anchors])
            start_a, start_b = alo, blo
            for position in sorted(kept):
                a, b = anchors[position]
                matches[b] = a
                pending.append((start_a, a, start_b, b))
                start_a, start_b = a + 1, b + 1
            pending.append((start_a, ahi, start_b, bhi))
        elif (ahi - alo) * (bhi - blo) <= ALL_PAIRS:
            matcher = SequenceMatcher(None, old[alo:ahi], new[blo:bhi], autojunk=False)
            for block in matcher.get_matching_blocks():
                for offset in range(block.size):
                    matches[blo + block.b + offset] = alo + block.a + offset
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


class _Words:
    """A paragraph's words for matching, and what comparing them needs, made once when first needed."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    @cached_property
    def masks(self) -> dict[str, int]:
        """For each word, the positions where it occurs, as the bits of a number."""
        masks: dict[str, int] = {}
        for position, word in enumerate(self.words):
            masks[word] = masks.get(word, 0) | (1 << position)
        return masks

    @cached_property
    def chunked(self) -> _Chunked:
        return _Chunked(self.words, 0, len(self.words))


def _lcs_length(masks: dict[str, int], length: int, words: Sequence[str]) -> int:
    """The length of a longest common subsequence of ``words`` and the sequence of ``length`` words
    described by ``masks`` (:attr:`_Words.masks`), bit-parallel (Hyyrö 2004).

    SequenceMatcher's matching blocks form a common subsequence, so this bounds what it finds.
    """
    full = (1 << length) - 1
    row = full
    for word in words:
        kept = row & masks.get(word, 0)
        row = ((row + kept) | (row - kept)) & full
    return length - row.bit_count()


def _similarity(old: _Words, new: _Words, threshold: float, stats: MatchStats) -> float | None:
    """How similar two paragraphs' words are (the ratio, or the share kept when the shorter one of
    five words or more is kept almost whole in the longer one), or None below the threshold.

    Pairs past :data:`PAIR_WORK` are compared chunk by chunk (:func:`_chunk_runs`), their common
    words counted a little short where the edits are dense.
    """
    total = len(old.words) + len(new.words)
    shorter = min(len(old.words), len(new.words))
    contained = shorter >= CONTAINED_MIN_WORDS
    if not total or (2.0 * shorter / total < threshold and not contained):
        return None
    if len(old.words) * len(new.words) <= PAIR_WORK:
        stats.bounded += 1
        bound = _lcs_length(old.masks, len(old.words), new.words)
        if 2.0 * bound / total < threshold and (not contained or bound / shorter < CONTAINED):
            return None
        stats.compared += 1
        matcher = SequenceMatcher(None, old.words, new.words, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
    else:
        # Words in chunks found in both bound roughly what is shared (edits cut a chunk or two each):
        # a pair sharing less than half what it needs is not worth aligning.
        shared = old.chunked.shared_tokens(new.chunked)
        if shared < threshold * total / 4 and (not contained or shared < CONTAINED * shorter / 2):
            return None
        stats.compared += 1
        runs = _chunk_runs(old.words, new.words, old.chunked, new.chunked, PAIR_WORK, len(old.words) * 16)
        same = sum(size for _, _, size in runs)
    ratio = 2.0 * same / total
    # A short paragraph that grew (or shrank) around its whole text is still the same one.
    kept = same / shorter if contained else 0.0
    if ratio >= threshold or kept >= CONTAINED:
        return max(ratio, kept * threshold)
    return None


def _features(words: Sequence[str]) -> list[str]:
    """The words of a paragraph and its runs of three words, each once, in reading order."""
    triples = (" ".join(words[i : i + 3]) for i in range(len(words) - 2))
    return list(dict.fromkeys([*words, *triples]))


def _neighbours(matches: dict[int, int], rest_new: Sequence[int], new_count: int) -> dict[int, list[int]]:
    """For each unmatched new paragraph, the old ones at the same distance from the nearest matched
    paragraph before it and after it (a paragraph edited in place sits where its old self was)."""
    found: dict[int, list[int]] = {index: [] for index in rest_new}
    previous: tuple[int, int] | None = None
    for index in range(new_count):
        if index in matches:
            previous = (index, matches[index])
        elif previous is not None:
            found[index].append(previous[1] + index - previous[0])
    following: tuple[int, int] | None = None
    for index in range(new_count - 1, -1, -1):
        if index in matches:
            following = (index, matches[index])
        elif following is not None:
            found[index].append(following[1] - (following[0] - index))
    return found


def _possible(old: int, new: int, threshold: float) -> bool:
    """Whether paragraphs of ``old`` and ``new`` words could be similar enough, by their lengths."""
    shorter = min(old, new)
    return shorter >= CONTAINED_MIN_WORDS or 2.0 * shorter >= threshold * (old + new) > 0


def _best(
    counts: Counter[int], old_words: dict[int, _Words], new: _Words, place: float, threshold: float
) -> list[int]:
    """The :data:`CANDIDATES` old paragraphs counted most, of a possible length, nearest ``place``
    first among equals."""
    ranked = [
        (-count, abs(old_index - place), old_index)
        for old_index, count in counts.most_common(4 * CANDIDATES)
        if _possible(len(old_words[old_index].words), len(new.words), threshold)
    ]
    return [old_index for _, _, old_index in sorted(ranked)[:CANDIDATES]]


def _indexed(
    old_words: dict[int, _Words], new_words: dict[int, _Words], scale: float, threshold: float
) -> dict[int, list[int]]:
    """For each new paragraph, the old ones sharing most of its rarest features (at most
    :data:`CANDIDATES`, of a possible length, the nearest its place first among equals: the place
    being ``new index * scale``); every old one when there are few pairs.

    A paragraph with few rare features (short, or made of common words) is completed with the old
    paragraphs that share its common features and sit nearest its place.
    """
    if len(old_words) * len(new_words) <= ALL_PAIRS:
        return {index: list(old_words) for index in new_words}
    postings: dict[str, list[int]] = defaultdict(list)  # old indexes in increasing order
    for old_index, paragraph in old_words.items():
        for feature in _features(paragraph.words):
            postings[feature].append(old_index)
    found: dict[int, list[int]] = {}
    for new_index, paragraph in new_words.items():
        lists = [places for places in map(postings.get, _features(paragraph.words)) if places]
        rare = sorted((places for places in lists if len(places) <= COMMON_FEATURE), key=len)
        place = new_index * scale
        shared: Counter[int] = Counter()
        for places in rare[:RARE_FEATURES]:
            shared.update(places)
        chosen = _best(shared, old_words, paragraph, place, threshold)
        if len(chosen) < CANDIDATES and len(rare) < RARE_FEATURES:
            near: Counter[int] = Counter()
            for places in sorted((p for p in lists if len(p) > COMMON_FEATURE), key=len)[:RARE_FEATURES]:
                at = bisect_left(places, place)
                near.update(places[max(0, at - CANDIDATES) : at + CANDIDATES])
            chosen.extend(i for i in _best(near, old_words, paragraph, place, threshold) if i not in chosen)
        found[new_index] = chosen[:CANDIDATES]
    return found


def match_paragraphs(
    old: Sequence[str], new: Sequence[str], threshold: float = 0.6, *, stats: MatchStats | None = None
) -> dict[int, int]:
    """Which old paragraph each new paragraph continues, as ``{new_index: old_index}``, one to one.

    Identical texts (whitespace normalised) match first; the others match when the similarity ratio of
    their words is at least ``threshold``, or when the shorter one (five words or more) is kept
    almost whole (:data:`CONTAINED`) inside the longer one, the most similar pairs first. New
    paragraphs with no match are left out.

    The work is bounded: each unmatched new paragraph is compared with the old ones in its place
    (next to its matched neighbours) and with the few that share most of its rarest words and runs of
    three words (all of them when the unmatched paragraphs are few); a common-subsequence bound
    discards most pairs before their ratio is computed; very long pairs are compared by
    :func:`_matching_runs`; past :data:`SIMILARITY_PARAGRAPHS` or :data:`SIMILARITY_WORDS`, only
    positional neighbours are compared. ``stats``, when given, counts the work done.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold!r}")
    stats = stats if stats is not None else MatchStats()
    old_texts = [" ".join(text.split()) for text in old]
    new_texts = [" ".join(text.split()) for text in new]
    matches = _exact_matches(old_texts, new_texts)

    used = set(matches.values())
    rest_old = [index for index in range(len(old)) if index not in used]
    rest_new = [index for index in range(len(new)) if index not in matches]
    if not rest_old or not rest_new:
        return matches
    old_words = {index: _Words(_match_words(old_texts[index])) for index in rest_old}
    new_words = {index: _Words(_match_words(new_texts[index])) for index in rest_new}

    candidates = _neighbours(matches, rest_new, len(new))
    words = sum(len(p.words) for p in old_words.values()) + sum(len(p.words) for p in new_words.values())
    if max(len(rest_old), len(rest_new)) <= SIMILARITY_PARAGRAPHS and words <= SIMILARITY_WORDS:
        for new_index, found in _indexed(old_words, new_words, len(old) / len(new), threshold).items():
            candidates[new_index].extend(found)

    scored: list[tuple[float, float, int, int]] = []
    for new_index in rest_new:
        for old_index in dict.fromkeys(candidates[new_index]):
            if old_index not in old_words:
                continue  # out of range, or already matched by its text
            stats.candidates += 1
            score = _similarity(old_words[old_index], new_words[new_index], threshold, stats)
            if score is not None:
                drift = abs(new_index / len(new) - old_index / len(old))
                scored.append((-score, drift, new_index, old_index))

    scored.sort()
    taken = set(used)
    for _, _, new_index, old_index in scored:
        if new_index not in matches and old_index not in taken:
            matches[new_index] = old_index
            taken.add(old_index)
    return matches
