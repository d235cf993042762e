"""The words of the spreadsheet templates offered on the import screens, in the interface language.

The layout is :func:`cocrea.computations.sheet_templates.write_template`'s; this module gives it the
headings (each one a spelling the readers of :mod:`cocrea.computations.sheets` accept, in Spanish
and in English), the instructions and the drop-down choices. The builders that gather the choices
from the plan are :func:`cocrea.plans.execution.progress_template` and
:func:`cocrea.budget.services.expenditure_template`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from cocrea.computations.sheet_templates import TemplateColumn, TemplateWords, write_template

CHOICE_TITLE_CHARS = 90  # a title in a drop-down choice ("01 — Elaborar …") is cut after this


def choice(code: str, title: str) -> str:
    """``"01 — Elaborar el plan de trabajo"``: the readers take the code in front."""
    title = " ".join(title.split())
    if len(title) > CHOICE_TITLE_CHARS:
        title = title[: CHOICE_TITLE_CHARS - 1].rstrip() + "…"
    return f"{code} — {title}" if title else code


def _date_forms() -> str:
    return _("Una fecha: 15/03/2026 (día/mes/año) o 2026-03-15.")


def _day(meaning: str, today: date) -> TemplateColumn:
    """The required date column of both templates."""
    return TemplateColumn(
        "date",
        _("Fecha (dd/mm/aaaa)"),
        "date",
        required=True,
        meaning=meaning,
        accepted=_date_forms(),
        example=today,
        prompt=_("Día/mes/año, por ejemplo 15/03/2026."),
    )


def progress_columns(activities: Sequence[str], statuses: Sequence[str], today: date) -> list[TemplateColumn]:
    """The progress template's columns; ``activities`` and ``statuses`` are the drop-down choices."""
    return [
        TemplateColumn(
            "activity",
            _("Actividad"),
            "choice",
            required=True,
            choices=tuple(activities),
            meaning=_("La actividad del plan de trabajo de la que informa la fila."),
            accepted=_(
                "Elija una de la lista; también se acepta el número (01) o la letra (A) de la actividad."
            ),
            example=activities[0] if activities else "01",
            prompt=_("Elija la actividad de la lista."),
            error=_("Elija una actividad de la lista o escriba su número, como 01."),
        ),
        _day(_("El día al que corresponde el avance: la fecha de corte del informe."), today),
        TemplateColumn(
            "percent_complete",
            _("Avance (%)"),
            "percent",
            required=True,
            meaning=_("Qué parte de la actividad está hecha en esa fecha, de 0 a 100."),
            accepted=_("Un número de 0 a 100, como 45 o 45.5."),
            example=Decimal(45),
            prompt=_("Un número de 0 a 100."),
            error=_("El avance es un número de 0 a 100."),
        ),
        TemplateColumn(
            "status",
            _("Estado"),
            "choice",
            choices=tuple(statuses),
            meaning=_(
                "El estado de la actividad en esa fecha. Si lo deja vacío, se deduce del avance: 0 es "
                "planificada, 100 completada y lo demás en curso."
            ),
            accepted=_("Elija uno de la lista, o deje la celda vacía."),
            example=statuses[1] if len(statuses) > 1 else "",
            prompt=_("Elija el estado de la lista, o déjelo vacío para deducirlo del avance."),
            error=_("Elija un estado de la lista."),
        ),
        TemplateColumn(
            "actual_start",
            _("Inicio real (dd/mm/aaaa)"),
            "date",
            meaning=_("El día en que la actividad empezó de verdad, si ya empezó."),
            accepted=_date_forms(),
        ),
        TemplateColumn(
            "actual_end",
            _("Fin real (dd/mm/aaaa)"),
            "date",
            meaning=_("El día en que la actividad terminó, si ya terminó; no antes del inicio real."),
            accepted=_date_forms(),
        ),
        TemplateColumn(
            "note",
            _("Nota"),
            "text",
            meaning=_(
                "Lo que pasó en el período. Si el estado es Retrasada o Cancelada, escriba aquí el "
                "motivo: es obligatorio."
            ),
            accepted=_("Texto libre."),
            example=_("Se realizó el taller con 25 participantes."),
        ),
    ]


def expenditure_columns(lines: Sequence[str], today: date) -> list[TemplateColumn]:
    """The expenditure template's columns; ``lines`` are the drop-down choices."""
    return [
        TemplateColumn(
            "budget_line",
            _("Línea de presupuesto"),
            "choice",
            required=True,
            choices=tuple(lines),
            meaning=_("La línea del presupuesto del hito a la que se carga el gasto."),
            accepted=_("Elija una de la lista; también se acepta el número de la línea (01)."),
            example=lines[0] if lines else "01",
            prompt=_("Elija la línea de presupuesto de la lista."),
            error=_("Elija una línea de la lista o escriba su número, como 01."),
        ),
        _day(_("El día del gasto."), today),
        TemplateColumn(
            "amount",
            _("Monto (Q)"),
            "amount",
            required=True,
            meaning=_("El monto gastado, en quetzales, mayor que cero."),
            accepted=_("Un número: 3200.50, 3,200.50 o Q 3,200.50."),
            example=Decimal("3200.50"),
            prompt=_("El monto en quetzales, mayor que cero."),
            error=_("El monto es un número mayor que cero."),
        ),
        TemplateColumn(
            "description",
            _("Descripción"),
            "text",
            meaning=_("En qué se gastó. Si la deja vacía, se registra «Gasto importado»."),
            accepted=_("Texto libre."),
            example=_("Refacción del taller del 15 de marzo"),
        ),
        TemplateColumn(
            "reference",
            _("Referencia"),
            "text",
            meaning=_("El número de la factura, del CUR o de otro comprobante."),
            accepted=_("Texto libre."),
            example="FACT-1234",
        ),
    ]


