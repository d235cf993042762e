from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template
from django.utils import formats

from cocrea.computations.months import Month, MonthRange
from cocrea.plans import display

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str = "GTQ") -> str:
    return display.money(value, currency or "GTQ")


@register.filter
def month(value: date | Month | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, date):
        value = Month.from_date(value)
    return display.month(value)


@register.filter
def month_short(value: date | Month | None) -> str:
    if value is None:
        return ""
    first = value.first_day() if isinstance(value, Month) else value
    return formats.date_format(first, "M Y")


@register.filter
def month_initial(value: Month) -> str:
    return formats.date_format(value.first_day(), "F")[:1].upper()


@register.filter
def month_name(value: Month) -> str:
    return formats.date_format(value.first_day(), "F Y")


@register.filter
def month_range(value: MonthRange | None) -> str:
    return display.month_range(value)


@register.filter
def months_count(value: MonthRange | None) -> int | str:
    return value.months if value else "—"


@register.filter
def milestones_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
