"""Staff screens of the work plan (under /gestion/, behind two-step verification): importing a
plan, recording an activity's progress, approving a baseline. The spreadsheet imports of progress
and expenditures are in :mod:`cocrea.plans.staff_sheets`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import permission
from cocrea.audit.context import acting_as
from cocrea.computations.planparse import ParsedPlan, PlanParseError
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import (
    form_page,
    timezone_today,
)
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import ATTACHMENT_KINDS, UploadRejected, read_upload, store_upload
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.plans import measurements, services
from cocrea.plans.execution import approve_baseline, correction_state, record_progress
from cocrea.plans.findings import SEVERITY_LABELS, describe, describe_parse_error
from cocrea.plans.forms import BaselineForm, IndicatorTargetsForm, MeasurementForm, ProgressForm
from cocrea.plans.importer import ImportReport, wording
from cocrea.plans.models import Activity, Commitment, Indicator, Milestone, Review
from cocrea.plans.workflow import WorkflowError

PLAN_UPLOADS_PER_HOUR = 20


def _existing_commitment(plan: ParsedPlan) -> Commitment | None:

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
            return render(request, "plans/staff/import_plan.html", context, status=429)
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
                        **_changes(services.preview_import(data, filename=uploaded.name)),
                    }
                )
        status = 400 if "error" in context else 200
        return render(request, "plans/staff/import_plan.html", context, status=status)
    return render(request, "plans/staff/import_plan.html", context)


def _changes(report: ImportReport) -> dict[str, Any]:
    """What importing would change, for the preview."""
    return {
        "changes": wording.counts(report),
        "removal_lines": [wording.removal_line(r) for r in report.removals],
        "conflicts_heading": wording.conflicts_heading(report) if report.conflicts else "",
        "conflict_lines": [wording.conflict_line(c) for c in report.conflicts],
    }


def _stored_plan(request: HttpRequest, upload: str) -> tuple[Upload, bytes] | HttpResponse:
    """The uploaded plan of this person, checked again; a redirect when it no longer reads."""
    stored = get_object_or_404(Upload, pk=upload, purpose="plan", owner=request.user)
    data = stored.file.read()
    try:
        plan, _findings = services.check_plan_file(data)
    except PlanParseError as error:  # the stored file was checked already; kept for safety
        messages.error(request, describe_parse_error(error))
        return redirect("staff:import_plan")
    if not _may_import(request.user, plan):
        raise PermissionDenied
    return stored, data


def _imported(request: HttpRequest, report: ImportReport) -> HttpResponse:
    messages.success(request, _("Plan importado: %(counts)s") % {"counts": wording.counts(report)})
    if report.pending:
        messages.warning(
            request,
            wording.pending_sentence(
                report, _("para retirarlos, vuelva a importar el plan y confirme su retiro.")
            ),
        )
    if report.conflicts:
        messages.info(request, wording.conflicts_heading(report))
    assert report.milestone is not None
    return redirect(report.milestone.get_check_url())


@login_required
@require_POST
@limit_posts("plan-confirm", 20)
def import_plan_confirm(request: HttpRequest, upload: str) -> HttpResponse:
    """Import what the preview showed: creations and updates; what the document dropped stays."""
    found = _stored_plan(request, upload)
    if isinstance(found, HttpResponse):
        return found
    stored, data = found
    with acting_as(request.user, "web"):
        report = services.import_plan(
            data,
            filename=stored.original_name,
            publish=request.POST.get("publish") == "1",
            overwrite=request.POST.get("overwrite") == "1",
        )
    return _imported(request, report)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("plan-confirm", 20)
def import_plan_removals(request: HttpRequest, upload: str) -> HttpResponse:
    """Import and take away what the document no longer lists: asked on its own page first.

    The page lists each item with what happens to it (deleted, or archived when something hangs
    from it); only those listed are removed when the person confirms."""
    found = _stored_plan(request, upload)
    if isinstance(found, HttpResponse):
        return found
    stored, data = found
    params = request.POST if request.method == "POST" else request.GET
    publish, overwrite = params.get("publish") == "1", params.get("overwrite") == "1"
    if confirmed(request):
        with acting_as(request.user, "web"):
            report = services.import_plan(
                data,
                filename=stored.original_name,
                publish=publish,
                overwrite=overwrite,
                allow_removals=frozenset(request.POST.get("removals", "").split()),
            )
        return _imported(request, report)
    preview = services.preview_import(data, filename=stored.original_name, overwrite=overwrite)
    removals = preview.removals
    consequences = [wording.removal_consequence(r) for r in removals] or [
        _("El documento incluye todo lo que vino de él: no hay nada que retirar.")
    ]
    consequences.append(_("Además, el plan se importa: %(counts)s") % {"counts": wording.counts(preview)})
    return ask(
        request,
        Confirmation(
            title=_("¿Retirar lo que ya no está en el documento?"),
            lead=_(
                "Estos elementos vinieron de una versión anterior del plan y el documento nuevo ya no "
                "los incluye. Lo que el personal agregó no se toca."
            ),
            consequences=consequences,
            warning=_("Eliminar no se puede deshacer; lo archivado sigue en su página y en el historial."),
            button=_("Importar y retirar"),
            cancel_url=reverse("staff:import_plan"),
            back_label=_("Importar un plan de trabajo"),
            hidden={
                "removals": " ".join(r.token for r in removals),
                "publish": "1" if publish else "",
                "overwrite": "1" if overwrite else "",
            },
            action=reverse("staff:import_plan_removals", args=[stored.pk]),
            can_confirm=bool(removals),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_activity_progress(request: HttpRequest, activity: int) -> HttpResponse:
    """Record an activity's progress: the form, its reports, the corrections allowed."""
    found = get_object_or_404(
        Activity.objects.select_related("milestone__commitment__action_plan"), pk=activity
    )
    if not request.user.has_perm(permission("progressentry", "add"), found):
        raise PermissionDenied
    return _progress_screen(
        request, found, found.milestone, reverse("staff:record_progress", args=[found.pk])
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_milestone_progress(request: HttpRequest, milestone: int) -> HttpResponse:
    """Record the progress of a milestone tracked directly (one without a detailed work plan)."""
    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not request.user.has_perm(permission("progressentry", "add"), found):
        raise PermissionDenied
    return _progress_screen(
        request, found, found, reverse("staff:record_milestone_progress", args=[found.pk])
    )


def _progress_screen(
    request: HttpRequest, subject: Activity | Milestone, milestone: Milestone, here: str
) -> HttpResponse:
    form = ProgressForm(request.POST or None, request.FILES or None, initial={"day": timezone_today()})
    activity = subject if isinstance(subject, Activity) else None
    tracked_directly = activity is None and not milestone.activities.exists()
    context = {
        "activity": activity,
        "subject_milestone": None if activity else milestone,
        "milestone": milestone,
    }
    if request.method == "POST":
        if not allow(f"progress:{request.user.pk}", 120, 3600):
            return form_page(
                request,
                "plans/staff/progress.html",
                {
                    **context,
                    "form": form,
                    "entries": [],
                    "error": _("Demasiados registros en una hora. Inténtelo más tarde."),
                },
                429,
            )
        if form.is_valid():
            data = form.cleaned_data
            files = []
            if data["evidence_file"]:
                try:
                    content = read_upload(data["evidence_file"], allowed=ATTACHMENT_KINDS)
                except UploadRejected as rejected:
                    form.add_error("evidence_file", rejected.message)
                else:
                    upload = store_upload(
                        content,
                        original_name=data["evidence_file"].name,
                        owner=request.user,
                        purpose="evidence",
                    )
                    files.append((data["evidence_title"], upload))
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = record_progress(
                    subject,
                    day=data["day"],
                    percent=data["percent"],
                    status=data["status"] or None,
                    actual_start=data["actual_start"],
                    actual_end=data["actual_end"],
                    reason=data["reason"],
                    note=data["note"],
                    evidence=[(data["evidence_title"], data["evidence_url"])] if data["evidence_url"] else [],
                    evidence_files=files,
                    by=request.user,
                )
            except (WorkflowError, ValidationError) as error:
                form.add_error(None, getattr(error, "message", str(error)))
            else:
                if entry.review == Review.PENDING:
                    messages.success(
                        request,
                        _("Avance registrado. Se publica cuando el punto de contacto del plan lo valide."),
                    )
                else:
                    messages.success(request, _("Avance registrado."))
                return redirect(here)
    entries = list(
        subject.progress_entries.order_by("-day", "-pk")
        .select_related("reviewed_by")
        .prefetch_related("evidence")
    )
    return form_page(
        request,
        "plans/staff/progress.html",
        {
            **context,
            "form": form if activity is not None or tracked_directly else None,
            "entries": entries,
            "may_validate": request.user.has_perm(permission("progressentry", "publish"), subject),
            "here": request.path,
            **correction_state(subject, entries, request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("baseline", 30)
def approve_milestone_baseline(request: HttpRequest, milestone: int) -> HttpResponse:

    found = get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
    if not request.user.has_perm(permission("milestone", "change"), found):
        raise PermissionDenied
    form = BaselineForm(request.POST or None, initial={"effective_from": timezone_today()})
    if request.method == "POST" and form.is_valid():
        try:
            baseline = approve_baseline(
                found,
                by=request.user,
                reason=form.cleaned_data["reason"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except WorkflowError as error:
            form.add_error("reason", error.message)
        else:
            messages.success(request, _("Línea base %(number)s aprobada.") % {"number": baseline.number})
            return redirect(found.get_dashboard_url())
    return form_page(
        request,
        "plans/staff/baseline.html",
        {"milestone": found, "form": form, "baselines": found.baselines.order_by("-number")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_measurements(request: HttpRequest, indicator: int) -> HttpResponse:
    """An indicator measured by hand: its baseline, target and rhythm, and its dated values."""
    found = get_object_or_404(
        Indicator.objects.select_related("milestone__commitment__action_plan"), pk=indicator
    )
    if not request.user.has_perm(permission("indicator", "change"), found):
        raise PermissionDenied
    manual = found.method == Indicator.Method.MANUAL
    here = reverse("staff:indicator_measurements", args=[found.pk])
    measure = MeasurementForm(
        request.POST if "measure" in request.POST else None, initial={"day": timezone_today()}
    )
    targets = IndicatorTargetsForm(
        request.POST if "targets" in request.POST else None,
        initial={
            "baseline": found.baseline,
            "baseline_day": found.baseline_day,
            "target": found.target,
            "measure_every_months": found.measure_every_months,
            "edit_version": found.edit_version,
        },
    )
    if request.method == "POST" and "measure" in request.POST and measure.is_valid():
        data = measure.cleaned_data
        try:
            measurements.record_measurement(
                found,
                day=data["day"],
                value=data["value"],
                note=data["note"],
                evidence_url=data["evidence_url"] or "",
                by=request.user,
                today=timezone_today(),
            )
        except ValidationError as error:
            for field, messages_ in getattr(error, "message_dict", {None: error.messages}).items():
                for message in messages_:
                    measure.add_error(field if field in measure.fields else None, message)
        else:
            messages.success(request, _("Medición registrada."))
            return redirect(here)
    if request.method == "POST" and "targets" in request.POST and targets.is_valid():
        data = targets.cleaned_data
        try:
            measurements.set_targets(
                found,
                expected_version=data["edit_version"],
                by=request.user,
                baseline=data["baseline"],
                baseline_day=data["baseline_day"],
                target=data["target"],
                measure_every_months=data["measure_every_months"],
            )
        except StaleEdit as stale:
            targets.add_error(None, stale_message(stale.changed))
        else:
            messages.success(request, _("Línea de base, meta y frecuencia guardadas."))
            return redirect(here)
    taken = list(found.measurements.order_by("-day", "-pk"))
    milestone = found.milestone
    start = milestone.starts_on or milestone.start_month
    return form_page(
        request,
        "plans/staff/measurements.html",
        {
            "indicator": found,
            "milestone": milestone,
            "manual": manual,
            "measure": measure if manual else None,
            "targets": targets,
            "measurements": taken,
            "now": measurements.manual_value(found, taken, timezone_today(), start) if manual else None,
        },
        status=400 if measure.errors or targets.errors else 200,
    )
