"""Public pages' content kept for everyone who sees the public version (README "Cache").

The page cache (:mod:`cocrea.core.pagecache`) stores whole pages, for visitors who are not signed
in. Anyone signed in (a citizen who comments, registers for meetings or follows their
contributions) gets every page built again: the header is theirs (their name, their links, a
sign-out form with their CSRF token), and a page built for them may not be stored for others.
Visitors not signed in also get pages built when the page cache is off or has just been emptied
by a write.

Yet what the page shows between the header and the footer is the same for a person signed in as
for the public when they hold no staff role (the audience, :func:`set_audience`; the accounts app
sets ``accounts.rules.sees_as_the_public``). So a public page's view renders through
:func:`render_public`, which keeps the page's own blocks (``title``, ``breadcrumbs`` and
``content`` of ``base.html``, each rendered with django-render-block) in the pages cache, and
builds around them the header, the messages and the footer of the person asking
(``core/kept_page.html``, which extends ``base.html``). The view's queries and computations run
only when the blocks are not kept (``build``): for a visitor not signed in, a page whose blocks
are kept costs no query at all.

**Key.** The blocks are kept under the page's path and query string, the language, the day (a page
may show today: the schedule's line, the dashboard's default date), the code release, and the
current versions of the scopes the view declares with :func:`pagecache.public_page`, read before
the view builds anything: a write that commits meanwhile replaces a version, so blocks built from
the data before it are kept under a key no later request asks for. Every write through any service
replaces the versions it touches (the page cache's invalidation and its property test, which
covers these blocks too).

**How long.** As long as a whole page is kept (``PAGE_CACHE_SECONDS``, 60 s): what changes with
time alone, with no write (a consultation closing at its hour, a meeting passing), is at most that
old, as on a page from the page cache.

**Who gets them.** The audience only. Staff, auditors, coordinators, editors, liaisons and points
of contact get the page built for them, as before. ``CONTENT_CACHE = False`` builds every page
every time (``bench/serve.py --content-cache off``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from render_block import render_block_to_string

from cocrea.core import pagecache

#: The blocks of ``base.html`` a public page fills: what is kept.
BLOCKS = ("title", "breadcrumbs", "content")
SHELL = "core/kept_page.html"

Built = tuple[str, Mapping[str, Any]]


def _not_signed_in(user: Any) -> bool:
    return not getattr(user, "is_authenticated", False)


_audience: Callable[[Any], bool] = _not_signed_in


def set_audience(test: Callable[[Any], bool]) -> None:
    """Who sees the public pages as the public does (``test(user)``); by default, visitors not
    signed in."""
    global _audience
    _audience = test


def _key(request: HttpRequest, for_signed_in: bool) -> str | None:
    """The key of this request's blocks; None when they are not to be kept."""
    if not settings.CONTENT_CACHE or request.method not in ("GET", "HEAD"):
        return None
    match = request.resolver_match
    declared = getattr(match.func, "public_page", None) if match is not None else None
    if match is None or declared is None:
        return None
    if not (_audience(request.user) if for_signed_in else _not_signed_in(request.user)):
        return None
    versions = pagecache.current_versions(pagecache.page_scopes(declared, match.kwargs))
    return pagecache.hashed_key(
        "c:",
        [
            pagecache.release(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            get_language() or "",
            timezone.localdate().isoformat(),
            *versions,
        ],
    )


def _shell(request: HttpRequest, blocks: Mapping[str, str]) -> HttpResponse:
    # The blocks are the page templates' own output, escaped when they were rendered.
    kept = {name: mark_safe(html) for name, html in blocks.items()}  # noqa: S308
    return render(request, SHELL, {"kept": kept})


def render_public(
    request: HttpRequest, build: Callable[[], Built], for_signed_in: bool = True
) -> HttpResponse:
    """The public page: its blocks as kept, or ``build()`` (the template and its context) rendered
    and kept, inside the header and footer of the person asking; built whole for anyone else.
    ``for_signed_in=False``: the page's own blocks change once a person signs in (the forms to
    comment, reply or follow), so only visitors not signed in get them kept."""
    key = _key(request, for_signed_in)
    if key is None:
        template, context = build()
        return render(request, template, context)
    store = caches[settings.PAGE_CACHE_PAGES]
    blocks = store.get(key)
    if blocks is None:
        earlier = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        template, context = build()
        blocks = {name: render_block_to_string(template, name, context, request) for name in BLOCKS}
        # A form with this person's CSRF token in the blocks: theirs alone, not kept (a safeguard:
        # the audience sees no form that needs one).
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        if earlier:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = earlier
        if not personal:
            store.set(key, blocks, timeout=settings.PAGE_CACHE_SECONDS)
    return _shell(request, blocks)
