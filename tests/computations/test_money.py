"""Money as Guatemalan plans write it, and the terms a budget line states about itself."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.money import MoneyParseError, find_money, format_money, parse_money
from cocrea.computations.planparse import budget_terms
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)

amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
signed_amounts = st.decimals(
    min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2, allow_nan=False
)
SIGNS = ["Q.", "Q. ", "Q ", "Q", "GTQ ", "GTQ", "q.", "gtq ", ""]


@PROPERTY
@given(signed_amounts)
def test_format_then_parse_gives_the_amount_back(value: Decimal) -> None:
    text = format_money(value)
    assert parse_money(text) == value
    assert text.startswith("-Q " if value < 0 else "Q ")
    assert text.endswith(f"{abs(value):.2f}"[-3:])


@PROPERTY
@given(amounts, st.sampled_from(SIGNS))
def test_every_currency_spelling_parses(value: Decimal, sign: str) -> None:
    grouped = format_money(value).removeprefix("Q ")
    assert parse_money(f"{sign}{grouped}") == value
    assert parse_money(f"{sign}{value:.2f}") == value  # without thousands separators
    assert parse_money(f"  {sign}{grouped}\u00a0") == value


@PROPERTY
@given(amounts)
def test_european_grouping(value: Decimal) -> None:
    text = format_money(value, thousands=".", decimal=",")
    assert parse_money(text) == value


@PROPERTY
@given(amounts, st.sampled_from(["Q.", "Q ", "Q", "GTQ "]))
def test_find_money_in_a_sentence(value: Decimal, sign: str) -> None:
    written = f"{sign}{format_money(value).removeprefix('Q ')}"
    text = f"Contratación de 2 asesores de {written} mensuales durante 17 meses."
    found = find_money(text)
    assert len(found) == 1
    amount, start, end = found[0]
    assert amount == value
    assert text[start:end] == written


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Q.16,000.00", "16000.00"),
        ("Q 16,000.00", "16000.00"),
        ("Q16,000.00", "16000.00"),
        ("GTQ 16,000.00", "16000.00"),
        ("Q.544,000.00", "544000.00"),
        ("Q.570,075.00", "570075.00"),
        ("16.000,00", "16000.00"),
        ("Q 1,234,567.89", "1234567.89"),
        ("Q 16 000,00", "16000.00"),
        ("16,000", "16000.00"),
        ("9500", "9500.00"),
        ("Q 0.5", "0.50"),
        ("Q 12.345", "12.35"),  # rounded half up to cents
        ("-Q 5.00", "-5.00"),
        ("(Q 5.00)", "-5.00"),
    ],
)
def test_parse_money_examples(text: str, value: str) -> None:
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize(
    "text",
    ["", "Q", "Q.", "GTQ", "abc", "Q 1,0000", "Q 12,34,567", ".50", "1.2.3", "Q" + "9" * 40],
)
def test_not_money(text: str) -> None:
    with pytest.raises(MoneyParseError):
        parse_money(text)


def test_find_money_does_not_glue_a_following_number() -> None:
    assert find_money("Q.16,000.00 17 meses") == [(Decimal("16000.00"), 0, 11)]
    assert find_money("Q 500 2 veces") == [(Decimal("500.00"), 0, 5)]
    assert [v for v, _, _ in find_money("de Q.10.00 y de GTQ 2,000.50.")] == [
        Decimal("10.00"),
        Decimal("2000.50"),
    ]
    assert find_money("Q." + "9" * 40) == []
    assert find_money("no amounts, 17 meses") == []


def test_format_money_rounds_and_groups() -> None:
    assert format_money(Decimal("570075")) == "Q 570,075.00"
    assert format_money(Decimal("0.005")) == "Q 0.01"
    assert format_money(Decimal("-1234.5")) == "-Q 1,234.50"
    assert format_money(Decimal("1234.5"), symbol="GTQ", thousands=".", decimal=",") == "GTQ 1.234,50"


# --------------------------------------------------------------------------------------------
# Budget terms


def test_seed_budget_terms() -> None:
    terms = budget_terms("Contratación de 2 asesores de Q.16,000.00 mensuales durante 17 meses.")
    assert (terms.quantity, terms.quantity_noun) == (2, "asesores")
    assert terms.unit_cost == Decimal("16000.00")
    assert (terms.periods, terms.period_unit, terms.period_kind) == (17, "meses", "months")
    assert terms.expected_cost == Decimal("544000.00")
    terms = budget_terms("Salón y refacciones para 15 personas durante 17 ocasiones (reuniones de trabajo).")
    assert (terms.quantity, terms.periods, terms.period_kind) == (15, 17, "occasions")
    assert terms.expected_cost is None
    assert budget_terms("Papel e impresos.").expected_cost is None


@PROPERTY
@given(
    st.integers(1, 500),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2),
    st.integers(1, 60),
    st.sampled_from(
        [("meses", "months"), ("ocasiones", "occasions"), ("días", "days"), ("semanas", "weeks")]
    ),
    st.sampled_from(["Q.", "Q ", "Q", "GTQ "]),
)
def test_budget_terms_read_any_numbers(
    quantity: int, unit: Decimal, periods: int, period: tuple[str, str], sign: str
) -> None:
    written = f"{sign}{format_money(unit).removeprefix('Q ')}"
    terms = budget_terms(f"Contratación de {quantity} asesores de {written} durante {periods} {period[0]}.")
    assert (terms.quantity, terms.unit_cost, terms.periods, terms.period_kind) == (
        quantity,
        unit,
        periods,
        period[1],
    )
    assert terms.expected_cost == quantity * unit * periods
