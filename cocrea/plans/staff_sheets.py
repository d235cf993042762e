"""Staff screens of spreadsheet imports (under /gestion/, behind two-step verification): progress of
activities and expenditures against budget lines, each with a template to download, a preview of
what will be written, and a confirmation."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.audit.context import acting_as
from cocrea.budget.services import import_expenditures
from cocrea.computations.sheets import SheetError, write_xlsx
from cocrea.core.http import attachment
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.plans.execution import import_progress
from cocrea.plans.models import Milestone
from cocrea.plans.sheet_messages import describe_row_error, describe_row_warning, describe_sheet_error

SHEET_UPLOADS_PER_HOUR = 60


SHEET_IMPORTS = {
    "avance": {
        "title": gettext_lazy("Importar avances"),
        "columns": "activity,date,percent_complete,status,actual_start,actual_end,note",
        "permission": ("activity", "change"),
    },
    "gastos": {
        "title": gettext_lazy("Importar gastos"),
        "columns": "budget_line,date,amount,description,reference",
        "permission": ("budgetline", "change"),
    },
}


def _sheet_import_runner(kind: str) -> Any:
    if kind == "avance":
        return import_progress

    return import_expenditures


def _sheet_milestone(request: HttpRequest, milestone: int, kind: str) -> Any:

    if kind not in SHEET_IMPORTS:
        raise Http404
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    model, action = SHEET_IMPORTS[kind]["permission"]
    rows = found.activities.all() if model == "activity" else found.budget_lines.all()
    if not request.user.has_perm(STAFF_SCREENS) or not any(
        request.user.has_perm(permission(model, action), r) for r in rows
    ):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
def sheet_import(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:

    found = _sheet_milestone(request, milestone, kind)
    context: dict[str, Any] = {"milestone": found, "kind": kind, **SHEET_IMPORTS[kind]}
    if request.method == "POST":
        if not allow(f"sheet-upload:{request.user.pk}", SHEET_UPLOADS_PER_HOUR, 3600):
            context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
            return render(request, "plans/staff/sheet_import.html", context, status=429)
        uploaded = request.FILES.get("file")
        try:
            data = read_upload(uploaded, allowed={"text", "zip"})
            result = _sheet_import_runner(kind)(found, data, by=request.user, write=False)
        except UploadRejected as rejected:
            context["error"] = rejected.message
        except SheetError as error:
            context["error"] = describe_sheet_error(error)
        else:
            context["result"] = result
            context["errors"] = [describe_row_error(e) for e in result.errors]
            context["warnings"] = [describe_row_warning(w) for w in result.warnings]
            if not result.errors:
                context["upload"] = store_upload(
                    data, original_name=uploaded.name, owner=request.user, purpose=f"sheet-{kind}"
                )
        status = 400 if context.get("error") or context.get("errors") else 200
        return render(request, "plans/staff/sheet_import.html", context, status=status)
    return render(request, "plans/staff/sheet_import.html", context)


@login_required
@require_POST
@limit_posts("sheet-confirm", 60)
def sheet_import_confirm(request: HttpRequest, milestone: int, kind: str, upload: str) -> HttpResponse:

    found = _sheet_milestone(request, milestone, kind)
    stored = get_object_or_404(Upload, pk=upload, purpose=f"sheet-{kind}", owner=request.user)
    with acting_as(request.user, "web"):
        result = _sheet_import_runner(kind)(found, stored.file.read(), by=request.user, write=True)
    if result.errors:
        for message in [describe_row_error(e) for e in result.errors]:
            messages.error(request, message)
        messages.error(request, _("No se importó nada."))
        return redirect("staff:sheet_import", milestone=found.pk, kind=kind)
    messages.success(request, _("%(count)s filas importadas.") % {"count": len(result.rows)})
    return redirect(found.get_dashboard_url())


@login_required
def sheet_template(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:
    """An XLSX to fill in: the right columns and one row per activity or budget line."""
    found = _sheet_milestone(request, milestone, kind)
    headers = SHEET_IMPORTS[kind]["columns"].split(",")
    if kind == "avance":
        rows = [[a.code, None, None, "", None, None, a.title[:120]] for a in found.activities.all()]
    else:
        rows = [
            [f"{line.number:02d}", None, None, line.description[:120], ""]
            for line in found.budget_lines.all()
        ]
    data = write_xlsx(rows, headers, title=kind)
    return attachment(
        io.BytesIO(data), f"plantilla-{kind}-hito-{found.commitment.number}-{found.number}.xlsx"
    )
