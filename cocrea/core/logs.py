"""Logs: one JSON object per line in production, readable lines in development; a request id each.

Every request gets an id: the incoming ``X-Request-ID`` when it is sane (1–128 letters, digits and
``. _ : -``, as a load balancer or a proxy sends), else a new random one. It is returned in the
response's ``X-Request-ID`` header, set on the request (``request.request_id``), added to every log
line written while the request is served, and tagged on the Sentry event of an error. After the
response, one line says what was served: method, path (without the query string, which may carry
personal data), status and duration. ``LOG_FORMAT`` chooses ``json`` or ``text`` (settings.py).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import multiprocessing.util
import os
import re
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

import sentry_sdk
from django.http import HttpRequest, HttpResponseBase

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
REQUEST_LOGGER = "cocrea.request"
# Probes answer every few seconds: their lines are DEBUG, below the production level.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})
MAX_PATH = 500
# The attribute of a request line's record that holds its own fields (method, path, status, ...).
FIELDS = "_cocrea_fields"
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

_request_id: ContextVar[str | None] = ContextVar("cocrea_request_id", default=None)
request_logger = logging.getLogger(REQUEST_LOGGER)

# The attributes every LogRecord has: anything else on a record was passed as ``extra``.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def current_request_id() -> str | None:
    """The id of the request being served in this thread (None outside a request)."""
    return _request_id.get()


def request_id_from(header: str | None) -> str:
    """The incoming id when it is sane, else a new one (32 hexadecimal digits)."""
    if header and SANE_REQUEST_ID.fullmatch(header):
        return header
    return os.urandom(16).hex()  # what uuid4().hex gives, without building a UUID


def printable_path(path: str) -> str:
    """The path as it can go in a log line: control characters escaped, at most MAX_PATH long."""
    path = UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}", path)
    return path if len(path) <= MAX_PATH else path[:MAX_PATH] + "…"


def begin(request: HttpRequest, sentry: bool = True) -> Token[str | None]:
    """The request's id: on the request, in the logs, on Sentry's scope (``sentry``: inside
    Django's handler, where Sentry's integration gives each request its own scope). Pair with
    :func:`end`."""
    request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))
    request.request_id = request_id  # type: ignore[attr-defined]
    if sentry and sentry_sdk.get_client().is_active():
        sentry_sdk.set_tag("request_id", request_id)  # on this request's scope (DjangoIntegration)
    return _request_id.set(request_id)


def log_served(request: HttpRequest, status: int, started: float) -> None:
    """The request's line: method, path (no query string), status, duration since ``started``."""
    level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
    if not request_logger.isEnabledFor(level):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    path = printable_path(request.path)
    fields = {"method": request.method, "path": path, "status": status, "duration_ms": duration_ms}
    # The record made directly, not through Logger.log: no search of the stack for the caller,
    # which no line shows (a third of the cost of a cached page's line).
    record = request_logger.makeRecord(
        REQUEST_LOGGER,
        level,
        "",
        0,
        "%s %s %s %.1f ms",
        (request.method, path, status, duration_ms),
        None,
        extra={**fields, FIELDS: fields},
    )
    request_logger.handle(record)


def end(token: Token[str | None]) -> None:
    _request_id.reset(token)


def serve_logged(
    request: HttpRequest, respond: Callable[[HttpRequest], HttpResponseBase]
) -> HttpResponseBase:
    """``respond(request)`` with the request's id set (and in the response's header), then the
    request's line."""
    token = begin(request)
    started = time.perf_counter()
    try:
        response = respond(request)
        response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
        log_served(request, response.status_code, started)
        return response
    finally:
        end(token)


