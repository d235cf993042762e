"""The ``cocrea`` console command: Django's management commands with friendlier names.

``cocrea serve`` runs the production server (granian) on ``127.0.0.1:$PORT`` (8000 by default) and
``cocrea serve --dev`` Django's autoreloading development server (``cocrea/core/server.py``);
``cocrea import-plan FILE`` is ``manage.py import_plan FILE``; every other word is passed to
Django as it is, with dashes read as underscores. ``cocrea``, ``cocrea --help`` and ``cocrea help``
list Cocrea's own commands first, by their dashed names and with their one-line help, then
Django's and its libraries'; ``cocrea help import-plan`` is the help of one command.
"""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from typing import Any

import django
from django.conf import settings
from django.core.management import execute_from_command_line, get_commands, load_command_class
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.core import server

HELP_WORDS = ("help", "--help", "-h")
OWN_PREFIX = "cocrea."
# Cocrea's own words that are not management commands: what they stand for.
SERVE = "serve"


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")
    if len(argv) == 1 or (len(argv) == 2 and argv[1] in HELP_WORDS):
        text = overview(os.path.basename(argv[0]) or "cocrea")
        if text is not None:
            sys.stdout.write(text)
            return
    elif argv[1] == "help" and not argv[2].startswith("-"):
        if argv[2] == SERVE:
            server.print_help(argv[0])
            return
        argv[2] = argv[2].replace("-", "_")
    elif argv[1] == SERVE:  # the production server, or with --dev Django's (cocrea/core/server.py)
        server.main(argv)
        return
    elif not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")

    execute_from_command_line(argv)


def dashed(name: str) -> str:
    return name.replace("_", "-")


def overview(program: str = "cocrea") -> str | None:
    """Cocrea's commands (dashed, with their first line of help), then Django's by application.

    ``None`` when the settings cannot load (a production variable missing): Django's own help
    then says what is wrong."""

    try:
        django.setup()
    except Exception:
        return None
    translation.activate(settings.LANGUAGE_CODE)
    commands: dict[str, str] = get_commands()
    own = {name: app for name, app in commands.items() if app.startswith(OWN_PREFIX)}
    classes = {name: _command_class(load_command_class, app, name) for name, app in own.items()}
    lines = {name: _summary(found, name, classes) for name, found in classes.items() if found is not None}
    lines[SERVE] = _(
        "Sirve Cocrea en http://127.0.0.1:%(port)s/ con el servidor de producción; --dev: el de "
        "desarrollo, que recarga el código (PORT elige el puerto)."
    ) % {"port": os.environ.get("PORT", "8000")}
    width = max(len(dashed(name)) for name in lines) + 2
    out = [
        _("Uso: %(program)s <comando> [opciones]") % {"program": program},
        "",
        _("Comandos de Cocrea:"),
    ]
    out += [f"  {dashed(name):<{width}}{lines[name]}" for name in sorted(lines, key=dashed)]
    out += [
        "",
        _(
            "«%(program)s help <comando>» muestra las opciones de un comando, "
            "por ejemplo «%(program)s help import-plan»."
        )
        % {"program": program},
        "",
        _("Comandos de Django y de sus bibliotecas:"),
    ]
    by_app: dict[str, list[str]] = defaultdict(list)
    for name, app in commands.items():
        if name not in own:
            by_app["django" if app == "django.core" else app.rpartition(".")[2]].append(name)
    for app in sorted(by_app):
        out += ["", f"[{app}]", *(f"    {name}" for name in sorted(by_app[app]))]
    return "\n".join(out) + "\n"


def _command_class(load: Any, app: str, name: str) -> type | None:
    try:
        return type(load(app, name))
    except Exception:  # a command that cannot even load is left out of the overview
        return None


def _summary(found: type, name: str, classes: dict[str, type | None]) -> str:
    """The command's first line of help; for an alias kept under a former name, what it is now."""

    for other, other_class in classes.items():
        if (
            other != name
            and other_class is not None
            and found is not other_class
            and issubclass(found, other_class)
            and found.help == other_class.help
        ):
            return _("El nombre anterior de «%(command)s».") % {"command": dashed(other)}
    text = str(getattr(found, "help", "") or "").strip().split("\n\n")[0]  # its first paragraph
    return " ".join(text.split())


if __name__ == "__main__":
    main()
