"""The staff screen importing an action plan's tracking sheet (issue #15): upload, preview (the
sheet's commitments and milestones, every finding worded, what importing would change; nothing
written), confirm (written, with links to the commitments); only for who may change the plan; any
file answered with a message, never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cocrea.audit.models import AuditEntry
from cocrea.core.models import Job
from cocrea.plans.models import ActionPlan, Commitment, Milestone, ProgressEntry

pytestmark = pytest.mark.django_db

TRACKERS = Path(__file__).resolve().parent.parent / "computations" / "data" / "trackers"
SHEET = TRACKERS / "seguimiento_es_cp1252.csv"
URL = "/gestion/importar-seguimiento/"
HEADER = "Compromiso;Entidades responsables;Hito;Producto;Fecha de inicio;Fecha de fin;% de avance;Evidencias"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


def upload(client, data: bytes, name: str = "seguimiento.csv", **fields):  # type: ignore[no-untyped-def]
    plan = fields.pop("plan", None) or ActionPlan.objects.get().pk
    return client.post(
        URL, {"file": SimpleUploadedFile(name, data), "plan": plan, "day": "2020-09-30", **fields}
    )


def counts() -> tuple[int, int, int, int]:
    return (
        Commitment.objects.count(),
        Milestone.objects.count(),
        ProgressEntry.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_url_and_the_link_on_the_staff_home(staff_client, milestone):
    assert reverse("staff:import_tracker") == URL
    page = staff_client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'type="file"' in text and 'name="plan"' in text and 'name="publish"' in text
    assert 'type="date"' in text and 'for="id_file"' in text
    assert URL in staff_client.get(reverse("staff:home")).content.decode()


def test_the_preview_shows_the_sheet_its_findings_and_what_would_change_and_writes_nothing(
    staff_client, milestone
):
    before = counts()
    page = upload(staff_client, SHEET.read_bytes())
    assert page.status_code == 200
    assert counts() == before  # nothing written
    text = page.content.decode()
    assert "Presentar la estrategia a las autoridades" in text and "Acta de presentación" in text
    assert "<caption id=" in text and 'scope="col"' in text
    assert "2 compromisos, 7 hitos" in text and "7 hallazgos" in text
    assert "tiene plan de trabajo detallado" in text  # milestone 1 reports through its activities
    assert "Hitos nuevos: 6." in text and "Compromisos nuevos: 1." in text
    assert "Reportes de avance:" in text
    upload_id = page.context["upload"].pk
    assert reverse("staff:import_tracker_confirm", args=[upload_id]) in text
    assert page.context["report"].dry_run


def test_confirm_imports_and_shows_links_to_the_commitments(staff_client, milestone):
    preview = upload(staff_client, SHEET.read_bytes())
    stored = preview.context["upload"]
    plan = ActionPlan.objects.get()
    done = staff_client.post(
        reverse("staff:import_tracker_confirm", args=[stored.pk]), {"plan": plan.pk, "day": "2020-09-30"}
    )
    assert done.status_code == 200
    two = Milestone.objects.get(title="Presentar la estrategia a las autoridades")
    assert two.progress_entries.get().day.isoformat() == "2020-09-30"
    assert not two.is_published  # "publicar lo nuevo" was not ticked
    text = done.content.decode()
    assert "Hoja de seguimiento importada" in text
    for commitment in done.context["imported"]:
        assert commitment.get_absolute_url() in text
    assert len(done.context["imported"]) == 2
    assert AuditEntry.objects.filter(source=AuditEntry.Source.WEB).exists() or AuditEntry.objects.exists()
    again = staff_client.post(
        reverse("staff:import_tracker_confirm", args=[stored.pk]), {"plan": plan.pk, "day": "2020-10-31"}
    )
    assert again.status_code == 200 and "Nada cambia" in again.content.decode()


def test_publish_publishes_what_is_new(staff_client, milestone):
    row = "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;20%;"
    data = "\n".join([HEADER, row])
    preview = upload(staff_client, data.encode(), publish="on")
    assert preview.status_code == 200
    staff_client.post(
        reverse("staff:import_tracker_confirm", args=[preview.context["upload"].pk]),
        {"plan": ActionPlan.objects.get().pk, "publish": "on", "day": "2020-09-30"},
    )
    assert Milestone.objects.get(title="Publicar el presupuesto").is_published


def test_a_sheet_with_errors_lists_them_first_and_offers_no_confirmation(staff_client, milestone):
    data = "\n".join(
        [
            HEADER,
            "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/07/2020;30/06/2020;20%;",
            "Transparencia fiscal;MINFIN;Abrir datos;Portal;01/01/2020;30/06/2020;ciento veinte;",
        ]
    ).encode()
    before = counts()
    page = upload(staff_client, data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "línea 2" in text and "es anterior al inicio" in text
    assert "línea 3" in text and "no es un cumplimiento legible" in text
    assert "/confirmar/" not in text and "upload" not in page.context
    assert "corríjalos y vuelva a subirla" in text
    assert not Job.objects.exists() and counts() == before


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("vacio.csv", b"", "vac"),
        ("blancos.csv", b"   \n\n  ", "vacío"),
        ("binario.csv", bytes(range(256)) * 4, "tipo"),
        ("foto.csv", b"\x89PNG\r\n\x1a\n" + b"x" * 100, "tipo"),
        ("grande.csv", b"a;b\n" * (6 * 1024 * 1024 // 4), "máximo"),
        ("sin_encabezado.csv", (TRACKERS / "no_header.csv").read_bytes(), "encabezados"),
        ("texto.csv", "Hola, esto no es una tabla.\nNada más.".encode(), "encabezados"),
        ("solo_encabezado.csv", (HEADER + "\n;;;;;;;\n").encode(), "no tiene filas"),
        ("libro.xlsx", b"PK\x03\x04" + b"\x00" * 200, ""),
        ("documento.xlsx", None, ""),
    ],
)
def test_bad_files_get_a_message_not_a_traceback(staff_client, milestone, name, data, says):
    if data is None:  # a ZIP that is not a workbook (a DOCX, say)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        data = out.getvalue()
    before = counts()
    page = upload(staff_client, data, name)
    assert page.status_code == 400
    errors = page.context["form"].errors.get("file")
    assert errors and all(message.strip() for message in errors)
    assert says in " ".join(errors)
    assert 'aria-describedby="id_file_helptext id_file_error"' in page.content.decode()
    assert counts() == before and "upload" not in page.context


def test_anonymous_goes_to_the_login_and_participants_get_403(client, django_user_model, milestone):
    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
    assert (
        client.post(
            reverse("staff:import_tracker_confirm", args=["00000000-0000-0000-0000-000000000000"])
        ).status_code
        == 302
    )
    user = django_user_model.objects.create_user("p", "p@example.org", "x-Strong-Pass-42")
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": SimpleUploadedFile("a.csv", SHEET.read_bytes())}).status_code == 403
    assert URL not in client.get(reverse("staff:home")).content.decode()


ELEVEN = "Diseño e implementación de una estrategia de innovación en la gestión pública"


def test_a_coordinator_imports_their_commitment_and_is_refused_another(
    client, milestone, django_assert_max_num_queries
):
    from cocrea.accounts.models import Role
    from tests.factories import UserFactory

    plan = ActionPlan.objects.get()
    for number in range(13, 33):  # the plans they may import into are found in a bounded number of queries
        Commitment.objects.create(action_plan=plan, number=str(number), title=f"Compromiso {number}")
    Commitment.objects.create(action_plan=plan, number="12", title="Transparencia fiscal")
    user = UserFactory(username="coordina", role=Role.COORDINATOR, commitment=milestone.commitment)
    client.force_login(user)
    with django_assert_max_num_queries(20):
        page = client.get(URL)
    assert page.status_code == 200 and list(page.context["plans"]) == [plan]
    # A sheet touching another commitment: the preview says which, and offers no confirmation.
    both = "\n".join(
        [
            HEADER,
            f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;",
            "Transparencia fiscal;MINFIN;Publicar el presupuesto;Portal;01/01/2020;30/06/2020;20%;",
        ]
    ).encode()
    before = counts()
    refused = upload(client, both)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "No puede cambiar el compromiso «Transparencia fiscal» (línea 3)" in text
    assert "upload" not in refused.context and counts() == before
    # Their own commitment only: previewed, confirmed, written as them.
    own = "\n".join([HEADER, f"{ELEVEN};INAP;6. Evaluar la estrategia;Informe;01/08/2020;30/09/2020;30%;"])
    preview = upload(client, own.encode())
    assert preview.status_code == 200 and "Hitos nuevos: 1." in preview.content.decode()
    done = client.post(
        reverse("staff:import_tracker_confirm", args=[preview.context["upload"].pk]),
        {"plan": plan.pk, "day": "2020-09-30"},
    )
    assert done.status_code == 200
    six = Milestone.objects.get(title="Evaluar la estrategia")
    assert six.progress_entries.get().recorded_by == user
    assert done.context["imported"] == [milestone.commitment]


def test_a_staff_role_without_a_plan_role_may_not_import(client, milestone):
    from cocrea.accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="edita", role=Role.EDITOR, commitment=milestone.commitment))
    assert client.get(URL).status_code == 403


def test_activity_rows_are_previewed_under_their_milestone(staff_client, milestone):
    data = "\n".join(
        [
            "Compromiso;Hito;Actividad;Responsable;Inicio;Fin;Avance",
            f"{ELEVEN};6. Evaluar la estrategia;a) Diseñar la evaluación;INAP;01/08/2020;31/08/2020;100%",
            ";;b) Aplicar la encuesta;ONSEC;01/09/2020;30/09/2020;50%",
        ]
    ).encode()
    page = upload(staff_client, data)
    assert page.status_code == 200
    text = page.content.decode()
    assert "a) Diseñar la evaluación" in text and "b) Aplicar la encuesta" in text
    assert "Actividades nuevas: 2." in text and "Reportes de avance: 2." in text


def test_another_persons_upload_or_a_plan_changed_in_the_form_is_refused(
    staff_client, django_user_model, milestone
):
    from django.test import Client

    from tests.conftest import make_staff

    client = Client()
    preview = upload(staff_client, SHEET.read_bytes())
    stored = preview.context["upload"]
    plan = ActionPlan.objects.get()
    other = make_staff(django_user_model, email="otra@inap.gob.gt")
    client.force_login(other)
    url = reverse("staff:import_tracker_confirm", args=[stored.pk])
    assert client.post(url, {"plan": plan.pk}).status_code == 404
    assert staff_client.post(url, {"plan": 999999}).status_code == 403
    assert not Milestone.objects.filter(title="Presentar la estrategia a las autoridades").exists()


def test_a_large_sheet_is_imported_by_a_job(
    staff_client, milestone, settings, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_IMPORT_BYTES = 1  # every sheet counts as large
    preview = upload(staff_client, SHEET.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        confirm = staff_client.post(
            reverse("staff:import_tracker_confirm", args=[preview.context["upload"].pk]),
            {"plan": ActionPlan.objects.get().pk, "day": "2020-09-30"},
        )
    job = Job.objects.get()
    assert confirm.status_code == 302 and confirm["Location"] == reverse("staff:job", args=[job.pk])
    assert job.state == "succeeded" and job.kind == "tracker"
    assert Milestone.objects.filter(title="Presentar la estrategia a las autoridades").exists()
    text = staff_client.get(confirm["Location"]).content.decode()
    assert "Hoja de seguimiento importada." in text and "Hitos nuevos: 6." in text


def test_a_refused_tracker_job_ends_failed_with_each_error(
    staff_client, milestone, settings, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_IMPORT_BYTES = 1
    preview = upload(staff_client, SHEET.read_bytes())
    stored = preview.context["upload"]
    stored.file.save(  # changed since the preview
        "x.bin",
        io.BytesIO(
            "\n".join(
                [HEADER, "Transparencia fiscal;MINFIN;Abrir datos;Portal;01/07/2020;30/06/2020;20%;"]
            ).encode()
        ),
    )
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("staff:import_tracker_confirm", args=[stored.pk]),
            {"plan": ActionPlan.objects.get().pk, "day": "2020-09-30"},
        )
    job = Job.objects.get()
    assert job.state == "failed" and job.message == "No se importó nada."
    assert any("es anterior al inicio" in line for line in job.details)
    assert counts()[:3] == before[:3]


def test_a_sheet_changed_since_the_preview_is_refused_on_confirm_and_writes_nothing(staff_client, milestone):
    preview = upload(staff_client, SHEET.read_bytes())
    stored = preview.context["upload"]
    stored.file.save(
        "x.bin",
        io.BytesIO(
            "\n".join(
                [HEADER, "Transparencia fiscal;MINFIN;Abrir datos;Portal;01/07/2020;30/06/2020;20%;"]
            ).encode()
        ),
    )
    before = counts()
    done = staff_client.post(
        reverse("staff:import_tracker_confirm", args=[stored.pk]),
        {"plan": ActionPlan.objects.get().pk, "day": "2020-09-30"},
    )
    assert done.status_code == 400
    assert "No se importó nada" in done.content.decode() and "es anterior al inicio" in done.content.decode()
    assert counts()[:3] == before[:3]


def test_cells_longer_than_the_database_keeps_are_errors_with_their_line(staff_client, milestone):
    long_name = "Ministerio " + "de Finanzas Públicas y Desarrollo " * 12  # > 300 characters
    header = (
        "Código;Compromiso;Entidades responsables;No. de hito;Hito;Producto;Fecha de inicio;Fecha de fin;"
        "% de avance;Evidencias"
    )
    row = f"{'9' * 14};Transparencia fiscal;{long_name};{'7' * 14};Publicar el presupuesto;Portal;"
    data = "\n".join([header, row + "01/01/2020;30/06/2020;20%;"]).encode()
    before = counts()
    page = upload(staff_client, data)
    assert page.status_code == 400
    text = page.content.decode()
    assert "línea 2, columna instituciones responsables" in text and "no puede pasar de 300" in text
    assert "upload" not in page.context and counts() == before
    # Without the institution, the long numbers are no numbers: found and created by title.
    fixed = "\n".join([header, row.replace(long_name, "MINFIN") + "01/01/2020;30/06/2020;20%;"]).encode()
    preview = upload(staff_client, fixed)
    assert preview.status_code == 200
    done = staff_client.post(
        reverse("staff:import_tracker_confirm", args=[preview.context["upload"].pk]),
        {"plan": ActionPlan.objects.get().pk, "day": "2020-09-30"},
    )
    assert done.status_code == 200
    assert len(Milestone.objects.get(title="Publicar el presupuesto").number) <= 10


def test_an_xlsx_tracker_is_previewed_like_a_csv(staff_client, milestone):
    from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(
        [
            "Transparencia fiscal",
            "MINFIN",
            "Publicar el presupuesto",
            "Portal",
            "01/01/2020",
            "30/06/2020",
            "20%",
            "https://minfin.gob.gt/p",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    page = upload(staff_client, out.getvalue(), "seguimiento.xlsx")
    assert page.status_code == 200 and "upload" in page.context
    assert "Publicar el presupuesto" in page.content.decode() and "Hitos nuevos: 1." in page.content.decode()


def test_more_rows_than_an_import_takes_is_said(staff_client, milestone):
    rows = [
        f"Compromiso {n // 50};MINFIN;Hito {n};Producto;01/01/2020;30/06/2020;20%;" for n in range(10_050)
    ]
    page = upload(staff_client, "\n".join([HEADER, *rows]).encode())
    assert page.status_code == 400
    assert "filas" in " ".join(page.context["form"].errors["file"])
    assert not Milestone.objects.filter(title="Hito 1").exists()
