"""What ``cocrea worker`` runs besides the queue's own worker loop: worker ids that say where a
worker runs, a heartbeat, the recovery of tasks whose worker died, and the housekeeping thread
(recovery, the outbox sweep, the daily schedule).

**Recovery (database queue).** django-tasks-db marks a task ``RUNNING`` when a worker claims it and
never looks at it again; a worker killed with SIGKILL (or a machine that went down) would leave it
so for ever. Every worker id is ``host:pid:random``, and every worker writes a heartbeat
(:class:`~cocrea.core.models.WorkerBeat`) every few seconds. A ``RUNNING`` task whose last worker
is dead goes back to ``READY`` and runs again: dead means, on the same host, that its process is
gone (exact, at once); on another host, that its heartbeat is older than ``WORKER_STALE_SECONDS``.
So tasks run **at least once**: each task of Cocrea is written to be run again safely (the outbox
claim, a job already finished is not redone, the daily job's parts mark what they did).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from cocrea.core.mail import sweep_outbox
from cocrea.core.models import WorkerBeat

logger = logging.getLogger("cocrea.worker")
HOST = socket.gethostname()[:40]


def new_worker_id() -> str:
    return f"{HOST}:{os.getpid()}:{get_random_string(8)}"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host runs (a zombie, killed and not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


def worker_alive(worker_id: str, now: datetime | None = None) -> bool:
    host, _sep, rest = worker_id.partition(":")
    pid_text = rest.partition(":")[0]
    if host == HOST and pid_text.isdigit():
        return process_alive(int(pid_text))
    now = now or timezone.now()
    beat = WorkerBeat.objects.filter(worker_id=worker_id).values_list("beat_at", flat=True).first()
    return beat is not None and beat >= now - timedelta(seconds=settings.WORKER_STALE_SECONDS)


def recover_abandoned(now: datetime | None = None) -> int:
    """Put back in the queue the database tasks whose worker died while running them."""
    recovered = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("id", "worker_ids")
    for task_id, worker_ids in list(running):
        last = worker_ids[-1] if worker_ids else ""
        if last and worker_alive(last, now):
            continue
        recovered += DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        logger.warning("Task %s of dead worker %s is queued again", task_id, last or "?")
    WorkerBeat.objects.filter(
        beat_at__lt=(now or timezone.now()) - timedelta(seconds=settings.WORKER_STALE_SECONDS) * 10
    ).delete()
    return recovered


def beat(worker_id: str) -> None:
    host, _sep, rest = worker_id.partition(":")
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host, "pid": int(rest.partition(":")[0] or 0), "beat_at": timezone.now()},
    )


class Housekeeping(threading.Thread):
    """The worker's second thread: every ``tick`` seconds, the heartbeat, the recovery (database
    queue), the outbox sweep and the scheduled jobs (``schedule``: callables run each tick, each
    deciding for itself whether it is due)."""

    def __init__(
        self,
        worker_id: str,
        *,
        recover: bool,
        schedule: list[Callable[[], object]],
        tick: float = 10.0,
    ) -> None:
        super().__init__(name="cocrea-housekeeping", daemon=True)
        self.worker_id, self.recover, self.schedule, self.tick = worker_id, recover, schedule, tick
        self.stopping = threading.Event()

    def once(self) -> None:
        steps: list[Callable[[], object]] = [lambda: beat(self.worker_id)]
        if self.recover:
            steps.append(recover_abandoned)
        steps += [sweep_outbox, *self.schedule]
        for step in steps:
            try:
                close_old_connections()
                step()
            except Exception:  # one failing step (a locked database, Redis away) must not stop the rest
                logger.exception("Housekeeping step failed")

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.once()
                self.stopping.wait(self.tick)
        finally:
            try:
                WorkerBeat.objects.filter(worker_id=self.worker_id).delete()
            except Exception:
                logger.exception("Could not remove the heartbeat")
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
