"""A coordinator's week and a citizen's, on Cocrea's own screens only (#12, "Done when").

Once the test has put the starting data in place (the imported seed plan, a coordinator account
with TOTP for the commitment and a verified citizen account who comments; for the citizen's week,
the sample co-creation, whose third draft is open for consultation, and one of the plan's meetings
moved to next week with a place and a link), everything happens in Chromium as a person would do
it: links are clicked, forms filled in, files downloaded and uploaded; no admin, no shell, no
service call. Each step is checked on what the person sees (the message, the public page) and
kept as a screenshot in test-artifacts/weeks/.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]

from cocrea.accounts.models import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SECRET = "JBSWY3DPEHPK3PXP"  # the coordinator's authenticator app holds this key


class Steps:
    """Screenshots of each step, numbered in order, in test-artifacts/weeks/."""

    def __init__(self, page, folder: Path, prefix: str) -> None:  # type: ignore[no-untyped-def]
        self.page, self.folder, self.prefix, self.count = page, folder, prefix, 0
        folder.mkdir(parents=True, exist_ok=True)

    def shot(self, name: str, page=None) -> None:  # type: ignore[no-untyped-def]
        self.count += 1
        target = page or self.page
        target.screenshot(
            path=str(self.folder / f"{self.prefix}-{self.count:02d}-{name}.png"), full_page=True
        )


def main_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("main").inner_text()


def messages(page) -> str:  # type: ignore[no-untyped-def]
    return " ".join(page.locator("ul.messages").all_inner_texts())


def click(page, name: str | re.Pattern[str], *, role: str = "link", exact: bool = False) -> None:  # type: ignore[no-untyped-def]
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=exact).first.click()


def totp_code(secret: str) -> str:
    """What the authenticator app shows now for ``secret``."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def sign_in(page, live_server, login: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/cuenta/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()


@pytest.fixture
def weeks(artifacts) -> Path:  # type: ignore[no-untyped-def]
    return artifacts / "weeks"


