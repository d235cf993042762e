"""Staff screen importing the tracking spreadsheet of a whole action plan (issue #15), the screen of
``cocrea import-tracker`` (:mod:`cocrea.plans.tracker`): upload a CSV or XLSX, choose the plan, see
what the sheet holds (its commitments and milestones), every finding worded, and what importing
would change, then confirm. Like the other imports: the stored upload is what the confirmation
writes, all or nothing; a large sheet is written by a background job (:mod:`cocrea.core.jobs`)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.audit.context import acting_as
from cocrea.computations.trackerparse import Finding, TrackerError, TrackerResult
from cocrea.core.jobs import job_url, start_job
from cocrea.core.models import Upload
from cocrea.core.ratelimit import allow, limit_posts
from cocrea.core.uploads import UploadRejected, read_upload, store_upload
from cocrea.plans.forms import DateInput
from cocrea.plans.models import ActionPlan, Commitment
from cocrea.plans.tasks import import_tracker_sheet
from cocrea.plans.tracker import (
    TrackerRefused,
    TrackerReport,
    import_tracker,
    match_commitment,
    preview_tracker,
)
from cocrea.plans.tracker_messages import changes, describe, describe_error

logger = logging.getLogger(__name__)

TRACKER_UPLOADS_PER_HOUR = 60  # as the other spreadsheet imports
PURPOSE = "tracker"
TEMPLATE = "plans/staff/import_tracker.html"
RESULT_TEMPLATE = "plans/staff/import_tracker_result.html"


IMPORT_TRACKER = "plans.import_tracker"  # accounts/rules.py: administrators, coordinators, points of contact


def plans_they_may_change(user: Any) -> list[ActionPlan]:
    """The action plans ``user`` may import a tracker into: those they may add commitments to
    (administrators, the plan's point of contact) and those holding a commitment they may change
    (its coordinator). What a sheet may touch inside the plan is the import's to check, row by row."""
    if not may_import_trackers(user):
        return []
    add, change = permission("commitment", "add"), permission("commitment", "change")
    plans = list(ActionPlan.objects.order_by("-start_year", "name"))
    found = [p for p in plans if user.has_perm(add, p)]
    if len(found) == len(plans):
        return found
    others = [p.pk for p in plans if p not in found]
    commitments = (
        Commitment.objects.filter(action_plan_id__in=others)
        .select_related("action_plan")
        .prefetch_related("entities", "milestones")
    )
    changeable = {c.action_plan_id for c in commitments if user.has_perm(change, c)}
    return [p for p in plans if p in found or p.pk in changeable]


def may_import_trackers(user: Any) -> bool:
    """May ``user`` open the screen at all (the staff home links it for them)?"""
    return bool(user.has_perm(STAFF_SCREENS) and user.has_perm(IMPORT_TRACKER))


class TrackerForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=ActionPlan.objects.none(),
        label=gettext_lazy("Plan de acción"),
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("Hoja de seguimiento (CSV o XLSX, hasta 5 MB)"),
        help_text=gettext_lazy(
            "Una fila por hito (o por actividad) con el compromiso, las entidades responsables, el hito, "
            "su producto, las fechas, el cumplimiento y las evidencias; las columnas se reconocen por su "
            "encabezado, en cualquier orden. Se aceptan CSV en cualquier codificación (coma o punto y "
            "coma) y XLSX."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,.txt,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    publish = forms.BooleanField(
        required=False,
        label=gettext_lazy(
            "Publicar lo nuevo (los compromisos e hitos que la hoja agrega; si no, solo el personal los ve)"
        ),
    )
    day = forms.DateField(
        required=False,
        label=gettext_lazy("Fecha de los reportes de avance"),
        help_text=gettext_lazy("El día al que corresponde el avance de la hoja. Por omisión, hoy."),
        widget=DateInput(),
    )

    def __init__(self, *args: Any, plans: list[ActionPlan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        field.queryset = ActionPlan.objects.filter(pk__in=[p.pk for p in plans]).order_by(
            "-start_year", "name"
        )
        if plans:
            self.initial.setdefault("plan", plans[0].pk)
        self.initial.setdefault("day", timezone.localdate())


def _allowed(request: HttpRequest) -> list[ActionPlan]:
    if not may_import_trackers(request.user):
        raise PermissionDenied
    return plans_they_may_change(request.user)


@login_required
@require_http_methods(["GET", "POST"])
def import_tracker_screen(request: HttpRequest) -> HttpResponse:
    """Upload, choose the plan, preview; the confirmation is :func:`import_tracker_confirm`."""
    plans = _allowed(request)
    form = TrackerForm(request.POST or None, request.FILES or None, plans=plans)
    context: dict[str, Any] = {"form": form, "plans": plans}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    if not allow(f"tracker-upload:{request.user.pk}", TRACKER_UPLOADS_PER_HOUR, 3600):
        context["error"] = _("Demasiadas importaciones en una hora. Inténtelo más tarde.")
        return render(request, TEMPLATE, context, status=429)
    if not form.is_valid():
        return render(request, TEMPLATE, context, status=400)
    uploaded = form.cleaned_data["file"]
    plan: ActionPlan = form.cleaned_data["plan"]
    publish: bool = form.cleaned_data["publish"]
    day: date = form.cleaned_data["day"] or timezone.localdate()
    try:
        data = read_upload(uploaded, allowed={"text", "zip"})
        report = preview_tracker(data, plan=plan, publish=publish, day=day, by=request.user)
    except UploadRejected as rejected:
        form.add_error("file", rejected.message)
    except TrackerError as error:
        form.add_error("file", describe_error(error))
    except DatabaseError:  # a value the database refuses: said, not a traceback
        logger.exception("tracker preview failed")
        form.add_error("file", _("La base de datos rechazó un valor de la hoja: no se puede importar."))
    else:
        context.update(_preview(report, plan=plan, publish=publish, day=day))
        if report.ok and not report.result.commitments:
            form.add_error("file", _("La hoja no tiene filas con datos: no hay nada que importar."))
        elif report.ok:
            context["upload"] = store_upload(
                data, original_name=uploaded.name, owner=request.user, purpose=PURPOSE
            )
    status = 400 if form.errors or context.get("errors") else 200
    return render(request, TEMPLATE, context, status=status)


def _preview(report: TrackerReport, *, plan: ActionPlan, publish: bool, day: date) -> dict[str, Any]:
    """What the page shows of a sheet read: its commitments and milestones, its findings worded
    (errors first), and what importing would change."""
    errors = list(report.errors)
    warnings = [*report.result.warnings, *report.notes]
    return {
        "report": report,
        "result": report.result,
        "plan": plan,
        "publish": publish,
        "day": day,
        "commitments": _commitments(report.result),
        "errors": [_finding(f) for f in errors],
        "warnings": [_finding(f) for f in warnings],
        "findings_count": len(errors) + len(warnings),
        "changes": changes(report) if report.ok else [],
        "counts": {
            "commitments": len(report.result.commitments),
            "milestones": sum(len(c.milestones) for c in report.result.commitments),
            "institutions": len(report.result.institutions),
        },
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {"finding": finding, "message": describe(finding)}


def _commitments(result: TrackerResult) -> list[dict[str, Any]]:
    return [
        {
            "item": commitment,
            "institutions": [i.label for i in commitment.institutions],
            "milestones": [
                {
                    "item": milestone,
                    "institutions": [i.label for i in milestone.institutions],
                    "evidence": len(milestone.evidence),
                    "activities": [
                        {
                            "item": row,
                            "institutions": [i.label for i in row.institutions],
                            "evidence": len(row.evidence),
                        }
                        for row in milestone.activities
                        if row.activity
                    ],
                }
                for milestone in commitment.milestones
            ],
        }
        for commitment in result.commitments
    ]


def _stored(request: HttpRequest, upload: str) -> tuple[Upload, ActionPlan, bool, date]:
    plans = _allowed(request)
    stored = get_object_or_404(Upload, pk=upload, purpose=PURPOSE, owner=request.user)
    form = TrackerForm(request.POST, plans=plans)
    form.fields["file"].required = False
    if not form.is_valid():  # the hidden fields of the preview were changed: not one of their plans
        raise PermissionDenied
    day = form.cleaned_data["day"] or timezone.localdate()
    return stored, form.cleaned_data["plan"], form.cleaned_data["publish"], day


@login_required
@require_POST
@limit_posts("tracker-confirm", 60)
def import_tracker_confirm(request: HttpRequest, upload: str) -> HttpResponse:
    """Import what the preview showed (the stored file, read again: all or nothing)."""
    stored, plan, publish, day = _stored(request, upload)
    if stored.size >= settings.BACKGROUND_IMPORT_BYTES:  # a large sheet: a worker writes it
        job = start_job(
            import_tracker_sheet,
            kind="tracker",
            title=_("Hoja de seguimiento: %(name)s") % {"name": stored.original_name},
            owner=request.user,
            plan_id=plan.pk,
            upload_id=str(stored.pk),
            user_id=request.user.pk,
            publish=publish,
            day=day.isoformat(),
            language=get_language(),
        )
        return redirect(job_url(job))
    with stored.file.open("rb") as handle:
        data = handle.read()
    context: dict[str, Any] = {"plan": plan, "upload": stored}
    try:
        with acting_as(request.user, "web"):
            report = import_tracker(data, plan=plan, publish=publish, day=day, by=request.user)
    except TrackerRefused as refused:
        report = refused.report
    except TrackerError as error:
        context["error"] = describe_error(error)
        return render(request, RESULT_TEMPLATE, context, status=400)
    context.update(_preview(report, plan=plan, publish=publish, day=day))
    if not report.ok:
        return render(request, RESULT_TEMPLATE, context, status=400)
    context["imported"] = touched_commitments(plan, report.result)
    return render(request, RESULT_TEMPLATE, context)


def touched_commitments(plan: ActionPlan, result: TrackerResult) -> list[Commitment]:
    """The plan's commitments the sheet names (as :mod:`.tracker` finds them), in the sheet's order."""
    existing = list(plan.commitments.prefetch_related("milestones").order_by("pk"))
    found: list[Commitment] = []
    for item in result.commitments:
        match = match_commitment(item, existing)
        if match is not None and match not in found:
            found.append(match)
    return found
