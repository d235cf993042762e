"""Signing up for meetings, cancelling, and the emails that go with them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.participation.models import Meeting, Person, Registration
from cocrea.plans.models import Organization


@transaction.atomic
def register_for_meeting(
    meeting: Meeting, person: Person, organization: Organization | None = None
) -> Registration:
    """Sign up; past the meeting's capacity the person joins the waiting list. Emails a confirmation."""
    if meeting.status == "cancelled":
        raise ValidationError(_("La reunión está cancelada."))
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # serialise sign-ups per meeting
    existing = Registration.objects.filter(meeting=meeting, person=person).first()
    if existing and existing.status != Registration.Status.CANCELLED:
        return existing
    confirmed = Registration.objects.filter(meeting=meeting, status=Registration.Status.CONFIRMED).count()
    full = meeting.capacity is not None and confirmed >= meeting.capacity
    status = Registration.Status.WAITING if full else Registration.Status.CONFIRMED
    with operation("web"):
        if existing:
            existing.status, existing.organization = status, organization
            existing.save()
            registration = existing
        else:
            registration = Registration.objects.create(
                meeting=meeting, person=person, organization=organization, status=status
            )
    _notify(registration)
    return registration


@transaction.atomic
def cancel_registration(registration: Registration) -> Registration | None:
    """Cancel a sign-up; the first person on the waiting list takes the freed place."""
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    with operation("web"):
        registration.status = Registration.Status.CANCELLED
        registration.save()
        promoted = None
        if was_confirmed:
            promoted = (
                Registration.objects.select_for_update()
                .filter(meeting=registration.meeting, status=Registration.Status.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if promoted is not None:
                promoted.status = Registration.Status.CONFIRMED
                promoted.save()
    if promoted is not None:
        _notify(promoted)
    return promoted


def _notify(registration: Registration) -> None:
    """Confirmation (or waiting-list) email, to the person's address, if they have one."""
    person = registration.person
    if not person.email:
        return
    meeting = registration.meeting
    if registration.status == "confirmed":
        subject = _("Inscripción confirmada: %(meeting)s") % {"meeting": meeting.title}
        body = _("Su lugar en «%(meeting)s» está confirmado.") % {"meeting": meeting.title}
    else:
        subject = _("Lista de espera: %(meeting)s") % {"meeting": meeting.title}
        body = _(
            "«%(meeting)s» está llena: usted está en la lista de espera y le avisaremos "
            "si se libera un lugar."
        ) % {"meeting": meeting.title}
    send_mail(subject, body, None, [person.email], fail_silently=True)


def send_reminders(day: date) -> int:
    """Remind confirmed participants of the meetings starting on ``day`` (once each)."""
    due = (
        Registration.objects.select_related("meeting", "person")
        .filter(status=Registration.Status.CONFIRMED, reminded_at=None, meeting__starts_at__date=day)
        .exclude(person__email="")
    )
    sent = 0
    for registration in due:
        meeting = registration.meeting
        send_mail(
            _("Recordatorio: %(meeting)s") % {"meeting": meeting.title},
            _("Le recordamos la reunión «%(meeting)s» (%(when)s, %(where)s).")
            % {
                "meeting": meeting.title,
                "when": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
                "where": meeting.place or meeting.online_link or "—",
            },
            None,
            [registration.person.email],
            fail_silently=True,
        )
        registration.reminded_at = timezone.now()
        registration.save(update_fields=["reminded_at"])
        sent += 1
    return sent
