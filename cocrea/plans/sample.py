"""A clearly labelled sample execution history for the demo plan (``make run`` only).

It records, through the real services, what a coordinator might have reported, following the
plan's own schedule (each activity's planned months, the milestone's period, its meetings), so it
works for any imported plan: most activities done on time, some late, one delayed with a reason,
two behind, the last one not started; monthly payments to the advisors; the meetings up to the last
report held (one postponed), each with its attendance. Nothing is reported after today. The
milestone is flagged ``sample_execution`` and every page that shows execution says "datos de
ejemplo". A real deployment never loads it.

The sample people (:func:`sample_people`) are shared with the sample co-creation
(:mod:`cocrea.drafts.sample`): the same persons attend the meetings and comment on the drafts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from cocrea.audit.context import acting_as
from cocrea.budget.models import BudgetLine
from cocrea.budget.services import record_expenditure
from cocrea.computations.months import Month
from cocrea.participation.models import Consent, Meeting, Membership, Person
from cocrea.participation.services import record_attendance, register_person
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Activity, Milestone, Organization

ORGANIZATIONS = [
    # acronym, name, kind (created when the plan import did not)
    ("INAP", "Instituto Nacional de Administración Pública", "government"),
    ("ONSEC", "Oficina Nacional de Servicio Civil", "government"),
    ("SENACYT", "Secretaría Nacional de Ciencia y Tecnología", "government"),
    ("MINECO", "Ministerio de Economía", "government"),
    ("Guatecívica", "Guatecívica", "civil_society"),
    ("AC", "Acción Ciudadana", "civil_society"),
    ("USAC", "Universidad de San Carlos de Guatemala", "academia"),
    ("CIG", "Cámara de Industria de Guatemala", "private_sector"),
    ("CEPAL", "Comisión Económica para América Latina y el Caribe", "international"),
    ("BID", "Banco Interamericano de Desarrollo", "international"),
]

# name, display name ("" = none), organisation acronym ("" = speaks for themselves), consents
PEOPLE = [
    ("Ana Lucía Pérez", "Ana Lucía P.", "INAP", True),
    ("Carlos Enrique Méndez", "", "INAP", False),
    ("María José Rodríguez", "María José R.", "ONSEC", True),
    ("Jorge Luis Castillo", "", "SENACYT", False),
    ("Silvia Beatriz López", "Silvia L.", "MINECO", True),
    ("Fernando Ajú", "Fernando Ajú", "Guatecívica", True),
    ("Rosa María Xicará", "", "Guatecívica", False),
    ("Pedro Antonio Morales", "Pedro M.", "AC", True),
    ("Lucía Fernanda Chávez", "", "AC", False),
    ("Héctor Rolando Estrada", "Héctor E.", "USAC", True),
    ("Gabriela Sofía Recinos", "", "USAC", False),
    ("Ricardo Javier Solís", "Ricardo S.", "CIG", True),
    ("Elena Patricia Girón", "", "CEPAL", False),
    ("Tomás Alberto Reyes", "Tomás R.", "BID", True),
    ("Julia Marisol Coyoy", "", "INAP", False),
    ("Marta Alicia Sandoval", "Marta S.", "", True),
    ("Daniel Eduardo Pop", "", "", False),
    ("Irene Catalina Batz", "Irene B.", "", True),
]

# How the activities went, from the last one backwards; the ones before alternate on time / late.
TAIL = ("not_started", "partial", "late_done", "behind", "delayed")
LATE_PERCENTS = (60, 70, 80, 50)
DELAY_REASON = "Se reprogramó por el cierre del año fiscal (ejemplo)."
POSTPONED = 6  # the seventh meeting was postponed
NOTE = "Dato de ejemplo"


def sample_organizations() -> dict[str, Organization]:
    found = {}
    for acronym, name, kind in ORGANIZATIONS:
        # By its acronym, or by its name: an organisation without one (Guatecívica) as the plan's
        # import registered it is the same organisation, not a second one.
        org = (
            Organization.objects.filter(acronym__iexact=acronym).first()
            or Organization.objects.filter(name__iexact=name).order_by("pk").first()
        )
        if org is None:
            own = "" if acronym == name else acronym  # an organisation without one
            org = Organization.objects.create(name=name, acronym=own, kind=kind)
        found[acronym] = org
    return found


def sample_email(index: int) -> str:
    return f"participante{index}@ejemplo.org"


def sample_people() -> list[tuple[Person, Organization | None]]:
    """The sample's 18 people with the organisation each speaks for (created once, then found)."""
    organizations = sample_organizations()
    people = []
    for index, (name, display, acronym, consents) in enumerate(PEOPLE, 1):
        person = Person.objects.filter(email=sample_email(index)).first()
        if person is None:
            person = register_person(
                name=name,
                email=sample_email(index),
                display_name=display,
                consents=(Consent.Purpose.PUBLIC_NAME, Consent.Purpose.STATISTICS) if consents else (),
                statistics={"gender": "female" if index % 2 else "male", "department": "Guatemala"},
            )
        organization = organizations.get(acronym) if acronym else None
        if organization is not None:
            Membership.objects.get_or_create(
                person=person, organization=organization, defaults={"role": "Delegada/o"}
            )
        people.append((person, organization))
    return people


@dataclass(frozen=True)
class Report:
    day: date
    percent: int
    status: str = ""
    reason: str = ""


