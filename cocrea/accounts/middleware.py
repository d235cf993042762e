"""Staff protections: two-factor authentication before any staff screen, idle timeout."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from cocrea.accounts.rules import has_second_factor, holds_staff_role

STAFF_PREFIXES = ("/admin/", "/gestion/")
# Where a staff member was going when asked to set up two-step verification: "Continuar" on the
# recovery codes page (accounts.views.continue_after_setup) goes there.
AFTER_TWO_STEP = "cocrea_after_two_step"
# When the staff session's idle window was last pushed forward (seconds since the epoch): it is
# pushed again at most every REFRESH_EVERY seconds, so that a staff page does not write the session
# row on every request (the window then ends between STAFF_IDLE_SECONDS − REFRESH_EVERY and
# STAFF_IDLE_SECONDS after the last request).
STAFF_SEEN = "cocrea_staff_seen"
REFRESH_EVERY = 60


def has_mfa(user: object) -> bool:

    return has_second_factor(user)


class StaffSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:

        user = getattr(request, "user", None)
        if user is not None and holds_staff_role(user):
            # A staff session ends after STAFF_IDLE_SECONDS without a request (sliding window).
            now = int(time.time())
            seen = request.session.get(STAFF_SEEN)
            if (
                not isinstance(seen, int)
                or now - seen >= REFRESH_EVERY
                or request.session.get_expiry_age() != settings.STAFF_IDLE_SECONDS
            ):
                request.session.set_expiry(settings.STAFF_IDLE_SECONDS)
                request.session[STAFF_SEEN] = now
            if request.path.startswith(STAFF_PREFIXES) and not has_mfa(user):
                if request.method == "GET":
                    request.session[AFTER_TWO_STEP] = request.get_full_path()
                messages.warning(
                    request,
                    _("El personal debe activar la verificación en dos pasos antes de continuar."),
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
