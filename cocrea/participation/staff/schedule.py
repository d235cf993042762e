"""Staff screens of a meeting's place in the calendar (under /gestion/): create a meeting for a
milestone, edit its details, give it a new date, cancel it with a reason.

A date outside the milestone's period comes back with a question (a checkbox that names the
period) instead of being saved; the person confirms it or corrects the date.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.core.http import restarted_form
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.participation import services as participation
from cocrea.participation.forms import CancelMeetingForm, MeetingDetailsForm, NewMeetingForm, RescheduleForm
from cocrea.participation.models import Meeting, Registration
from cocrea.participation.services import OutsidePeriod, milestone_period
from cocrea.participation.services.schedule import DETAILS, local_times, meeting_day, when_text
from cocrea.plans import display
from cocrea.plans.models import Milestone


def _milestone_for(request: HttpRequest, milestone: int) -> Milestone:
    found = get_object_or_404(
        Milestone.objects.select_related("commitment__action_plan").prefetch_related("commitment__entities"),
        pk=milestone,
    )
    if not request.user.has_perm(STAFF_SCREENS) or not request.user.has_perm(
        permission("meeting", "add"), found
    ):
        raise PermissionDenied
    return found


def _meeting_for(request: HttpRequest, meeting: int) -> Any:
    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan").prefetch_related(
            "milestone__commitment__entities"
        ),
        pk=meeting,
    )
    if not request.user.has_perm(STAFF_SCREENS) or not request.user.has_perm(
        permission("meeting", "change"), found
    ):
        raise PermissionDenied
    return found


def _period(milestone: Milestone) -> str:
    return display.month_range(milestone_period(milestone))


def _registered(meeting: Meeting) -> int:
    """How many people registered (confirmed or waiting) an email about the meeting reaches."""
    return (
        Registration.objects.filter(
            meeting=meeting, status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING]
        )
        .exclude(person__email="")
        .count()
    )


def _asks_period(request: HttpRequest) -> bool:
    """The person answered the question about the period (the checkbox came with the form)."""
    return request.method == "POST" and request.POST.get("outside_period") == "on"


def _date_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": data["day"],
        "starts": data["starts"],
        "ends": data["ends"],
        "outside_period_confirmed": bool(data.get("outside_period")),
    }


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting-schedule", 120)
def new_meeting(request: HttpRequest, milestone: int) -> HttpResponse:
    """A new meeting in the milestone's schedule: title, kind, date and times, place, description."""
    found = _milestone_for(request, milestone)
    period = _period(found)
    form = NewMeetingForm(request.POST or None, period=period, ask_period=_asks_period(request))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = participation.create_meeting(
                    found, **{k: data[k] for k in DETAILS}, **_date_values(data), by=request.user
                )
            except OutsidePeriod as outside:
                form = NewMeetingForm(request.POST, period=outside.period_text, ask_period=True)
                form.is_valid()
                form.add_error("outside_period", outside)
                status = 200  # a question, not a mistake
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Se creó la reunión «%(title)s» para el %(when)s.")
                    % {"title": meeting.title, "when": when_text(meeting)},
                )
                return redirect("staff:edit_meeting", meeting=meeting.pk)
    return render(
        request,
        "participation/staff/new_meeting.html",
        {"milestone": found, "form": form, "period": period},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting-schedule", 120)
def edit_meeting(request: HttpRequest, meeting: int) -> HttpResponse:
    """The meeting's details: title, kind, place, online link, capacity, description."""
    found = _meeting_for(request, meeting)
    initial = {name: getattr(found, name) for name in DETAILS}
    form = MeetingDetailsForm(request.POST or None, initial={**initial, "edit_version": found.edit_version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                participation.edit_meeting(
                    found,
                    expected_version=data["edit_version"],
                    **{k: data[k] for k in DETAILS},
                    basis=initial,
                    by=request.user,
                )
            except StaleEdit as stale:
                found = stale.current
                form = restarted_form(MeetingDetailsForm, request.POST, found.edit_version)
                form.add_error(None, stale_message(stale.changed))
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Se guardaron los datos de la reunión."))
                return redirect("staff:edit_meeting", meeting=found.pk)
    return render(
        request,
        "participation/staff/edit_meeting.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "form": form,
            "stale": status == 409,
            "when": when_text(found),
            "registered": _registered(found),
            "section": "details",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting-schedule", 120)
def reschedule_meeting(request: HttpRequest, meeting: int) -> HttpResponse:
    """A new date and times; calendars update, the people registered get an email."""
    found = _meeting_for(request, meeting)
    period = _period(found.milestone)
    starts, ends = local_times(found)
    initial = {"day": meeting_day(found), "starts": starts, "ends": ends, "edit_version": found.edit_version}
    form = RescheduleForm(
        request.POST or None, initial=initial, period=period, ask_period=_asks_period(request)
    )
    status = 200
    closed = found.status in ("cancelled", "held")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                participation.reschedule_meeting(
                    found,
                    expected_version=data["edit_version"],
                    **_date_values(data),
                    reason=data["reason"],
                    basis={"actual_date": found.actual_date, "starts_at": found.starts_at},
                    by=request.user,
                )
            except StaleEdit as stale:
                found = stale.current
                form = restarted_form(
                    RescheduleForm,
                    request.POST,
                    found.edit_version,
                    period=period,
                    ask_period=_asks_period(request),
                )
                form.add_error(None, stale_message(stale.changed))
                status = 409
            except OutsidePeriod as outside:
                form = RescheduleForm(request.POST, period=outside.period_text, ask_period=True)
                form.is_valid()
                form.add_error("outside_period", outside)
                status = 200
            except ValidationError as error:
                form.add_error(None, error)
            else:
                found.refresh_from_db()
                messages.success(
                    request,
                    _("La reunión quedó para el %(when)s.") % {"when": when_text(found)},
                )
                return redirect("staff:edit_meeting", meeting=found.pk)
    return render(
        request,
        "participation/staff/reschedule_meeting.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "form": form,
            "period": period,
            "closed": closed,
            "stale": status == 409,
            "when": when_text(found),
            "registered": _registered(found),
            "section": "details",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting-schedule", 120)
def cancel_meeting(request: HttpRequest, meeting: int) -> HttpResponse:
    """Cancel, with a reason: what will happen is said first; the reason is published."""
    found = _meeting_for(request, meeting)
    form = CancelMeetingForm(request.POST or None, initial={"edit_version": found.edit_version})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                participation.cancel_meeting(
                    found,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["edit_version"],
                    by=request.user,
                )
            except StaleEdit as stale:
                found = stale.current
                form = restarted_form(CancelMeetingForm, request.POST, found.edit_version)
                form.add_error(None, stale_message(stale.changed))
                status = 409
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("La reunión «%(title)s» quedó cancelada.") % {"title": found.title}
                )
                return redirect("staff:edit_meeting", meeting=found.pk)
    return render(
        request,
        "participation/staff/cancel_meeting.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "form": form,
            "closed": found.status in ("cancelled", "held"),
            "when": when_text(found),
            "registered": _registered(found),
            "section": "details",
        },
        status=status,
    )
