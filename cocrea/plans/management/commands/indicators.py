"""``cocrea indicators [--date YYYY-MM-DD] [--format json|text]``: every milestone's indicators."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.plans.indicators import figures, indicator_rows
from cocrea.plans.models import Milestone


class Command(BaseCommand):
    help = "Los indicadores de cada hito, calculados con los datos a una fecha."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", default="", help=_("AAAA-MM-DD (por omisión, hoy)"))
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--milestone", type=int, default=None, help=_("solo este hito (id)"))
        parser.add_argument(
            "--history", action="store_true", help=_("incluir las instantáneas mensuales de cada indicador")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(
                _("Fecha no válida: %(value)s (se esperaba AAAA-MM-DD).") % {"value": options["day"]}
            ) from exc
        milestones = Milestone.objects.select_related("commitment__action_plan").prefetch_related(
            "indicators"
        )
        if options["milestone"]:
            milestones = milestones.filter(pk=options["milestone"])
        results = []
        for item in figures(milestones, day, history=options["history"]):
            milestone = item.milestone
            results.append(
                {
                    "action_plan": milestone.commitment.action_plan.name,
                    "commitment": milestone.commitment.number,
                    "milestone": milestone.number,
                    "sample_data": milestone.sample_execution,
                    "baseline": item.baseline.number if item.baseline else None,
                    "indicators": indicator_rows(
                        milestone, item.earned_value, item.calculator if options["history"] else None
                    ),
                    "original_baseline": (
                        {"number": item.original_baseline.number, **item.original.to_json()}
                        if item.original_baseline and item.original
                        else None
                    ),
                }
            )
        if options["format"] == "json":
            self.stdout.write(
                json.dumps({"date": day.isoformat(), "milestones": results}, ensure_ascii=False, indent=2)
            )
            return
        for result in results:
            self.stdout.write(_("Compromiso %(commitment)s, hito %(milestone)s") % result)
            for row in result["indicators"]:
                value = row["value"] if row["value"] is not None else _("sin datos todavía")
                self.stdout.write(f"  {row['key']}. {row['definition'][:70]}: {value}")
