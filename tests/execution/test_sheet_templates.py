"""The spreadsheet templates of the import screens, used as a person would: download, fill in a few
rows choosing from the drop-downs, upload, read the preview, confirm."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped,unused-ignore]

from cocrea.accounts.models import Role
from cocrea.accounts.rules import permission
from cocrea.accounts.services import grant_role
from cocrea.budget.models import Expenditure
from cocrea.budget.services import expenditure_template
from cocrea.computations.sheets import EXPENDITURE_HEADERS, PROGRESS_HEADERS, header_key
from cocrea.plans.execution import progress_template
from cocrea.plans.models import Activity, Organization, ProgressEntry
from cocrea.plans.sheet_templates import expenditure_columns, progress_columns

pytestmark = pytest.mark.django_db

PROGRESS_HEADINGS_ES = [
    "Actividad",
    "Fecha (dd/mm/aaaa)",
    "Avance (%)",
    "Estado",
    "Inicio real (dd/mm/aaaa)",
    "Fin real (dd/mm/aaaa)",
    "Nota",
]
EXPENDITURE_HEADINGS_ES = [
    "Línea de presupuesto",
    "Fecha (dd/mm/aaaa)",
    "Monto (Q)",
    "Descripción",
    "Referencia",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def download(client: Client, milestone: Any, kind: str) -> Any:
    response = client.get(reverse("staff:sheet_template", args=[milestone.pk, kind]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def dropdown(book: Any, sheet: Any, letter: str) -> list[str]:
    """The choices the drop-down of column ``letter`` offers, read from the list it points to."""
    (validation,) = [
        v
        for v in sheet.data_validations.dataValidation
        if v.type == "list" and any(r.min_col == r.max_col == ord(letter) - 64 for r in v.sqref.ranges)
    ]
    title, cells = validation.formula1.lstrip("=").rsplit("!", 1)
    source = book[title.strip("'")]
    return [row[0].value for row in source[cells.replace("$", "")]]


def fill(sheet: Any, rows: list[list[object]]) -> None:
    """Type ``rows`` into the sheet from row 2 on, cell by cell."""
    for number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=number, column=column).value = value


def save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(client: Client, milestone: Any, kind: str, data: bytes, name: str = "plantilla.xlsx") -> Any:
    url = reverse("staff:sheet_import", args=[milestone.pk, kind])
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def confirm(client: Client, milestone: Any, kind: str, response: Any) -> Any:
    upload = response.context["upload"]
    return client.post(reverse("staff:sheet_import_confirm", args=[milestone.pk, kind, upload.pk]))


# --- The round trip, as a person does it ---------------------------------------------------------


def test_three_rows_filled_in_the_progress_template_give_three_reports_and_nothing_else(
    staff_client, milestone
):
    book = download(staff_client, milestone, "avance")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == PROGRESS_HEADINGS_ES
    activities = dropdown(book, sheet, "A")
    statuses = dropdown(book, sheet, "D")
    assert len(activities) == 13 and activities[0].startswith("01 — ")
    assert statuses == ["Planificada", "En curso", "Completada", "Retrasada", "Cancelada"]
    # Row 2: a date cell; row 3: the date typed as text; row 4: no status (derived from the percent).
    rows = [
        [activities[0], date(2026, 3, 2), 100, "Completada", None, None, "Plan aprobado en sesión"],
        [activities[1], "15/03/2026", 45.5, "En curso", "01/03/2026", None, "Taller con 25 personas"],
        [activities[2], date(2026, 3, 20), 10, None, None, None, "Primera reunión"],
    ]
    fill(sheet, rows)

    shown = preview(staff_client, milestone, "avance", save(book))
    assert shown.status_code == 200, shown.context.get("errors") or shown.context.get("error")
    assert not ProgressEntry.objects.exists(), "the preview writes nothing"
    assert shown.context["errors"] == [] and shown.context["warnings"] == []
    html = shown.content.decode()
    for text in ("Plan aprobado en sesión", "Taller con 25 personas", "15/03/2026", "45.5 %", "En curso"):
        assert text in html, text
    assert "(según el avance)" in html  # row 4's status, derived
    assert [r["row"].row for r in shown.context["rows"]] == [2, 3, 4]

    done = confirm(staff_client, milestone, "avance", shown)
    assert done.status_code == 302
    entries = ProgressEntry.objects.select_related("activity").order_by("activity__number")
    assert [(e.activity.number, e.day, e.percent_complete, e.status, e.note) for e in entries] == [
        (1, date(2026, 3, 2), Decimal(100), "done", "Plan aprobado en sesión"),
        (2, date(2026, 3, 15), Decimal("45.5"), "in_progress", "Taller con 25 personas"),
        (3, date(2026, 3, 20), Decimal(10), "in_progress", "Primera reunión"),
    ]
    assert entries[1].actual_start == date(2026, 3, 1)


def test_three_rows_filled_in_the_expenditure_template_give_three_expenditures_and_nothing_else(
    staff_client, milestone
):
    book = download(staff_client, milestone, "gastos")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == EXPENDITURE_HEADINGS_ES
    lines = dropdown(book, sheet, "A")
    assert len(lines) == milestone.budget_lines.count() and lines[0].startswith("01 — ")
    rows = [
        [lines[0], date(2026, 3, 2), 3200.5, "Refacción del taller", "FACT-1"],
        [lines[1], "15/03/2026", Decimal("32000"), "Honorarios de marzo", "CUR-77"],
        [lines[2], date(2026, 3, 20), 150, None, None],
    ]
    fill(sheet, rows)

    shown = preview(staff_client, milestone, "gastos", save(book))
    assert shown.status_code == 200, shown.context.get("errors") or shown.context.get("error")
    assert not Expenditure.objects.exists()
    html = shown.content.decode()
    for text in ("Refacción del taller", "Honorarios de marzo", "CUR-77", "Q 3,200.50", "15/03/2026"):
        assert text in html, text
    assert "Gasto importado" in html  # what the row without a description is recorded as

    assert confirm(staff_client, milestone, "gastos", shown).status_code == 302
    found = Expenditure.objects.select_related("budget_line").order_by("budget_line__number")
    assert [(e.budget_line.number, e.day, e.amount, e.description, e.reference) for e in found] == [
        (1, date(2026, 3, 2), Decimal("3200.50"), "Refacción del taller", "FACT-1"),
        (2, date(2026, 3, 15), Decimal("32000.00"), "Honorarios de marzo", "CUR-77"),
        (3, date(2026, 3, 20), Decimal("150.00"), "Gasto importado", ""),
    ]


@pytest.mark.parametrize("kind", ["avance", "gastos"])
def test_a_template_nobody_filled_in_is_no_error_and_imports_nothing(staff_client, milestone, kind):
    book = download(staff_client, milestone, kind)
    shown = preview(staff_client, milestone, kind, save(book))
    assert shown.status_code == 200
    assert shown.context["errors"] == [] and "upload" not in shown.context
    assert "no tiene ninguna fila con datos" in shown.content.decode()


def test_a_row_with_only_some_cells_is_an_error_and_the_untouched_rows_are_not(staff_client, milestone):
    book = download(staff_client, milestone, "avance")
    sheet = book.worksheets[0]
    activities = dropdown(book, sheet, "A")
    sheet["A2"], sheet["B2"], sheet["C2"] = activities[0], date(2026, 3, 2), 20
    sheet["A5"] = activities[3]  # chosen, and nothing else typed
    shown = preview(staff_client, milestone, "avance", save(book))
    assert shown.status_code == 400
    assert shown.context["errors"] == [
        "Fila 5, columna «Fecha (dd/mm/aaaa)»: falta el valor, que es obligatorio.",
        "Fila 5, columna «Avance (%)»: falta el valor, que es obligatorio.",
    ]
    assert not ProgressEntry.objects.exists()


# --- What the file holds -------------------------------------------------------------------------


def test_the_progress_template_has_drop_downs_formats_instructions_and_nothing_pre_filled(
    staff_client, milestone
):
    book = download(staff_client, milestone, "avance")
    sheet, instructions, lists = book.worksheets
    assert (sheet.title, instructions.title, lists.title) == ("Avances", "Instrucciones", "Listas")
    assert lists.sheet_state == "hidden" and sheet.sheet_state == instructions.sheet_state == "visible"
    assert sheet.freeze_panes == "A2"
    assert all(cell.value is None for row in sheet.iter_rows(min_row=2) for cell in row), "nothing pre-filled"
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert validations["A2:A1001"].type == validations["D2:D1001"].type == "list"
    percent = validations["C2:C1001"]
    assert (percent.type, percent.operator, percent.formula1, percent.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert sheet["B2"].number_format == sheet["E2"].number_format == "dd/mm/yyyy"
    assert sheet.column_dimensions["B"].number_format == "dd/mm/yyyy"  # rows further down too
    assert sheet["C2"].number_format == "0.0#" and sheet["G2"].number_format == "@"
    assert all(sheet.column_dimensions[letter].width >= 12 for letter in "ABCDEFG")
    text = [cell.value for row in instructions.iter_rows() for cell in row if cell.value]
    for heading in PROGRESS_HEADINGS_ES:
        assert heading in text
    assert any("Retrasada o Cancelada" in str(t) and "motivo" in str(t) for t in text)
    example_date = [c for row in instructions.iter_rows() for c in row if isinstance(c.value, date)]
    assert example_date and example_date[0].number_format == "dd/mm/yyyy"


def test_the_expenditure_template_checks_amounts(staff_client, milestone):
    book = download(staff_client, milestone, "gastos")
    sheet = book.worksheets[0]
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    amount = validations["C2:C1001"]
    assert (amount.type, amount.operator, amount.formula1) == ("decimal", "greaterThan", "0")
    assert validations["A2:A1001"].type == "list"
    assert sheet["C2"].number_format == "#,##0.00"


def test_the_template_speaks_the_interface_language(staff_client, milestone):
    with translation.override("en"):
        english = translation.gettext("Fecha (dd/mm/aaaa)")
    assert english == "Date (dd/mm/yyyy)"  # the catalogue translates the template's words
    staff_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    book = download(staff_client, milestone, "avance")
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]][:4] == ["Activity", "Date (dd/mm/yyyy)", "Progress (%)", "Status"]
    assert dropdown(book, sheet, "D") == ["Planned", "In progress", "Done", "Delayed", "Cancelled"]
    assert book.worksheets[1].title == "Instructions"


@pytest.mark.parametrize("language", [code for code, _name in django_settings.LANGUAGES])
def test_every_heading_of_the_templates_is_read_as_its_column(language):
    with translation.override(language):
        columns = [
            (progress_columns(["01 — x"], ["En curso"], date(2026, 3, 2)), PROGRESS_HEADERS),
            (expenditure_columns(["01 — x"], date(2026, 3, 2)), EXPENDITURE_HEADERS),
        ]
    for template, headers in columns:
        aliases = {header_key(s): name for name, spellings in headers.items() for s in (name, *spellings)}
        assert [aliases.get(header_key(column.heading)) for column in template] == [c.name for c in template]


# --- Other files still import --------------------------------------------------------------------


def test_an_english_header_file_still_imports(staff_client, milestone):
    book = Workbook()
    book.active.append(
        ["Activity", "Date", "Percent complete", "Status", "Actual start", "Actual end", "Note"]
    )
    book.active.append(["01", date(2019, 4, 30), 100, "done", None, None, "Approved"])
    book.active.append(["B", "31/05/2019", 40, "In progress", None, None, "Workshop"])
    shown = preview(staff_client, milestone, "avance", save(book), "progress.xlsx")
    assert shown.status_code == 200 and shown.context["warnings"] == []
    assert confirm(staff_client, milestone, "avance", shown).status_code == 302
    assert sorted(ProgressEntry.objects.values_list("note", flat=True)) == ["Approved", "Workshop"]


def test_spanish_headers_with_or_without_accents_and_in_any_case(staff_client, milestone):
    data = (
        "LINEA DE PRESUPUESTO;fecha;MONTO;descripcion;Referencia\n"
        "01 — Consultoría;15/03/2026;Q 1,500.00;Papelería;F-9\n"
    ).encode()
    shown = preview(staff_client, milestone, "gastos", data, "gastos.csv")
    assert shown.status_code == 200, shown.context.get("errors")
    assert confirm(staff_client, milestone, "gastos", shown).status_code == 302
    expense = Expenditure.objects.get()
    assert (expense.budget_line.number, expense.amount, expense.reference) == (1, Decimal("1500.00"), "F-9")


# --- The preview ---------------------------------------------------------------------------------


def test_the_preview_shows_each_warning_beside_its_row(staff_client, milestone):
    data = (
        b"Actividad,Fecha,Avance,Estado,Nota,Responsable\n"
        b"01,2026-03-02,40,en curso,Primera,INAP\n"
        b"01,2026-03-02,45,en curso,Repetida,INAP\n"
    )
    shown = preview(staff_client, milestone, "avance", data, "avance.csv")
    assert shown.status_code == 200
    assert shown.context["warnings"] == [
        "Aviso, fila 1: se ignoraron las columnas «Responsable», que no se importan."
    ]
    first, second = shown.context["rows"]
    assert first["warnings"] == []
    assert second["warnings"] == ["La fila repite la actividad y la fecha de la fila 2."]
    html = shown.content.decode()
    flagged = html[html.index('<tr class="flagged">') :]
    assert flagged.index("Repetida") < flagged.index("La fila repite") < flagged.index("</tr>")
    assert "Importar 2 filas" in html


def test_the_preview_refuses_a_row_the_person_may_not_write(client, django_user_model, milestone):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    editor = django_user_model.objects.create_user("e", "editor@inap.gob.gt", "x-Strong-Pass-42")
    grant_role(editor, Role.EDITOR, organization=Organization.objects.get(acronym="INAP"))
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    onsec = Activity.objects.create(milestone=milestone, position=99, number=99, title="Solo ONSEC")
    onsec.responsible.set([Organization.objects.get(acronym="ONSEC")])
    mine = [a for a in milestone.activities.all() if editor.has_perm(permission("activity", "change"), a)]
    others = [a for a in milestone.activities.all() if a not in mine]
    assert len(mine) == 13 and others == [onsec]
    book = download(client, milestone, "avance")
    offered = dropdown(book, book.worksheets[0], "A")
    assert [choice.split(" — ")[0] for choice in offered] == [a.code for a in mine]
    data = f"actividad,fecha,avance\n{mine[0].code},2026-03-02,10\n{others[0].code},2026-03-02,10\n".encode()
    shown = preview(client, milestone, "avance", data, "avance.csv")
    assert shown.status_code == 400 and "upload" not in shown.context
    assert shown.context["errors"] == [
        f"Fila 3, columna «actividad»: usted no puede registrar el avance de la actividad {others[0].code}."
    ]
    assert not ProgressEntry.objects.exists()


def test_the_builders_offer_every_row_without_a_person(milestone):
    book = load_workbook(io.BytesIO(progress_template(milestone)))
    assert len(dropdown(book, book.worksheets[0], "A")) == milestone.activities.count()
    book = load_workbook(io.BytesIO(expenditure_template(milestone)))
    assert len(dropdown(book, book.worksheets[0], "A")) == milestone.budget_lines.count()


def test_a_row_the_workflow_refuses_names_the_column_as_the_template_heads_it(staff_client, milestone):
    book = download(staff_client, milestone, "avance")
    sheet = book.worksheets[0]
    fill(sheet, [[dropdown(book, sheet, "A")[0], date(2026, 3, 2), 30, "Retrasada", None, None, None]])
    shown = preview(staff_client, milestone, "avance", save(book))
    assert shown.status_code == 400
    assert shown.context["errors"] == [
        "Fila 2, columna «Estado»: indique el motivo: es obligatorio para «Retrasada»."
    ]
    fill(
        sheet,
        [[dropdown(book, sheet, "A")[0], date(2026, 3, 2), 30, "Retrasada", None, None, "Falta el local"]],
    )
    shown = preview(staff_client, milestone, "avance", save(book))
    assert shown.status_code == 200
    assert confirm(staff_client, milestone, "avance", shown).status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.status, entry.reason, entry.note) == ("delayed", "Falta el local", "Falta el local")


@pytest.mark.parametrize("kind", ["avance", "gastos"])
def test_the_page_and_the_template_cost_a_bounded_number_of_queries(
    client, django_user_model, milestone, kind, django_assert_max_num_queries
):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    editor = django_user_model.objects.create_user("e", "editor@inap.gob.gt", "x-Strong-Pass-42")
    grant_role(editor, Role.EDITOR, organization=Organization.objects.get(acronym="INAP"))
    TOTP.activate(editor, generate_totp_secret())
    client.force_login(editor)
    inap = Organization.objects.get(acronym="INAP")
    for number in range(20, 40):  # more activities do not cost more queries
        Activity.objects.create(milestone=milestone, position=number, number=number, title=f"A{number}")
        Activity.objects.get(number=number).responsible.set([inap])
    for name in ("sheet_import", "sheet_template"):
        with django_assert_max_num_queries(15):
            response = client.get(reverse(f"staff:{name}", args=[milestone.pk, kind]))
            assert response.status_code == 200
            if name == "sheet_template":
                b"".join(response.streaming_content)
