"""Speaking for an organisation: a person asks, staff confirm or refuse.

A request names the organisation as the person wrote it (matched, when possible, to the registry's
organisation). Confirming records a :class:`~cocrea.participation.models.Membership` from today, and
only then may the person's contributions say "en nombre de" that organisation; refusing gives the
person the reason. Either way the person hears of it by email, in their language.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.core.safety import without_bidi_controls
from cocrea.participation.models import AffiliationRequest, Membership, Person
from cocrea.participation.services.registry import add_membership
from cocrea.plans.models import Organization

if TYPE_CHECKING:
    from cocrea.participation.services._checks import Actor

CONFIRM_AFFILIATION = "participation.confirm_affiliation"
NAME_MAX = 300
ROLE_MAX = 120
REASON_MAX = 2000
_NAME_AND_ACRONYM = re.compile(r"(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)")


def _one_line(value: str, limit: int, too_long: str) -> str:
    text = " ".join(without_bidi_controls(value or "").split())
    text = "".join(ch for ch in text if ch.isprintable())
    if len(text) > limit:
        raise ValidationError(too_long % {"limit": limit})
    return text


def match_organization(name: str) -> Organization | None:
    """The registry's organisation written as ``name``: its acronym, its full name, or both as the
    form's list offers them (``Name (ACRONYM)``); case is ignored."""
    name = " ".join(name.split())
    if not name:
        return None
    query = Q(acronym__iexact=name) | Q(name__iexact=name)
    written = _NAME_AND_ACRONYM.fullmatch(name)
    if written:
        query |= Q(acronym__iexact=written["acronym"].strip(), name__iexact=written["name"].strip())
    return Organization.objects.filter(query).order_by("pk").first()


def current_memberships(person: Person) -> QuerySet[Membership]:
    today = timezone.localdate()
    return Membership.objects.filter(
        Q(until=None) | Q(until__gte=today), Q(since=None) | Q(since__lte=today), person=person
    ).select_related("organization")


@transaction.atomic
def request_affiliation(person: Person, organization_name: str, role: str = "") -> AffiliationRequest:
    """The person says they speak for ``organization_name`` (with a role); staff will confirm it."""
    if person.anonymised_at is not None or person.merged_into_id is not None:
        raise ValidationError(_("Estos datos ya no se pueden cambiar."))
    name = _one_line(
        organization_name, NAME_MAX, _("El nombre de la organización tiene %(limit)s caracteres como máximo.")
    )
    if len(name) < 2:
        raise ValidationError({"organization": _("Escriba el nombre de la organización.")})
    role = _one_line(role, ROLE_MAX, _("El cargo tiene %(limit)s caracteres como máximo."))
    Person.objects.select_for_update().filter(pk=person.pk).first()  # one pending request at a time
    if AffiliationRequest.objects.filter(person=person, status=AffiliationRequest.Status.PENDING).exists():
        raise ValidationError(
            {"organization": _("Ya tiene una solicitud pendiente: retírela antes de enviar otra.")}
        )
    organization = match_organization(name)
    if organization is not None and current_memberships(person).filter(organization=organization).exists():
        raise ValidationError(
            {
                "organization": _("Ya consta que usted representa a %(organization)s.")
                % {"organization": organization}
            }
        )
    with operation("web"):
        return AffiliationRequest.objects.create(
            person=person, organization_name=name, organization=organization, role=role
        )


@transaction.atomic
def withdraw_affiliation_request(request: AffiliationRequest) -> AffiliationRequest:
    """The person takes back a request still pending."""
    current = AffiliationRequest.objects.select_for_update().get(pk=request.pk)
    if current.status != AffiliationRequest.Status.PENDING:
        raise ValidationError(_("Esta solicitud ya no está pendiente."))
    with operation("web"):
        current.status = AffiliationRequest.Status.WITHDRAWN
        current.decided_at = timezone.now()
        current.save(update_fields=["status", "decided_at"])
    return current


def _pending(request: AffiliationRequest, by: Actor | None) -> AffiliationRequest:
    current = AffiliationRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
    if by is not None and not by.has_perm(CONFIRM_AFFILIATION, current):
        raise PermissionDenied
    if current.status != AffiliationRequest.Status.PENDING:
        raise ValidationError(_("Esta solicitud ya se resolvió o la persona la retiró."))
    if current.person.anonymised_at is not None or current.person.merged_into_id is not None:
        raise ValidationError(_("Los datos de esta persona ya no se pueden cambiar."))
    return current


