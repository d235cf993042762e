"""Staff screens of spreadsheet imports (under /gestion/, behind two-step verification): progress of
activities and expenditures against budget lines, each with a template to download, a preview that
shows every row as it will be written, and a confirmation."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.audit.context import acting_as
from cocrea.budget.services import IMPORTED_DESCRIPTION, expenditure_template, import_expenditures
from cocrea.computations.sheet_templates import TemplateColumn
from cocrea.computations.sheets import SheetError, SheetResult
from cocrea.core import ratelimit
from cocrea.core.http import attachment
from cocrea.core.jobs import job_url, start_job
from cocrea.core.models import Upload
from cocrea.core.ratelimit import limit_posts
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.plans.execution import import_progress, progress_template
from cocrea.plans.measurements import import_measurements, measurement_template
from cocrea.plans.models import ActivityStatus, Indicator, Milestone
from cocrea.plans.sheet_messages import (
    describe_row_error,
    describe_row_warning,
    describe_sheet_error,
    describe_warning_beside_its_row,
)
from cocrea.plans.sheet_templates import expenditure_columns, measurement_columns, progress_columns
from cocrea.plans.tasks import import_sheet

SHEET_UPLOADS_PER_HOUR = 60
_HINT = re.compile(r"\s*\([^)]*\)")  # "Fecha (dd/mm/aaaa)" is listed as "Fecha"


@dataclass(frozen=True)
class SheetKind:
    title: Promise
    model: str  # the rows' model: the person must be allowed ``rule`` on one of them
    reader: Callable[..., Any]  # (milestone, data, *, by, write) → the reader's result
    template: Callable[..., bytes]  # (milestone, *, by) → XLSX
    columns: Callable[[], list[TemplateColumn]]  # the template's columns, for the upload page
    filename: Promise
    rule: tuple[str, str] = ("", "change")  # (model, action) of the rule asked of a row; "" = model


SHEET_IMPORTS = {
    "avance": SheetKind(
        gettext_lazy("Importar avances"),
        "activity",
        import_progress,
        progress_template,
        lambda: progress_columns([], [], timezone.localdate()),
        gettext_lazy("plantilla-avances"),
        ("progressentry", "add"),  # liaisons report progress too (their reports wait: plans.review)
    ),
    "mediciones": SheetKind(
        gettext_lazy("Importar mediciones de indicadores"),
        "indicator",
        import_measurements,
        measurement_template,
        lambda: measurement_columns([], timezone.localdate()),
        gettext_lazy("plantilla-mediciones"),
    ),
    "gastos": SheetKind(
        gettext_lazy("Importar gastos"),
        "budgetline",
        import_expenditures,
        expenditure_template,
        lambda: expenditure_columns([], timezone.localdate()),
        gettext_lazy("plantilla-gastos"),
    ),
}


def _sheet_milestone(request: HttpRequest, milestone: int, kind: str) -> tuple[Milestone, SheetKind]:
    sheet = SHEET_IMPORTS.get(kind)
    if sheet is None:
        raise Http404
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if sheet.model == "activity":
        rows: Any = found.activities.prefetch_related("responsible")  # the rule reads them
    elif sheet.model == "indicator":
        rows = found.indicators.filter(method=Indicator.Method.MANUAL)
    else:
        rows = found.budget_lines.all()
    rule = permission(sheet.rule[0] or sheet.model, sheet.rule[1])
    if not request.user.has_perm(STAFF_SCREENS) or not any(request.user.has_perm(rule, r) for r in rows):
        raise PermissionDenied
    return found, sheet


def _page(milestone: Milestone, kind: str, sheet: SheetKind) -> dict[str, Any]:
    return {
        "milestone": milestone,
        "kind": kind,
        "title": sheet.title,
        "headings": [_HINT.sub("", column.heading) for column in sheet.columns()],
    }


@login_required
@require_http_methods(["GET", "POST"])
def sheet_import(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:
    found, sheet = _sheet_milestone(request, milestone, kind)
    context = _page(found, kind, sheet)
    if request.method == "POST":
        if not ratelimit.allow(f"sheet-upload:{request.user.pk}", SHEET_UPLOADS_PER_HOUR, 3600):
            context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
            return render(request, "plans/staff/sheet_import.html", context, status=429)
        uploaded = request.FILES.get("file")
        try:
            data = read_upload(uploaded, allowed={"text", "zip"})
            result = sheet.reader(found, data, by=request.user, write=False)
        except UploadRejected as rejected:
            context["error"] = rejected.message
        except SheetError as error:
            context["error"] = describe_sheet_error(error)
        else:
            context.update(_preview(kind, result))
            if not result.errors and result.rows:
                context["upload"] = store_upload(
                    data, original_name=uploaded.name, owner=request.user, purpose=f"sheet-{kind}"
                )
        status = 400 if context.get("error") or context.get("errors") else 200
        return render(request, "plans/staff/sheet_import.html", context, status=status)
    return render(request, "plans/staff/sheet_import.html", context)


def _preview(kind: str, result: SheetResult[Any]) -> dict[str, Any]:
    """What the page shows of a file read: its errors, or each row as it will be written with the
    warnings about it beside it (and those about the whole file above)."""
    rows = {row.row for row in result.rows}
    beside: dict[int, list[str]] = {}
    above: list[str] = []
    for warning in result.warnings:
        if warning.row in rows:
            beside.setdefault(warning.row, []).append(describe_warning_beside_its_row(warning))
        else:
            above.append(describe_row_warning(warning))
    shown = [
        {"row": row, "values": _values(kind, row), "warnings": beside.get(row.row, [])} for row in result.rows
    ]
    return {
        "result": result,
        "errors": [describe_row_error(e) for e in result.errors],
        "warnings": above,
        "rows": shown,
        "flagged": sum(1 for row in shown if row["warnings"]),
    }


def _values(kind: str, row: Any) -> dict[str, Any]:
    """One row as it will be written: what the person typed, and what Cocrea fills in."""
    if kind == "mediciones":
        return {"target": row.indicator, "value": number_format(_plain(row.value))}
    if kind == "avance":
        return {
            "target": row.activity,
            "percent": number_format(_plain(row.percent)),
            "status": ActivityStatus(row.status).label,
            "derived": row.status_derived,
        }
    return {
        "target": row.budget_line,
        "description": row.description or IMPORTED_DESCRIPTION,
        "described": bool(row.description),
    }


def _plain(value: Decimal) -> Decimal:
    """``45.50`` → ``45.5``, ``100.00`` → ``100``."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