def measurement_columns(indicators: Sequence[str], today: date) -> list[TemplateColumn]:
    """The measurement template's columns; ``indicators`` are the drop-down choices."""
    return [
        TemplateColumn(
            "indicator",
            _("Indicador"),
            "choice",
            required=True,
            choices=tuple(indicators),
            meaning=_("El indicador medido a mano del que se registra el valor."),
            accepted=_("Elija uno de la lista; también se acepta su letra (F)."),
            example=indicators[0] if indicators else "F",
            prompt=_("Elija el indicador de la lista."),
            error=_("Elija un indicador de la lista o escriba su letra, como F."),
        ),
        _day(_("El día de la medición."), today),
        TemplateColumn(
            "value",
            _("Valor"),
            "text",
            required=True,
            meaning=_("El valor medido, en la unidad del indicador."),
            accepted=_("Un número: 12, 12.5 o 1,234.5."),
            example="12",
            prompt=_("Un número."),
        ),
        TemplateColumn(
            "evidence",
            _("Medio de verificación"),
            "text",
            meaning=_("El enlace al documento que respalda la medición."),
            accepted=_("Una dirección https://…"),
            example="https://example.org/acta.pdf",
        ),
        TemplateColumn(
            "note",
            _("Nota"),
            "text",
            meaning=_("Cómo se midió, de dónde salen las cifras."),
            accepted=_("Texto libre."),
            example=_("Conteo de convenios firmados"),
        ),
    ]


def measurement_words(milestone_name: str) -> TemplateWords:
    return _words(
        _("Mediciones"),
        _("Plantilla de mediciones: %(milestone)s") % {"milestone": milestone_name},
        _("Llene una fila por cada medición en la hoja «%(sheet)s».") % {"sheet": _("Mediciones")},
        _("Elija el indicador de la lista de sus celdas; escriba las fechas como día/mes/año."),
    )


def measurement_template(indicators: Sequence[str], *, milestone: str, today: date) -> bytes:
    """The measurement template's XLSX: ``indicators`` as the drop-down offers them."""
    return write_template(measurement_columns(indicators, today), measurement_words(milestone))


def progress_words(milestone_name: str) -> TemplateWords:
    return _words(
        _("Avances"),
        _("Plantilla de avances: %(milestone)s") % {"milestone": milestone_name},
        _("Llene una fila por cada informe de avance en la hoja «%(sheet)s».") % {"sheet": _("Avances")},
        _("Elija la actividad y el estado de las listas de sus celdas; escriba las fechas como día/mes/año."),
    )


def expenditure_words(milestone_name: str) -> TemplateWords:
    return _words(
        _("Gastos"),
        _("Plantilla de gastos: %(milestone)s") % {"milestone": milestone_name},
        _("Llene una fila por cada gasto en la hoja «%(sheet)s».") % {"sheet": _("Gastos")},
        _("Elija la línea de presupuesto de la lista de sus celdas; escriba las fechas como día/mes/año."),
    )


def _words(sheet: str, title: str, *first: str) -> TemplateWords:
    """The words both templates share, after the sheet's title and its first instructions."""
    return TemplateWords(
        sheet=sheet,
        instructions=_("Instrucciones"),
        lists=_("Listas"),
        title=title,
        paragraphs=(
            *first,
            _("Deje vacías las filas que no use: no se importan."),
            _("No cambie los encabezados de la primera fila: Cocrea lee las columnas por su nombre."),
            _(
                "Suba el archivo en Cocrea: verá lo que se va a registrar antes de confirmar. Si una fila "
                "tiene un error, no se importa nada."
            ),
        ),
        table=(_("Columna"), _("Obligatoria"), _("Qué escribir"), _("Formas aceptadas"), _("Ejemplo")),
        yes=_("Sí"),
        no=_("No"),
    )


def progress_template(
    activities: Sequence[str], statuses: Sequence[str], *, milestone: str, today: date
) -> bytes:
    """The progress template's XLSX: ``activities`` and ``statuses`` as the drop-downs offer them."""
    return write_template(progress_columns(activities, statuses, today), progress_words(milestone))


def expenditure_template(lines: Sequence[str], *, milestone: str, today: date) -> bytes:
    """The expenditure template's XLSX: ``lines`` as the drop-down offers them."""
    return write_template(expenditure_columns(lines, today), expenditure_words(milestone))


def milestone_name(milestone: Any) -> str:
    """``"hito 1 del compromiso 11"``, for the instructions' title."""
    return _("hito %(milestone)s del compromiso %(commitment)s") % {
        "milestone": milestone.number,
        "commitment": milestone.commitment.number,
    }
