"""Shared by ``cocrea import-progress`` and ``cocrea import-expenditures``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.audit.context import acting_as
from cocrea.computations.sheets import SheetError
from cocrea.core.actors import account_named
from cocrea.plans.models import Milestone
from cocrea.plans.sheet_messages import describe_row_error, describe_row_warning, describe_sheet_error


class SheetImportCommand(BaseCommand):
    what = ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("CSV o XLSX"))
        parser.add_argument(
            "--milestone", default="", help=_("el hito: su id, o COMPROMISO.HITO (p. ej. 11.1)")
        )
        parser.add_argument("--as", dest="actor", default="", metavar="EMAIL")
        parser.add_argument("--check", action="store_true", help=_("solo validar, sin escribir"))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--lang", choices=["es", "en"], default=None)

    def run_import(self, milestone: Milestone, data: bytes, by: Any, write: bool) -> Any:
        raise NotImplementedError

    def extra_json(self) -> dict[str, Any]:
        """More to say in the JSON report (what matched, what was created)."""
        return {}

    def extra_text(self) -> list[str]:
        return []

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or translation.get_language()):
            self._handle(**options)

    def _fail(self, message: str, status: int = 2) -> None:
        self.stderr.write(message)
        sys.exit(status)

    def _milestone(self, value: str) -> Milestone:
        milestones = Milestone.objects.select_related("commitment")
        if not value:
            if milestones.count() != 1:
                self._fail(
                    _("La base de datos tiene varios hitos: indique --milestone (id o COMPROMISO.HITO).")
                )
            return milestones.get()
        found = None
        if value.isdigit():
            found = milestones.filter(pk=int(value)).first()
        elif "." in value:
            commitment, number = value.split(".", 1)
            found = milestones.filter(commitment__number=commitment, number=number).first()
        if found is None:
            self._fail(_("No hay ningún hito «%(value)s».") % {"value": value})
        assert found is not None
        return found

    def _read(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            self._fail(_("No se puede leer %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror})
            raise  # not reached: _fail exits

    def _actor(self, email: str) -> Any:
        """The account named by ``--as``, or None (the system) when no email is given."""
        try:
            return account_named(email)
        except LookupError:
            self._fail(_("No hay ninguna cuenta con el correo %(email)s.") % {"email": email})
            raise  # not reached: _fail exits

    def _handle(self, **options: Any) -> None:
        path = Path(options["file"])
        data = self._read(path)
        milestone = self._milestone(options["milestone"])
        actor = self._actor(options["actor"])
        try:
            with acting_as(actor, "import"):
                result = self.run_import(milestone, data, actor, not options["check"])
        except SheetError as error:
            self._fail(f"{path}: {describe_sheet_error(error)}")
        errors = [describe_row_error(e) for e in result.errors]
        warnings = [describe_row_warning(w) for w in result.warnings]
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "rows": len(result.rows),
                        "written": 0 if errors or options["check"] else len(result.rows),
                        "errors": [
                            {"row": e.row, "column": e.column, "code": e.code, "value": e.value, "message": m}
                            for e, m in zip(result.errors, errors, strict=True)
                        ],
                        "warnings": [
                            {"row": w.row, "code": w.code, "message": m}
                            for w, m in zip(result.warnings, warnings, strict=True)
                        ],
                        **({} if errors else self.extra_json()),
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for message in errors:
                self.stdout.write(message)
            if not errors:
                for line in self.extra_text():
                    self.stdout.write(line)
            for message in warnings:
                self.stdout.write(message)
        if errors:
            self.stderr.write(
                ngettext(
                    "No se importó nada: %(count)s error. Corrija el archivo y vuelva a intentarlo.",
                    "No se importó nada: %(count)s errores. Corrija el archivo y vuelva a intentarlo.",
                    len(errors),
                )
                % {"count": len(errors)}
            )
            sys.exit(1)
        if options["format"] == "json":
            return
        if options["check"]:
            self.stdout.write(
                ngettext(
                    "%(count)s fila válida; no se escribió nada (--check).",
                    "%(count)s filas válidas; no se escribió nada (--check).",
                    len(result.rows),
                )
                % {"count": len(result.rows)}
            )
        else:
            self.stdout.write(
                ngettext(
                    "%(count)s fila importada (%(what)s).",
                    "%(count)s filas importadas (%(what)s).",
                    len(result.rows),
                )
                % {"count": len(result.rows), "what": self.what}
            )
