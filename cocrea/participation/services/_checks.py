"""What every staff write checks first: the named rule, for the person acting."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.core.exceptions import PermissionDenied
from django.db.models import Model

from cocrea.accounts.rules import permission

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # Who acts: a signed-in user (staff screens, the participant's own pages) or, where a service
    # records "by whom" only for signed-in users, an anonymous one.
    Actor: TypeAlias = User | AnonymousUser


def _require(by: Actor | None, action: str, model: str, obj: Model) -> None:
    """The named rule, checked when a user acts (``by=None``: the system, a command, a test)."""
    if by is not None and not by.has_perm(permission(model, action), obj):
        raise PermissionDenied
