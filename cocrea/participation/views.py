"""Meetings for calendar clients: a commitment's feed and one ``.ics`` file per meeting.

Both answer only what the user may see (404 otherwise). Public data may be cached by anyone for
15 minutes, which is also how often the feed asks clients to poll; an ETag that ignores DTSTAMP
lets a client's conditional poll end in a 304 when nothing changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header, parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cocrea.accounts.rules import permission
from cocrea.computations.charts import line_chart
from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.core.http import attachment
from cocrea.core.ratelimit import allow
from cocrea.core.uploads import may_read_upload
from cocrea.participation.calendar import REFRESH, calendar_for
from cocrea.participation.figures import (
    indicator_e,
    organizations_taking_part,
    participation_version,
    public_names,
)
from cocrea.participation.models import Attendance, Meeting, MeetingDocument, Registration
from cocrea.participation.services import cancel_registration, person_for_user, register_for_meeting
from cocrea.participation.services.schedule import when_text
from cocrea.plans import queries
from cocrea.plans.models import Organization

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
    meetings = list(
        _meetings().current().filter(milestone__in=milestones).order_by("milestone__sort_key", "position")
    )
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


@pagecache.public_page(pagecache.meeting_page)
def meeting_page(request: HttpRequest, meeting: int) -> HttpResponse:
    """A meeting's public page: date, place, agenda, minutes, agreements; sign-up for participants."""
    return render_public(
        request, lambda: _meeting_page(request, meeting), for_signed_in=False
    )  # signed in: their registration


def _meeting_page(request: HttpRequest, meeting: int) -> Built:
    found = (
        Meeting.objects.select_related("milestone__commitment__action_plan")
        .prefetch_related("agenda", "agreements__owner_organization")
        .filter(pk=meeting)
        .first()
    )
    if found is None or not request.user.has_perm(permission("meeting", "view"), found):
        raise Http404
    registration = None
    if request.user.is_authenticated:
        registration = Registration.objects.filter(meeting=found, person__user=request.user).first()
    confirmed = found.registrations.filter(status=Registration.Status.CONFIRMED).count()
    today = timezone.localdate()
    return (
        "participation/meeting.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "commitment": found.milestone.commitment,
            "action_plan": found.milestone.commitment.action_plan,
            "registration": registration,
            "confirmed": confirmed,
            "places_left": None if found.capacity is None else max(0, found.capacity - confirmed),
            "agreements": [
                (a, a.done_at is None and a.due_date is not None and a.due_date < today)
                for a in found.agreements.all()
            ],
            "attendees": found.attendance.count(),
            "when": when_text(found),
            "may_take_part": request.user.has_perm("participation.take_part", found)
            and not found.signup_refusal(timezone.localdate()),
            "signup_refusal": found.signup_refusal(timezone.localdate()),
        },
    )


def meeting_signup(request: HttpRequest, meeting: int) -> HttpResponse:
    """Registered participants sign up (or cancel); past the capacity, the waiting list."""

    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = Meeting.objects.select_related("milestone__commitment__action_plan").filter(pk=meeting).first()
    if found is None or not request.user.has_perm(permission("meeting", "view"), found):
        raise Http404
    if not allow(f"signup-meeting:{request.user.pk}", 30, 3600):
        return HttpResponse(
            _("Demasiadas solicitudes. Inténtelo más tarde."), status=429, content_type="text/plain"
        )
    if request.POST.get("action") != "cancel" and not request.user.has_perm("participation.take_part", found):
        raise PermissionDenied  # staff reading an unpublished meeting: no sign-up
    person = person_for_user(request.user)
    if request.POST.get("action") == "cancel":
        registration = (
            Registration.objects.filter(meeting=found, person=person).exclude(status="cancelled").first()
        )
        if registration is not None:
            cancel_registration(registration)
            messages.success(request, _("Su inscripción se canceló."))
    elif refusal := found.signup_refusal(timezone.localdate()):
        messages.error(request, refusal)  # a past, held or archived meeting: the page says so too
    else:
        try:
            registration = register_for_meeting(found, person)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            if registration.status == "waiting":
                messages.warning(request, _("La reunión está llena: quedó en la lista de espera."))
            else:
                messages.success(request, _("Inscripción confirmada."))
    return redirect("participation:meeting", meeting=found.pk)


def meeting_document(request: HttpRequest, document: int) -> HttpResponse:
    """A meeting's document as a download, where the meeting may be seen."""

    found = (
        MeetingDocument.objects.select_related("upload", "meeting__milestone__commitment__action_plan")
        .filter(pk=document)
        .first()
    )
    if found is None or not request.user.has_perm(permission("meeting", "view"), found.meeting):
        raise Http404
    if not may_read_upload(request.user, found.upload):  # also held by something not public
        raise Http404
    return attachment(found.upload.file.open("rb"), found.upload.original_name)


SHOWN_ORGANIZATIONS = 200


@pagecache.public_page(pagecache.address)
def participation(request: HttpRequest, plan: str, number: str) -> HttpResponse:
    """Indicator E for a commitment: who took part, by kind, over time; meetings and attendance."""
    return render_public(request, lambda: _participation(request, plan, number))


def _participation(request: HttpRequest, plan: str, number: str) -> Built:
    found = queries.get_commitment(request.user, plan, number)
    figures_e = indicator_e(found)

    meetings = Paginator(
        Meeting.objects.current()
        .filter(milestone__in=queries.visible_milestones(request.user, found))
        .order_by("milestone__sort_key", "position"),
        50,
    ).get_page(request.GET.get("pagina"))
    counts = dict(
        Attendance.objects.filter(meeting__in=[m.pk for m in meetings])
        .values_list("meeting")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for meeting in meetings:
        meeting.attendees = counts.get(meeting.pk, 0)
    months = figures_e["by_month"]
    chart = line_chart({"people": [m["cumulative"] for m in months]}, height=240) if len(months) > 1 else None
    kinds = figures_e["by_organization_kind"]
    biggest = max(kinds.values(), default=0)

    kind_labels = dict(Organization.Kind.choices)
    return (
        "participation/participation.html",
        {
            "commitment": found,
            "action_plan": found.action_plan,
            "figures": figures_e,
            "kinds": [
                {
                    "label": kind_labels.get(kind, kind),
                    "count": count,
                    "width": (count * 100 // biggest) if biggest else 0,
                }
                for kind, count in kinds.items()
            ],
            "organizations": organizations_taking_part(found, SHOWN_ORGANIZATIONS),
            "more_organizations": max(0, figures_e["legal_persons"] - SHOWN_ORGANIZATIONS),
            "meetings": meetings,
            # Lazy: evaluated inside the template's cached fragment only when it is rebuilt. From the
            # participation summary: everyone counted above who consented to show their public name.
            "public_people": SimpleLazyObject(lambda: public_names(found, SHOWN_ORGANIZATIONS)),
            "participation_version": participation_version(),
            "chart": chart,
            "curve": list(zip(months, chart.x_positions, strict=True)) if chart else [],
        },
    )
