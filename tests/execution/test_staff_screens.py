"""The staff screens that record execution, scoped by role."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.accounts.services import grant_role
from cocrea.budget.models import Expenditure
from cocrea.plans.models import Activity, Organization, ProgressEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def inap_editor(client, django_user_model, milestone):
    user = django_user_model.objects.create_user("e", "editor@inap.gob.gt", "x-Strong-Pass-42")
    grant_role(user, Role.EDITOR, organization=Organization.objects.get(acronym="INAP"))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return client


def test_an_editor_records_progress_on_their_activity(inap_editor, milestone):
    activity = milestone.activities.get(number=2)
    url = reverse("staff:record_progress", args=[activity.pk])
    assert inap_editor.get(url).status_code == 200
    response = inap_editor.post(
        url,
        {
            "day": "2019-05-20",
            "percent": "40",
            "status": "",
            "evidence_title": "Acta",
            "evidence_url": "https://inap.gob.gt/acta",
        },
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.status, entry.percent_complete) == ("in_progress", 40)
    assert entry.evidence.get().url == "https://inap.gob.gt/acta"
    page = inap_editor.get(url).content.decode()
    assert "En curso" in page and "Acta" in page


def test_the_workflow_error_is_shown_and_nothing_saved(inap_editor, milestone):
    activity = milestone.activities.get(number=2)
    url = reverse("staff:record_progress", args=[activity.pk])
    response = inap_editor.post(
        url, {"day": "2019-05-20", "percent": "40", "status": "delayed", "reason": ""}
    )
    assert response.status_code == 400
    assert "motivo" in response.content.decode()
    assert not ProgressEntry.objects.exists()


def test_an_editor_cannot_record_progress_outside_their_scope(inap_editor, milestone):
    onsec = Activity.objects.create(milestone=milestone, position=99, number=99, title="Solo ONSEC")
    onsec.responsible.set([Organization.objects.get(acronym="ONSEC")])
    assert inap_editor.get(reverse("staff:record_progress", args=[onsec.pk])).status_code == 403
    response = inap_editor.post(
        reverse("staff:record_progress", args=[onsec.pk]), {"day": "2019-05-20", "percent": "10"}
    )
    assert response.status_code == 403
    assert not ProgressEntry.objects.exists()


def test_expenditure_and_meeting_and_baseline_screens(staff_client, milestone):
    line = milestone.budget_lines.get(number=1)
    url = reverse("staff:record_expenditure", args=[line.pk])
    bad = staff_client.post(url, {"day": "2019-04-30", "amount": "-5", "description": "x"})
    assert bad.status_code == 400
    ok = staff_client.post(
        url,
        {"day": "2019-04-30", "amount": "32000.00", "description": "Asesores, abril", "reference": "CUR-1"},
    )
    assert ok.status_code == 302 and Expenditure.objects.get().amount == 32000
    meeting = milestone.meetings.first()
    response = staff_client.post(
        reverse("staff:record_meeting", args=[meeting.pk]),
        {"outcome": "held", "day": "2019-04-25", "place": "INAP"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    url = reverse("staff:approve_baseline", args=[milestone.pk])
    assert staff_client.post(url, {"effective_from": "2019-04-01"}).status_code == 302
    again = staff_client.post(url, {"effective_from": "2019-09-01", "reason": ""})
    assert again.status_code == 400 and "motivo" in again.content.decode()


def test_participants_see_no_staff_screens(client, django_user_model, milestone):
    user = django_user_model.objects.create_user("p", "p@example.org", "x-Strong-Pass-42")
    client.force_login(user)
    activity = milestone.activities.first()
    assert client.get(reverse("staff:record_progress", args=[activity.pk])).status_code == 403
    assert client.get(reverse("staff:milestone", args=[milestone.pk])).status_code == 403


def test_spreadsheet_import_with_preview_then_confirm(staff_client, milestone, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    url = reverse("staff:sheet_import", args=[milestone.pk, "avance"])
    template = staff_client.get(reverse("staff:sheet_template", args=[milestone.pk, "avance"]))
    assert template.status_code == 200 and template["Content-Disposition"].startswith("attachment")
    bad = staff_client.post(
        url, {"file": SimpleUploadedFile("a.csv", b"activity,date,percent_complete\n99,2019-04-30,10\n")}
    )
    assert bad.status_code == 400 and "Fila 2" in bad.content.decode()
    good = staff_client.post(
        url, {"file": SimpleUploadedFile("a.csv", b"activity,date,percent_complete\n01,2019-04-30,100\n")}
    )
    assert good.status_code == 200 and not ProgressEntry.objects.exists()
    upload = good.context["upload"]
    confirm = staff_client.post(
        reverse("staff:sheet_import_confirm", args=[milestone.pk, "avance", upload.pk])
    )
    assert confirm.status_code == 302
    assert ProgressEntry.objects.get().status == "done"


def test_evidence_files_are_checked_stored_and_served_as_downloads(
    staff_client, milestone, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()  # the public

    from cocrea.plans.models import Evidence

    settings.MEDIA_ROOT = tmp_path
    activity = milestone.activities.get(number=1)
    url = reverse("staff:record_progress", args=[activity.pk])
    refused = staff_client.post(
        url,
        {
            "day": "2019-04-30",
            "percent": "100",
            "evidence_title": "Acta",
            "evidence_file": SimpleUploadedFile("acta.pdf", b"\x7fELF executable pretending"),
        },
    )
    assert refused.status_code == 400 and not ProgressEntry.objects.exists()
    accepted = staff_client.post(
        url,
        {
            "day": "2019-04-30",
            "percent": "100",
            "evidence_title": "Acta firmada",
            "evidence_file": SimpleUploadedFile("acta.pdf", b"%PDF-1.7\nacta"),
        },
    )
    assert accepted.status_code == 302
    item = Evidence.objects.get()
    assert item.upload.kind == "pdf" and "acta.pdf" not in item.upload.file.name
    response = client.get(reverse("portal:evidence", args=[item.pk]))  # the public, for a published plan
    assert response.status_code == 200
    assert (
        response["Content-Disposition"].startswith("attachment")
        and response["X-Content-Type-Options"] == "nosniff"
    )
    milestone.is_published = False
    milestone.save()
    assert client.get(reverse("portal:evidence", args=[item.pk])).status_code == 404


def test_content_forms_are_rate_limited(staff_client, milestone, monkeypatch):
    from cocrea.core import ratelimit

    calls = {"n": 0}

    def fake_allow(key, limit, window):
        calls["n"] += 1
        return calls["n"] <= 2

    line = milestone.budget_lines.get(number=3)
    # Resolving a URL imports every screen module first: one imported while allow is replaced would
    # keep the replacement (``from … import allow``) for the rest of the process.
    url = reverse("staff:record_expenditure", args=[line.pk])
    monkeypatch.setattr(ratelimit, "allow", fake_allow)
    data = {"day": "2019-05-15", "amount": "100.00", "description": "Papel"}
    statuses = [staff_client.post(url, data).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Expenditure.objects.count() == 2


def test_a_scoped_editor_milestone_screen_costs_the_same_whatever_the_rows(inap_editor, milestone):
    """Each row's permission check reuses the milestone's responsible entities (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cocrea.participation.models import Meeting

    url = reverse("staff:milestone", args=[milestone.pk])
    inap_editor.get(url)
    with CaptureQueriesContext(connection) as before:
        assert inap_editor.get(url).status_code == 200
    Meeting.objects.bulk_create(
        Meeting(milestone=milestone, position=100 + n, kind="other", title=f"Extra {n}") for n in range(20)
    )
    with CaptureQueriesContext(connection) as after:
        inap_editor.get(url)
    assert len(after) == len(before)
    assert len(before) <= 30


def _post_sheet(client, milestone, kind, data, name="hoja.csv", **extra):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("staff:sheet_import", args=[milestone.pk, kind])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, **extra)


