"""``cocrea worker``: run the background tasks (emails, large imports, the daily job).

It runs the worker of the queue ``TASKS_URL`` configures: the database's (django-tasks-db, the
default) or RQ's (``TASKS_URL=redis://…``), and beside it the housekeeping thread: heartbeat,
recovery of tasks whose worker died, the outbox sweep, and the daily job enqueued once a day at
``DAILY_JOB_HOUR`` (cocrea.core.worker, cocrea.core.schedule). Run as many as you like, on as many
machines: the daily job is still enqueued once a day. Ctrl-C (or SIGTERM) lets the running task
finish, then stops."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _
from django_tasks_db.management.commands.db_worker import Worker

from cocrea.core.schedule import enqueue_once_a_day
from cocrea.core.tasking import backend_name
from cocrea.core.worker import Housekeeping, new_worker_id, recover_abandoned
from cocrea.staff.tasks import run_daily


class Command(BaseCommand):
    help = (
        "Ejecuta las tareas en segundo plano (correos, importaciones grandes, el trabajo diario) "
        "con la cola configurada (TASKS_URL: la base de datos o Redis)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--burst", action="store_true", help=_("Ejecuta las tareas pendientes y termina.")
        )
        parser.add_argument(
            "--no-schedule",
            action="store_true",
            help=_("No encola el trabajo diario (otro trabajador lo hace)."),
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help=_("Segundos entre consultas a una cola vacía.")
        )
        parser.add_argument(
            "--tick", type=float, default=10.0, help=_("Segundos entre rondas de mantenimiento.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = backend_name()
        worker_id = new_worker_id()
        schedule = (
            []
            if options["no_schedule"]
            else [partial(enqueue_once_a_day, "daily", run_daily, settings.DAILY_JOB_HOUR)]
        )
        housekeeping = Housekeeping(
            worker_id, recover=kind == "database", schedule=schedule, tick=options["tick"]
        )
        if kind == "database":
            recover_abandoned()  # before taking any task: what a killed worker left is run again
        housekeeping.start()
        self.stdout.write(_("Trabajador %(id)s, cola: %(kind)s.") % {"id": worker_id, "kind": kind})
        try:
            if kind == "database":
                worker = Worker(
                    queue_names=["*"],
                    interval=options["interval"],
                    batch=options["burst"],
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                )
                worker.configure_signals()
                worker.run()
            elif kind == "rq":
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    with_scheduler=True,
                    burst=options["burst"],
                    name=worker_id,
                )
            else:
                self.stdout.write(
                    _("La cola «immediate» ejecuta cada tarea al encolarla: no hay nada que hacer.")
                )
        finally:
            housekeeping.stop()
            housekeeping.join(timeout=30)
