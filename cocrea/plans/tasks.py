"""Background tasks of the execution sheets: a large progress or expenditure sheet is written by a
worker, its page (cocrea.core.jobs) showing how far it is. The same reader as on the screen, all
or nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from cocrea.audit.context import acting_as
from cocrea.budget.services import import_expenditures
from cocrea.computations.sheets import SheetError
from cocrea.computations.trackerparse import TrackerError
from cocrea.core.jobs import JobFailed, run_job, succeed
from cocrea.core.models import Job, Upload
from cocrea.plans.execution import import_progress
from cocrea.plans.measurements import import_measurements
from cocrea.plans.models import ActionPlan, Milestone
from cocrea.plans.sheet_messages import describe_row_error, describe_sheet_error
from cocrea.plans.tracker import TrackerRefused, import_tracker
from cocrea.plans.tracker_messages import changes, describe, describe_error

READERS: dict[str, Any] = {
    "avance": import_progress,
    "gastos": import_expenditures,
    "mediciones": import_measurements,
}


@task()
def import_sheet(
    job_id: str, milestone_id: int, kind_name: str, upload_id: str, user_id: int, language: str
) -> str:
    """Write the sheet ``upload_id`` the person previewed (``kind_name``: a key of ``READERS``)."""

    def work(job: Job) -> None:
        milestone = Milestone.objects.select_related("commitment__action_plan").get(pk=milestone_id)
        user = get_user_model().objects.get(pk=user_id)
        stored = Upload.objects.get(pk=upload_id)
        with stored.file.open("rb") as handle:
            data = handle.read()
        try:
            with acting_as(user, "web"):
                result = READERS[kind_name](milestone, data, by=user, write=True)
        except SheetError as error:
            raise JobFailed(describe_sheet_error(error)) from error
        if result.errors:
            raise JobFailed(_("No se importó nada."), [describe_row_error(e) for e in result.errors])
        count = len(result.rows)
        succeed(
            job,
            ngettext("%(count)s fila importada.", "%(count)s filas importadas.", count) % {"count": count},
            url=milestone.get_dashboard_url(),
        )

    with translation.override(language):
        return run_job(job_id, work)


@task()
def import_tracker_sheet(
    job_id: str,
    plan_id: int,
    upload_id: str,
    user_id: int,
    publish: bool,
    day: str,
    language: str,
) -> str:
    """Write the tracking sheet ``upload_id`` the person previewed into the action plan ``plan_id``
    (:mod:`cocrea.plans.tracker`: all or nothing; the same file again changes nothing)."""

    def work(job: Job) -> None:
        plan = ActionPlan.objects.get(pk=plan_id)
        user = get_user_model().objects.get(pk=user_id)
        stored = Upload.objects.get(pk=upload_id)
        with stored.file.open("rb") as handle:
            data = handle.read()
        try:
            with acting_as(user, "web"):
                report = import_tracker(
                    data, plan=plan, publish=publish, day=date.fromisoformat(day), by=user
                )
        except TrackerError as error:
            raise JobFailed(describe_error(error)) from error
        except TrackerRefused as refused:
            raise JobFailed(_("No se importó nada."), [describe(f) for f in refused.report.errors]) from None
        succeed(
            job,
            _("Hoja de seguimiento importada."),
            url=plan.get_absolute_url(),
            details=[*changes(report), *report.conflicts],
        )

    with translation.override(language):
        return run_job(job_id, work)
