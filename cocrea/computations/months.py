"""Months as written in work plans, parsed into :class:`Month` and :class:`MonthRange`.

Accepted spellings (Spanish and English, any case, with or without accents or a trailing dot):
``Abril 2019``, ``abril de 2019``, ``abr-19``, ``abr. 2019``, ``Sept. 2019``, ``04/2019``,
``2019-04``, and ranges of those joined by ``-``, ``–``, ``a``, ``al``, ``hasta`` or ``to``:
``Marzo 2019- Julio 2020``, ``de marzo a julio de 2020``, ``Marzo - Julio 2020`` (the year of the
end is lent to a start written without one).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from cocrea.computations.text import fold, strip_accents

MONTH_NAMES_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)
MONTH_ABBR_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
MONTH_INITIALS_ES = ("E", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")
MONTH_INITIALS_EN = ("J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D")

_ALIASES: dict[str, int] = {}
for _number, _name in enumerate(MONTH_NAMES_ES, start=1):
    _ALIASES[_name] = _number
    _ALIASES[_name[:3]] = _number
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _ALIASES[_name] = _number
    _ALIASES[_name[:3]] = _number
_ALIASES.update({"setiembre": 9, "set": 9, "sept": 9, "sep": 9, "set.": 9})


class MonthParseError(ValueError):
    """The text is not a month or a range of months."""


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise MonthParseError(f"month out of range: {self.month}")
        if not 1900 <= self.year <= 2200:
            raise MonthParseError(f"year out of range: {self.year}")

    @classmethod
    def from_date(cls, value: date) -> Month:
        return cls(value.year, value.month)

    @classmethod
    def from_iso(cls, value: str) -> Month:
        """``2019-04`` → ``Month(2019, 4)``."""
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value.strip())
        if not match:
            raise MonthParseError(f"not a YYYY-MM month: {value!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def index(self) -> int:
        """Months since year 0: consecutive months have consecutive indexes."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, other: Month) -> int:
        return self.index - other.index

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        # Not ``(self + 1).first_day() - 1 day``: the month after December 2200 is no Month.
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def iso(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def spanish(self) -> str:
        """``Abril 2019``: how Spanish-language plans write a month."""
        return f"{MONTH_NAMES_ES[self.month - 1].capitalize()} {self.year}"

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True)
class MonthRange:
    start: Month
    end: Month

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise MonthParseError(f"range ends before it starts: {self.start}–{self.end}")

    @property
    def months(self) -> int:
        """How many calendar months the range covers, both ends included."""
        return self.end - self.start + 1

    def __iter__(self) -> Iterator[Month]:
        for offset in range(self.months):
            yield self.start + offset

    def __contains__(self, month: object) -> bool:
        return isinstance(month, Month) and self.start <= month <= self.end

    def spanish(self) -> str:
        if self.start == self.end:
            return self.start.spanish()
        return f"{self.start.spanish()} - {self.end.spanish()}"


def _year(text: str) -> int:
    value = int(text)
    if len(text) == 2:
        value += 2000
    return value


def _month_number(word: str) -> int:
    key = fold(word).rstrip(".")
    if key in _ALIASES:
        return _ALIASES[key]
    raise MonthParseError(f"not a month name: {word!r}")


_SINGLE_PATTERNS = (
    # abril 2019 · abril de 2019 · abr-19 · abr. 2019 · abr/2019 · sept.2019
    re.compile(r"^(?P<m>[a-z]{3,10})\.?\s*(?:de\s+|del\s+|[-/]\s*)?(?P<y>\d{4}|\d{2})$"),
    # 04/2019 · 4-2019
    re.compile(r"^(?P<mn>\d{1,2})\s*[/-]\s*(?P<y>\d{4})$"),
    # 2019-04 · 2019/4
    re.compile(r"^(?P<y>\d{4})\s*[/-]\s*(?P<mn>\d{1,2})$"),
)
_BARE_MONTH = re.compile(r"^(?P<m>[a-z]{3,10})\.?$")
_RANGE_SEPARATOR = re.compile(r"\s*(?:-|\ba\b|\bal\b|\bhasta\b|\bto\b)\s*")
_LEADING_WORDS = re.compile(r"^(?:(?:del?|desde|from)\s+)+")


def _simplify(text: str) -> str:
    """Lower case, no accents, one kind of dash, single spaces, no trailing dot."""
    text = strip_accents(text).casefold()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = " ".join(text.split()).strip(" .,;:")
    return _LEADING_WORDS.sub("", text)


def parse_month(text: str) -> Month:
    """Parse one month; raise :class:`MonthParseError` when it is not one."""
    candidate = _simplify(text)
    for pattern in _SINGLE_PATTERNS:
        match = pattern.match(candidate)
        if match:
            groups = match.groupdict()
            number = int(groups["mn"]) if groups.get("mn") else _month_number(groups["m"])
            return Month(_year(groups["y"]), number)
    raise MonthParseError(f"not a month: {text!r}")


def parse_month_range(text: str) -> MonthRange:
    """Parse a month or a range of months.

    >>> parse_month_range("Marzo 2019- Julio 2020")
    MonthRange(start=Month(year=2019, month=3), end=Month(year=2020, month=7))
    """
    simple = _simplify(text)
    if not simple:
        raise MonthParseError("empty date")
    try:
        single = parse_month(simple)
    except MonthParseError:
        pass
    else:
        return MonthRange(single, single)
    for separator in _RANGE_SEPARATOR.finditer(simple):
        left, right = simple[: separator.start()], simple[separator.end() :]
        if not left or not right:
            continue
        try:
            end = parse_month(right)
        except MonthParseError:
            continue
        try:
            start = parse_month(left)
        except MonthParseError:
            bare = _BARE_MONTH.match(left)
            if not bare or fold(bare.group("m")) not in _ALIASES:
                continue
            number = _ALIASES[fold(bare.group("m"))]
            start = Month(end.year if number <= end.month else end.year - 1, number)
        if end < start:
            raise MonthParseError(f"range ends before it starts: {text!r}")
        return MonthRange(start, end)
    raise MonthParseError(f"not a month or a range of months: {text!r}")


def looks_like_month(text: str) -> bool:
    try:
        parse_month_range(text)
    except MonthParseError:
        return False
    return True


def month_sequence_from_initials(initials: list[str], years: list[int]) -> list[Month]:
    """Resolve a schedule header of month initials (``N D E F M A ...``) to months.

    The first month is the one whose run of consecutive Spanish (or English) initials matches
    the header; the first year given names its year. Raises :class:`MonthParseError` when no
    run of consecutive months fits.
    """
    letters = [fold(letter).upper()[:1] for letter in initials]
    if not letters or not years:
        raise MonthParseError("empty month header")
    for table in (MONTH_INITIALS_ES, MONTH_INITIALS_EN):
        for first in range(12):
            if all(table[(first + i) % 12] == letter for i, letter in enumerate(letters)):
                start = Month(years[0], first + 1)
                grid = [start + i for i in range(len(letters))]
                spanned = sorted({m.year for m in grid})
                if spanned[: len(years)] == sorted(years)[: len(spanned)] or len(years) == 1:
                    return grid
    raise MonthParseError("the month initials do not form consecutive months")
