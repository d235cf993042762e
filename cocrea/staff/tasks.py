"""Background tasks of the staff shell: the daily job (``cocrea daily``), which the worker's
scheduler enqueues once a day at ``DAILY_JOB_HOUR`` (cocrea.core.schedule)."""

from __future__ import annotations

import io

from django.core.management import call_command
from django_tasks import task


@task()
def run_daily() -> str:
    """Run ``cocrea daily`` for tomorrow's meetings; returns what it printed. Each of its parts
    marks what it did (reminded_at, closing_reminder_sent_at, the consultations' state), so a run
    repeated after a worker's crash does not do it twice."""
    out = io.StringIO()
    call_command("daily", stdout=out)
    return out.getvalue()
