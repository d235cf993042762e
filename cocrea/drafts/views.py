"""Public pages of co-creation: documents, versions, paragraphs, contributions, the response
report and the comparison of versions. Views parse input, check the rule, call the service."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from cocrea.accounts.rules import permission
from cocrea.core import pagecache
from cocrea.core.content import Built, render_public
from cocrea.core.ratelimit import limit_posts
from cocrea.drafts import queries
from cocrea.drafts.contribution_forms import AbuseForm, ContributionForm
from cocrea.drafts.models import Contribution, Document, DocumentVersion, Paragraph, VersionState
from cocrea.drafts.services import (
    contribute,
    follow_document,
    is_open_now,
    report_abuse,
    represented_organizations,
    unfollow_document,
)
from cocrea.participation.models import Person
from cocrea.participation.services import person_for_user
from cocrea.plans import queries as plan_queries

PARAGRAPHS_PER_PAGE = 40
CONTRIBUTIONS_PER_PAGE = 25
REPORT_PER_PAGE = 100
TAKE_PART = "participation.take_part"


def _context(request: HttpRequest, document: Document, **extra: Any) -> dict[str, Any]:
    milestone = document.milestone
    # Signed-in people comment, reply, report and follow where the consultation is public; staff
    # reading an unpublished one do not take part in it.
    may_take_part = request.user.is_authenticated and request.user.has_perm(
        TAKE_PART, extra.get("version") or document
    )
    return {
        "may_take_part": may_take_part,
        "document": document,
        "milestone": milestone,
        "commitment": milestone.commitment,
        "action_plan": milestone.commitment.action_plan,
        "cocreation": True,  # the breadcrumbs show the document and version
        **extra,
    }


def _page(
    request: HttpRequest, items: Any, per_page: int, parameter: str = "pagina", count: int | None = None
) -> Any:
    """A page of the items; with ``count`` (counted with the page's other figures) the pager does
    not count them again."""
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # type: ignore[misc]
    return paginator.get_page(request.GET.get(parameter))


def _threads_page(
    request: HttpRequest,
    items: Any,
    versions: list[DocumentVersion],
    per_page: int,
    parameter: str = "pagina",
    count: int | None = None,
) -> Any:
    """A page of contributions from :func:`queries.threads`, read now and prepared for the
    template (:func:`queries.prepare_threads`)."""
    page = _page(request, items, per_page, parameter, count)
    page.object_list = queries.prepare_threads(list(page.object_list), versions)
    return page


def _person(request: HttpRequest) -> Any:

    if not request.user.is_authenticated:
        return None
    return Person.objects.filter(user=request.user).first()


def _contribution_form(
    request: HttpRequest, version: DocumentVersion, **initial: Any
) -> ContributionForm | None:
    if not request.user.is_authenticated or not is_open_now(version):
        return None
    if not request.user.has_perm(permission("contribution", "add"), version):
        return None  # staff reading an unpublished consultation do not take part in it
    person = _person(request)
    organizations = represented_organizations(person) if person else []
    form = ContributionForm(organizations=organizations, initial=initial)
    form.author_name = (person.public_name if person else None) or _("Participante")  # type: ignore[attr-defined]
    return form


@pagecache.public_page(pagecache.address)
@require_safe
def documents(request: HttpRequest, plan: str, number: str, milestone: str) -> HttpResponse:
    """The documents co-created in a milestone, each with its versions."""
    return render_public(request, lambda: _documents(request, plan, number, milestone))


def _documents(request: HttpRequest, plan: str, number: str, milestone: str) -> Built:
    found = plan_queries.get_milestone(request.user, plan, number, milestone)
    items = []
    for document in found.documents.prefetch_related("versions"):
        document.milestone = found
        versions = [
            v
            for v in document.versions.all()
            if request.user.has_perm(permission("documentversion", "view"), v)
        ]
        if versions or request.user.has_perm(permission("document", "change"), document):
            items.append((document, versions))
    return (
        "drafts/documents.html",
        {
            "milestone": found,
            "commitment": found.commitment,
            "action_plan": found.commitment.action_plan,
            "items": items,
        },
    )


@pagecache.public_page(pagecache.address)
@require_safe
def document(request: HttpRequest, plan: str, number: str, milestone: str, document: str) -> HttpResponse:
    def build() -> Built:
        found = queries.get_document(request.user, plan, number, milestone, document)
        versions = queries.visible_versions(request.user, found)
        following = request.user.is_authenticated and found.followers.filter(user=request.user).exists()
        return (
            "drafts/document.html",
            _context(
                request,
                found,
                versions=versions,
                following=following,
                current=versions[-1] if versions else None,
            ),
        )

    return render_public(request, build, for_signed_in=False)  # signed in: follow or not


@pagecache.public_page(pagecache.address)
@require_safe
def version(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> HttpResponse:
    """The text of a version, paginated, with each paragraph's count of comments."""

    def build() -> Built:
        found = queries.get_document(request.user, plan, number, milestone, document)
        versions = queries.visible_versions(request.user, found)
        return _version_built(request, found, queries.pick_version(versions, version), versions=versions)

    return render_public(request, build, for_signed_in=False)  # signed in: the forms to take part


def _version_page(
    request: HttpRequest, found: Document, shown: DocumentVersion, form: Any, status: int
) -> HttpResponse:
    """The version's page again with a form that did not pass, its errors beside it."""
    template, context = _version_built(request, found, shown, form)
    return render(request, template, context, status=status)


def _version_built(
    request: HttpRequest,
    found: Document,
    shown: DocumentVersion,
    form: Any = None,
    versions: list[DocumentVersion] | None = None,
) -> Built:
    if versions is None:
        versions = queries.visible_versions(request.user, found)
    counts = queries.version_counts(shown)
    page = queries.text_page(shown, request.GET.get("pagina"), PARAGRAPHS_PER_PAGE, counts["paragraph_count"])
    general = _threads_page(
        request,
        queries.threads()
        .filter(version=shown, parent=None, paragraph=None)
        .order_by("section__position", "created_at", "pk"),
        versions,
        CONTRIBUTIONS_PER_PAGE,
        "aportes",  # pages apart from the text's
        counts["general_count"],
    )
    form = form or _contribution_form(request, shown)
    return (
        "drafts/version.html",
        _context(
            request,
            found,
            version=shown,
            versions=versions,
            page=page,
            general=general,
            sections=shown.sections.all() if form else (),  # the form's choice of section only
            open_now=is_open_now(shown),
            form=form,
            total_contributions=counts["contribution_count"],
        ),
    )


@pagecache.public_page(pagecache.address)
@require_safe
def paragraph(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int, key: Any
) -> HttpResponse:
    """One paragraph: its text, its history across versions, its comments and proposals."""

    def build() -> Built:
        found = queries.get_document(request.user, plan, number, milestone, document)
        versions = queries.visible_versions(request.user, found)
        return _paragraph_built(
            request, found, queries.pick_version(versions, version), key, versions=versions
        )

    return render_public(request, build, for_signed_in=False)  # signed in: the forms to take part


def _paragraph_page(
    request: HttpRequest, found: Document, shown: DocumentVersion, key: Any, form: Any, status: int
) -> HttpResponse:
    """The paragraph's page again with a form that did not pass, its errors beside it."""
    template, context = _paragraph_built(request, found, shown, key, form)
    return render(request, template, context, status=status)


def _paragraph_built(
    request: HttpRequest,
    found: Document,
    shown: DocumentVersion,
    key: Any,
    form: Any = None,
    versions: list[DocumentVersion] | None = None,
) -> Built:
    if versions is None:
        versions = queries.visible_versions(request.user, found)
    item = (
        Paragraph.objects.select_related("section")
        .prefetch_related("applications__entry")
        .filter(version=shown, key=key)
        .first()
    )
    if item is None:
        raise Http404
    item.version = shown
    history = queries.paragraph_history(request.user, found, key, versions)
    threads = _threads_page(
        request,
        queries.threads().filter(paragraph=item, parent=None).order_by("created_at", "pk"),
        versions,
        CONTRIBUTIONS_PER_PAGE,
    )
    return (
        "drafts/paragraph.html",
        _context(
            request,
            found,
            version=shown,
            paragraph=item,
            history=history,
            threads=threads,
            open_now=is_open_now(shown),
            form=form or _contribution_form(request, shown),
        ),
    )


@require_POST
@limit_posts("contribute", 30)
def submit(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> HttpResponse:
    """A comment, a proposal or a reply, from a registered participant."""

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = queries.get_document(request.user, plan, number, milestone, document)
    shown = queries.get_version(request.user, found, version)
    if not request.user.has_perm(permission("contribution", "add"), shown):
        raise Http404
    person = person_for_user(request.user)
    form = ContributionForm(request.POST, organizations=represented_organizations(person))
    form.author_name = person.public_name or _("Participante")  # type: ignore[attr-defined]
    paragraph, section, parent = _target(request, shown)

    def again() -> HttpResponse:
        """The page the person wrote on, with their text kept and the errors beside it."""
        if paragraph is not None:
            return _paragraph_page(request, found, shown, paragraph.key, form, status=400)
        return _version_page(request, found, shown, form, status=400)

    if not form.is_valid():
        return again()
    try:
        created = contribute(
            shown,
            person,
            form.cleaned_data["text"],
            kind=form.cleaned_data["kind"] or Contribution.Kind.COMMENT,
            paragraph=paragraph,
            section=section,
            proposed_text=form.cleaned_data["proposed_text"],
            organization=form.cleaned_data.get("organization"),
            parent=parent,
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return again()
    messages.success(request, _("Su aporte se publicó. Recibirá un correo cuando tenga respuesta."))
    return redirect(created.get_absolute_url())


def _target(request: HttpRequest, version: DocumentVersion) -> tuple[Any, Any, Any]:
    """The paragraph, section or thread a contribution is about, from the form's hidden fields."""
    paragraph = section = parent = None
    if request.POST.get("parent", "").isdigit():
        parent = Contribution.objects.filter(version=version, pk=int(request.POST["parent"])).first()
        if parent is None:
            raise Http404
        paragraph = parent.paragraph
    elif request.POST.get("paragraph"):
        paragraph = version.paragraphs.filter(key=_uuid(request.POST["paragraph"])).first()
        if paragraph is None:
            raise Http404
    elif request.POST.get("section"):
        section = version.sections.filter(key=_uuid(request.POST["section"])).first()
        if section is None:
            raise Http404
    if paragraph is not None:
        paragraph.version = version
    return paragraph, section, parent


def _uuid(value: str) -> Any:

    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise Http404 from error


@require_POST
@limit_posts("report-abuse", 20)
def report(request: HttpRequest, contribution: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = (
        Contribution.objects.select_related(
            "version__document__milestone__commitment__action_plan", "paragraph"
        )
        .filter(pk=contribution)
        .first()
    )
    if found is None or not request.user.has_perm(permission("contribution", "view"), found):
        raise Http404
    if not request.user.has_perm(TAKE_PART, found):  # staff reading an unpublished consultation
        raise PermissionDenied
    form = AbuseForm(request.POST)
    if form.is_valid():
        report_abuse(found, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Gracias: el equipo de moderación revisará este aporte."))
    else:
        messages.error(request, _("Indique por qué reporta este aporte."))
    return redirect(found.get_absolute_url())


@require_POST
@limit_posts("follow", 60)
def follow(request: HttpRequest, plan: str, number: str, milestone: str, document: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = queries.get_document(request.user, plan, number, milestone, document)
    if request.POST.get("action") != "unfollow" and not request.user.has_perm(TAKE_PART, found):
        raise PermissionDenied
    if request.POST.get("action") == "unfollow":
        unfollow_document(found, request.user)
        messages.success(request, _("Ya no sigue este documento."))
    else:
        follow_document(found, request.user)
        messages.success(
            request,
            _(
                "Sigue este documento: le avisaremos por correo cuando se abra una versión y antes de "
                "que cierre."
            ),
        )
    return redirect(found.get_absolute_url())


@pagecache.public_page(pagecache.address)
@require_safe
def compare(request: HttpRequest, plan: str, number: str, milestone: str, document: str) -> HttpResponse:
    """The changes between two versions (``?de=1&a=2``; by default the last two)."""
    return render_public(request, lambda: _compare(request, plan, number, milestone, document))


def _compare(request: HttpRequest, plan: str, number: str, milestone: str, document: str) -> Built:
    found = queries.get_document(request.user, plan, number, milestone, document)
    versions = queries.visible_versions(request.user, found)
    if len(versions) < 2:
        raise Http404
    by_number = {v.number: v for v in versions}
    old = by_number.get(_int(request.GET.get("de")), versions[-2])
    new = by_number.get(_int(request.GET.get("a")), versions[-1])
    rows, counts = queries.compare(old, new) if old.pk != new.pk else ([], {})
    return (
        "drafts/compare.html",
        _context(request, found, versions=versions, old=old, new=new, rows=rows, counts=counts),
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@pagecache.public_page(pagecache.address)
@require_safe
def response_report(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> HttpResponse:
    def build() -> Built:
        return _response_report(request, plan, number, milestone, document, version)

    return render_public(request, build, for_signed_in=False)  # signed in: the forms to report abuse


def _response_report(
    request: HttpRequest, plan: str, number: str, milestone: str, document: str, version: int
) -> Built:
    found = queries.get_document(request.user, plan, number, milestone, document)
    versions = queries.visible_versions(request.user, found)
    shown = queries.pick_version(versions, version)
    summary = queries.response_report(shown)
    page = _threads_page(
        request,
        queries.threads().filter(version=shown, parent=None).order_by(*queries.REPORT_ORDER),
        versions,
        REPORT_PER_PAGE,
        count=summary.total,  # the report's contributions, counted by the summary
    )
    return (
        "drafts/report.html",
        _context(
            request, found, version=shown, summary=summary, page=page, closed=shown.state != VersionState.OPEN
        ),
    )


MY_CONTRIBUTIONS_PER_PAGE = 20


@require_safe
def my_contributions(request: HttpRequest) -> HttpResponse:
    """The signed-in person's contributions ("Mis aportes"), hidden ones marked, each with its
    status and the reasoned answer when there is one, linking to it in its context; paginated."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = Person.objects.prefetch_related("consents").filter(user=request.user).first()
    items = queries.contributions_of(person) if person else Contribution.objects.none()
    page = _page(request, items, MY_CONTRIBUTIONS_PER_PAGE)
    for item in page:  # the link goes through the paragraph's version: the same row, no query
        if item.paragraph is not None:
            item.paragraph.version = item.version
        item.open_now = is_open_now(item.version)
    return render(
        request,
        "drafts/mine.html",
        {
            "page": page,
            "shown_as": (person.public_name if person else None) or _("Participante"),
        },
    )
