"""The same person or organisation written in different ways: keys, scores and merge proposals."""

from __future__ import annotations

import itertools
import random
import string
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations import matching
from cocrea.computations.matching import (
    TITLES,
    find_person,
    identity_keys,
    match_score,
    name_words,
    normalize_email,
    organization_key,
    organization_ref,
    person_key,
    propose_merges,
    same_organization,
    same_person,
    word_similarity,
    word_sound,
)
from cocrea.computations.orgnames import Directory, OrgRef
from cocrea.computations.text import fold, strip_accents
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(80), deadline=None)

GIVEN_NAMES = (
    "María",
    "José",
    "Juan",
    "Carlos",
    "Ana",
    "Lucía",
    "Ángel",
    "Óscar",
    "Sofía",
    "Héctor",
    "Iñaki",
    "Ixchel",
    "Byron",
    "Estuardo",
    "Gabriela",
    "Ingrid",
)
SURNAMES = (
    "Pérez",
    "López",
    "García",
    "Hernández",
    "Gómez",
    "Velásquez",
    "Muñoz",
    "Ixcot",
    "Tzul",
    "Quiñónez",
    "Girón",
    "Cux",
    "Marroquín",
    "Echeverría",
    "Sandoval",
    "Ajú",
)


# --- person_key ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "María José  Pérez",
        "PEREZ, Maria Jose",
        "pérez maría josé",
        "Pérez María José",
        "  maría\u00a0josé   PÉREZ. ",
        "Licda. María José Pérez",
        "Licda.María José Pérez",
        "Dra. Pérez, María José",
        "PÉREZ, Licda. María José",
        "María José Pérez, PhD",
        "María José Pérez, M.Sc.",
        "Ma. José Pérez",
        "Mª José Pérez",
        "María-José Pérez",
        "María José de Pérez",
    ],
)
def test_person_key_ignores_case_accents_spacing_order_punctuation_and_titles(name: str) -> None:
    assert person_key(name) == "jose maria perez"


@pytest.mark.parametrize("title", TITLES)
def test_every_title_is_dropped(title: str) -> None:
    assert person_key(f"{title} Juan Carlos Gómez") == "carlos gomez juan"
    assert person_key(f"{title.upper()} juan carlos gómez") == "carlos gomez juan"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Ingrid Pérez", "ingrid perez"),  # starts like Ing. but is a name
        ("Inga Pérez", "inga perez"),  # a given name; Inga. with a dot is the title
        ("Inga. Pérez López", "lopez perez"),
        ("Drácula Pérez", "dracula perez"),
        ("Juan O'Brien", "juan obrien"),
        ("Juan O’Brien", "juan obrien"),
        ("Fco. Pérez", "francisco perez"),
        ("Ma Pérez", "ma perez"),  # only "Ma." with its dot is María
        ("Juan Pérez, Sr.", "juan perez sr"),  # senior, not a title, at the end
        ("María López Vda. de Pérez", "lopez maria perez"),
        ("Juan de la Cruz", "cruz juan"),
        ("Ortega y Gasset", "gasset ortega"),
        ("Pérez e Ibarra", "ibarra perez"),
        ("Juan E. Pérez", "e juan perez"),  # an initial, not the conjunction
        ("Ana Y. Tzul", "ana tzul y"),
        ("De la Cruz", "cruz"),
        ("de", "de"),  # nothing but particles: kept
        ("Lic.", ""),
        ("", ""),
        ("Pérez Pérez", "perez perez"),
        ("Gómez_López", "gomez lopez"),
    ],
)
def test_person_key_cases(name: str, key: str) -> None:
    assert person_key(name) == key


def test_person_key_fits_the_registry_column() -> None:
    assert person_key("A" * 300) == "a" * 300  # the caller cuts; the key itself is not truncated


