"""Staff screens for the plan's structure (issue #15): the action plans, their commitments (with
OGP's fields and the IRM's assessment) and milestones, created and edited by hand. The writes are
:mod:`cocrea.plans.structure`'s."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cocrea.accounts.rules import STAFF_SCREENS, permission
from cocrea.core.http import form_page
from cocrea.core.versioning import StaleEdit, stale_message
from cocrea.plans import structure
from cocrea.plans.forms import DateInput, OrganizationsField
from cocrea.plans.models import (
    ActionPlan,
    Commitment,
    CommitmentEntity,
    IrmAssessment,
    Milestone,
    OgpValue,
    Organization,
)


class _Versioned(forms.ModelForm):  # type: ignore[type-arg]
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ActionPlanForm(_Versioned):
    class Meta:
        model = ActionPlan
        fields = [
            "name",
            "government",
            "country",
            "number",
            "start_year",
            "end_year",
            "ogp_url",
            "is_published",
        ]
        widgets = {"ogp_url": forms.URLInput(attrs={"placeholder": "https://www.opengovpartnership.org/…"})}


class CommitmentForm(_Versioned):
    ogp_values = forms.MultipleChoiceField(
        label=gettext_lazy("Valores de OGP"),
        choices=OgpValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    policy_areas = forms.CharField(
        label=gettext_lazy("Áreas de política"),
        required=False,
        help_text=gettext_lazy("Separadas por comas."),
    )
    responsible_organizations = OrganizationsField(
        label=gettext_lazy("Entidades responsables"),
        help_text=gettext_lazy(
            "Del registro de instituciones. Sus coordinadores y editores pueden cambiar el compromiso."
        ),
    )
    supporting_organizations = OrganizationsField(
        label=gettext_lazy("Actores de apoyo"),
        help_text=gettext_lazy(
            "Del registro de instituciones: gobierno, sociedad civil, academia, sector privado, "
            "cooperación internacional. La página pública los agrupa por sector."
        ),
    )

    class Meta:
        model = Commitment
        fields = [
            "number",
            "ogp_id",
            "title",
            "objective",
            "problem",
            "status_quo",
            "description",
            "ogp_values",
            "policy_areas",
            "coordinator",
            "other_actors",
            "contact",
            "period_start",
            "period_end",
            "is_published",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in ("objective", "problem", "status_quo")},
            **{
                name: forms.Textarea(attrs={"rows": 3}) for name in ("description", "other_actors", "contact")
            },
        }

    def __init__(self, *args: Any, may_name_responsible: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["policy_areas"] = ", ".join(self.instance.policy_areas or [])
            chosen: dict[str, list[int]] = {role: [] for role in CommitmentEntity.Role.values}
            for entity in self.instance.entities.all():
                chosen[entity.role].append(entity.organization_id)
            self.initial["responsible_organizations"] = chosen[CommitmentEntity.Role.RESPONSIBLE]
            self.initial["supporting_organizations"] = chosen[CommitmentEntity.Role.OTHER_ACTOR]
        if not may_name_responsible:
            # Naming a responsible institution gives its coordinators and editors the commitment:
            # the plan's administrators (point of contact, administrators) decide it.
            del self.fields["responsible_organizations"]

    def entities(self) -> dict[str, list[Organization]] | None:
        """The institutions chosen, by role (only the roles this form offered)."""
        found = {CommitmentEntity.Role.OTHER_ACTOR.value: list(self.cleaned_data["supporting_organizations"])}
        if "responsible_organizations" in self.fields:
            found[CommitmentEntity.Role.RESPONSIBLE.value] = list(
                self.cleaned_data["responsible_organizations"]
            )
        return found

    def clean_policy_areas(self) -> list[str]:
        text = self.cleaned_data.get("policy_areas") or ""
        return [part.strip() for part in text.split(",") if part.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("El fin del período no puede ser anterior a su inicio."))
        both = set(data.get("responsible_organizations") or ()) & set(
            data.get("supporting_organizations") or ()
        )
        if both:
            self.add_error(
                "supporting_organizations",
                _("Una institución es responsable o actor de apoyo, no las dos cosas: %(names)s.")
                % {"names": ", ".join(sorted(str(o) for o in both))},
            )
        return data


class MilestoneForm(_Versioned):
    responsible = OrganizationsField(label=gettext_lazy("Instituciones responsables"))

    class Meta:
        model = Milestone
        fields = ["number", "title", "deliverable", "starts_on", "ends_on", "weight", "is_published"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "title": forms.Textarea(attrs={"rows": 2}),
            "deliverable": forms.Textarea(attrs={"rows": 2}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("El fin no puede ser anterior al inicio."))
        return data


class IrmForm(forms.ModelForm):  # type: ignore[type-arg]
    relevant_values = forms.MultipleChoiceField(
        label=gettext_lazy("Relevante a los valores de OGP"),
        choices=OgpValue.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = IrmAssessment
        fields = [
            "verifiable",
            "relevant_values",
            "potential_impact",
            "completion",
            "opened_government",
            "starred",
            "early_results",
            "report_url",
        ]
        widgets = {"early_results": forms.Textarea(attrs={"rows": 4})}


def _staff(request: HttpRequest) -> None:
    if not request.user.has_perm(STAFF_SCREENS):
        raise PermissionDenied


def _values(form: forms.ModelForm, fields: list[str]) -> dict[str, Any]:  # type: ignore[type-arg]
    return {name: form.cleaned_data[name] for name in fields if name in form.cleaned_data}


def _save(request: HttpRequest, form: forms.ModelForm, row: Any, fields: list[str], **extra: Any) -> bool:  # type: ignore[type-arg]
    """Save an edit; a stale form or a duplicate number becomes the form's error."""
    try:
        structure.edit(
            row,
            _values(form, fields),
            expected_version=form.cleaned_data.get("edit_version") or 0,
            by=request.user,
            basis={name: form.initial.get(name) for name in fields},
            **extra,
        )
    except StaleEdit as stale:
        form.add_error(None, stale_message(stale.changed))
        return False
    except IntegrityError:
        form.add_error("number", _("Ya hay otro con ese número."))
        return False
    return True


