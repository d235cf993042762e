"""Staff screens of a meeting's outcome and attendance (under /gestion/): held, postponed or
cancelled; who attended, corrected or removed one by one; the meeting's documents. Sign-in sheets
are uploaded in :mod:`.signin`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.audit.context import acting_as
from cocrea.computations.matching import find_person, identity_keys
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import (
    form_page,
)
from cocrea.core.ratelimit import limit_posts
from cocrea.core.uploads import ATTACHMENT_KINDS, UploadRejected, read_upload, store_upload
from cocrea.participation import services as participation
from cocrea.participation.forms import AttendanceCorrectionForm, MeetingOutcomeForm
from cocrea.participation.models import Attendance, Meeting, Person, Registration
from cocrea.participation.services import (
    attach_meeting_document,
    record_attendance,
    record_meeting_outcome,
    register_person,
)
from cocrea.participation.summary import batch
from cocrea.plans.models import Organization


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("meeting", 100)
def record_meeting(request: HttpRequest, meeting: int) -> HttpResponse:

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan"), pk=meeting
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    form = MeetingOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record_meeting_outcome(
                found,
                outcome=data["outcome"],
                day=data["day"],
                place=data["place"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reunión actualizada."))
            return redirect(found.milestone.get_dashboard_url())
    return form_page(
        request,
        "participation/staff/meeting.html",
        {"meeting": found, "milestone": found.milestone, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@limit_posts("attendance", 500)
@require_http_methods(["GET", "POST"])
def take_attendance(request: HttpRequest, meeting: int) -> HttpResponse:
    """Mark who came: registered participants, or anyone typed in (matched against the registry)."""

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan"), pk=meeting
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    if request.method == "POST" and request.FILES.get("document"):
        try:
            content = read_upload(request.FILES["document"], allowed=ATTACHMENT_KINDS)
        except UploadRejected as rejected:
            messages.error(request, rejected.message)
        else:
            upload = store_upload(
                content, original_name=request.FILES["document"].name, owner=request.user, purpose="meeting"
            )
            with acting_as(request.user, "web"):
                attach_meeting_document(
                    found, upload, title=request.POST.get("document_title", ""), by=request.user
                )
            messages.success(request, _("Documento publicado."))
        return redirect("staff:take_attendance", meeting=found.pk)
    if request.method == "POST":
        present = {int(pk) for pk in request.POST.getlist("present") if pk.isdigit()}
        with batch():  # indicator E's summary refreshed once for everyone marked present
            for registration in Registration.objects.filter(meeting=found, pk__in=present).select_related(
                "person"
            ):
                record_attendance(found, registration.person, registration.organization)
        name = request.POST.get("name", "").strip()
        if name:
            email = request.POST.get("email", "").strip()
            keys = identity_keys(name, email)
            query = Person.objects.active().filter(
                Q(email__in=[k[6:] for k in keys if k.startswith("email:")])
                | Q(match_key__in=[k[5:] for k in keys if k.startswith("name:")])
            )
            match = find_person(name, email, [(p.pk, p.name, p.email) for p in query])
            try:
                person = Person.objects.get(pk=match) if match else register_person(name=name, email=email)
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
                return redirect("staff:take_attendance", meeting=found.pk)
            organization = Organization.objects.filter(pk=request.POST.get("organization") or 0).first()
            record_attendance(found, person, organization)
            messages.success(
                request,
                (_("%(name)s ya estaba en el registro.") if match else _("%(name)s se añadió al registro."))
                % {"name": person.name},
            )
        else:
            messages.success(request, _("Asistencia guardada."))
        return redirect("staff:take_attendance", meeting=found.pk)
    attended = set(found.attendance.values_list("person_id", flat=True))
    user = request.user
    return render(
        request,
        "participation/staff/attendance.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "registrations": found.registrations.exclude(status="cancelled").select_related(
                "person", "organization"
            ),
            "attended": attended,
            "attendance": found.attendance.select_related("person", "organization").order_by("person__name"),
            "organizations": Organization.objects.order_by("name"),
            "can_correct": user.has_perm(permission("attendance", "change"), found),
            "can_remove": user.has_perm(permission("attendance", "delete"), found),
            "can_upload": user.has_perm(permission("attendance", "add"), found),
            "section": "attendance",
        },
    )


def _attendance_for(request: HttpRequest, attendance: int, action: str) -> Any:
    found = get_object_or_404(
        Attendance.objects.select_related(
            "person", "organization", "meeting__milestone__commitment__action_plan"
        ).prefetch_related("meeting__milestone__commitment__entities"),
        pk=attendance,
    )
    user = request.user
    if not user.has_perm(STAFF_SCREENS) or not user.has_perm(permission("attendance", action), found):
        raise PermissionDenied
    return found


@login_required
@limit_posts("attendance", 500)
@require_http_methods(["GET", "POST"])
def correct_attendance(request: HttpRequest, attendance: int) -> HttpResponse:
    """Correct an attendee as the sign-in sheet should have said: the name, the organisation, or
    that the person did not come (then removed, for those who may remove)."""
    found = _attendance_for(request, attendance, "change")
    meeting = found.meeting
    may_remove = request.user.has_perm(permission("attendance", "delete"), found)
    form = AttendanceCorrectionForm(
        request.POST or None,
        may_remove=may_remove,
        initial={"name": found.person.name, "organization": found.organization_id, "attended": "yes"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if may_remove and not data["attended"]:
            return redirect("staff:remove_attendance", attendance=found.pk)
        try:
            corrected, outcome = participation.correct_attendance(
                found, name=data["name"], organization=data["organization"], by=request.user
            )
        except ValidationError as error:
            form.add_error("name", error)
        else:
            name = corrected.person.name
            messages.success(request, _correction_message(outcome) % {"name": name})
            return redirect("staff:take_attendance", meeting=meeting.pk)
    return render(
        request,
        "participation/staff/correct_attendance.html",
        {"attendance": found, "meeting": meeting, "milestone": meeting.milestone, "form": form},
        status=400 if form.errors else 200,
    )


def _correction_message(outcome: str) -> str:
    return {
        "moved": _("La asistencia pasó a %(name)s, que ya estaba en el registro."),
        "renamed": _("Se corrigió el nombre: %(name)s."),
        "registered": _("%(name)s se añadió al registro como persona nueva; el registro anterior no cambió."),
    }.get(outcome, _("Se guardó la asistencia de %(name)s."))


@login_required
@limit_posts("attendance", 500)
@require_http_methods(["GET", "POST"])
def remove_attendance(request: HttpRequest, attendance: int) -> HttpResponse:
    """Take someone off the list of attendees, after saying what that changes."""
    found = _attendance_for(request, attendance, "delete")
    meeting = found.meeting
    back = reverse("staff:take_attendance", args=[meeting.pk])
    if confirmed(request):
        participation.remove_attendance(found, by=request.user)
        messages.success(
            request,
            _("%(name)s ya no figura como asistente de «%(meeting)s».")
            % {"name": found.person.name, "meeting": meeting.title},
        )
        return redirect(back)
    values = {"name": found.person.name, "meeting": meeting.title}
    return ask(
        request,
        Confirmation(
            title=_("¿Quitar a %(name)s de los asistentes?") % values,
            lead=_("Hágalo si la persona no vino a «%(meeting)s» y se anotó por error.") % values,
            consequences=[
                _(
                    "%(name)s deja de contar como asistente de esta reunión, en las cifras de "
                    "participación y en el indicador E."
                )
                % values,
                _("La persona sigue en el registro, con sus otras asistencias e inscripciones."),
                _("El cambio queda en el historial, con su nombre y la fecha."),
            ],
            button=_("Quitar de los asistentes"),
            cancel_url=back,
            back_label=_("Volver a la asistencia"),
        ),
    )
