"""Writes to the budget: expenditures against budget lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.budget.models import BudgetLine, Expenditure


@transaction.atomic
def record_expenditure(
    line: BudgetLine,
    *,
    day: date,
    amount: Decimal,
    description: str,
    by: Any,
    reference: str = "",
    check_permission: bool = True,
) -> Expenditure:
    if check_permission and not by.has_perm(permission("budgetline", "change"), line):
        raise PermissionDenied
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise ValidationError(_("El monto debe ser mayor que cero."))
    if not description.strip():
        raise ValidationError(_("Describa el gasto."))
    with operation("web"):
        return Expenditure.objects.create(
            budget_line=line,
            day=day,
            amount=amount,
            description=description.strip()[:500],
            reference=reference.strip()[:120],
            recorded_by=by if getattr(by, "is_authenticated", False) else None,
        )
