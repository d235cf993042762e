"""No request builds a report: the address serves the kept file, or queues one build (once per
report, however many ask) and answers a page that follows it with htmx and starts the download
when it is ready. Here with a real queue (the database backend) and its worker."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cocrea.core.models import Job
from cocrea.plans.sample import load_sample_execution
from cocrea.reports import kept as kept_module
from cocrea.reports import progress as progress_module
from cocrea.reports.kept import FOLDER, kept_progress_report, prune
from cocrea.reports.views import REPORTS_PER_MINUTE
from tests.reports.fetch import fetch_report

pytestmark = pytest.mark.django_db

DAY = "2019-12-15"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def url(milestone, fmt: str = "pdf") -> str:
    kwargs = {
        "plan": milestone.commitment.action_plan.slug,
        "number": milestone.commitment.number,
        "milestone": milestone.number,
        "fmt": fmt,
    }
    return reverse("portal:progress_report", kwargs=kwargs)


def address(milestone, fmt: str = "pdf") -> str:
    return f"{url(milestone, fmt)}?fecha={DAY}"


@pytest.fixture
def builds(monkeypatch):
    """Each progress report built, as (milestone id, format)."""
    made: list[tuple[int, str]] = []
    real = progress_module.WRITERS.copy()

    for fmt, writer in real.items():

        def counting(report, fmt=fmt, writer=writer):  # type: ignore[no-untyped-def]
            made.append((report.milestone.pk, fmt))
            return writer(report)

        monkeypatch.setitem(progress_module.WRITERS, fmt, counting)
    return made


@pytest.fixture
def queue(settings, monkeypatch):
    """The database queue instead of the tests' immediate backend: a task waits for a worker. The
    worker runs in the test's own transaction here, so it must not close the connection between
    tasks as it does in its own process (on PostgreSQL that would end the test's transaction)."""
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def run_worker() -> None:
    """``cocrea worker`` on the database queue, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())


def test_the_request_queues_the_build_once_and_the_worker_makes_the_file(
    client, milestone, builds, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url(milestone), {"fecha": DAY})
        second = client.get(url(milestone), {"fecha": DAY})  # another person, before the worker ran
    assert first.status_code == second.status_code == 503
    assert int(first["Retry-After"]) > 0 and first["Cache-Control"] == "no-store"
    page = first.content.decode()
    assert f'hx-get="{address(milestone)}"' in page and 'hx-trigger="load delay:500ms"' in page
    assert 'http-equiv="refresh"' in page and "<noscript>" in page and "htmx" in page
    assert "Se está preparando el PDF" in page and milestone.get_dashboard_url() in page
    assert "Fecha de corte: 15 de diciembre de 2019 · PDF" in page
    (job,) = Job.objects.filter(kind__startswith=f"progress:{milestone.pk}:")
    assert job.kind == f"progress:{milestone.pk}:20191215:pdf:es" and job.state == Job.State.QUEUED
    assert DBTaskResult.objects.count() == 1 and builds == []  # the request built nothing

    polled = client.get(url(milestone), {"fecha": DAY}, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and 'id="report-status"' in polled.content.decode()
    assert "en cola" in polled.content.decode() and builds == []

    run_worker()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.percent == 100 and builds == [(milestone.pk, "pdf")]
    assert job.result_url == address(milestone)

    ready = client.get(url(milestone), {"fecha": DAY}, HTTP_HX_REQUEST="true")
    text = ready.content.decode()
    assert ready.status_code == 200 and "está listo" in text and f'href="{address(milestone)}"' in text
    assert 'hx-trigger="load delay' not in text  # polling stops
    assert "X-Report-Download" in text  # and the status starts the download
    start = client.get(url(milestone), {"fecha": DAY}, HTTP_HX_REQUEST="true", HTTP_X_REPORT_DOWNLOAD="1")
    assert start["HX-Redirect"] == address(milestone)

    served = client.get(url(milestone), {"fecha": DAY})
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert b"".join(served.streaming_content).startswith(b"%PDF-")
    assert builds == [(milestone.pk, "pdf")] and Job.objects.count() == 1  # served from the kept file


def test_a_changed_plan_is_built_again_and_replaces_the_old_file(
    client, milestone, builds, django_capture_on_commit_callbacks
):
    assert fetch_report(client, url(milestone, "xlsx"), {"fecha": DAY}).status_code == 200
    assert fetch_report(client, url(milestone, "xlsx"), {"fecha": DAY}).status_code == 200
    assert builds == [(milestone.pk, "xlsx")]
    with django_capture_on_commit_callbacks(execute=True):  # a write, committed: new versions
        load_sample_execution(milestone)
    with django_capture_on_commit_callbacks(execute=True):  # the worker runs the build it queues
        assert client.get(url(milestone, "xlsx"), {"fecha": DAY}).status_code == 503
    assert client.get(url(milestone, "xlsx"), {"fecha": DAY}).status_code == 200
    assert builds == [(milestone.pk, "xlsx")] * 2
    prefix = kept_module.progress_prefix(milestone, date.fromisoformat(DAY), "xlsx")
    assert len([n for n in default_storage.listdir(FOLDER)[1] if n.startswith(prefix)]) == 1


def test_each_language_and_format_is_a_report_of_its_own(client, milestone, builds):
    fetch_report(client, url(milestone, "docx"), {"fecha": DAY})
    fetch_report(client, url(milestone, "docx"), {"fecha": DAY}, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    english = fetch_report(client, url(milestone, "docx"), {"fecha": DAY})
    assert english.status_code == 200 and builds == [(milestone.pk, "docx")] * 2
    assert Job.objects.filter(kind__endswith=":docx:en").count() == 1


def test_a_failed_build_says_so_and_is_not_queued_again_at_once(
    client, milestone, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(report):  # type: ignore[no-untyped-def]
        raise RuntimeError("typesetting failed")

    monkeypatch.setitem(progress_module.WRITERS, "pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url(milestone), {"fecha": DAY})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED
    page = client.get(url(milestone), {"fecha": DAY})
    assert page.status_code == 503 and "No se pudo preparar el PDF" in page.content.decode()
    assert "hx-get" not in page.content.decode() and Job.objects.count() == 1
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(hours=1))
    client.get(url(milestone), {"fecha": DAY})
    assert Job.objects.count() == 2  # later, asking again tries again


def test_polls_and_waiting_do_not_count_against_the_rate_limit(client, milestone, queue):
    for _ in range(REPORTS_PER_MINUTE + 5):
        assert client.get(url(milestone), {"fecha": DAY}).status_code == 503  # the same build
    for _ in range(REPORTS_PER_MINUTE + 5):
        assert client.get(url(milestone), {"fecha": DAY}, HTTP_HX_REQUEST="true").status_code == 200
    for n in range(REPORTS_PER_MINUTE - 1):  # new builds count, asked for with htmx's header too
        client.get(url(milestone), {"fecha": f"2019-11-{n + 1:02d}"}, HTTP_HX_REQUEST="true")
    assert client.get(url(milestone), {"fecha": "2019-10-01"}).status_code == 429


def test_the_daily_job_prunes_old_progress_reports_and_orphan_response_reports(
    client, milestone, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    fetch_report(client, url(milestone), {"fecha": DAY})
    kept = kept_progress_report(milestone, date.fromisoformat(DAY), "pdf")
    assert kept.exists()
    orphan = f"{FOLDER}/respuestas-999999-es-0123456789abcdef.pdf"
    default_storage.save(orphan, io.BytesIO(b"%PDF-"))
    assert prune() == 1 and kept.exists() and not default_storage.exists(orphan)
    assert prune(timezone.localdate() + timedelta(days=2)) == 1 and not kept.exists()
    out = io.StringIO()
    call_command("daily", stdout=out)
    assert "sin uso eliminados" in out.getvalue()


def test_the_response_report_is_built_by_the_worker_too(
    client, sample_cocreation, queue, django_capture_on_commit_callbacks
):
    version = sample_cocreation.versions[0]
    report = version.get_report_pdf_url()
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(report)
    assert waiting.status_code == 503 and f'hx-get="{report}"' in waiting.content.decode()
    assert Job.objects.get().kind == f"responses:{version.pk}:es"
    run_worker()
    served = client.get(report)
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"%PDF")


def test_the_command_builds_in_its_own_process_with_a_progress_bar(milestone, tmp_path, queue):
    target = tmp_path / "informe.pdf"
    err = io.StringIO()
    call_command("report", "progress", "--date", DAY, "-o", str(target), stdout=io.StringIO(), stderr=err)
    assert target.read_bytes().startswith(b"%PDF-") and "100 %" in err.getvalue()
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_two_people_asking_at_the_same_moment_queue_one_build(client, milestone, queue):
    from cocrea.reports import tasks

    kind = f"progress:{milestone.pk}:20191215:pdf:es"
    assert tasks.claim(kind)  # another request is queueing this build right now
    waiting = client.get(url(milestone), {"fecha": DAY})
    assert waiting.status_code == 503 and "en cola" in waiting.content.decode()
    assert not Job.objects.exists()  # it follows the other request's build
    tasks.let_go(kind)
    client.get(url(milestone), {"fecha": DAY})
    client.get(url(milestone), {"fecha": DAY})
    assert Job.objects.filter(kind=kind).count() == 1


def test_finished_builds_are_forgotten_after_a_week(client, milestone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fetch_report(client, url(milestone), {"fecha": DAY})
    other = Job.objects.create(kind="sheet-avance", title="Importación", state=Job.State.SUCCEEDED)
    Job.objects.update(finished_at=timezone.now() - timedelta(days=8))
    prune()
    assert list(Job.objects.all()) == [other]
