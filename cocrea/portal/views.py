"""The portal's own page: the home page, listing the action plans and their commitments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cocrea.plans import queries


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"action_plans": queries.action_plans(request.user)})
