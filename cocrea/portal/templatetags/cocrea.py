from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from cocrea.computations.months import Month, MonthRange
from cocrea.plans import display

register = template.Library()


@register.filter
def money(value: Decimal | None, currency: str = "GTQ") -> str:
    return display.money(value, currency or "GTQ")


@register.filter
def month(value: date | Month | None) -> str:
    return display.month(value)


@register.filter
def month_short(value: date | Month | None) -> str:
    return display.month_short(value)


@register.filter
def month_initial(value: Month) -> str:
    return display.month_initial(value)


@register.filter
def month_name(value: Month) -> str:
    return display.month_name(value)


@register.filter
def month_range(value: MonthRange | None) -> str:
    return display.month_range(value)


@register.filter
def months_count(value: MonthRange | None) -> int | str:
    return value.months if value else "—"


@register.filter
def milestones_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in numbers)
