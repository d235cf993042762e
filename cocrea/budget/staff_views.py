"""Staff screens of the budget (under /gestion/): recording an expenditure against a budget line,
correcting one and annulling one (asked first on its own page), each with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import permission
from cocrea.budget import services
from cocrea.budget.forms import AnnulmentForm, ExpenditureEditForm, ExpenditureForm
from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import form_page, restarted_form, timezone_today
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.plans.display import money

EDITED_FIELDS = ("day", "amount", "description", "reference")


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("expenditure", 200)
def record_line_expenditure(request: HttpRequest, line: int) -> HttpResponse:
    found = get_object_or_404(
        BudgetLine.objects.select_related("milestone__commitment__action_plan"), pk=line
    )
    if not request.user.has_perm(permission("budgetline", "change"), found):
        raise PermissionDenied
    form = ExpenditureForm(request.POST or None, initial={"day": timezone_today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_expenditure(
                found,
                day=data["day"],
                amount=data["amount"],
                description=data["description"],
                reference=data["reference"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gasto registrado."))
            return redirect("staff:record_expenditure", line=found.pk)
    expenditures = list(found.expenditures.select_related("annulled_by").order_by("-day", "-pk"))
    return form_page(
        request,
        "budget/staff/expenditure.html",
        {
            "line": found,
            "milestone": found.milestone,
            "form": form,
            "expenditures": expenditures,
            "spent": found.expenditures.total(),
            "may_edit": request.user.has_perm(permission("expenditure", "change"), found),
            "may_annul": request.user.has_perm(permission("expenditure", "delete"), found),
        },
        status=400 if form.errors else 200,
    )


def _expenditure_for(request: HttpRequest, pk: int, action: str) -> Expenditure:
    found = get_object_or_404(
        Expenditure.objects.select_related("budget_line__milestone__commitment__action_plan"), pk=pk
    )
    if not request.user.has_perm(permission("expenditure", action), found):
        raise PermissionDenied
    return found


def _line_url(expenditure: Expenditure) -> str:
    return reverse("staff:record_expenditure", args=[expenditure.budget_line_id])


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("expenditure", 200)
def edit_expenditure(request: HttpRequest, expenditure: int) -> HttpResponse:
    """Correct a recorded expenditure; the reason is required and kept in its history."""
    found = _expenditure_for(request, expenditure, "change")
    if found.is_annulled:
        messages.error(request, _("Este gasto está anulado: ya no se puede corregir."))
        return redirect(_line_url(found))
    basis: dict[str, Any] = {name: getattr(found, name) for name in EDITED_FIELDS}
    form = ExpenditureEditForm(request.POST or None, initial={**basis, "edit_version": found.edit_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.edit_expenditure(
                found,
                expected_version=data["edit_version"],
                day=data["day"],
                amount=data["amount"],
                description=data["description"],
                reference=data["reference"],
                reason=data["reason"],
                by=request.user,
                basis=basis,
            )
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(ExpenditureEditForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gasto corregido. El motivo queda en su historial."))
            return redirect(_line_url(found))
    if form.errors and status == 200:
        status = 400
    return form_page(
        request,
        "budget/staff/expenditure_edit.html",
        {
            "expenditure": found,
            "line": found.budget_line,
            "milestone": found.budget_line.milestone,
            "form": form,
            "stale": status == 409,
            "may_annul": request.user.has_perm(permission("expenditure", "delete"), found),
        },
        status=status,
    )


def _annulment(found: Expenditure, reason: str, version: int) -> Confirmation:
    line = found.budget_line
    spent = line.expenditures.total()
    day = date_format(found.day, "SHORT_DATE_FORMAT")
    return Confirmation(
        title=_("¿Anular el gasto del %(day)s por %(amount)s?") % {"day": day, "amount": money(found.amount)},
        lead=found.description,
        consequences=[
            _(
                "El gasto deja de contar en el presupuesto ejecutado y en el costo real del valor "
                "ganado: lo ejecutado en la línea %(number)s pasa de %(before)s a %(after)s."
            )
            % {
                "number": f"{line.number:02d}",
                "before": money(spent),
                "after": money(spent - found.amount),
            },
            _(
                "El gasto sigue en el registro, marcado como anulado, con la fecha, quién lo anuló y "
                "el motivo: «%(reason)s». El historial de cambios del hito muestra la anulación."
            )
            % {"reason": reason},
        ],
        warning=_("La anulación no se puede deshacer: si fue un error, registre el gasto de nuevo."),
        button=_("Anular el gasto"),
        cancel_url=_line_url(found),
        back_label=_("Gastos de la línea %(number)s") % {"number": f"{line.number:02d}"},
        hidden={"reason": reason, "edit_version": version},
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("expenditure", 200)
def annul_expenditure(request: HttpRequest, expenditure: int) -> HttpResponse:
    """First the reason (this page), then what annulling does (the shared confirmation page), then
    the annulment itself, only from a POST with ``confirm=1``."""
    found = _expenditure_for(request, expenditure, "delete")
    if found.is_annulled:
        messages.info(request, _("Este gasto ya estaba anulado."))
        return redirect(_line_url(found))
    form = AnnulmentForm(request.POST or None, initial={"edit_version": found.edit_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        reason, version = form.cleaned_data["reason"], form.cleaned_data["edit_version"]
        if not confirmed(request):
            return ask(request, _annulment(found, reason, version))
        try:
            services.annul_expenditure(found, expected_version=version, reason=reason, by=request.user)
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(AnnulmentForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gasto anulado. Sigue en el registro, marcado como anulado."))
            return redirect(_line_url(found))
    if form.errors and status == 200:
        status = 400
    return form_page(
        request,
        "budget/staff/expenditure_annul.html",
        {"expenditure": found, "line": found.budget_line, "form": form},
        status=status,
    )
