"""Differences between versions of a drafted document: words, paragraphs, and matching without keys."""

from __future__ import annotations

import itertools
import random
from difflib import SequenceMatcher
from unittest.mock import patch

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cocrea.computations import draftdiff
from cocrea.computations.draftdiff import (
    CONTAINED,
    CONTAINED_MIN_WORDS,
    Block,
    Change,
    MatchStats,
    WordOp,
    _match_words,
    apply_diff,
    diff_versions,
    match_paragraphs,
    summarize,
    tokenize,
    word_diff,
)
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)

# A small vocabulary, so that random versions share, lose and change words and paragraphs.
VOCABULARY = (
    "La",
    "la",
    "estrategia",
    "será",
    "sera",
    "aprobada",
    "validada",
    "en",
    "2019",
    "2020",
    "niñez",
    "acción",
    "Acción",
    "política",
    "año",
    "de",
    "y",
    "**meta**",
    "-",
    "1.",
)
KEYS = tuple(f"p{number}" for number in range(10))

words = st.lists(st.sampled_from(VOCABULARY), max_size=6)
separators = st.sampled_from((" ", "  ", ", ", "\n", ". "))
texts = st.one_of(
    st.just(""),
    st.just(" "),
    words.map(" ".join),
    st.builds(lambda ws, sep: sep.join(ws), words, separators),
)


@st.composite
def versions(draw: st.DrawFn) -> list[Block]:
    keys = draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS)))
    return [Block(key, draw(texts)) for key in keys]


def old_text(ops: tuple[WordOp, ...]) -> str:
    return "".join(op.text for op in ops if op.op in ("equal", "delete"))


def new_text(ops: tuple[WordOp, ...]) -> str:
    return "".join(op.text for op in ops if op.op in ("equal", "insert"))


def marked(ops: tuple[WordOp, ...]) -> list[tuple[str, str]]:
    return [(op.op, op.text) for op in ops if op.op != "equal"]


def blocks(*pairs: tuple[str, str]) -> list[Block]:
    return [Block(key, text) for key, text in pairs]


# Words -----------------------------------------------------------------------------------------------

diff_strings = st.text(alphabet=st.sampled_from("ab áéñÑ.,\n\t-*çe\u0301"), max_size=40)
word_strings = st.lists(st.sampled_from((*VOCABULARY, ",", ".", "  ", "\n")), max_size=12).map(" ".join)


@PROPERTY
@given(st.one_of(diff_strings, word_strings), st.one_of(diff_strings, word_strings))
def test_word_diff_rebuilds_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(op.text and op.op in ("equal", "insert", "delete") for op in ops)
    # Adjacent runs of one kind are merged, and a replacement reads deletion first.
    for first, second in itertools.pairwise(ops):
        assert first.op != second.op
        assert (first.op, second.op) != ("insert", "delete")


@PROPERTY
@given(st.one_of(diff_strings, word_strings))
def test_word_diff_of_a_text_with_itself_is_all_equal(text: str) -> None:
    assert word_diff(text, text) == ((WordOp("equal", text),) if text else ())
    assert "".join(tokenize(text)) == text


def test_replaced_words_are_marked_exactly() -> None:
    ops = word_diff("La estrategia será aprobada en 2019", "La estrategia será validada en 2020")
    assert ops == (
        WordOp("equal", "La estrategia será "),
        WordOp("delete", "aprobada"),
        WordOp("insert", "validada"),
        WordOp("equal", " en "),
        WordOp("delete", "2019"),
        WordOp("insert", "2020"),
    )


def test_accents_and_case_are_significant() -> None:
    assert marked(word_diff("La acción será", "La accion será")) == [
        ("delete", "acción"),
        ("insert", "accion"),
    ]
    assert marked(word_diff("la Meta", "la meta")) == [("delete", "Meta"), ("insert", "meta")]


def test_decomposed_accents_stay_inside_their_word() -> None:
    ops = word_diff("se valide\u0301 hoy", "se aprobe\u0301 hoy")
    assert marked(ops) == [("delete", "valide\u0301"), ("insert", "aprobe\u0301")]


def test_inserted_and_deleted_words_and_punctuation() -> None:
    assert marked(word_diff("metas y plazos", "metas, objetivos y plazos")) == [("insert", ", objetivos")]
    assert marked(word_diff("metas, objetivos y plazos", "metas y plazos")) == [("delete", ", objetivos")]
    assert marked(word_diff("Meta 2019.", "Meta 2019")) == [("delete", ".")]


