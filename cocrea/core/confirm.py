"""Asking before an irreversible step: the confirmation page that every app's screens share.

A screen whose action cannot be taken back (approving a version, closing a consultation early,
deleting, merging two people) does not perform it from its normal page. The normal page links to
a confirmation page (GET) that says what will happen, with counts and who is affected; only a
POST that carries ``confirm=1`` performs the step, through its service as always. A POST without
it changes nothing and shows the same page. Everything works without JavaScript.

A view::

    if confirmed(request):
        services.do_it(found, by=request.user)
        messages.success(request, ...)
        return redirect(...)
    return ask(request, Confirmation(title=..., consequences=[...], button=..., cancel_url=...))

The page is ``templates/confirm.html``; a screen that needs more on it (two people side by side)
extends that template and fills ``{% block confirm_details %}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirm"
CONFIRM_TEMPLATE = "confirm.html"


@dataclass(frozen=True)
class Confirmation:
    """What the confirmation page shows.

    ``title`` asks the question ("¿Aprobar «Borrador 3»?"); ``consequences`` are whole sentences,
    one per change, with the counts and the people affected; ``button`` names the irreversible
    action ("Aprobar definitivamente"); ``cancel_url`` leads back to where the person came from.
    ``hidden`` are the fields the POST carries back (the ids of a pair, the edit version the page
    was built on); ``action`` is where the form posts (empty: the page's own address)."""

    title: str
    consequences: Sequence[str]
    button: str
    cancel_url: str
    lead: str = ""
    warning: str = ""
    error: str = ""
    back_label: str = ""
    hidden: Mapping[str, Any] = field(default_factory=dict)
    action: str = ""
    can_confirm: bool = True


def confirmed(request: HttpRequest) -> bool:
    """The person asked for the step from its confirmation page (a POST with ``confirm=1``)."""
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def ask(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    template: str = CONFIRM_TEMPLATE,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The confirmation page; nothing is written."""
    return render(request, template, {"confirmation": confirmation, **(context or {})}, status=status)
