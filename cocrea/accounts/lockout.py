"""Brute-force lockout by account, not by address (django-axes wiring).

allauth signs people in by email: it calls ``authenticate(request, email=..., password=...)``, and
the failure signal carries ``{"email": ..., "password": ...}``. django-axes looks for the username
under ``AXES_USERNAME_FORM_FIELD`` (``login``) in those credentials, finds nothing and records
every failure with no username, so a lock "by account and address" was in fact a lock by address:
five failures against made-up emails locked every account behind that address.

Here:

- ``account_key`` names the account tried: the email typed, stripped and lower-cased (allauth
  matches emails case-insensitively), the same whether or not an account has it.
- ``AccountLockoutHandler`` applies two limits over the cool-off window (``AXES_COOLOFF_TIME``):
  ``AXES_FAILURE_LIMIT`` failures for one account from one address lock that account from that
  address; ``AXES_ACCOUNT_FAILURE_LIMIT`` failures for one account from all addresses together
  lock it from every address. Nothing is counted per address alone, so failures against one
  email never lock another email (allauth's ``login_failed`` rate limit per address only slows a
  password spray down). A successful sign-in clears the failures of that account from that
  address only.
- ``client_ip`` is the client address for axes, the same one allauth's rate limits use: the
  connection's address, or the address the trusted proxies forwarded
  (``ALLAUTH_TRUSTED_PROXY_COUNT``, from ``TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Sum
from django.http import HttpRequest

USERNAME_MAX_LENGTH = 255  # AccessAttempt.username

#: The lockout rules, as in ``AXES_LOCKOUT_PARAMETERS``, and the setting holding each one's limit.
RULE_LIMITS = {
    ("username", "ip_address"): "AXES_FAILURE_LIMIT",
    ("username",): "AXES_ACCOUNT_FAILURE_LIMIT",
}


def normalise(login: Any) -> str | None:
    """The account key for what was typed in the email field: stripped and lower-cased."""
    if not isinstance(login, str):
        return None
    login = login.strip().lower()
    return login[:USERNAME_MAX_LENGTH] or None


def account_key(request: HttpRequest | None, credentials: dict[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email the sign-in was attempted with, normalised.

    The credentials come from allauth (``email``), from axes' own backend (``login``, the
    ``AXES_USERNAME_FORM_FIELD``, alongside ``email``) or from Django's ``username`` keyword; the
    form field ``login`` is the fallback.
    """
    for field in ("email", settings.AXES_USERNAME_FORM_FIELD, "username"):
        value = normalise((credentials or {}).get(field))
        if value:
            return value
    if request is not None and request.method == "POST":
        return normalise(request.POST.get(settings.AXES_USERNAME_FORM_FIELD))
    return None


def client_ip(request: HttpRequest) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the client address as allauth's rate limits see it.

    ``REMOTE_ADDR`` unless ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies are trusted; then the address
    that many entries from the right of ``X-Forwarded-For`` (what the outermost trusted proxy saw).
    """

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all (a request built in code, e.g. force_login)
        return None


def rule_limit(rule: str | list[str] | tuple[str, ...]) -> int:
    key = (rule,) if isinstance(rule, str) else tuple(rule)
    if key not in RULE_LIMITS:
        raise ImproperlyConfigured(f"AXES_LOCKOUT_PARAMETERS: no limit for the rule {list(key)}")
    return int(getattr(settings, RULE_LIMITS[key]))


class AccountLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per rule (account + address, account).

    axes compares a single count with a single limit (``AXES_FAILURE_LIMIT``); ``get_failures``
    therefore answers with the count of the rule nearest its own limit, shifted onto that scale:
    it reaches ``AXES_FAILURE_LIMIT`` exactly when some rule reaches its limit.
    """

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        rules = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        named = bool(get_client_username(request, credentials))
        headroom = min(
            rule_limit(rule) - (queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0)
            for rule, queryset in zip(rules, attempts, strict=True)
            # Without an account name, "every attempt without one" is no account: only the pair
            # rule (no name + this address) applies.
            if named or "ip_address" in rule
        )
        return int(settings.AXES_FAILURE_LIMIT) - headroom

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """After a successful sign-in: forget that account's failures from this address only.

        Failures from other addresses keep counting towards the account's limit, and other accounts'
        failures from this address are untouched (axes' default deletes every rule's matches,
        which with a per-address rule would let any successful sign-in wipe an address's record).
        """
        # axes passes the user's *username* here, not an email: take the email typed in the form
        # and, for the two-step stage (where the sign-in completes, with no email in the form),
        # the user's emails.
        typed = [account_key(request)]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            typed.append(user.email)
            typed.extend(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        names = {name for name in map(normalise, typed) if name}
        if not names:
            return 0
        count, _ = AccessAttempt.objects.filter(
            username__in=names,
            ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        ).delete()
        return count


__all__ = ["AccountLockoutHandler", "account_key", "client_ip"]