@login_required
@require_POST
@limit_posts("sheet-confirm", 60)
def sheet_import_confirm(request: HttpRequest, milestone: int, kind: str, upload: str) -> HttpResponse:
    found, sheet = _sheet_milestone(request, milestone, kind)
    stored = get_object_or_404(Upload, pk=upload, purpose=f"sheet-{kind}", owner=request.user)
    if (
        stored.size >= settings.BACKGROUND_IMPORT_BYTES
    ):  # a large sheet: a worker writes it, a page follows it
        job = start_job(
            import_sheet,
            kind=f"sheet-{kind}",
            title=f"{sheet.title}: {stored.original_name}",
            owner=request.user,
            milestone_id=found.pk,
            kind_name=kind,
            upload_id=str(stored.pk),
            user_id=request.user.pk,
            language=get_language(),
        )
        return redirect(job_url(job))
    with acting_as(request.user, "web"):
        result = sheet.reader(found, stored.file.read(), by=request.user, write=True)
    if result.errors:
        for message in [describe_row_error(e) for e in result.errors]:
            messages.error(request, message)
        messages.error(request, _("No se importó nada."))
        return redirect("staff:sheet_import", milestone=found.pk, kind=kind)
    count = len(result.rows)
    messages.success(
        request,
        ngettext("%(count)s fila importada.", "%(count)s filas importadas.", count) % {"count": count},
    )
    return redirect(found.get_dashboard_url())


@login_required
@require_GET
def sheet_template(request: HttpRequest, milestone: int, kind: str) -> HttpResponse:
    """The XLSX to fill in, in the interface language (see :mod:`cocrea.plans.sheet_templates`)."""
    found, sheet = _sheet_milestone(request, milestone, kind)
    data = sheet.template(found, by=request.user)
    return attachment(io.BytesIO(data), f"{sheet.filename}-{found.commitment.number}-{found.number}.xlsx")
