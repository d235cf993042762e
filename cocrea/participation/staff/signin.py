"""Staff screen of sign-in sheets (under /gestion/): upload a CSV or XLSX of who came to which
meeting of a milestone, see every row as it will be recorded (the person of the registry it
matches, the organisation, the warnings), then confirm. The same reader as ``cocrea
import-attendance``; the upload is kept between the two steps (``core.uploads.store_upload``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.computations.sheets import SheetError
from cocrea.core.jobs import job_url, start_job
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.participation import services as participation
from cocrea.participation.models import Meeting
from cocrea.participation.services import AttendancePreview
from cocrea.participation.tasks import import_attendance_sheet
from cocrea.plans.models import Milestone
from cocrea.plans.sheet_messages import (
    describe_row_error,
    describe_row_warning,
    describe_sheet_error,
    describe_warning_beside_its_row,
)

PURPOSE = "sheet-attendance"
UPLOADS_PER_HOUR = 60
COLUMNS = ("reunión", "nombre", "correo", "organización", "tipo de organización", "género", "departamento")


def _milestone_for(request: HttpRequest, milestone: int) -> Milestone:
    found = get_object_or_404(
        Milestone.objects.select_related("commitment__action_plan").prefetch_related("commitment__entities"),
        pk=milestone,
    )
    if not request.user.has_perm(STAFF_SCREENS) or not request.user.has_perm(
        permission("attendance", "add"), found
    ):
        raise PermissionDenied
    return found


def _page(request: HttpRequest, milestone: Milestone) -> dict[str, Any]:
    meetings = list(milestone.meetings.order_by("position"))
    back = _back_meeting(request, meetings)
    return {
        "milestone": milestone,
        "meetings": meetings,
        "columns": COLUMNS,
        "back": back,
    }


def _back_meeting(request: HttpRequest, meetings: list[Meeting]) -> Meeting | None:
    """The meeting whose attendance page the person came from (``?reunion=``), to go back to."""
    wanted = request.GET.get("reunion") or request.POST.get("reunion") or ""
    return next((m for m in meetings if str(m.pk) == wanted), None)


def _preview(preview: AttendancePreview) -> dict[str, Any]:
    """The page's view of a file read: its errors, or each row with the warnings beside it."""
    result = preview.result
    rows = {row.row for row in result.rows}
    beside: dict[int, list[str]] = {}
    above: list[str] = []
    for warning in result.warnings:
        if warning.row in rows:
            beside.setdefault(warning.row, []).append(describe_warning_beside_its_row(warning))
        else:
            above.append(describe_row_warning(warning))
    shown = [{"row": row, "warnings": beside.get(row.row.row, [])} for row in preview.rows]
    return {
        "result": result,
        "errors": [describe_row_error(e) for e in result.errors],
        "warnings": above,
        "rows": shown,
        "flagged": sum(1 for row in shown if row["warnings"]),
        "matched": preview.matched,
        "new_people": preview.new_people,
        "new_organizations": preview.new_organizations,
        "sheet_meetings": preview.meetings,
    }


@login_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request: HttpRequest, milestone: int) -> HttpResponse:
    """Upload a sign-in sheet; the preview shows what will be recorded, nothing is written yet."""
    found = _milestone_for(request, milestone)
    context = _page(request, found)
    if request.method != "POST":
        return render(request, "participation/staff/attendance_sheet.html", context)
    if not allow(f"attendance-sheet:{request.user.pk}", UPLOADS_PER_HOUR, 3600):
        context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
        return render(request, "participation/staff/attendance_sheet.html", context, status=429)
    uploaded = request.FILES.get("file")
    try:
        data = read_upload(uploaded, allowed={"text", "zip"})
        preview = participation.preview_attendance(found, data, by=request.user)
    except UploadRejected as rejected:
        context["error"] = rejected.message
    except SheetError as error:
        context["error"] = describe_sheet_error(error)
    else:
        context.update(_preview(preview))
        if not preview.result.errors and preview.rows:
            context["upload"] = store_upload(
                data, original_name=uploaded.name, owner=request.user, purpose=PURPOSE
            )
            context["file_name"] = uploaded.name
    status = 400 if context.get("error") or context.get("errors") else 200
    return render(request, "participation/staff/attendance_sheet.html", context, status=status)


@login_required
@require_POST
@limit_posts("attendance-sheet-confirm", 60)
def attendance_sheet_confirm(request: HttpRequest, milestone: int, upload: str) -> HttpResponse:
    """Record the sheet the person saw in the preview: all rows or none."""
    found = _milestone_for(request, milestone)
    stored = get_object_or_404(Upload, pk=upload, purpose=PURPOSE, owner=request.user)
    if (
        stored.size >= settings.BACKGROUND_IMPORT_BYTES
    ):  # a large sheet: a worker records it, a page follows it
        back = _back_meeting(request, list(found.meetings.all()))
        job = start_job(
            import_attendance_sheet,
            kind=PURPOSE,
            title=_("Hoja de firmas: %(name)s") % {"name": stored.original_name},
            owner=request.user,
            milestone_id=found.pk,
            upload_id=str(stored.pk),
            user_id=request.user.pk,
            language=get_language(),
            back_meeting=back.pk if back else None,
        )
        return redirect(job_url(job))
    with stored.file.open("rb") as handle:
        data = handle.read()
    try:
        outcome = participation.import_attendance(found, data, by=request.user)
    except SheetError as error:
        messages.error(request, describe_sheet_error(error))
        return redirect("staff:attendance_sheet", milestone=found.pk)
    result = outcome.result
    if result.errors:
        for message in [describe_row_error(e) for e in result.errors]:
            messages.error(request, message)
        messages.error(request, _("No se importó nada."))
        return redirect("staff:attendance_sheet", milestone=found.pk)
    count = len(result.rows)
    messages.success(
        request,
        ngettext(
            "%(count)s asistencia registrada (%(new)s personas nuevas en el registro).",
            "%(count)s asistencias registradas (%(new)s personas nuevas en el registro).",
            count,
        )
        % {"count": count, "new": len(outcome.created)},
    )
    meetings = {row.meeting.pk for row in result.rows}
    back = _back_meeting(request, list(found.meetings.all()))
    if back is not None or len(meetings) == 1:
        return redirect("staff:take_attendance", meeting=back.pk if back else meetings.pop())
    return redirect("staff:milestone", milestone=found.pk)
