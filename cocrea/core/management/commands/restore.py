"""``cocrea restore FILE``: replace the database's contents with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cocrea.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restaura toda la base de datos desde una copia de seguridad (reemplaza su contenido)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help=_("no pedir confirmación"))

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if not options["yes"] and options.get("interactive", True):
            answer = input(_("Esto reemplaza todo el contenido de la base de datos. ¿Continuar? [s/N] "))
            if answer.strip().lower() not in ("s", "si", "sí", "y", "yes"):
                raise CommandError(_("Restauración cancelada."))
        try:
            restore(source)
        except (BackupError, OSError) as exc:
            raise CommandError(_("No se pudo restaurar: %(reason)s") % {"reason": exc}) from exc
        self.stdout.write(_("Base de datos restaurada desde %(file)s") % {"file": source})