# --- same_person ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "email_a", "email_b", "expected"),
    [
        ("María José Pérez", "PEREZ, Maria Jose", "", "", True),
        ("María Pérez", "María López", "", "", False),  # same first name, different people
        ("María José Pérez", "María José López", "", "", False),
        ("Juan Carlos Gómez", "Juan Gómez", "", "", False),  # part of a name is not enough
        ("Juan Gómez", "Juan Gómez López", "", "", False),
        ("María", "maría", "", "", False),  # one word identifies nobody
        ("J. Pérez", "J. Pérez", "", "", False),  # nor an initial and one word
        ("J. C. Pérez", "Pérez J. C.", "", "", False),
        ("María J. Pérez", "Pérez, María J.", "", "", True),
        ("Maria Peres", "María Pérez", "", "", False),  # same sound: a proposal, not a merge
        ("M. Pérez", "María Pérez", " MP@inap.gob.gt ", "mp@INAP.gob.gt", True),  # same email
        ("Anyone", "Someone else", "a@x.org", "a@x.org", True),
        ("María Pérez", "María López", "mp@x.org", "ml@x.org", False),
        ("María Pérez", "María Pérez", "mp@x.org", "other@x.org", True),  # the name decides
        ("María Pérez", "María López", "", "", False),
        ("Ana López", "Ana Lopez", " ", "   ", True),
    ],
)
def test_same_person(a: str, b: str, email_a: str, email_b: str, expected: bool) -> None:
    assert same_person(a, b, email_a, email_b) is expected
    assert same_person(b, a, email_b, email_a) is expected


def test_empty_emails_never_match() -> None:
    assert not same_person("María", "Ana", "", "")
    assert not same_person("María", "Ana", "  ", " ")


@pytest.mark.parametrize(
    ("name", "email", "keys"),
    [
        ("María José Pérez", " MJ@x.org ", ("email:mj@x.org", "name:jose maria perez")),
        ("María José Pérez", "", ("name:jose maria perez",)),
        ("María", "m@x.org", ("email:m@x.org",)),
        ("J. Pérez", "", ()),
        ("", "mailto:A@B.org", ("email:a@b.org",)),
    ],
)
def test_identity_keys(name: str, email: str, keys: tuple[str, ...]) -> None:
    assert identity_keys(name, email) == keys


def test_normalize_email() -> None:
    assert normalize_email("  Juan.Perez@INAP.gob.gt ") == "juan.perez@inap.gob.gt"
    assert normalize_email("mailto:a@b.org") == "a@b.org"
    assert normalize_email("") == ""


# --- match_score ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "score"),
    [
        ("María José Pérez", "PEREZ, Maria Jose", 1.0),
        ("Juan Carlos Gómez", "Juan Gómez", 0.9),
        ("Maria Peres", "María Pérez", 0.95),
        ("Juan C. Pérez", "Juan Carlos Pérez", 0.9333),
        ("Juan Rodrigez López", "Juan Rodriguez López", 0.9333),
        ("María José Pérez", "María José López", 0.6667),
        ("María Pérez", "María López", 0.5),  # one word in common: capped
        ("J. Pérez", "Juan Pérez", 0.5),  # an initial is not a word in common
        ("Mario Pérez", "María Pérez", 0.5),
        ("Francisco Pérez", "Francisca Pérez", 0.5),
        ("María", "María", 0.5),
        ("Ana López", "", 0.0),
        ("Ana López", "Jorge Tzul", 0.0),
    ],
)
def test_match_score_values(a: str, b: str, score: float) -> None:
    assert match_score(a, b) == score
    assert match_score(b, a) == score


@pytest.mark.parametrize(
    ("a", "b", "similarity"),
    [
        ("perez", "perez", 1.0),
        ("perez", "peres", 0.9),
        ("velasquez", "belazquez", 0.9),
        ("jimenez", "gimenez", 0.9),
        ("guillermo", "guiyermo", 0.9),
        ("quinonez", "quinones", 0.9),
        ("guerra", "gerra", 0.0),  # "gerra" reads "jerra"
        ("hernandez", "ernandez", 0.9),
        ("j", "juan", 0.8),
        ("juan", "j", 0.8),
        ("j", "p", 0.0),
        ("rodriguez", "rodrigez", 0.8),
        ("maria", "mario", 0.0),
        ("francisco", "francisca", 0.0),
        ("gabriel", "gabriela", 0.0),
        ("lopez", "perez", 0.0),
        ("10", "100", 0.0),  # numbers: only the same number
        ("1", "10", 0.0),
        ("10", "10", 1.0),
    ],
)
def test_word_similarity(a: str, b: str, similarity: float) -> None:
    assert word_similarity(a, b) == similarity


def test_word_sound_keeps_ch_apart() -> None:
    assert word_sound("chavez") != word_sound("cavez")
    assert word_sound("chavez") == word_sound("chaves")


# --- find_person ---------------------------------------------------------------------------------

REGISTRY = [
    (1, "María José Pérez", "mjperez@inap.gob.gt"),
    (2, "Juan Carlos Gómez", ""),
    (3, "Juan Gómez", "jgomez@x.org"),
    (4, "Ana López", ""),
    (5, "ANA LOPEZ", "ana.lopez@x.org"),
]