@login_required
@require_http_methods(["GET"])
def plans(request: HttpRequest) -> HttpResponse:
    """The action plans the person may see, with their commitments: where the structure is edited."""
    _staff(request)
    found = [
        p
        for p in ActionPlan.objects.prefetch_related("commitments")
        if request.user.has_perm(permission("actionplan", "view"), p)
    ]
    return form_page(
        request,
        "plans/staff/structure_plans.html",
        {"plans": found, "may_add": request.user.has_perm(permission("actionplan", "add"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_form(request: HttpRequest, plan: int | None = None) -> HttpResponse:
    _staff(request)
    row = get_object_or_404(ActionPlan, pk=plan) if plan else None
    if row is None and not request.user.has_perm(permission("actionplan", "add")):
        raise PermissionDenied
    if row is not None and not request.user.has_perm(permission("actionplan", "view"), row):
        raise PermissionDenied
    form = ActionPlanForm(
        request.POST or None, instance=row, initial={"edit_version": getattr(row, "edit_version", 0)}
    )
    may_change = row is None or request.user.has_perm(permission("actionplan", "change"), row)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            fields = ActionPlanForm.Meta.fields
            if row is None:
                values = _values(form, fields)
                values["slug"] = _unique_slug(values["name"])
                try:
                    row = structure.create_action_plan(values, by=request.user)
                except IntegrityError:
                    form.add_error("name", _("Ya hay un plan de acción con ese nombre."))
                else:
                    messages.success(request, _("Plan de acción creado."))
                    return redirect("staff:structure_plan", plan=row.pk)
            elif _save(request, form, row, fields):
                messages.success(request, _("Plan de acción guardado."))
                return redirect("staff:structure_plan", plan=row.pk)
    return form_page(
        request,
        "plans/staff/structure_plan.html",
        {
            "plan": row,
            "form": form if may_change else None,
            "commitments": list(row.commitments.all()) if row else [],
            "may_add_commitment": row is not None
            and request.user.has_perm(permission("commitment", "add"), row),
            "may_grant_roles": row is not None and request.user.has_perm("accounts.grant_plan_roles", row),
        },
        status=400 if form.errors else 200,
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:100] or "plan"
    slug, n = base, 2
    while ActionPlan.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@login_required
@require_http_methods(["GET", "POST"])
def commitment_form(
    request: HttpRequest, plan: int | None = None, commitment: int | None = None
) -> HttpResponse:
    _staff(request)
    row = (
        get_object_or_404(Commitment.objects.select_related("action_plan"), pk=commitment)
        if commitment
        else None
    )
    parent = row.action_plan if row else get_object_or_404(ActionPlan, pk=plan)
    if row is None and not request.user.has_perm(permission("commitment", "add"), parent):
        raise PermissionDenied
    if row is not None and not request.user.has_perm(permission("commitment", "view"), row):
        raise PermissionDenied
    may_change = row is None or request.user.has_perm(permission("commitment", "change"), row)
    form = CommitmentForm(
        request.POST or None,
        instance=row,
        initial={"edit_version": getattr(row, "edit_version", 0)},
        may_name_responsible=request.user.has_perm("accounts.grant_plan_roles", parent),
    )
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            fields = CommitmentForm.Meta.fields
            if row is None:
                try:
                    row = structure.create_commitment(
                        parent, _values(form, fields), by=request.user, entities=form.entities()
                    )
                except IntegrityError:
                    form.add_error("number", _("Ya hay otro compromiso con ese número en el plan."))
                else:
                    messages.success(request, _("Compromiso creado."))
                    return redirect("staff:structure_commitment", commitment=row.pk)
            elif _save(request, form, row, fields, entities=form.entities()):
                messages.success(request, _("Compromiso guardado."))
                return redirect("staff:structure_commitment", commitment=row.pk)
    return form_page(
        request,
        "plans/staff/structure_commitment.html",
        {
            "plan": parent,
            "commitment": row,
            "form": form if may_change else None,
            "milestones": list(row.milestones.all()) if row else [],
            "may_add_milestone": row is not None
            and request.user.has_perm(permission("milestone", "add"), row),
            "may_assess": row is not None and request.user.has_perm(permission("commitment", "change"), row),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_form(
    request: HttpRequest, commitment: int | None = None, milestone: int | None = None
) -> HttpResponse:
    _staff(request)
    row = (
        get_object_or_404(Milestone.objects.select_related("commitment__action_plan"), pk=milestone)
        if milestone
        else None
    )
    parent = (
        row.commitment
        if row
        else get_object_or_404(Commitment.objects.select_related("action_plan"), pk=commitment)
    )
    needed = ("change", row) if row else ("add", parent)
    if not request.user.has_perm(permission("milestone", needed[0]), needed[1]):
        raise PermissionDenied
    initial: dict[str, Any] = {"edit_version": getattr(row, "edit_version", 0)}
    if row is not None:
        initial["responsible"] = list(row.responsible.all())
    form = MilestoneForm(request.POST or None, instance=row, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = MilestoneForm.Meta.fields
        responsible = form.cleaned_data["responsible"]
        if row is None:
            try:
                row = structure.create_milestone(
                    parent, _values(form, fields), by=request.user, responsible=responsible
                )
            except IntegrityError:
                form.add_error("number", _("Ya hay otro hito con ese número en el compromiso."))
            else:
                messages.success(request, _("Hito creado."))
                return redirect("staff:structure_commitment", commitment=parent.pk)
        elif _save(request, form, row, fields, responsible=responsible):
            messages.success(request, _("Hito guardado."))
            return redirect("staff:structure_commitment", commitment=parent.pk)
    return form_page(
        request,
        "plans/staff/structure_milestone.html",
        {"commitment": parent, "milestone": row, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def irm_form(request: HttpRequest, commitment: int) -> HttpResponse:
    _staff(request)
    row = get_object_or_404(Commitment.objects.select_related("action_plan"), pk=commitment)
    if not request.user.has_perm(permission("commitment", "change"), row):
        raise PermissionDenied
    current = IrmAssessment.objects.filter(commitment=row).first()
    form = IrmForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        structure.assess(row, _values(form, IrmForm.Meta.fields), by=request.user)
        messages.success(request, _("Evaluación del IRM guardada."))
        return redirect(reverse("staff:structure_commitment", kwargs={"commitment": row.pk}))
    return form_page(
        request,
        "plans/staff/structure_irm.html",
        {"commitment": row, "assessment": current, "form": form},
        status=400 if form.errors else 200,
    )
