"""Who did it: the signed-in person behind a service call's ``by``, for "recorded by" fields."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User


def acting_user(by: User | AnonymousUser | None) -> User | None:
    """``by`` when it is a signed-in account; ``None`` for an anonymous visitor or the system."""
    return by if isinstance(by, User) and by.is_authenticated else None


def account_named(email: str) -> User | None:
    """The account an import command's ``--as EMAIL`` names (``None`` for no email: the system);
    :class:`LookupError` when there is no such account."""
    if not email:
        return None
    from django.contrib.auth import get_user_model

    found = get_user_model().objects.filter(email__iexact=email).first()
    if found is None:
        raise LookupError(email)
    return found
