from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cocrea.accounts.forms import AffiliationForm, ProfileForm
from cocrea.accounts.middleware import AFTER_TWO_STEP, has_mfa
from cocrea.accounts.models import Role, RoleAssignment
from cocrea.accounts.rules import STAFF_SCREENS
from cocrea.core.http import error_text, int_or_none, restarted_form
from cocrea.core.ratelimit import limit_posts
from cocrea.core.safety import safe_cell
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.participation.models import AffiliationRequest, Consent, Person
from cocrea.participation.services import (
    active_consent,
    consent_outdated,
    current_memberships,
    export_person_data,
    person_for_user,
    request_affiliation,
    update_profile,
    withdraw_affiliation_request,
)
from cocrea.participation.services import delete_account as close_account


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile_page(request)


def _own_person(request: HttpRequest) -> Person | None:
    """The signed-in person's record with the consents the profile reads; None before the first
    save (reading the profile creates nothing)."""
    return Person.objects.prefetch_related("consents").filter(user=request.user).first()


def _citizen_context(
    request: HttpRequest,
    *,
    name_form: ProfileForm | None = None,
    affiliation_form: AffiliationForm | None = None,
) -> dict[str, Any]:
    """How the person appears (public name, its consent), their language, their organisations."""
    person = _own_person(request)
    consent = active_consent(person, Consent.Purpose.PUBLIC_NAME) if person else None
    outdated = consent_outdated(person) if person else False
    if name_form is None:
        name_form = ProfileForm(
            initial={
                "public_name": person.display_name if person else "",
                "show_name": consent is not None and not outdated,
                "language": (person.language if person else "") or get_language(),
                "edit_version": person.edit_version if person else None,
            }
        )
    requests = (
        list(person.affiliation_requests.select_related("organization").order_by("-requested_at")[:5])
        if person
        else []
    )
    pending = next((r for r in requests if r.status == AffiliationRequest.Status.PENDING), None)
    refused = next((r for r in requests if r.status == AffiliationRequest.Status.REFUSED), None)
    return {
        "person": person,
        "shown_as": (person.public_name if person else None) or _("Participante"),
        "consent": consent,
        "consent_outdated": outdated,
        "name_form": name_form,
        "memberships": list(current_memberships(person)) if person else [],
        "pending_request": pending,
        "last_refusal": refused if requests and refused is requests[0] else None,
        "affiliation_form": affiliation_form or (AffiliationForm() if pending is None else None),
    }


def _profile_page(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    """The profile: the roles really held, how the person appears, their organisations, their data."""
    roles = RoleAssignment.objects.filter(user=request.user).select_related(
        "action_plan", "organization", "commitment__action_plan", "milestone__commitment__action_plan"
    )
    is_staff = request.user.has_perm(STAFF_SCREENS)
    context = {
        "roles": describe_roles(request.user, roles),
        "has_mfa": has_mfa(request.user),
        "is_staff": is_staff,
        "staff_home": staff_home() if is_staff else None,
        **_citizen_context(request, **forms),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
@limit_posts("profile", 60)
def public_name(request: HttpRequest) -> HttpResponse:
    """The public name, whether it is shown (the consent, with the text read), the emails' language."""
    form = ProfileForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, 400, name_form=form)
    person = person_for_user(request.user)
    try:
        update_profile(
            person,
            public_name=form.cleaned_data["public_name"],
            show_name=form.cleaned_data["show_name"],
            language=form.cleaned_data.get("language") or "",
            expected_version=form.cleaned_data.get("edit_version") or person.edit_version,
        )
    except StaleEdit as stale:
        form = restarted_form(ProfileForm, request.POST, stale.current.edit_version)  # type: ignore[attr-defined]
        form.add_error(None, stale_message(stale.changed))
        return _profile_page(request, 409, name_form=form)
    except ValidationError as error:
        form.add_error(None, error_text(error))
        return _profile_page(request, 400, name_form=form)
    if form.cleaned_data["show_name"]:
        messages.success(
            request,
            _("Guardado: sus aportes se publican como «%(name)s».")
            % {"name": form.cleaned_data["public_name"]},
        )
    else:
        messages.success(request, _("Guardado: sus aportes se publican como «Participante»."))
    return redirect("accounts:profile")


@login_required
@require_POST
@limit_posts("affiliation", 20)
def request_organization(request: HttpRequest) -> HttpResponse:
    """Ask to speak for an organisation; staff confirm it."""
    form = AffiliationForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, 400, affiliation_form=form)
    try:
        request_affiliation(
            person_for_user(request.user), form.cleaned_data["organization"], form.cleaned_data["role"]
        )
    except ValidationError as error:
        form.add_error(None, error_text(error))
        return _profile_page(request, 400, affiliation_form=form)
    messages.success(
        request,
        _("Solicitud enviada: el personal confirmará que usted habla en nombre de %(organization)s.")
        % {"organization": form.cleaned_data["organization"]},
    )
    return redirect("accounts:profile")


