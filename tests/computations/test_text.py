"""The small text helpers every comparison relies on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.text import clean_spaces, fold, strip_accents
from tests.hypothesis_profiles import examples


def test_strip_accents() -> None:
    assert strip_accents("Gestión Pública, Año, Güegüense") == "Gestion Publica, Ano, Gueguense"


def test_fold() -> None:
    assert fold("  ¡Elaboración   del PLAN de Trabajo!  ") == "elaboracion del plan de trabajo"
    assert fold("50% de avance") == "50% de avance"
    assert fold("INAP/GPAT") == "inap gpat"


def test_clean_spaces() -> None:
    assert clean_spaces("\u00a0 Abril\u00a0\u00a0 2019 \u202f") == "Abril 2019"
    assert clean_spaces("a\u2003b\u3000c") == "a b c"


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=200))
def test_fold_is_idempotent_and_normalised(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded
    assert clean_spaces(clean_spaces(text)) == clean_spaces(text)
