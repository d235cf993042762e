"""Jobs with progress and their self-updating page; large sheet imports as jobs; the daily job
enqueued exactly once a day; the command-line progress bar."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks.signals import task_enqueued

from cocrea.core.jobs import JobFailed, ProgressBar, live, progress, reporting_to, run_job, succeed
from cocrea.core.models import Job, ScheduledRun
from cocrea.core.schedule import enqueue_once_a_day
from cocrea.plans.models import ProgressEntry
from cocrea.staff.tasks import run_daily

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("America/Guatemala")


@pytest.fixture
def enqueued():
    seen: list[str] = []

    def record(sender, task_result, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(task_result.task.module_path)

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def test_a_large_progress_sheet_is_imported_by_a_job_whose_page_shows_the_result(
    staff_client, milestone, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKGROUND_IMPORT_BYTES = 1  # every sheet counts as large
    url = reverse("staff:sheet_import", args=[milestone.pk, "avance"])
    sheet = b"activity,date,percent_complete\n01,2019-04-30,100\n02,2019-04-30,50\n"
    preview = staff_client.post(url, {"file": SimpleUploadedFile("a.csv", sheet)})
    upload = preview.context["upload"]
    with django_capture_on_commit_callbacks(execute=True):
        confirm = staff_client.post(
            reverse("staff:sheet_import_confirm", args=[milestone.pk, "avance", upload.pk])
        )
    job = Job.objects.get()
    assert confirm.status_code == 302 and confirm["Location"] == reverse("staff:job", args=[job.pk])
    assert job.state == "succeeded" and job.percent == 100 and job.kind == "sheet-avance"
    assert ProgressEntry.objects.count() == 2
    page = staff_client.get(confirm["Location"])
    text = page.content.decode()
    assert "2 filas importadas." in text and milestone.get_dashboard_url() in text
    assert "hx-get" not in text and "htmx" not in text  # finished: nothing polls any more


def test_a_refused_sheet_job_ends_failed_with_each_problem_and_writes_nothing(
    staff_client, milestone, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.BACKGROUND_IMPORT_BYTES = 1
    url = reverse("staff:sheet_import", args=[milestone.pk, "avance"])
    preview = staff_client.post(
        url, {"file": SimpleUploadedFile("a.csv", b"activity,date,percent_complete\n01,2019-04-30,100\n")}
    )
    upload = preview.context["upload"]
    upload.file.save(
        "x.bin", io.BytesIO(b"activity,date,percent_complete\n99,2019-04-30,10\n")
    )  # changed since
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("staff:sheet_import_confirm", args=[milestone.pk, "avance", upload.pk]))
    job = Job.objects.get()
    assert job.state == "failed" and job.message == "No se importó nada." and job.details
    assert not ProgressEntry.objects.exists()
    assert "No se importó nada." in staff_client.get(reverse("staff:job", args=[job.pk])).content.decode()


def test_the_status_page_polls_while_running_and_shows_progress_to_its_owner_only(
    staff_client, staff, client, django_user_model
):
    job = Job.objects.create(kind="test", title="Informe grande", owner=staff, state="running", percent=40)
    url = reverse("staff:job", args=[job.pk])
    page = staff_client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'value="40"' in page and "htmx-2.0.11.min.js" in page
    partial = staff_client.get(url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert body.lstrip().startswith("<section") and "<html" not in body and "40 %" in body
    other = django_user_model.objects.create_user("o", "otro@example.org", "x-Strong-Pass-42")
    client.force_login(other)
    assert client.get(url).status_code in (403, 404)  # someone else's job is not shown


def test_run_job_records_progress_success_failure_and_is_not_redone(staff):
    seen = []

    def work(job):  # type: ignore[no-untyped-def]
        for n in range(1, 5):
            progress(n, 4)
            seen.append(live(Job.objects.get(pk=job.pk)).percent)  # what the page shows
        succeed(job, "Listo.", url="/x/")

    job = Job.objects.create(kind="test", title="t", owner=staff)
    assert run_job(str(job.pk), work) == "succeeded"
    assert seen == [25, 50, 75, 100]
    job.refresh_from_db()
    assert (job.state, job.message, job.result_url, job.percent) == ("succeeded", "Listo.", "/x/", 100)
    assert run_job(str(job.pk), work) == "succeeded" and len(seen) == 4  # a second run does nothing

    def refuse(job):  # type: ignore[no-untyped-def]
        raise JobFailed("No se pudo.", ["Fila 2: falta la fecha."])

    failing = Job.objects.create(kind="test", title="t", owner=staff)
    assert run_job(str(failing.pk), refuse) == "failed"
    failing.refresh_from_db()
    assert failing.message == "No se pudo." and failing.details == ["Fila 2: falta la fecha."]


def test_the_progress_bar_of_a_command_prints_the_start_then_each_tenth_once():
    out = io.StringIO()
    with reporting_to(ProgressBar(out, label="Importando ")):
        for n in range(1, 101):
            progress(n, 100)
    lines = out.getvalue().splitlines()
    assert (
        len(lines) == 11
        and lines[0].startswith("Importando   1 % 1 de 100")
        and lines[1].startswith("Importando  10 %")
        and lines[-1].startswith("Importando 100 %")
    )
    progress(1, 2)  # nobody listening: nothing happens


def test_the_daily_job_is_enqueued_once_a_day_at_its_hour(enqueued, django_capture_on_commit_callbacks):
    early = datetime(2026, 3, 2, 5, 59, tzinfo=ZONE)
    with django_capture_on_commit_callbacks(execute=True):
        assert not enqueue_once_a_day("daily", run_daily, 6, now=early)
        assert enqueued == []
        assert enqueue_once_a_day("daily", run_daily, 6, now=early.replace(hour=6, minute=0))
        assert not enqueue_once_a_day("daily", run_daily, 6, now=early.replace(hour=6, minute=1))
        assert not enqueue_once_a_day("daily", run_daily, 6, now=early.replace(hour=23))
    assert enqueued == ["cocrea.staff.tasks.run_daily"]
    with django_capture_on_commit_callbacks(execute=True):
        assert enqueue_once_a_day("daily", run_daily, 6, now=datetime(2026, 3, 3, 6, 0, tzinfo=ZONE))
    assert enqueued == ["cocrea.staff.tasks.run_daily"] * 2
    assert sorted(str(r.day) for r in ScheduledRun.objects.all()) == ["2026-03-02", "2026-03-03"]


def test_the_daily_job_still_runs_by_hand(capsys):
    from django.core.management import call_command

    call_command("daily")
    assert "recordatorio" in capsys.readouterr().out
