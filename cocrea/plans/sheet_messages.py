"""Spreadsheet import errors as sentences in the reader's language (codes from computations.sheets)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.computations.sheets import RowError, SheetError

PROBLEMS = {
    "missing_column": gettext_lazy("faltan columnas obligatorias: %(value)s"),
    "duplicate_column": gettext_lazy("la columna está repetida"),
    "required": gettext_lazy("falta el valor"),
    "unknown_activity": gettext_lazy("no hay ninguna actividad «%(value)s»; el plan tiene %(known)s"),
    "unknown_budget_line": gettext_lazy(
        "no hay ninguna línea de presupuesto «%(value)s»; el plan tiene %(known)s"
    ),
    "date_unreadable": gettext_lazy("«%(value)s» no es una fecha; se espera AAAA-MM-DD o DD/MM/AAAA"),
    "date_invalid": gettext_lazy("«%(value)s» no es una fecha que exista"),
    "percent_unreadable": gettext_lazy("«%(value)s» no es un porcentaje"),
    "percent_out_of_range": gettext_lazy("el avance debe estar entre 0 y 100 (se leyó «%(value)s»)"),
    "status_unknown": gettext_lazy(
        "estado desconocido «%(value)s»; se espera planificada, en curso, completada, retrasada o cancelada"
    ),
    "end_before_start": gettext_lazy("el fin real es anterior al inicio real"),
    "amount_unreadable": gettext_lazy("«%(value)s» no es un monto; se espera, por ejemplo, 32,000.00"),
    "amount_not_positive": gettext_lazy("el monto debe ser mayor que cero"),
    "too_many_cells": gettext_lazy(
        "la fila tiene más celdas que el encabezado; un monto con coma de miles "
        'va entre comillas: «"32,000.00"»'
    ),
    "amount_split": gettext_lazy(
        'el monto parece partido por una coma de miles; póngalo entre comillas: «"32,000.00"»'
    ),
    "workflow": gettext_lazy("%(value)s"),
}


def describe_row_error(error: RowError) -> str:
    params: dict[str, Any] = {
        "value": error.value,
        "known": error.params.get("known", ""),
        **{k: v for k, v in error.params.items() if isinstance(v, str | int)},
    }
    params["value"] = error.value
    problem = str(PROBLEMS[error.code]) % params if error.code in PROBLEMS else error.message
    column = error.params.get("header") or error.column
    if column:
        return _("Fila %(row)s, columna «%(column)s»: %(problem)s.") % {
            "row": error.row,
            "column": column,
            "problem": problem,
        }
    return _("Fila %(row)s: %(problem)s.") % {"row": error.row, "problem": problem}


def describe_sheet_error(error: SheetError) -> str:
    messages = {
        "empty_file": _("El archivo está vacío."),
        "binary_file": _("El archivo no es una hoja de cálculo ni un CSV."),
        "xls_not_supported": _("Los archivos .xls antiguos no se aceptan: guárdelo como .xlsx o CSV."),
        "xlsx_unreadable": _("No se puede leer el archivo XLSX (¿está protegido con contraseña o dañado?)."),
        "undecodable": _("No se reconoce la codificación del texto: guárdelo como UTF-8."),
        "csv_unreadable": _("No se puede leer el CSV."),
        "no_header": _("No se encuentra la fila de encabezados con los nombres de las columnas."),
        "too_many_rows": _("El archivo tiene demasiadas filas."),
    }
    return messages.get(error.code, error.message)
