"""Organisation names: the directory, names found in free text, and responsible cells."""

from __future__ import annotations

import pytest

from cocrea.computations.orgnames import Directory, OrgRef, extract_organizations, split_responsible
from cocrea.computations.planparse import ParsedPlan

INAP = OrgRef("Instituto Nacional de Administración Pública", "INAP", "government", "GT")
GPAT = OrgRef("Comisión Presidencial de Gestión Pública Abierta y Transparencia", "GPAT", "government", "GT")
ONSEC = OrgRef("Oficina Nacional de Servicio Civil", "ONSEC", "government", "GT")
SENACYT = OrgRef("Secretaría Nacional de Ciencia y Tecnología", "SENACYT", "government", "GT")
MINECO = OrgRef("Ministerio de Economía", "MINECO", "government", "GT")
CEPAL = OrgRef(
    "Comisión Económica para América Latina y el Caribe", "CEPAL", "international", aliases=("ECLAC",)
)
OCDE = OrgRef(
    "Organización para la Cooperación y el Desarrollo Económicos",
    "OCDE",
    "international",
    aliases=("OECD", "Organización para la Cooperación y Desarrollo Económicos"),
)
GUATECIVICA = OrgRef("Guatecívica", "", "civil_society", "GT", aliases=("Guatecivica",))


@pytest.fixture
def directory() -> Directory:
    return Directory([INAP, GPAT, ONSEC, SENACYT, MINECO, CEPAL, OCDE, GUATECIVICA])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INAP", INAP),
        ("inap", INAP),
        ("Inap", INAP),
        ("Instituto Nacional de Administración Pública", INAP),
        ("instituto nacional de administracion publica", INAP),
        ("INSTITUTO NACIONAL DE ADMINISTRACIÓN PÚBLICA", INAP),
        ("  Instituto   Nacional de Administración Pública. ", INAP),
        ("OECD", OCDE),
        ("organizacion para la cooperacion y desarrollo economicos", OCDE),
        ("eclac", CEPAL),
        ("Guatecivica", GUATECIVICA),
        ("GUATECÍVICA", GUATECIVICA),
    ],
)
def test_lookup_ignores_case_accents_and_spacing(directory: Directory, text: str, expected: OrgRef) -> None:
    assert directory.lookup(text) == expected


@pytest.mark.parametrize("text", ["", "BID", "Instituto Nacional", "INAP GPAT"])
def test_lookup_misses(directory: Directory, text: str) -> None:
    assert directory.lookup(text) is None


def test_adding_a_known_organisation_returns_the_known_entry(directory: Directory) -> None:
    count = len(directory.entries)
    again = directory.add(OrgRef("Instituto Nacional de Administracion Publica", "inap"))
    assert again is INAP
    assert len(directory.entries) == count
    new = directory.add(OrgRef("Banco Interamericano de Desarrollo", "BID"))
    assert directory.lookup("bid") is new
    assert len(directory.entries) == count + 1


def test_key_is_the_acronym_or_the_name() -> None:
    assert INAP.key == "inap"
    assert GUATECIVICA.key == "guatecivica"


def test_strategies_of_the_seed(seed_plan: ParsedPlan, directory: Directory) -> None:
    found = {
        item.key: [ref.acronym or ref.name for ref in extract_organizations(item.text, directory)]
        for item in seed_plan.strategies
    }
    assert found == {
        # By full name only: "Instituto Nacional de Administración Pública", "Ministerio de Economía".
        "A": ["INAP", "MINECO"],
        # "(Cepal)" in mixed case is the directory's CEPAL; "(BID)" is new; OCDE by alias.
        "B": ["CEPAL", "BID", "OCDE"],
        "C": [],
        "D": ["SENACYT"],
        "E": ["PoC"],
    }
    strategy_b = extract_organizations(seed_plan.strategies[1].text, directory)
    assert strategy_b[0] is CEPAL
    assert strategy_b[1] == OrgRef("Banco Interamericano de Desarrollo", "BID")
    assert strategy_b[2] is OCDE
    assert extract_organizations(seed_plan.strategies[4].text, directory) == [
        OrgRef("Punto de Contacto", "PoC")
    ]


def test_other_actors_of_the_seed(seed_plan: ParsedPlan, directory: Directory) -> None:
    found = extract_organizations(seed_plan.other_actors, directory)
    assert found == [SENACYT, GUATECIVICA]


def test_acronym_in_lower_case_outside_parentheses_is_not_a_mention(directory: Directory) -> None:
    assert extract_organizations("la senacyt y la cepal", directory) == []
    assert extract_organizations("la SENACYT y la (cepal)", directory) == [SENACYT, CEPAL]


def test_mentions_are_in_order_without_repeats(directory: Directory) -> None:
    text = "ONSEC con el INAP, luego la Oficina Nacional de Servicio Civil y de nuevo INAP"
    assert extract_organizations(text, directory) == [ONSEC, INAP]


def test_unknown_parenthesised_acronym_needs_a_name_of_two_words(directory: Directory) -> None:
    assert extract_organizations("con apoyo de Unicef (UNICEF)", directory) == []
    assert extract_organizations("la Red Ciudadana (RC) apoya", directory) == [OrgRef("Red Ciudadana", "RC")]


def test_empty_directory_still_finds_parenthesised_names() -> None:
    found = extract_organizations("el Banco Interamericano de Desarrollo (BID).", Directory())
    assert found == [OrgRef("Banco Interamericano de Desarrollo", "BID")]


def test_split_responsible_of_the_seed(seed_plan: ParsedPlan, directory: Directory) -> None:
    assert {a.responsible for a in seed_plan.activities} == {"INAP/GPAT"}
    assert split_responsible("INAP/GPAT", directory) == [INAP, GPAT]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INAP / GPAT", [INAP, GPAT]),
        ("INAP, GPAT y ONSEC", [INAP, GPAT, ONSEC]),
        ("inap; gpat", [INAP, GPAT]),
        ("INAP/INAP", [INAP]),
        ("Instituto Nacional de Administración Pública + ONSEC", [INAP, ONSEC]),
        ("INAP & Municipalidad", [INAP, OrgRef("Municipalidad")]),
        ("INAP/XYZ", [INAP, OrgRef("XYZ", "XYZ")]),
        ("", []),
    ],
)
def test_split_responsible(directory: Directory, text: str, expected: list[OrgRef]) -> None:
    assert split_responsible(text, directory) == expected


def test_split_responsible_with_an_empty_directory() -> None:
    assert split_responsible("INAP/GPAT", Directory()) == [OrgRef("INAP", "INAP"), OrgRef("GPAT", "GPAT")]


def test_responsible_acronyms_joined_by_dashes_split():
    directory = Directory(
        [OrgRef("Instituto Nacional de Administración Pública", "INAP"), OrgRef("Comisión X", "GPAT")]
    )
    for written in ("INAP-GPAT", "INAP – GPAT", "INAP - GPAT"):
        assert [o.acronym for o in split_responsible(written, directory)] == ["INAP", "GPAT"]
    assert [o.name for o in split_responsible("Co-creación", directory)] == ["Co-creación"]
