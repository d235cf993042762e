"""Money and months written for the active language (used by templates, commands and reports)."""

from __future__ import annotations

from datetime import date
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


def month(value: Month | date | None) -> str:
    """``abril de 2019`` / ``April 2019``; a date is written as its month."""
    if value is None:
        return "—"
    if isinstance(value, date):
        value = Month.from_date(value)
    return formats.date_format(value.first_day(), "YEAR_MONTH_FORMAT")


def month_initial(value: Month) -> str:
    """The month's initial as a schedule's header writes it (``A`` for abril)."""
    return formats.date_format(value.first_day(), "F")[:1].upper()


def month_short(value: Month | date | None) -> str:
    """``abr. 2019`` / ``Apr 2019``."""
    if value is None:
        return ""
    first = value.first_day() if isinstance(value, Month) else value
    return formats.date_format(first, "M Y")


def month_name(value: Month) -> str:
    return formats.date_format(value.first_day(), "F Y")


def month_range(value: MonthRange | None) -> str:
    if value is None:
        return "—"
    if value.start == value.end:
        return month(value.start)
    return _("%(start)s – %(end)s") % {"start": month(value.start), "end": month(value.end)}
