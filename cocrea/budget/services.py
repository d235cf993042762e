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


def budget_line_keys(milestone: Any) -> dict[str, BudgetLine]:
    return {f"{line.number:02d}": line for line in milestone.budget_lines.all()}


def import_expenditures(milestone: Any, data: bytes, *, by: Any, write: bool = True) -> Any:
    """Read an expenditure spreadsheet and, if every row is valid, record it all in one transaction."""
    from cocrea.computations.sheets import describe_keys, read_expenditures
    from cocrea.core.sheet_import import write_all_or_nothing

    keys = budget_line_keys(milestone)
    result = read_expenditures(data, keys, describe_keys(keys))
    if result.errors or not write:
        return result

    def write(row: Any) -> None:
        record_expenditure(
            row.budget_line,
            day=row.day,
            amount=row.amount,
            description=row.description or _("Gasto importado"),
            reference=row.reference,
            by=by,
            check_permission=by is not None,
        )

    return write_all_or_nothing(result, write, (ValidationError, PermissionDenied), "amount")
