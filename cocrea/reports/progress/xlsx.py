"""The progress report as an XLSX workbook: the same numbers as data, one sheet per table.

Numeric cells stay numbers (money as ``#,##0.00``, months and dates as dates); an undefined ratio is
an empty cell. Every text cell is XML-safe and goes through ``safe_cell``, so that no spreadsheet
runs it as a formula.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cocrea.core.safety import safe_cell
from cocrea.reports.printing import xml_text
from cocrea.reports.progress.data import ProgressReport
from cocrea.reports.progress.wording import title

MONEY_FORMAT = "#,##0.00"
MONTH_FORMAT = "yyyy-mm"
DATE_FORMAT = "yyyy-mm-dd"


def _text(value: Any) -> Any:
    """A cell value: XML-safe text that no spreadsheet runs as a formula; numbers as they are."""
    if isinstance(value, str):
        return safe_cell(xml_text(value))
    return value


def render(report: ProgressReport) -> bytes:

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = _text(title(report))
    workbook.properties.creator = "Cocrea"
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="17365D")

    def sheet(name: str, headers: list[str], rows: list[list[Any]], widths: list[int]) -> None:
        ws = workbook.create_sheet(str(name)[:31])
        ws.append([_text(h) for h in headers])
        for cell in ws[1]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        for row in rows:
            ws.append([_text(value) for value in row])
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                value = cell.value
                if isinstance(value, Decimal | float):
                    cell.number_format = MONEY_FORMAT
                elif isinstance(value, int) and not isinstance(value, bool):
                    cell.number_format = "0"
                elif isinstance(value, str) and len(value) > 40:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions

    def set_format(name: str, column: int, number_format: str) -> None:
        ws = workbook[name[:31]]
        for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = number_format

    status_labels = {"ok": _("Calculado"), "no_data": _("Sin datos todavía")}
    sheet(
        _("Indicadores"),
        [_("Indicador"), _("Definición"), _("Valor"), _("Unidad"), _("Estado")],
        [
            [
                row["key"],
                row["definition"],
                Decimal(str(row["value"])) if row["value"] is not None else None,
                row["unit"],
                str(status_labels.get(row["status"], row["status"])),
            ]
            for row in report.indicators
        ],
        [10, 70, 14, 12, 18],
    )
    units = {
        "money": report.milestone.currency,
        "percent": "%",
        "ratio": _("índice"),
        "days": _("días"),
        "date": _("fecha"),
    }
    sheet(
        _("Valor ganado"),
        [_("Medida"), _("Valor"), _("Unidad"), _("Qué significa")],
        [[m.label, m.value, str(units[m.kind]), m.meaning] for m in report.measures],
        [26, 18, 10, 60],
    )
    set_format(_("Valor ganado"), 2, MONEY_FORMAT)
    for offset, m in enumerate(report.measures, start=2):
        cell = workbook[_("Valor ganado")[:31]].cell(row=offset, column=2)
        if m.kind == "date":
            cell.number_format = DATE_FORMAT
        elif m.kind == "days":
            cell.number_format = "0"
    sheet(
        _("Curva S"),
        [_("Mes"), "PV", "EV", "AC"],
        [[p.month.first_day(), p.pv, p.ev, p.ac] for p in report.curve],
        [12, 18, 18, 18],
    )
    set_format(_("Curva S"), 1, MONTH_FORMAT)
    sheet(
        _("Actividades"),
        [
            _("Código"),
            _("Actividad"),
            _("Responsable"),
            _("Inicio planificado"),
            _("Fin planificado"),
            _("Estado"),
            _("Avance (%)"),
            _("Inicio real"),
            _("Fin real"),
            _("Último reporte"),
        ],
        [
            [
                a.code,
                a.title,
                a.responsible,
                a.planned_start.first_day() if a.planned_start else None,
                a.planned_end.first_day() if a.planned_end else None,
                a.status,
                a.percent,
                a.actual_start,
                a.actual_end,
                a.reported,
            ]
            for a in report.activities
        ],
        [8, 60, 28, 12, 12, 14, 12, 12, 12, 14],
    )
    for column in (4, 5):
        set_format(_("Actividades"), column, MONTH_FORMAT)
    for column in (8, 9, 10):
        set_format(_("Actividades"), column, DATE_FORMAT)
    sheet(
        _("Presupuesto"),
        [_("No."), _("Recurso"), _("Costo"), _("Planificado a la fecha"), _("Gastado"), _("Disponible")],
        [
            [
                row["line"].number,
                row["line"].description,
                row["line"].stated_cost,
                row["planned_to_date"],
                row["spent"],
                row["remaining"],
            ]
            for row in report.budget
        ],
        [6, 60, 16, 20, 16, 16],
    )
    sheet(
        _("Alertas"),
        [_("Tipo"), _("Mensaje")],
        [[label, message] for _kind, label, message in report.alerts],
        [14, 100],
    )
    sheet(
        _("Hallazgos"),
        [_("Gravedad"), _("Sección"), _("Elemento"), _("Línea"), _("Mensaje")],
        [[f.severity_label, f.section, f.item, f.line, f.message] for f in report.findings],
        [14, 10, 10, 8, 100],
    )
    sheet(
        _("Informe"),
        [_("Dato"), _("Valor")],
        [
            [_("Plan de acción"), report.action_plan.name],
            [_("Compromiso"), f"{report.commitment.number}. {report.commitment.title}"],
            [_("Hito"), f"{report.milestone.number}. {report.milestone.title}"],
            [_("Fecha de corte"), report.day],
            [_("Fecha de generación"), report.generated],
            [_("Moneda"), report.milestone.currency],
            [_("Datos de ejemplo"), _("Sí") if report.milestone.sample_execution else _("No")],
        ],
        [22, 100],
    )
    set_format(_("Informe"), 2, DATE_FORMAT)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
