"""The staff screen where a plan's point of contact gives and takes back the roles of its
commitments (under /gestion/planes/<plan>/roles/); administrators use it for any plan."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cocrea.accounts import services
from cocrea.accounts.models import PLAN_ROLES, Role, RoleAssignment
from cocrea.accounts.rules import is_administrator
from cocrea.core.http import form_page
from cocrea.core.ratelimit import limit_posts
from cocrea.plans.models import ActionPlan, Organization


class PlanRoleForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Correo de la persona"),
        help_text=gettext_lazy("La cuenta con la que la persona entra en Cocrea."),
        max_length=254,
    )
    role = forms.ChoiceField(label=gettext_lazy("Rol"))
    commitment = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label=gettext_lazy("Compromiso"),
        help_text=gettext_lazy("Obligatorio, salvo para el punto de contacto, que lo es de todo el plan."),
    )
    organization = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label=gettext_lazy("Institución que representa"),
        help_text=gettext_lazy(
            "Obligatoria para un enlace institucional: reporta el avance de lo que esa institución tiene a "
            "su cargo en el compromiso, y usted lo valida antes de publicarlo."
        ),
    )

    def __init__(
        self, *args: object, plan: ActionPlan, names_contact: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = dict(Role.choices)
        roles = [*PLAN_ROLES, Role.POINT_OF_CONTACT] if names_contact else list(PLAN_ROLES)
        self.fields["role"].choices = [(role.value, labels[role]) for role in roles]
        commitments = plan.commitments.order_by("sort_key", "number")
        self.fields["commitment"].queryset = commitments  # type: ignore[attr-defined]
        self.fields["commitment"].label_from_instance = lambda c: f"{c.number}. {c.title}"  # type: ignore[attr-defined]
        answering = Q(commitment_roles__commitment__action_plan=plan) | Q(
            responsible_milestones__commitment__action_plan=plan
        )
        self.fields["organization"].queryset = (  # type: ignore[attr-defined]
            Organization.objects.filter(answering).distinct().order_by("name")
        )


def _plan(request: HttpRequest, pk: int) -> ActionPlan:
    plan = get_object_or_404(ActionPlan, pk=pk)
    if not request.user.has_perm(services.GRANT_ROLES, plan):
        raise PermissionDenied
    return plan


@login_required
@require_http_methods(["GET", "POST"])
@limit_posts("plan-roles", 120)
def plan_roles(request: HttpRequest, plan: int) -> HttpResponse:
    """Who holds which role in the plan, and the form that gives one."""
    found = _plan(request, plan)
    names_contact = is_administrator(request.user)
    form = PlanRoleForm(request.POST or None, plan=found, names_contact=names_contact)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.grant_plan_role(
                found,
                email=data["email"],
                role=data["role"],
                commitment=data["commitment"],
                organization=data["organization"],
                by=request.user,
            )
        except PermissionDenied:
            form.add_error("role", _("Usted no puede asignar ese rol."))
        except ValidationError as error:
            for field, problems in getattr(error, "message_dict", {None: error.messages}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(
                request,
                _("%(person)s tiene ahora el rol «%(role)s» en %(where)s.")
                % {
                    "person": assignment.user.email,
                    "role": assignment.get_role_display(),
                    "where": _where(assignment),
                },
            )
            return redirect(reverse("staff:plan_roles", args=[found.pk]))
    assignments = services.plan_assignments(found)
    return form_page(
        request,
        "accounts/staff/plan_roles.html",
        {
            "plan": found,
            "form": form,
            "names_contact": names_contact,
            "contacts": [a for a in assignments if a.role == Role.POINT_OF_CONTACT],
            "assignments": [a for a in assignments if a.role != Role.POINT_OF_CONTACT],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@limit_posts("plan-roles", 120)
def revoke_plan_role(request: HttpRequest, assignment: int) -> HttpResponse:
    found = get_object_or_404(
        RoleAssignment.objects.select_related("commitment__action_plan", "action_plan", "user"), pk=assignment
    )
    plan = found.action_plan_id or (found.commitment.action_plan_id if found.commitment else None)
    if plan is None:
        raise PermissionDenied
    try:
        services.revoke_plan_role(found, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(person)s ya no tiene el rol «%(role)s» en %(where)s.")
            % {"person": found.user.email, "role": found.get_role_display(), "where": _where(found)},
        )
    return redirect(reverse("staff:plan_roles", args=[plan]))


def _where(assignment: RoleAssignment) -> str:
    if assignment.commitment is not None:
        return _("el compromiso %(number)s") % {"number": assignment.commitment.number}
    return _("el plan %(name)s") % {"name": assignment.action_plan.name if assignment.action_plan else ""}