def test_a_utf16_csv_is_accepted_on_the_web_as_on_the_command_line(
    staff_client, milestone, settings, tmp_path
):
    """Excel's "Unicode text" and Notepad's "Unicode" are UTF-16 with a byte-order mark: the upload
    check took their zero bytes for a binary file."""
    import codecs

    settings.MEDIA_ROOT = tmp_path
    text = "activity\tdate\tpercent_complete\tstatus\tnote\r\n01\t30/04/2019\t100\tcompletada\tAprobación\r\n"
    preview = _post_sheet(staff_client, milestone, "avance", text.encode("utf-16"), "avance.txt")
    assert preview.status_code == 200, preview.context.get("error")
    upload = preview.context["upload"]
    assert upload.kind == "text"
    confirm = staff_client.post(
        reverse("staff:sheet_import_confirm", args=[milestone.pk, "avance", upload.pk])
    )
    assert confirm.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.status, entry.note) == ("done", "Aprobación")
    big_endian = codecs.BOM_UTF16_BE + "budget_line;date;amount\r\n01;30/04/2019;Q 1,500.00\r\n".encode(
        "utf-16-be"
    )
    preview = _post_sheet(staff_client, milestone, "gastos", big_endian, "gastos.csv")
    assert preview.status_code == 200, preview.context.get("error")
    assert preview.context["result"].encoding == "utf-16" and len(preview.context["result"].rows) == 1
    # Zero bytes that are not UTF-16 text are still refused as binary.
    refused = _post_sheet(staff_client, milestone, "avance", codecs.BOM_UTF16_LE + b"\x00\x00" * 50)
    assert refused.status_code == 400 and "«binary»" in refused.context["error"]


