"""Background builds of the reports: every report file is built by a worker, once per key at a
time, and kept (:mod:`.kept`). The report's address serves the kept file, or a page that follows
the build and starts the download when it is ready (:mod:`.views`).

A build is a :class:`~cocrea.core.models.Job` whose ``kind`` is the report's key without the
fingerprint (``progress:<milestone>:<day>:<format>:<language>``, ``responses:<version>:<language>``):
while one is queued or running, asking again follows it instead of queueing another. The worker
computes the fingerprint itself before it reads the data, so a build queued before a change and
run after it keeps what the data is when it runs; a request that still finds no file for the
current fingerprint when the build is done asks for another.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tasks import task

from cocrea.core.jobs import live, run_job, start_job, succeed
from cocrea.core.models import Job
from cocrea.drafts.models import DocumentVersion
from cocrea.plans.models import Milestone
from cocrea.reports.kept import kept_progress_report
from cocrea.reports.progress import build_progress_report, progress_report_url, report_title
from cocrea.reports.responses import stored_pdf

# A build still queued after this long is taken for lost (no worker ran it): another is asked for.
STALE = timedelta(hours=6)
# A build that failed is shown as failed for this long; asking again after it queues another.
FAILED_SHOWN = timedelta(minutes=5)
# Finished report builds are forgotten after this long (the daily job, :func:`forget_old_builds`).
KEPT_JOBS = timedelta(days=7)
# How long a request may hold the right to queue a build (it lets go as soon as the job is written).
CLAIM_SECONDS = 10
KINDS = ("progress:", "responses:")


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


@task()
def build_progress_report_file(job_id: str, milestone_id: int, day: str, fmt: str, language: str) -> str:
    """Build and keep ``milestone_id``'s progress report at ``day`` in ``fmt`` and ``language``
    (a no-op when the file for the data as it is now is already kept)."""

    def work(job: Job) -> None:
        milestone = Milestone.objects.select_related(
            "commitment__action_plan", "commitment__coordinator"
        ).get(pk=milestone_id)
        at = date.fromisoformat(day)
        kept = kept_progress_report(milestone, at, fmt)  # the fingerprint first, then the data
        if not kept.exists():
            kept.store(build_progress_report(milestone, at, fmt))  # tells core.jobs.progress
        succeed(job, _("El informe está listo."), url=progress_report_url(milestone, at, fmt))

    with translation.override(language):
        return run_job(job_id, work)


def following(kind: str) -> Job | None:
    """The build of ``kind`` under way (or one that failed a moment ago, so that its page says so
    instead of queueing the same failure again), with its latest progress; ``None`` if there is none."""
    now = timezone.now()
    job = (
        Job.objects.filter(kind=kind, created_at__gte=now - STALE)
        .exclude(state=Job.State.SUCCEEDED)
        .order_by("-created_at")
        .first()
    )
    if job is None or (job.state == Job.State.FAILED and (job.finished_at or now) < now - FAILED_SHOWN):
        return None
    return live(job)


def claim(kind: str) -> bool:
    """The right to queue the build of ``kind``: two people asking at the same moment (in two web
    processes) do not queue two. In the shared ``jobs`` cache (Redis, or files on one machine)."""
    return bool(caches["jobs"].add(_claim_key(kind), 1, CLAIM_SECONDS))


def let_go(kind: str) -> None:
    caches["jobs"].delete(_claim_key(kind))


def _claim_key(kind: str) -> str:
    return f"cocrea:report-build:{kind}"


def queued_elsewhere(kind: str) -> Job:
    """What the page shows while another request is queueing the build: queued (not saved)."""
    return Job(kind=kind, state=Job.State.QUEUED, created_at=timezone.now())


def forget_old_builds(now: datetime | None = None) -> int:
    """Delete the records of report builds finished more than :data:`KEPT_JOBS` ago."""
    limit = (now or timezone.now()) - KEPT_JOBS
    finished = Job.objects.filter(
        state__in=(Job.State.SUCCEEDED, Job.State.FAILED), finished_at__lt=limit, owner=None
    )
    query = Q()
    for prefix in KINDS:
        query |= Q(kind__startswith=prefix)
    deleted, _by_model = finished.filter(query).delete()
    return deleted


def response_kind(version: DocumentVersion) -> str:
    return f"responses:{version.pk}:{get_language() or 'es'}"


def start_response_build(version: DocumentVersion) -> Job:
    """Queue the build of ``version``'s response report in the active language (when the request's
    transaction commits)."""
    return start_job(
        build_response_report,
        kind=response_kind(version),
        title=_("Informe de respuestas: %(title)s, %(label)s")
        % {"title": version.document.title, "label": version.label},
        owner=None,
        version_id=version.pk,
        language=get_language() or "es",
    )


def request_build(version: DocumentVersion) -> Job:
    """The build of ``version``'s response report in the active language: the one under way, or a
    new one."""
    return following(response_kind(version)) or start_response_build(version)


def progress_kind(milestone: Milestone, day: date, fmt: str) -> str:
    return f"progress:{milestone.pk}:{day:%Y%m%d}:{fmt}:{get_language() or 'es'}"[:40]


def start_progress_build(milestone: Milestone, day: date, fmt: str) -> Job:
    """Queue the build of ``milestone``'s progress report at ``day`` in ``fmt`` and the active
    language (when the request's transaction commits)."""
    return start_job(
        build_progress_report_file,
        kind=progress_kind(milestone, day, fmt),
        title=f"{report_title(milestone)} ({day.isoformat()}, {fmt.upper()})",
        owner=None,
        milestone_id=milestone.pk,
        day=day.isoformat(),
        fmt=fmt,
        language=get_language() or "es",
    )


def request_progress_build(milestone: Milestone, day: date, fmt: str) -> Job:
    """The build of ``milestone``'s progress report at ``day`` in ``fmt`` and the active language:
    the one under way, or a new one."""
    return following(progress_kind(milestone, day, fmt)) or start_progress_build(milestone, day, fmt)
