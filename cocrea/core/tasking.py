"""Enqueueing background tasks (Django's task API, django-tasks) from the code that decides on them.

A task is enqueued only once the transaction that asked for it commits: a request that rolls back
enqueues nothing, and a worker never looks for rows that are not committed yet. A queue that cannot
be reached (Redis down) fails no request: the failure is logged and the work is left to the
scheduler's sweep (the outbox keeps every email; see :mod:`cocrea.core.mail`)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django_tasks import task_backends
from django_tasks.base import Task, TaskResult

logger = logging.getLogger("cocrea.tasks")


def enqueue_now(
    task: Task[Any, Any], *args: Any, run_after: datetime | None = None, **kwargs: Any
) -> TaskResult[Any] | None:
    """Enqueue ``task`` at once; ``None`` (logged) when the queue refused it. ``run_after`` is
    dropped where the backend cannot defer (the immediate backend of the tests)."""
    try:
        if run_after is not None and task.get_backend().supports_defer:
            task = task.using(run_after=run_after)
        return task.enqueue(*args, **kwargs)
    except Exception:  # the queue is unreachable or refused it: the sweep will try again
        logger.exception("Could not enqueue %s", task.module_path)
        return None


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs))


def backend_name() -> str:
    """``database``, ``rq`` or ``immediate``: the kind of queue the default backend is."""
    backend = type(task_backends["default"]).__module__
    if backend.startswith("django_tasks_db"):
        return "database"
    if backend.startswith("django_tasks_rq"):
        return "rq"
    return "immediate"
