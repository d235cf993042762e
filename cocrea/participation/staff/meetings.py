"""Staff screens of meetings (under /gestion/): the agenda, the minutes and the agreements."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import may, permission
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.http import (
    error_text,
    restarted_form,
    timezone_today,
)
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.participation import services as participation
from cocrea.participation.forms import (
    AgendaItemEditForm,
    AgendaItemForm,
    AgreementEditForm,
    AgreementForm,
    CompleteAgreementForm,
    MinutesForm,
)
from cocrea.participation.models import AgendaItem, Agreement, Meeting
from cocrea.participation.services import add_agenda_item, add_agreement, record_minutes


def _meeting_for(request: HttpRequest, meeting: int) -> Any:
    """The meeting, if the user may record it (the rules scope meetings by commitment/milestone)."""

    found = get_object_or_404(
        Meeting.objects.select_related("milestone__commitment__action_plan").prefetch_related(
            "milestone__commitment__entities"
        ),
        pk=meeting,
    )
    if not request.user.has_perm(permission("meeting", "change"), found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agenda", 300)
def meeting_agenda(request: HttpRequest, meeting: int) -> HttpResponse:
    """The meeting's agenda, in order: add, edit, reorder and remove points."""

    found = _meeting_for(request, meeting)
    can_add = may(request.user, "agendaitem", "add", found)
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            try:
                add_agenda_item(found, title=form.cleaned_data["title"], by=request.user)
            except ValidationError as error:
                form.add_error("title", error)
            else:
                messages.success(request, _("Punto añadido a la agenda."))
                return redirect("staff:meeting_agenda", meeting=found.pk)
    return render(
        request,
        "participation/staff/agenda.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "items": list(found.agenda.order_by("position", "pk")),
            "form": form,
            "can_add": can_add,
            "can_change": may(request.user, "agendaitem", "change", found),
            "can_delete": may(request.user, "agendaitem", "delete", found),
            "section": "agenda",
        },
        status=400 if form.errors else 200,
    )


def _agenda_item_for(request: HttpRequest, item: int, action: str) -> Any:

    found = get_object_or_404(
        AgendaItem.objects.select_related("meeting__milestone__commitment__action_plan").prefetch_related(
            "meeting__milestone__commitment__entities"
        ),
        pk=item,
    )
    if not may(request.user, "meeting", "change", found.meeting) or not may(
        request.user, "agendaitem", action, found
    ):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agenda", 300)
