from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cocrea.accounts.middleware import has_mfa
from cocrea.accounts.models import RoleAssignment
from cocrea.core.safety import safe_cell
from cocrea.participation.services import delete_account as close_account
from cocrea.participation.services import export_person_data, person_for_user


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    roles = RoleAssignment.objects.filter(user=request.user).select_related(
        "organization", "commitment", "milestone"
    )
    return render(
        request,
        "accounts/profile.html",
        {"roles": roles, "has_mfa": has_mfa(request.user)},
    )


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
