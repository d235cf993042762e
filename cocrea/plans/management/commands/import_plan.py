"""``cocrea import-plan FILE [--check] [--format text|json] [--strict]``.

Exit status: 0 when the check finds no error, 1 when it finds one, 2 when the file cannot be read
as a plan (nothing is written then).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.audit.context import acting_as
from cocrea.computations.plancheck import Finding, has_errors
from cocrea.computations.planparse import ParsedPlan, PlanParseError
from cocrea.plans import services
from cocrea.plans.display import money, month_range
from cocrea.plans.findings import SEVERITY_LABELS, as_json, describe, describe_parse_error


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

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"] or translation.get_language()):
            self._handle(**options)

    def _handle(self, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._fail(_("No se puede leer %(file)s: %(reason)s") % {"file": path, "reason": exc.strerror})
        try:
            if options["check"]:
                plan, findings = services.check_plan_file(data)
                report = None
            else:
                actor = self._actor(options["actor"])
                with acting_as(actor, "import"), transaction.atomic():
                    report = services.import_plan(data, filename=path.name, publish=options["publish"])
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
                payload["import"] = {
                    "created": dict(report.created),
                    "updated": dict(report.updated),
                    "deleted": dict(report.deleted),
                }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_text(plan, findings, report)
        if has_errors(findings):
            sys.exit(1)

    def _actor(self, email: str) -> Any:
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            self._fail(_("No hay ninguna cuenta con el correo %(email)s.") % {"email": email})
        return user

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

    def _print_text(self, plan: ParsedPlan, findings: list[Finding], report: Any) -> None:
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
        if report is not None:
            out(
                _("Importado: %(created)s creados, %(updated)s actualizados, %(deleted)s eliminados.")
                % {
                    "created": sum(report.created.values()),
                    "updated": sum(report.updated.values()),
                    "deleted": sum(report.deleted.values()),
                }
            )
        else:
            out(_("Solo revisión: no se escribió nada."))
