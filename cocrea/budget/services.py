"""Writes to the budget: expenditures against budget lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.computations.sheets import describe_keys, read_expenditures
from cocrea.core.actors import acting_user
from cocrea.core.sheet_import import refuse_what_they_may_not_change, rehearse_all, write_all_or_nothing
from cocrea.core.versioning import save_edit, save_edit_with_reason
from cocrea.plans import sheet_templates

# What an imported expenditure without a description is recorded as.
IMPORTED_DESCRIPTION = gettext_lazy("Gasto importado")


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
            recorded_by=acting_user(by),
        )


def budget_line_keys(milestone: Any) -> dict[str, BudgetLine]:
    return {f"{line.number:02d}": line for line in milestone.budget_lines.all()}


def import_expenditures(milestone: Any, data: bytes, *, by: Any, write: bool = True) -> Any:
    """Read an expenditure spreadsheet and, if every row is valid, record it all in one transaction.

    ``write=False`` is a preview: every row is written and the whole of it rolled back (see
    :func:`cocrea.plans.execution.import_progress`)."""
    keys = budget_line_keys(milestone)
    result = refuse_what_they_may_not_change(
        read_expenditures(data, keys, describe_keys(keys)),
        by,
        permission("budgetline", "change"),
        lambda row: row.budget_line,
        "budget_line",
        lambda line: (
            _("Usted no puede registrar gastos en la línea %(number)s.") % {"number": f"{line.number:02d}"}
        ),
    )
    if result.errors:
        return result

    def write_row(row: Any) -> None:
        record_expenditure(
            row.budget_line,
            day=row.day,
            amount=row.amount,
            description=row.description or str(IMPORTED_DESCRIPTION),
            reference=row.reference,
            by=by,
            check_permission=by is not None,
        )

    run = write_all_or_nothing if write else rehearse_all
    return run(result, write_row, (ValidationError, PermissionDenied), "amount")


def expenditure_template(milestone: Any, *, by: Any = None) -> bytes:
    """The expenditure spreadsheet to fill in, in the interface language, with the budget lines
    ``by`` may charge (all of them when ``by`` is None) in its drop-down."""
    lines = [
        line
        for line in milestone.budget_lines.all()
        if by is None or by.has_perm(permission("budgetline", "change"), line)
    ]
    return sheet_templates.expenditure_template(
        [sheet_templates.choice(f"{line.number:02d}", line.description) for line in lines],
        milestone=sheet_templates.milestone_name(milestone),
        today=timezone.localdate(),
    )


# --- Corrections: editing and annulling a recorded expenditure -----------------------------------


def _reason(reason: str, field: str, message: str) -> str:
    reason = " ".join((reason or "").split())[:1000]
    if not reason:
        raise ValidationError({field: message})
    return reason


@transaction.atomic
def edit_expenditure(
    expenditure: Expenditure,
    *,
    expected_version: int,
    day: date,
    amount: Decimal,
    description: str,
    reference: str = "",
    reason: str,
    by: Any,
    basis: dict[str, Any] | None = None,
) -> Expenditure:
    """Correct a recorded expenditure (date, amount, description, reference), saying why.

    The reason is stored with it and carried by the audit entry of the change; a stale edit raises
    :class:`~cocrea.core.versioning.StaleEdit`, an annulled expenditure cannot be corrected."""
    if not by.has_perm(permission("expenditure", "change"), expenditure):
        raise PermissionDenied
    reason = _reason(reason, "reason", _("Indique el motivo de la corrección."))
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount <= 0:
        raise ValidationError({"amount": _("El monto debe ser mayor que cero.")})
    if not description.strip():
        raise ValidationError({"description": _("Describa el gasto.")})
    if Expenditure.objects.filter(pk=expenditure.pk).exclude(annulled_at=None).exists():
        raise ValidationError(_("Este gasto está anulado: ya no se puede corregir."))
    changes = {
        "day": day,
        "amount": amount,
        "description": description.strip()[:500],
        "reference": reference.strip()[:120],
    }
    with operation("web"):
        saved = save_edit_with_reason(
            Expenditure,
            expenditure.pk,
            expected_version,
            changes,
            reason_field="correction_reason",
            reason=reason,
            basis=basis,
        )
    return cast(Expenditure, saved)


@transaction.atomic
def annul_expenditure(
    expenditure: Expenditure, *, expected_version: int, reason: str, by: Any
) -> Expenditure:
    """Annul a recorded expenditure: it stays in the record, marked annulled with who, when and
    why, and no longer counts in the budget executed nor in earned value. It cannot be undone (a
    payment annulled by mistake is recorded again)."""
    if not by.has_perm(permission("expenditure", "delete"), expenditure):
        raise PermissionDenied
    reason = _reason(reason, "reason", _("Indique el motivo de la anulación."))
    if Expenditure.objects.filter(pk=expenditure.pk).exclude(annulled_at=None).exists():
        raise ValidationError(_("Este gasto ya estaba anulado."))
    changes = {
        "annulled_at": timezone.now(),
        "annulled_by_id": by.pk if getattr(by, "is_authenticated", False) else None,
        "annulment_reason": reason,
    }
    with operation("web"):
        saved = save_edit(Expenditure, expenditure.pk, expected_version, changes)
    return cast(Expenditure, saved)
