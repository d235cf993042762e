"""The public catalogue: theories, terms and concepts; standards; legal norms; where each applies."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from cocrea.accounts.rules import permission
from cocrea.catalogue.models import Application, Entry
from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.drafts.models import VersionState


@pagecache.public_page(pagecache.CATALOGUE, pagecache.TITLES)
@require_safe
def entries(request: HttpRequest) -> HttpResponse:
    return render_public(request, lambda: _entries(request))


def _entries(request: HttpRequest) -> Built:
    kind = request.GET.get("tipo", "")
    found = Entry.objects.annotate(
        applied=Count(
            "applications",
            filter=~Q(applications__paragraph__version__state=VersionState.DRAFT),
        )
    ).order_by("kind", "name")
    if kind in Entry.Kind.values:
        found = found.filter(kind=kind)
    page = Paginator(found, 100).get_page(request.GET.get("pagina"))
    return ("catalogue/entries.html", {"page": page, "kinds": Entry.Kind.choices, "kind": kind})


@pagecache.public_page(pagecache.CATALOGUE, pagecache.TITLES)
@require_safe
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    return render_public(request, lambda: _entry(request, pk))


def _entry(request: HttpRequest, pk: int) -> Built:
    found = Entry.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    applications = [
        a
        for a in Application.objects.filter(entry=found)
        .select_related(
            "paragraph__section", "paragraph__version__document__milestone__commitment__action_plan"
        )
        .order_by("paragraph__version__document_id", "-paragraph__version__number", "paragraph__position")[
            :500
        ]
        if request.user.has_perm(permission("documentversion", "view"), a.paragraph.version)
    ]
    return ("catalogue/entry.html", {"entry": found, "applications": applications})
