"""Staff screens for the catalogue (under /gestion/catalogo/): entries, and where they apply.

Entries are created through :func:`cocrea.catalogue.services.create_entry` and edited with the
optimistic-locking :func:`cocrea.core.versioning.save_edit`; applications are added and removed
from a version's staff page through :func:`apply_entry` and :func:`remove_application`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.accounts.rules import STAFF_SCREENS
from cocrea.catalogue import services
from cocrea.catalogue.forms import ApplyEntryForm, EntryFilterForm, EntryForm
from cocrea.catalogue.models import Application, Entry
from cocrea.core.confirm import Confirmation, ask, confirmed
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.drafts.models import Paragraph

ENTRIES_PER_PAGE = 50
WRITES_PER_HOUR = 600


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, [m for e in errors for m in e.messages])
    else:
        form.add_error(None, error.messages)


@login_required
@require_GET
def entries(request: HttpRequest) -> HttpResponse:
    """The catalogue: theories, terms and concepts, standards and legal norms, with their uses."""
    _staff_only(request)
    filters = EntryFilterForm(request.GET or None)
    rows = Entry.objects.annotate(uses=Count("applications")).order_by("kind", "name", "pk")
    if filters.is_valid():
        if filters.cleaned_data["tipo"]:
            rows = rows.filter(kind=filters.cleaned_data["tipo"])
        text = " ".join(filters.cleaned_data["buscar"].split())
        if text:
            rows = rows.filter(
                Q(name__icontains=text) | Q(number__icontains=text) | Q(issuer__icontains=text)
            )
    page = Paginator(rows, ENTRIES_PER_PAGE).get_page(request.GET.get("pagina"))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "catalogue/staff/entries.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_add": request.user.has_perm("catalogue.add_entry"),
            "can_change": request.user.has_perm("catalogue.change_entry"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("catalogue-staff", WRITES_PER_HOUR)
def create_entry(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    if not request.user.has_perm("catalogue.add_entry"):
        raise PermissionDenied
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.create_entry(**form.entry_fields())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Entrada «%(name)s» añadida al catálogo.") % {"name": entry.name})
            return redirect("catalogue_staff:entries")
    return render(
        request,
        "catalogue/staff/entry_form.html",
        {"form": form, "entry": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("catalogue-staff", WRITES_PER_HOUR)
def edit_entry(request: HttpRequest, entry: int) -> HttpResponse:
    _staff_only(request)
    found = get_object_or_404(Entry, pk=entry)
    if not request.user.has_perm("catalogue.change_entry", found):
        raise PermissionDenied
    form = EntryForm(request.POST or None, instance=found)
    basis = {name: getattr(found, name) for name in EntryForm.Meta.fields}
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_entry(
                found, expected_version=form.cleaned_data["edit_version"], basis=basis, **form.entry_fields()
            )
        except StaleEdit as stale:
            current = stale.current
            copy = request.POST.copy()
            copy["edit_version"] = str(current.edit_version)  # type: ignore[attr-defined]
            form = EntryForm(copy, instance=Entry.objects.get(pk=found.pk))
            form.is_valid()
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Entrada «%(name)s» actualizada.") % {"name": form.cleaned_data["name"]}
            )
            return redirect("catalogue_staff:entries")
    if form.errors and status == 200:
        status = 400
    return render(
        request,
        "catalogue/staff/entry_form.html",
        {
            "form": form,
            "entry": found,
            "applications": found.applications.select_related(
                "paragraph__version__document", "paragraph__section"
            ).order_by("-paragraph__version__number", "paragraph__position")[:100],
        },
        status=status,
    )


# --- applying entries in the paragraphs of a version ---------------------------------------------


def _paragraph_for(request: HttpRequest, paragraph: int) -> Paragraph:
    found = get_object_or_404(
        Paragraph.objects.select_related("version__document__milestone__commitment__action_plan", "section"),
        pk=paragraph,
    )
    version = found.version
    if not request.user.has_perm("drafts.view_document", version.document) or not request.user.has_perm(
        "drafts.view_documentversion", version
    ):
        raise Http404
    _staff_only(request)
    return found


def _back_url(request: HttpRequest, paragraph: Paragraph) -> str:
    """The page the person came from (``next``, on this site), at the paragraph."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return f"{wanted.split('#')[0]}#parrafo-{paragraph.pk}"
    return f"{reverse('drafts_staff:version', args=[paragraph.version_id])}#parrafo-{paragraph.pk}"


