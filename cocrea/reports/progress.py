"""The monthly progress report of a milestone (informe mensual de avance): PDF, XLSX and DOCX.

``build_progress_report(milestone, day, fmt)`` is the one entry point. The three formats are
written from one :class:`ProgressReport`, gathered here once from the dashboard's modules
(:mod:`cocrea.plans.indicators`, the earned-value calculator, the plan check), so the figures in
each format are the same figures, and the same as ``cocrea indicators --format json``:

* PDF: the HTML template ``reports/progress.html`` printed by WeasyPrint (A4, page numbers), with
  the S-curve drawn as inline SVG; nothing is fetched from outside while printing.
* XLSX: the same numbers as data (numeric cells, money as ``#,##0.00``; an undefined ratio is an
  empty cell), one sheet per table; every text cell goes through ``safe_cell``.
* DOCX: the same sections and tables as the PDF, the S-curve as its table of months.

Undefined ratios (SPI, CPI, EAC, VAC when a divisor is 0) read "no aplica" in the PDF and DOCX.
No personal data appears: organisations by name, activities, budget lines and meetings only.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from cocrea.computations.charts import LineChart, line_chart
from cocrea.computations.earned_value import EarnedValue
from cocrea.computations.months import Month, MonthRange
from cocrea.core.safety import safe_cell
from cocrea.plans import indicators, queries
from cocrea.plans.display import money, month, month_range
from cocrea.plans.findings import SEVERITY_LABELS, describe
from cocrea.plans.models import ActivityStatus, Milestone, ProgressEntry

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

MONEY_FORMAT = "#,##0.00"
MONTH_FORMAT = "yyyy-mm"
DATE_FORMAT = "yyyy-mm-dd"

# The earned-value measures, in the order of the dashboard's table: (key in EarnedValue.to_json(),
# label, what it means, kind). The kind decides how a value is written.
MEASURES: tuple[tuple[str, Any, Any, str], ...] = (
    (
        "planned_percent",
        gettext_lazy("Planificado"),
        gettext_lazy("Avance que el plan preveía a la fecha"),
        "percent",
    ),
    (
        "executed_percent",
        gettext_lazy("Ejecutado"),
        gettext_lazy("Avance reportado a la fecha, ponderado"),
        "percent",
    ),
    ("bac", "BAC", gettext_lazy("Presupuesto total del hito"), "money"),
    ("pv", "PV", gettext_lazy("Valor planificado a la fecha"), "money"),
    ("ev", "EV", gettext_lazy("Valor ganado: lo ejecutado, en quetzales del plan"), "money"),
    ("ac", "AC", gettext_lazy("Costo real: gastos hasta la fecha"), "money"),
    ("sv", "SV", gettext_lazy("Variación de cronograma (EV − PV)"), "money"),
    ("cv", "CV", gettext_lazy("Variación de costo (EV − AC)"), "money"),
    ("spi", "SPI", gettext_lazy("Índice de cronograma (EV ÷ PV)"), "ratio"),
    ("cpi", "CPI", gettext_lazy("Índice de costo (EV ÷ AC)"), "ratio"),
    ("eac", "EAC", gettext_lazy("Estimación del costo final (BAC ÷ CPI)"), "money"),
    ("vac", "VAC", gettext_lazy("Variación al final (BAC − EAC)"), "money"),
    (
        "time_variance_days",
        gettext_lazy("Diferencia en tiempo"),
        gettext_lazy("Negativa: atraso; positiva: adelanto"),
        "days",
    ),
    (
        "earned_schedule_date",
        gettext_lazy("Cronograma ganado"),
        gettext_lazy("Fecha en que el plan preveía el avance logrado"),
        "date",
    ),
    (
        "planned_spending",
        gettext_lazy("Gasto planificado"),
        gettext_lazy("Cada línea repartida en sus propios períodos"),
        "money",
    ),
    (
        "budget_variance",
        gettext_lazy("Diferencia en presupuesto"),
        gettext_lazy("Gasto planificado a la fecha menos gasto real"),
        "money",
    ),
)

ALERT_KINDS = {
    "overdue": gettext_lazy("Atraso"),
    "order": gettext_lazy("Secuencia"),
    "over_budget": gettext_lazy("Sobregasto"),
    "meeting": gettext_lazy("Reunión"),
}

# Characters that XML 1.0 (and so XLSX and DOCX) cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class ReportError(ValueError):
    """A report that cannot be built as asked (an unknown format)."""


# -- the data, gathered once ---------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    meaning: str
    kind: str  # money, percent, ratio, days, date
    value: Decimal | int | date | None

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)


@dataclass(frozen=True)
class CurvePoint:
    month: Month
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None
    x: float
    partial: bool  # the month of the status date: values at that date, not at the month's end


@dataclass(frozen=True)
class ActivityRow:
    code: str
    title: str
    responsible: str
    planned: MonthRange | None
    status_key: str
    status: str
    percent: Decimal
    actual_start: date | None
    actual_end: date | None
    reported: date | None

    @property
    def planned_start(self) -> Month | None:
        return self.planned.start if self.planned else None

    @property
    def planned_end(self) -> Month | None:
        return self.planned.end if self.planned else None


@dataclass(frozen=True)
class FindingRow:
    severity: str
    severity_label: str
    section: str
    item: str
    line: int | None
    message: str


@dataclass
class ProgressReport:
    milestone: Milestone
    day: date
    generated: date
    baseline: Any
    earned_value: EarnedValue | None
    measures: list[Measure]
    indicators: list[dict[str, Any]]
    activities: list[ActivityRow]
    budget: list[dict[str, Any]]
    budget_totals: dict[str, Decimal]
    alerts: list[tuple[str, str, str]]  # kind, kind label, message
    findings: list[FindingRow]
    curve: list[CurvePoint] = field(default_factory=list)
    chart: LineChart | None = None

    @property
    def commitment(self) -> Any:
        return self.milestone.commitment

    @property
    def action_plan(self) -> Any:
        return self.milestone.commitment.action_plan

    @property
    def measure(self) -> dict[str, Measure]:
        return {m.key: m for m in self.measures}

    @property
    def label_every(self) -> int:
        """Label every n-th month on the S-curve's axis (about nine labels)."""
        return max(1, -(-len(self.curve) // 9))

    @property
    def has_partial(self) -> bool:
        return any(p.partial for p in self.curve)

    @property
    def status_x(self) -> float | None:
        """Where the status date falls on the S-curve's axis (None: outside the plan's months)."""
        current = Month.from_date(self.day)
        return next((p.x for p in self.curve if p.month == current), None)

    @property
    def span(self) -> MonthRange | None:
        return self.milestone.span or (
            MonthRange(self.curve[0].month, self.curve[-1].month) if self.curve else None
        )


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


def gather(milestone: Milestone, day: date) -> ProgressReport:
    """Everything the report shows at the end of ``day`` (a bounded number of queries)."""
    item = indicators.figures([milestone], day, history=True)[0]  # history: the S-curve
    ev = item.earned_value
    measures = []
    if ev is not None:
        for key, label, meaning, kind in MEASURES:
            measures.append(Measure(key, str(label), str(meaning), kind, getattr(ev, key)))
    budget = indicators.budget_rows(milestone, item.calculator, day)
    report = ProgressReport(
        milestone=milestone,
        day=day,
        generated=timezone.localdate(),
        baseline=item.baseline,
        earned_value=ev,
        measures=measures,
        indicators=indicators.indicator_rows(milestone, ev),
        activities=_activities(milestone, day),
        budget=budget,
        budget_totals={
            "stated": sum((row["line"].stated_cost or Decimal(0) for row in budget), Decimal(0)),
            "planned_to_date": sum((row["planned_to_date"] for row in budget), Decimal(0)),
            "spent": sum((row["spent"] for row in budget), Decimal(0)),
            "remaining": sum((row["remaining"] for row in budget), Decimal(0)),
        },
        alerts=[
            (a.kind, str(ALERT_KINDS.get(a.kind, a.kind)), a.message)
            for a in indicators.alerts(milestone, day)
        ],
        findings=[
            FindingRow(
                f.severity,
                str(SEVERITY_LABELS.get(f.severity, f.severity)),
                f.section,
                f.item,
                f.line,
                describe(f),
            )
            for f in queries.findings_for(queries.plan_document(milestone))
        ],
    )
    if item.calculator is not None and item.span is not None and ev is not None:
        months = list(item.span)
        current = Month.from_date(day)
        points: list[tuple[Month, Decimal, Decimal | None, Decimal | None, bool]] = []
        for month_, point in zip(months, item.calculator.series(months), strict=True):
            if month_ < current:
                points.append((month_, point.pv, point.ev, point.ac, False))
            elif month_ == current:  # the month under way: its figures at the status date
                points.append((month_, ev.pv, ev.ev, ev.ac, day != month_.last_day()))
            else:
                points.append((month_, point.pv, None, None, False))
        chart = line_chart(
            {
                "pv": [p[1] for p in points],
                "ev": [p[2] for p in points],
                "ac": [p[3] for p in points],
            },
            width=760,
            height=300,
            margins=(14, 16, 34, 92),
        )
        report.chart = chart
        report.curve = [
            CurvePoint(m, pv, ev_, ac, x, partial)
            for (m, pv, ev_, ac, partial), x in zip(points, chart.x_positions, strict=True)
        ]
    return report


def _activities(milestone: Milestone, day: date) -> list[ActivityRow]:
    latest = ProgressEntry.objects.filter(activity__milestone=milestone).latest_per_activity(day)
    labels = dict(ActivityStatus.choices)
    rows = []
    for activity in milestone.activities.all():
        state = latest.get(activity.pk)
        status = state.status if state and state.status else ActivityStatus.PLANNED
        rows.append(
            ActivityRow(
                code=activity.code,
                title=activity.title,
                responsible=activity.responsible_text,
                planned=activity.planned,
                status_key=str(status),
                status=str(labels.get(status, status)),
                percent=state.percent_complete if state else Decimal(0),
                actual_start=state.actual_start if state else None,
                actual_end=state.actual_end if state else None,
                reported=state.day if state else None,
            )
        )
    return rows


# -- the entry point -----------------------------------------------------------------------------


def build_progress_report(milestone: Milestone, day: date, fmt: str) -> bytes:
    """The monthly progress report of ``milestone`` at the end of ``day`` as ``pdf``, ``xlsx`` or ``docx``."""
    writers = {"pdf": _pdf, "xlsx": _xlsx, "docx": _docx}
    if fmt not in writers:
        raise ReportError(
            _("Formato desconocido: %(format)s (se esperaba pdf, xlsx o docx).") % {"format": fmt}
        )
    return writers[fmt](gather(milestone, day))


def filename(milestone: Milestone, day: date, fmt: str) -> str:
    """``informe-avance-c11-h1-2019-12-31.pdf``."""
    commitment = slugify(milestone.commitment.number) or "0"
    number = slugify(milestone.number) or "0"
    return f"informe-avance-c{commitment}-h{number}-{day.isoformat()}.{fmt}"


def title(report: ProgressReport) -> str:
    return _("Informe mensual de avance: compromiso %(commitment)s, hito %(milestone)s") % {
        "commitment": report.commitment.number,
        "milestone": report.milestone.number,
    }


# -- PDF -----------------------------------------------------------------------------------------


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_counter() -> str:
    """``"Página " counter(page) " de " counter(pages)`` from one whole translated sentence."""
    sentence = _("Página %(page)s de %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    css = _css_string(sentence)
    return css.replace("\x00page\x00", '" counter(page) "').replace("\x00pages\x00", '" counter(pages) "')


def render_html(report: ProgressReport) -> str:
    """The report as the HTML page that WeasyPrint prints."""
    from django.utils.safestring import mark_safe

    html = render_to_string(
        "reports/progress.html",
        {
            "report": report,
            "title": title(report),
            "facts": facts(report),
            "page_counter": mark_safe(_page_counter()),  # noqa: S308 - our own CSS, escaped above
            "language": get_language() or "es",
        },
    )
    # Control characters from stored text have no glyph and garble the PDF's text layer.
    return _NOT_XML.sub("", html)


def printable(html: str) -> Any:
    """A WeasyPrint document that fetches nothing: the stylesheet and the chart are inline."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))


def _pdf(report: ProgressReport) -> bytes:
    return printable(render_html(report)).write_pdf()  # type: ignore[no-any-return]


# -- XLSX ----------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """A cell value: XML-safe text that no spreadsheet runs as a formula; numbers as they are."""
    if isinstance(value, str):
        return safe_cell(_NOT_XML.sub("", value))
    return value


def _xlsx(report: ProgressReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

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


# -- DOCX ----------------------------------------------------------------------------------------


def _docx(report: ProgressReport) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    def clean(value: Any) -> str:
        return _NOT_XML.sub("", str(value))

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(18)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"  # metric-compatible Liberation Sans where Arial is missing
    normal.font.size = Pt(9.5)
    document.core_properties.title = clean(title(report))
    document.core_properties.author = "Cocrea"
    document.core_properties.language = get_language() or "es"

    # Footer: the page number, as a field the word processor fills in.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    sentence = _("Página %(page)s de %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    for part in re.split("(\x00page\x00|\x00pages\x00)", sentence):
        if part in ("\x00page\x00", "\x00pages\x00"):
            field_ = OxmlElement("w:fldSimple")
            field_.set(qn("w:instr"), "PAGE" if part == "\x00page\x00" else "NUMPAGES")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field_.append(run)
            footer._p.append(field_)
        elif part:
            footer.add_run(clean(part)).font.size = Pt(8)
    header = section.header.paragraphs[0]
    header.add_run(clean(title(report))).font.size = Pt(8)

    def table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        grid = document.add_table(rows=1, cols=len(headers))
        grid.style = "Light Grid Accent 1"
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        for index, text in enumerate(headers):
            cell = grid.rows[0].cells[index]
            cell.text = clean(text)
        for row in rows:
            cells = grid.add_row().cells
            for index, text in enumerate(row):
                cells[index].text = clean(text)
                if index in numeric:
                    cells[index].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row_ in grid.rows:
            for cell in row_.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(8.5)

    def heading(text: str, level: int = 1) -> None:
        document.add_heading(clean(text), level=level)

    eyebrow = document.add_paragraph()
    eyebrow.add_run(clean(report.action_plan.name)).font.color.rgb = RGBColor(0x50, 0x5A, 0x6B)
    document.add_heading(_("Informe mensual de avance"), level=0)
    document.add_paragraph(
        clean(
            _("Compromiso %(number)s: %(title)s")
            % {"number": report.commitment.number, "title": report.commitment.title}
        )
    )
    document.add_paragraph(
        clean(
            _("Hito %(number)s: %(title)s")
            % {"number": report.milestone.number, "title": report.milestone.title}
        )
    )
    table(
        [_("Dato"), _("Valor")],
        [[label, value] for label, value in facts(report)],
    )
    if report.milestone.sample_execution:
        notice = document.add_paragraph()
        notice.add_run(_("Datos de ejemplo")).bold = True
        notice.add_run(
            ": " + _("la ejecución que se muestra (avances, gastos, reuniones) es de demostración, no real.")
        )

    heading(_("1. Indicadores"))
    table(
        [_("Indicador"), _("Definición"), _("Valor"), _("Meta")],
        [
            [
                row["key"],
                row["definition"],
                format_value(Decimal(str(row["value"])), "percent")
                if row["status"] == "ok"
                else _("Sin datos todavía"),
                row["target"] or "—",
            ]
            for row in report.indicators
        ],
        numeric={2, 3},
    )
    heading(_("2. Valor ganado"))
    if report.measures:
        table(
            [_("Medida"), _("Valor"), _("Qué significa")],
            [[m.label, m.text, m.meaning] for m in report.measures],
            numeric={1},
        )
    else:
        document.add_paragraph(_("El plan no tiene actividades con fechas: no se puede calcular el avance."))
    heading(_("3. Curva S"))
    if report.curve:
        table(
            [_("Mes"), "PV", "EV", "AC"],
            [
                [
                    month(p.month),
                    money(p.pv),
                    money(p.ev) if p.ev is not None else "—",
                    money(p.ac) if p.ac is not None else "—",
                ]
                for p in report.curve
            ],
            numeric={1, 2, 3},
        )
    heading(_("4. Actividades"))
    table(
        [_("Código"), _("Actividad"), _("Responsable"), _("Planificado"), _("Estado"), _("Avance")],
        [
            [
                a.code,
                a.title,
                a.responsible,
                month_range(a.planned),
                a.status,
                format_value(a.percent, "percent"),
            ]
            for a in report.activities
        ],
        numeric={5},
    )
    heading(_("5. Presupuesto por línea"))
    table(
        [_("No."), _("Recurso"), _("Costo"), _("Planificado a la fecha"), _("Gastado"), _("Disponible")],
        [
            [
                f"{row['line'].number:02d}",
                row["line"].description,
                money(row["line"].stated_cost),
                money(row["planned_to_date"]),
                money(row["spent"]),
                money(row["remaining"]),
            ]
            for row in report.budget
        ]
        + [
            [
                "",
                _("Total"),
                money(report.budget_totals["stated"]),
                money(report.budget_totals["planned_to_date"]),
                money(report.budget_totals["spent"]),
                money(report.budget_totals["remaining"]),
            ]
        ],
        numeric={2, 3, 4, 5},
    )
    heading(_("6. Alertas"))
    if report.alerts:
        for _kind, label, message in report.alerts:
            paragraph = document.add_paragraph(style="List Bullet")
            paragraph.add_run(clean(label)).bold = True
            paragraph.add_run(": " + clean(message))
    else:
        document.add_paragraph(_("Nada requiere atención a esta fecha."))
    heading(_("7. Revisión del plan"))
    if report.findings:
        table(
            [_("Gravedad"), _("Sección"), _("Elemento"), _("Mensaje")],
            [[f.severity_label, f.section, f.item, f.message] for f in report.findings],
        )
    else:
        document.add_paragraph(_("La revisión del plan no encontró problemas."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
