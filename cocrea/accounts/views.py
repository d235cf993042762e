from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cocrea.accounts.middleware import has_mfa
from cocrea.accounts.models import RoleAssignment


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
