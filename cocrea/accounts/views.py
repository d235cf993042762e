from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from cocrea.accounts.middleware import AFTER_TWO_STEP, has_mfa
from cocrea.accounts.models import Role, RoleAssignment
from cocrea.accounts.rules import STAFF_SCREENS
from cocrea.core.safety import safe_cell
from cocrea.participation.services import delete_account as close_account
from cocrea.participation.services import export_person_data, person_for_user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    roles = RoleAssignment.objects.filter(user=request.user).select_related(
        "organization", "commitment__action_plan", "milestone__commitment__action_plan"
    )
    is_staff = request.user.has_perm(STAFF_SCREENS)
    return render(
        request,
        "accounts/profile.html",
        {
            "roles": describe_roles(request.user, roles),
            "has_mfa": has_mfa(request.user),
            "is_staff": is_staff,
            "staff_home": staff_home() if is_staff else None,
        },
    )


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
    role, scope = assignment.role, assignment.commitment or assignment.milestone or assignment.organization
    if role == Role.ADMINISTRATOR:
        text = _("Administrador de toda la plataforma")
    elif role == Role.AUDITOR:
        text = _("Auditor: lee toda la plataforma y su registro de cambios")
    elif role == Role.MODERATOR:
        text = _("Moderador de las consultas")
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
    return {"text": text, "url": url() if url and assignment.organization_id is None else None}


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
    import csv
    import io
    import json

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
