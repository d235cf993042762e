"""Moderation: the queues of reported contributions, hiding with a public reason, restoring,
dismissing the reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cocrea.core.ratelimit import limit_posts
from cocrea.drafts import forms, services
from cocrea.drafts.models import (
    AbuseReport,
    Contribution,
)
from cocrea.drafts.staff.common import (
    MODERATION_MILESTONES,
    QUEUE_PER_PAGE,
    WRITES_PER_HOUR,
    add_errors,
    allowed,
    contribution_for,
    milestone_for,
    milestone_stand_in,
    next_url,
    people,
    staff_only,
)
from cocrea.plans.models import Milestone


def _queue(milestone: Milestone) -> Any:
    open_reports = AbuseReport.objects.filter(contribution=OuterRef("pk"), resolved_at=None)
    return (
        Contribution.objects.filter(version__document__milestone=milestone)
        .annotate(reported=Exists(open_reports))
        .filter(Q(reported=True) | Q(hidden_at__isnull=False))
        .select_related("version__document", "paragraph__section", "section", "organization", "hidden_by")
        .prefetch_related(
            people(),
            Prefetch(
                "reports",
                queryset=AbuseReport.objects.filter(resolved_at=None).order_by("created_at"),
                to_attr="open_reports",
            ),
        )
        .order_by("-reported", "-created_at", "-pk")
    )


@login_required
@require_GET
def moderation_overview(request: HttpRequest) -> HttpResponse:
    """Where there is something to moderate: milestones with open reports or hidden contributions."""
    staff_only(request)
    if not allowed(request, "drafts.moderate"):
        raise PermissionDenied
    open_reports = AbuseReport.objects.filter(contribution=OuterRef("pk"), resolved_at=None)
    rows = (
        Contribution.objects.annotate(reported=Exists(open_reports))
        .filter(Q(reported=True) | Q(hidden_at__isnull=False))
        .values("version__document__milestone")
        .annotate(
            reports=Count("pk", filter=Q(reported=True)),
            hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
        )
        .order_by("version__document__milestone")[:MODERATION_MILESTONES]
    )
    counts = {row["version__document__milestone"]: row for row in rows}
    milestones = Milestone.objects.filter(pk__in=counts).select_related("commitment__action_plan")
    entries = [
        {"milestone": m, "reports": counts[m.pk]["reports"], "hidden": counts[m.pk]["hidden"]}
        for m in milestones
        if allowed(request, "drafts.moderate", milestone_stand_in(m))
    ]
    return render(request, "drafts/staff/moderation_overview.html", {"entries": entries})


@login_required
@require_GET
def moderation(request: HttpRequest, milestone: int) -> HttpResponse:
    """The milestone's contributions with open abuse reports, and all hidden ones."""
    found = milestone_for(request, milestone)
    if not allowed(request, "drafts.moderate", milestone_stand_in(found)):
        raise PermissionDenied
    page = Paginator(_queue(found), QUEUE_PER_PAGE).get_page(request.GET.get("pagina"))
    items = [
        {"contribution": c, "form": forms.HideForm(auto_id=f"ocultar-{c.pk}-%s")} for c in page.object_list
    ]
    return render(
        request,
        "drafts/staff/moderation.html",
        {"milestone": found, "page": page, "items": items, "here": request.get_full_path()},
    )


def _moderated(request: HttpRequest, contribution: int) -> Contribution:
    found = contribution_for(request, contribution)
    if not allowed(request, "drafts.moderate", found):
        raise PermissionDenied
    return found


def _after_moderation(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    default = reverse("drafts_staff:moderation", args=[contribution.version.document.milestone_id])
    return redirect(next_url(request, default))


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def hide(request: HttpRequest, contribution: int) -> HttpResponse:
    """Hide a contribution with a public reason (its open reports are resolved with it)."""

    found = _moderated(request, contribution)
    form = forms.HideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hide_contribution(found, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Aporte ocultado."))
            return _after_moderation(request, found)
    return render(
        request,
        "drafts/staff/hide.html",
        {
            "contribution": found,
            "version": found.version,
            "milestone": found.version.document.milestone,
            "form": form,
            "next": next_url(request, ""),
            "open_reports": list(found.reports.filter(resolved_at=None).order_by("created_at")),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def restore(request: HttpRequest, contribution: int) -> HttpResponse:

    found = _moderated(request, contribution)
    if found.hidden_at is None:
        messages.info(request, _("El aporte ya estaba visible."))
    else:
        services.restore_contribution(found)
        messages.success(request, _("Aporte visible de nuevo."))
    return _after_moderation(request, found)


@login_required
@require_POST
@limit_posts("drafts-moderate", WRITES_PER_HOUR)
def dismiss(request: HttpRequest, contribution: int) -> HttpResponse:

    found = _moderated(request, contribution)
    count = services.dismiss_reports(found)
    messages.success(
        request,
        _("Reportes descartados: %(count)s. El aporte sigue visible.") % {"count": count},
    )
    return _after_moderation(request, found)
