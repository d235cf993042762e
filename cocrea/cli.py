"""The ``cocrea`` console command: Django's management commands with friendlier names.

``cocrea serve`` runs the development server on ``127.0.0.1:$PORT`` (8000 by default);
``cocrea import-plan FILE`` is ``manage.py import_plan FILE``; every other word is passed to
Django as it is, with dashes read as underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")
    if len(argv) > 1:
        command = argv[1]
        if command == "serve":
            port = os.environ.get("PORT", "8000")
            extra = argv[2:] or [f"127.0.0.1:{port}"]
            argv = [argv[0], "runserver", *extra]
        elif not command.startswith("-"):
            argv[1] = command.replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
