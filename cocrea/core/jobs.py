"""Long work in the background, with progress a person can follow (the "background job" recipe of
docs/background-jobs.md).

* :func:`start_job` writes a :class:`~cocrea.core.models.Job` (what, for whom) and enqueues the task
  that does it when the transaction commits; the view then redirects to :func:`job_url`, the job's
  page, which updates itself (htmx polling) until the job is finished.
* The task hands its work to :func:`run_job`; the work calls :func:`progress` as it goes
  (``progress(done, total, message)``), with no reference to the job: the same code reports to a
  :class:`ProgressBar` when it runs from the command line (:func:`reporting_to`), and to nothing in
  a plain call.
* Progress written while the work holds a transaction open (an all-or-nothing import) cannot be
  seen in the database by the web processes: it also goes to the ``jobs`` cache (shared: Redis
  with ``CACHE_URL``, else files under the data directory), which the page reads first.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import Task

from cocrea.core.models import Job
from cocrea.core.tasking import enqueue_on_commit

Reporter = Callable[[int, str], None]  # (percent, message)
_reporter: ContextVar[Reporter | None] = ContextVar("cocrea_progress", default=None)
CACHE_SECONDS = 24 * 3600


def start_job(task: Task[Any, Any], *, kind: str, title: str, owner: Any, **kwargs: Any) -> Job:
    """Record a job and enqueue ``task(job_id=…, **kwargs)`` on commit. The task's first keyword
    argument is ``job_id`` (a string); the others must be JSON values (ids, not objects)."""
    job = Job.objects.create(kind=kind, title=title[:200], owner=owner if owner and owner.pk else None)
    enqueue_on_commit(task, job_id=str(job.pk), **kwargs)
    return job


def job_url(job: Job) -> str:
    return reverse("staff:job", args=[job.pk])


def _cache_key(job_id: Any) -> str:
    return f"cocrea:job:{job_id}"


def live(job: Job) -> Job:
    """``job`` with the newest progress the worker reported (the cache), while it is running."""
    if job.state == Job.State.RUNNING:
        seen = caches["jobs"].get(_cache_key(job.pk))
        if seen and seen.get("percent", 0) >= job.percent:
            job.percent, job.message = seen["percent"], seen["message"]
    return job


def _store(job_id: Any, **fields: Any) -> None:
    Job.objects.filter(pk=job_id).update(**fields)


def run_job(job_id: str, work: Callable[[Job], None]) -> str:
    """Do ``work(job)`` as job ``job_id``: ``running`` meanwhile, with its :func:`progress` calls
    recorded; then ``succeeded`` (what :func:`succeed` said), or ``failed`` when ``work`` raised
    :class:`JobFailed` (its message) or anything else (a generic message; the error is raised again
    for the worker's log). A job already finished is not done again (a task run twice after a
    worker's crash): returns its state."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return job.state if job else "missing"
    now = timezone.now()
    _store(job.pk, state=Job.State.RUNNING, started_at=now, percent=0)
    job.state, job.started_at, job.percent = Job.State.RUNNING, now, 0
    last = [-1]

    def report(percent: int, message: str) -> None:
        caches["jobs"].set(_cache_key(job.pk), {"percent": percent, "message": message}, CACHE_SECONDS)
        if percent != last[0] and not connection.in_atomic_block:
            _store(job.pk, percent=percent, message=message[:500])
        last[0] = percent

    token = _reporter.set(report)
    try:
        work(job)
    except JobFailed as failed:
        _finish(job, Job.State.FAILED, failed.message, failed.details)
    except Exception:
        _finish(job, Job.State.FAILED, _("El trabajo falló por un error interno; quedó en el registro."), [])
        raise
    else:
        _finish(job, Job.State.SUCCEEDED, job.message, job.details)
    finally:
        _reporter.reset(token)
        caches["jobs"].delete(_cache_key(job.pk))
    return str(Job.objects.values_list("state", flat=True).get(pk=job.pk))


def _finish(job: Job, state: str, message: str, details: list[Any]) -> None:
    fields: dict[str, Any] = {
        "state": state,
        "message": message[:500],
        "details": details,
        "finished_at": timezone.now(),
        "result_url": job.result_url,
    }
    if state == Job.State.SUCCEEDED:
        fields["percent"] = 100
    if job.result_file and job.result_file.name:
        fields["result_file"] = job.result_file.name
    _store(job.pk, **fields)


class JobFailed(Exception):
    """Raise inside :func:`running_job` to end the job ``failed`` with a message for the person and
    details (a list of sentences): refused rows of an import, say."""

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


def succeed(job: Job, message: str, *, url: str = "", details: list[str] | None = None) -> None:
    """What the job's page says when it is done, and where its result is (a page)."""
    job.message, job.result_url, job.details = message, url, details or []


def attach_result(job: Job, name: str, content: bytes) -> None:
    """Store a file the job made (a report): the page offers it for download to the job's owner."""
    job.result_file.save(name, ContentFile(content), save=False)


def progress(done: int, total: int, message: str = "") -> None:
    """Report that ``done`` of ``total`` steps are done. Cheap when nobody listens."""
    reporter = _reporter.get()
    if reporter is None:
        return
    percent = 100 if total <= 0 else max(0, min(100, done * 100 // total))
    reporter(percent, message or _("%(done)s de %(total)s") % {"done": done, "total": total})


@contextmanager
def reporting_to(reporter: Reporter) -> Iterator[None]:
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


class ProgressBar:
    """A progress bar for long commands: ``[#####-----]  50 %  message`` redrawn in place on a
    terminal, one line per tenth on anything else (logs). Use ``with reporting_to(bar):``."""

    WIDTH = 30

    def __init__(self, stream: IO[str] | None = None, label: str = "") -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = -1

    def __call__(self, percent: int, message: str = "") -> None:
        if self.tty:
            filled = self.WIDTH * percent // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{self.label}[{bar}] {percent:3d} % {message[:40]:<40}")
            if percent >= 100:
                self.stream.write("\n")
            self.stream.flush()
        elif percent // 10 > self.shown // 10 or (percent == 100 and self.shown != 100):
            self.stream.write(f"{self.label}{percent:3d} % {message}\n")
            self.stream.flush()
        self.shown = percent


def job_poll_seconds() -> int:
    return int(getattr(settings, "JOB_POLL_SECONDS", 2))
