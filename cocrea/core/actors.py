"""Who did it: the signed-in person behind a service call's ``by``, for "recorded by" fields."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User


def acting_user(by: User | AnonymousUser | None) -> User | None:
    """``by`` when it is a signed-in account; ``None`` for an anonymous visitor or the system."""
    return by if isinstance(by, User) and by.is_authenticated else None