@pytest.mark.parametrize(
    ("name", "email", "expected"),
    [
        ("PEREZ, Maria Jose", "", 1),
        ("Someone Else", " MJPerez@INAP.gob.gt", 1),  # the email wins
        ("Juan Carlos Gómez", "jgomez@x.org", 3),  # email match preferred over the name match (2)
        ("Juan Carlos Gómez", "", 2),
        ("juan gomez", "", 3),
        ("Juan Pablo Gómez", "", None),  # no candidate is the same person
        ("Ana López", "", None),  # two different candidates match: ambiguous
        ("Ana López", "ana.lopez@x.org", 5),
        ("María", "", None),
        ("", "", None),
    ],
)
def test_find_person(name: str, email: str, expected: int | None) -> None:
    assert find_person(name, email, REGISTRY) == expected


def test_find_person_ambiguous_emails_and_repeated_candidates() -> None:
    twice = [(7, "Ana Tzul", "a@x.org"), (7, "Ana Tzul", "a@x.org"), (8, "Luis Cux", "")]
    assert find_person("Ana Tzul", "", twice) == 7  # one candidate listed twice is one match
    two_emails = [(7, "Ana Tzul", "a@x.org"), (9, "Ana B. Tzul", "A@x.org")]
    assert find_person("Nobody", "a@x.org", two_emails) is None
    assert find_person("Ana Tzul", "", iter(twice)) == 7  # any iterable


# --- organisations -------------------------------------------------------------------------------

INAP = OrgRef("Instituto Nacional de Administración Pública", "INAP", "government", "GT")
GPAT = OrgRef("Comisión Presidencial de Gestión Pública Abierta y Transparencia", "GPAT", "government", "GT")
ONSEC = OrgRef("Oficina Nacional de Servicio Civil", "ONSEC", "government", "GT")
SENACYT = OrgRef("Secretaría Nacional de Ciencia y Tecnología", "SENACYT", "government", "GT")
MINECO = OrgRef("Ministerio de Economía", "MINECO", "government", "GT")
CEPAL = OrgRef(
    "Comisión Económica para América Latina y el Caribe", "CEPAL", "international", aliases=("ECLAC",)
)
BID = OrgRef("Banco Interamericano de Desarrollo", "BID", "international", aliases=("IDB",))
GUATECIVICA = OrgRef("Guatecívica", "", "civil_society", "GT", aliases=("Guatecivica",))
ENTRIES = (INAP, GPAT, ONSEC, SENACYT, MINECO, CEPAL, BID, GUATECIVICA)


def directory() -> Directory:
    return Directory(ENTRIES)


@pytest.mark.parametrize(
    "text",
    [
        "INAP",
        "inap",
        " Inap. ",
        "I.N.A.P.",
        "i. n. a. p.",
        "Instituto Nacional de Administración Pública",
        "instituto nacional de administracion publica",
        "Instituto Nacional de Administracion Publica (INAP)",
        "INAP (Instituto Nacional de Administración Pública)",
        "INAP - Instituto Nacional de Administración Pública",
        "INAP - Instituto Nacional…",
        "INAP – Instituto Nacional de Administración",
        "INAP-Instituto Nacional de Administración Pública",
        "Instituto Nacional de Administración Pública - INAP -",
        "(INAP)",
    ],
)
def test_organization_ref_resolves_every_spelling_of_inap(text: str) -> None:
    assert organization_ref(text, directory()) is INAP


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Instituto Nacional",  # a fragment alone names nothing for sure
        "INAP / GPAT",  # two organisations
        "INAP - GPAT",
        "INAP: Escuela de Gobierno",  # a part the directory does not know and is not INAP's name
        "Universidad Rafael Landívar",
        "Instituto Nacional de Administración Pública de Honduras",
    ],
)
def test_organization_ref_unknown_or_several(text: str) -> None:
    assert organization_ref(text, directory()) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eclac", CEPAL),
        ("Comisión Económica para América Latina y el Caribe (CEPAL)", CEPAL),
        ("IDB - Banco Interamericano de Desarrollo", BID),
        ("GUATECÍVICA", GUATECIVICA),
        ("Oficina Nacional de Servicio Civil - ONSEC -", ONSEC),
        ("MINECO / Ministerio de Economía", MINECO),
    ],
)
def test_organization_ref_other_entries(text: str, expected: OrgRef) -> None:
    assert organization_ref(text, directory()) is expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("INAP", "Instituto Nacional de Administración Pública", True),
        ("inap", "Instituto Nacional de Administracion Publica (INAP)", True),
        ("INAP - Instituto Nacional…", "I.N.A.P.", True),
        ("INAP", "GPAT", False),
        ("INAP", "Fundación Manos", False),
        ("Fundación Manos Unidas", "FUNDACION MANOS UNIDAS.", True),  # unknown: folded names
        ("Fundación Manos Unidas (FMU)", "Fundacion Manos Unidas", True),
        ("Fundación Manos Unidas", "Manos Unidas", False),
        ("", "", False),
        ("", "INAP", False),
    ],
)
def test_same_organization(a: str, b: str, expected: bool) -> None:
    assert same_organization(a, b, directory()) is expected
    assert same_organization(b, a, directory()) is expected


