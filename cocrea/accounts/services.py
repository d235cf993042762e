"""Writes to accounts and roles, and publication of plan objects."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cocrea.accounts.models import RoleAssignment
from cocrea.accounts.rules import forget_roles, permission
from cocrea.audit.context import operation


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
