"""The steps of a version that are asked first, each on its own page (see cocrea/core/confirm.py):
approving it, which is final, and closing its consultation, which ends the comments at once.

The version's page links here; the page says what will happen (the counts of contributions,
replies still owed, people who took part or follow the document); only a POST with ``confirm=1``
moves the version, through :func:`cocrea.drafts.services.transition_version`, and only from the
state the page was built on (``edit_version``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import int_or_none
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit
from cocrea.drafts import services, workflow
from cocrea.drafts.models import DocumentVersion, VersionState
from cocrea.drafts.staff.common import WRITES_PER_HOUR, allowed, error_text, version_for

CONFIRMED_STEPS = (VersionState.CLOSED, VersionState.APPROVED)


def confirmation_url(version: DocumentVersion, to: str) -> str:
    """The page that asks before ``to`` (closing, approving)."""
    name = "drafts_staff:approve" if to == VersionState.APPROVED else "drafts_staff:close"
    return reverse(name, args=[version.pk])


def _figures(version: DocumentVersion) -> dict[str, int]:
    """What the step touches, in three queries whatever the number of contributions."""
    top_level = Q(parent=None)
    figures: dict[str, int] = version.contributions.aggregate(
        contributions=Count("pk", filter=top_level),
        unanswered=Count("pk", filter=top_level & Q(response__isnull=True)),
        people=Count("person", distinct=True),
    )
    figures["followers"] = version.document.followers.count()
    paragraphs = version.paragraphs.aggregate(
        paragraphs=Count("pk", distinct=True), applications=Count("applications", distinct=True)
    )
    figures.update(paragraphs)
    return figures


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _common(version: DocumentVersion, figures: dict[str, int], *, approving: bool) -> list[str]:
    """The sentences both steps share: contributions still owed a reply, who is affected."""
    lines = []
    if figures["unanswered"]:
        lines.append(
            ngettext(
                "%(count)s aporte sigue sin respuesta: podrá responderlo después, y la respuesta "
                "se publicará.",
                "%(count)s aportes siguen sin respuesta: podrá responderlos después, y las "
                "respuestas se publicarán.",
                figures["unanswered"],
            )
            % {"count": figures["unanswered"]}
        )
    if figures["people"]:
        lines.append(
            (
                ngettext(
                    "%(count)s persona aportó a esta versión: su aporte queda publicado tal como está.",
                    "%(count)s personas aportaron a esta versión: sus aportes quedan publicados tal "
                    "como están.",
                    figures["people"],
                )
                if approving
                else ngettext(
                    "%(count)s persona aportó a esta versión y ya no podrá añadir ni responder nada.",
                    "%(count)s personas aportaron a esta versión y ya no podrán añadir ni responder nada.",
                    figures["people"],
                )
            )
            % {"count": figures["people"]}
        )
    if figures["followers"]:
        lines.append(
            ngettext(
                "%(count)s persona sigue el documento; no se le envía ningún correo por este paso.",
                "%(count)s personas siguen el documento; no se les envía ningún correo por este paso.",
                figures["followers"],
            )
            % {"count": figures["followers"]}
        )
    return lines


def _approval(version: DocumentVersion, figures: dict[str, int]) -> Confirmation:
    labels = {"label": version.label, "document": version.document.title}
    lines = [
        _(
            "«%(label)s» pasará a «Aprobada» con la fecha de hoy: es el texto final de «%(document)s», "
            "así lo dirán su página pública y el historial."
        )
        % labels,
        ngettext(
            "Su texto, %(count)s párrafo, quedará fijo: no se podrá editar.",
            "Su texto, %(count)s párrafos, quedará fijo: no se podrá editar.",
            figures["paragraphs"],
        )
        % {"count": figures["paragraphs"]},
        ngettext(
            "El catálogo aplicado (%(count)s entrada en sus párrafos) quedará fijo: no se podrán "
            "aplicar ni quitar entradas.",
            "El catálogo aplicado (%(count)s entradas en sus párrafos) quedará fijo: no se podrán "
            "aplicar ni quitar entradas.",
            figures["applications"],
        )
        % {"count": figures["applications"]},
    ]
    if version.state == VersionState.DRAFT:
        lines.append(_("No pasará por consulta pública: nadie podrá comentarla."))
    else:
        lines.append(
            ngettext(
                "Su consulta, cerrada con %(count)s aporte, ya no se podrá reabrir.",
                "Su consulta, cerrada con %(count)s aportes, ya no se podrá reabrir.",
                figures["contributions"],
            )
            % {"count": figures["contributions"]}
        )
    newer = [v.label for v in version.document.versions.filter(number__gt=version.number).order_by("number")]
    if newer:
        lines.append(
            _("Las versiones más recientes (%(labels)s) no cambian: siguen en su estado.")
            % {"labels": ", ".join(newer)}
        )
    lines += _common(version, figures, approving=True)
    return Confirmation(
        title=_("¿Aprobar «%(label)s» de «%(document)s»?") % labels,
        lead=_("Aprobar es definitivo: la versión aprobada es el texto final del documento."),
        consequences=lines,
        warning=_("No se puede deshacer. Los cambios posteriores irán en una versión nueva del documento."),
        button=_("Aprobar definitivamente"),
        cancel_url=reverse("drafts_staff:version", args=[version.pk]),
        back_label=_("Volver a %(label)s") % labels,
        hidden={"edit_version": version.edit_version},
    )


def _closing(version: DocumentVersion, figures: dict[str, int], now: Any) -> Confirmation:
    labels = {"label": version.label, "document": version.document.title}
    if version.closes_at and version.closes_at > now:
        left = version.closes_at - now
        values = {"closes": _when(version.closes_at), "count": left.days or max(1, left.seconds // 3600)}
        if left.days:
            lead = ngettext(
                "La consulta está anunciada hasta el %(closes)s: cerrarla ahora la acorta en %(count)s día.",
                "La consulta está anunciada hasta el %(closes)s: cerrarla ahora la acorta en %(count)s días.",
                left.days,
            )
        else:
            lead = ngettext(
                "La consulta está anunciada hasta el %(closes)s: cerrarla ahora la acorta en %(count)s hora.",
                "La consulta está anunciada hasta el %(closes)s: cerrarla ahora la acorta en "
                "%(count)s horas.",
                values["count"],
            )
        lead = lead % values
    else:
        lead = _("La fecha anunciada de cierre ya pasó; la tarea diaria la cerraría esta noche.")
    lines = [
        _(
            "La consulta se cierra ahora: nadie podrá enviar comentarios, propuestas ni respuestas "
            "en esta versión, y su página pública dirá «Consulta cerrada»."
        )
    ]
    if figures["contributions"]:
        lines.append(
            ngettext(
                "%(count)s aporte quedará cerrado: se podrá leer, pero no comentar.",
                "%(count)s aportes quedarán cerrados: se podrán leer, pero no comentar.",
                figures["contributions"],
            )
            % {"count": figures["contributions"]}
        )
    else:
        lines.append(_("No ha recibido aportes: se cierra sin comentarios."))
    lines += _common(version, figures, approving=False)
    return Confirmation(
        title=_("¿Cerrar la consulta de «%(label)s» de «%(document)s»?") % labels,
        lead=lead,
        consequences=lines,
        warning=_(
            "Para volver a recibir aportes habrá que reabrirla con una nueva fecha de cierre; "
            "lo que no se pudo enviar mientras estuvo cerrada no se recupera."
        ),
        button=_("Cerrar la consulta ahora"),
        cancel_url=reverse("drafts_staff:version", args=[version.pk]),
        back_label=_("Volver a %(label)s") % labels,
        hidden={"edit_version": version.edit_version},
    )


def _confirmation(version: DocumentVersion, to: str, error: str = "") -> Confirmation:
    figures = _figures(version)
    if to == VersionState.APPROVED:
        built = _approval(version, figures)
    else:
        built = _closing(version, figures, timezone.now())
    if to not in workflow.allowed(version.state):
        labels = dict(VersionState.choices)
        error = error or _("Esta versión está «%(state)s»: ya no puede pasar a «%(to)s».") % {
            "state": labels.get(version.state, version.state),
            "to": labels.get(to, to),
        }
        return replace(built, error=error, can_confirm=False)
    return replace(built, error=error)


def _step(request: HttpRequest, version: int, to: str) -> HttpResponse:
    found = version_for(request, version)
    if not allowed(request, "drafts.publish_documentversion", found):
        raise PermissionDenied
    if not confirmed(request):
        return ask(request, _confirmation(found, to))
    try:
        services.transition_version(found, to, expected_version=int_or_none(request.POST.get("edit_version")))
    except StaleEdit:
        found.refresh_from_db()
        problem = _(
            "Alguien cambió esta versión mientras usted leía esta página. Revise lo que va a pasar "
            "y confirme de nuevo."
        )
        return ask(request, _confirmation(found, to, problem), status=409)
    except ValidationError as error:
        found.refresh_from_db()
        return ask(request, _confirmation(found, to, error_text(error)), status=400)
    found.refresh_from_db()
    if to == VersionState.APPROVED:
        message = _("%(label)s aprobada: es el texto final de «%(document)s».")
    else:
        message = _("Consulta de %(label)s cerrada.")
    messages.success(request, message % {"label": found.label, "document": found.document.title})
    return redirect("drafts_staff:version", version=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def approve_version(request: HttpRequest, version: int) -> HttpResponse:
    """Approve the version (final): GET asks, a POST with ``confirm=1`` approves."""
    return _step(request, version, VersionState.APPROVED)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-staff", WRITES_PER_HOUR)
def close_consultation(request: HttpRequest, version: int) -> HttpResponse:
    """Close the version's consultation now: GET asks, a POST with ``confirm=1`` closes."""
    return _step(request, version, VersionState.CLOSED)
