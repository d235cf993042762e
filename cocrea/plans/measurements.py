"""Indicators measured by hand (``Indicator.Method.MANUAL``): their dated values with evidence, and
when the next measurement is due.

An indicator such as "número de entidades que adoptan la estrategia" is not computed from the
plan's records: someone counts and records it. Its value at a date is its latest measurement by
then; with a baseline and a target, its progress is how far from the baseline towards the target
it has come. With ``measure_every_months``, a measurement is due that many months after the last
one (or after the baseline, or the milestone's start, when there is none yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import operation
from cocrea.computations.months import Month
from cocrea.computations.sheets import describe_keys, read_measurements
from cocrea.core.actors import acting_user
from cocrea.core.sheet_import import refuse_what_they_may_not_change, rehearse_all, write_all_or_nothing
from cocrea.core.versioning import save_edit
from cocrea.plans import sheet_templates
from cocrea.plans.models import Indicator, IndicatorMeasurement, Milestone


@transaction.atomic
def record_measurement(
    indicator: Indicator,
    *,
    day: date,
    value: Decimal,
    by: Any,
    note: str = "",
    evidence_url: str = "",
    today: date | None = None,
    check_permission: bool = True,
) -> IndicatorMeasurement:
    """Record the indicator's value at ``day``. Only for an indicator measured by hand (the others
    are computed from the records); one measurement a day; not in the future."""
    if check_permission and not by.has_perm(permission("indicator", "change"), indicator):
        raise PermissionDenied
    if indicator.method != Indicator.Method.MANUAL:
        raise ValidationError(
            _("El indicador %(key)s se calcula con los registros del plan: no se mide a mano.")
            % {"key": indicator.key}
        )
    if today is not None and day > today:
        raise ValidationError({"day": _("La fecha de la medición no puede ser futura.")})
    try:
        with transaction.atomic(), operation("web"):
            return IndicatorMeasurement.objects.create(
                indicator=indicator,
                day=day,
                value=Decimal(value).quantize(Decimal("0.01")),
                note=note.strip(),
                evidence_url=evidence_url.strip(),
                recorded_by=acting_user(by),
            )
    except IntegrityError as exc:
        raise ValidationError(
            {
                "day": _("Ya hay una medición del %(day)s: corríjala en lugar de registrar otra.")
                % {"day": day}
            }
        ) from exc


@dataclass(frozen=True)
class ManualValue:
    """What a manual indicator reads at a date."""

    value: Decimal | None  # its latest measurement by then (None: not measured yet)
    day: date | None
    progress: Decimal | None  # percent of the way from the baseline to the target, when both exist
    due: date | None  # when the next measurement is due (None: no rhythm set)
    overdue: bool


def manual_value(
    indicator: Indicator, measurements: list[IndicatorMeasurement], at: date, start: date | None
) -> ManualValue:
    """The indicator at ``at`` from its ``measurements`` (any order); ``start``: the milestone's
    first day, from which a first measurement is due when there is no baseline date."""
    taken = sorted((m for m in measurements if m.day <= at), key=lambda m: (m.day, m.pk or 0))
    latest = taken[-1] if taken else None
    value = latest.value if latest else None
    progress = None
    if value is not None and indicator.target is not None:
        base = indicator.baseline or Decimal(0)
        if indicator.target != base:
            progress = ((value - base) / (indicator.target - base) * 100).quantize(Decimal("0.01"))
    due = None
    if indicator.measure_every_months:
        since = latest.day if latest else (indicator.baseline_day or start)
        if since is not None:
            due = add_months(since, indicator.measure_every_months)
    return ManualValue(value, latest.day if latest else None, progress, due, due is not None and due < at)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 January + 1 → 28/29 February)."""
    month = Month.from_date(day) + months
    return date(month.year, month.month, min(day.day, month.last_day().day))


@transaction.atomic
def set_targets(
    indicator: Indicator,
    *,
    expected_version: int,
    by: Any,
    baseline: Decimal | None,
    baseline_day: date | None,
    target: Decimal | None,
    measure_every_months: int | None,
) -> Indicator:
    """An indicator's baseline (and its date), target and measuring rhythm; a stale edit (someone
    saved it since the form was opened) is refused with :class:`~cocrea.core.versioning.StaleEdit`."""
    if not by.has_perm(permission("indicator", "change"), indicator):
        raise PermissionDenied
    changes = {
        "baseline": baseline,
        "baseline_day": baseline_day,
        "target": target,
        "measure_every_months": measure_every_months,
    }
    with operation("web"):
        saved = save_edit(Indicator, indicator.pk, expected_version, changes)
    return saved  # type: ignore[return-value]


def manual_indicators(milestone: Milestone, by: Any = None) -> dict[str, Indicator]:
    """The milestone's indicators measured by hand that ``by`` may measure (all when None), by key."""
    return {
        indicator.key.upper(): indicator
        for indicator in milestone.indicators.filter(method=Indicator.Method.MANUAL)
        if by is None or by.has_perm(permission("indicator", "change"), indicator)
    }


def import_measurements(milestone: Milestone, data: bytes, *, by: Any, write: bool = True) -> Any:
    """Read a measurement spreadsheet and, if every row is valid, record all of it in one
    transaction (``write=False``: a preview, written and rolled back). Returns the reader's result,
    its ``errors`` including those found while writing (then nothing was written)."""
    keys = manual_indicators(milestone)
    result = refuse_what_they_may_not_change(
        read_measurements(data, keys, describe_keys(keys)),
        by,
        permission("indicator", "change"),
        lambda row: row.indicator,
        "indicator",
        lambda indicator: (
            _("Usted no puede registrar mediciones del indicador %(key)s.") % {"key": indicator.key}
        ),
    )
    if result.errors:
        return result
    today = timezone.localdate()

    def write_row(row: Any) -> None:
        record_measurement(
            row.indicator,
            day=row.day,
            value=row.value,
            note=row.note,
            evidence_url=row.evidence,
            by=by,
            today=today,
            check_permission=by is not None,
        )

    run = write_all_or_nothing if write else rehearse_all
    return run(result, write_row, (ValidationError, PermissionDenied), "date")


def measurement_template(milestone: Milestone, *, by: Any = None) -> bytes:
    """The measurement spreadsheet to fill in, with the indicators ``by`` may measure."""
    return sheet_templates.measurement_template(
        [sheet_templates.choice(i.key, i.definition) for i in manual_indicators(milestone, by).values()],
        milestone=sheet_templates.milestone_name(milestone),
        today=timezone.localdate(),
    )
