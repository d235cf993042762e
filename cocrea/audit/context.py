"""Who is writing, and through which path: set once per request, command or import.

Every write the ORM makes inside :func:`acting_as` is attributed to that actor and source by
the signal handlers in :mod:`cocrea.audit.signals`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

SYSTEM_LABEL = "sistema"


@dataclass(frozen=True)
class Actor:
    user: Any | None  # a User, or None for the system
    source: str  # web, admin, import, cli, api, system
    # Entries written in this scope, by (content type id, object id): later changes to the same
    # object in the same request, command or import amend its entry instead of adding one.
    written: dict[tuple[int, str], int] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        if self.user is None:
            return SYSTEM_LABEL
        return getattr(self.user, "email", "") or getattr(self.user, "username", "") or str(self.user.pk)


_current: ContextVar[Actor | None] = ContextVar("cocrea_audit_actor", default=None)


def current_actor() -> Actor:
    """The actor in scope; outside any scope, the system (each write its own entry)."""
    return _current.get() or Actor(None, "system")


@contextmanager
def acting_as(user: Any | None, source: str) -> Iterator[Actor]:
    actor = Actor(user if getattr(user, "is_authenticated", False) else None, source)
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def operation(source: str = "system") -> Iterator[Actor]:
    """One write operation: reuse the scope in force, or open a system one.

    Services wrap their writes in it so that each object changed gets one entry per operation
    even when the service is called outside a request or a command.
    """
    actor = _current.get()
    if actor is not None:
        yield actor
        return
    with acting_as(None, source) as opened:
        yield opened
