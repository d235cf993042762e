"""Staff screens that correct or withdraw a progress report (under /gestion/), each with a reason,
whether the report is of an activity or of a milestone tracked directly.

The workflow decides which report may change (:func:`cocrea.plans.execution.correction_refusal`:
the latest of its activity or milestone, unless a baseline was approved after it); the screens
state that rule and refuse the rest with the reason why (409). Withdrawing asks first, on the
shared confirmation page (:mod:`cocrea.core.confirm`)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import permission
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import form_page, restarted_form
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.plans import execution
from cocrea.plans.forms import ProgressCorrectionForm, WithdrawalForm
from cocrea.plans.models import Milestone, ProgressEntry
from cocrea.plans.workflow import WorkflowError, derive_status

CORRECTED_FIELDS = ("day", "percent_complete", "status", "actual_start", "actual_end", "note", "reason")


def _entry_for(request: HttpRequest, pk: int, action: str) -> ProgressEntry:
    found = get_object_or_404(
        ProgressEntry.objects.select_related(
            "activity__milestone__commitment__action_plan", "milestone__commitment__action_plan"
        ),
        pk=pk,
    )
    if not request.user.has_perm(permission("progressentry", action), found):
        raise PermissionDenied
    return found


def _subject_values(entry: ProgressEntry) -> dict[str, Any]:
    day = date_format(entry.day, "SHORT_DATE_FORMAT")
    if entry.activity is not None:
        return {"day": day, "code": entry.activity.code}
    milestone = cast(Milestone, entry.milestone)  # a report is of an activity or of a milestone
    return {"day": day, "number": milestone.number, "commitment": milestone.commitment.number}


def _headings(entry: ProgressEntry, correcting: bool) -> dict[str, Any]:
    """The titles of the correction and withdrawal pages, and the way back, as whole sentences."""
    values = _subject_values(entry)
    of_activity = entry.activity is not None
    if correcting:
        title = (
            _("Corregir el reporte del %(day)s de la actividad %(code)s")
            if of_activity
            else _("Corregir el reporte del %(day)s del hito %(number)s, compromiso %(commitment)s")
        )
    else:
        title = (
            _("Retirar el reporte del %(day)s de la actividad %(code)s")
            if of_activity
            else _("Retirar el reporte del %(day)s del hito %(number)s, compromiso %(commitment)s")
        )
    back = (
        _("Avance de la actividad %(code)s")
        if of_activity
        else _("Avance del hito %(number)s, compromiso %(commitment)s")
    )
    subject = entry.subject
    return {
        "heading": title % values,
        "back_label": back % values,
        "back_url": entry.get_staff_url(),
        "lead": subject.title,
    }


def _initial(entry: ProgressEntry) -> dict[str, Any]:
    derived = derive_status(entry.percent_complete) == entry.status
    return {
        "day": entry.day,
        "percent": entry.percent_complete,
        "status": "" if derived else entry.status,
        "actual_start": entry.actual_start,
        "actual_end": entry.actual_end,
        "reason": entry.reason,
        "note": entry.note,
        "edit_version": entry.edit_version,
    }


def _refused(request: HttpRequest, entry: ProgressEntry, refusal: str, template: str) -> HttpResponse:
    """The page that says why this report stays as it is; a POST to it changed nothing (409)."""
    return form_page(
        request,
        template,
        {
            "entry": entry,
            "form": None,
            "refusal": refusal,
            **_headings(entry, template.endswith("_edit.html")),
            **_rule(),
        },
        status=409 if request.method == "POST" else 200,
    )


def _rule() -> dict[str, Any]:
    return {"correction_rule": execution.CORRECTION_RULE}


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("progress-correction", 120)
def edit_progress(request: HttpRequest, entry: int) -> HttpResponse:
    """Correct the latest report of an activity; the reason is required and kept in its history."""
    found = _entry_for(request, entry, "change")
    template = "plans/staff/progress_edit.html"
    refusal = execution.correction_refusal(found)
    if refusal:
        return _refused(request, found, refusal, template)
    basis = {name: getattr(found, name) for name in CORRECTED_FIELDS}
    form = ProgressCorrectionForm(request.POST or None, initial=_initial(found))
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            execution.correct_progress(
                found,
                expected_version=data["edit_version"],
                day=data["day"],
                percent=data["percent"],
                status=data["status"] or None,
                actual_start=data["actual_start"],
                actual_end=data["actual_end"],
                reason=data["reason"],
                note=data["note"],
                correction_reason=data["correction_reason"],
                by=request.user,
                basis=basis,
            )
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(ProgressCorrectionForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except WorkflowError as error:
            if refusal := execution.correction_refusal(found):  # a later report came meanwhile
                return _refused(request, found, refusal, template)
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reporte corregido. El motivo queda en su historial."))
            return redirect(found.get_staff_url())
    if form.errors and status == 200:
        status = 400
    return form_page(
        request,
        template,
        {
            "entry": found,
            "form": form,
            "stale": status == 409,
            **_headings(found, correcting=True),
            **_rule(),
        },
        status=status,
    )


def _withdrawal(entry: ProgressEntry, reason: str, version: int) -> Confirmation:
    of_activity = entry.activity_id is not None
    previous = (
        ProgressEntry.objects.filter(execution.same_subject(entry))
        .exclude(pk=entry.pk)
        .order_by("-day", "-pk")
        .first()
    )
    values = {
        **_subject_values(entry),
        "percent": f"{entry.percent_complete:.0f}",
        "status": entry.get_status_display(),
    }
    consequences = [
        (
            _(
                "El reporte del %(day)s (%(percent)s %%, «%(status)s») se retira: deja de contar en el "
                "avance de la actividad %(code)s, en el valor ganado y en los informes."
            )
            if of_activity
            else _(
                "El reporte del %(day)s (%(percent)s %%, «%(status)s») se retira: deja de contar en el "
                "avance del hito %(number)s, en el seguimiento del plan y en los informes."
            )
        )
        % values
    ]
    if previous is not None:
        earlier = {
            "day": date_format(previous.day, "SHORT_DATE_FORMAT"),
            "percent": f"{previous.percent_complete:.0f}",
            "status": previous.get_status_display(),
        }
        consequences.append(
            (
                _("La actividad vuelve a su reporte anterior, del %(day)s: %(percent)s %%, «%(status)s».")
                if of_activity
                else _("El hito vuelve a su reporte anterior, del %(day)s: %(percent)s %%, «%(status)s».")
            )
            % earlier
        )
    elif of_activity:
        consequences.append(_("La actividad queda sin reportes de avance, como planificada."))
    else:
        consequences.append(_("El hito queda sin reportes de avance."))
    evidence = entry.evidence.count()
    if evidence:
        consequences.append(
            ngettext(
                "Su medio de verificación se retira con él.",
                "Sus %(count)s medios de verificación se retiran con él.",
                evidence,
            )
            % {"count": evidence}
        )
    consequences.append(
        _(
            "El historial de cambios conserva el reporte retirado, quién lo retiró y el motivo: "
            "«%(reason)s»; el personal lo ve en la página de avance."
        )
        % {"reason": reason}
    )
    headings = _headings(entry, correcting=False)
    return Confirmation(
        title=(
            _("¿Retirar el reporte del %(day)s de la actividad %(code)s?")
            if of_activity
            else _("¿Retirar el reporte del %(day)s del hito %(number)s, compromiso %(commitment)s?")
        )
        % values,
        lead=headings["lead"],
        consequences=consequences,
        warning=_("El retiro no se puede deshacer: si fue un error, registre el reporte de nuevo."),
        button=_("Retirar el reporte"),
        cancel_url=headings["back_url"],
        back_label=headings["back_label"],
        hidden={"reason": reason, "edit_version": version},
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("progress-correction", 120)
def withdraw_progress(request: HttpRequest, entry: int) -> HttpResponse:
    """First the reason (this page), then what withdrawing does (the shared confirmation page),
    then the withdrawal itself, only from a POST with ``confirm=1``."""
    found = _entry_for(request, entry, "delete")
    template = "plans/staff/progress_withdraw.html"
    refusal = execution.correction_refusal(found)
    if refusal:
        return _refused(request, found, refusal, template)
    form = WithdrawalForm(request.POST or None, initial={"edit_version": found.edit_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        reason, version = form.cleaned_data["reason"], form.cleaned_data["edit_version"]
        if not confirmed(request):
            return ask(request, _withdrawal(found, reason, version))
        try:
            execution.withdraw_progress(found, expected_version=version, reason=reason, by=request.user)
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(WithdrawalForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except WorkflowError as error:
            if refusal := execution.correction_refusal(found):
                return _refused(request, found, refusal, template)
            form.add_error(None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reporte retirado. Queda en el historial de cambios, con el motivo."))
            return redirect(found.get_staff_url())
    if form.errors and status == 200:
        status = 400
    return form_page(
        request,
        template,
        {"entry": found, "form": form, **_headings(found, correcting=False), **_rule()},
        status=status,
    )