def test_neighbouring_replaced_words_read_as_one_replacement() -> None:
    assert marked(word_diff("uno dos tres", "uno cuatro cinco")) == [
        ("delete", "dos tres"),
        ("insert", "cuatro cinco"),
    ]


# Paragraphs ------------------------------------------------------------------------------------------


@PROPERTY
@given(versions(), versions())
def test_applying_the_diff_gives_the_new_version(old: list[Block], new: list[Block]) -> None:
    changes = diff_versions(old, new)
    assert apply_diff(old, changes) == new
    counts = summarize(changes)
    old_keys, new_keys = {b.key for b in old}, {b.key for b in new}
    assert counts["added"] == len(new_keys - old_keys)
    assert counts["removed"] == len(old_keys - new_keys)
    assert counts["changed"] + counts["unchanged"] == len(old_keys & new_keys)
    assert len(changes) == len(old_keys | new_keys)
    for change in changes:
        assert (change.kind == "changed") == bool(change.words)
        assert not change.moved or change.kind in ("changed", "unchanged")
        if change.kind == "changed":
            assert old_text(change.words) == change.old_text
            assert new_text(change.words) == change.new_text
            assert change.old_text != change.new_text


@PROPERTY
@given(versions(), versions())
def test_the_diff_follows_the_new_order_with_removed_paragraphs_in_place(
    old: list[Block], new: list[Block]
) -> None:
    changes = diff_versions(old, new)
    assert [c.new_index for c in changes if c.kind != "removed"] == list(range(len(new)))
    for position, change in enumerate(changes):
        if change.kind != "removed":
            continue
        assert change.old_index is not None
        if change.old_index == 0:
            assert position == 0
        else:
            assert changes[position - 1].old_index == change.old_index - 1


@PROPERTY
@given(versions())
def test_identical_versions_are_all_unchanged(old: list[Block]) -> None:
    changes = diff_versions(old, list(old))
    assert all(c.kind == "unchanged" and not c.moved and not c.words for c in changes)
    assert [(c.old_index, c.new_index) for c in changes] == [(i, i) for i in range(len(old))]
    assert summarize(changes) == {"added": 0, "removed": 0, "changed": 0, "moved": 0, "unchanged": len(old)}


@PROPERTY
@given(versions(), st.data())
def test_one_paragraph_moved_is_reported_as_moved(old: list[Block], data: st.DataObject) -> None:
    assume(len(old) >= 2)
    source = data.draw(st.integers(0, len(old) - 1))
    target = data.draw(st.integers(0, len(old) - 1).filter(lambda t: t != source))
    new = list(old)
    block = new.pop(source)
    new.insert(target, block)
    changes = diff_versions(old, new)
    counts = summarize(changes)
    assert counts == {"added": 0, "removed": 0, "changed": 0, "moved": 1, "unchanged": len(old)}
    (moved,) = (c.key for c in changes if c.moved)
    if abs(source - target) >= 2:
        assert moved == block.key  # it jumped over several paragraphs: no other reading is as short
    else:
        assert moved in {block.key, old[target].key}  # two neighbours swapped: either one moved
    assert apply_diff(old, changes) == new


def test_changed_added_and_removed_paragraphs() -> None:
    old = blocks(("a", "Visión"), ("b", "La estrategia será aprobada en 2019"), ("c", "Anexo"))
    new = blocks(("a", "Visión"), ("b", "La estrategia será validada en 2020"), ("d", "Glosario"))
    changes = diff_versions(old, new)
    assert [(c.kind, c.key, c.old_index, c.new_index) for c in changes] == [
        ("unchanged", "a", 0, 0),
        ("changed", "b", 1, 1),
        ("removed", "c", 2, None),
        ("added", "d", None, 2),
    ]
    assert marked(changes[1].words) == [
        ("delete", "aprobada"),
        ("insert", "validada"),
        ("delete", "2019"),
        ("insert", "2020"),
    ]
    assert changes[2] == Change("removed", False, "c", 2, None, "Anexo", "", ())
    assert changes[3] == Change("added", False, "d", None, 2, "", "Glosario", ())
    assert summarize(changes) == {"added": 1, "removed": 1, "changed": 1, "moved": 0, "unchanged": 1}


