"""Meetings for calendar clients: a commitment's feed and one ``.ics`` file per meeting.

Both answer only what the user may see (404 otherwise). Public data may be cached by anyone for
15 minutes, which is also how often the feed asks clients to poll; an ETag that ignores DTSTAMP
lets a client's conditional poll end in a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cocrea.accounts.rules import permission
from cocrea.participation.calendar import REFRESH, calendar_for
from cocrea.participation.models import Meeting
from cocrea.plans import queries

CONTENT_TYPE = "text/calendar; charset=utf-8"
_DTSTAMP = re.compile(rb"^DTSTAMP[:;].*\r\n", re.MULTILINE)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("milestone__commitment__action_plan").prefetch_related("agenda")


def _url_for(request: HttpRequest) -> Callable[[Meeting], str]:
    def url_for(meeting: Meeting) -> str:
        return request.build_absolute_uri(meeting.milestone.get_schedule_url())

    return url_for


def _respond(
    request: HttpRequest, body: bytes, filename: str, *, public: bool, attachment: bool
) -> HttpResponse:
    etag = quote_etag(hashlib.sha256(_DTSTAMP.sub(b"", body)).hexdigest()[:32])
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["ETag"] = etag
    if public:
        patch_cache_control(response, public=True, max_age=int(REFRESH.total_seconds()))
    else:
        patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return response


@require_safe
def commitment_calendar(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """Every meeting the user may see of the commitment's milestones, cancelled ones included."""
    commitment = queries.get_commitment(request.user, plan, number)
    milestones = queries.visible_milestones(request.user, commitment)
    meetings = list(_meetings().filter(milestone__in=milestones).order_by("milestone__sort_key", "position"))
    name = _("Reuniones del compromiso %(number)s — %(plan)s") % {
        "number": commitment.number,
        "plan": commitment.action_plan.name,
    }
    body = calendar_for(
        meetings,
        name,
        _url_for(request),
        host=request.get_host(),
        source=request.build_absolute_uri(),
    )
    public = commitment.is_public and all(m.is_public for m in milestones)
    filename = f"compromiso-{commitment.number}.ics"
    return _respond(request, body, filename, public=public, attachment=False)


@require_safe
def meeting_ics(request: HttpRequest, meeting: int) -> HttpResponse:
    """One meeting as a downloadable ``.ics`` file."""
    found = _meetings().filter(pk=meeting).first()
    if found is None or not request.user.has_perm(permission("meeting", "view"), found):
        raise Http404
    body = calendar_for([found], found.title, _url_for(request), host=request.get_host())
    filename = f"reunion-{found.pk}.ics"
    return _respond(request, body, filename, public=found.milestone.is_public, attachment=True)
