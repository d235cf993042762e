"""Plan-check findings as sentences in the reader's language.

The checker (``cocrea.computations.plancheck``) gives each finding a stable code and
parameters; this module turns them into whole translated sentences with named placeholders.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.computations.months import Month, MonthRange
from cocrea.computations.plancheck import Finding
from cocrea.computations.planparse import PlanParseError
from cocrea.plans.display import money, month, month_range

SEVERITY_LABELS = {
    "error": gettext_lazy("Error"),
    "warning": gettext_lazy("Advertencia"),
    "info": gettext_lazy("Nota"),
}

MESSAGES = {
    "section.missing": gettext_lazy("El plan no tiene la sección «%(heading)s»."),
    "period.missing": gettext_lazy("El cronograma no indica el tiempo de cumplimiento del compromiso."),
    "period.unreadable": gettext_lazy(
        "No se entiende el tiempo de cumplimiento «%(written)s»: se esperaba un rango de meses "
        "como «Noviembre 2018-Agosto 2020»."
    ),
    "activities.count_mismatch": gettext_lazy(
        "La sección %(list_section)s enumera %(list_count)s actividades y la sección "
        "%(table_section)s enumera %(table_count)s."
    ),
    "activities.title_mismatch": gettext_lazy(
        "La actividad %(letter)s de la sección %(list_section)s dice «%(list_title)s», pero "
        "aquí dice «%(table_title)s»."
    ),
    "activity.responsible_missing": gettext_lazy("La actividad no tiene responsable."),
    "activity.date_missing": gettext_lazy("La actividad no tiene fecha."),
    "activity.date_unreadable": gettext_lazy(
        "No se entiende la fecha «%(written)s»: se esperaba un mes («Abril 2019», «abr-19») o un "
        "rango («Marzo 2019 - Julio 2020»)."
    ),
    "activity.outside_period": gettext_lazy(
        "La fecha «%(written)s» cae fuera del período del compromiso (%(period)s)."
    ),
    "activity.out_of_sequence": gettext_lazy(
        "La actividad empieza en %(start)s, antes que la actividad %(previous)s "
        "(%(previous_start)s), que la precede en el plan."
    ),
    "activity.out_of_sequence.before_first": gettext_lazy(
        "La actividad empieza en %(start)s, antes que la actividad %(previous)s "
        "(%(previous_start)s), que la precede en el plan, y antes que la primera actividad del "
        "hito (%(first_start)s)."
    ),
    "activity.out_of_sequence.suggestion": gettext_lazy("¿Quiso decir %(suggestion)s?"),
    "numbering.gap": gettext_lazy("La numeración salta: se esperaba %(expected)s."),
    "numbering.duplicate": gettext_lazy("Este número o letra ya se usó antes en la sección."),
    "budget.cost_unreadable": gettext_lazy(
        "No se entiende el costo «%(written)s»: se esperaba un monto como «Q 16,000.00»."
    ),
    "budget.line_arithmetic": gettext_lazy(
        "La descripción indica %(quantity)s × %(unit_cost)s × %(periods)s = %(expected)s, pero el "
        "costo declarado es %(stated)s (diferencia: %(difference)s)."
    ),
    "budget.total_missing": gettext_lazy(
        "El presupuesto no tiene fila de total; las líneas suman %(lines_total)s."
    ),
    "budget.total_unreadable": gettext_lazy(
        "No se entiende el total «%(written)s»; las líneas suman %(lines_total)s."
    ),
    "budget.total_mismatch": gettext_lazy(
        "Las líneas suman %(lines_total)s, pero el total declarado es %(stated)s "
        "(diferencia: %(difference)s)."
    ),
    "budget.occasions_mismatch": gettext_lazy(
        "La línea paga %(paid)s %(unit)s, pero el cronograma tiene %(scheduled)s reuniones."
    ),
    "budget.months_mismatch": gettext_lazy(
        "La línea paga %(paid)s meses, pero el hito dura %(scheduled)s meses (%(span)s)."
    ),
    "schedule.grid_mismatch": gettext_lazy(
        "Los meses del cronograma (%(grid)s) no coinciden con el tiempo de cumplimiento (%(period)s)."
    ),
    "schedule.date_missing": gettext_lazy("La fila del cronograma no tiene fecha."),
    "schedule.date_unreadable": gettext_lazy("No se entiende la fecha «%(written)s» del cronograma."),
    "schedule.outside_period": gettext_lazy(
        "La fecha «%(written)s» cae fuera del período del compromiso (%(period)s)."
    ),
    "schedule.out_of_order": gettext_lazy(
        "La fecha «%(written)s» es anterior a la de la fila que la precede."
    ),
    "schedule.meeting_numbering": gettext_lazy(
        "La numeración de las reuniones de trabajo salta: se esperaba %(expected)s."
    ),
}

PARSE_ERRORS = {
    "file_too_large": (
        gettext_lazy("El archivo es demasiado grande."),
        gettext_lazy("un archivo de texto de menos de 5 MB"),
    ),
    "empty": (
        gettext_lazy("El archivo está vacío."),
        gettext_lazy("un plan de trabajo en texto plano"),
    ),
    "binary": (
        gettext_lazy("El archivo es binario, no texto."),
        gettext_lazy("un plan de trabajo en texto plano (UTF-8)"),
    ),
    "not_a_plan": (
        gettext_lazy("Este texto no es un plan de trabajo: no tiene encabezados de sección numerados."),
        gettext_lazy("encabezados como «I. OBJETIVO GENERAL», «IV. ACTIVIDADES», «VIII. CRONOGRAMA»"),
    ),
    "missing_section": (
        gettext_lazy("Falta una sección antes de este encabezado."),
        gettext_lazy("la sección «%(heading)s»"),
    ),
    "truncated": (
        gettext_lazy("El plan termina aquí, antes de todas sus secciones."),
        gettext_lazy("la sección «%(heading)s»"),
    ),
    "empty_section": (
        gettext_lazy("La sección %(numeral)s (%(title)s) no tiene elementos."),
        gettext_lazy("elementos con letra, como «A. …», bajo el encabezado"),
    ),
    "no_budget_lines": (
        gettext_lazy("La sección %(numeral)s (%(title)s) no tiene líneas de presupuesto."),
        gettext_lazy("filas numeradas «No. <tab> Recurso <tab> Costo»"),
    ),
    "no_schedule_rows": (
        gettext_lazy("La sección %(numeral)s (%(title)s) no enumera reuniones ni actividades."),
        gettext_lazy("filas como «<tab>Reunión inicial<tab>abr-19» bajo una fila «Hito»"),
    ),
    "no_commitment": (
        gettext_lazy("El plan no dice a qué compromiso pertenece."),
        gettext_lazy("un título como «PLAN DE TRABAJO HITO 1, COMPROMISO 11» o «COMPROMISO No. 11»"),
    ),
    "no_milestone": (
        gettext_lazy("El plan no dice para qué hito es."),
        gettext_lazy("un título como «PLAN DE TRABAJO HITO 1, COMPROMISO 11» o una fila «Hito: …»"),
    ),
    "no_action_plan": (
        gettext_lazy("El plan no nombra su plan de acción."),
        gettext_lazy("una línea como «4º. PLAN DE ACCIÓN NACIONAL DE GOBIERNO ABIERTO 2018-2020»"),
    ),
}


def _display(value: Any) -> Any:
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, Month):
        return month(value)
    if isinstance(value, MonthRange):
        return month_range(value)
    return value


def describe(finding: Finding) -> str:
    """The finding as a sentence in the active language."""
    params = {key: _display(value) for key, value in finding.params.items()}
    code = finding.code
    if code == "activity.out_of_sequence" and finding.params.get("before_first"):
        text = str(MESSAGES["activity.out_of_sequence.before_first"]) % params
    else:
        text = str(MESSAGES.get(code, code)) % params if code in MESSAGES else code
    if code == "activity.out_of_sequence" and finding.params.get("suggestion"):
        text = f"{text} {MESSAGES['activity.out_of_sequence.suggestion'] % params}"
    return text


def describe_parse_error(error: PlanParseError) -> str:
    """A whole sentence naming the line and what was expected, in the active language."""
    if error.code in PARSE_ERRORS:
        summary_text, expected_text = PARSE_ERRORS[error.code]
        summary = str(summary_text) % error.params if error.params else str(summary_text)
        expected = str(expected_text) % error.params if error.params else str(expected_text)
    else:
        summary, expected = error.message, error.expected
    if error.line:
        return _("Línea %(line)s: %(summary)s Se esperaba %(expected)s.") % {
            "line": error.line,
            "summary": summary,
            "expected": expected,
        }
    return _("%(summary)s Se esperaba %(expected)s.") % {"summary": summary, "expected": expected}


def as_json(finding: Finding) -> dict[str, Any]:
    return {
        "severity": finding.severity,
        "code": finding.code,
        "message": describe(finding),
        "section": finding.section,
        "item": finding.item,
        "line": finding.line,
        "params": {key: _plain(value) for key, value in finding.params.items()},
    }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Month):
        return value.iso()
    if isinstance(value, MonthRange):
        return {"start": value.start.iso(), "end": value.end.iso()}
    return value
