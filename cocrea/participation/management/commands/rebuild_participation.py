"""``cocrea rebuild-participation [--commitment ID ...]``: rebuild the participation summary behind
indicator E from attendance, registrations and every other registered source (after loading
fixtures, registering a new source over existing data, or to check the summary)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from cocrea.participation.summary import rebuild


class Command(BaseCommand):
    help = "Reconstruye el resumen de participación (indicador E) de todos los compromisos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--commitment",
            dest="commitments",
            type=int,
            action="append",
            help=_("id de un compromiso (se puede repetir); por omisión, todos"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = rebuild(options["commitments"])
        self.stdout.write(
            _(
                "Resumen de participación reconstruido: %(participants)s participantes, "
                "%(organizations)s organizaciones."
            )
            % counts
        )
