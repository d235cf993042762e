"""The Django admin is the administrators' tool; auditors may read it, nobody else enters.

The admin works on raw rows, around the workflows, and asks the rules at model level
(``obj=None``), which passes for every scoped role; so editors, coordinators and moderators do
their jobs on the staff screens under ``/gestion/``, which check each object. Here:

* administrators (the role, or a superuser) read and write, behind two-step verification (the
  staff middleware) like every staff screen;
* auditors read: any request but GET and HEAD is refused;
* anyone else signed in gets 403; a visitor is sent to sign in.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def may_enter_admin(user: Any) -> bool:
    # lazy: the admin site is built while the apps load, before the rules' models are ready
    from cocrea.accounts.rules import has_second_factor, is_administrator, is_auditor

    if not getattr(user, "is_active", False) or not getattr(user, "is_authenticated", False):
        return False
    return bool((is_administrator(user) or is_auditor(user)) and has_second_factor(user))


def may_write_in_admin(user: Any) -> bool:
    # lazy: the admin site is built while the apps load, before the rules' models are ready
    from cocrea.accounts.rules import has_second_factor, is_administrator

    return bool(is_administrator(user) and has_second_factor(user))


class CocreaAdminSite(admin.AdminSite):
    site_header = "Cocrea"
    site_title = "Cocrea"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter_admin(request.user)

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                # Signed in but not an administrator or auditor: no second sign-in form.
                raise PermissionDenied
            writes = request.method not in SAFE_METHODS and getattr(view, "__name__", "") != "logout"
            if writes and user.is_authenticated and not may_write_in_admin(user):
                raise PermissionDenied
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return guarded


class CocreaAdminConfig(AdminConfig):
    default_site = "cocrea.accounts.admin_site.CocreaAdminSite"
