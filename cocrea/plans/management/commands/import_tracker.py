"""``cocrea import-tracker FILE [--plan SLUG] [--check] [--format text|json] [--publish]``.

Imports the tracking spreadsheet of an action plan (CSV or XLSX, one row per milestone or
activity): commitments, milestones, responsible institutions and progress, updated in place when
imported again (see :mod:`cocrea.plans.tracker`). ``--check`` writes nothing: it reads the sheet,
checks it and says what an import would do. ``--as EMAIL`` imports as that account, which needs
``plans.import_tracker``; the sheet may then touch only the commitments it may change (and add
commitments only where it may add them), or nothing is written.

Exit status: 0 when there is no error, 1 when the sheet (or the workflow) finds one (nothing is
written then), 2 when the file cannot be read as a table with a header row or names no plan.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from cocrea.audit.context import acting_as
from cocrea.computations.trackerparse import TrackerError, check_report, read_tracker
from cocrea.core.actors import account_named
from cocrea.plans import tracker
from cocrea.plans.tracker_messages import describe, describe_error

IMPORT_TRACKER = "plans.import_tracker"  # accounts/rules.py


class Command(BaseCommand):
    help = _("Importa (o solo revisa, con --check) la hoja de seguimiento de un plan de acción (CSV o XLSX).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("la hoja de seguimiento (CSV o XLSX)"))
        parser.add_argument(
            "--plan", default=None, help=_("el identificador del plan de acción (si hay varios)")
        )
        parser.add_argument("--check", action="store_true", help=_("solo leer y revisar, sin escribir nada"))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--publish",
            action="store_true",
            help=_("publicar los compromisos e hitos nuevos (por omisión no)"),
        )
        parser.add_argument(
            "--day",
            type=date.fromisoformat,
            default=None,
            help=_("fecha de los reportes de avance, AAAA-MM-DD (por omisión, hoy)"),
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="EMAIL",
            default="",
            help=_(
                "quién importa: la hoja solo puede tocar los compromisos que esa cuenta puede cambiar, y "
                "los cambios se le atribuyen en el historial (por omisión, el sistema, que puede todo)"
            ),
        )
        parser.add_argument("--lang", choices=["es", "en"], default=None, help=_("idioma de los mensajes"))

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
            result = read_tracker(data)
        except TrackerError as error:
            if options["format"] == "json":
                failure = {"error": {"code": error.code, "message": describe_error(error)}}
                self.stdout.write(json.dumps(failure, ensure_ascii=False))
            self._fail(f"{path}: {describe_error(error)}")
        try:
            actor = self._actor(options["actor"])
            refused = actor is not None and not actor.has_perm(IMPORT_TRACKER)
        except DatabaseError:
            self._fail(
                _("No se puede consultar la base de datos para saber quién es %(email)s.")
                % {"email": options["actor"]}
            )
        if refused:
            self._fail(
                _("La cuenta %(email)s no puede importar hojas de seguimiento.") % {"email": options["actor"]}
            )
        report: tracker.TrackerReport | None = None
        plan_error = ""
        try:
            plan = tracker.find_plan(options["plan"])
        except ValueError as error:
            plan, plan_error = None, str(error)
        except DatabaseError:
            plan = None  # no database to compare with: the check reads the sheet alone
        if options["check"]:
            if plan is not None:
                report = tracker.preview_tracker(
                    data, plan=plan, publish=options["publish"], day=options["day"], by=actor
                )
        else:
            if plan is None:
                self._fail(plan_error or _("No se encontró el plan de acción."))
            with acting_as(actor, "import"):
                try:
                    report = tracker.import_tracker(
                        data, plan=plan, publish=options["publish"], day=options["day"], by=actor
                    )
                except tracker.TrackerRefused as refused:
                    report = refused.report
        if options["format"] == "json":
            payload = check_report(result)
            if report is not None:
                payload["preview" if report.dry_run else "import"] = report.as_dict()
            elif plan_error:
                payload["plan_error"] = plan_error
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        else:
            self._print_text(result, report, plan_error)
        if not result.ok or (report is not None and not report.ok):
            sys.exit(1)

    def _print_text(self, result: Any, report: tracker.TrackerReport | None, plan_error: str) -> None:
        out = self.stdout.write
        milestones = sum(len(c.milestones) for c in result.commitments)
        out(
            _("%(commitments)s compromisos, %(milestones)s hitos, %(institutions)s instituciones.")
            % {
                "commitments": len(result.commitments),
                "milestones": milestones,
                "institutions": len(result.institutions),
            }
        )
        for commitment in result.commitments:
            completion = "—" if commitment.completion is None else f"{commitment.completion:.0f} %"
            out(f"- {commitment.title} ({completion})")
        findings = list(result.findings) + (list(report.notes) if report else [])
        if report is not None:
            findings += [f for f in report.errors if f not in result.findings]
        for finding in findings:
            label = _("Error") if finding.severity == "error" else _("Aviso")
            out(f"{label}, " + describe(finding))
        if plan_error:
            out(plan_error)
        if report is None:
            return
        for conflict in report.conflicts:
            out(conflict)
        if report.ok:
            verb = _("Se crearían") if report.dry_run else _("Creados")
            out(
                f"{verb}: "
                + _(
                    "%(commitments)s compromisos, %(milestones)s hitos, %(activities)s actividades, "
                    "%(orgs)s instituciones; %(reports)s reportes de avance."
                )
                % {
                    "commitments": report.created["commitment"],
                    "milestones": report.created["milestone"],
                    "activities": report.created["activity"],
                    "orgs": report.created["organization"],
                    "reports": report.reports,
                }
            )
        else:
            out(_("No se importó nada: la hoja tiene errores."))

    def _actor(self, email: str) -> Any:
        """The account named by ``--as``, or None (the system) when no email is given."""
        try:
            return account_named(email)
        except LookupError:
            self._fail(_("No hay ninguna cuenta con el correo %(email)s.") % {"email": email})
            raise  # not reached: _fail exits

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        sys.exit(2)