def _back_to(request: HttpRequest, paragraph: Paragraph) -> HttpResponse:
    return redirect(_back_url(request, paragraph))


@login_required
@require_POST
@limit_posts("catalogue-apply", WRITES_PER_HOUR)
def apply(request: HttpRequest, paragraph: int) -> HttpResponse:
    """Record that an entry is applied in the paragraph."""
    found = _paragraph_for(request, paragraph)
    if not request.user.has_perm("catalogue.add_application", found):
        raise PermissionDenied
    form = ApplyEntryForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("§%(number)s: elija una entrada del catálogo para aplicarla.") % {"number": found.number},
        )
        return _back_to(request, found)
    entry = form.cleaned_data["entry"]
    try:
        services.apply_entry(entry, found, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("Entrada «%(entry)s» aplicada en §%(number)s.") % {"entry": entry, "number": found.number},
        )
    return _back_to(request, found)


def _removal(request: HttpRequest, application: Application, paragraph: Paragraph, error: str = "") -> Any:
    """What removing the entry from the paragraph changes (see cocrea/core/confirm.py)."""
    version = paragraph.version
    names = {
        "entry": application.entry,
        "number": paragraph.number,
        "document": version.document.title,
        "label": version.label,
    }
    elsewhere = Application.objects.filter(entry=application.entry_id).exclude(pk=application.pk).count()
    lines = [
        _(
            "«%(entry)s» dejará de constar en §%(number)s de «%(document)s» (%(label)s), en la "
            "página de la versión y en la del catálogo."
        )
        % names,
        ngettext(
            "La entrada sigue en el catálogo, aplicada en %(count)s párrafo más.",
            "La entrada sigue en el catálogo, aplicada en %(count)s párrafos más.",
            elsewhere,
        )
        % {"count": elsewhere}
        if elsewhere
        else _("La entrada sigue en el catálogo, pero ya no quedará aplicada en ningún párrafo."),
        _("El cambio queda en el historial, con su nombre."),
    ]
    approved = version.state == "approved"
    back = _back_url(request, paragraph)
    return ask(
        request,
        Confirmation(
            title=_("¿Quitar «%(entry)s» de §%(number)s?") % names,
            consequences=lines,
            warning=_("Podrá volver a aplicarla, pero se pierde quién la aplicó y cuándo."),
            error=error or (_("Una versión aprobada ya no cambia.") if approved else ""),
            can_confirm=not approved,
            button=_("Quitar del párrafo"),
            cancel_url=back,
            back_label=_("Volver a %(label)s") % names,
            hidden={"next": back.split("#")[0]},
        ),
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("catalogue-apply", WRITES_PER_HOUR)
def remove(request: HttpRequest, application: int) -> HttpResponse:
    """Remove an entry from a paragraph: GET asks (what will change), a POST with ``confirm=1``
    removes it."""
    found = get_object_or_404(Application.objects.select_related("entry"), pk=application)
    paragraph = _paragraph_for(request, found.paragraph_id)
    if not request.user.has_perm("catalogue.delete_application", paragraph):
        raise PermissionDenied
    found.paragraph = paragraph
    if not confirmed(request):
        return _removal(request, found, paragraph)
    try:
        services.remove_application(found)
    except ValidationError as error:
        return _removal(request, found, paragraph, "; ".join(error.messages))
    messages.success(
        request,
        _("«%(entry)s» ya no consta en §%(number)s.") % {"entry": found.entry, "number": paragraph.number},
    )
    return _back_to(request, paragraph)