def test_the_web_import_words_each_problem_in_a_whole_sentence(staff_client, milestone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bad = _post_sheet(
        staff_client,
        milestone,
        "avance",
        b"activity,date,percent_complete,status\n01,2019-04-30,50,volando\n",
    )
    assert bad.status_code == 400
    sentence = (
        "Fila 2, columna «status»: estado desconocido «volando»; se espera planificada, en curso, "
        "completada, retrasada o cancelada, o la celda vacía para deducirlo del avance."
    )
    assert bad.context["errors"] == [sentence] and sentence in bad.content.decode()
    missing = _post_sheet(staff_client, milestone, "gastos", b"budget_line,fecha\n01,2019-04-30\n")
    assert missing.context["errors"] == [
        "Fila 1: falta la columna obligatoria amount; la fila de encabezados debe nombrar budget_line, date, "
        "amount."
    ]
    warned = _post_sheet(
        staff_client,
        milestone,
        "avance",
        b"activity,date,percent_complete,responsable\n01,2019-04-30,100,INAP\n",
    )
    assert warned.status_code == 200
    warning = "Aviso, fila 1: se ignoraron las columnas «responsable», que no se importan."
    assert warned.context["warnings"] == [warning] and warning in warned.content.decode()
    staff_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # English is chosen, not sniffed
    english = _post_sheet(
        staff_client,
        milestone,
        "avance",
        b"activity,date,percent_complete,status\n01,2019-04-30,50,volando\n",
    )
    assert english.context["errors"] == [
        "Row 2, column “status”: unknown status “volando”; expected planned, in progress, done, delayed or "
        "cancelled, or an empty cell to derive it from the percent complete."
    ]


def test_a_row_the_workflow_refuses_is_explained_by_the_preview_and_on_confirmation(
    staff_client, staff, milestone, settings, tmp_path
):
    from datetime import date
    from decimal import Decimal

    from cocrea.plans.execution import record_progress

    settings.MEDIA_ROOT = tmp_path
    preview = _post_sheet(
        staff_client,
        milestone,
        "avance",
        b"activity,date,percent_complete,status\n01,2019-04-30,50,retrasada\n",
    )
    assert preview.status_code == 400 and "upload" not in preview.context
    assert preview.context["errors"] == [
        "Fila 2, columna «status»: indique el motivo: es obligatorio para «Retrasada»."
    ]
    assert not ProgressEntry.objects.exists(), "the preview rehearses the writing and keeps nothing"
    # A row the preview accepted and the workflow refuses by the time it is confirmed says why too.
    preview = _post_sheet(
        staff_client,
        milestone,
        "avance",
        b"activity,date,percent_complete,status\n01,2019-05-31,50,en curso\n",
    )
    assert preview.status_code == 200
    activity = milestone.activities.get(number=1)
    record_progress(activity, day=date(2019, 4, 30), percent=Decimal(100), by=staff)
    confirm = staff_client.post(
        reverse("staff:sheet_import_confirm", args=[milestone.pk, "avance", preview.context["upload"].pk]),
        follow=True,
    )
    assert [str(m) for m in confirm.context["messages"]] == [
        "Fila 2, columna «status»: una actividad «Completada» no puede pasar a «En curso».",
        "No se importó nada.",
    ]
    assert ProgressEntry.objects.count() == 1
