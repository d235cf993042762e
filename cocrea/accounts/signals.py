"""The ``is_staff`` flag follows the roles a person holds, whatever screen grants or removes one.

Django's admin and a few libraries read ``user.is_staff``; Cocrea decides with
:func:`cocrea.accounts.rules.holds_staff_role`. These handlers keep the flag equal to that answer
after every grant or removal (the admin, the services, the shell, a fixture).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cocrea.accounts.models import STAFF_ROLES, RoleAssignment


def sync_staff_flag(user_id: int) -> None:
    User = get_user_model()
    user = User._default_manager.filter(pk=user_id).first()
    if user is None:
        return
    staff = user.is_superuser or RoleAssignment.objects.filter(user_id=user_id, role__in=STAFF_ROLES).exists()
    if user.is_staff != staff:
        User._default_manager.filter(pk=user_id).update(is_staff=staff)


@receiver(post_save, sender=RoleAssignment, dispatch_uid="cocrea-staff-flag-save")
def _granted(sender: Any, instance: RoleAssignment, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        sync_staff_flag(instance.user_id)


@receiver(post_delete, sender=RoleAssignment, dispatch_uid="cocrea-staff-flag-delete")
def _removed(sender: Any, instance: RoleAssignment, **kwargs: Any) -> None:
    sync_staff_flag(instance.user_id)