def test_organization_key_counts_distinct_organisations() -> None:
    written = [
        "INAP",
        "Instituto Nacional de Administración Pública",
        "inap",
        "Ministerio de Economía",
        "MINECO",
        "Fundación Manos Unidas",
        "fundacion manos unidas",
        "",
    ]
    keys = {organization_key(text, directory()) for text in written} - {""}
    assert keys == {"ref:inap", "ref:mineco", "name:fundacion manos unidas"}


# --- propose_merges ------------------------------------------------------------------------------


def test_propose_merges_small_registry() -> None:
    people = [
        ("a", "María José Pérez", ""),
        ("b", "PEREZ, Maria Jose", ""),
        ("c", "Licda. María José Pérez", "mj@x.org"),
        ("d", "Maria Jose Peres", ""),
        ("e", "Juan Carlos Gómez", ""),
        ("f", "Juan Gómez", ""),
        ("g", "María Pérez", ""),
        ("h", "María López", ""),
        ("i", "Someone Else", "MJ@x.org "),
        ("j", "María", ""),
        ("k", "maría", ""),
    ]
    assert propose_merges(people) == [
        ("a", "b", 1.0),
        ("a", "c", 1.0),
        ("c", "i", 1.0),
        ("a", "d", 0.9667),  # same sound
        ("a", "g", 0.9),  # María Pérez is part of María José Pérez, and of no other name here
        ("e", "f", 0.9),
        ("d", "g", 0.855),
    ]


def test_propose_merges_threshold() -> None:
    people = [(1, "María José Pérez", ""), (2, "María José Peres", ""), (3, "Juan Gómez", "")]
    people.append((4, "Juan Carlos Gómez", ""))
    assert propose_merges(people, threshold=0.95) == [(1, 2, 0.9667)]
    assert propose_merges(people, threshold=1.01) == []
    assert [pair[:2] for pair in propose_merges(people, threshold=0.5)] == [(1, 2), (3, 4)]


def test_propose_merges_groups_pair_with_their_first_member() -> None:
    people = [(n, "Ana Tzul" if n % 2 else "TZUL, Ana", "") for n in range(6)]
    assert propose_merges(people) == [(0, n, 1.0) for n in range(1, 6)]


def test_propose_merges_drops_ambiguous_short_names() -> None:
    one = [("short", "Luis Pérez", ""), ("long", "Luis Carlos Pérez", "")]
    assert propose_merges(one) == [("short", "long", 0.9)]
    two = [*one, ("other", "Luis Pérez Batz", "")]
    assert [pair[:2] for pair in propose_merges(two)] == [("short", "long"), ("short", "other")]
    many = [*two, ("x", "Luis Fernando Pérez", ""), ("y", "Luis Pérez Cux", "")]
    assert propose_merges(many) == []  # "Luis Pérez" could be any of four people
    assert len(propose_merges(many, max_extensions=4)) == 4


def test_propose_merges_finds_typos_and_initials() -> None:
    people = [
        (1, "Juan Rodríguez López", ""),
        (2, "Juan Rodrigez López", ""),
        (3, "Ana Lucía Tzul", ""),
        (4, "Ana L. Tzul", ""),
        (5, "Ana Lucía Tzul Cux", ""),
    ]
    pairs = {pair[:2] for pair in propose_merges(people)}
    assert (1, 2) in pairs
    assert (3, 4) in pairs
    assert (3, 5) in pairs


