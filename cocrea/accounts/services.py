"""Writes to accounts and roles, and publication of plan objects."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from cocrea.accounts.models import PLAN_ROLES, Role, RoleAssignment
from cocrea.accounts.rules import forget_roles, has_second_factor, is_administrator, permission
from cocrea.audit.context import operation
from cocrea.core.actors import acting_user
from cocrea.plans.models import ActionPlan, Commitment, Organization

GRANT_ROLES = "accounts.grant_plan_roles"


@transaction.atomic
def grant_role(user: Any, role: str, *, granted_by: Any = None, **scope: Any) -> RoleAssignment:
    """Give ``user`` a role, scoped by ``organization=``, ``commitment=`` or ``milestone=``."""
    with operation("system"):
        assignment = RoleAssignment(user=user, role=role, granted_by=granted_by, **scope)
        assignment.full_clean()
        assignment.save()  # accounts.signals marks the account as staff
    user.refresh_from_db(fields=["is_staff"])
    forget_roles(user)
    return assignment


@transaction.atomic
def grant_plan_role(
    plan: ActionPlan,
    *,
    email: str,
    role: str,
    commitment: Commitment | None,
    organization: Organization | None,
    by: Any,
) -> RoleAssignment:
    """The plan's point of contact (or an administrator) gives a person with an account a role for
    one of the plan's commitments: an institution's liaison, a coordinator or an editor. An
    administrator also names the plan's point of contact here."""
    if role == Role.POINT_OF_CONTACT:
        if not (is_administrator(by) and has_second_factor(by)):
            raise PermissionDenied
        scope: dict[str, Any] = {"action_plan": plan}
        where = _("en este plan")
    else:
        if role not in PLAN_ROLES:
            raise ValidationError({"role": _("Ese rol no se asigna desde el plan.")})
        if commitment is None:
            raise ValidationError({"commitment": _("Indique el compromiso.")})
        if commitment.action_plan_id != plan.pk:
            raise ValidationError({"commitment": _("El compromiso no es de este plan.")})
        if not by.has_perm(GRANT_ROLES, commitment):
            raise PermissionDenied
        scope = {"commitment": commitment, "organization": organization if role == Role.LIAISON else None}
        where = _("en este compromiso")
    if role == Role.LIAISON and organization is None:
        raise ValidationError({"organization": _("Indique la institución que el enlace representa.")})
    user = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "No hay ninguna cuenta activa con ese correo. Pida a la persona que se registre "
                    "en Cocrea y vuelva a asignarle el rol."
                )
            }
        )
    if RoleAssignment.objects.filter(user=user, role=role, **scope).exists():
        raise ValidationError({"email": _("Esa persona ya tiene ese rol %(where)s.") % {"where": where}})
    with operation("web"):
        assignment = RoleAssignment(user=user, role=role, granted_by=acting_user(by), **scope)
        assignment.full_clean()
        assignment.save()  # accounts.signals marks the account as staff
    forget_roles(user)
    return assignment


@transaction.atomic
def revoke_plan_role(assignment: RoleAssignment, *, by: Any) -> None:
    """Take back a role given for a commitment (its point of contact, or an administrator), or a
    plan's point of contact (an administrator)."""
    if assignment.role == Role.POINT_OF_CONTACT:
        if not (is_administrator(by) and has_second_factor(by)):
            raise PermissionDenied
    elif assignment.commitment is None or not by.has_perm(GRANT_ROLES, assignment.commitment):
        raise PermissionDenied
    if assignment.user_id == getattr(by, "pk", None):
        raise ValidationError(_("Usted no puede retirarse un rol a sí mismo."))
    with operation("web"):
        assignment.delete()  # accounts.signals updates the staff flag


def plan_assignments(plan: ActionPlan) -> list[RoleAssignment]:
    """The roles in a plan: its points of contact, and every role scoped to one of its commitments
    or their milestones (one query)."""
    return list(
        RoleAssignment.objects.filter(
            Q(action_plan=plan) | Q(commitment__action_plan=plan) | Q(milestone__commitment__action_plan=plan)
        )
        .select_related(
            "user", "action_plan", "commitment", "milestone__commitment", "organization", "granted_by"
        )
        .order_by("commitment__sort_key", "milestone__sort_key", "role", "user__email")
    )


@transaction.atomic
def set_published(obj: Any, published: bool, *, by: Any) -> Any:
    """Publish or unpublish an action plan, commitment or milestone (rule ``publish``)."""
    model = obj._meta.model_name
    if not by.has_perm(permission(model, "publish"), obj):
        raise PermissionDenied
    if obj.is_published != published:
        with operation("web"):
            obj.is_published = published
            obj.save(update_fields=["is_published", "updated_at"])
    return obj
