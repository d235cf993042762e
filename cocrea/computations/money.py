"""Money as written in Guatemalan plans: ``Q.16,000.00``, ``Q 16,000.00``, ``Q16,000.00``."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
_CURRENCY = re.compile(r"^(?:GTQ|Q)\s*\.?\s*", re.IGNORECASE)
# Digits grouped by threes (``16,000`` · ``16.000`` · ``16 000``) or not grouped, then up to two
# decimals. A space is a group separator only before exactly three digits, so a number that
# follows an amount (``Q 500.00 17 meses``) is not glued to it.
MONEY_IN_TEXT = re.compile(
    r"\b(?:GTQ|Q)\s*\.?\s*(?:\d{1,3}(?:[,.\u00a0 ]\d{3})+|\d+)(?:[.,]\d{1,2})?(?!\d|[.,]\d)"
)


class MoneyParseError(ValueError):
    """The text is not an amount of money."""


def parse_money(text: str) -> Decimal:
    """Parse an amount with an optional ``Q``/``GTQ`` sign into a Decimal with two places.

    Thousands may be grouped with commas (``16,000.00``) or, European style, with dots when the
    decimal part follows a comma (``16.000,00``).
    """
    raw = text.replace("\u00a0", " ").strip()
    negative = raw.startswith("-") or (raw.startswith("(") and raw.endswith(")"))
    raw = raw.strip("-() ")
    raw = _CURRENCY.sub("", raw).replace(" ", "")
    if not raw or not re.fullmatch(r"[\d.,]+", raw) or not raw[0].isdigit():
        raise MoneyParseError(f"not an amount: {text!r}")
    if "," in raw and "." in raw:
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    elif "," in raw:
        head, _, tail = raw.rpartition(",")
        if len(tail) == 2 and raw.count(",") == 1:
            raw = f"{head}.{tail}"
        else:
            _check_groups(raw.split(","), text)
            raw = raw.replace(",", "")
    elif raw.count(".") > 1:
        _check_groups(raw.split("."), text)
        raw = raw.replace(".", "")
    try:
        # Quantizing an amount with more digits than the context's precision is invalid too.
        value = Decimal(raw).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise MoneyParseError(f"not an amount: {text!r}") from exc
    return -value if negative else value


def _check_groups(groups: list[str], text: str) -> None:
    if not groups[0] or len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
        raise MoneyParseError(f"badly grouped amount: {text!r}")


def find_money(text: str) -> list[tuple[Decimal, int, int]]:
    """Every amount written with a currency sign in ``text``: (value, start, end)."""
    found = []
    for match in MONEY_IN_TEXT.finditer(text):
        chunk = match.group(0).rstrip(". ,")
        try:
            found.append((parse_money(chunk), match.start(), match.start() + len(chunk)))
        except MoneyParseError:
            continue
    return found


def format_money(value: Decimal, symbol: str = "Q", thousands: str = ",", decimal: str = ".") -> str:
    """``Decimal('570075')`` → ``Q 570,075.00``."""
    quantized = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if quantized < 0 else ""
    whole, _, cents = f"{abs(quantized):.2f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{symbol} {thousands.join(groups)}{decimal}{cents}"
