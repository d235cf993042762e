"""The progress report as a PDF: ``reports/typst/progress.typ`` typeset on A4 from :func:`document`,
the report as data (every text already translated and every figure already written for the
reader), with page numbers and the S-curve as SVG."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from cocrea.computations.months import Month
from cocrea.plans.display import money, month_range
from cocrea.reports.printing import typeset
from cocrea.reports.progress.data import ProgressReport
from cocrea.reports.progress.wording import facts, format_indicator, title


def _month_short(month: Month) -> str:
    return formats.date_format(month.first_day(), "M Y")


def _month_name(month: Month) -> str:
    return formats.date_format(month.first_day(), "F Y")


def _date(day: Any) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def chart_svg(report: ProgressReport) -> str:
    """The S-curve as a standalone SVG document (``reports/scurve.svg``, escaped by the template)."""
    return render_to_string("reports/scurve.svg", {"report": report, "chart": report.chart}).strip()


def _summary(report: ProgressReport) -> dict[str, Any] | None:
    ev = report.earned_value
    if ev is None:
        return None
    m = report.measure
    return {
        "cards": [
            {"label": _("Planificado"), "value": m["planned_percent"].text, "behind": False},
            {
                "label": _("Ejecutado"),
                "value": m["executed_percent"].text,
                "behind": ev.executed_percent < ev.planned_percent,
            },
            {
                "label": _("Diferencia en tiempo"),
                "value": m["time_variance_days"].text,
                "behind": ev.time_variance_days is not None and ev.time_variance_days < 0,
            },
            {
                "label": _("Diferencia en presupuesto"),
                "value": m["budget_variance"].text,
                "behind": ev.budget_variance is not None and ev.budget_variance < 0,
            },
        ],
        "note": _(
            "Diferencia en tiempo: negativa significa atraso (cuántos días antes el plan preveía el "
            "avance logrado hoy). Diferencia en presupuesto: gasto planificado a la fecha menos gasto real."
        ),
    }


def _chart(report: ProgressReport) -> dict[str, Any] | None:
    if report.chart is None:
        return None
    return {
        "svg": chart_svg(report),
        "alt": _(
            "Curva S: valor planificado, valor ganado y costo real por mes; los mismos datos están en "
            "la tabla siguiente."
        ),
        "legend": [
            {"key": "pv", "label": _("Valor planificado (PV)")},
            {"key": "ev", "label": _("Valor ganado (EV)")},
            {"key": "ac", "label": _("Costo real (AC)")},
        ],
        "caption": _(
            "Montos acumulados al final de cada mes; el mes de la fecha de corte, a esa fecha. El valor "
            "ganado y el costo real se dibujan hasta la fecha de corte."
        ),
        "table_caption": _("Tabla de la curva S"),
        "head": [_("Mes"), "PV", "EV", "AC"],
        "rows": [
            [
                _month_name(point.month) + (" *" if point.partial else ""),
                money(point.pv),
                money(point.ev) if point.ev is not None else "—",
                money(point.ac) if point.ac is not None else "—",
            ]
            for point in report.curve
        ],
        "partial_note": _("* Cifras al %(day)s, fecha de corte.") % {"day": _date(report.day)}
        if report.has_partial
        else None,
    }


def document(report: ProgressReport) -> dict[str, Any]:
    """Everything the PDF shows, as data for ``progress.typ``."""
    sample = report.milestone.sample_execution
    totals = report.budget_totals
    return {
        "title": title(report),
        "sample": _("Datos de ejemplo") if sample else None,
        "sample_sentence": _(
            "la ejecución que se muestra (avances, gastos, reuniones) es de demostración, no real."
        ),
        "footer": _("Fecha de corte: %(day)s · Generado con Cocrea el %(generated)s")
        % {"day": _date(report.day), "generated": _date(report.generated)},
        "plan": str(report.action_plan.name),
        "heading": _("Informe mensual de avance"),
        "subtitles": [
            [
                _("Compromiso %(number)s:") % {"number": report.commitment.number},
                str(report.commitment.title),
            ],
            [_("Hito %(number)s:") % {"number": report.milestone.number}, str(report.milestone.title)],
        ],
        "facts": [[label, value] for label, value in facts(report)],
        "sections": {
            "summary": _("Resumen"),
            "indicators": _("Indicadores"),
            "earned_value": _("Valor ganado"),
            "curve": _("Curva S"),
            "activities": _("Actividades"),
            "budget": _("Presupuesto por línea"),
            "alerts": _("Alertas"),
            "findings": _("Revisión del plan"),
            "method": _("Nota metodológica"),
        },
        "summary": _summary(report),
        "no_schedule": _("El plan no tiene actividades con fechas: no se puede calcular el avance."),
        "indicators": {
            "head": [_("Indicador"), _("Definición"), _("Valor"), _("Meta")],
            "rows": [
                [row["key"], str(row["definition"]), *format_indicator(row)] for row in report.indicators
            ],
            "missing": [row["status"] != "ok" for row in report.indicators],
        },
        "measures": {
            "head": [_("Medida"), _("Valor"), _("Qué significa")],
            "rows": [[m.label, m.text, m.meaning] for m in report.measures],
            "missing": [m.value is None for m in report.measures],
        },
        "chart": _chart(report),
        "activities": {
            "head": [_("No."), _("Actividad"), _("Responsable"), _("Planificado"), _("Estado"), _("Avance")],
            "rows": [
                {
                    "code": a.code,
                    "title": a.title,
                    "responsible": a.responsible or "—",
                    "planned": month_range(a.planned),
                    "status": a.status,
                    "status_key": a.status_key,
                    "percent": float(a.percent),
                    "percent_text": _("%(number)s %%")
                    % {"number": formats.number_format(round(a.percent), 0)},
                }
                for a in report.activities
            ],
            "note": _("Estado y avance: el último reporte de cada actividad hasta la fecha de corte."),
        },
        "budget": {
            "head": [
                _("No."),
                _("Recurso"),
                _("Costo"),
                _("Planificado a la fecha"),
                _("Gastado"),
                _("Disponible"),
            ],
            "rows": [
                [
                    f"{row['line'].number:02d}",
                    str(row["line"].description),
                    money(row["line"].stated_cost),
                    money(row["planned_to_date"]),
                    money(row["spent"]),
                    money(row["remaining"]),
                ]
                for row in report.budget
            ],
            "over": [bool(row["over"]) for row in report.budget],
            "foot": [
                "",
                _("Total"),
                money(totals["stated"]),
                money(totals["planned_to_date"]),
                money(totals["spent"]),
                money(totals["remaining"]),
            ],
        },
        "alerts": [
            {"kind": kind, "label": label, "message": message} for kind, label, message in report.alerts
        ],
        "no_alerts": _("Nada requiere atención a esta fecha."),
        "findings": {
            "head": [_("Gravedad"), _("Sección"), _("Elemento"), _("Hallazgo")],
            "rows": [
                {
                    "severity": f.severity,
                    "label": f.severity_label,
                    "section": f.section or "—",
                    "item": f.item or "—",
                    "message": f.message,
                }
                for f in report.findings
            ],
            "none": _("La revisión del plan no encontró problemas."),
        },
        "method": [
            _(
                "El avance planificado de cada actividad crece de forma lineal, día a día, entre el primer "
                "día de su mes de inicio y el último día de su mes de fin planificados; el avance ejecutado "
                "es el último porcentaje reportado hasta la fecha de corte. Ambos se promedian con el peso "
                "de cada actividad."
            ),
            _(
                "BAC es el presupuesto total del hito; PV y EV son BAC por el avance planificado y el "
                "ejecutado; AC suma los gastos registrados hasta la fecha de corte. Un índice cuyo divisor "
                "es cero se indica «no aplica»."
            ),
            _(
                "La diferencia en tiempo se mide por cronograma ganado: el día en que el plan preveía el "
                "avance logrado, menos la fecha de corte. El gasto planificado reparte cada línea del "
                "presupuesto en sus propios períodos."
            ),
        ],
    }


def render(report: ProgressReport) -> bytes:
    return typeset("progress.typ", document(report))