@login_required
@require_POST
@limit_posts("affiliation", 20)
def withdraw_organization(request: HttpRequest) -> HttpResponse:
    """Take back one's own pending request."""
    person = person_for_user(request.user)
    found = AffiliationRequest.objects.filter(
        person=person, status=AffiliationRequest.Status.PENDING, pk=int_or_none(request.POST.get("request"))
    ).first()
    if found is None:
        raise Http404
    try:
        withdraw_affiliation_request(found)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Retiró su solicitud."))
    return redirect("accounts:profile")


def describe_roles(user: Any, assignments: Any) -> list[dict[str, Any]]:
    """The roles a person holds, each as a sentence with what it applies to (and that page):
    a superuser is an administrator even without the role granted."""
    described: list[dict[str, Any]] = []
    held = list(assignments)
    if user.is_superuser and not any(a.role == Role.ADMINISTRATOR for a in held):
        described.append({"text": _("Administrador de toda la plataforma"), "url": None})
    for assignment in held:
        described.append(_describe(assignment))
    return described


def _describe(assignment: RoleAssignment) -> dict[str, Any]:
    role = assignment.role
    scope = assignment.action_plan or assignment.commitment or assignment.milestone or assignment.organization
    if role == Role.ADMINISTRATOR:
        text = _("Administrador de toda la plataforma")
    elif role == Role.AUDITOR:
        text = _("Auditor: lee toda la plataforma y su registro de cambios")
    elif role == Role.MODERATOR:
        text = _("Moderador de las consultas")
    elif role == Role.POINT_OF_CONTACT:
        text = _("Punto de contacto del plan %(plan)s") % {"plan": assignment.action_plan}
    elif role == Role.LIAISON:
        text = _("Enlace de %(organization)s en el compromiso %(commitment)s") % {
            "organization": assignment.organization,
            "commitment": assignment.commitment,
        }
    elif role == Role.COORDINATOR:
        text = _("Coordinador del compromiso %(commitment)s") % {"commitment": assignment.commitment}
    elif assignment.commitment_id:
        text = _("Editor del compromiso %(commitment)s") % {"commitment": assignment.commitment}
    elif assignment.milestone_id:
        text = _("Editor del hito %(milestone)s") % {"milestone": assignment.milestone}
    elif assignment.organization_id:
        text = _("Editor por la organización %(organization)s") % {"organization": assignment.organization}
    else:
        text = assignment.get_role_display()
    url = getattr(scope, "get_absolute_url", None)
    linked = assignment.organization_id is None or role == Role.LIAISON  # an organisation has no page here
    return {"text": text, "url": url() if url and linked else None}


def staff_home() -> str | None:
    """The staff area's first page, when the staff shell offers one."""
    try:
        return reverse("staff:home")
    except NoReverseMatch:
        return None


@login_required
def continue_after_setup(request: HttpRequest) -> HttpResponse:
    """The recovery codes page's "Continuar", once two-step verification is set up: on to the page
    the person was going to when they were asked to set it up, else the staff area, else the
    profile."""
    wanted = request.session.pop(AFTER_TWO_STEP, "")
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(wanted)
    if request.user.has_perm(STAFF_SCREENS) and (home := staff_home()):
        return redirect(home)
    return redirect("accounts:profile")


@login_required
def my_data(request: HttpRequest, fmt: str) -> HttpResponse:
    """Everything Cocrea holds about the signed-in person, as JSON or CSV."""

    data = export_person_data(person_for_user(request.user))
    data["account"] = {"email": request.user.email, "date_joined": request.user.date_joined.isoformat()}
    if fmt == "json":
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["section", "field", "value"])
        for section, content in data.items():
            items = content if isinstance(content, list) else [content]
            for index, item in enumerate(items):
                for key, value in item.items():
                    writer.writerow(
                        [
                            f"{section}[{index}]" if isinstance(content, list) else section,
                            key,
                            safe_cell(value),
                        ]
                    )
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="mis-datos-cocrea.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    """Delete the account and anonymise the person: contributions stay as "Participante eliminado"."""

    if request.method == "POST" and request.POST.get("confirm") == "1":
        user = request.user
        logout(request)
        close_account(user)
        messages.success(request, _("Su cuenta se eliminó y sus datos personales se anonimizaron."))
        return redirect("portal:home")
    return render(request, "accounts/delete.html", {})