def _story(index: int, count: int) -> str:
    from_end = count - 1 - index
    if from_end < len(TAIL):
        return TAIL[from_end]
    return "on_time" if index % 2 == 0 else "late"


def planned_reports(activity: Activity, story: str, late_index: int = 0) -> list[Report]:
    """What the sample reports for an activity, from its planned months."""
    if not (activity.planned_start and activity.planned_end):
        return []
    first, last = Month.from_date(activity.planned_start), Month.from_date(activity.planned_end)
    end = last.last_day()
    following = last + 1
    if story == "on_time":
        return [Report(end, 100, "done")]
    if story == "late":
        return [
            Report(end, LATE_PERCENTS[late_index % len(LATE_PERCENTS)]),
            Report(following.first_day().replace(day=15), 100, "done"),
        ]
    if story == "delayed":
        return [Report(end, 30, "delayed", DELAY_REASON)]
    if story == "behind":
        return [Report(end, 40), Report(following.last_day(), 90)]
    if story == "late_done":
        return [Report(end, 60), Report(following.last_day(), 100, "done")]
    if story == "partial":
        early, late = max(first, last + -3), max(first, last + -1)
        reports = [Report(early.last_day(), 20)] if early != late else []
        return [*reports, Report(late.last_day(), 55)]
    return []


def _monthly(line: BudgetLine, months: int) -> Decimal:
    if line.unit_cost and line.quantity:
        return Decimal(line.unit_cost * line.quantity).quantize(Decimal("0.01"))
    periods = line.periods or months or 1
    return (Decimal(line.stated_cost or 0) / periods).quantize(Decimal("0.01"))


@transaction.atomic
def load_sample_execution(milestone: Milestone, *, today: date | None = None) -> None:
    today = today or timezone.localdate()
    activities = [
        a
        for a in Activity.objects.filter(milestone=milestone).order_by("position")
        if a.planned_start and a.planned_end
    ]
    last_report: date | None = None
    with acting_as(None, "system"):
        late = 0
        for index, activity in enumerate(activities):
            story = _story(index, len(activities))
            for report in planned_reports(activity, story, late):
                if report.day > today:
                    break
                record_progress(
                    activity,
                    day=report.day,
                    percent=Decimal(report.percent),
                    status=report.status or None,
                    reason=report.reason,
                    note=NOTE,
                    by=None,
                    check_permission=False,
                    actual_start=activity.planned_start if report.percent else None,
                )
                last_report = max(last_report or report.day, report.day)
            late += story == "late"
        if last_report is not None:
            _spend_and_meet(milestone, Month.from_date(last_report), today)
        milestone.sample_execution = True
        milestone.save(update_fields=["sample_execution"])


def _spend_and_meet(milestone: Milestone, reported_to: Month, today: date) -> None:
    """Payments month by month and the meetings up to the last reported month, with attendance."""
    span = milestone.span
    start = span.start if span else reported_to
    months = [m for m in (start + n for n in range(max(0, reported_to - start) + 1)) if m.last_day() <= today]
    lines = list(BudgetLine.objects.filter(milestone=milestone).order_by("position"))
    if lines and lines[0].stated_cost:
        advisors = lines[0]
        monthly = _monthly(advisors, span.months if span else len(months))
        paid = Decimal(0)
        for month in months[: advisors.periods or None]:
            if paid + monthly > advisors.stated_cost:
                break
            record_expenditure(
                advisors,
                day=month.last_day(),
                amount=monthly,
                description=f"Honorarios de asesores, {month.spanish()} (ejemplo)",
                reference=f"CUR-{month.year}-{month.month:02d}",
                by=None,
                check_permission=False,
            )
            paid += monthly
    meetings = list(Meeting.objects.filter(milestone=milestone).order_by("position"))
    room = lines[1] if len(lines) > 1 and lines[1].stated_cost else None
    share = (room.stated_cost / len(meetings)).quantize(Decimal("0.01")) if room and meetings else None
    people: list[tuple[Person, Organization | None]] = []
    for index, meeting in enumerate(m for m in meetings if m.planned_month is not None):
        month = Month.from_date(meeting.planned_month)
        held = month.first_day().replace(day=20)
        if month > reported_to or held > today:
            continue
        postponed = index == POSTPONED and len(meetings) > POSTPONED + 1
        meeting.status = "postponed" if postponed else "held"
        meeting.actual_date = held
        meeting.place = "" if postponed else "INAP, Ciudad de Guatemala"
        meeting.status_reason = "Sin quórum (ejemplo)" if postponed else ""
        meeting.save()
        if postponed:
            continue
        people = people or sample_people()
        for offset in range(6 + index % 4):  # six to nine people, a different group each time
            person, organization = people[(index * 5 + offset) % len(people)]
            record_attendance(meeting, person, organization, source="sample")
        if room is not None and share is not None:
            record_expenditure(
                room,
                day=held,
                amount=share,
                description=f"Salón y refacciones: {meeting.title} (ejemplo)",
                by=None,
                check_permission=False,
            )
    if len(lines) > 2 and lines[2].stated_cost and months:
        paper = lines[2]
        for month, share_of_cost in ((months[len(months) // 8], "0.34"), (months[len(months) // 2], "0.29")):
            record_expenditure(
                paper,
                day=month.first_day().replace(day=15),
                amount=(paper.stated_cost * Decimal(share_of_cost)).quantize(Decimal("0.01")),
                description="Papel e impresos (ejemplo)",
                by=None,
                check_permission=False,
            )