def test_removed_paragraphs_follow_their_old_predecessor() -> None:
    old = blocks(("x", "primero"), ("a", "A"), ("y", "Y"), ("z", "Z"), ("b", "B"), ("c", "C"))
    new = blocks(("n", "nuevo"), ("b", "B"), ("a", "A"), ("c", "C"))
    changes = diff_versions(old, new)
    assert [(c.kind, c.key) for c in changes] == [
        ("removed", "x"),  # nothing preceded it: at the start
        ("added", "n"),
        ("unchanged", "b"),
        ("unchanged", "a"),
        ("removed", "y"),  # after "a", which preceded both in the old version
        ("removed", "z"),
        ("unchanged", "c"),
    ]
    assert [c.key for c in changes if c.moved] in (["a"], ["b"])  # "a" and "b" swapped: either moved


def test_changed_and_moved_counts_in_both() -> None:
    old = blocks(("a", "uno"), ("b", "dos"), ("c", "tres"), ("d", "cuatro"))
    new = blocks(("b", "dos"), ("c", "tres"), ("d", "cuatro"), ("a", "uno y más"))
    changes = diff_versions(old, new)
    assert [(c.key, c.kind, c.moved) for c in changes] == [
        ("b", "unchanged", False),
        ("c", "unchanged", False),
        ("d", "unchanged", False),
        ("a", "changed", True),
    ]
    assert summarize(changes) == {"added": 0, "removed": 0, "changed": 1, "moved": 1, "unchanged": 3}


@pytest.mark.parametrize("side", ["old", "new"])
def test_duplicate_keys_are_refused(side: str) -> None:
    good = blocks(("a", "uno"), ("b", "dos"))
    bad = blocks(("a", "uno"), ("b", "dos"), ("a", "tres"))
    old, new = (bad, good) if side == "old" else (good, bad)
    with pytest.raises(ValueError, match=rf"duplicate paragraph key 'a' in the {side} version"):
        diff_versions(old, new)


def test_apply_diff_on_a_wrong_base_raises() -> None:
    old = blocks(("a", "uno"), ("b", "dos"), ("c", "tres"))
    new = blocks(("a", "uno"), ("c", "tres bis"), ("d", "cuatro"))
    changes = diff_versions(old, new)
    assert apply_diff(old, changes) == new
    other_text = blocks(("a", "uno"), ("b", "dos"), ("c", "TRES"))
    other_key = blocks(("a", "uno"), ("x", "dos"), ("c", "tres"))
    longer = [*old, Block("e", "cinco")]
    shorter = old[:2]
    for base in (other_text, other_key, longer, shorter, []):
        with pytest.raises(ValueError, match=r"does not belong|out of place"):
            apply_diff(base, changes)


def test_apply_diff_refuses_incomplete_or_inconsistent_changes() -> None:
    old = blocks(("a", "uno"), ("b", "dos"))
    new = blocks(("b", "dos"), ("c", "tres"))
    changes = diff_versions(old, new)
    added = next(c for c in changes if c.kind == "added")
    b_removed = Change("removed", False, "b", 1, None, "dos", "", ())
    with pytest.raises(ValueError, match="gaps"):
        apply_diff(old, [*(c for c in changes if c.kind != "unchanged"), b_removed])
    with pytest.raises(ValueError, match="given twice"):
        apply_diff(old, [*changes, Change("added", False, "z", None, added.new_index, "", "z", ())])
    with pytest.raises(ValueError, match="marked unchanged"):
        apply_diff(old, [Change("unchanged", False, "a", 0, 0, "uno", "otro", ()), changes[-1]])
    with pytest.raises(ValueError, match="inconsistent"):
        apply_diff([], [Change("added", False, "a", 0, 0, "", "uno", ())])


def test_empty_versions() -> None:
    assert diff_versions([], []) == []
    only_new = diff_versions([], blocks(("a", "uno")))
    assert [c.kind for c in only_new] == ["added"]
    only_old = diff_versions(blocks(("a", "uno")), [])
    assert [c.kind for c in only_old] == ["removed"]
    assert apply_diff(blocks(("a", "uno")), only_old) == []


# Matching paragraphs without keys --------------------------------------------------------------------

