"""Staff screens (under /gestion/, behind two-step verification): importing a work plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import permission
from cocrea.audit.context import acting_as
from cocrea.computations.planparse import ParsedPlan, PlanParseError
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.plans import services
from cocrea.plans.findings import SEVERITY_LABELS, describe, describe_parse_error
from cocrea.plans.models import Commitment

PLAN_UPLOADS_PER_HOUR = 20


def _existing_commitment(plan: ParsedPlan) -> Commitment | None:
    from django.utils.text import slugify

    return Commitment.objects.filter(
        action_plan__slug=slugify(plan.action_plan_name)[:120], number=plan.commitment_number
    ).first()


def _may_import(user: Any, plan: ParsedPlan | None = None) -> bool:
    if not user.has_perm("plans.import_plan"):
        return False
    if plan is None:
        return True
    commitment = _existing_commitment(plan)
    if commitment is None:
        return bool(user.has_perm(permission("commitment", "add")))
    return bool(user.has_perm(permission("commitment", "change"), commitment))


@login_required
@require_http_methods(["GET", "POST"])
def import_plan(request: HttpRequest) -> HttpResponse:
    if not _may_import(request.user):
        raise PermissionDenied
    context: dict[str, Any] = {}
    if request.method == "POST":
        if not allow(f"plan-upload:{request.user.pk}", PLAN_UPLOADS_PER_HOUR, 3600):
            context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
            return render(request, "staff/import_plan.html", context, status=429)
        uploaded = request.FILES.get("file")
        try:
            data = read_upload(uploaded, allowed={"text"})
            plan, findings = services.check_plan_file(data)
        except UploadRejected as rejected:
            context["error"] = rejected.message
        except PlanParseError as error:
            context["error"] = describe_parse_error(error)
        else:
            if not _may_import(request.user, plan):
                context["error"] = _(
                    "Este plan es del compromiso %(number)s, que usted no coordina: pida a un "
                    "administrador que lo importe."
                ) % {"number": plan.commitment_number}
            else:
                upload = store_upload(data, original_name=uploaded.name, owner=request.user, purpose="plan")
                context.update(
                    {
                        "upload": upload,
                        "plan": plan,
                        "existing": _existing_commitment(plan),
                        "findings": [
                            {"finding": f, "message": describe(f), "label": SEVERITY_LABELS[f.severity]}
                            for f in findings
                        ],
                        "errors": sum(1 for f in findings if f.severity == "error"),
                    }
                )
        status = 400 if "error" in context else 200
        return render(request, "staff/import_plan.html", context, status=status)
    return render(request, "staff/import_plan.html", context)


@login_required
@require_POST
def import_plan_confirm(request: HttpRequest, upload: str) -> HttpResponse:
    stored = get_object_or_404(Upload, pk=upload, purpose="plan", owner=request.user)
    data = stored.file.read()
    try:
        plan, _findings = services.check_plan_file(data)
    except PlanParseError as error:  # the stored file was checked already; kept for safety
        messages.error(request, describe_parse_error(error))
        return redirect("staff:import_plan")
    if not _may_import(request.user, plan):
        raise PermissionDenied
    with acting_as(request.user, "web"):
        report = services.import_plan(
            data, filename=stored.original_name, publish=request.POST.get("publish") == "1"
        )
    messages.success(
        request,
        _("Plan importado: %(created)s creados, %(updated)s actualizados, %(deleted)s eliminados.")
        % {
            "created": sum(report.created.values()),
            "updated": sum(report.updated.values()),
            "deleted": sum(report.deleted.values()),
        },
    )
    assert report.milestone is not None
    return redirect(report.milestone.get_check_url())


@login_required
def download_upload(request: HttpRequest, upload: str) -> FileResponse:
    stored = get_object_or_404(Upload, pk=upload)
    if stored.owner_id != request.user.pk and not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    return attachment(stored.file.open("rb"), f"{stored.original_name}")


def attachment(handle: Any, filename: str) -> FileResponse:
    """Served as a download, never rendered: attachment, a neutral type, nosniff."""
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
