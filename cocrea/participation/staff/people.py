"""Staff screens of the registry of natural persons (under /gestion/): search, a person's data,
consents, memberships, duplicates and merges."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts.rules import may, permission
from cocrea.computations.matching import name_words, propose_merges
from cocrea.core.confirm import confirmed
from cocrea.core.http import (
    error_text,
    int_or_none,
    restarted_form,
    timezone_today,
)
from cocrea.core.ratelimit import limit_posts
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.participation import services as participation
from cocrea.participation.forms import ConsentForm, EndMembershipForm, MembershipForm, MembershipPeriodForm
from cocrea.participation.models import Consent, Membership, Person
from cocrea.participation.services import CONSENT_TEXT_VERSION, merge_people, unmerge_people
from cocrea.participation.staff.merging import ask_to_merge


def _pair(request: HttpRequest) -> tuple[Person, Person]:
    data = request.POST if request.method == "POST" else request.GET
    keep = get_object_or_404(Person, pk=int_or_none(data.get("keep")))
    duplicate = get_object_or_404(Person, pk=int_or_none(data.get("duplicate")))
    if not request.user.has_perm("participation.merge_person", keep) or not request.user.has_perm(
        "participation.merge_person", duplicate
    ):
        raise PermissionDenied
    return keep, duplicate


@login_required
@limit_posts("merge", 200)
@require_http_methods(["GET", "POST"])
def duplicates(request: HttpRequest) -> HttpResponse:
    """Pairs of people likely to be the same person, proposed for a merge; never merged silently.

    A pair (``keep``, ``duplicate``) opens the confirmation page, the two side by side with what
    the merge moves; only a POST with ``confirm=1`` merges."""

    if not request.user.has_perm("participation.merge_person"):
        raise PermissionDenied
    if request.method == "POST" or "keep" in request.GET or "duplicate" in request.GET:
        keep, duplicate = _pair(request)
        if not confirmed(request):
            return ask_to_merge(request, keep, duplicate)
        try:
            merge_people(keep, duplicate, by=request.user)
        except ValidationError as error:
            return ask_to_merge(request, keep, duplicate, error=error_text(error), status=400)
        messages.success(
            request,
            _("Se fusionaron «%(duplicate)s» en «%(keep)s». Puede deshacerlo desde su ficha.")
            % {"duplicate": duplicate.name, "keep": keep.name},
        )
        return redirect("staff:duplicates")
    people = list(Person.objects.active().values_list("pk", "name", "email", "user_id"))
    by_id = {pk: (name, user_id) for pk, name, _email, user_id in people}
    proposals = []
    for a, b, score in propose_merges([(pk, name, email) for pk, name, email, _user in people])[:200]:
        if by_id[a][1] is not None and by_id[b][1] is not None:
            continue  # two accounts: two people who signed up, never merged here
        keep, duplicate = (b, a) if by_id[a][1] is None and by_id[b][1] is not None else (a, b)
        proposals.append(
            {
                "keep": keep,
                "duplicate": duplicate,
                "score": round(score * 100),
                "keep_name": by_id[keep][0],
                "duplicate_name": by_id[duplicate][0],
            }
        )
    return render(request, "participation/staff/duplicates.html", {"proposals": proposals})


@login_required
@require_POST
@limit_posts("merge", 200)
def unmerge_person(request: HttpRequest, person: int) -> HttpResponse:
    """Undo a merge: what moved goes back to the duplicate, which is a person of its own again."""

    found = get_object_or_404(Person, pk=person)
    if not request.user.has_perm("participation.merge_person", found):
        raise PermissionDenied
    try:
        unmerge_people(found, by=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("La fusión se deshizo: «%(name)s» vuelve a ser una persona aparte.") % {"name": found.name},
        )
    return redirect("staff:person", person=found.pk)


PEOPLE_PER_PAGE = 50


def _people_query(text: str, *, contact: bool) -> Q:
    """Name, public name, match key; the email too for those who may see it (else the search
    would tell anyone whether an address is in the registry)."""

    text = " ".join(text.split())[:200]
    condition = Q(name__icontains=text) | Q(display_name__icontains=text)
    if contact:
        condition |= Q(email__icontains=text)
    words = name_words(text)
    if words:
        by_key = Q()
        for word in words:
            by_key &= Q(match_key__contains=word)
        condition |= by_key
    return condition


@login_required
@require_http_methods(["GET"])
def people(request: HttpRequest) -> HttpResponse:
    """The registry of natural persons, searchable by name or email; personal data, so staff only."""

    if not request.user.has_perm(permission("person", "view")):
        raise PermissionDenied
    text = request.GET.get("buscar", "").strip()
    found = Person.objects.active().order_by("name", "pk")
    if text:
        found = found.filter(_people_query(text, contact=request.user.has_perm("participation.view_contact")))
    current = Membership.objects.filter(Q(until=None) | Q(until__gte=timezone_today())).select_related(
        "organization"
    )
    page = Paginator(
        found.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships")),
        PEOPLE_PER_PAGE,
    ).get_page(request.GET.get("pagina"))
    return render(request, "participation/staff/people.html", {"page": page, "text": text})


def _person_page(
    request: HttpRequest,
    person: Any,
    consent_form: Any = None,
    membership_form: Any = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:

    today = timezone_today()
    consents = list(person.consents.order_by("purpose", "-given_at", "-pk"))
    memberships = list(
        person.memberships.select_related("organization").order_by("until", "organization__name", "pk")
    )
    writable = person.merged_into_id is None and person.anonymised_at is None
    can_unmerge = (
        person.merged_into_id is not None
        and person.anonymised_at is None
        and request.user.has_perm("participation.merge_person", person)
    )
    statistics = any(c.purpose == Consent.Purpose.STATISTICS and c.withdrawn_at is None for c in consents)
    return render(
        request,
        "participation/staff/person.html",
        {
            "person": person,
            "consents": consents,
            "memberships": [(m, m.until is None or m.until >= today) for m in memberships],
            "statistics_consent": statistics,
            "can_unmerge": can_unmerge,
            "can_add_consent": writable and may(request.user, "consent", "add", person),
            "can_change_consent": writable and may(request.user, "consent", "change", person),
            "can_add_membership": writable and may(request.user, "membership", "add", person),
            "can_change_membership": writable and may(request.user, "membership", "change", person),
            "consent_form": consent_form or ConsentForm(initial={"text_version": CONSENT_TEXT_VERSION}),
            "membership_form": membership_form or MembershipForm(),
            "end_form": EndMembershipForm(initial={"until": today}),
            "today": today,
            "error": error,
        },
        status=status,
    )


def _person_for(request: HttpRequest, person: int, model: str = "person", action: str = "view") -> Any:

    found = get_object_or_404(Person.objects.select_related("merged_into", "user"), pk=person)
    if not may(request.user, "person", "view", found) or not may(request.user, model, action, found):
        raise PermissionDenied
    return found


@login_required
@require_http_methods(["GET"])
def person(request: HttpRequest, person: int) -> HttpResponse:
    """One person: their data, consents and the organisations they represent."""
    return _person_page(request, _person_for(request, person))


@login_required
@require_POST
@limit_posts("people", 300)
def record_consent(request: HttpRequest, person: int) -> HttpResponse:

    found = _person_for(request, person, "consent", "add")
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            participation.record_consent(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consentimiento registrado."))
            return redirect("staff:person", person=found.pk)
    return _person_page(request, found, consent_form=form, status=400)


@login_required
@require_POST
@limit_posts("people", 300)
def withdraw_consent(request: HttpRequest, consent: int) -> HttpResponse:

    found = get_object_or_404(Consent.objects.select_related("person"), pk=consent)
    _person_for(request, found.person_id, "consent", "change")
    try:
        participation.withdraw_consent(found, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("Consentimiento retirado: %(purpose)s.") % {"purpose": found.get_purpose_display()}
        )
    return redirect("staff:person", person=found.person_id)


@login_required
@require_POST
@limit_posts("people", 300)
def add_membership(request: HttpRequest, person: int) -> HttpResponse:

    found = _person_for(request, person, "membership", "add")
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            participation.add_membership(found, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Representación añadida."))
            return redirect("staff:person", person=found.pk)
    return _person_page(request, found, membership_form=form, status=400)


def _membership_for(request: HttpRequest, membership: int) -> Any:

    found = get_object_or_404(Membership.objects.select_related("person", "organization"), pk=membership)
    _person_for(request, found.person_id, "membership", "change")
    return found


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("people", 300)
def edit_membership(request: HttpRequest, membership: int) -> HttpResponse:

    found = _membership_for(request, membership)
    initial = {"role": found.role, "since": found.since, "until": found.until}
    form = MembershipPeriodForm(request.POST or None, initial={**initial, "edit_version": found.edit_version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("edit_version")
        try:
            participation.edit_membership(
                found, **data, expected_version=version, basis=initial, by=request.user
            )
        except StaleEdit as stale:
            found.refresh_from_db()
            form = restarted_form(MembershipPeriodForm, request.POST, found.edit_version)
            form.add_error(None, stale_message(stale.changed))
            status = 409
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Representación actualizada."))
            return redirect("staff:person", person=found.person_id)
    return render(
        request,
        "participation/staff/membership.html",
        {"membership": found, "person": found.person, "form": form},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@login_required
@require_POST
@limit_posts("people", 300)
def end_membership(request: HttpRequest, membership: int) -> HttpResponse:

    found = _membership_for(request, membership)
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        return _person_page(
            request,
            found.person,
            error=_("No se terminó la representación: indique una fecha válida."),
            status=400,
        )
    try:
        participation.end_membership(found, day=form.cleaned_data["until"], by=request.user)
    except ValidationError as error:
        return _person_page(request, found.person, error=error_text(error), status=400)
    messages.success(request, _("Representación terminada."))
    return redirect("staff:person", person=found.person_id)
