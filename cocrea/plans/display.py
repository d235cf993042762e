"""Money and months written for the active language (used by templates, commands and reports)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from cocrea.computations.months import Month, MonthRange

CURRENCY_SYMBOLS = {"GTQ": "Q", "USD": "US$", "EUR": "€"}


def money(value: Decimal | int | float | None, currency: str = "GTQ") -> str:
    """``Decimal('570075')`` → ``Q 570,075.00`` (separators from the active locale)."""
    if value is None:
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    number = formats.number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    return f"{sign}{CURRENCY_SYMBOLS.get(currency, currency)} {number}"


def month(value: Month | None) -> str:
    if value is None:
        return "—"
    return formats.date_format(value.first_day(), "YEAR_MONTH_FORMAT")


def month_range(value: MonthRange | None) -> str:
    if value is None:
        return "—"
    if value.start == value.end:
        return month(value.start)
    return _("%(start)s – %(end)s") % {"start": month(value.start), "end": month(value.end)}
