"""Budget lines of a work plan (recursos); expenditures come with execution tracking."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from cocrea.core.provenance import Archivable, ArchivableManager, ArchivableQuerySet, FromDocument
from cocrea.core.versioning import Versioned
from cocrea.plans.models import Milestone


class BudgetLineQuerySet(ArchivableQuerySet["BudgetLine"]):
    def total(self) -> Decimal:
        total = self.aggregate(total=Sum("stated_cost"))["total"] or Decimal(0)
        return Decimal(total).quantize(Decimal("0.01"))


class BudgetLine(Versioned, FromDocument, Archivable):
    class PeriodKind(models.TextChoices):
        NONE = "", _("—")
        MONTHS = "months", _("meses")
        OCCASIONS = "occasions", _("ocasiones")
        DAYS = "days", _("días")
        WEEKS = "weeks", _("semanas")
        YEARS = "years", _("años")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="budget_lines")
    number = models.PositiveSmallIntegerField(_("número"))
    description = models.TextField(_("recurso"))
    quantity = models.PositiveIntegerField(_("cantidad"), null=True, blank=True)
    quantity_noun = models.CharField(_("unidad de cantidad"), max_length=60, blank=True)
    unit_cost = models.DecimalField(
        _("costo unitario"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    periods = models.PositiveIntegerField(_("períodos"), null=True, blank=True)
    period_unit = models.CharField(_("unidad de período"), max_length=30, blank=True)
    period_kind = models.CharField(
        _("tipo de período"), max_length=10, choices=PeriodKind.choices, blank=True
    )
    stated_cost = models.DecimalField(
        _("costo declarado"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(default=0)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)

    objects = ArchivableManager.from_queryset(BudgetLineQuerySet)()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("línea de presupuesto")
        verbose_name_plural = _("líneas de presupuesto")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "number"], name="budget_line_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number:02d} {self.description[:80]}"

    @property
    def computed_cost(self) -> Decimal | None:
        """Quantity × unit cost × periods, when the description states a unit cost."""
        if self.unit_cost is None:
            return None
        return self.unit_cost * (self.quantity or 1) * (self.periods or 1)


class ExpenditureQuerySet(models.QuerySet["Expenditure"]):
    def until(self, day: date) -> ExpenditureQuerySet:
        return self.filter(day__lte=day)

    def counted(self) -> ExpenditureQuerySet:
        """The expenditures that count in the figures: every one but the annulled."""
        return self.filter(annulled_at=None)

    def total(self) -> Decimal:
        """The money spent: the sum of the expenditures that count (annulled ones do not)."""
        total = self.counted().aggregate(total=Sum("amount"))["total"] or Decimal(0)
        return Decimal(total).quantize(Decimal("0.01"))


# A Q for the expenditures that count, seen from a budget line (``Sum("expenditures__amount", ...)``).
COUNTED_FROM_LINE = models.Q(expenditures__annulled_at=None)


class Expenditure(Versioned):
    """Money spent against a budget line.

    A recorded expenditure is corrected (with a reason) or annulled, never deleted: an annulled
    payment stays in the record, with who annulled it, when and why, and stops counting in the
    budget executed and in earned value (:meth:`ExpenditureQuerySet.counted`).
    """

    budget_line = models.ForeignKey(
        BudgetLine, models.PROTECT, related_name="expenditures", verbose_name=_("línea de presupuesto")
    )
    day = models.DateField(_("fecha"))
    amount = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    description = models.CharField(_("descripción"), max_length=500)
    reference = models.CharField(_("referencia del documento"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    correction_reason = models.TextField(_("motivo de la corrección"), blank=True)
    annulled_at = models.DateTimeField(_("anulado el"), null=True, blank=True)
    annulled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anulado por"),
    )
    annulment_reason = models.TextField(_("motivo de la anulación"), blank=True)

    objects = ExpenditureQuerySet.as_manager()

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("gasto")
        verbose_name_plural = _("gastos")
        indexes = [models.Index(fields=["budget_line", "day"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expenditure_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.amount} {self.description[:60]}"

    @property
    def is_annulled(self) -> bool:
        return self.annulled_at is not None
