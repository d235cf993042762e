from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocrea.core.safety import safe_cell, sanitize_html
from tests.security.hostile import corpus, executable_markup


def test_sanitize_keeps_formatting_and_drops_scripts():
    assert sanitize_html("<p>Hola <strong>mundo</strong></p>") == "<p>Hola <strong>mundo</strong></p>"
    assert sanitize_html("<script>alert(1)</script>texto") == "texto"
    assert sanitize_html('<img src=x onerror="alert(1)">') == ""
    cleaned = sanitize_html('<a href="javascript:alert(1)" onclick="x()">enlace</a>')
    assert "javascript" not in cleaned and "onclick" not in cleaned and "enlace" in cleaned
    assert 'rel="noopener noreferrer nofollow"' in sanitize_html('<a href="https://inap.gob.gt">INAP</a>')


def test_sanitized_corpus_has_no_executable_markup():
    for text in corpus(500):
        assert executable_markup(sanitize_html(text)) == [], text


@given(st.text())
def test_sanitize_never_raises_and_is_idempotent(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised(start):
    assert safe_cell(f'{start}HYPERLINK("http://evil")') == f'\'{start}HYPERLINK("http://evil")'


def test_other_cells_are_kept():
    assert safe_cell("Q 16,000.00") == "Q 16,000.00"
    assert safe_cell(16000) == 16000
    assert safe_cell(None) is None


def test_one_implementation_serves_the_apps_and_the_computation_core():
    from cocrea.computations import safety as pure
    from cocrea.core import safety

    assert safety.safe_cell is pure.safe_cell
    assert safety.sanitize_html is pure.sanitize_html
    assert safety.without_bidi_controls is pure.without_bidi_controls