@transaction.atomic
def confirm_affiliation(
    request: AffiliationRequest,
    *,
    organization: Organization | None = None,
    create: bool = False,
    by: Actor | None = None,
) -> AffiliationRequest:
    """Staff confirm that the person speaks for the organisation: ``organization`` (the registry's),
    else the one the request matched, else (``create``) a new organisation with the name the person
    wrote. A membership from today is recorded; the person is told by email."""
    current = _pending(request, by)
    organization = organization or current.organization
    if organization is None:
        if not create:
            raise ValidationError(
                {"organization": _("Elija la organización del registro, o créela con el nombre indicado.")}
            )
        if by is not None and not by.has_perm("plans.add_organization"):
            raise PermissionDenied
        with operation("web"):
            organization = Organization.objects.create(name=current.organization_name[:300])
    today = timezone.localdate()
    membership = (
        current_memberships(current.person).filter(organization=organization, role=current.role).first()
    )
    if membership is None:
        membership = Membership.objects.filter(
            person=current.person, organization=organization, role=current.role
        ).first()
        if membership is not None:  # an earlier one that ended: it starts again today
            with operation("web"):
                membership.since, membership.until = today, None
                membership.edit_version += 1
                membership.save()
        else:
            membership = add_membership(
                current.person, organization=organization, role=current.role, since=today, by=by
            )
    with operation("web"):
        current.status = AffiliationRequest.Status.CONFIRMED
        current.organization = organization
        current.membership = membership
        current.decided_at = timezone.now()
        current.decided_by = acting_user(by)
        current.save()
    pk = current.pk
    transaction.on_commit(lambda: tell_person(pk))
    return current


@transaction.atomic
def refuse_affiliation(
    request: AffiliationRequest, *, reason: str, by: Actor | None = None
) -> AffiliationRequest:
    """Staff cannot confirm it; the reason goes to the person (on their profile and by email)."""
    current = _pending(request, by)
    reason = " ".join(without_bidi_controls(reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo: se le comunica a la persona.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("El motivo tiene %(limit)s caracteres como máximo.") % {"limit": REASON_MAX}}
        )
    with operation("web"):
        current.status = AffiliationRequest.Status.REFUSED
        current.reason = reason
        current.decided_at = timezone.now()
        current.decided_by = acting_user(by)
        current.save()
    pk = current.pk
    transaction.on_commit(lambda: tell_person(pk))
    return current


def tell_person(request_pk: int) -> int:
    """Email the person the decision on their request, in their language; 1 when sent."""
    found = AffiliationRequest.objects.select_related("person", "organization").filter(pk=request_pk).first()
    if found is None or "@" not in found.person.email or found.person.anonymised_at is not None:
        return 0
    with translation.override(found.person.language or settings.LANGUAGE_CODE):
        values = {
            "organization": str(found.organization or found.organization_name),
            "reason": found.reason,
            "url": f"{settings.SITE_URL}{reverse('accounts:profile')}",
        }
        if found.status == AffiliationRequest.Status.CONFIRMED:
            subject = _("Confirmado: usted habla en nombre de %(organization)s") % values
            body = (
                _(
                    "Confirmamos que usted representa a %(organization)s. Desde ahora, al aportar en una "
                    "consulta puede elegir hablar en su nombre.\n\nSu cuenta: %(url)s"
                )
                % values
            )
        else:
            subject = _("No confirmado: %(organization)s") % values
            body = (
                _(
                    "No pudimos confirmar que usted representa a %(organization)s.\n\nMotivo: %(reason)s\n\n"
                    "Sus aportes siguen publicándose a título personal. Su cuenta: %(url)s"
                )
                % values
            )
    message = EmailMessage(subject, body, None, [found.person.email])
    return get_connection(fail_silently=True).send_messages([message]) or 0


def pending_requests() -> QuerySet[AffiliationRequest]:
    """Requests waiting for staff, oldest first, of people still in the registry."""
    return (
        AffiliationRequest.objects.filter(
            status=AffiliationRequest.Status.PENDING, person__anonymised_at=None, person__merged_into=None
        )
        .select_related("person", "organization")
        .order_by("requested_at", "pk")
    )
