"""Background builds of the reports: a response report too large to typeset while someone waits is
built by a worker, once per version and language at a time, and kept (see :mod:`.responses`).
Its page (the PDF's address) follows the build and offers the PDF when it is ready."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from cocrea.core.jobs import live, run_job, start_job, succeed
from cocrea.core.models import Job
from cocrea.drafts.models import DocumentVersion
from cocrea.reports.responses import stored_pdf

# A build still queued after this long is taken for lost (no worker ran it): another is asked for.
STALE = timedelta(hours=6)


@task()
def build_response_report(job_id: str, version_id: int, language: str) -> str:
    """Typeset and keep the response report of ``version_id`` in ``language`` (a no-op when the PDF
    for its current content is already kept: a task run twice does no harm)."""

    def work(job: Job) -> None:
        version = DocumentVersion.objects.select_related("document__milestone__commitment__action_plan").get(
            pk=version_id
        )
        stored_pdf(version, make=True)  # tells core.jobs.progress how far it is
        succeed(job, _("El PDF del informe de respuestas está listo."), url=version.get_report_pdf_url())

    with translation.override(language):
        return run_job(job_id, work)


def _kind(version: DocumentVersion, language: str) -> str:
    return f"responses:{version.pk}:{language}"


def request_build(version: DocumentVersion) -> Job:
    """The build of ``version``'s response report in the active language under way, or a new one
    (enqueued when the request's transaction commits). With its latest progress."""
    language = get_language() or "es"
    kind = _kind(version, language)
    job = (
        Job.objects.filter(
            kind=kind,
            state__in=(Job.State.QUEUED, Job.State.RUNNING),
            created_at__gte=timezone.now() - STALE,
        )
        .order_by("-created_at")
        .first()
    )
    if job is None:
        job = start_job(
            build_response_report,
            kind=kind,
            title=_("Informe de respuestas: %(title)s, %(label)s")
            % {"title": version.document.title, "label": version.label},
            owner=None,
            version_id=version.pk,
            language=language,
        )
    return live(job)
