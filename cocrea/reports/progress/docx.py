"""The progress report as a DOCX document: the same sections and tables as the PDF, A4, page
numbers in the footer, the S-curve as its table of months."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cocrea.plans.display import money, month, month_range
from cocrea.reports.printing import PAGE, PAGES, page_of_pages, xml_text
from cocrea.reports.progress.data import ProgressReport
from cocrea.reports.progress.wording import facts, format_indicator, format_value, title


def render(report: ProgressReport) -> bytes:

    def clean(value: Any) -> str:
        return xml_text(str(value))

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
    fields = {PAGE: "PAGE", PAGES: "NUMPAGES"}
    for part in page_of_pages():
        if part in fields:
            field_ = OxmlElement("w:fldSimple")
            field_.set(qn("w:instr"), fields[part])
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field_.append(run)
            footer._p.append(field_)
        else:
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
        [[row["key"], row["definition"], *format_indicator(row)] for row in report.indicators],
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
