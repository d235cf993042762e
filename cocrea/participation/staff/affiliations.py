"""Staff screens (under /gestion/) for the organisation a person says they speak for: the pending
requests, each confirmed (choosing the registry's organisation, or creating it with the name the
person wrote) or refused with a reason the person is told. Rule: ``participation.confirm_affiliation``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.core.http import error_text, int_or_none
from cocrea.core.ratelimit import limit_posts
from cocrea.participation.models import AffiliationRequest
from cocrea.participation.services import (
    CONFIRM_AFFILIATION,
    confirm_affiliation,
    pending_requests,
    refuse_affiliation,
)
from cocrea.participation.services.affiliations import REASON_MAX
from cocrea.plans.models import Organization

REQUESTS_PER_PAGE = 50


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Motivo (se le comunica a la persona)"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _allowed(request: HttpRequest) -> None:
    if not request.user.has_perm(CONFIRM_AFFILIATION):
        raise PermissionDenied


def _pending_or_404(pk: int) -> AffiliationRequest:
    return get_object_or_404(pending_requests(), pk=pk)


@login_required
@require_http_methods(["GET"])
def affiliations(request: HttpRequest) -> HttpResponse:
    """The requests waiting for staff, oldest first, with the organisation each one matched."""
    _allowed(request)
    page = Paginator(pending_requests(), REQUESTS_PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "participation/staff/affiliations.html",
        {
            "page": page,
            "organizations": list(Organization.objects.order_by("name").only("name", "acronym")),
            "can_create": request.user.has_perm("plans.add_organization"),
        },
    )


@login_required
@require_POST
@limit_posts("affiliation-decision", 300)
def confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    """Confirm: the organisation chosen in the list, or (``create``) a new one with the name written."""
    _allowed(request)
    found = _pending_or_404(request_id)
    choice = request.POST.get("organization", "")
    pk = int_or_none(choice)
    if pk is None and choice != "new":
        messages.error(request, _("Elija la organización del registro, o créela con el nombre indicado."))
        return redirect("staff:affiliations")
    organization = get_object_or_404(Organization, pk=pk) if pk is not None else None
    try:
        done = confirm_affiliation(found, organization=organization, create=choice == "new", by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("staff:affiliations")
    messages.success(
        request,
        _("Confirmado: %(person)s habla en nombre de %(organization)s. Se le avisó por correo.")
        % {"person": done.person.name, "organization": done.organization},
    )
    return redirect("staff:affiliations")


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("affiliation-decision", 300)
def refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    """Refuse, with the reason the person reads on their profile and in the email."""
    _allowed(request)
    found = _pending_or_404(request_id)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refuse_affiliation(found, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("No se confirmó la solicitud de %(person)s; se le comunicó el motivo.")
                % {"person": found.person.name},
            )
            return redirect("staff:affiliations")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "participation/staff/affiliation_refuse.html",
        {"request_row": found, "form": form},
        status=status,
    )