def _counting_scores(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    score: Callable[[tuple[str, ...], tuple[str, ...]], float] = matching._words_score

    def counting(a: tuple[str, ...], b: tuple[str, ...]) -> float:
        calls[0] += 1
        return score(a, b)

    monkeypatch.setattr(matching, "_words_score", counting)
    return calls


def test_propose_merges_placeholder_names(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counting_scores(monkeypatch)
    people = [(n, f"Participante Número {n}", "") for n in range(3000)]
    initials = list(itertools.combinations(string.ascii_uppercase, 2))
    people += [(5000 + n, f"Ana {a}. {b}. Tzul", "") for n, (a, b) in enumerate(initials)]
    assert propose_merges(people) == []
    assert calls[0] < 100  # the 325 ways of writing "Ana Tzul" with two initials are not compared


def _registry(size: int, seed: int) -> tuple[list[tuple[int, str, str]], list[tuple[int, int]]]:
    """A registry of ``size`` people with common names; every 20th is a variant of an earlier one."""
    rnd = random.Random(seed)
    people: list[tuple[int, str, str]] = []
    planted: list[tuple[int, int]] = []
    for index in range(size):
        if index % 20 == 19:
            original = index - rnd.randrange(1, 19)
            # a variant only of a name with a word that is rare in this registry: random words
            name = people[original][1]
            variant = (
                name.upper().replace("Z", "S") if rnd.random() < 0.5 else ", ".join(name.split(" ", 1)[::-1])
            )
            people.append((index, variant, ""))
            planted.append((original, index))
            continue
        given = rnd.sample(GIVEN_NAMES, rnd.choice((1, 2)))
        surnames = rnd.sample(SURNAMES, 1)
        surnames.append("".join(rnd.choice("bcdfglmnprstvz") + rnd.choice("aeiou") for _ in range(3)))
        people.append((index, " ".join(given + surnames), f"p{index}@x.org" if index % 3 else ""))
    return people, planted


def test_propose_merges_scales_without_comparing_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    people, planted = _registry(20_000, seed=3)
    calls = _counting_scores(monkeypatch)
    proposals = propose_merges(people)
    assert calls[0] < len(people)  # all pairs would be 200 million
    found = {(a, b) for a, b, _ in proposals}
    assert all(pair in found for pair in planted)


# --- Properties ----------------------------------------------------------------------------------

_PLAIN_LETTERS = "abcdefghijklmnopqrstuvwxyzáéíóúñü"


def _is_plain_word(word: str) -> bool:
    """A word that survives alone as itself: no title, particle or abbreviation."""
    expected = " ".join(sorted([fold(word), "qqq"]))
    written = (f"{word} qqq", f"{word}. qqq", f"qqq {word}.", f"qqq, {word}", f"qqq {word}")
    return len(fold(word)) >= 2 and all(person_key(text) == expected for text in written)


words = st.one_of(
    st.sampled_from(GIVEN_NAMES + SURNAMES),
    st.text(alphabet=_PLAIN_LETTERS, min_size=2, max_size=9).map(str.capitalize).filter(_is_plain_word),
)
given_names = st.lists(words, min_size=1, max_size=2)
surname_lists = st.lists(words, min_size=1, max_size=2)


@st.composite
def spelled(draw: st.DrawFn, parts: list[str]) -> str:
    """``parts`` written another way: case, accents, spacing, order, punctuation."""
    words_ = list(parts)
    if draw(st.booleans()):
        words_ = draw(st.permutations(words_))
    written = []
    for word in words_:
        style = draw(st.sampled_from(("same", "upper", "lower", "swapcase", "no_accents")))
        word = {
            "same": word,
            "upper": word.upper(),
            "lower": word.lower(),
            "swapcase": word.swapcase(),
            "no_accents": strip_accents(word),
        }[style]
        if draw(st.booleans()):
            word = unicodedata.normalize("NFD", word)
        written.append(word)
    separators = st.sampled_from((" ", "  ", "\u00a0", " \t ", ", ", " - ", ". "))
    text = written[0]
    for word in written[1:]:
        text += draw(separators) + word
    return draw(st.sampled_from(("", " ", "  "))) + text + draw(st.sampled_from(("", " ", ".", "  ")))


@PROPERTY
@given(data=st.data(), given_=given_names, surnames=surname_lists)
def test_variants_of_a_name_are_the_same_person(
    data: st.DataObject, given_: list[str], surnames: list[str]
) -> None:
    name = " ".join(given_ + surnames)
    variant = data.draw(spelled(given_ + surnames))
    assert person_key(variant) == person_key(name)
    assert same_person(name, variant)
    assert match_score(name, variant) == 1.0
    surname_first = data.draw(spelled(surnames)) + ", " + data.draw(spelled(given_))
    assert same_person(name, surname_first)


@PROPERTY
@given(data=st.data(), given_=given_names, surnames=surname_lists, title=st.sampled_from(TITLES))
def test_titles_do_not_matter(
    data: st.DataObject, given_: list[str], surnames: list[str], title: str
) -> None:
    name = " ".join(given_ + surnames)
    written = data.draw(st.sampled_from((title, title.upper(), title.lower()))) + " " + name
    assert person_key(written) == person_key(name)
    assert same_person(written, data.draw(spelled(given_ + surnames)))


@PROPERTY
@given(
    data=st.data(),
    given_=given_names,
    surnames=st.lists(words, min_size=1, max_size=2),
    replacement=words,
)
def test_a_different_surname_is_a_different_person(
    data: st.DataObject, given_: list[str], surnames: list[str], replacement: str
) -> None:
    position = data.draw(st.integers(0, len(surnames) - 1))
    if fold(replacement) == fold(surnames[position]):
        replacement += "x"
    other = [*surnames[:position], replacement, *surnames[position + 1 :]]
    a = data.draw(spelled(given_ + surnames))
    b = data.draw(spelled(given_ + other))
    assert not same_person(a, b)
    assert person_key(a) != person_key(b)
    assert match_score(a, b) < 1.0
    assert not same_person(a, b, "a@x.org", "b@x.org")


@PROPERTY
@given(a=st.text(max_size=30), b=st.text(max_size=30))
def test_match_score_is_a_symmetric_fraction(a: str, b: str) -> None:
    score = match_score(a, b)
    assert 0.0 <= score <= 1.0
    assert score == match_score(b, a)
    assert same_person(a, b) == same_person(b, a)
    assert isinstance(person_key(a), str)


@st.composite
def organization_spelling(draw: st.DrawFn, entry: OrgRef) -> str:
    cases: tuple[Callable[[str], str], ...] = (str, str.upper, str.lower, strip_accents)
    name: str = draw(st.sampled_from(cases))(entry.name)
    acronym = draw(st.sampled_from((entry.acronym, entry.acronym.lower(), ".".join(entry.acronym) + ".")))
    cut = " ".join(entry.name.split()[: draw(st.integers(1, len(entry.name.split())))]) + "…"
    forms = [name, f"  {name}. "]
    if entry.acronym:
        forms += [
            acronym,
            f"{name} ({entry.acronym})",
            f"{entry.acronym} ({name})",
            f"{entry.acronym} - {name}",
            f"{entry.acronym} – {cut}",
            f"{name} - {entry.acronym} -",
        ]
    written: str = draw(st.sampled_from(forms))
    return written


@PROPERTY
@given(data=st.data(), entry=st.sampled_from(ENTRIES))
def test_spellings_of_directory_organisations_match(data: st.DataObject, entry: OrgRef) -> None:
    a = data.draw(organization_spelling(entry))
    b = data.draw(organization_spelling(entry))
    assert organization_ref(a, directory()) is entry
    assert same_organization(a, b, directory())
    other = data.draw(st.sampled_from([e for e in ENTRIES if e is not entry]))
    assert not same_organization(a, data.draw(organization_spelling(other)), directory())


@PROPERTY
@given(
    data=st.data(),
    given_=given_names,
    surnames=surname_lists,
    ids=st.lists(st.integers(0, 1000), min_size=2, max_size=2, unique=True),
)
def test_find_person_is_none_when_two_candidates_match(
    data: st.DataObject, given_: list[str], surnames: list[str], ids: list[int]
) -> None:
    parts = given_ + surnames
    others = [(2000 + n, f"Persona{n} Distinta{n}", f"o{n}@x.org") for n in range(3)]
    candidates = [(ids[0], data.draw(spelled(parts)), "a@x.org"), (ids[1], data.draw(spelled(parts)), "")]
    candidates += others
    candidates = data.draw(st.permutations(candidates))
    assert find_person(" ".join(parts), "", candidates) is None
    assert find_person(" ".join(parts), "nobody@x.org", candidates) is None
    assert find_person("Nadie Conocido", "A@X.org", candidates) == ids[0]
    assert find_person(" ".join(parts), "a@x.org", candidates) == ids[0]


def test_name_words_is_sorted() -> None:
    assert name_words("Zoila Ana Bautista") == ("ana", "bautista", "zoila")
