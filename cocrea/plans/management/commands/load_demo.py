"""``cocrea load-demo``: import the bundled demo plan when the database holds no plan yet.

Sample data emails nobody: while it loads, mail goes to a backend that sends nothing (the sample
co-creation answers 60 contributions, and each answer would otherwise email its contributor:
about 1,100 console lines in ``make run``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from cocrea.accounts.models import Role
from cocrea.accounts.services import grant_role
from cocrea.audit.context import acting_as
from cocrea.core import pagecache
from cocrea.drafts.sample import load_sample_cocreation
from cocrea.plans import services, tracker
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Milestone, Organization
from cocrea.plans.sample import load_sample_execution

DEMO_TRACKER_DAY = date(2020, 8, 31)  # the day of the demo tracker's progress reports


class Command(BaseCommand):
    help = _("Importa el plan de demostración incluido si la base de datos está vacía.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help=_("importar aunque haya planes"))
        parser.add_argument(
            "--sample-execution",
            action="store_true",
            help=_("cargar también una ejecución de ejemplo, marcada como «datos de ejemplo»"),
        )
        parser.add_argument(
            "--sample-cocreation",
            action="store_true",
            help=_("cargar también una cocreación de ejemplo (borradores, aportes y respuestas)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with mail_withheld():
            self._load(options)

    def _load(self, options: dict[str, Any]) -> None:
        if Milestone.objects.exists() and not options["force"]:
            self.stdout.write(_("La base de datos ya tiene planes: no se importó el de demostración."))
            return
        path = settings.DEMO_PLAN
        with acting_as(None, "import"):
            report = services.import_plan(path.read_bytes(), filename=path.name, publish=True)
            assert report.milestone is not None
            describe_demo_plan(report.milestone)
            load_demo_tracker(report.milestone)
        if options["sample_execution"]:
            load_sample_execution(report.milestone)
            load_sample_review(report.milestone)
            self.stdout.write(_("Ejecución de ejemplo cargada (marcada como «datos de ejemplo»)."))
        if options["sample_cocreation"]:
            load_sample_cocreation(report.milestone)
            # The milestone's pages then say "datos de ejemplo" (documents and contributions too).
            Milestone.objects.filter(pk=report.milestone.pk).update(sample_execution=True)
            pagecache.bump_all()  # a bulk update sends no signal: every cached page is old
            self.stdout.write(
                _("Cocreación de ejemplo cargada: tres borradores de la estrategia y 60 aportes.")
            )
        self.stdout.write(
            _("Plan de demostración importado: %(milestone)s") % {"milestone": report.milestone}
        )


def describe_demo_plan(milestone: Milestone) -> None:
    """What the work plan does not say and OGP's records do: the plan is Guatemala's 4th national
    action plan, and its Commitment 11 is GT0095 on OGP's site."""
    commitment = milestone.commitment
    plan = commitment.action_plan
    plan.government, plan.number, plan.country = "Guatemala", 4, "GT"
    plan.ogp_url = "https://www.opengovpartnership.org/members/guatemala/"
    plan.save(update_fields=["government", "number", "country", "ogp_url"])
    commitment.ogp_id = "GT0095"
    commitment.save(update_fields=["ogp_id"])


def load_demo_tracker(milestone: Milestone) -> None:
    """Milestones 2 to 8 of Commitment 11, tracked directly, from a tracking sheet
    (``plans/data/demo-tracker.csv``). Their titles, products, dates and progress are invented
    (the institutions responsible for each are the work plan's): each is marked sample data."""
    plan = milestone.commitment.action_plan
    data = (Path(settings.DEMO_PLAN).parent / "demo-tracker.csv").read_bytes()
    tracker.import_tracker(data, plan=plan, publish=True, day=DEMO_TRACKER_DAY)
    Milestone.objects.filter(commitment=milestone.commitment).exclude(pk=milestone.pk).update(
        sample_execution=True
    )
    pagecache.bump_all()  # a bulk update sends no signal


SAMPLE_LIAISON = "enlace.inap@ejemplo.org"


def load_sample_review(milestone: Milestone) -> None:
    """A sample liaison of INAP for Commitment 11 (an account nobody can sign in to) and one report
    of theirs on milestone 3 waiting for validation, so that the demo's staff home and the
    validation queue show the workflow. Marked as sample data in its note."""
    commitment = milestone.commitment
    tracked = commitment.milestones.filter(number="3").first()
    inap = Organization.objects.filter(acronym="INAP").first()
    if tracked is None or inap is None or tracked.activities.exists():
        return
    User = get_user_model()
    liaison = User.objects.filter(email=SAMPLE_LIAISON).first()
    if liaison is None:
        liaison = User.objects.create_user(username="enlace-inap-ejemplo", email=SAMPLE_LIAISON)
        liaison.set_unusable_password()
        liaison.save(update_fields=["password"])
        grant_role(liaison, Role.LIAISON, commitment=commitment, organization=inap)
    latest = tracked.progress_entries.order_by("-day", "-pk").first()
    day = DEMO_TRACKER_DAY + timedelta(days=30)
    if latest is not None and latest.day >= day:
        return
    with acting_as(liaison, "web"):
        record_progress(
            tracked,
            day=day,
            percent=Decimal(85),
            by=liaison,
            note=_(
                "Datos de ejemplo: cuatro sesiones del laboratorio con organizaciones de sociedad civil; "
                "falta la sesión de cierre. Este reporte espera la validación del punto de contacto."
            ),
        )


SILENT_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


@contextmanager
def mail_withheld() -> Iterator[None]:
    """No email leaves while the block runs (emails sent after a commit inside it included)."""
    backend = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = SILENT_BACKEND
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = backend
