"""The portal's own page: the home page, with what one can take part in now (consultations open,
the next meetings) and the action plans with their commitments."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.drafts.queries import open_consultations
from cocrea.participation.queries import upcoming_meetings
from cocrea.plans import queries

#: How many open consultations and next meetings the home page lists (each list is one query).
HOME_CONSULTATIONS = 6
HOME_MEETINGS = 5


@pagecache.public_page(pagecache.SITE)
def home(request: HttpRequest) -> HttpResponse:
    return render_public(request, lambda: _home(request))


def _home(request: HttpRequest) -> Built:
    return (
        "portal/home.html",
        {
            "action_plans": queries.action_plans(request.user).only("name", "slug"),
            "consultations": open_consultations(HOME_CONSULTATIONS),
            "meetings": upcoming_meetings(HOME_MEETINGS),
        },
    )
