"""``cocrea send-reminders [--date YYYY-MM-DD]``: remind confirmed participants of tomorrow's
meetings (run it daily from cron or a systemd timer)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.participation.services import send_reminders


class Command(BaseCommand):
    help = "Envía recordatorios de las reuniones del día indicado (por omisión, mañana)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                date.fromisoformat(options["day"])
                if options["day"]
                else timezone.localdate() + timedelta(days=1)
            )
        except ValueError as exc:
            raise CommandError(
                _("Fecha no válida: %(value)s (se esperaba AAAA-MM-DD).") % {"value": options["day"]}
            ) from exc
        sent = send_reminders(day)
        self.stdout.write(_("%(count)s recordatorios enviados.") % {"count": sent})
