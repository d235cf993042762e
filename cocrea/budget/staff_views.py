"""Staff screens of the budget (under /gestion/): recording an expenditure against a budget line."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import permission
from cocrea.budget.forms import ExpenditureForm
from cocrea.budget.models import BudgetLine
from cocrea.budget.services import record_expenditure
from cocrea.core.http import (
    form_page,
    timezone_today,
)
from cocrea.core.ratelimit import limit_posts


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
            record_expenditure(
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
    return form_page(
        request,
        "budget/staff/expenditure.html",
        {
            "line": found,
            "milestone": found.milestone,
            "form": form,
            "expenditures": found.expenditures.order_by("-day"),
        },
        status=400 if form.errors else 200,
    )
