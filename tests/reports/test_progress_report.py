"""The monthly progress report: the same figures as ``cocrea indicators`` in PDF, XLSX and DOCX."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation

from cocrea.computations.months import Month
from cocrea.plans.display import money
from cocrea.plans.sample import load_sample_execution
from cocrea.reports.progress import FORMATS, build_progress_report, gather
from tests.reports.fetch import fetch_report

pytestmark = pytest.mark.django_db

DAY = "2019-12-15"  # mid-month: the S-curve's last actual point is at the status date
MONEY_KEYS = ("bac", "pv", "ev", "ac", "sv", "cv", "eac", "vac", "planned_spending", "budget_variance")
XLSX_LABELS = {
    "Planificado": "planned_percent",
    "Ejecutado": "executed_percent",
    "BAC": "bac",
    "PV": "pv",
    "EV": "ev",
    "AC": "ac",
    "SV": "sv",
    "CV": "cv",
    "SPI": "spi",
    "CPI": "cpi",
    "EAC": "eac",
    "VAC": "vac",
    "Diferencia en tiempo": "time_variance_days",
    "Gasto planificado": "planned_spending",
    "Diferencia en presupuesto": "budget_variance",
}
SHEETS = ["Indicadores", "Valor ganado", "Curva S", "Actividades", "Presupuesto", "Alertas", "Hallazgos"]


@pytest.fixture
def executed(milestone):
    """The seed with its clearly labelled sample execution (progress, payments, meetings)."""
    load_sample_execution(milestone)
    milestone.refresh_from_db()
    return milestone


def indicator_a(day: str) -> dict:
    out = StringIO()
    call_command("indicators", "--date", day, "--format", "json", stdout=out)
    (milestone,) = json.loads(out.getvalue())["milestones"]
    return next(row for row in milestone["indicators"] if row["key"] == "A")


def build(milestone, day: str, fmt: str) -> bytes:
    with translation.override("es"):
        return build_progress_report(milestone, date.fromisoformat(day), fmt)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def xlsx(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def as_decimal(value) -> Decimal:
    return Decimal(str(value))


# -- the same figures in every format ------------------------------------------------------------


def test_the_pdf_holds_the_json_figures_formatted_for_the_reader(executed, staff):
    from cocrea.budget.services import record_expenditure

    record_expenditure(
        executed.budget_lines.get(number=3),
        day=date(2019, 12, 2),
        amount=Decimal("125.50"),
        description="Tóner; factura a ana@inap.gob.gt, tel. 5555-1234",
        by=staff,
    )
    a = indicator_a(DAY)
    data = build(executed, DAY, "pdf")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    with translation.override("es"):
        for key in MONEY_KEYS:
            assert money(Decimal(a[key])) in text, key
    assert "Q 570,075.00" in text
    assert f"{a['planned_percent']:.2f} %" in text and f"{a['executed_percent']:.2f} %" in text
    assert f"{a['spi']:.2f}" in text and f"{a['cpi']:.2f}" in text
    assert f"{a['time_variance_days']} días" in text
    # The report's parts, in the reader's language, and its page numbers.
    for heading in ("Informe mensual de avance", "Indicadores", "Valor ganado", "Curva S", "Actividades"):
        assert heading in text
    for heading in ("Presupuesto por línea", "Alertas", "Revisión del plan"):
        assert heading in text
    assert "Página 1 de" in text
    assert "Datos de ejemplo" in text  # the sample-data notice
    assert "Compromiso 11" in text and "Hito 1" in text
    # The activities with their latest state, and the plan check's activity-12 finding.
    assert "Elaboración del Plan de Trabajo" in text and "Completada" in text
    assert "¿Quiso decir marzo de 2020" in text
    # No personal data: neither who recorded the figures nor what they wrote about people.
    assert "@" not in text and "5555-1234" not in text and staff.email not in text


def test_the_xlsx_holds_the_same_numbers_as_data(executed):
    a = indicator_a(DAY)
    book = xlsx(build(executed, DAY, "xlsx"))
    assert book.sheetnames[: len(SHEETS)] == SHEETS
    measures = {row[0].value: row[1] for row in book["Valor ganado"].iter_rows(min_row=2)}
    for label, key in XLSX_LABELS.items():
        cell = measures[label]
        assert isinstance(cell.value, int | float), label
        assert as_decimal(cell.value) == as_decimal(a[key]), label
    for key in MONEY_KEYS:
        label = next(label for label, k in XLSX_LABELS.items() if k == key)
        assert measures[label].number_format == "#,##0.00"
    indicators = {row[0].value: row for row in book["Indicadores"].iter_rows(min_row=2)}
    assert as_decimal(indicators["A"][2].value) == as_decimal(a["executed_percent"])
    assert indicators["B"][2].value is None and indicators["B"][4].value == "Sin datos todavía"
    # The S-curve: the month of the status date holds the figures at that date; later months PV only.
    curve = [[cell.value for cell in row] for row in book["Curva S"].iter_rows(min_row=2)]
    december = next(row for row in curve if (row[0].year, row[0].month) == (2019, 12))
    assert [as_decimal(v) for v in december[1:]] == [as_decimal(a[k]) for k in ("pv", "ev", "ac")]
    assert curve[-1][2] is None and curve[-1][3] is None and as_decimal(curve[-1][1]) == Decimal("570075")
    activities = list(book["Actividades"].iter_rows(min_row=2, values_only=True))
    assert len(activities) == 13 and activities[0][0] == "01" and activities[0][5] == "Completada"
    budget = list(book["Presupuesto"].iter_rows(min_row=2, values_only=True))
    assert sum(as_decimal(row[2]) for row in budget) == Decimal("570075")
    assert sum(as_decimal(row[4]) for row in budget) == as_decimal(a["ac"])
    assert book["Alertas"].max_row > 1 and book["Hallazgos"].max_row > 1


def test_the_s_curve_accumulates_month_by_month(executed):
    from cocrea.budget.models import Expenditure

    book = xlsx(build(executed, "2020-06-30", "xlsx"))
    rows = [[cell.value for cell in row] for row in book["Curva S"].iter_rows(min_row=2)]
    spending = list(Expenditure.objects.filter(budget_line__milestone=executed).values_list("day", "amount"))
    for month_start, pv, ev, ac in rows[:-2]:  # the months up to June 2020 (the plan runs to August)
        month_end = Month(month_start.year, month_start.month).last_day()
        assert as_decimal(ac) == sum((a for d, a in spending if d <= month_end), Decimal(0)), month_start
        assert ev is not None and pv is not None
    pvs = [as_decimal(row[1]) for row in rows]
    assert pvs == sorted(pvs) and pvs[0] < pvs[5]  # the plan grows month after month
    assert as_decimal(rows[3][3]) > 0  # June 2019: the advisors were already being paid


def test_undefined_ratios_read_no_aplica_in_the_pdf_and_docx_and_are_empty_in_the_xlsx(milestone):
    a = indicator_a("2019-03-31")  # planned work, nothing reported or spent yet
    assert a["cpi"] is None and a["eac"] is None and a["vac"] is None
    measures = {
        row[0].value: row[1].value
        for row in xlsx(build(milestone, "2019-03-31", "xlsx"))["Valor ganado"].iter_rows(min_row=2)
    }
    assert measures["CPI"] is None and measures["EAC"] is None and measures["VAC"] is None
    assert measures["SPI"] == 0
    assert "no aplica" in pdf_text(build(milestone, "2019-03-31", "pdf"))
    assert "no aplica" in docx_text(build(milestone, "2019-03-31", "docx"))


def test_the_docx_holds_the_same_figures(executed):
    a = indicator_a(DAY)
    text = docx_text(build(executed, DAY, "docx"))
    with translation.override("es"):
        for key in MONEY_KEYS:
            assert money(Decimal(a[key])) in text, key
    assert "Informe mensual de avance" in text and "Datos de ejemplo" in text
    assert "Elaboración del Plan de Trabajo" in text


def test_gathering_the_report_takes_a_bounded_number_of_queries(executed, django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        report = gather(executed, date(2019, 12, 15))
    assert len(report.activities) == 13 and report.earned_value is not None


def test_an_unknown_format_is_refused(milestone):
    with pytest.raises(ValueError, match="pdf, xlsx o docx"):
        build(milestone, DAY, "html")


# -- hostile text ---------------------------------------------------------------------------------

HOSTILE = (
    '</td></tr></table><script>alert(1)</script><img src="file:///etc/passwd"> '
    '=HYPERLINK("http://x") \x01\x07\x1b \u202eevil\u202c zero\u200bwidth 😀 ' + "A" * 3000
)


def test_hostile_text_in_an_activity_title_breaks_no_format(milestone):
    activity = milestone.activities.order_by("position").first()
    activity.title = HOSTILE
    activity.responsible_text = "=cmd|' /C calc'!A0"
    activity.save()
    text = pdf_text(build(milestone, DAY, "pdf")).replace("\n", "")  # the long title wraps
    assert "<script>alert(1)</script>" in text  # printed as text, never as markup
    assert "=HYPERLINK" in text and "\x01" not in text
    assert "Redacción del Marco Conceptual" in text  # the other rows are still there
    book = xlsx(build(milestone, DAY, "xlsx"))
    row = next(book["Actividades"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert row[1].startswith("</td>") and "\x01" not in row[1] and "\x07" not in row[1]
    assert row[2].startswith("'=")  # neutralised: no spreadsheet runs it as a formula
    assert "<script>alert(1)</script>" in docx_text(build(milestone, DAY, "docx"))


def test_typst_markup_in_stored_text_is_printed_not_run(milestone):
    """Data reaches Typst as data: markup that would read a file, load an image or stop the
    build prints as the characters it is."""
    activity = milestone.activities.order_by("position").first()
    activity.title = '#read("/etc/passwd") #image("/etc/passwd") #panic("x") $x^2$ *negrita* <l> @ref'
    activity.responsible_text = ']) #include "/etc/hostname" \\'
    activity.save()
    text = pdf_text(build(milestone, DAY, "pdf"))
    assert '#read("/etc/passwd")' in text and '#panic("x")' in text and "*negrita*" in text
    assert "root:" not in text  # nothing was read


def test_the_pdf_embeds_its_own_font_and_never_the_machines():
    """DejaVu Sans ships with Cocrea (reports/fonts) and Typst ignores the system's fonts, so a
    PDF looks the same on every machine."""
    from pypdf import PdfReader

    from cocrea.reports.printing import FONTS, typeset

    assert sorted(p.name for p in FONTS.glob("*.ttf")) == [
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-BoldOblique.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans.ttf",
    ]
    with translation.override("es"):
        pdf = typeset("responses-running.typ", {"pages": 1, "title": "Ñandú", "heading": "x", "sample": None})
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("DejaVuSans" in name for name in fonts), fonts


def test_count_indicators_print_as_whole_numbers(executed):
    from cocrea.reports.progress.wording import format_indicator

    with translation.override("es"):
        assert format_indicator({"status": "ok", "value": 5, "method": "participants", "unit": ""}) == (
            "5",
            "—",
        )
        assert format_indicator(
            {"status": "ok", "value": 1234, "method": "manual", "unit": "personas", "target": "2000.00"}
        ) == ("1,234 personas", "2,000")
        assert format_indicator({"status": "ok", "value": 2.5, "method": "manual", "unit": ""})[0] == "2.50"
        assert format_indicator({"status": "ok", "value": 61.5432, "method": "earned_value"})[0] == "61.54 %"
        assert format_indicator({"status": "no_data", "value": None, "method": "manual"})[0] == (
            "Sin datos todavía"
        )
    # Indicator E (people taking part) in the seed's report: a count, in the PDF and the DOCX.
    e = next(row for row in gather(executed, date.fromisoformat(DAY)).indicators if row["key"] == "E")
    assert e["status"] == "ok" and isinstance(e["value"], int)
    indicators = pdf_text(build(executed, DAY, "pdf")).split("Valor ganado")[0]  # the table comes first
    assert str(e["value"]) in indicators and f"{e['value']}.00" not in indicators
    from docx import Document

    tables = Document(io.BytesIO(build(executed, DAY, "docx"))).tables
    table = next(t for t in tables if t.rows[0].cells[0].text == "Indicador")
    row = next(r for r in table.rows if r.cells[0].text == "E")
    assert row.cells[2].text == str(e["value"])


def test_the_english_pdf_speaks_english(executed):
    with translation.override("en"):
        text = pdf_text(build_progress_report(executed, date.fromisoformat(DAY), "pdf"))
    assert "Monthly progress report" in text and "Page 1 of" in text and "Sample data" in text
    assert "Informe mensual" not in text


# -- the command ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_command_writes_the_report(executed, tmp_path, fmt):
    target = tmp_path / f"informe.{fmt}"
    out = StringIO()
    call_command("report", "progress", "--date", DAY, "--format", fmt, "-o", str(target), stdout=out)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-" if fmt == "pdf" else b"PK")
    assert str(target) in out.getvalue()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_command_takes_the_milestone_id(executed, tmp_path):
    target = tmp_path / "informe.xlsx"
    call_command(
        "report", "progress", "--date", DAY, "--format", "xlsx", "-o", str(target), "--milestone", executed.pk
    )
    assert xlsx(target.read_bytes())["Indicadores"]["A2"].value == "A"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2019-13-45"], "AAAA-MM-DD"),
        (["--date", "ayer"], "AAAA-MM-DD"),
        (["--milestone", "999999"], "999999"),
        (["--format", "html"], "invalid choice"),
    ],
)
def test_the_command_refuses_bad_input(milestone, tmp_path, args, message):
    target = tmp_path / "informe.pdf"
    options = {"--date": DAY, "--format": "pdf", "-o": str(target)}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        options[flag] = value
    argv = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError, match=message):
        call_command("report", "progress", *argv)
    assert not target.exists()


def test_the_command_refuses_a_missing_folder_and_an_unknown_kind(milestone, tmp_path):
    with pytest.raises(CommandError, match="no existe"):
        call_command(
            "report", "progress", "--date", DAY, "--format", "pdf", "-o", str(tmp_path / "no" / "x.pdf")
        )
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("report", "budget", "--date", DAY, "--format", "pdf", "-o", str(tmp_path / "x.pdf"))


def test_the_command_needs_the_milestone_when_there_are_several(milestone, tmp_path):
    from cocrea.plans.models import Milestone

    Milestone.objects.create(commitment=milestone.commitment, number="2", title="Segundo hito")
    with pytest.raises(CommandError, match="--milestone"):
        call_command("report", "progress", "--date", DAY, "--format", "pdf", "-o", str(tmp_path / "x.pdf"))


def test_the_command_exits_1_with_a_message_on_bad_input(milestone, tmp_path, capsys):
    from django.core.management import ManagementUtility

    utility = ManagementUtility(
        ["cocrea", "report", "progress", "--date", "nope", "--format", "pdf", "-o", "x"]
    )
    with pytest.raises(SystemExit) as exit_:
        utility.execute()
    assert exit_.value.code == 1
    assert "AAAA-MM-DD" in capsys.readouterr().err


# -- the download ---------------------------------------------------------------------------------


def url(milestone, fmt: str) -> str:
    return reverse(
        "portal:progress_report",
        kwargs={
            "plan": milestone.commitment.action_plan.slug,
            "number": milestone.commitment.number,
            "milestone": milestone.number,
            "fmt": fmt,
        },
    )


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_the_download_is_an_attachment_of_the_right_type(client, executed, fmt):
    response = fetch_report(client, url(executed, fmt), {"fecha": DAY})
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[fmt]
    assert response["Content-Disposition"].startswith("attachment;")
    assert f'filename="informe-avance-c11-h1-{DAY}.{fmt}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-" if fmt == "pdf" else b"PK")


def test_the_dashboard_links_to_the_three_formats_at_its_date(client, milestone):
    dashboard = client.get(milestone.get_dashboard_url(), {"fecha": DAY}).content.decode()
    for fmt in FORMATS:
        assert f'{url(milestone, fmt)}?fecha={DAY}"' in dashboard


def test_an_unpublished_milestone_is_not_found_except_for_who_may_see_it(
    client, milestone, staff, django_capture_on_commit_callbacks
):
    milestone.is_published = False
    milestone.save()
    assert client.get(url(milestone, "xlsx"), {"fecha": DAY}).status_code == 404
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the build it queues
        waiting = client.get(url(milestone, "xlsx"), {"fecha": DAY})
    assert waiting.status_code == 503 and waiting["Cache-Control"] == "private, no-store"
    response = client.get(url(milestone, "xlsx"), {"fecha": DAY})
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    client.logout()  # the kept file is no more reachable than the report's address
    assert client.get(url(milestone, "xlsx"), {"fecha": DAY}).status_code == 404


def test_the_download_refuses_an_unknown_format_and_a_bad_date(client, milestone):
    assert client.get(url(milestone, "html")).status_code == 404
    response = client.get(url(milestone, "xlsx"), {"fecha": "2019-02-30"})
    assert response.status_code == 400 and "AAAA-MM-DD" in response.content.decode()
