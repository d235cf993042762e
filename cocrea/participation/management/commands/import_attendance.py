"""``cocrea import-attendance FILE``: a sign-in sheet (CSV or XLSX), all or nothing.

Columns: ``meeting,name,email,organization,organization_kind,gender,department``; ``meeting`` is
the meeting's number in the schedule, ``0`` for the initial one and ``final`` for the last.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cocrea.participation.services import import_attendance
from cocrea.plans.management.commands._sheet_import import SheetImportCommand


class Command(SheetImportCommand):
    help = "Importa la asistencia de una hoja de firmas (CSV o XLSX), todo o nada."
    what = gettext_lazy("asistencia")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--consent-version",
            default="",
            help=_(
                "versión del texto de consentimiento impreso en la hoja; sin ella, el género y el "
                "departamento no se guardan"
            ),
        )

    def run_import(self, milestone: Any, data: bytes, by: Any, write: bool) -> Any:
        self.outcome = import_attendance(
            milestone, data, by=by, write=write, consent_version=self.consent_version
        )
        return self.outcome.result

    def _handle(self, **options: Any) -> None:
        self.consent_version = options.get("consent_version", "")
        super()._handle(**options)

    def extra_json(self) -> dict[str, Any]:
        outcome = self.outcome
        return {
            "matched": [{"row": r, "person": p} for r, p in outcome.matched],
            "created": [{"row": r, "person": p} for r, p in outcome.created],
            "organizations_created": outcome.organizations_created,
        }

    def extra_text(self) -> list[str]:
        outcome = self.outcome
        lines = [
            _("Fila %(row)s: %(person)s (ya estaba en el registro)") % {"row": r, "person": p}
            for r, p in outcome.matched
        ]
        lines += [
            _("Fila %(row)s: %(person)s (nueva persona)") % {"row": r, "person": p}
            for r, p in outcome.created
        ]
        lines += [_("Organización nueva: %(name)s") % {"name": n} for n in outcome.organizations_created]
        return lines


__all__ = ["Command"]