def test_a_coordinators_week(browser, page, live_server, seeded_milestone, weeks, tmp_path):  # type: ignore[no-untyped-def]
    from allauth.mfa.totp.internal.auth import TOTP

    milestone = seeded_milestone
    coordinator = UserFactory(
        username="coordina",
        email="coordina@inap.gob.gt",
        role=Role.COORDINATOR,
        commitment=milestone.commitment,
        verified_email=True,
        two_step=False,
    )
    TOTP.activate(coordinator, SECRET)
    citizen = UserFactory(username="lucia", email="lucia@example.org", verified_email=True)
    steps = Steps(page, weeks, "coordinator")
    hub = f"Compromiso {milestone.commitment.number}, hito {milestone.number}"

    # Monday: sign in with the password, then the code of the authenticator app.
    sign_in(page, live_server, coordinator.email)
    steps.shot("two-step")
    page.get_by_label(re.compile("código", re.I)).fill(totp_code(SECRET))
    click(page, "Iniciar sesión", role="button")
    steps.shot("signed-in")
    click(page, re.compile("^Gestión$"))
    assert page.get_by_role("heading", level=1).first.is_visible()
    steps.shot("staff-home")
    click(page, hub)
    steps.shot("milestone-hub")

    # Progress on one activity, by hand.
    activity = milestone.activities.order_by("number").first()
    click(page, re.compile(rf"^{re.escape(activity.code)}\. "))
    steps.shot("progress-form")
    page.get_by_label("Fecha del reporte").fill(timezone.localdate().isoformat())
    page.get_by_label("% de avance").fill("60")
    page.get_by_label("Nota").fill("Mesa técnica con tres instituciones")
    steps.shot("progress-filled")
    with page.expect_navigation():
        page.locator("main form.staff-form button[type=submit]").first.click()
    steps.shot("progress-recorded")
    assert "Avance registrado." in messages(page)
    history = page.locator("main").get_by_text("Mesa técnica con tres instituciones")
    assert history.is_visible() and "En curso, 60 %" in main_text(page)

    # Tuesday: the other teams' news, in the spreadsheet template.
    click(page, "Registrar la ejecución")
    click(page, "Importar avances desde una hoja de cálculo")
    steps.shot("progress-import")
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("plantilla", re.I)).first.click()
    book = load_workbook(io.BytesIO(Path(downloading.value.path()).read_bytes()))
    sheet, lists = book.worksheets[0], book.worksheets[2]
    headers = [cell.value for cell in sheet[1]]
    activities = [row[0].value for row in lists.iter_rows(min_row=2, max_col=1) if row[0].value]
    today = timezone.localdate()
    filled = [
        {
            "Actividad": activities[1],
            "Fecha": today,
            "Avance (%)": 100,
            "Nota": "Guía publicada en el portal",
        },
        {"Actividad": activities[2], "Fecha": today, "Avance (%)": 35, "Nota": "Dos talleres de cuatro"},
    ]
    for number, values in enumerate(filled, start=2):
        for header, value in values.items():
            column = next(i for i, h in enumerate(headers, start=1) if h and str(h).startswith(header))
            sheet.cell(row=number, column=column).value = value
    upload = tmp_path / "avance-de-la-semana.xlsx"
    book.save(upload)
    page.set_input_files("input[type=file]", str(upload))
    click(page, re.compile("^Validar"), role="button")
    steps.shot("progress-import-preview")
    preview = page.locator("table.sheet-preview")
    assert preview.locator("tbody tr").count() == 2
    assert "Guía publicada en el portal" in preview.inner_text()
    assert "Dos talleres de cuatro" in preview.inner_text()
    click(page, re.compile("^(Importar|Registrar|Anotar)"), role="button")
    steps.shot("progress-imported")  # the public dashboard, as of today
    assert "2 filas importadas." in messages(page)
    alerts = main_text(page)
    assert "La actividad 01 debía terminar en abril de 2019 y va en 60 %." in alerts
    assert "La actividad 03 debía terminar en junio de 2019 y va en 35 %." in alerts
    assert "La actividad 02" not in alerts  # done: no longer late

    # Wednesday: the follow-up meeting held on Monday, and its sign-in sheet.
    held = today - timedelta(days=2)
    click(page, "Registrar la ejecución")
    click(page, "Crear una reunión")
    page.get_by_label("Título").fill("Mesa de seguimiento de diciembre")
    page.get_by_label("Fecha").fill(held.isoformat())
    page.get_by_label("Hora de inicio").fill("09:00")
    page.get_by_label("Hora de fin").fill("11:30")
    page.get_by_label("Lugar").fill("INAP, salón 3")
    click(page, "Crear la reunión", role="button")
    steps.shot("meeting-outside-period")
    page.get_by_label(re.compile("^Sí, la fecha está fuera del período del hito")).check()
    click(page, "Crear la reunión", role="button")
    steps.shot("meeting-created")
    assert messages(page), "no message after creating the meeting"
    click(page, "Ver la página pública de la reunión")
    steps.shot("meeting-public")
    public = main_text(page)
    assert "Mesa de seguimiento de diciembre" in public and "INAP, salón 3" in public
    page.go_back()
    click(page, "Asistencia y documentos")
    click(page, "Subir una hoja de firmas (CSV o XLSX)")
    page.get_by_text("Qué escribir en la columna «reunión»").click()
    code = (
        page.locator("table.data tr", has_text="Mesa de seguimiento de diciembre")
        .locator("td")
        .first.inner_text()
    )
    sheet_file = tmp_path / "firmas-mesa-de-seguimiento.csv"
    sheet_file.write_text(
        "reunión,nombre,correo,organización\n"
        f"{code},María José Pérez,mjperez@inap.gob.gt,INAP\n"
        f"{code},Luis Gomes,,Universidad de San Carlos\n"
        f"{code},Ana Castillo,ana@guatecivica.org,Guatecívica\n",
        encoding="utf-8",
    )
    page.set_input_files("#sheet-file", str(sheet_file))
    click(page, "Validar", role="button")
    steps.shot("sheet-preview")
    preview = page.locator("table.sheet-preview")
    assert preview.locator("tbody tr").count() == 3 and "Luis Gomes" in preview.inner_text()
    click(page, "Anotar 3 asistencias", role="button")
    steps.shot("attendance")
    assert messages(page)
    attendance = main_text(page)
    assert all(name in attendance for name in ("María José Pérez", "Luis Gomes", "Ana Castillo"))
    click(page, re.compile(r"^Corregir\W+Luis Gomes$"))
    page.get_by_label("Nombre").fill("Luis Gómez")
    click(page, "Guardar la corrección", role="button")
    steps.shot("attendee-corrected")
    assert "Se corrigió el nombre: Luis Gómez." in messages(page)
    assert "Luis Gomes" not in main_text(page)

    # Thursday: the conceptual framework's draft, open for consultation until next week.
    click(page, "Registrar la ejecución")
    click(page, "Documentos y cocreación")
    page.get_by_label(re.compile(r"^Título:?$")).fill("Marco conceptual de innovación pública")
    click(page, "Crear el documento", role="button")
    steps.shot("document-created")
    assert "Documento «Marco conceptual de innovación pública» creado." in messages(page)
    click(page, "Escribir una nueva versión de «Marco conceptual de innovación pública»")
    page.get_by_label("Nombre de la versión").fill("Borrador para consulta")
    page.get_by_label("Texto de la nueva versión (Markdown)").fill(
        "# Principios\n\n"
        "La innovación pública pone a las personas en el centro de los servicios.\n\n"
        "Las instituciones publican sus datos en formatos abiertos.\n"
    )
    click(page, re.compile("^(Crear|Guardar)"), role="button")
    steps.shot("version-created")
    assert "Versión «Borrador para consulta» creada, en redacción." in messages(page)
    closes = timezone.localtime() + timedelta(days=7)
    page.get_by_label("Cierra el").fill(closes.strftime("%Y-%m-%dT17:00"))
    click(page, "Abrir a consulta", role="button")
    steps.shot("version-open")
    assert "Borrador para consulta: ahora «Abierta a consulta»." in messages(page)

    # A citizen, in her own browser, finds the consultation on the home page and comments.
    citizen_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-GT")
    citizen_context.set_default_timeout(15_000)
    lucia = citizen_context.new_page()
    sign_in(lucia, live_server, citizen.email)
    lucia.goto(live_server.url + "/")
    click(lucia, re.compile("Marco conceptual de innovación pública"))
    steps.shot("citizen-version", lucia)
    lucia.locator("textarea[name=text]").first.fill(
        "Propongo mencionar también la accesibilidad de los datos."
    )
    click(lucia, "Enviar aporte", role="button")
    steps.shot("citizen-commented", lucia)
    assert "Propongo mencionar también la accesibilidad" in main_text(lucia)

    # Friday: the coordinator answers, closes the consultation and approves the text.
    page.reload()
    click(page, "1 sin respuesta")
    steps.shot("contributions")
    contribution = page.get_by_role("article", name="Aporte").first
    contribution.get_by_label("Decisión:", exact=True).select_option(label="Aceptado")
    contribution.get_by_label("Razón de la decisión").fill(
        "La versión final añade un párrafo sobre datos accesibles para todas las personas."
    )
    with page.expect_navigation():
        contribution.get_by_role("button", name=re.compile("^Responder")).click()
    steps.shot("answered")
    assert "Respuesta guardada." in messages(page)
    lucia.reload()
    steps.shot("citizen-sees-answer", lucia)
    assert "datos accesibles para todas las personas" in main_text(lucia)
    citizen_context.close()

    click(page, "Estado, texto y catálogo")
    click(page, "Cerrar la consulta…")
    steps.shot("close-confirmation")
    assert page.get_by_role("heading", name="Qué va a pasar").is_visible()
    click(page, "Cerrar la consulta ahora", role="button")
    assert "Consulta de Borrador para consulta cerrada." in messages(page)
    click(page, "Aprobar esta versión…")
    steps.shot("approve-confirmation")
    assert "Aprobar es definitivo" in main_text(page)
    click(page, "Aprobar definitivamente", role="button")
    steps.shot("approved")
    assert (
        "Borrador para consulta aprobada: es el texto final de «Marco conceptual de innovación pública»."
        in messages(page)
    )
    assert "El catálogo está vacío" not in main_text(page)
    click(page, "Ver la página pública de esta versión")
    steps.shot("approved-public")
    public = main_text(page)
    assert "Aprobada" in public and "datos accesibles para todas las personas" in public


