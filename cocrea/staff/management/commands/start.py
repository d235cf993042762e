"""``cocrea start``: the web server (``cocrea serve``) and the background worker (``cocrea worker``)
in one command, as ``make run`` starts them. One Ctrl-C (or SIGTERM) stops both: each gets one
SIGTERM (the worker finishes its task), a second Ctrl-C kills them. If either stops by itself, the
other is stopped too and ``start`` exits with its status. On Linux the children are also told to
stop when ``start`` itself dies (PR_SET_PDEATHSIG), so no orphan is left behind even after a
SIGKILL."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child, between fork and exec
    with contextlib.suppress(OSError, AttributeError):  # not Linux: Ctrl-C still stops both
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Sirve Cocrea y ejecuta el trabajador de tareas en segundo plano; Ctrl-C detiene ambos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serve_args", nargs="*", help=_("Argumentos para «cocrea serve»."))

    def handle(self, *args: Any, **options: Any) -> None:
        commands = {
            "serve": [sys.executable, "-m", "cocrea.cli", "serve", *options["serve_args"]],
            "worker": [sys.executable, "-m", "cocrea.cli", "worker"],
        }
        children = {
            name: subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: S603  (our own argv)
            for name, argv in commands.items()
        }
        asked = [0]

        def stop(signum: int, frame: FrameType | None) -> None:
            asked[0] += 1
            for child in children.values():
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM if asked[0] == 1 else signal.SIGKILL)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        status = 0
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.2)
        ended = next(name for name, child in children.items() if child.returncode is not None)
        if not asked[0]:
            status = children[ended].returncode or 0
            self.stderr.write(_("«%(name)s» terminó; se detiene el resto.") % {"name": ended})
            stop(signal.SIGTERM, None)
        for child in children.values():
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        sys.exit(status)
