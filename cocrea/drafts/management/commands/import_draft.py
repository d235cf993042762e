"""``cocrea import-draft FILE``: a DOCX (headings become sections) or Markdown draft.

The document is found by its title (``--document``, else the file's own title); each import of the
same document adds its next version, in draft, with paragraph identities carried over. A file over
the upload limit (``services.MAX_DRAFT_FILE_BYTES``) is refused before it is read, a table of data
(CSV) given as Markdown and a text over the drafts' limits as it is read; nothing is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.audit.context import acting_as
from cocrea.computations.drafttext import DraftFormatError
from cocrea.drafts.services import MAX_DRAFT_FILE_BYTES, import_draft
from cocrea.plans.management.commands._sheet_import import SheetImportCommand


class Command(SheetImportCommand):
    help = "Importa un borrador (DOCX o Markdown) como la versión siguiente de su documento."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("DOCX o Markdown"))
        parser.add_argument(
            "--milestone", default="", help=_("el hito: su id, o COMPROMISO.HITO (p. ej. 11.1)")
        )
        parser.add_argument(
            "--document", default="", help=_("título del documento (si el archivo no lo dice)")
        )
        parser.add_argument("--label", default="", help=_("nombre de la versión (por omisión «Borrador N»)"))
        parser.add_argument("--notes", default="", help=_("qué cambió respecto de la versión anterior"))
        parser.add_argument("--as", dest="actor", default="", metavar="EMAIL")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--lang", choices=["es", "en"], default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or translation.get_language()):
            self._import(**options)

    def _read(self, path: Path) -> bytes:
        """The file's bytes, at most :data:`MAX_DRAFT_FILE_BYTES` of them (a larger file is refused)."""
        limit = MAX_DRAFT_FILE_BYTES
        try:
            size = path.stat().st_size
            if size > limit:
                self._fail(
                    f"{path}: "
                    + _("El archivo pesa %(size)s MB; el máximo es %(max)s MB.")
                    % {"size": round(size / 1_048_576, 1), "max": limit // 1_048_576},
                    1,
                )
            with path.open("rb") as handle:
                data = handle.read(limit + 1)  # a pipe or a device says no size
        except OSError as exc:
            self._fail(_("No se puede leer %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror})
            raise  # not reached: _fail exits
        if len(data) > limit:
            self._fail(
                f"{path}: "
                + _("El archivo pesa más de %(max)s MB, el máximo.") % {"max": limit // 1_048_576},
                1,
            )
        return data

    def _import(self, **options: Any) -> None:
        path = Path(options["file"])
        data = self._read(path)
        milestone = self._milestone(options["milestone"])
        actor = self._actor(options["actor"])
        try:
            with acting_as(actor, "import"):
                outcome = import_draft(
                    milestone,
                    data,
                    by=actor,
                    filename=path.name,
                    document_title=options["document"],
                    label=options["label"],
                    notes=options["notes"],
                )
        except DraftFormatError as error:
            self._fail(f"{path}: {error.message}", 1)
        except ValidationError as error:
            self._fail(f"{path}: {'; '.join(error.messages)}", 1)
        version = outcome.version
        summary = {
            "document": outcome.document.title,
            "document_created": outcome.created_document,
            "version": version.number,
            "label": version.label,
            "state": version.state,
            "sections": version.sections.count(),
            "paragraphs": outcome.kept + outcome.new,
            "paragraphs_kept": outcome.kept,
            "paragraphs_new": outcome.new,
            "warnings": list(outcome.warnings),
        }
        if options["format"] == "json":
            self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            _(
                "«%(document)s»: %(label)s importada en redacción, %(sections)s secciones y "
                "%(paragraphs)s párrafos (%(kept)s siguen de la versión anterior, %(new)s nuevos)."
            )
            % {
                "document": summary["document"],
                "label": summary["label"],
                "sections": summary["sections"],
                "paragraphs": summary["paragraphs"],
                "kept": outcome.kept,
                "new": outcome.new,
            }
        )
        for warning in outcome.warnings:
            self.stdout.write(_("Aviso: %(message)s") % {"message": warning})
        sys.stdout.flush()
