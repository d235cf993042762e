"""Taking part in a consultation (comments, proposals, replies) and moderating what is said."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.drafts.models import AbuseReport, Contribution, DocumentVersion, Paragraph, Section
from cocrea.drafts.services.transitions import is_open_now
from cocrea.plans.models import Organization

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from cocrea.participation.models import Person

TEXT_LIMIT = 10_000


# --- contributions -----------------------------------------------------------------------------


def _clean_text(text: str, field: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise ValidationError({field: _("Escriba su aporte.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {field: _("El texto es demasiado largo (máximo %(limit)s caracteres).") % {"limit": TEXT_LIMIT}}
        )
    return text


def represented_organizations(person: Person, day: date | None = None) -> list[Organization]:
    """The organisations the person represents on ``day`` (their memberships in force)."""
    day = day or timezone.localdate()
    return list(
        Organization.objects.filter(
            Q(members__until=None) | Q(members__until__gte=day),
            Q(members__since=None) | Q(members__since__lte=day),
            members__person=person,
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def contribute(
    version: DocumentVersion,
    person: Person | None,
    text: str,
    *,
    kind: str = Contribution.Kind.COMMENT,
    paragraph: Paragraph | None = None,
    section: Section | None = None,
    proposed_text: str = "",
    organization: Organization | None = None,
    parent: Contribution | None = None,
) -> Contribution:
    """A comment (on the version, a section or a paragraph), a proposal, or a reply to either."""
    if not is_open_now(version):
        raise ValidationError(_("Esta versión no está abierta a consulta."))
    if person is None or person.anonymised_at is not None:
        raise ValidationError(_("Solo las personas registradas pueden aportar."))
    text = _clean_text(text, "text")
    if kind not in Contribution.Kind.values:
        raise ValidationError({"kind": _("Tipo de aporte desconocido.")})
    if paragraph is not None and paragraph.version_id != version.pk:
        raise ValidationError(_("El párrafo no pertenece a esta versión."))
    if section is not None and section.version_id != version.pk:
        raise ValidationError(_("La sección no pertenece a esta versión."))
    if paragraph is not None:
        section = None
    if parent is not None:
        if parent.version_id != version.pk or parent.parent_id is not None:
            raise ValidationError(_("Solo se responde a un aporte de primer nivel de esta versión."))
        if kind != Contribution.Kind.COMMENT:
            raise ValidationError({"kind": _("Una respuesta es un comentario.")})
        paragraph, section = parent.paragraph, parent.section
    if kind == Contribution.Kind.PROPOSAL:
        if paragraph is None:
            raise ValidationError({"kind": _("Una propuesta de redacción se hace sobre un párrafo.")})
        proposed_text = _clean_text(proposed_text, "proposed_text")
    else:
        proposed_text = ""
    if organization is not None and organization not in represented_organizations(person):
        raise ValidationError(
            {"organization": _("Solo puede hablar en nombre de una organización que representa.")}
        )
    with operation("web"):
        return Contribution.objects.create(
            version=version,
            paragraph=paragraph,
            section=section,
            parent=parent,
            kind=kind,
            text=text,
            proposed_text=proposed_text,
            person=person,
            organization=organization,
        )


@transaction.atomic
def report_abuse(contribution: Contribution, user: User, reason: str) -> AbuseReport:
    reason = " ".join((reason or "").split())[:1000]
    if not reason:
        raise ValidationError({"reason": _("Indique por qué reporta este aporte.")})
    with operation("web"):
        report, _created = AbuseReport.objects.get_or_create(
            contribution=contribution, reporter=user, defaults={"reason": reason}
        )
    return report


@transaction.atomic
def hide_contribution(contribution: Contribution, *, by: User, reason: str) -> Contribution:
    """A moderator hides a contribution; the reason is public, the text is no longer shown."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("El motivo es obligatorio y se muestra en público.")})
    with operation("web"):
        contribution.hidden_at, contribution.hidden_reason, contribution.hidden_by = (
            timezone.now(),
            reason,
            by,
        )
        contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        _resolve_reports(contribution)
    return contribution


@transaction.atomic
def restore_contribution(contribution: Contribution) -> Contribution:
    with operation("web"):
        contribution.hidden_at, contribution.hidden_reason, contribution.hidden_by = None, "", None
        contribution.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    return contribution


def _resolve_reports(contribution: Contribution) -> int:
    """Each open report resolved with its own save, so that the audit trail records it."""
    reports = list(contribution.reports.filter(resolved_at=None))
    for report in reports:
        report.resolved_at = timezone.now()
        report.save(update_fields=["resolved_at"])
    return len(reports)


@transaction.atomic
def dismiss_reports(contribution: Contribution) -> int:
    """The moderator keeps the contribution visible: its open reports are resolved."""
    with operation("web"):
        return _resolve_reports(contribution)
