"""Meetings of a milestone's schedule; people, attendance and consent come later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cocrea.computations.months import Month
from cocrea.core.versioning import Versioned
from cocrea.plans.models import Milestone


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def in_month(self, month: Month) -> MeetingQuerySet:
        return self.filter(planned_month=month.first_day())


class Meeting(Versioned):
    """A scheduled meeting or event (reunión inicial, de trabajo, final)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("Reunión inicial")
        WORKING = "working", _("Reunión de trabajo")
        FINAL = "final", _("Reunión final")
        OTHER = "other", _("Otro evento")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="meetings")
    position = models.PositiveSmallIntegerField(_("orden"))
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    title = models.CharField(_("título"), max_length=300)
    date_text = models.CharField(_("fecha (como en el documento)"), max_length=120, blank=True)
    planned_month = models.DateField(_("mes planificado"), null=True, blank=True)
    planned_end_month = models.DateField(_("último mes planificado"), null=True, blank=True)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)
    status = models.CharField(
        _("estado"),
        max_length=10,
        choices=[
            ("scheduled", _("Programada")),
            ("held", _("Realizada")),
            ("postponed", _("Pospuesta")),
            ("cancelled", _("Cancelada")),
        ],
        default="scheduled",
    )
    actual_date = models.DateField(_("fecha real o nueva fecha"), null=True, blank=True)
    place = models.CharField(_("lugar o enlace"), max_length=300, blank=True)
    status_reason = models.TextField(_("motivo"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("reunión")
        verbose_name_plural = _("reuniones")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "position"], name="meeting_unique_position")
        ]

    def __str__(self) -> str:
        return self.title
