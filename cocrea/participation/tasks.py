"""Background tasks of participation: a large sign-in sheet is recorded by a worker, its page
(cocrea.core.jobs) showing how far it is. The same import as on the screen, all or nothing."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from cocrea.computations.sheets import SheetError
from cocrea.core.jobs import JobFailed, run_job, succeed
from cocrea.core.models import Job, Upload
from cocrea.participation.services import import_attendance
from cocrea.plans.models import Milestone
from cocrea.plans.sheet_messages import describe_row_error, describe_sheet_error


@task()
def import_attendance_sheet(
    job_id: str, milestone_id: int, upload_id: str, user_id: int, language: str, back_meeting: int | None
) -> str:
    """Record the sign-in sheet ``upload_id`` the person previewed."""

    def work(job: Job) -> None:
        milestone = Milestone.objects.select_related("commitment__action_plan").get(pk=milestone_id)
        user = get_user_model().objects.get(pk=user_id)
        stored = Upload.objects.get(pk=upload_id)
        with stored.file.open("rb") as handle:
            data = handle.read()
        try:
            outcome = import_attendance(milestone, data, by=user)
        except SheetError as error:
            raise JobFailed(describe_sheet_error(error)) from error
        result = outcome.result
        if result.errors:
            raise JobFailed(_("No se importó nada."), [describe_row_error(e) for e in result.errors])
        count = len(result.rows)
        meetings = {row.meeting.pk for row in result.rows}
        if back_meeting is not None or len(meetings) == 1:
            url = reverse("staff:take_attendance", args=[back_meeting or meetings.pop()])
        else:
            url = reverse("staff:milestone", args=[milestone.pk])
        succeed(
            job,
            ngettext(
                "%(count)s asistencia registrada (%(new)s personas nuevas en el registro).",
                "%(count)s asistencias registradas (%(new)s personas nuevas en el registro).",
                count,
            )
            % {"count": count, "new": len(outcome.created)},
            url=url,
        )

    with translation.override(language):
        return run_job(job_id, work)