def test_a_citizens_week(page, live_server, seeded_milestone, weeks):  # type: ignore[no-untyped-def]
    from django.core import mail
    from django.utils import translation
    from django.utils.formats import date_format

    from cocrea.drafts.models import VersionState
    from cocrea.drafts.sample import load_sample_cocreation

    milestone = seeded_milestone
    load_sample_cocreation(milestone)  # a draft open for consultation, among others
    version = milestone.documents.get().versions.get(state=VersionState.OPEN)
    day = timezone.localdate() + timedelta(days=7)
    meeting = milestone.meetings.filter(status="scheduled").order_by("position").first()
    meeting.title = "Taller ciudadano de validación"
    meeting.actual_date = day
    meeting.starts_at = timezone.make_aware(datetime.combine(day, time(17, 0)))
    meeting.ends_at = timezone.make_aware(datetime.combine(day, time(19, 0)))
    meeting.place = "Biblioteca Nacional, sala 2"
    meeting.online_link = "https://meet.example.org/cocrea-taller"
    meeting.save()
    mail.outbox.clear()
    steps = Steps(page, weeks, "citizen")

    # Sign up, and open the link of the verification email.
    page.goto(live_server.url + "/")
    click(page, re.compile("^(Crear cuenta|Registrarse|Crear una cuenta)$"))
    page.get_by_label("Correo electrónico").fill("rosa@example.org")
    page.get_by_label("Contraseña:", exact=True).fill(PASSWORD)
    page.get_by_label("Contraseña (de nuevo)").fill(PASSWORD)
    steps.shot("signup")
    click(page, "Crear mi cuenta", role="button")
    steps.shot("verification-sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@example.org"]
    link = re.search(r"https?://\S+/cuenta/confirm-email/\S+/", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(live_server.url + urlsplit(link.group(0)).path)
    steps.shot("confirm-email")
    click(page, re.compile("^Confirmar"), role="button")
    steps.shot("email-confirmed")
    if not page.get_by_role("link", name="Cerrar sesión").count():
        sign_in(page, live_server, "rosa@example.org")
    assert page.get_by_role("banner").get_by_role("link", name="Mi cuenta").is_visible()

    # The public name, in the profile.
    click(page, "Mi cuenta", exact=True)
    page.get_by_role("textbox", name="Nombre público").fill("Rosa M.")
    page.get_by_label("Acepto: quiero que mis aportes muestren mi nombre público").check()
    click(page, "Guardar", role="button", exact=True)
    steps.shot("public-name")
    assert "Guardado: sus aportes se publican como «Rosa M.»." in messages(page)

    # A comment on the draft open for consultation, found on the home page.
    click(page, "Cocrea")
    steps.shot("home")
    consultations = page.locator("section", has=page.get_by_role("heading", name="Consultas abiertas ahora"))
    with page.expect_navigation():
        consultations.get_by_role("link").first.click()
    steps.shot("consultation")
    assert version.label in main_text(page)
    assert "Su aporte se publica como «Rosa M.»" in main_text(page)
    page.locator("textarea[name=text]").first.fill("Pido que el glosario defina «cocreación».")
    click(page, "Enviar aporte", role="button")
    steps.shot("commented")
    mine = page.locator(".contribution", has_text="Pido que el glosario defina «cocreación».")
    assert "Rosa M." in mine.inner_text()

    # Registration for next week's meeting, and the email that confirms it.
    click(page, "Cocrea")
    click(page, "Taller ciudadano de validación")
    steps.shot("meeting")
    mail.outbox.clear()
    click(page, "Inscribirme", role="button")
    steps.shot("registered")
    assert "Inscripción confirmada." in messages(page)
    assert "Usted está inscrito." in main_text(page)
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    email = mail.outbox[0]
    assert email.to == ["rosa@example.org"]
    assert email.subject.endswith("Inscripción confirmada: Taller ciudadano de validación")
    with translation.override("es"):
        spoken_day = f"{date_format(day, 'l')} {date_format(day, 'DATE_FORMAT')}"  # viernes 11 de …
    body = email.body
    assert "Hola, Rosa M.:" in body
    assert f"Fecha: {spoken_day}" in body, body
    assert "Hora: de 17:00 a 19:00" in body
    assert "Biblioteca Nacional, sala 2" in body
    assert "https://meet.example.org/cocrea-taller" in body
    assert f"/reuniones/{meeting.pk}/" in body
    (name, ics, kind) = email.attachments[0]
    assert name.endswith(".ics") and kind == "text/calendar"
    text = ics if isinstance(ics, str) else ics.decode()
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    assert "SUMMARY:Taller ciudadano de validación" in unfolded
    starts = meeting.starts_at.astimezone(UTC)
    assert f"DTSTART:{starts:%Y%m%dT%H%M%SZ}" in unfolded  # 17:00 in Guatemala
    assert "LOCATION:Biblioteca Nacional\\, sala 2" in unfolded
    assert "URL:" in unfolded and f"/reuniones/{meeting.pk}/" in unfolded
