"""Spreadsheet imports' problems as whole sentences in the reader's language.

The readers (:mod:`cocrea.computations.sheets`, :mod:`cocrea.computations.attendance_sheet`) give
every problem a stable ``code`` and its ``params``; this module words each code, in Spanish, through
gettext (English in ``locale/en``). A code without wording here (a new one) still gives a sentence:
a general one, never the reader's English.

- :func:`describe_row_error`: ``Fila 5, columna «estado»: …`` for a bad cell or header;
- :func:`describe_row_warning`: ``Aviso, fila 5: …`` for something read but worth a look;
- :func:`describe_sheet_error`: why a file cannot be read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.computations.sheets import RowError, RowWarning, SheetError
from cocrea.plans.models import ActivityStatus

# A cell's problem, after "Fila 5, columna «estado»: ". Parameters: value (the cell as read), the
# reader's params, and those prepared in _params (lists joined, statuses named, numbers formatted).
PROBLEMS: dict[str, Promise] = {
    "missing_column": gettext_lazy(
        "faltan las columnas obligatorias %(columns)s; la fila de encabezados debe nombrar %(required)s"
    ),
    "missing_column.one": gettext_lazy(
        "falta la columna obligatoria %(columns)s; la fila de encabezados debe nombrar %(required)s"
    ),
    "duplicate_column": gettext_lazy("esta columna repite la columna «%(first)s»; deje solo una de las dos"),
    "required": gettext_lazy("falta el valor, que es obligatorio"),
    "unknown_activity": gettext_lazy("no hay ninguna actividad «%(value)s»; el plan tiene %(known)s"),
    "unknown_budget_line": gettext_lazy(
        "no hay ninguna línea de presupuesto «%(value)s»; el plan tiene %(known)s"
    ),
    "date_unreadable": gettext_lazy("«%(value)s» no es una fecha; se espera AAAA-MM-DD o DD/MM/AAAA"),
    "date_invalid": gettext_lazy("«%(value)s» no es una fecha que exista"),
    "percent_unreadable": gettext_lazy(
        "«%(value)s» no es un porcentaje; se espera un número de 0 a 100, como 45, 45,5 o 45 %%"
    ),
    "percent_out_of_range": gettext_lazy("el avance debe estar entre 0 y 100 (se leyó «%(value)s»)"),
    "status_unknown": gettext_lazy(
        "estado desconocido «%(value)s»; se espera planificada, en curso, completada, retrasada o"
        " cancelada, o la celda vacía para deducirlo del avance"
    ),
    "end_before_start": gettext_lazy(
        "el fin real (%(actual_end)s) es anterior al inicio real (%(actual_start)s)"
    ),
    "amount_unreadable": gettext_lazy("«%(value)s» no es un monto; se espera, por ejemplo, 32,000.00"),
    "unknown_indicator": gettext_lazy("no hay ningún indicador «%(value)s»; el hito tiene %(known)s"),
    "number_unreadable": gettext_lazy("«%(value)s» no es un número; se espera, por ejemplo, 12 o 12.5"),
    "evidence_not_a_link": gettext_lazy("«%(value)s» no es un enlace; se espera una dirección https://…"),
    "duplicate_measurement": gettext_lazy(
        "ese indicador ya tiene una medición en esa fecha en la fila %(first_row)s (una por día)"
    ),
    "amount_not_positive": gettext_lazy("el monto debe ser mayor que cero (se leyó %(amount)s)"),
    "too_many_cells": gettext_lazy(
        "la fila tiene %(cells)s celdas y la fila de encabezados solo %(width)s; un monto con coma de"
        ' miles va entre comillas: «"32,000.00"»'
    ),
    "amount_split": gettext_lazy(
        'el monto parece partido por una coma de miles; póngalo entre comillas: «"32,000.00"»'
    ),
    "meeting_unreadable": gettext_lazy(
        "«%(value)s» no es una reunión; se espera el número de una reunión del calendario, %(known)s"
        " (0 es la reunión inicial)"
    ),
    "unknown_meeting": gettext_lazy(
        "no hay ninguna reunión «%(value)s» en el calendario, que tiene %(known)s (0 es la reunión inicial)"
    ),
    "name_invalid": gettext_lazy("«%(value)s» no es el nombre de una persona: debe tener letras"),
    "email_invalid": gettext_lazy(
        "«%(value)s» no es una dirección de correo como nombre@institucion.gob.gt; si no la hay, deje"
        " la celda vacía"
    ),
    "organization_kind_unknown": gettext_lazy(
        "tipo de organización desconocido «%(value)s»; se espera gobierno, sociedad civil, academia,"
        " sector privado, cooperación internacional u otro, o la celda vacía"
    ),
    "gender_unknown": gettext_lazy(
        "género desconocido «%(value)s»; se espera F, M, mujer, hombre u otro, o la celda vacía"
    ),
    "gender_ambiguous": gettext_lazy(
        "«%(value)s» no se puede leer: la columna usa H y F a la vez; escriba mujer, hombre u otro"
    ),
    "department_unknown": gettext_lazy(
        "«%(value)s» no es un departamento de Guatemala; se espera uno de estos: %(departments)s"
    ),
    "workflow": gettext_lazy("%(reason)s"),
}
UNKNOWN_PROBLEM = gettext_lazy("el valor «%(value)s» no se puede importar")

# Something worth a look, after "Aviso, fila 5: ".
WARNINGS: dict[str, Promise] = {
    "extra_columns": gettext_lazy("se ignoraron las columnas %(columns)s, que no se importan"),
    "rows_before_header": gettext_lazy(
        "se ignoraron las filas %(rows)s, que están por encima de la fila de encabezados"
    ),
    "other_sheets_ignored": gettext_lazy(
        "solo se leyó la primera hoja, «%(read)s»; se ignoraron las demás: %(ignored)s"
    ),
    "value_outside_columns": gettext_lazy(
        "se ignoraron los valores de las celdas %(cells)s, que no están bajo una columna con encabezado"
    ),
    "no_rows": gettext_lazy("el archivo tiene la fila de encabezados y ninguna fila de datos"),
    "status_percent_mismatch": gettext_lazy(
        "el estado «%(status)s» no concuerda con un avance de %(percent)s %%"
    ),
    "duplicate_row": gettext_lazy("la fila repite la actividad y la fecha de la fila %(first_row)s"),
    "duplicate_expenditure": gettext_lazy(
        "la fila repite la línea de presupuesto, la fecha, el monto y la descripción de la fila %(first_row)s"
    ),
    "duplicate_reference": gettext_lazy("la referencia «%(reference)s» ya se usó en la fila %(first_row)s"),
    "gender_hm_letters": gettext_lazy(
        "la columna de género usa las letras H y M: se leyó H como hombre y M como mujer"
    ),
    "duplicate_person_email": gettext_lazy(
        "la misma persona (el mismo correo) ya firmó para esta reunión en la fila %(first_row)s"
    ),
    "duplicate_person_name": gettext_lazy(
        "la misma persona (el mismo nombre) ya firmó para esta reunión en la fila %(first_row)s"
    ),
}
UNKNOWN_WARNING = gettext_lazy("revise esta fila")


def _listed(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)


def _quoted(values: Iterable[object]) -> str:
    return ", ".join(_("«%(text)s»") % {"text": v} for v in values)


def _number(value: object) -> str:
    """``10000`` → ``10.000`` (``10,000`` in English)."""
    return number_format(value, force_grouping=True) if isinstance(value, int) else str(value)


_FIGURES = ("limit", "data_limit", "found", "cells")  # formatted for the reader; row numbers are not


def _params(code: str, value: str, params: dict[str, Any]) -> dict[str, Any]:
    """The parameters a wording may use: every scalar param, lists joined, statuses named."""
    found: dict[str, Any] = {k: v for k, v in params.items() if isinstance(v, str | int)}
    found.setdefault("known", "")
    for key in ("columns", "required"):
        if isinstance(params.get(key), list | tuple):
            found[key] = _listed(params[key]) if code == "missing_column" else _quoted(params[key])
    for key in ("rows", "cells", "departments"):
        if isinstance(params.get(key), list | tuple):
            found[key] = _listed(params[key])
    if isinstance(params.get("ignored"), list | tuple):
        found["ignored"] = _quoted(params["ignored"])
    if "status" in found:
        found["status"] = str(dict(ActivityStatus.choices).get(found["status"], found["status"])).lower()
    found["value"] = value
    return found


def _clause(sentence: str) -> str:
    """``"Indique el motivo."`` → ``"indique el motivo"``, to follow a colon."""
    text = sentence.strip().rstrip(".").strip()
    first = text.split(" ", 1)[0]
    if text[:1].isupper() and (len(first) == 1 or not first.isupper()):  # not an acronym (INAP)
        text = text[0].lower() + text[1:]
    return text


def _sentence(template: Promise, params: dict[str, Any]) -> str:
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):  # a param the reader did not give: say less
        return str(template).split("%(")[0].rstrip(" «(:;,")


def describe_row_error(error: RowError) -> str:
    """``Fila 5, columna «estado»: estado desconocido «volando»; se espera ….``"""
    params = _params(error.code, error.value, error.params)
    if error.code == "workflow":  # the service's own sentence, in the language it was raised in
        params["reason"] = _clause(str(error.params.get("reason") or error.expected)) or _(
            "la fila no se puede registrar"
        )
    key = error.code
    if key == "missing_column" and len(error.params.get("columns") or ()) == 1:
        key = "missing_column.one"
    problem = _sentence(PROBLEMS.get(key, UNKNOWN_PROBLEM), params)
    column = error.params.get("header") or (error.column if error.code != "missing_column" else "")
    if column:
        return _("Fila %(row)s, columna «%(column)s»: %(problem)s.") % {
            "row": error.row,
            "column": column,
            "problem": problem,
        }
    return _("Fila %(row)s: %(problem)s.") % {"row": error.row, "problem": problem}


def _warning_problem(warning: RowWarning) -> str:
    code = warning.code
    if code == "duplicate_row" and warning.column == "budget_line":
        code = "duplicate_expenditure"
    elif code == "duplicate_person":
        code = "duplicate_person_email" if warning.params.get("by") == "email" else "duplicate_person_name"
    params = _params(warning.code, warning.value, warning.params)
    return _sentence(WARNINGS.get(code, UNKNOWN_WARNING), params)


def describe_row_warning(warning: RowWarning) -> str:
    """``Aviso, fila 1: se ignoraron las columnas «responsable», que no se importan.``"""
    return _("Aviso, fila %(row)s: %(problem)s.") % {"row": warning.row, "problem": _warning_problem(warning)}


def describe_warning_beside_its_row(warning: RowWarning) -> str:
    """``La fila repite la actividad y la fecha de la fila 3.``: shown beside the row it is about."""
    problem = _warning_problem(warning)
    return f"{problem[:1].upper()}{problem[1:]}."


# Why a file cannot be read at all, by code (and variant: the code, a dot, what the params tell).
SHEET_ERRORS: dict[str, Promise] = {
    "empty_file": gettext_lazy("El archivo está vacío."),
    "binary_file": gettext_lazy("El archivo no es una hoja de cálculo ni un CSV."),
    "xls_not_supported": gettext_lazy("Los archivos .xls antiguos no se aceptan: guárdelo como .xlsx o CSV."),
    "xlsx_unreadable": gettext_lazy(
        "No se puede leer el archivo XLSX (¿está protegido con contraseña o dañado?)."
    ),
    "undecodable": gettext_lazy("No se reconoce la codificación del texto: guárdelo como UTF-8."),
    "csv_unreadable": gettext_lazy(
        "No se puede leer el CSV: revise las comillas cerca de la fila %(row)s o guárdelo de nuevo desde "
        "Excel como CSV UTF-8."
    ),
    "no_header": gettext_lazy(
        "No se encuentra la fila de encabezados en las primeras 10 filas: la primera fila debe nombrar "
        "las columnas %(columns)s."
    ),
    "no_header.sheet": gettext_lazy("El libro no tiene ninguna hoja de cálculo con datos."),
    "too_many_rows": gettext_lazy(
        "El archivo tiene más de %(limit)s filas con datos, el máximo de una importación: divídalo en "
        "varios archivos."
    ),
    "too_many_blank_rows": gettext_lazy(
        "El archivo tiene más de %(limit)s filas contando las vacías (como máximo %(data_limit)s con "
        "datos): borre las filas vacías que sobran debajo de los datos."
    ),
    "too_many_columns": gettext_lazy(
        "La hoja tiene valores más allá de la columna %(last)s: un archivo puede usar como máximo "
        "%(limit)s columnas."
    ),
    "too_many_columns.cells": gettext_lazy(
        "La fila %(row)s tiene %(cells)s celdas, más de las que caben en una fila de Excel: un archivo "
        "puede usar como máximo %(limit)s columnas."
    ),
    "too_many_columns.row": gettext_lazy(
        "La fila %(row)s tiene valores más allá de la columna %(last)s: un archivo puede usar como "
        "máximo %(limit)s columnas."
    ),
    "cell_too_long": gettext_lazy(
        "La hoja tiene una celda de más de %(limit)s caracteres, el máximo de una celda de Excel."
    ),
    "cell_too_long.row": gettext_lazy(
        "La fila %(row)s tiene una celda de más de %(limit)s caracteres, el máximo de una celda de Excel."
    ),
    "xlsx_too_large": gettext_lazy(
        "El libro ocupa más de %(megabytes)s MB descomprimido: guarde la hoja como CSV o copie sus filas "
        "en un libro nuevo."
    ),
    "xlsx_too_large.member": gettext_lazy(
        "Una parte del libro ocupa más de %(megabytes)s MB descomprimida: guarde la hoja como CSV o "
        "copie sus filas en un libro nuevo."
    ),
    "xlsx_too_large.entries": gettext_lazy(
        "El libro contiene más de %(limit)s archivos internos: guarde la hoja como CSV o copie sus filas "
        "en un libro nuevo."
    ),
    "xlsx_too_complex": gettext_lazy(
        "El libro tiene demasiadas celdas, estilos, reglas o dibujos para leerlo: copie las filas que "
        "quiere importar en un libro nuevo o guarde la hoja como CSV."
    ),
}
UNKNOWN_SHEET_ERROR = gettext_lazy("No se puede leer el archivo como hoja de cálculo.")


def describe_sheet_error(error: SheetError) -> str:
    """Why the whole file cannot be read, as one or two sentences."""
    raw = error.params
    params: dict[str, Any] = {
        k: _number(v) if k in _FIGURES else v for k, v in raw.items() if isinstance(v, str | int)
    }
    params["columns"] = _listed(raw.get("columns") or [])
    params["megabytes"] = _number(int(raw.get("limit") or 0) // 1_000_000)
    params.setdefault("row", "?")
    key = error.code
    if key == "no_header" and not raw.get("columns"):
        key = "no_header.sheet"
    elif key == "too_many_columns" and "cells" in raw and "row" in raw:
        key += ".cells"
    elif key in ("too_many_columns", "cell_too_long") and "row" in raw:
        key += ".row"
    elif key == "xlsx_too_large" and raw.get("reason") in ("member", "entries"):
        key += f".{raw['reason']}"
    template = SHEET_ERRORS.get(key, UNKNOWN_SHEET_ERROR)
    try:
        return str(template) % params
    except (KeyError, ValueError, TypeError):
        return str(UNKNOWN_SHEET_ERROR)
