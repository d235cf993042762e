"""The findings of a tracker sheet (:mod:`cocrea.computations.trackerparse`, :mod:`.tracker`) in the
reader's language: where (sheet, line, column), what was found, and what was expected."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cocrea.computations.sheets import HEADER_SEARCH_ROWS, SheetError
from cocrea.computations.trackerparse import Finding
from cocrea.plans.sheet_messages import describe_sheet_error
from cocrea.plans.tracker import TrackerReport

COLUMNS: dict[str, Promise] = {
    "commitment": _("compromiso"),
    "commitment_id": _("identificador del compromiso"),
    "institutions": _("instituciones responsables"),
    "milestone_id": _("número del hito"),
    "milestone": _("hito"),
    "activity": _("actividad"),
    "product": _("producto"),
    "description": _("descripción de lo realizado"),
    "evidence": _("evidencias"),
    "observations": _("observaciones"),
    "start": _("inicio"),
    "end": _("fin"),
    "period": _("período"),
    "actual_start": _("inicio real"),
    "actual_end": _("fin real"),
    "completion": _("cumplimiento"),
    "status": _("estado"),
    "weight": _("peso"),
}

MESSAGES: dict[str, Promise] = {
    "missing_column": _("falta una columna que la hoja necesita: %(columns)s."),
    "too_many_cells": _("la fila tiene más celdas que el encabezado."),
    "commitment_missing": _("la fila no dice de qué compromiso es (ni ella ni las de arriba)."),
    "milestone_missing": _("la fila tiene datos de un hito pero no su nombre."),
    "duplicate_milestone": _(
        "el hito «%(title)s» ya está en la línea %(first_line)s; esta fila se dejó fuera."
    ),
    "date_unreadable": _("no es una fecha legible; se esperaba por ejemplo %(forms)s."),
    "date_invalid": _("no es un día del calendario."),
    "period_unreadable": _("no es un período legible (por ejemplo «20/10/2020 al 15/11/2020»)."),
    "end_before_start": _("el fin (%(end)s) es anterior al inicio (%(start)s)."),
    "completion_unreadable": _(
        "no es un cumplimiento legible: se espera un porcentaje (100%%, 0,5, 50) o %(words)s."
    ),
    "completion_out_of_range": _("el cumplimiento (%(completion)s) debe estar entre 0 y 100 %%."),
    "status_unknown": _(
        "estado desconocido; se esperaba «Completado», «En proceso», «No iniciado», «Retrasado»…"
    ),
    "weight_unreadable": _("no es un peso legible (un número)."),
    "progress_refused": _("el avance del hito %(milestone)s no se puede registrar: %(reason)s"),
    "rows_before_header": _("filas de título antes del encabezado, que no se leen: %(rows)s."),
    "extra_columns": _("columnas que no se leen: %(columns)s."),
    "duplicate_column": _("la columna «%(header)s» se repite; se lee la primera."),
    "other_sheets_ignored": _("otras hojas del libro no se leyeron: %(ignored)s."),
    "value_outside_columns": _("hay un valor fuera de las columnas del encabezado; no se lee."),
    "no_rows": _("la hoja no tiene filas con datos."),
    "summary_row_ignored": _("fila de totales o notas, no se lee: «%(text)s»."),
    "repeated_header": _("el encabezado se repite; la fila se salta."),
    "sheet_skipped": _("la hoja «%(sheet)s» no tiene encabezado; no se leyó."),
    "evidence_not_a_link": _("la evidencia no es un enlace; se guarda como texto: «%(text)s»."),
    "completion_from_status": _("cumplimiento estimado a partir de «%(word)s»: %(completion)s %%."),
    "completion_fractions": _("la columna de cumplimiento se leyó como fracciones de 1 (1 = 100 %%)."),
    "status_completion_mismatch": _(
        "el estado («%(status)s») no concuerda con el cumplimiento (%(completion)s %%)."
    ),
    "dates_month_first": _("las fechas numéricas se leyeron con el mes primero (como %(example)s)."),
    "date_outside_period": _(
        "la fecha %(date)s está fuera del período del compromiso (%(start)s a %(end)s)."
    ),
    "institutions_missing": _("el hito no nombra ninguna institución responsable."),
    "institution_too_long": _(
        "el nombre de una institución no puede pasar de %(limit)s caracteres (ni sus siglas de "
        "%(acronym_limit)s): ¿hay un texto en la columna de instituciones?"
    ),
    "institution_unclear": _("«%(name)s» no parece el nombre de una institución."),
    "weight_missing": _("el compromiso da pesos a sus hitos, pero no a este."),
    "milestone_title_differs": _(
        "el hito %(milestone)s se llama «%(title)s» en Cocrea; conserva ese nombre "
        "(la hoja lo nombra distinto)."
    ),
    "activity_title_differs": _(
        "la actividad %(activity)s del hito %(milestone)s se llama «%(title)s» en Cocrea; conserva ese "
        "nombre (la hoja la nombra distinto)."
    ),
    "duplicate_activity": _(
        "la actividad %(activity)s del hito %(milestone)s ya está en la línea %(first_line)s: una fila por "
        "actividad."
    ),
    "activity_progress_refused": _(
        "el avance de la actividad %(activity)s del hito %(milestone)s no se puede registrar: %(reason)s"
    ),
    "milestone_tracked_directly": _(
        "el hito %(milestone)s («%(title)s») registra su avance directamente (%(reports)s reportes), "
        "así que no se le agregan actividades: un hito se sigue directamente o por sus actividades, no "
        "de las dos formas. Escriba el hito en una sola fila, sin actividades, o pida a un "
        "administrador que organice su plan de trabajo."
    ),
    "milestone_has_work_plan": _(
        "el hito %(milestone)s tiene plan de trabajo detallado: su avance se registra por sus actividades; "
        "el cumplimiento de la hoja no se registró."
    ),
}


# Refusals of the whole import said as one sentence each (no line or column before them: the
# sentence says which lines).
SENTENCES: dict[str, Promise] = {
    "commitment_change_refused": _(
        "No puede cambiar el compromiso «%(commitment)s» (%(lines)s): su cuenta no lo coordina ni es "
        "el punto de contacto de su plan. Quite sus filas de la hoja o pida a un administrador que la "
        "importe."
    ),
    "commitment_add_refused": _(
        "No puede agregar el compromiso «%(commitment)s» (%(lines)s): el plan no lo tiene, y solo un "
        "administrador o el punto de contacto del plan agregan compromisos. Revise su nombre o su "
        "identificador, o pida a un administrador que importe la hoja."
    ),
    "plan_publish_refused": _(
        "No puede publicar el plan de acción «%(plan)s»: solo un administrador o el punto de contacto "
        "del plan lo publican. Importe la hoja sin «publicar lo nuevo»."
    ),
}


def lines_text(runs: list[Mapping[str, Any]]) -> str:
    """``líneas 4–9``, ``línea 4``, ``líneas 4–6, 10``; with the sheet's title when there are sheets."""
    by_sheet: dict[str, list[str]] = {}
    count = 0
    for run in runs:
        first, last = run["first"], run["last"]
        by_sheet.setdefault(run.get("sheet") or "", []).append(
            str(first) if first == last else f"{first}–{last}"
        )
        count += 1 if first == last else 2
    parts = []
    for sheet, spans in by_sheet.items():
        text = ngettext("línea %(lines)s", "líneas %(lines)s", count) % {"lines": ", ".join(spans)}
        parts.append(
            gettext("hoja «%(sheet)s», %(lines)s") % {"sheet": sheet, "lines": text} if sheet else text
        )
    return "; ".join(parts)


