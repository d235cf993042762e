"""Scheduled jobs: enqueued by the worker's housekeeping (cocrea.core.worker), once a day at a set
hour, exactly once per day whatever the number of workers.

The day's :class:`~cocrea.core.models.ScheduledRun` row (unique on name and day) is the lock: the
worker that inserts it enqueues the task; every other gets an IntegrityError and does nothing. With
the database queue the task is enqueued in the same transaction as the row, so the two commit
together (no day is lost or doubled). With RQ the task is enqueued once the row commits: a worker
that dies in between loses that day's run (the row says it was enqueued; ``cocrea daily`` still runs
by hand)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from cocrea.core.models import ScheduledRun
from cocrea.core.tasking import backend_name, enqueue_now

logger = logging.getLogger("cocrea.schedule")


def enqueue_once_a_day(name: str, task: Task[Any, Any], hour: int, now: datetime | None = None) -> bool:
    """Enqueue ``task`` if it is ``hour`` o'clock or later (local time) and no worker has enqueued
    it today. Returns whether this call enqueued it."""
    local = timezone.localtime(now or timezone.now())
    if local.hour < hour:
        return False
    day = local.date()
    if ScheduledRun.objects.filter(name=name, day=day).exists():
        return False
    try:
        with transaction.atomic():
            run = ScheduledRun.objects.create(name=name, day=day)
            if backend_name() == "database":
                result = task.enqueue()
                ScheduledRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
            else:
                transaction.on_commit(lambda: enqueue_now(task))
    except IntegrityError:
        return False  # another worker enqueued it
    logger.info("Enqueued the scheduled job %s for %s", name, day)
    return True
