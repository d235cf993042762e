"""``cocrea report progress --date YYYY-MM-DD --format pdf|xlsx|docx -o FILE [--milestone ID]``.

Writes the monthly progress report of a milestone at a date. ``--milestone`` (the milestone's id)
may be left out when the database holds one milestone. Bad input (a date that does not parse, an
unknown milestone, several milestones and no ``--milestone``, a file that cannot be written) is a
``CommandError``: a message on stderr and exit status 1; nothing is written then.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.plans.models import Milestone
from cocrea.reports.progress import FORMATS, build_progress_report


class Command(BaseCommand):
    help = "Escribe un informe de un hito: «report progress» es el informe mensual de avance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["progress"], help="progress: el informe mensual de avance")
        parser.add_argument("--date", dest="day", required=True, help="fecha de corte, AAAA-MM-DD")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), required=True)
        parser.add_argument("-o", "--output", required=True, help="archivo que se escribe")
        parser.add_argument("--milestone", type=int, default=None, help="id del hito (opcional si hay uno)")
        parser.add_argument(
            "--lang",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="idioma del informe",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["day"])
        except ValueError as exc:
            raise CommandError(
                _("Fecha no válida: %(value)s (se esperaba AAAA-MM-DD).") % {"value": options["day"]}
            ) from exc
        milestone = self._milestone(options["milestone"])
        output = Path(options["output"])
        if output.is_dir():
            raise CommandError(_("%(path)s es una carpeta, no un archivo.") % {"path": output})
        if not output.parent.is_dir():
            raise CommandError(_("La carpeta %(path)s no existe.") % {"path": output.parent})
        data = build_progress_report(milestone, day, options["fmt"])
        # Written beside the target and renamed: a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
            os.replace(temporary, output)
        except OSError as exc:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(
                _("No se pudo escribir %(path)s: %(error)s") % {"path": output, "error": exc.strerror}
            ) from exc
        self.stdout.write(
            _("Informe escrito en %(path)s (%(size)s bytes).") % {"path": output, "size": len(data)}
        )

    def _milestone(self, pk: int | None) -> Milestone:
        milestones = Milestone.objects.select_related("commitment__action_plan", "commitment__coordinator")
        if pk is not None:
            found = milestones.filter(pk=pk).first()
            if found is None:
                raise CommandError(_("No existe el hito %(id)s.") % {"id": pk})
            return found
        first_two = list(milestones.order_by("pk")[:2])
        if not first_two:
            raise CommandError(_("No hay ningún hito: importe un plan de trabajo primero."))
        if len(first_two) > 1:
            raise CommandError(_("Hay varios hitos: indique cuál con --milestone ID."))
        return first_two[0]