class _Params(dict):  # type: ignore[type-arg]
    """Missing parameters read as an empty text instead of failing the message."""

    def __missing__(self, key: str) -> str:
        return ""


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def where(finding: Finding) -> str:
    parts = []
    if finding.sheet:
        parts.append(gettext("hoja «%(sheet)s»") % {"sheet": finding.sheet})
    parts.append(gettext("línea %(line)s") % {"line": finding.line})
    if finding.column:
        parts.append(gettext("columna %(column)s") % {"column": COLUMNS.get(finding.column, finding.column)})
    return ", ".join(parts)


def describe(finding: Finding) -> str:
    """``línea 7, columna fin: «31/02/2020»: no es un día del calendario.``"""
    params = _Params({key: _plain(value) for key, value in finding.params.items()})
    if finding.code in SENTENCES:
        params["lines"] = lines_text(finding.params.get("runs") or [])
        return str(SENTENCES[finding.code]) % params
    template = MESSAGES.get(finding.code)
    text = str(template) % params if template is not None else finding.expected
    value = f": «{finding.value}»" if finding.value and finding.code not in ("summary_row_ignored",) else ""
    return f"{where(finding)}{value}: {text}"


NO_HEADER = _(
    "No se encuentra la fila de encabezados en las primeras %(rows)s filas: una fila debe nombrar las "
    "columnas de la hoja de seguimiento (al menos el hito y el compromiso), por ejemplo %(columns)s."
)


def describe_error(error: SheetError) -> str:
    """Why a file cannot be read as a tracker at all
    (:class:`~cocrea.computations.trackerparse.TrackerError`), in the reader's language."""
    if error.code == "no_header" and error.params.get("columns"):
        columns = ", ".join(f"«{COLUMNS[c]}»" for c in _EXAMPLE_COLUMNS)
        return str(NO_HEADER) % {"rows": HEADER_SEARCH_ROWS, "columns": columns}
    return describe_sheet_error(error)


_EXAMPLE_COLUMNS = (
    "commitment",
    "institutions",
    "milestone",
    "product",
    "start",
    "end",
    "completion",
    "evidence",
)


def changes(report: TrackerReport) -> list[str]:
    """What the import does (or would do), one sentence a line, only what happens."""
    created, updated = report.created, report.updated
    lines = []
    for count, text in (
        (updated["actionplan"], gettext("El plan de acción se publica.")),
        (created["commitment"], gettext("Compromisos nuevos: %(n)s.")),
        (updated["commitment"], gettext("Compromisos actualizados: %(n)s.")),
        (created["milestone"], gettext("Hitos nuevos: %(n)s.")),
        (updated["milestone"], gettext("Hitos actualizados: %(n)s.")),
        (created["activity"], gettext("Actividades nuevas: %(n)s.")),
        (updated["activity"], gettext("Actividades actualizadas: %(n)s.")),
        (created["organization"], gettext("Instituciones nuevas en el registro: %(n)s.")),
        (updated["organization"], gettext("Instituciones del registro actualizadas: %(n)s.")),
        (
            created["commitmententity"]
            + updated["milestone_institutions"]
            + updated["activity_institutions"],
            gettext("Instituciones responsables asignadas: %(n)s."),
        ),
        (report.reports, gettext("Reportes de avance: %(n)s.")),
    ):
        if count:
            lines.append(text % {"n": count} if "%(n)s" in text else text)
    if not lines:
        lines.append(gettext("Nada cambia: el plan ya tiene lo que dice la hoja."))
    return lines