PARAGRAPHS = (
    "La estrategia nacional de la niñez será aprobada por el gabinete en el primer semestre de 2019.",
    "Se fortalecerán las capacidades municipales para la atención integral de la primera infancia.",
    "El Ministerio de Educación coordinará la acción intersectorial con salud y desarrollo social.",
    "Los indicadores de resultado se medirán cada año con la encuesta nacional de condiciones de vida.",
    "**Meta 1.** Reducir la desnutrición crónica en niños menores de cinco años en diez puntos.",
    "Las organizaciones de sociedad civil participarán en el seguimiento mediante mesas técnicas regionales.",
)


def test_match_identical_paragraphs_in_order() -> None:
    assert match_paragraphs(PARAGRAPHS, PARAGRAPHS) == {i: i for i in range(len(PARAGRAPHS))}


def test_match_whitespace_differences_count_as_identical() -> None:
    new = ["  " + PARAGRAPHS[0].replace(" ", "\n", 3) + " ", PARAGRAPHS[1]]
    assert match_paragraphs(PARAGRAPHS[:2], new) == {0: 0, 1: 1}


def test_match_reordered_and_lightly_edited_paragraphs() -> None:
    new = [
        PARAGRAPHS[3],
        PARAGRAPHS[0].replace("aprobada", "validada").replace("2019", "2020"),
        "Anexo: glosario de términos usados en este documento.",
        PARAGRAPHS[5].replace("regionales", "departamentales"),
        PARAGRAPHS[1],
        PARAGRAPHS[4].replace("diez", "quince"),
    ]
    assert match_paragraphs(PARAGRAPHS, new) == {0: 3, 1: 0, 3: 5, 4: 1, 5: 4}


def test_unrelated_paragraphs_are_not_matched() -> None:
    new = [
        "Anexo: glosario de términos usados en este documento.",
        "Presupuesto estimado por año, en quetzales, para cada línea de acción.",
        "Agradecimientos a las instituciones que aportaron información.",
    ]
    assert match_paragraphs(PARAGRAPHS, new) == {}
    assert match_paragraphs(PARAGRAPHS, []) == {}
    assert match_paragraphs([], PARAGRAPHS) == {}


def test_match_is_one_to_one_and_prefers_the_most_similar() -> None:
    base = PARAGRAPHS[2]
    close = base.replace("social", "humano")
    farther = base.replace("social", "humano").replace("Educación", "Salud").replace("coordinará", "liderará")
    assert match_paragraphs([base], [farther, close]) == {1: 0}


def test_match_threshold() -> None:
    old = ["uno dos tres cuatro cinco seis siete ocho"]
    new = ["uno dos tres cuatro nueve diez once doce"]  # ratio 0.5
    assert match_paragraphs(old, new) == {}
    assert match_paragraphs(old, new, threshold=0.5) == {0: 0}
    with pytest.raises(ValueError, match="threshold"):
        match_paragraphs(old, new, threshold=0)


def test_repeated_paragraphs_keep_their_relative_order() -> None:
    old = ["Objetivo", "Primero, la niñez.", "Objetivo", "Segundo, la familia.", "Objetivo"]
    new = ["Introducción", *old]
    assert match_paragraphs(old, new) == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4}
    # One repeated heading dropped: the others keep their order.
    assert match_paragraphs(old, [old[0], old[1], old[3], old[4]]) == {0: 0, 1: 1, 2: 3, 3: 4}


@PROPERTY
@given(st.lists(words.map(" ".join), unique=True, max_size=12), st.randoms(use_true_random=False))
def test_match_recovers_a_permutation_of_distinct_paragraphs(old: list[str], rng: random.Random) -> None:
    order = list(range(len(old)))
    rng.shuffle(order)
    new = [old[i] for i in order]
    assert match_paragraphs(old, new) == dict(enumerate(order))


@PROPERTY
@given(st.lists(texts, max_size=10), st.lists(texts, max_size=10), st.floats(0.05, 1.0))
def test_match_is_one_to_one_and_in_range(old: list[str], new: list[str], threshold: float) -> None:
    matches = match_paragraphs(old, new, threshold)
    assert len(set(matches.values())) == len(matches)
    assert all(0 <= i < len(new) and 0 <= j < len(old) for i, j in matches.items())
    for i, j in matches.items():
        a, b = _match_words(old[j]), _match_words(new[i])
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        shorter = min(len(a), len(b))
        contained = shorter >= CONTAINED_MIN_WORDS and same / shorter >= CONTAINED
        assert matcher.ratio() >= threshold or contained
    # Identical texts (whitespace aside) are paired as far as their copies on both sides allow.
    for text in {" ".join(t.split()) for t in new}:
        on_both = [
            i for i, j in matches.items() if " ".join(new[i].split()) == text == " ".join(old[j].split())
        ]
        in_new = sum(" ".join(t.split()) == text for t in new)
        in_old = sum(" ".join(t.split()) == text for t in old)
        assert len(on_both) == min(in_new, in_old)