class RequestLogMiddleware:
    """First in MIDDLEWARE: the request id, then one line per request when the response is made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return serve_logged(request, self.get_response)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """What was passed as ``extra=``, when it is a plain value (a request object is left out).
    A request's line says which they are (``FIELDS``): its record is not searched for them."""
    fields = record.__dict__.get(FIELDS)
    if fields is not None:
        return fields  # type: ignore[no-any-return]
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _STANDARD and not key.startswith("_") and isinstance(value, str | int | float | bool)
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id when in a
    request, the extra fields (method, path, status, duration_ms for a request's line) and the
    traceback as ``exception``."""

    # One encoder for every line (``json.dumps`` with options builds a new one on each call).
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        for key, value in _extras(record).items():
            line.setdefault(key, value)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return self.encode(line)


class TextFormatter(logging.Formatter):
    """Readable lines for development: ``12:00:01 INFO cocrea.request [id] GET / 200 6.8 ms``."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s", "%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None) or current_request_id()
        record = logging.makeLogRecord(record.__dict__)  # a copy: other handlers see the record as it was
        record.request_id = request_id[:8] if request_id else "-"
        return super().format(record)


class BufferedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes its lines out together, as nginx's ``access_log … buffer=
    flush=`` does: when ``max_bytes`` are waiting, when the oldest waiting line is ``seconds`` old
    (checked at each line and by a timer thread of the process, so a quiet server's last lines
    come out too), at exit and on :meth:`flush`. One ``write`` for many lines instead of one
    each: on a busy server, writing each request's line was a good part of the cost of a cached
    page. Up to ``seconds`` of lines can be lost if the process is killed (``SIGKILL``); the other
    logs (warnings, errors) are written at once by their own handler. ``seconds`` 0 writes each
    line at once."""

    def __init__(self, stream: Any = None, seconds: float = 1.0, max_bytes: int = 64 * 1024) -> None:
        super().__init__(stream)
        self.seconds = seconds
        self.max_bytes = max_bytes
        self.pending: list[str] = []
        self.size = 0
        self.oldest = 0.0
        self.timer_pid = 0  # the process whose timer thread runs (a forked worker starts its own)
        atexit.register(self.flush)

    def emit(self, record: logging.LogRecord) -> None:
        if self.seconds <= 0:
            super().emit(record)
            return
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        now = time.monotonic()
        if not self.pending:
            self.oldest = now
        self.pending.append(line)
        self.size += len(line)
        if self.size >= self.max_bytes or now - self.oldest >= self.seconds:
            self._write()
        if self.timer_pid != os.getpid():  # the first line of this process
            self.timer_pid = os.getpid()
            threading.Thread(target=self._tick, name="cocrea-log-flush", daemon=True).start()
            # A worker process (granian's are multiprocessing's) ends without running atexit:
            # multiprocessing runs its own exit finalizers, registered in the process itself.
            multiprocessing.util.Finalize(None, self.flush, exitpriority=100)

    def _tick(self) -> None:
        pid = os.getpid()
        while self.timer_pid == pid:
            time.sleep(self.seconds)
            self.flush()

    def _write(self) -> None:
        if self.pending:
            text, self.pending, self.size = "".join(self.pending), [], 0
            # A stream closed or broken (at exit, a closed pipe): the lines are lost, nothing fails.
            with contextlib.suppress(OSError, ValueError):
                self.stream.write(text)
                self.stream.flush()

    def flush(self) -> None:
        with self.lock:  # type: ignore[union-attr]
            self._write()
            with contextlib.suppress(OSError, ValueError):
                super().flush()


def logging_config(log_format: str, level: str, buffer_seconds: float = 0) -> dict[str, Any]:
    """The LOGGING setting: every log to standard error, as JSON lines or as text.

    The request lines (``cocrea.request``) are INFO whatever the root level, so that a production
    server says what it served. In text mode they replace the development server's own lines.
    They are written out together every ``buffer_seconds`` (:class:`BufferedStreamHandler`; 0: each
    at once)."""
    formatter = "json" if log_format == "json" else "text"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "cocrea.core.logs.JsonFormatter"},
            "text": {"()": "cocrea.core.logs.TextFormatter"},
        },
        "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": formatter},
            "requests": {
                "()": "cocrea.core.logs.BufferedStreamHandler",
                "seconds": buffer_seconds,
                "formatter": formatter,
            },
            # As in Django's default: errors emailed to ADMINS (when there are any) in production.
            "mail_admins": {
                "level": "ERROR",
                "filters": ["require_debug_false"],
                "class": "django.utils.log.AdminEmailHandler",
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            REQUEST_LOGGER: {"level": "INFO", "handlers": ["requests"], "propagate": False},
            # Django's errors once, through the root handler (its default also printed them to a
            # console handler of its own in development).
            "django": {"handlers": ["mail_admins"], "level": "INFO"},
            # runserver's own request lines: ours say the same with the id and the duration.
            "django.server": {"level": "WARNING"},
            # granian's own lines (start, workers, stop) in the same format; its access log is off.
            "_granian": {"level": level, "handlers": ["console"], "propagate": False},
            "granian.access": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        },
    }
