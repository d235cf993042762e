"""``cocrea import-plan FILE [--check] [--format text|json] [--strict] [--allow-removals] [--overwrite]``.

Importing a plan that was imported before changes only what came from the document (see the
README's "Re-importing a plan"): what the new document no longer lists is listed and left in
place unless ``--allow-removals`` (and archived instead of deleted when something hangs from it);
a field staff changed keeps the staff value, reported as a conflict, unless ``--overwrite``.
``--check`` writes nothing and says what an import would do.

Exit status: 0 when the check finds no error, 1 when it finds one, 2 when the file cannot be read
as a plan (nothing is written then).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.audit.context import acting_as
from cocrea.computations.plancheck import Finding, has_errors
from cocrea.computations.planparse import ParsedPlan, PlanParseError
from cocrea.core.actors import account_named
from cocrea.plans import services
from cocrea.plans.display import money, month_range
from cocrea.plans.findings import SEVERITY_LABELS, as_json, describe, describe_parse_error
from cocrea.plans.importer import ImportReport, wording


class StrictRefusal(Exception):
    pass


def summary(plan: ParsedPlan, findings: list[Finding]) -> dict[str, Any]:
    """The JSON object ``--check --format json`` prints."""
    return {
        "action_plan": {"name": plan.action_plan_name},
        "commitment": {"number": plan.commitment_number, "title": plan.commitment_title},
        "milestone": {"number": plan.milestone_number, "title": plan.milestone_title},
        "period": {
            "start": plan.period.start.iso() if plan.period else None,
            "end": plan.period.end.iso() if plan.period else None,
        },
        "counts": {
            "general_objectives": len(plan.general_objectives),
            "specific_objectives": len(plan.specific_objectives),
            "indicators": len(plan.indicators),
            "activities": len(plan.activities),
            "strategies": len(plan.strategies),
            "budget_lines": len(plan.budget_lines),
            "schedule_events": len(plan.events),
        },
        "budget": {
            "currency": "GTQ",
            "lines_total": f"{plan.lines_total:.2f}",
            "stated_total": f"{plan.budget_total:.2f}" if plan.budget_total is not None else None,
        },
        "findings": [as_json(f) for f in findings],
    }


class Command(BaseCommand):
    help = _("Importa (o solo revisa, con --check) un plan de trabajo en texto.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("el plan de trabajo (texto extraído del PDF)"))
        parser.add_argument("--check", action="store_true", help=_("solo leer y revisar, sin escribir nada"))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("publicar el plan de acción, el compromiso y el hito (por omisión quedan sin publicar)"),
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            default="",
            help=_("a quién se atribuyen los cambios en el historial (por omisión, al sistema)"),
        )
        parser.add_argument(
            "--lang",
            choices=["es", "en"],
            default=None,
            help=_("idioma de los mensajes (por omisión, el del sitio)"),
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help=_("no importar si la revisión encuentra errores"),
        )
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help=_(
                "retirar lo que vino de un documento anterior y este ya no incluye (lo que tiene "
                "registros se archiva, no se elimina); sin esta opción se deja en su lugar"
            ),
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help=_(
                "aplicar el documento también a los campos que el personal cambió (por omisión se conservan)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or translation.get_language()):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(_("No se puede leer %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror})
        report: ImportReport | None = None
        try:
            if options["check"]:
                plan, findings = services.check_plan_file(data)
                report = self._preview(data, path.name, options["overwrite"])
            else:
                actor = self._actor(options["actor"])
                with acting_as(actor, "import"), transaction.atomic():
                    report = services.import_plan(
                        data,
                        filename=path.name,
                        publish=options["publish"],
                        allow_removals=options["allow_removals"],
                        overwrite=options["overwrite"],
                    )
                    if options["strict"] and has_errors(report.findings):
                        raise StrictRefusal
                plan, findings = report.plan, report.findings
        except PlanParseError as error:
            self._fail(describe_parse_error(error), path=str(path), fmt=options["format"], error=error)
        except StrictRefusal:
            plan, findings = services.check_plan_file(data)
            report = None
            self.stderr.write(_("No se importó nada: la revisión encontró errores (--strict)."))
        if options["format"] == "json":
            payload = summary(plan, findings)
            if report is not None:
                payload["preview" if report.dry_run else "import"] = report.counts_json()
                payload["removals"] = [r.as_json() for r in report.removals]
                payload["conflicts"] = [c.as_json() for c in report.conflicts]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_text(plan, findings, report)
        if has_errors(findings):
            sys.exit(1)

    def _preview(self, data: bytes, filename: str, overwrite: bool) -> ImportReport | None:
        """What importing would do, when the database is there to compare with."""
        try:
            return services.preview_import(data, filename=filename, overwrite=overwrite)
        except DatabaseError:
            return None

    def _actor(self, email: str) -> Any:
        """The account named by ``--as``, or None (the system) when no email is given."""
        try:
            return account_named(email)
        except LookupError:
            self._fail(_("No hay ninguna cuenta con el correo %(email)s.") % {"email": email})
            raise  # not reached: _fail exits

    def _fail(
        self, message: str, path: str = "", fmt: str = "text", error: PlanParseError | None = None
    ) -> None:
        if fmt == "json" and error is not None:
            self.stdout.write(
                json.dumps(
                    {"error": {"code": error.code, "line": error.line, "message": message}},
                    ensure_ascii=False,
                )
            )
        self.stderr.write(f"{path}: {message}" if path else message)
        sys.exit(2)

    def _print_text(self, plan: ParsedPlan, findings: list[Finding], report: ImportReport | None) -> None:
        out = self.stdout.write
        out(
            _("Compromiso %(commitment)s, hito %(milestone)s: %(title)s")
            % {
                "commitment": plan.commitment_number,
                "milestone": plan.milestone_number,
                "title": plan.milestone_title,
            }
        )
        out(_("Período: %(period)s") % {"period": month_range(plan.period)})
        out(
            _(
                "%(objectives)s objetivos específicos, %(indicators)s indicadores, "
                "%(activities)s actividades, %(strategies)s estrategias, "
                "%(lines)s líneas de presupuesto, %(events)s eventos en el cronograma"
            )
            % {
                "objectives": len(plan.specific_objectives),
                "indicators": len(plan.indicators),
                "activities": len(plan.activities),
                "strategies": len(plan.strategies),
                "lines": len(plan.budget_lines),
                "events": len(plan.events),
            }
        )
        out(
            _("Presupuesto: líneas %(lines)s; total declarado %(stated)s")
            % {"lines": money(plan.lines_total), "stated": money(plan.budget_total)}
        )
        if findings:
            out(_("Hallazgos (%(count)s):") % {"count": len(findings)})
            for finding in findings:
                where = ", ".join(
                    part
                    for part in (
                        _("línea %(line)s") % {"line": finding.line} if finding.line else "",
                        _("sección %(section)s") % {"section": finding.section} if finding.section else "",
                        _("elemento %(item)s") % {"item": finding.item} if finding.item else "",
                    )
                    if part
                )
                out(f"  [{SEVERITY_LABELS[finding.severity]}] {finding.code} ({where}): {describe(finding)}")
        else:
            out(_("La revisión no encontró problemas."))
        if report is None:
            out(_("Solo revisión: no se escribió nada."))
            return
        if report.dry_run:
            out(_("Si se importa: %(counts)s") % {"counts": wording.counts(report)})
        else:
            out(_("Importado: %(counts)s") % {"counts": wording.counts(report)})
        if report.removals:
            out(
                _("Ya no están en el documento (%(count)s):") % {"count": len(report.removals)}
                if report.dry_run or report.pending
                else _("Retirados porque ya no están en el documento (%(count)s):")
                % {"count": len(report.removals)}
            )
            for removal in report.removals:
                out(f"  - {wording.removal_line(removal)}")
            if report.pending and not report.dry_run:
                out(
                    wording.pending_sentence(
                        report, _("para retirarlos, importe de nuevo con --allow-removals.")
                    )
                )
            elif report.pending:
                out(_("Al importar se dejarán en su lugar, salvo con --allow-removals."))
        if report.conflicts:
            out(wording.conflicts_heading(report))
            for conflict in report.conflicts:
                out(f"  - {wording.conflict_line(conflict)}")
            if not any(c.overwritten for c in report.conflicts):
                out(_("Para aplicar lo que dice el documento, importe con --overwrite."))
        if report.dry_run:
            out(_("Solo revisión: no se escribió nada."))