def test_a_short_paragraph_that_grew_keeps_its_identity() -> None:
    old = [
        "Eje 2: Simplificar los trámites de mayor demanda ciudadana.",
        "Otro párrafo sin relación alguna aquí.",
    ]
    new = [
        "Eje 2: Simplificar los trámites de mayor demanda ciudadana, empezando por los que afectan a las "
        "micro y pequeñas empresas."
    ]
    assert match_paragraphs(old, new) == {0: 0}
    # Four words are too few to call containment identity.
    assert (
        match_paragraphs(
            ["Eje dos: datos abiertos."], ["Eje dos: datos abiertos y muchas otras cosas más aquí."]
        )
        == {}
    )


STOP_WORDS = ("de", "la", "el", "y", "en", "los", "que", "a", "las", "del", "para", "por", "con", "se", "su")


def synthetic(rng: random.Random, count: int, length: int = 80) -> list[str]:
    """Paragraphs of ``length`` words, almost half of them articles and prepositions, like real text."""
    content = [f"término{number}" for number in range(3000)]
    return [
        " ".join(
            rng.choice(STOP_WORDS) if rng.random() < 0.45 else rng.choice(content) for _ in range(length)
        )
        for _ in range(count)
    ]


def test_match_400_paragraphs() -> None:
    # Measured on the development machine: about 5 ms for identical versions, about 100 ms when every
    # paragraph is moved and lightly edited, about 80 ms for 400 unrelated paragraphs.
    rng = random.Random(2019)
    old = synthetic(rng, 400)
    assert match_paragraphs(old, old) == {i: i for i in range(400)}
    order = list(range(400))
    rng.shuffle(order)
    new = []
    for i in order:
        text = old[i].split()
        for _ in range(rng.randint(1, 6)):
            text[rng.randrange(len(text))] = "cambio"
        new.append(" ".join(text))
    assert match_paragraphs(old, new) == dict(enumerate(order))
    assert match_paragraphs(old, synthetic(rng, 400)) == {}
    # The keyed diff of the same size (about 50 ms when every paragraph changed).
    old_blocks = [Block(f"p{i}", text) for i, text in enumerate(old)]
    new_blocks = [Block(f"p{i}", new[n]) for n, i in enumerate(order)]
    assert apply_diff(old_blocks, diff_versions(old_blocks, new_blocks)) == new_blocks


# Bounded work ----------------------------------------------------------------------------------------

COMMON_WORDS = [
    "la",
    "de",
    "el",
    "innovación",
    "pública",
    "gestión",
    "servicio",
    "ciudadanía",
    "institución",
    "datos",
    "abiertos",
    "proceso",
    "participación",
    "transparencia",
    "rendición",
    "cuentas",
    "evaluación",
    "política",
    "estrategia",
    "valor",
    "personas",
    "trámite",
    "municipalidad",
    "capacidad",
    "formación",
    "plan",
    "indicador",
    "resultado",
    "equipo",
    "laboratorio",
]


def common_words(rng: random.Random, count: int) -> list[str]:
    """Paragraphs made only of 30 common words: they share nearly every word (the worst case)."""
    return [" ".join(rng.choice(COMMON_WORDS) for _ in range(rng.randint(40, 110))) for _ in range(count)]


