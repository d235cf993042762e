"""``cocrea daily [--date YYYY-MM-DD]``: the daily job (run it from cron or a systemd timer).

It reminds confirmed participants of tomorrow's meetings, closes the consultations whose closing
date has passed, tells the followers of a document that its consultation closes within two days,
prepares the large response reports as PDF and removes the kept report files no one will ask for
again. It lives in the staff shell because it calls
several domains (participation, drafts) and a renderer (reports); ``cocrea send-reminders`` is
the same command under its former name."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cocrea.audit.context import acting_as
from cocrea.drafts.services import close_due_consultations, send_closing_reminders
from cocrea.participation.services import send_reminders
from cocrea.reports.kept import prune
from cocrea.reports.responses import prepare_large_reports


class Command(BaseCommand):
    help = (
        "El trabajo diario: recordatorios de las reuniones de mañana, cierre de consultas vencidas, "
        "avisos de cierre y los informes de respuestas grandes en PDF."
    )

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
        self.stdout.write(
            ngettext("%(count)s recordatorio enviado.", "%(count)s recordatorios enviados.", sent)
            % {"count": sent}
        )
        with acting_as(None, "system"):
            closed = close_due_consultations()
        self.stdout.write(
            ngettext(
                "%(count)s consulta cerrada por su fecha.",
                "%(count)s consultas cerradas por su fecha.",
                closed,
            )
            % {"count": closed}
        )
        warned = send_closing_reminders()
        self.stdout.write(
            ngettext(
                "%(count)s aviso de cierre de consulta enviado.",
                "%(count)s avisos de cierre de consulta enviados.",
                warned,
            )
            % {"count": warned}
        )

        made = prepare_large_reports()
        self.stdout.write(
            ngettext(
                "%(count)s informe de respuestas grandes preparado en PDF.",
                "%(count)s informes de respuestas grandes preparados en PDF.",
                made,
            )
            % {"count": made}
        )
        pruned = prune()
        self.stdout.write(
            ngettext(
                "%(count)s informe guardado ya sin uso eliminado.",
                "%(count)s informes guardados ya sin uso eliminados.",
                pruned,
            )
            % {"count": pruned}
        )
