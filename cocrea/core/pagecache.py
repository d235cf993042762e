"""The public page cache: anonymous public pages stored whole, invalidated by versions (README "Cache").

**Scopes and versions.** A scope is a name for a part of what the public sees: ``site`` (anything
the home page shows), ``tree:<plan>/<number>/<milestone>/<document>`` (a plan, commitment,
milestone or draft document and everything beneath it, named by the natural keys of its address),
``meeting:<id>``, ``titles`` (the names shown in navigation everywhere), ``people``,
``organizations``, ``catalogue``, and ``gen`` (everything). Each scope has a version: a random
token in the ``versions`` cache, replaced when a write that touches the scope commits.

**Writes.** Every ORM write (``post_save``, ``post_delete``, ``m2m_changed``) of a registered model
is mapped to the scopes it touches by a function the model's own app registers with
:func:`register` (``<app>/scopes.py``); the versions are replaced by ``transaction.on_commit``, once
per scope and transaction. Writes that send no signal (``QuerySet.update``, ``bulk_create``) call
:func:`touched` (or :func:`bump`); a whole-database change (loading the demo) calls :func:`bump_all`.

**Pages.** A view marked with :func:`public_page` names the scopes it shows, from its URL
arguments. :class:`PageCacheMiddleware` builds the key of an anonymous GET or HEAD from the code
release, scheme, host, path, query string, language, and the current versions of those scopes, and
serves the stored page when there is one, before sessions, authentication and the view run.
Otherwise the view runs, and a 200 without cookies, without a CSRF token, for a visitor who is not
signed in, is stored under the versions read *before* it ran (a write committed meanwhile leaves
an entry no later request asks for). Public pages carry ``ETag``, ``Last-Modified`` and
``Cache-Control: public, max-age=PAGE_CACHE_SECONDS, must-revalidate``; a conditional request
that matches gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from http.client import responses
from pathlib import Path
from typing import Any, NamedTuple, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.http.cookie import parse_cookie
from django.urls import Resolver404, get_resolver
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import get_supported_language_variant

from cocrea.core import logs

GENERATION = "gen"
SITE = "site"
TITLES = "titles"
PEOPLE = "people"
ORGANIZATIONS = "organizations"
CATALOGUE = "catalogue"
ADDRESS_PARTS = ("plan", "number", "milestone", "document")

ScopeFunction = Callable[[Any], Iterable[str]]
_SCOPES: dict[type[models.Model], ScopeFunction] = {}

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


# -- Scopes: the names ------------------------------------------------------------------------


def tree(kwargs: Mapping[str, Any]) -> str:
    """The scope of the deepest object an address names: ``tree:gpat/11/1``."""
    return "tree:" + "/".join(str(kwargs[part]) for part in ADDRESS_PARTS if part in kwargs)


def chain(kwargs: Mapping[str, Any]) -> list[str]:
    """Every scope a write beneath the object ``kwargs`` names touches: the site, then the plan,
    the commitment, the milestone, the document it sits in (each page of an ancestor lists or
    counts what is beneath it)."""
    parts = [str(kwargs[part]) for part in ADDRESS_PARTS if part in kwargs]
    return [SITE, *("tree:" + "/".join(parts[: n + 1]) for n in range(len(parts)))]


def meeting(pk: Any) -> str:
    return f"meeting:{pk}"


# -- Writes: from a model instance to the scopes it touches --------------------------------------


def register(*models_: type[models.Model]) -> Callable[[ScopeFunction], ScopeFunction]:
    """Register ``function(instance) -> scopes`` for these models (called from an app's ready())."""

    def decorator(function: ScopeFunction) -> ScopeFunction:
        for model in models_:
            _SCOPES[model] = function
        return function

    return decorator


class _Pending(threading.local):
    def __init__(self) -> None:
        self.hooks: list[Any] | None = None
        self.scheduled: dict[tuple[Any, ...], set[str]] = {}
        self.memo: dict[Any, Any] = {}


_pending = _Pending()


def memo(key: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per transaction (the natural keys of a parent read once for a whole
    import, not once a row)."""
    _current_transaction(transaction.get_connection())
    if key not in _pending.memo:
        _pending.memo[key] = compute()
    return _pending.memo[key]


def _current_transaction(connection: Any) -> None:
    # Django replaces connection.run_on_commit by a new list when a transaction commits or rolls
    # back, and when a savepoint rolls back: a new list means what was scheduled may be gone.
    if _pending.hooks is not connection.run_on_commit:
        _pending.hooks = connection.run_on_commit
        _pending.scheduled = {}
        _pending.memo = {}


def new_token() -> str:
    return secrets.token_hex(8)


class _Stores(threading.local):
    """This thread's caches of pages and versions, as ``caches[...]`` gives them, kept: looking
    them up there costs more than making a page's key. Looked up again after a setting changes
    (a test's ``CACHES``)."""

    generation = -1
    pages: Any = None
    versions: Any = None


_stores = _Stores()
_settings_generation = 0


def _current_stores() -> _Stores:
    stores = _stores
    if stores.generation != _settings_generation:
        stores.pages = caches[settings.PAGE_CACHE_PAGES]
        stores.versions = caches[settings.PAGE_CACHE_VERSIONS]
        stores.generation = _settings_generation
    return stores


def _pages_cache() -> Any:
    return _current_stores().pages


def _versions_cache() -> Any:
    return _current_stores().versions


def _bump_now(scopes: Iterable[str]) -> None:
    _versions_cache().set_many({f"v:{scope}": new_token() for scope in scopes}, timeout=None)
    _read_versions.forget()


def bump(*scopes: str, using: str = "default") -> None:
    """Replace the versions of these scopes when the current transaction commits (at once outside
    one). Once per scope and transaction: a savepoint rolled back takes its hooks with it, so a
    scope is scheduled again after one."""
    wanted = set(scopes)
    if not wanted:
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        _bump_now(wanted)
        return
    _current_transaction(connection)
    stack = tuple(connection.savepoint_ids)
    covered: set[str] = set()
    for depth in range(len(stack) + 1):
        covered |= _pending.scheduled.get(stack[:depth], set())
    fresh = wanted - covered
    if fresh:
        _pending.scheduled.setdefault(stack, set()).update(fresh)
        transaction.on_commit(lambda: _bump_now(fresh), using=using)
        _pending.hooks = connection.run_on_commit


def scopes_of(instance: models.Model) -> set[str]:
    function = _SCOPES.get(type(instance)._meta.concrete_model or type(instance))
    if function is None:
        return set()
    try:
        return set(function(instance))
    except Exception:
        return {GENERATION}


def touched(*instances: models.Model) -> None:
    """For writes that send no signal (``QuerySet.update``, ``bulk_create``, ``bulk_update``)."""
    scopes: set[str] = set()
    for instance in instances:
        scopes |= scopes_of(instance)
    bump(*scopes)


def bump_all() -> None:
    """Every cached page is old (a whole database loaded, restored or rebuilt)."""
    bump(GENERATION)


def _on_write(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or sender not in _SCOPES:
        return
    bump(*scopes_of(instance), using=kwargs.get("using") or "default")


def _on_m2m(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_write(type(instance), instance, using=kwargs.get("using"))
        model = kwargs.get("model")
        if model in _SCOPES and kwargs.get("pk_set"):
            for other in model._default_manager.filter(pk__in=kwargs["pk_set"]):
                _on_write(model, other, using=kwargs.get("using"))


def connect() -> None:
    post_save.connect(_on_write, dispatch_uid="cocrea_pagecache_save")
    post_delete.connect(_on_write, dispatch_uid="cocrea_pagecache_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="cocrea_pagecache_m2m")


# -- Pages ----------------------------------------------------------------------------------


def public_page(*scopes: str | Callable[[Mapping[str, Any]], Iterable[str]]) -> Callable[[V], V]:
    """Mark a view as a public page that anonymous visitors may be served from the cache. Each
    argument is a scope, or a function of the URL arguments returning scopes. Every page also
    depends on ``gen``."""

    def decorator(view: V) -> V:
        view.public_page = scopes  # type: ignore[attr-defined]
        return view

    return decorator


def page_scopes(declared: Iterable[Any], kwargs: Mapping[str, Any]) -> list[str]:
    names = [GENERATION]
    for scope in declared:
        if callable(scope):
            names.extend(scope(kwargs))
        else:
            names.append(scope)
    return names


class _VersionsRead:
    """What this process last read of the versions, kept while their directory is unchanged.

    With the embedded default the versions are files in one directory (a ``FileBasedCache``), and
    every write of one (``set``, ``add``, a cull) creates and renames a file there, which changes
    the directory's modification time. So one ``stat`` tells whether anything changed since the
    versions were read, instead of one file read per scope. A time stamp is trusted only when it is
    older than ``SETTLED_NS`` at the moment it was seen (the racy-git rule): a file system's clock
    ticks coarsely, and a write in the same tick as an earlier one could leave the same time.
    A shared cache (Redis) is read as it is: one ``get_many`` is one round trip."""

    SETTLED_NS = 2_000_000_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stamp: int | None = None
        self.values: dict[str, str] = {}

    def forget(self) -> None:
        with self.lock:
            self.stamp = None
            self.values = {}

    @staticmethod
    def stamp_of(store: Any) -> int | None:
        if not isinstance(store, FileBasedCache):
            return None
        try:
            directory: str = store._dir  # type: ignore[attr-defined]  # where it writes its files
            return os.stat(directory).st_mtime_ns
        except OSError:
            return None

    def get(self, stamp: int | None, keys: Sequence[str]) -> list[str] | None:
        """The kept versions under these keys, in order; None unless all are kept for this stamp."""
        with self.lock:
            if stamp is None or stamp != self.stamp:
                return None
            values = self.values
            try:
                return [values[key] for key in keys]
            except KeyError:
                return None

    def keep(self, stamp: int | None, seen_at: int, found: Mapping[str, Any]) -> None:
        if stamp is None or seen_at - stamp < self.SETTLED_NS:
            return
        with self.lock:
            if stamp != self.stamp:
                self.stamp, self.values = stamp, {}
            self.values.update((key, str(value)) for key, value in found.items())


_read_versions = _VersionsRead()


def current_versions(scopes: Iterable[str]) -> list[str]:
    """The versions of these scopes, in order; a scope never bumped (or evicted) gets one now."""
    return _versions([f"v:{scope}" for scope in scopes])


def _versions(keys: Sequence[str]) -> list[str]:
    """The versions under these keys (``v:<scope>``), in order."""
    store = _versions_cache()
    seen_at = time.time_ns()
    stamp = _read_versions.stamp_of(store)
    kept = _read_versions.get(stamp, keys)
    if kept is not None:
        return kept
    found = store.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            store.add(key, new_token(), timeout=None)
        found.update(store.get_many(missing))
    else:
        _read_versions.keep(stamp, seen_at, found)
    return [str(found.get(key, "")) for key in keys]


@lru_cache(maxsize=1)
def release() -> str:
    """The code, templates and translations this process serves (a hash of the package's files,
    their sizes and times): a page stored by another release is never served."""
    digest = hashlib.blake2b(digest_size=8)
    root = Path(__file__).resolve().parent.parent
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".html", ".mo", ".txt", ".svg", ".css", ".js"}:
            stat = path.stat()
            digest.update(f"{path.relative_to(root)}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _static_prefix() -> str:
    return "/" + str(settings.STATIC_URL).lstrip("/")


def _supported_language(code: str) -> str:
    try:
        return str(get_supported_language_variant(code))
    except LookupError:
        return str(settings.LANGUAGE_CODE)


def _language(cookies: Mapping[str, str]) -> str:
    code = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    return _supported_language(code) if code else str(settings.LANGUAGE_CODE)


def language_of(request: HttpRequest) -> str:
    """The language LocaleMiddleware will choose: the language cookie, else Spanish (the browser's
    Accept-Language is ignored, see portal.middleware)."""
    return _language(request.COOKIES)


def _signed_in_cookies(cookies: Mapping[str, str]) -> bool:
    # Without a session cookie the visitor is anonymous and has no pending message; with one, the
    # cache stays out of the way whatever the session holds.
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def _may_be_signed_in(request: HttpRequest) -> bool:
    return _signed_in_cookies(request.COOKIES)


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a CSRF token was written into the page
        return False
    control = response.get("Cache-Control", "")
    if any(word in control for word in ("private", "no-store", "no-cache")):
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _public_headers(etag: str, last_modified: float) -> list[tuple[str, str]]:
    seconds = settings.PAGE_CACHE_SECONDS
    return [
        ("ETag", etag),
        ("Last-Modified", http_date(last_modified)),
        ("Cache-Control", f"public, max-age={seconds}, must-revalidate"),
    ]


def _vary(response: HttpResponseBase, *more: str) -> HttpResponseBase:
    # The language and the session are cookies: a shared cache must tell visitors apart by them
    # (and by Accept-Encoding when the page is also stored compressed).
    patch_vary_headers(response, ("Cookie", *more))
    return response


# -- Compressed copies -------------------------------------------------------------------------

GZIP_LEVEL = 6
GZIP_MIN_BYTES = 512  # below this a compressed copy saves less than its headers cost
_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg")


@lru_cache(maxsize=256)
def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` header accepts gzip: ``gzip`` (or ``x-gzip``) listed with a
    non-zero quality, else ``*`` listed with one. A quality that is not a number refuses."""
    if not header:
        return False
    qualities: dict[str, float] = {}
    for part in header.split(","):
        name, _sep, parameters = part.partition(";")
        quality = 1.0
        for parameter in parameters.split(";"):
            key, _sep, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        qualities.setdefault(name.strip().lower(), quality)
    for name in ("gzip", "x-gzip", "*"):
        if name in qualities:
            return qualities[name] > 0
    return False


def _compressed(response: HttpResponseBase, content: bytes) -> bytes | None:
    """The body gzip-compressed, when the page is text worth compressing (computed once, when it
    is stored). A cached page holds no secret (no CSRF token, nobody's data: it is the same for
    every anonymous visitor), so compressing it gives BREACH nothing to find."""
    if len(content) < GZIP_MIN_BYTES or response.has_header("Content-Encoding"):
        return None
    if not str(response.get("Content-Type", "")).startswith(_COMPRESSIBLE):
        return None
    compressed = gzip.compress(content, compresslevel=GZIP_LEVEL, mtime=0)
    return compressed if len(compressed) < len(content) else None


# -- Stored pages --------------------------------------------------------------------------------

# Headers the cache writes itself; a stored page's others are kept as the layers below made them.
_OWN_HEADERS = frozenset({"cache-control", "etag", "last-modified", "expires"})

# A stored representation of a page: its body, the headers a 200 sends (the public ones
# included), its ETag, when it was stored, its Vary. A page is stored twice, under its key as it
# is (identity) and under its key + GZIP_SUFFIX as a client that accepts gzip gets it
# (compressed, or as it is when not worth compressing): a hit is one read, of what it sends.
Stored = tuple[bytes, list[tuple[str, str]], str, float, str]
GZIP_SUFFIX = ":gzip"


def _representations(response: HttpResponseBase) -> tuple[Stored, Stored]:
    """What is stored of a page: its body and every header a hit sends, the public ones included
    (identity), and the same for its gzip-compressed copy (its own ETag and length,
    ``Content-Encoding``), or identity again when the page is not worth compressing."""
    content = response.content  # type: ignore[attr-defined]
    digest = hashlib.blake2b(content, digest_size=16).hexdigest()
    last_modified = time.time()
    compressed = _compressed(response, content)
    _vary(response, *(("Accept-Encoding",) if compressed is not None else ()))
    vary = response["Vary"]
    headers = [(name, value) for name, value in response.items() if name.lower() not in _OWN_HEADERS]
    etag = f'"{digest}"'
    identity_headers = [*headers, *_public_headers(etag, last_modified)]
    if not response.has_header("Content-Length"):
        identity_headers.append(("Content-Length", str(len(content))))  # a HEAD says what a GET would
    identity = (content, identity_headers, etag, last_modified, vary)
    if compressed is None:
        return identity, identity
    gzip_etag = f'"{digest}-gzip"'
    gzip_headers = [
        *(item for item in headers if item[0].lower() != "content-length"),
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(compressed))),
        *_public_headers(gzip_etag, last_modified),
    ]
    return identity, (compressed, gzip_headers, gzip_etag, last_modified, vary)


def _not_modified(meta: Mapping[str, Any], etag: str, last_modified: float) -> bool:
    """Whether a conditional request (its ``If-None-Match``, else its ``If-Modified-Since``)
    matches the representation it would be sent."""
    if_none_match = meta.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        etags = parse_etags(if_none_match)
        return etag in etags or "*" in etags
    since = parse_http_date_safe(meta.get("HTTP_IF_MODIFIED_SINCE", ""))
    return since is not None and int(last_modified) <= since


def _conditional(meta: Mapping[str, Any]) -> bool:
    return "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta


def _response_of(
    meta: Mapping[str, Any], method: str, stored: Stored
) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of a stored representation for this request: the page with its
    headers as stored, or a 304 with its public headers and ``Vary``; no body for a HEAD."""
    body, headers, etag, last_modified, vary = stored
    if _conditional(meta) and _not_modified(meta, etag, last_modified):
        return 304, [*_public_headers(etag, last_modified), ("Vary", vary)], b""
    return 200, headers, (b"" if method == "HEAD" else body)


def _answer(request: HttpRequest, stored: Stored) -> HttpResponseBase:
    status, headers, body = _response_of(request.META, request.method or "GET", stored)
    response: HttpResponseBase
    if status == 304:
        response = HttpResponseNotModified()
        for name, value in headers:
            response[name] = value
        return response
    return HttpResponse(body, status=200, headers=dict(headers))


class _Declared:
    """Which paths are public pages (their scopes and URL arguments), resolved once per path and
    process: a cache hit then costs no URL resolution. Bounded; emptied when the URL
    configuration changes (a test's ``ROOT_URLCONF``)."""

    LIMIT = 4096

    def __init__(self) -> None:
        self.resolver: Any = None
        self.paths: dict[str, tuple[Any, dict[str, Any]] | None] = {}

    def __call__(self, path: str) -> tuple[Any, dict[str, Any]] | None:
        resolver = get_resolver()
        if resolver is not self.resolver:
            self.resolver, self.paths = resolver, {}
        try:
            return self.paths[path]
        except KeyError:
            pass
        try:
            match = resolver.resolve(path)
        except Resolver404:
            found = None
        else:
            scopes = getattr(match.func, "public_page", None)
            found = None if scopes is None else (scopes, match.kwargs)
        if len(self.paths) >= self.LIMIT:
            self.paths = {}
        self.paths[path] = found
        return found


_declared_pages = _Declared()


class _Address(NamedTuple):
    """What a page's key takes from its address: the release, scheme, host and path joined
    (``prefix``), and the keys of the versions of the scopes the page shows."""

    prefix: str
    version_keys: tuple[str, ...]
    path: str


def _address(request: HttpRequest, declared: tuple[Any, dict[str, Any]]) -> _Address | None:
    """The address of this request of a public page; None for a host not allowed."""
    scopes, kwargs = declared
    try:
        host = request.get_host()
    except Exception:
        return None
    prefix = "\n".join([release(), request.scheme or "", host, request.path])
    return _Address(prefix, tuple(f"v:{scope}" for scope in page_scopes(scopes, kwargs)), request.path)


def hashed_key(kind: str, parts: Iterable[str]) -> str:
    """A cache key: ``kind`` and the hash of ``parts`` (each on its line)."""
    material = "\n".join(parts)
    return kind + hashlib.blake2b(material.encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def _page_key(address: _Address, query_string: str, language: str) -> str:
    """The key of a page: its address, query string, language, and the current versions of the
    scopes it shows."""
    return hashed_key("p:", [address.prefix, query_string, language, *_versions(address.version_keys)])


def _key(request: HttpRequest, declared: tuple[Any, dict[str, Any]]) -> str | None:
    """The key of this anonymous GET or HEAD of a public page (without GZIP_SUFFIX); None for a
    host not allowed."""
    address = _address(request, declared)
    if address is None:
        return None
    return _page_key(address, request.META.get("QUERY_STRING", ""), language_of(request))


def _declared(request: HttpRequest) -> tuple[Any, dict[str, Any]] | None:
    if not settings.PAGE_CACHE or request.path_info.startswith(_static_prefix()):
        return None
    return _declared_pages(request.path_info)


def _cacheable(request: HttpRequest) -> bool:
    return request.method in ("GET", "HEAD") and not _may_be_signed_in(request)


class PageCacheMiddleware:
    """Serves and stores anonymous public pages (see the module's docstring). It comes before the
    security middleware: a stored page carries the headers every layer below it added (security,
    CSP, language), and a hit returns at once. The scheme is in the key, so a plain-HTTP request
    never gets a page stored for HTTPS and meets the HTTPS redirect below."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        declared = _declared(request)
        if declared is None:
            return self.get_response(request)
        if not _cacheable(request):
            return self._private(self.get_response(request))
        key = _key(request, declared)
        if key is None:
            return self.get_response(request)
        store = _pages_cache()
        compressed = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING"))
        stored = store.get(key + GZIP_SUFFIX if compressed else key)
        if stored is not None:
            return _answer(request, stored)
        response = self.get_response(request)
        if not _storable(request, response):
            return self._private(response)
        identity, for_gzip = _representations(response)
        store.set_many({key: identity, key + GZIP_SUFFIX: for_gzip}, timeout=settings.PAGE_CACHE_SECONDS)
        return _answer(request, for_gzip if compressed else identity)

    @staticmethod
    def _private(response: HttpResponseBase) -> HttpResponseBase:
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-cache"
        return response


class _Addresses:
    """What the front knows of each address it has met, by the values of the WSGI environment
    that decide it (scheme, host, path: what Django's request makes of them), kept per process:
    None when it is not a public page, is a static file or a host not allowed (Django answers
    it), else its :class:`_Address`. Made once per address through Django's own request (the same
    ``_declared`` and ``_address`` as the middleware's), so that the front's key is the
    middleware's. Bounded; emptied when a setting changes (a test's), with the settings it reads
    on every request."""

    LIMIT = 4096
    # What WSGIRequest's scheme, get_host() and path read of the environment (with the header
    # SECURE_PROXY_SSL_HEADER names, added when the settings are read).
    ENVIRON = (
        "wsgi.url_scheme",
        "HTTP_HOST",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PORT",
        "SERVER_NAME",
        "SERVER_PORT",
        "SCRIPT_NAME",
        "SCRIPT_URL",
        "REDIRECT_URL",
        "PATH_INFO",
    )

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.known: dict[tuple[Any, ...], _Address | None] = {}
        self.settings: tuple[Any, ...] | None = None

    def read_settings(self) -> tuple[Any, ...]:
        """(on, the environment's names, session cookie, language cookie, language), read once."""
        if self.settings is None:
            proxy_header = settings.SECURE_PROXY_SSL_HEADER
            self.settings = (
                bool(settings.PAGE_CACHE),
                self.ENVIRON + ((proxy_header[0],) if proxy_header else ()),
                settings.SESSION_COOKIE_NAME,
                settings.LANGUAGE_COOKIE_NAME,
                str(settings.LANGUAGE_CODE),
            )
        return self.settings

    def __call__(self, environ: Mapping[str, Any], names: tuple[str, ...]) -> _Address | None:
        seen = tuple([environ.get(name) for name in names])
        try:
            return self.known[seen]
        except KeyError:
            pass
        request = WSGIRequest(dict(environ))
        declared = _declared(request)
        found = None if declared is None else _address(request, declared)
        with self.lock:
            if len(self.known) >= self.LIMIT:
                self.known = {}
            self.known[seen] = found
        return found


_addresses = _Addresses()


def _settings_changed(**_kwargs: Any) -> None:
    global _settings_generation
    _settings_generation += 1
    _addresses.forget()


setting_changed.connect(_settings_changed, dispatch_uid="cocrea_pagecache_settings")


def _stored(environ: Mapping[str, Any]) -> tuple[Stored, str] | None:
    """What :class:`PageCacheMiddleware` would answer this GET or HEAD from, and the page's path;
    None when it would pass the request on (not a public page, a visitor who may be signed in,
    not stored). Read from the WSGI environment: what the key needs, nothing else."""
    on, names, session_cookie, language_cookie, language = _addresses.read_settings()
    if not on:
        return None
    cookie_header = environ.get("HTTP_COOKIE")
    if cookie_header:  # as request.COOKIES and the middleware read them
        cookies = parse_cookie(cookie_header)
        if session_cookie in cookies or "messages" in cookies:
            return None
        code = cookies.get(language_cookie)
        if code:
            language = _supported_language(code)
    address = _addresses(environ, names)
    if address is None:
        return None
    key = _page_key(address, environ.get("QUERY_STRING", ""), language)
    if accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")):
        key += GZIP_SUFFIX
    stored = _pages_cache().get(key)
    return None if stored is None else (stored, address.path)


class _Served:
    """What logs.begin and logs.log_served read of a request (its environment as ``META``, method,
    path) and the id they give it: a hit builds no Django request."""

    __slots__ = ("META", "method", "path", "request_id")

    def __init__(self, environ: Mapping[str, Any], path: str) -> None:
        self.META = environ
        self.method = environ["REQUEST_METHOD"]
        self.path = path


class CachedPagesFirst:
    """The WSGI application in front of Django's (cocrea/wsgi.py): a stored page is answered here,
    with the request's id and log line (cocrea/core/logs.py) and nothing else, exactly as the
    middleware would answer it; anything else goes to Django. What it saves on a hit is Django's
    request handling around the middleware: the request object, the request signals (which close
    old database connections and caches), the URL prefix, the response object. A hit touches no
    database. Any error here leaves the request to Django, whose middleware meets it again and
    reports it."""

    def __init__(self, django_application: Callable[..., Any]) -> None:
        self.django_application = django_application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            started = time.perf_counter()
            try:
                found = _stored(environ)
            except Exception:
                found = None
            if found is not None:
                return self._serve(environ, *found, start_response, started)
        return self.django_application(environ, start_response)

    @staticmethod
    def _serve(
        environ: dict[str, Any],
        stored: Stored,
        path: str,
        start_response: Callable[..., Any],
        started: float,
    ) -> list[bytes]:
        request = cast(HttpRequest, _Served(environ, path))
        # Nothing is reported to Sentry from here, and no request scope of its own surrounds it.
        token = logs.begin(request, sentry=False)
        try:
            status, headers, body = _response_of(environ, environ["REQUEST_METHOD"], stored)
            start_response(
                f"{status} {responses[status]}",
                [*headers, (logs.REQUEST_ID_HEADER, request.request_id)],  # type: ignore[attr-defined]
            )
            logs.log_served(request, status, started)
            return [body]
        finally:
            logs.end(token)


def forget_scheduled() -> None:
    """Forget what this thread scheduled. For tests: Django's ``captureOnCommitCallbacks`` runs
    the hooks of a still-open transaction without clearing them."""
    _pending.hooks = None


# -- What public pages show, by their URL arguments ---------------------------------------------


def address(kwargs: Mapping[str, Any]) -> list[str]:
    """A page of a plan, commitment, milestone or document: that object and everything beneath
    it, the names in the navigation, people's public names, organisations, catalogue links."""
    return [TITLES, PEOPLE, ORGANIZATIONS, CATALOGUE, tree(kwargs)]


def meeting_page(kwargs: Mapping[str, Any]) -> list[str]:
    return [TITLES, PEOPLE, ORGANIZATIONS, meeting(kwargs["meeting"])]


def column(model: type[models.Model], pk: Any, field: str) -> Any:
    """One column of one row (a parent's id or key), read once per transaction."""
    return memo(
        (model._meta.label, pk, field),
        lambda: model._default_manager.filter(pk=pk).values_list(field, flat=True).get(),
    )
