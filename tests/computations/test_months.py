"""Months and ranges of months in every spelling plans use, as property tests."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.months import (
    MONTH_ABBR_ES,
    MONTH_INITIALS_EN,
    MONTH_INITIALS_ES,
    MONTH_NAMES_ES,
    Month,
    MonthParseError,
    MonthRange,
    looks_like_month,
    month_sequence_from_initials,
    parse_month,
    parse_month_range,
)
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)

MONTH_NAMES_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

months = st.builds(Month, st.integers(1900, 2200), st.integers(1, 12))
# Strictly inside the calendar, so that the month before and after exist too.
inner_months = st.builds(Month, st.integers(1901, 2199), st.integers(1, 12))
# A two-digit year is read as 20YY.
months_2000s = st.builds(Month, st.integers(2000, 2099), st.integers(1, 12))


def spellings(month: Month) -> list[str]:
    """Every way a plan writes ``month`` with a four-digit year."""
    name = MONTH_NAMES_ES[month.month - 1]
    abbr = MONTH_ABBR_ES[month.month - 1]
    english = MONTH_NAMES_EN[month.month - 1]
    return [
        f"{name.capitalize()} {month.year}",
        f"{name.upper()} {month.year}",
        f"{name} de {month.year}",
        f"{name.capitalize()} del {month.year}",
        f"{abbr}-{month.year}",
        f"{abbr.capitalize()}. {month.year}",
        f"{abbr}/{month.year}",
        f"{month.month:02d}/{month.year}",
        f"{month.month}/{month.year}",
        f"{month.month}-{month.year}",
        f"{month.year}-{month.month:02d}",
        f"{month.year}/{month.month}",
        f"{english} {month.year}",
        f"{english[:3]} {month.year}",
        f"  {name.capitalize()}\u00a0{month.year}. ",
        month.iso(),
        month.spanish(),
    ]


@PROPERTY
@given(months)
def test_every_spelling_parses_back(month: Month) -> None:
    for text in spellings(month):
        assert parse_month(text) == month, text
        assert parse_month_range(text) == MonthRange(month, month), text
        assert looks_like_month(text)


@PROPERTY
@given(months_2000s)
def test_abbreviation_with_two_digit_year(month: Month) -> None:
    abbr = MONTH_ABBR_ES[month.month - 1]
    yy = f"{month.year % 100:02d}"
    for text in (f"{abbr}-{yy}", f"{abbr.upper()}-{yy}", f"{abbr}. {yy}", f"{abbr} {yy}"):
        assert parse_month(text) == month, text


@pytest.mark.parametrize(
    ("text", "number"),
    [("Septiembre 2019", 9), ("Setiembre 2019", 9), ("Sept. 2019", 9), ("set-19", 9), ("sep-19", 9)],
)
def test_september_spellings(text: str, number: int) -> None:
    assert parse_month(text) == Month(2019, number)


def _pair(draw: st.DrawFn) -> tuple[Month, Month]:
    first, second = draw(inner_months), draw(inner_months)
    return (first, second) if first <= second else (second, first)


month_pairs = st.composite(_pair)()


@PROPERTY
@given(month_pairs, st.sampled_from([" - ", "- ", "-", " – ", " a ", " al ", " hasta ", " to "]))
def test_ranges_round_trip(pair: tuple[Month, Month], separator: str) -> None:
    start, end = pair
    expected = MonthRange(start, end)
    assert parse_month_range(expected.spanish()) == expected
    for left, right in zip(spellings(start), spellings(end), strict=True):
        text = f"{left.strip()}{separator}{right.strip()}"
        assert parse_month_range(text) == expected, text


@PROPERTY
@given(st.builds(Month, st.integers(1901, 2200), st.integers(1, 12)), st.integers(0, 11))
def test_range_lends_its_year_to_a_bare_start(end: Month, back: int) -> None:
    """``de marzo a julio de 2020``: the start is the closest such month before the end."""
    start = end + -back
    text = f"de {MONTH_NAMES_ES[start.month - 1]} a {MONTH_NAMES_ES[end.month - 1]} de {end.year}"
    assert parse_month_range(text) == MonthRange(start, end)
    text = f"{MONTH_ABBR_ES[start.month - 1]} - {MONTH_NAMES_ES[end.month - 1]} {end.year}"
    assert parse_month_range(text) == MonthRange(start, end)


@PROPERTY
@given(month_pairs)
def test_end_before_start_is_rejected(pair: tuple[Month, Month]) -> None:
    start, end = pair
    if start == end:
        return
    with pytest.raises(MonthParseError):
        MonthRange(end, start)
    with pytest.raises(MonthParseError):
        parse_month_range(f"{end.spanish()} - {start.spanish()}")


@PROPERTY
@given(months, st.integers(-600, 600))
def test_month_arithmetic(month: Month, offset: int) -> None:
    try:
        moved = month + offset
    except MonthParseError:
        assert not 1900 * 12 <= month.index + offset < 2201 * 12
        return
    assert moved - month == offset
    assert Month.from_index(moved.index) == moved
    assert (moved > month) == (offset > 0)
    assert Month.from_iso(moved.iso()) == moved
    assert moved.first_day() <= moved.last_day()
    assert (moved.last_day() - moved.first_day()).days in (27, 28, 29, 30)
    assert Month.from_date(moved.last_day()) == moved


def test_last_day_of_the_last_month_allowed() -> None:
    assert Month(2200, 12).last_day() == date(2200, 12, 31)
    assert Month(2020, 2).last_day() == date(2020, 2, 29)


@PROPERTY
@given(month_pairs)
def test_range_iterates_its_months(pair: tuple[Month, Month]) -> None:
    start, end = pair
    span = MonthRange(start, end)
    listed = list(span)
    assert len(listed) == span.months == end - start + 1
    assert listed[0] == start and listed[-1] == end
    assert all(m in span for m in listed)
    assert Month.from_index(start.index - 1) not in span
    assert Month.from_index(end.index + 1) not in span
    assert "2019-04" not in span  # only Months are in a range


@pytest.mark.parametrize(
    "text",
    ["", " ", "Abril", "2019", "Abril 20199", "Mes 13 2019", "13/2019", "2019-13", "Marzo 2019 - ", "x"],
)
def test_not_months(text: str) -> None:
    with pytest.raises(MonthParseError):
        parse_month_range(text)
    assert not looks_like_month(text)


@pytest.mark.parametrize("text", ["abr-1899", "Abril 2201", "ene-1800"])
def test_years_out_of_range_are_errors_not_crashes(text: str) -> None:
    with pytest.raises(MonthParseError):
        parse_month_range(text)


def test_seed_spellings() -> None:
    assert parse_month_range("Marzo 2019- Julio 2020") == MonthRange(Month(2019, 3), Month(2020, 7))
    assert parse_month_range("Noviembre 2018-Agosto 2020") == MonthRange(Month(2018, 11), Month(2020, 8))
    assert parse_month_range("abr-19") == MonthRange(Month(2019, 4), Month(2019, 4))
    assert parse_month_range("Marzo - Julio 2020") == MonthRange(Month(2020, 3), Month(2020, 7))
    assert parse_month_range("noviembre a enero de 2020") == MonthRange(Month(2019, 11), Month(2020, 1))


# --------------------------------------------------------------------------------------------
# The schedule's header of month initials


@PROPERTY
@given(
    st.builds(Month, st.integers(1900, 2150), st.integers(1, 12)),
    st.integers(6, 36),
    st.sampled_from([MONTH_INITIALS_ES, MONTH_INITIALS_EN]),
    st.booleans(),
)
def test_month_sequence_from_initials(
    start: Month, length: int, table: tuple[str, ...], first_year_only: bool
) -> None:
    expected = [start + i for i in range(length)]
    initials = [table[m.month - 1] for m in expected]
    years = sorted({m.year for m in expected})
    given_years = years[:1] if first_year_only else years
    assert month_sequence_from_initials(initials, given_years) == expected
    # Lower case and accents do not matter.
    assert month_sequence_from_initials([i.lower() for i in initials], given_years) == expected


def test_seed_header_of_initials() -> None:
    initials = list("NDEFMAMJJASONDEFMAMJJA")
    grid = month_sequence_from_initials(initials, [2018, 2019, 2020])
    assert grid == [Month(2018, 11) + i for i in range(22)]


@pytest.mark.parametrize(
    ("initials", "years"),
    [
        ([], [2019]),
        (list("EFMAMJ"), []),
        (list("EEEEEE"), [2019]),
        (list("NDEFMX"), [2019]),
        (list("ABCDEF"), [2019]),
    ],
)
def test_initials_that_are_not_consecutive_months(initials: list[str], years: list[int]) -> None:
    with pytest.raises(MonthParseError):
        month_sequence_from_initials(initials, years)
