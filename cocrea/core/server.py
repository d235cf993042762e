"""``cocrea serve``: the production server (granian, WSGI); ``cocrea serve --dev``: Django's own.

Granian was chosen over gunicorn on figures (``bench/serve.py``, README "Operations"): on the seed
pages against PostgreSQL it was as fast or faster at one connection and at 32, with no failed
request, and about five times faster on a bare 20-byte response (it keeps connections alive). Each
worker process runs one request at a time (one blocking thread): several threads per worker lost
most requests against PostgreSQL in an earlier measurement, and on CPU-bound pages they buy nothing.

Where it listens: ``--host`` or ``LISTEN_HOST`` (default ``127.0.0.1``; a container needs
``0.0.0.0``), ``--port`` or ``PORT`` (default 8000). How many worker processes: ``--workers`` or
``WEB_CONCURRENCY``, by default one per CPU this process may use. A worker that dies is replaced;
on SIGTERM or Ctrl-C the workers finish the requests they hold (30 seconds at most) and stop.
Requests are logged by Cocrea itself (``cocrea.core.logs``), so granian's access log stays off and
its own lines go through the same handler and format as Cocrea's (``LOG_FORMAT``).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from django.utils.translation import gettext as _

WSGI_TARGET = "cocrea.wsgi:application"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
SHUTDOWN_SECONDS = 30


def default_workers() -> int:
    """``WEB_CONCURRENCY`` when set, else the CPUs this process may run on (its affinity, which a
    container's CPU set limits), at least one."""
    value = os.environ.get("WEB_CONCURRENCY", "").strip()
    if value:
        return max(1, int(value))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # platforms without sched_getaffinity
        return max(1, os.cpu_count() or 1)


def default_host() -> str:
    return os.environ.get("LISTEN_HOST", "").strip() or DEFAULT_HOST


def default_port() -> int:
    return int(os.environ.get("PORT", "").strip() or DEFAULT_PORT)


def parser(program: str = "cocrea serve") -> argparse.ArgumentParser:
    """The options, their help in the active language (Django is set up by then)."""
    found = argparse.ArgumentParser(
        prog=program,
        description=_(
            "Sirve Cocrea con el servidor de producción (granian); con --dev, con el servidor "
            "de desarrollo de Django, que recarga el código al cambiar."
        ),
    )
    found.add_argument(
        "--dev", action="store_true", help=_("el servidor de desarrollo (runserver), con recarga")
    )
    found.add_argument("--host", help=_("dirección en la que escuchar (LISTEN_HOST; 127.0.0.1)"))
    found.add_argument("--port", type=int, help=_("puerto (PORT; 8000)"))
    found.add_argument(
        "--workers", type=int, help=_("procesos de trabajo (WEB_CONCURRENCY; por omisión, uno por CPU)")
    )
    found.add_argument("addrport", nargs="?", help=_("con --dev: dirección:puerto, como runserver"))
    return found


def granian_options(args: argparse.Namespace, logging_config: dict[str, Any] | None) -> dict[str, Any]:
    """The keyword arguments of ``granian.Granian`` for these options and this environment."""
    # lazy: granian's enums, only when the production server is started
    from granian.constants import Interfaces

    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1:
        raise SystemExit(str(_("--workers debe ser 1 o más.")))
    return {
        "target": WSGI_TARGET,
        "address": args.host or default_host(),
        "port": args.port if args.port is not None else default_port(),
        "interface": Interfaces.WSGI,
        "workers": workers,
        "blocking_threads": 1,
        "websockets": False,
        "respawn_failed_workers": True,
        "workers_kill_timeout": SHUTDOWN_SECONDS,
        "log_access": False,
        "log_dictconfig": logging_config,
    }


def runserver_argv(program: str, args: argparse.Namespace) -> list[str]:
    """``cocrea serve --dev [addrport]``: Django's development server, autoreloading."""
    address = args.addrport or f"{args.host or default_host()}:{args.port or default_port()}"
    return [program, "runserver", address]


def print_help(program: str) -> None:
    """``cocrea help serve``: the options, in the site's language."""
    # lazy: Django is loaded only when the console asks for it
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    translation.activate(settings.LANGUAGE_CODE)
    parser(f"{os.path.basename(program) or 'cocrea'} serve").print_help()


def main(argv: list[str]) -> None:
    """``argv`` as the console gives it: ``["cocrea", "serve", ...options]``.

    Django is set up and its system checks run here, once, before any worker starts: a missing
    secret or a broken setting stops ``cocrea serve`` with its message instead of killing every
    worker as it starts (granian would start them again and again)."""
    # lazy: the console command imports this module only for `serve`, so Django loads only then
    import django
    from django.conf import settings
    from django.core.management import call_command, execute_from_command_line
    from django.db import connections
    from django.utils import translation

    django.setup()
    translation.activate(settings.LANGUAGE_CODE)
    args = parser(f"{os.path.basename(argv[0]) or 'cocrea'} serve").parse_args(argv[2:])
    if args.dev:
        execute_from_command_line(runserver_argv(argv[0], args))
        return
    if args.addrport:
        raise SystemExit(str(_("La dirección:puerto es solo para --dev; use --host y --port.")))
    options = granian_options(args, settings.LOGGING)
    call_command("check")
    connections.close_all()  # the workers are forked from this process: no shared connection
    run(options)


def run(options: dict[str, Any]) -> None:
    # lazy: granian is loaded only by the production server
    from granian import Granian

    Granian(**options).serve()
