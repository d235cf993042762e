"""The words the formats share: a figure as a reader reads it, the title, the identification block.

In the active language; the PDF and the DOCX write figures with :func:`format_value` (the XLSX keeps
them as numbers). Undefined ratios (SPI, CPI, EAC, VAC when a divisor is 0) read "no aplica".
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.plans.display import money, month_range

if TYPE_CHECKING:
    from cocrea.reports.progress.data import ProgressReport


def format_value(value: Decimal | int | date | None, kind: str) -> str:
    """A figure as the PDF and DOCX write it in the active language."""
    if value is None:
        return _("no aplica")
    if kind == "money":
        return money(value)  # type: ignore[arg-type]
    if kind in ("percent", "ratio"):
        # Rounded here, half up like the page's floatformat: number_format would truncate.
        number = formats.number_format(
            Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP),  # type: ignore[arg-type]
            2,
            use_l10n=True,
        )
        return _("%(number)s %%") % {"number": number} if kind == "percent" else number
    if kind == "days":
        return ngettext("%(counter)s día", "%(counter)s días", value) % {"counter": value}  # type: ignore[arg-type]
    if kind == "date":
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def _number(value: Decimal) -> str:
    """A whole number as such ("5"), anything else with two decimals ("12,50"), in the locale."""
    if value == value.to_integral_value():
        return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)
    return formats.number_format(value.quantize(Decimal("0.01"), ROUND_HALF_UP), 2, use_l10n=True)


def format_indicator(row: dict[str, Any]) -> tuple[str, str]:
    """An indicator's value and target as the PDF and DOCX write them: a percentage (indicator A,
    earned value) with two decimals; a count as a whole number ("5", not "5.00"); the unit after it."""
    target = _number(Decimal(str(row["target"]))) if row.get("target") is not None else "—"
    if row["status"] != "ok" or row["value"] is None:
        return _("Sin datos todavía"), target
    value = Decimal(str(row["value"]))
    if row.get("method") == "earned_value":
        return format_value(value, "percent"), target
    unit = str(row.get("unit") or "").strip()
    text = _number(value)
    return (f"{text} {unit}" if unit else text), target


def title(report: ProgressReport) -> str:
    return _("Informe mensual de avance: compromiso %(commitment)s, hito %(milestone)s") % {
        "commitment": report.commitment.number,
        "milestone": report.milestone.number,
    }


def facts(report: ProgressReport) -> list[tuple[str, str]]:
    """The report's identification block, shared by the PDF and the DOCX."""
    coordinator = report.commitment.coordinator
    baseline = report.baseline
    return [
        (_("Fecha de corte"), formats.date_format(report.day, "DATE_FORMAT")),
        (_("Período del hito"), month_range(report.span)),
        (_("Entidad coordinadora"), str(coordinator.name) if coordinator else "—"),
        (
            _("Línea base"),
            _("Línea base %(number)s, vigente desde el %(since)s")
            % {
                "number": baseline.number,
                "since": formats.date_format(baseline.effective_from, "DATE_FORMAT"),
            }
            if baseline
            else _("Sin línea base aprobada: se compara con el plan vigente."),
        ),
        (_("Fecha de generación"), formats.date_format(report.generated, "DATE_FORMAT")),
    ]
