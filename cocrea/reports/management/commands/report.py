"""``cocrea report progress --date YYYY-MM-DD --format pdf|xlsx|docx -o FILE [--milestone ID]``;
``cocrea report responses --document-version ID -o FILE``: a consultation's response report (PDF), also kept
for the web so that a large one need not be made while someone waits.

The command builds in its own process (not through the task queue), with a progress bar on stderr.

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

from cocrea.core.jobs import ProgressBar, reporting_to
from cocrea.drafts.models import DocumentVersion
from cocrea.plans.models import Milestone
from cocrea.reports.progress import FORMATS, build_progress_report
from cocrea.reports.responses import stored_pdf


class Command(BaseCommand):
    help = "Escribe un informe de un hito: «report progress» es el informe mensual de avance."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=["progress", "responses"],
            help="progress: el informe mensual de avance; responses: el informe de respuestas de una versión",
        )
        parser.add_argument("--date", dest="day", default="", help="fecha de corte, AAAA-MM-DD (progress)")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default="pdf")
        parser.add_argument(
            "--document-version",
            dest="version_id",
            type=int,
            default=None,
            help="id de la versión del documento (responses)",
        )
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

    def _responses(self, version_id: int | None) -> bytes:

        version = (
            DocumentVersion.objects.public()
            .select_related("document__milestone__commitment")
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            raise CommandError(_("No hay ninguna versión pública con el id %(id)s.") % {"id": version_id})
        with reporting_to(ProgressBar(self.stderr, label=_("Informe de respuestas "))):
            return stored_pdf(version, make=True) or b""

    def _handle(self, **options: Any) -> None:
        if options["kind"] == "responses":
            self._write(Path(options["output"]), self._responses(options["version_id"]))
            return
        try:
            day = date.fromisoformat(options["day"])
        except ValueError as exc:
            raise CommandError(
                _("Fecha no válida: %(value)s (se esperaba AAAA-MM-DD).") % {"value": options["day"]}
            ) from exc
        milestone = self._milestone(options["milestone"])
        with reporting_to(ProgressBar(self.stderr, label=_("Informe de avance "))):
            data = build_progress_report(milestone, day, options["fmt"])
        self._write(Path(options["output"]), data)

    def _write(self, output: Path, data: bytes) -> None:
        if output.is_dir():
            raise CommandError(_("%(path)s es una carpeta, no un archivo.") % {"path": output})
        if not output.parent.is_dir():
            raise CommandError(_("La carpeta %(path)s no existe.") % {"path": output.parent})
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