def longest_common_subsequence(a: list[str], b: list[str]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        previous = 0
        for j, y in enumerate(b, 1):
            previous, row[j] = row[j], previous + 1 if x == y else max(row[j], row[j - 1])
    return row[-1]


short_lists = st.lists(st.sampled_from(VOCABULARY[:6]), max_size=40)


@PROPERTY
@given(short_lists, short_lists)
def test_the_bound_is_the_longest_common_subsequence(a: list[str], b: list[str]) -> None:
    found = draftdiff._lcs_length(draftdiff._Words(a).masks, len(a), b)
    assert found == longest_common_subsequence(a, b)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    assert sum(block.size for block in matcher.get_matching_blocks()) <= found


@PROPERTY
@given(short_lists, short_lists, st.integers(0, 60))
def test_bounded_matching_runs_are_equal_and_in_order(a: list[str], b: list[str], work: int) -> None:
    with patch.object(draftdiff, "CHUNK_MARK", 2):
        runs = draftdiff._matching_runs(a, b, work)
    i = j = 0
    for start_a, start_b, size in runs:
        assert size > 0 and start_a >= i and start_b >= j
        assert a[start_a : start_a + size] == b[start_b : start_b + size]
        i, j = start_a + size, start_b + size


@PROPERTY
@given(st.one_of(diff_strings, word_strings), st.one_of(diff_strings, word_strings), st.integers(0, 40))
def test_the_bounded_word_diff_rebuilds_both_texts(old: str, new: str, work: int) -> None:
    with patch.object(draftdiff, "WORD_DIFF_WORK", work), patch.object(draftdiff, "CHUNK_MARK", 2):
        ops = word_diff(old, new)
    assert old_text(ops) == old
    assert new_text(ops) == new
    assert all(op.text and op.op in ("equal", "insert", "delete") for op in ops)
    for first, second in itertools.pairwise(ops):
        assert first.op != second.op
        assert (first.op, second.op) != ("insert", "delete")


def test_a_very_long_paragraph_is_diffed_within_bounds_and_marked_where_it_changed() -> None:
    rng = random.Random(7)
    words = " ".join(common_words(rng, 400)).split()  # about 30,000 words in one paragraph
    old = " ".join(words)
    words[0], words[len(words) // 2], words[-1] = "Nuevo", "cambio", "final"
    new = " ".join(words)
    ops = word_diff(old, new)
    assert old_text(ops) == old and new_text(ops) == new
    assert len(tokenize(old)) ** 2 > draftdiff.WORD_DIFF_WORK  # the bounded way was taken
    assert [op.text.strip() for op in ops if op.op == "insert"] == ["Nuevo", "cambio", "final"]
    assert sum(len(op.text) for op in ops if op.op == "delete") < 60


def test_very_long_paragraphs_still_match() -> None:
    rng = random.Random(8)
    old = [" ".join(common_words(rng, 20)), *common_words(rng, 3)]
    words = old[0].split()
    edited = " ".join(
        ["Al", "comienzo", *words[: len(words) // 2], "en", "medio", *words[len(words) // 2 :], "fin"]
    )
    assert len(words) ** 2 > draftdiff.PAIR_WORK
    assert match_paragraphs(old, [old[2], edited]) == {0: 2, 1: 0}


def test_matching_work_grows_with_the_paragraphs_not_their_square() -> None:
    rng = random.Random(9)
    old, new = common_words(rng, 1000), common_words(rng, 1000)
    stats = MatchStats()
    assert match_paragraphs(old, new, stats=stats) == {}  # unrelated, though made of the same words
    assert stats.candidates <= (draftdiff.CANDIDATES + 2) * len(new)
    assert stats.compared <= stats.bounded <= stats.candidates
    edited = [text + " además" if n % 5 == 0 else text for n, text in enumerate(old)]
    order = list(range(1000))
    rng.shuffle(order)
    stats = MatchStats()
    assert match_paragraphs(old, [edited[i] for i in order], stats=stats) == dict(enumerate(order))
    assert draftdiff.ALL_PAIRS < 200 * 200  # so not every pair is tried
    assert stats.candidates <= (draftdiff.CANDIDATES + 2) * 200


def test_repeated_paragraphs_in_bulk_keep_their_order() -> None:
    old = ["Objetivo"] * 3000 + [f"Párrafo {n}" for n in range(3000)] + ["Objetivo"] * 3000
    new = old[:2999] + old[3000:]  # one repeated heading dropped
    assert match_paragraphs(old, new) == {i: i if i < 2999 else i + 1 for i in range(len(new))}


def test_past_the_similarity_limit_only_neighbours_are_compared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(draftdiff, "SIMILARITY_PARAGRAPHS", 0)
    in_place = [PARAGRAPHS[0], PARAGRAPHS[1].replace("municipales", "locales"), PARAGRAPHS[2]]
    assert match_paragraphs(PARAGRAPHS[:3], in_place) == {0: 0, 1: 1, 2: 2}
    moved = [PARAGRAPHS[1].replace("municipales", "locales"), PARAGRAPHS[0], PARAGRAPHS[3], PARAGRAPHS[2]]
    assert match_paragraphs(PARAGRAPHS[:4], moved) == {1: 0, 2: 3, 3: 2}  # moved and edited: not found
