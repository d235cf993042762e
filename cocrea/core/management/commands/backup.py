"""``cocrea backup FILE``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cocrea.core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Copia de seguridad de toda la base de datos (SQLite o PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        try:
            backup(target)
        except (BackupError, OSError) as exc:
            raise CommandError(_("No se pudo hacer la copia: %(reason)s") % {"reason": exc}) from exc
        self.stdout.write(_("Copia de seguridad escrita en %(file)s") % {"file": target})