def edit_agenda_item(request: HttpRequest, item: int) -> HttpResponse:

    found = _agenda_item_for(request, item, "change")
    form = AgendaItemEditForm(
        request.POST or None, initial={"title": found.title, "edit_version": found.edit_version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            participation.edit_agenda_item(
                found,
                title=form.cleaned_data["title"],
                expected_version=form.cleaned_data["edit_version"],
                by=request.user,
            )
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(AgendaItemEditForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error("title", error)
        else:
            messages.success(request, _("Punto de la agenda actualizado."))
            return redirect("staff:meeting_agenda", meeting=found.meeting_id)
    return render(
        request,
        "participation/staff/agenda_item.html",
        {"item": found, "meeting": found.meeting, "milestone": found.meeting.milestone, "form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
@require_POST
@limit_posts("agenda", 300)
def move_agenda_item(request: HttpRequest, item: int) -> HttpResponse:

    found = _agenda_item_for(request, item, "change")
    try:
        participation.move_agenda_item(found, request.POST.get("direction", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Orden de la agenda actualizado."))
    return redirect("staff:meeting_agenda", meeting=found.meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agenda", 300)
def remove_agenda_item(request: HttpRequest, item: int) -> HttpResponse:
    """Asks first (the shared confirmation page); a POST with ``confirm=1`` removes the point."""
    found = _agenda_item_for(request, item, "delete")
    back = reverse("staff:meeting_agenda", kwargs={"meeting": found.meeting_id})
    if confirmed(request):
        participation.remove_agenda_item(found, by=request.user)
        messages.success(request, _("Se quitó «%(title)s» de la agenda.") % {"title": found.title})
        return redirect(back)
    later = found.meeting.agenda.filter(position__gt=found.position).count()
    return ask(
        request,
        Confirmation(
            title=_("¿Quitar «%(title)s» de la agenda?") % {"title": found.title},
            consequences=[
                _("El punto deja de aparecer en la agenda de «%(meeting)s», también en la página pública.")
                % {"meeting": found.meeting.title},
                ngettext(
                    "El punto que le sigue sube un lugar.",
                    "Los %(count)s puntos que le siguen suben un lugar.",
                    later,
                )
                % {"count": later},
                _("El cambio queda en el historial, con su autor."),
            ],
            button=_("Quitar de la agenda"),
            cancel_url=back,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("minutes", 120)
def meeting_minutes(request: HttpRequest, meeting: int) -> HttpResponse:
    """The minutes (acta): plain text, published escaped on the meeting's page."""

    found = _meeting_for(request, meeting)
    form = MinutesForm(
        request.POST or None, initial={"minutes": found.minutes, "edit_version": found.edit_version}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record_minutes(
                found,
                text=form.cleaned_data["minutes"],
                expected_version=form.cleaned_data["edit_version"],
                by=request.user,
            )
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(MinutesForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error("minutes", error)
        else:
            messages.success(request, _("Acta guardada."))
            return redirect("staff:meeting_minutes", meeting=found.pk)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "participation/staff/minutes.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "form": form,
            "stale": status == 409,
            "section": "minutes",
        },
        status=status,
    )


def _agreements_page(
    request: HttpRequest, found: Any, form: Any = None, error: str = "", status: int = 200
) -> HttpResponse:

    today = timezone_today()
    can_add = may(request.user, "agreement", "add", found)
    agreements = list(
        found.agreements.select_related("owner_organization").order_by(
            F("due_date").asc(nulls_last=True), "pk"
        )
    )
    overdue = set(found.agreements.overdue(today).values_list("pk", flat=True))
    return render(
        request,
        "participation/staff/agreements.html",
        {
            "meeting": found,
            "milestone": found.milestone,
            "rows": [(a, a.pk in overdue) for a in agreements],
            "overdue_count": len(overdue),
            "form": form if form is not None else (AgreementForm() if can_add else None),
            "can_add": can_add,
            "can_change": may(request.user, "agreement", "change", found),
            "today": today,
            "error": error,
            "section": "agreements",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agreements", 300)
def meeting_agreements(request: HttpRequest, meeting: int) -> HttpResponse:
    """The meeting's agreements: who does what by when; overdue ones flagged; add one."""

    found = _meeting_for(request, meeting)
    if request.method != "POST":
        return _agreements_page(request, found)
    if not may(request.user, "agreement", "add", found):
        raise PermissionDenied
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            add_agreement(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Acuerdo registrado."))
            return redirect("staff:meeting_agreements", meeting=found.pk)
    return _agreements_page(request, found, form=form, status=400)


def _agreement_for(request: HttpRequest, agreement: int, action: str) -> Any:

    found = get_object_or_404(
        Agreement.objects.select_related(
            "meeting__milestone__commitment__action_plan", "owner_organization"
        ).prefetch_related("meeting__milestone__commitment__entities"),
        pk=agreement,
    )
    if not may(request.user, "meeting", "change", found.meeting) or not may(
        request.user, "agreement", action, found
    ):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agreements", 300)
def edit_agreement(request: HttpRequest, agreement: int) -> HttpResponse:

    found = _agreement_for(request, agreement, "change")
    form = AgreementEditForm(
        request.POST or None,
        initial={
            "text": found.text,
            "owner_organization": found.owner_organization_id,
            "owner_text": found.owner_text,
            "due_date": found.due_date,
            "edit_version": found.edit_version,
        },
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("edit_version")
        try:
            participation.edit_agreement(found, expected_version=version, **data, by=request.user)
        except StaleEdit as stale:
            found = stale.current
            form = restarted_form(AgreementEditForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Acuerdo actualizado."))
            return redirect("staff:meeting_agreements", meeting=found.meeting_id)
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "participation/staff/agreement.html",
        {
            "agreement": found,
            "meeting": found.meeting,
            "milestone": found.meeting.milestone,
            "form": form,
            "stale": status == 409,
            "can_delete": may(request.user, "agreement", "delete", found),
            "today": timezone_today(),
        },
        status=status,
    )


@login_required
@require_POST
@limit_posts("agreements", 300)
def complete_agreement(request: HttpRequest, agreement: int) -> HttpResponse:

    found = _agreement_for(request, agreement, "change")
    form = CompleteAgreementForm(request.POST)
    if not form.is_valid():
        return _agreements_page(
            request,
            found.meeting,
            error=_("No se marcó como cumplido: indique una fecha válida."),
            status=400,
        )
    try:
        participation.complete_agreement(
            found,
            day=form.cleaned_data["done_at"],
            expected_version=form.cleaned_data["edit_version"],
            by=request.user,
        )
    except StaleEdit as stale:
        return _agreements_page(request, found.meeting, error=stale_message(stale.changed), status=409)
    except ValidationError as error:
        return _agreements_page(request, found.meeting, error=error_text(error), status=400)
    messages.success(request, _("Acuerdo marcado como cumplido."))
    return redirect("staff:meeting_agreements", meeting=found.meeting_id)


@login_required
@require_POST
@limit_posts("agreements", 300)
def reopen_agreement(request: HttpRequest, agreement: int) -> HttpResponse:

    found = _agreement_for(request, agreement, "change")
    version = request.POST.get("edit_version", "")
    try:
        participation.reopen_agreement(
            found, expected_version=int(version) if version.isdigit() else None, by=request.user
        )
    except StaleEdit as stale:
        return _agreements_page(request, found.meeting, error=stale_message(stale.changed), status=409)
    except ValidationError as error:
        return _agreements_page(request, found.meeting, error=error_text(error), status=400)
    messages.success(request, _("Acuerdo reabierto: vuelve a estar pendiente."))
    return redirect("staff:meeting_agreements", meeting=found.meeting_id)


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("agreements", 300)
def delete_agreement(request: HttpRequest, agreement: int) -> HttpResponse:
    """Asks first (the shared confirmation page); a POST with ``confirm=1`` deletes the agreement."""
    found = _agreement_for(request, agreement, "delete")
    if confirmed(request):
        participation.delete_agreement(found, by=request.user)
        messages.success(request, _("Acuerdo eliminado."))
        return redirect("staff:meeting_agreements", meeting=found.meeting_id)
    consequences = [
        _("El acuerdo deja de aparecer en «%(meeting)s» y en la página pública de la reunión.")
        % {"meeting": found.meeting.title},
        _("Si se registró por error, elimínelo; si ya no se cumplirá, mejor edítelo y dígalo."),
        _("Queda en el historial, con su texto, su responsable y quién lo eliminó."),
    ]
    if found.done_at:
        consequences.insert(1, _("Estaba marcado como cumplido."))
    return ask(
        request,
        Confirmation(
            title=_("¿Eliminar el acuerdo «%(text)s»?") % {"text": Truncator(found.text).words(12)},
            consequences=consequences,
            button=_("Eliminar el acuerdo"),
            cancel_url=reverse("staff:edit_agreement", kwargs={"agreement": found.pk}),
        ),
    )
