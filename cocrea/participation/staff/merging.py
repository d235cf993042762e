"""The page that asks before two records of one person are merged (see cocrea/core/confirm.py): the
two records side by side, and what the merge moves, leaves and copies, counted as
:func:`cocrea.participation.services.merge_people` will do it. Nothing here writes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.core.confirm import Confirmation, ask
from cocrea.participation.models import Person
from cocrea.participation.services import is_proposed_duplicate

MERGE_TEMPLATE = "participation/staff/merge_confirm.html"


def merge_problem(keep: Person, duplicate: Person) -> str:
    """Why this pair cannot be merged here, or ""; the service checks again when it merges."""
    names = {"keep": keep.name, "duplicate": duplicate.name}
    if keep.pk == duplicate.pk:
        return _("Elija dos personas distintas.")
    for person in (keep, duplicate):
        if person.merged_into_id:
            return _("«%(name)s» ya se fusionó en otra persona.") % {"name": person.name}
        if person.anonymised_at:
            return _("Una persona anonimizada no se fusiona.")
    if duplicate.user_id is not None:
        if keep.user_id is not None:
            return _("Las dos personas tienen una cuenta en Cocrea: dos cuentas no se fusionan.")
        return (
            _(
                "«%(duplicate)s» tiene una cuenta en Cocrea: una cuenta no pasa a otra persona. "
                "Fusione «%(keep)s» en «%(duplicate)s»."
            )
            % names
        )
    if not is_proposed_duplicate(keep, duplicate):
        return (
            _(
                "«%(keep)s» y «%(duplicate)s» no parecen la misma persona: aquí solo se fusionan los "
                "duplicados propuestos."
            )
            % names
        )
    return ""


def _moves(keep: Person, duplicate: Person) -> dict[str, tuple[int, int]]:
    """For each kind of row, (moving, staying): the rules of ``merge_people``."""
    kept_meetings = set(keep.attendance.values_list("meeting_id", flat=True))
    attendance = list(duplicate.attendance.values_list("meeting_id", flat=True))
    kept_registrations = set(keep.registrations.values_list("meeting_id", flat=True))
    registrations = list(duplicate.registrations.values_list("meeting_id", flat=True))
    kept_roles = set(keep.memberships.values_list("organization_id", "role"))
    roles = list(duplicate.memberships.values_list("organization_id", "role"))

    def split(rows: list[Any], kept: set[Any]) -> tuple[int, int]:
        staying = sum(1 for row in rows if row in kept)
        return len(rows) - staying, staying

    return {
        "attendance": split(attendance, kept_meetings),
        "registrations": split(registrations, kept_registrations),
        "memberships": split(roles, kept_roles),
        "consents": (duplicate.consents.count(), 0),
    }


def _moving(kind: str, count: int) -> str:
    if kind == "attendance":
        return ngettext(
            "%(count)s asistencia pasa a «%(keep)s».", "%(count)s asistencias pasan a «%(keep)s».", count
        )
    if kind == "registrations":
        return ngettext(
            "%(count)s inscripción a una reunión pasa a «%(keep)s».",
            "%(count)s inscripciones a reuniones pasan a «%(keep)s».",
            count,
        )
    if kind == "memberships":
        return ngettext(
            "%(count)s representación pasa a «%(keep)s».",
            "%(count)s representaciones pasan a «%(keep)s».",
            count,
        )
    return ngettext(
        "%(count)s consentimiento pasa a «%(keep)s».", "%(count)s consentimientos pasan a «%(keep)s».", count
    )


def _staying(kind: str, count: int) -> str:
    if kind == "attendance":
        return ngettext(
            "%(count)s asistencia ya consta en «%(keep)s» (la misma reunión): se queda en "
            "«%(duplicate)s» y cuenta una vez.",
            "%(count)s asistencias ya constan en «%(keep)s» (las mismas reuniones): se quedan en "
            "«%(duplicate)s» y cuentan una vez.",
            count,
        )
    if kind == "registrations":
        return ngettext(
            "%(count)s inscripción ya consta en «%(keep)s» (la misma reunión): se queda en «%(duplicate)s».",
            "%(count)s inscripciones ya constan en «%(keep)s» (las mismas reuniones): se quedan en "
            "«%(duplicate)s».",
            count,
        )
    return ngettext(
        "%(count)s representación ya consta en «%(keep)s» (la misma organización y el mismo cargo): "
        "se queda en «%(duplicate)s».",
        "%(count)s representaciones ya constan en «%(keep)s» (las mismas organizaciones y cargos): "
        "se quedan en «%(duplicate)s».",
        count,
    )


def _copied(keep: Person, duplicate: Person) -> list[str]:
    sentences = {
        "email": _("«%(keep)s» recibe el correo de «%(duplicate)s», que no tenía."),
        "phone": _("«%(keep)s» recibe el teléfono de «%(duplicate)s», que no tenía."),
        "display_name": _("«%(keep)s» recibe el nombre público de «%(duplicate)s», que no tenía."),
    }
    names = {"keep": keep.name, "duplicate": duplicate.name}
    return [
        sentence % names
        for name, sentence in sentences.items()
        if not getattr(keep, name) and getattr(duplicate, name)
    ]


def _consequences(keep: Person, duplicate: Person) -> list[str]:
    names = {"keep": keep.name, "duplicate": duplicate.name}
    lines = [
        _(
            "«%(duplicate)s» deja de aparecer en el registro de personas y en las cifras de "
            "participación; su ficha queda, marcada como fusionada, en el historial."
        )
        % names
    ]
    moves = _moves(keep, duplicate)
    for kind, (moving, staying) in moves.items():
        if moving:
            lines.append(_moving(kind, moving) % {"count": moving, **names})
        if staying:
            lines.append(_staying(kind, staying) % {"count": staying, **names})
    if not any(moving or staying for moving, staying in moves.values()):
        lines.append(
            _(
                "«%(duplicate)s» no tiene asistencias, inscripciones, representaciones ni "
                "consentimientos que mover."
            )
            % names
        )
    lines += _copied(keep, duplicate)
    return lines


def _sides(request: HttpRequest, keep: Person, duplicate: Person) -> list[dict[str, Any]]:
    """The two records as rows of (label, value), the kept one first."""
    counted = {
        person.pk: person
        for person in Person.objects.filter(pk__in=[keep.pk, duplicate.pk]).annotate(
            attendance_count=Count("attendance", distinct=True),
            registration_count=Count("registrations", distinct=True),
            membership_count=Count("memberships", distinct=True),
            consent_count=Count("consents", distinct=True),
        )
    }
    contact = request.user.has_perm("participation.view_contact")
    sides = []
    for person, heading in (
        (keep, _("Se conserva")),
        (duplicate, _("Se fusiona")),
    ):
        row = counted[person.pk]
        facts = [(_("Nombre público"), person.display_name or "—")]
        if contact:
            facts += [(_("Correo"), person.email or "—"), (_("Teléfono"), person.phone or "—")]
        facts += [
            (_("Cuenta en Cocrea"), _("Sí") if person.user_id else _("No")),
            (_("Asistencias"), row.attendance_count),
            (_("Inscripciones"), row.registration_count),
            (_("Representaciones"), row.membership_count),
            (_("Consentimientos"), row.consent_count),
            (_("Registrada el"), date_format(person.created_at, "DATE_FORMAT")),
        ]
        sides.append(
            {
                "heading": heading,
                "person": person,
                "facts": facts,
                "url": reverse("staff:person", args=[person.pk]),
            }
        )
    return sides


def ask_to_merge(
    request: HttpRequest, keep: Person, duplicate: Person, error: str = "", status: int = 200
) -> HttpResponse:
    """The confirmation page of merging ``duplicate`` into ``keep``."""
    names = {"keep": keep.name, "duplicate": duplicate.name}
    problem = error or merge_problem(keep, duplicate)
    swap = ""
    if duplicate.user_id is not None and keep.user_id is None and not keep.merged_into_id:
        swap = f"{reverse('staff:duplicates')}?keep={duplicate.pk}&duplicate={keep.pk}"
    confirmation = Confirmation(
        title=_("¿Fusionar «%(duplicate)s» en «%(keep)s»?") % names,
        lead=_(
            "Son la misma persona escrita de dos maneras: se conserva la ficha de «%(keep)s» y la de "
            "«%(duplicate)s» se fusiona en ella."
        )
        % names,
        consequences=_consequences(keep, duplicate),
        warning=_("Se puede deshacer desde la ficha de «%(duplicate)s»: lo que se movió vuelve a ella.")
        % names,
        error=problem,
        can_confirm=not problem,
        button=_("Fusionar"),
        cancel_url=reverse("staff:duplicates"),
        back_label=_("Posibles personas duplicadas"),
        hidden={"keep": keep.pk, "duplicate": duplicate.pk},
    )
    return ask(
        request,
        confirmation,
        template=MERGE_TEMPLATE,
        context={"sides": _sides(request, keep, duplicate), "swap_url": swap},
        status=status,
    )
