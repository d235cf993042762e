"""The monthly progress report's data, gathered once for every format.

:func:`gather` reads a milestone at a date from the dashboard's modules
(:mod:`cocrea.plans.indicators`, the earned-value calculator, the plan check) into a
:class:`ProgressReport`: plain values, labels in the active language, and the S-curve's geometry.
Nothing here writes a format; :mod:`.pdf`, :mod:`.xlsx` and :mod:`.docx` do, from this one object,
so the figures in each format are the same figures, and the same as
``cocrea indicators --format json``.

No personal data is gathered: organisations by name, activities, budget lines and meetings only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from cocrea.computations.charts import LineChart, line_chart
from cocrea.computations.earned_value import EarnedValue
from cocrea.computations.months import Month, MonthRange
from cocrea.plans import indicators, queries
from cocrea.plans.findings import SEVERITY_LABELS, describe
from cocrea.plans.models import ActivityStatus, Milestone, ProgressEntry
from cocrea.reports.progress.wording import format_value

# The earned-value measures, in the order of the dashboard's table: (key in EarnedValue.to_json(),
# label, what it means, kind). The kind decides how a value is written.
MEASURES: tuple[tuple[str, Any, Any, str], ...] = (
    (
        "planned_percent",
        gettext_lazy("Planificado"),
        gettext_lazy("Avance que el plan preveía a la fecha"),
        "percent",
    ),
    (
        "executed_percent",
        gettext_lazy("Ejecutado"),
        gettext_lazy("Avance reportado a la fecha, ponderado"),
        "percent",
    ),
    ("bac", "BAC", gettext_lazy("Presupuesto total del hito"), "money"),
    ("pv", "PV", gettext_lazy("Valor planificado a la fecha"), "money"),
    ("ev", "EV", gettext_lazy("Valor ganado: lo ejecutado, en quetzales del plan"), "money"),
    ("ac", "AC", gettext_lazy("Costo real: gastos hasta la fecha"), "money"),
    ("sv", "SV", gettext_lazy("Variación de cronograma (EV − PV)"), "money"),
    ("cv", "CV", gettext_lazy("Variación de costo (EV − AC)"), "money"),
    ("spi", "SPI", gettext_lazy("Índice de cronograma (EV ÷ PV)"), "ratio"),
    ("cpi", "CPI", gettext_lazy("Índice de costo (EV ÷ AC)"), "ratio"),
    ("eac", "EAC", gettext_lazy("Estimación del costo final (BAC ÷ CPI)"), "money"),
    ("vac", "VAC", gettext_lazy("Variación al final (BAC − EAC)"), "money"),
    (
        "time_variance_days",
        gettext_lazy("Diferencia en tiempo"),
        gettext_lazy("Negativa: atraso; positiva: adelanto"),
        "days",
    ),
    (
        "earned_schedule_date",
        gettext_lazy("Cronograma ganado"),
        gettext_lazy("Fecha en que el plan preveía el avance logrado"),
        "date",
    ),
    (
        "planned_spending",
        gettext_lazy("Gasto planificado"),
        gettext_lazy("Cada línea repartida en sus propios períodos"),
        "money",
    ),
    (
        "budget_variance",
        gettext_lazy("Diferencia en presupuesto"),
        gettext_lazy("Gasto planificado a la fecha menos gasto real"),
        "money",
    ),
)

ALERT_KINDS = {
    "overdue": gettext_lazy("Atraso"),
    "order": gettext_lazy("Secuencia"),
    "over_budget": gettext_lazy("Sobregasto"),
    "meeting": gettext_lazy("Reunión"),
}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    meaning: str
    kind: str  # money, percent, ratio, days, date
    value: Decimal | int | date | None

    @property
    def text(self) -> str:
        return format_value(self.value, self.kind)


@dataclass(frozen=True)
class CurvePoint:
    month: Month
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None
    x: float
    partial: bool  # the month of the status date: values at that date, not at the month's end


@dataclass(frozen=True)
class ActivityRow:
    code: str
    title: str
    responsible: str
    planned: MonthRange | None
    status_key: str
    status: str
    percent: Decimal
    actual_start: date | None
    actual_end: date | None
    reported: date | None

    @property
    def planned_start(self) -> Month | None:
        return self.planned.start if self.planned else None

    @property
    def planned_end(self) -> Month | None:
        return self.planned.end if self.planned else None


@dataclass(frozen=True)
class FindingRow:
    severity: str
    severity_label: str
    section: str
    item: str
    line: int | None
    message: str


@dataclass
class ProgressReport:
    milestone: Milestone
    day: date
    generated: date
    baseline: Any
    earned_value: EarnedValue | None
    measures: list[Measure]
    indicators: list[dict[str, Any]]
    activities: list[ActivityRow]
    budget: list[dict[str, Any]]
    budget_totals: dict[str, Decimal]
    alerts: list[tuple[str, str, str]]  # kind, kind label, message
    findings: list[FindingRow]
    curve: list[CurvePoint] = field(default_factory=list)
    chart: LineChart | None = None

    @property
    def commitment(self) -> Any:
        return self.milestone.commitment

    @property
    def action_plan(self) -> Any:
        return self.milestone.commitment.action_plan

    @property
    def measure(self) -> dict[str, Measure]:
        return {m.key: m for m in self.measures}

    @property
    def label_every(self) -> int:
        """Label every n-th month on the S-curve's axis (about nine labels)."""
        return max(1, -(-len(self.curve) // 9))

    @property
    def has_partial(self) -> bool:
        return any(p.partial for p in self.curve)

    @property
    def status_x(self) -> float | None:
        """Where the status date falls on the S-curve's axis (None: outside the plan's months)."""
        current = Month.from_date(self.day)
        return next((p.x for p in self.curve if p.month == current), None)

    @property
    def status_label_before(self) -> bool:
        """Write «Fecha de corte» left of its line when the line is near the chart's right edge."""
        x = self.status_x
        return self.chart is not None and x is not None and x > self.chart.plot_right - 90

    @property
    def span(self) -> MonthRange | None:
        return self.milestone.span or (
            MonthRange(self.curve[0].month, self.curve[-1].month) if self.curve else None
        )


def gather(milestone: Milestone, day: date) -> ProgressReport:
    """Everything the report shows at the end of ``day`` (a bounded number of queries)."""
    item = indicators.figures([milestone], day, history=True)[0]  # history: the S-curve
    ev = item.earned_value
    measures = []
    if ev is not None:
        for key, label, meaning, kind in MEASURES:
            measures.append(Measure(key, str(label), str(meaning), kind, getattr(ev, key)))
    budget = indicators.budget_rows(milestone, item.calculator, day)
    report = ProgressReport(
        milestone=milestone,
        day=day,
        generated=timezone.localdate(),
        baseline=item.baseline,
        earned_value=ev,
        measures=measures,
        indicators=indicators.indicator_rows(milestone, ev),
        activities=_activities(milestone, day),
        budget=budget,
        budget_totals={
            "stated": sum((row["line"].stated_cost or Decimal(0) for row in budget), Decimal(0)),
            "planned_to_date": sum((row["planned_to_date"] for row in budget), Decimal(0)),
            "spent": sum((row["spent"] for row in budget), Decimal(0)),
            "remaining": sum((row["remaining"] for row in budget), Decimal(0)),
        },
        alerts=[
            (a.kind, str(ALERT_KINDS.get(a.kind, a.kind)), a.message)
            for a in indicators.alerts(milestone, day)
        ],
        findings=[
            FindingRow(
                f.severity,
                str(SEVERITY_LABELS.get(f.severity, f.severity)),
                f.section,
                f.item,
                f.line,
                describe(f),
            )
            for f in queries.findings_for(queries.plan_document(milestone))
        ],
    )
    if item.calculator is not None and item.span is not None and ev is not None:
        months = list(item.span)
        current = Month.from_date(day)
        points: list[tuple[Month, Decimal, Decimal | None, Decimal | None, bool]] = []
        for month_, point in zip(months, item.calculator.series(months), strict=True):
            if month_ < current:
                points.append((month_, point.pv, point.ev, point.ac, False))
            elif month_ == current:  # the month under way: its figures at the status date
                points.append((month_, ev.pv, ev.ev, ev.ac, day != month_.last_day()))
            else:
                points.append((month_, point.pv, None, None, False))
        chart = line_chart(
            {
                "pv": [p[1] for p in points],
                "ev": [p[2] for p in points],
                "ac": [p[3] for p in points],
            },
            width=760,
            height=300,
            margins=(14, 16, 34, 92),
        )
        report.chart = chart
        report.curve = [
            CurvePoint(m, pv, ev_, ac, x, partial)
            for (m, pv, ev_, ac, partial), x in zip(points, chart.x_positions, strict=True)
        ]
    return report


def _activities(milestone: Milestone, day: date) -> list[ActivityRow]:
    latest = (
        ProgressEntry.objects.visible_to_public()
        .filter(activity__milestone=milestone)
        .latest_per_activity(day)
    )
    labels = dict(ActivityStatus.choices)
    rows = []
    for activity in milestone.activities.all():
        state = latest.get(activity.pk)
        status = state.status if state and state.status else ActivityStatus.PLANNED
        rows.append(
            ActivityRow(
                code=activity.code,
                title=activity.title,
                responsible=activity.responsible_text,
                planned=activity.planned,
                status_key=str(status),
                status=str(labels.get(status, status)),
                percent=state.percent_complete if state else Decimal(0),
                actual_start=state.actual_start if state else None,
                actual_end=state.actual_end if state else None,
                reported=state.day if state else None,
            )
        )
    return rows
