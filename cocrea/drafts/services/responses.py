"""The reasoned response to a contribution."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.core.versioning import StaleEdit
from cocrea.drafts.models import CARRIED, Contribution, Decision, Paragraph, Response
from cocrea.drafts.services.notifications import notify_answered

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@transaction.atomic
def respond_to_contribution(
    contribution: Contribution,
    decision: str,
    reason: str,
    *,
    by: User | AnonymousUser | None,
    resulting_paragraphs: Iterable[Paragraph] = (),
    expected_version: int | None = None,
) -> Response:
    """The reasoned response; accepted or partly accepted ones link the paragraphs that carry them."""
    if contribution.parent_id is not None:
        raise ValidationError(_("Se responde a los aportes de primer nivel, no a las respuestas del hilo."))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Elija una decisión.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("La razón de la decisión es obligatoria.")})
    paragraphs = list(resulting_paragraphs)
    if paragraphs and decision not in CARRIED:
        raise ValidationError(
            {"resulting_paragraphs": _("Solo un aporte aceptado o aceptado en parte lleva a un cambio.")}
        )
    source = contribution.version
    for paragraph in paragraphs:
        if paragraph.version.document_id != source.document_id or paragraph.version.number <= source.number:
            raise ValidationError(
                {"resulting_paragraphs": _("Los párrafos deben ser de una versión posterior del documento.")}
            )
    with operation("web"):
        response = Response.objects.select_for_update().filter(contribution=contribution).first()
        first = response is None
        if response is None:
            response = Response(contribution=contribution)
        elif expected_version is not None and response.edit_version != expected_version:
            raise StaleEdit(response, [])
        else:
            response.edit_version += 1
        response.decision, response.reason = decision, reason
        response.responded_by = acting_user(by)
        response.save()
        response.resulting_paragraphs.set(paragraphs)
    if first:
        transaction.on_commit(lambda: notify_answered(response))
    return response
