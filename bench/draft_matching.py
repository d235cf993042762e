"""Matching the paragraphs of two versions of a draft, at the sizes the limits allow, and the DOCX
paragraph bomb. Pure computations: no database, no Django.

Cases: ``realistic-5000`` (5,000 paragraphs of 20–120 words drawn from the sample drafts' words by
their frequency, against the next version: 15% lightly edited, 2% heavily, 2% moved, 3% removed,
3% added), ``common-edited-5000`` (the same edits on paragraphs of 40–110 words drawn from the 30
words of bench/drafts.py), ``common-2000``/``-4000``/``-5000`` (two unrelated versions of such
paragraphs: every pair shares most words, the worst case for matching), ``huge`` (``word_diff`` and
``match_paragraphs`` of one pair of 270,000-character paragraphs, 40 words changed), ``bomb`` (a DOCX
of 1.3 million short paragraphs, refused).

Prints, for each case, the time of ``match_paragraphs`` (median of ``--runs``, and the minimum), how
many pairs had their similarity computed (``compared``) or only its bound (``bounded``), and how
many of the expected pairs it found (a pair found that the edit did not make is counted as other).
Target: 5,000 paragraphs against 5,000 (common Spanish words, with edits, moves, insertions and
deletions) under 2 s.

    .venv/bin/python bench/draft_matching.py [--runs N] [--cases realistic-5000,common-2000,...]
    git show HEAD~1:cocrea/computations/draftdiff.py > /tmp/old_draftdiff.py
    .venv/bin/python bench/draft_matching.py --module /tmp/old_draftdiff.py --runs 1 --cases common-2000

``--module`` loads another ``draftdiff.py`` (say the previous version, from ``git show``) in place of
the project's, to compare; cases that module cannot count comparisons for show ``-``.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import random
import statistics
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _words import COMMON_WORDS  # noqa: E402

COMMON = COMMON_WORDS  # bench/_words.py, shared with bench/drafts.py


def seed_vocabulary() -> tuple[list[str], list[int]]:
    """The words of the sample strategy drafts, with their frequencies: real Spanish prose."""
    counts: Counter[str] = Counter()
    for path in sorted((ROOT / "cocrea/drafts/data").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                counts.update(word for word in line.split() if word)
    words = sorted(counts)
    return words, [counts[word] for word in words]


def realistic(rng: random.Random) -> Callable[[], str]:
    words, weights = seed_vocabulary()

    def paragraph() -> str:
        return " ".join(rng.choices(words, weights, k=rng.randint(20, 120)))

    return paragraph


def uniform(rng: random.Random, vocabulary: list[str]) -> Callable[[], str]:
    def paragraph() -> str:
        return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(40, 110))).capitalize() + "."

    return paragraph


def edited(
    rng: random.Random, old: list[str], paragraph: Callable[[], str], vocabulary: list[str]
) -> tuple[list[str], dict[int, int]]:
    """The next version: 15% of the paragraphs lightly edited, 2% heavily, 2% moved, 3% removed and
    3% added; with the pairs the edit made ({new index: old index})."""
    items: list[tuple[str, int | None]] = []
    for index, text in enumerate(old):
        roll = rng.random()
        if roll < 0.03:
            continue  # removed
        words = text.split()
        if roll < 0.18:
            for _ in range(rng.randint(1, 5)):
                where = rng.randrange(len(words))
                action = rng.random()
                if action < 0.5:
                    words[where] = rng.choice(vocabulary)
                elif action < 0.75:
                    words.insert(where, rng.choice(vocabulary))
                elif len(words) > 10:
                    del words[where]
        elif roll < 0.20:
            for where in rng.sample(range(len(words)), len(words) // 6):
                words[where] = rng.choice(vocabulary)
        items.append((" ".join(words), index))
    for _ in range(len(old) * 2 // 100):
        items.insert(rng.randrange(len(items)), items.pop(rng.randrange(len(items))))
    for _ in range(len(old) * 3 // 100):
        items.insert(rng.randrange(len(items)), (paragraph(), None))
    return [text for text, _ in items], {n: i for n, (_, i) in enumerate(items) if i is not None}


def load(module: str | None) -> ModuleType:
    if not module:
        from cocrea.computations import draftdiff

        return draftdiff
    spec = importlib.util.spec_from_file_location("other_draftdiff", module)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    sys.modules["other_draftdiff"] = loaded
    spec.loader.exec_module(loaded)
    return loaded


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), min(timings), result


def match_case(
    name: str, diff: ModuleType, runs: int, old: list[str], new: list[str], expected: dict[int, int]
) -> None:
    stats_type = getattr(diff, "MatchStats", None)
    stats = stats_type() if stats_type else None

    def run() -> dict[int, int]:
        if stats is None:
            return diff.match_paragraphs(old, new)  # type: ignore[no-any-return]
        return diff.match_paragraphs(old, new, stats=stats)  # type: ignore[no-any-return]

    median, least, found = timed(runs, run)
    assert isinstance(found, dict)
    right = sum(1 for new_index, old_index in found.items() if expected.get(new_index) == old_index)
    wrong = len(found) - right
    compared = f"{stats.compared // runs:,}" if stats is not None else "-"
    bounded = f"{stats.bounded // runs:,}" if stats is not None else "-"
    print(
        f"{name:<34} {len(old):>5} × {len(new):<5} median {median:7.2f} s  min {least:7.2f} s  "
        f"compared {compared:>7}  bounded {bounded:>7}  "
        f"found {right:,}/{len(expected):,} expected, {wrong} other"
    )


def huge_pair(diff: ModuleType, runs: int) -> None:
    rng = random.Random(11)
    old = " ".join(rng.choice(COMMON) for _ in range(30_000))  # about 300,000 characters
    words = old.split()
    for _ in range(40):
        words[rng.randrange(len(words))] = rng.choice(COMMON)
    new = " ".join(["Nuevo", "comienzo", *words, "y", "final"])
    median, least, ops = timed(runs, lambda: diff.word_diff(old, new))
    assert isinstance(ops, tuple)
    kept = sum(len(op.text) for op in ops if op.op == "equal")
    print(
        f"{'word_diff, one pair of huge paragraphs':<34} {len(old):,} → {len(new):,} characters: "
        f"median {median:.2f} s, min {least:.2f} s, {len(ops)} runs, {kept / len(old):.0%} kept"
    )
    median, least, found = timed(runs, lambda: diff.match_paragraphs([old], [new]))
    print(f"{'match_paragraphs, the same pair':<34} median {median:.2f} s, min {least:.2f} s: {found}")


def docx_bomb() -> None:
    """A small DOCX whose document holds 1.3 million short paragraphs."""
    from cocrea.computations.drafttext import DraftFormatError, read_docx

    body = b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 1_300_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.'
            b'org/wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>",
        )
    data = buffer.getvalue()
    started = time.perf_counter()
    try:
        read_docx(data)
        outcome = "read (not refused!)"
    except DraftFormatError as error:
        outcome = f"refused ({error.code})"
    elapsed = time.perf_counter() - started
    print(
        f"{'DOCX bomb, 1.3 million paragraphs':<34} {len(data) / 1024:.0f} KB file, "
        f"{len(body) / 1e6:.0f} MB of XML: {outcome} in {elapsed:.2f} s"
    )


CASES = ("realistic-5000", "common-edited-5000", "common-2000", "common-4000", "common-5000", "huge", "bomb")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--module", default="")
    parser.add_argument("--cases", default=",".join(CASES))
    options = parser.parse_args()
    diff = load(options.module)
    wanted = options.cases.split(",")
    print(f"draftdiff: {diff.__file__}; median and min of {options.runs} runs")
    for name in wanted:
        rng = random.Random(2019)
        if name == "realistic-5000":
            paragraph = realistic(rng)
            old = [paragraph() for _ in range(5000)]
            new, expected = edited(rng, old, paragraph, seed_vocabulary()[0])
            match_case("seed-draft words, edited", diff, options.runs, old, new, expected)
        elif name == "common-edited-5000":
            paragraph = uniform(rng, COMMON)
            old = [paragraph() for _ in range(5000)]
            new, expected = edited(rng, old, paragraph, COMMON)
            match_case("30 common words, edited", diff, options.runs, old, new, expected)
        elif name.startswith("common-"):
            size = int(name.split("-")[1])
            paragraph = uniform(rng, COMMON)
            old = [paragraph() for _ in range(size)]
            new = [paragraph() for _ in range(size)]
            match_case("30 common words, unrelated", diff, options.runs, old, new, {})
        elif name == "huge":
            huge_pair(diff, options.runs)
        elif name == "bomb":
            docx_bomb()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
