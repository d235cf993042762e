"""Action plans, commitments, milestones and their work plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocrea.computations.months import Month, MonthRange
from cocrea.core.provenance import Archivable, ArchivableManager, ArchivableQuerySet, FromDocument
from cocrea.core.versioning import Versioned


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modificado"), auto_now=True)

    class Meta:
        abstract = True


class Organization(TimeStamped, Versioned):
    """A legal person: an institution, entity or organisation (persona jurídica)."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Gobierno")
        CIVIL_SOCIETY = "civil_society", _("Sociedad civil")
        ACADEMIA = "academia", _("Academia")
        PRIVATE_SECTOR = "private_sector", _("Sector privado")
        INTERNATIONAL = "international", _("Cooperación internacional")
        OTHER = "other", _("Otra")

    name = models.CharField(_("nombre"), max_length=300)
    acronym = models.CharField(_("siglas"), max_length=30, blank=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("país"), max_length=2, blank=True, help_text=_("Código ISO 3166-1"))
    website = models.URLField(_("sitio web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organización")
        verbose_name_plural = _("organizaciones")
        constraints = [
            models.UniqueConstraint(
                fields=["acronym"],
                condition=~models.Q(acronym=""),
                name="organization_unique_acronym",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name


class PublishableQuerySet(models.QuerySet[Any]):
    def published(self) -> PublishableQuerySet:
        return self.filter(is_published=True)


class Publishable(models.Model):
    """Unpublished objects are seen by the staff who may see them, never by the public."""

    is_published = models.BooleanField(_("publicado"), default=False)

    class Meta:
        abstract = True


class ActionPlan(TimeStamped, Publishable, Versioned):
    """A national Open Government action plan (Plan de Acción Nacional de Gobierno Abierto)."""

    name = models.CharField(_("nombre"), max_length=300, unique=True)
    slug = models.SlugField(_("identificador"), max_length=120, unique=True)
    country = models.CharField(_("país"), max_length=2, blank=True)
    government = models.CharField(
        _("gobierno"),
        max_length=200,
        blank=True,
        help_text=_("El país o el gobierno subnacional que presenta el plan (p. ej. «Guatemala»)."),
    )
    number = models.PositiveSmallIntegerField(
        _("número del plan"), null=True, blank=True, help_text=_("4 para el cuarto plan de acción.")
    )
    start_year = models.PositiveSmallIntegerField(_("año de inicio"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("año de fin"), null=True, blank=True)
    ogp_url = models.URLField(
        _("página en OGP"), blank=True, help_text=_("Su página en opengovpartnership.org.")
    )

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("plan de acción")
        verbose_name_plural = _("planes de acción")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:action_plan", kwargs={"plan": self.slug})


class OgpValue(models.TextChoices):
    """The values of the Open Government Partnership a commitment can be relevant to."""

    ACCESS_TO_INFORMATION = "access_to_information", _("Acceso a la información")
    CIVIC_PARTICIPATION = "civic_participation", _("Participación cívica")
    PUBLIC_ACCOUNTABILITY = "public_accountability", _("Rendición de cuentas pública")
    TECHNOLOGY = "technology", _("Tecnología e innovación para la transparencia y la rendición de cuentas")


class CommitmentQuerySet(PublishableQuerySet):
    def published(self) -> CommitmentQuerySet:
        return self.filter(is_published=True, action_plan__is_published=True)


class Commitment(TimeStamped, Publishable, Versioned):
    action_plan = models.ForeignKey(
        ActionPlan, models.CASCADE, related_name="commitments", verbose_name=_("plan de acción")
    )
    number = models.CharField(_("número"), max_length=10)
    sort_key = models.PositiveIntegerField(default=0, editable=False)
    title = models.CharField(_("nombre"), max_length=500)
    ogp_id = models.CharField(
        _("identificador OGP"), max_length=20, blank=True, db_index=True, help_text=_("Por ejemplo GT0095.")
    )
    objective = models.TextField(_("objetivo"), blank=True)
    problem = models.TextField(_("problema que atiende"), blank=True)
    status_quo = models.TextField(_("situación actual"), blank=True)
    description = models.TextField(_("qué hace el compromiso"), blank=True)
    ogp_values = models.JSONField(
        _("valores de OGP"), default=list, blank=True, help_text=_("Claves de OgpValue a las que responde.")
    )
    policy_areas = models.JSONField(_("áreas de política"), default=list, blank=True)
    contact = models.TextField(
        _("contacto"),
        blank=True,
        help_text=_("El contacto institucional que el plan publica (cargo, oficina)."),
    )
    coordinator = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_commitments",
        verbose_name=_("coordinador"),
    )
    responsible_text = models.TextField(_("responsables (como en el documento)"), blank=True)
    other_actors = models.TextField(_("otros actores"), blank=True)
    period_start = models.DateField(_("inicio del período"), null=True, blank=True)
    period_end = models.DateField(_("fin del período"), null=True, blank=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["action_plan_id", "sort_key", "number"]
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        constraints = [
            models.UniqueConstraint(fields=["action_plan", "number"], name="commitment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        digits = "".join(ch for ch in self.number if ch.isdigit())
        self.sort_key = int(digits) if digits else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("portal:commitment", kwargs={"plan": self.action_plan.slug, "number": self.number})

    def get_participation_url(self) -> str:
        return reverse("portal:participation", kwargs={"plan": self.action_plan.slug, "number": self.number})

    @property
    def period(self) -> MonthRange | None:
        return _month_range(self.period_start, self.period_end)

    @property
    def is_public(self) -> bool:
        return self.is_published and self.action_plan.is_published

    def ogp_value_labels(self) -> list[str]:
        labels = dict(OgpValue.choices)
        return [str(labels[value]) for value in self.ogp_values if value in labels]


class CommitmentEntity(FromDocument):
    """An organisation's role in a commitment, with the milestones it answers for."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Entidad responsable")
        OTHER_ACTOR = "other_actor", _("Otro actor")

    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="entities")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="commitment_roles")
    role = models.CharField(_("papel"), max_length=20, choices=Role.choices)
    milestone_numbers = models.JSONField(_("hitos"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["role", "position"]
        verbose_name = _("entidad del compromiso")
        verbose_name_plural = _("entidades del compromiso")
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "organization", "role"], name="commitment_entity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"


class IrmAssessment(TimeStamped, Versioned):
    """What the Independent Reporting Mechanism (IRM) of OGP found of a commitment, as staff
    entered it from the IRM's reports (who and when: ``assessed_by``, ``assessed_at`` and the audit
    trail)."""

    class Impact(models.TextChoices):
        NONE = "none", _("Ninguno")
        MINOR = "minor", _("Menor")
        MODERATE = "moderate", _("Moderado")
        TRANSFORMATIVE = "transformative", _("Transformador")

    class Completion(models.TextChoices):
        NO_EVIDENCE = "no_evidence", _("Sin evidencia")
        NOT_STARTED = "not_started", _("No iniciado")
        LIMITED = "limited", _("Limitado")
        SUBSTANTIAL = "substantial", _("Sustancial")
        COMPLETE = "complete", _("Completo")

    class Opening(models.TextChoices):
        WORSENED = "worsened", _("Empeoró")
        DID_NOT_CHANGE = "did_not_change", _("No cambió")
        MARGINAL = "marginal", _("Marginalmente")
        MAJOR = "major", _("Significativamente")
        OUTSTANDING = "outstanding", _("Excepcionalmente")

    commitment = models.OneToOneField(
        Commitment, models.CASCADE, related_name="irm", verbose_name=_("compromiso")
    )
    verifiable = models.BooleanField(_("verificable"), null=True, blank=True)
    relevant_values = models.JSONField(
        _("relevante a los valores de OGP"), default=list, blank=True, help_text=_("Claves de OgpValue.")
    )
    potential_impact = models.CharField(
        _("impacto potencial"), max_length=20, choices=Impact.choices, blank=True
    )
    completion = models.CharField(_("cumplimiento"), max_length=20, choices=Completion.choices, blank=True)
    opened_government = models.CharField(
        _("¿contribuyó a abrir el gobierno?"), max_length=20, choices=Opening.choices, blank=True
    )
    starred = models.BooleanField(_("compromiso estelar"), default=False)
    early_results = models.TextField(_("resultados tempranos"), blank=True)
    report_url = models.URLField(_("informe del IRM"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrado por"),
    )
    assessed_at = models.DateTimeField(_("registrado"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluación del IRM")
        verbose_name_plural = _("evaluaciones del IRM")

    def __str__(self) -> str:
        return str(_("IRM: %(commitment)s") % {"commitment": self.commitment})

    def relevant_value_labels(self) -> list[str]:
        labels = dict(OgpValue.choices)
        return [str(labels[value]) for value in self.relevant_values if value in labels]


class MilestoneQuerySet(PublishableQuerySet):
    def published(self) -> MilestoneQuerySet:
        return self.filter(
            is_published=True,
            commitment__is_published=True,
            commitment__action_plan__is_published=True,
        )


class Milestone(TimeStamped, Publishable, Versioned):
    """A milestone (hito) of a commitment, with its work plan."""

    commitment = models.ForeignKey(
        Commitment, models.CASCADE, related_name="milestones", verbose_name=_("compromiso")
    )
    number = models.CharField(_("número"), max_length=10)
    sort_key = models.PositiveIntegerField(default=0, editable=False)
    title = models.TextField(_("nombre"))
    deliverable = models.TextField(_("producto o entregable"), blank=True)
    starts_on = models.DateField(_("inicio"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    responsible = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="responsible_milestones",
        verbose_name=_("entidades responsables"),
    )
    weight = models.DecimalField(
        _("peso"),
        max_digits=6,
        decimal_places=2,
        default=1,
        help_text=_("Su peso en el avance del compromiso (la media ponderada de sus hitos)."),
    )
    work_plan_title = models.CharField(_("título del plan de trabajo"), max_length=300, blank=True)
    start_month = models.DateField(_("primer mes"), null=True, blank=True)
    end_month = models.DateField(_("último mes"), null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, default="GTQ")
    stated_budget_total = models.DecimalField(
        _("total declarado del presupuesto"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    schedule_start = models.DateField(_("primer mes del cronograma"), null=True, blank=True)
    schedule_end = models.DateField(_("último mes del cronograma"), null=True, blank=True)
    sample_execution = models.BooleanField(
        _("datos de ejemplo"),
        default=False,
        help_text=_("La ejecución registrada es de ejemplo (cargada para demostración)."),
    )

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["commitment_id", "sort_key", "number"]
        verbose_name = _("hito")
        verbose_name_plural = _("hitos")
        constraints = [
            models.UniqueConstraint(fields=["commitment", "number"], name="milestone_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.commitment.number}.{self.number} {self.title[:80]}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        digits = "".join(ch for ch in self.number if ch.isdigit())
        self.sort_key = int(digits) if digits else 0
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("portal:milestone", kwargs=self._kwargs())

    def _kwargs(self) -> dict[str, str]:
        return {
            "plan": self.commitment.action_plan.slug,
            "number": self.commitment.number,
            "milestone": self.number,
        }

    def get_schedule_url(self) -> str:
        return reverse("portal:schedule", kwargs=self._kwargs())

    def get_check_url(self) -> str:
        return reverse("portal:plan_check", kwargs=self._kwargs())

    def get_history_url(self) -> str:
        return reverse("portal:history", kwargs=self._kwargs())

    def get_dashboard_url(self) -> str:
        return reverse("portal:dashboard", kwargs=self._kwargs())

    def get_document_url(self) -> str:
        return reverse("portal:plan_document", kwargs=self._kwargs())

    @property
    def span(self) -> MonthRange | None:
        return _month_range(self.start_month, self.end_month)

    @property
    def is_public(self) -> bool:
        commitment = self.commitment
        return self.is_published and commitment.is_published and commitment.action_plan.is_published

    @property
    def schedule_range(self) -> MonthRange | None:
        return _month_range(self.schedule_start, self.schedule_end) or self.commitment.period


class Objective(Versioned, FromDocument, Archivable):
    class Kind(models.TextChoices):
        GENERAL = "general", _("General")
        SPECIFIC = "specific", _("Específico")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="objectives")
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("letra"), max_length=5)
    text = models.TextField(_("texto"))
    position = models.PositiveSmallIntegerField(default=0)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)

    objects = ArchivableManager.from_queryset(ArchivableQuerySet)()

    class Meta:
        ordering = ["milestone_id", "kind", "position"]
        verbose_name = _("objetivo")
        verbose_name_plural = _("objetivos")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "kind", "key"], name="objective_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.key}. {self.text[:80]}"


class Indicator(Versioned, FromDocument, Archivable):
    class Method(models.TextChoices):
        EARNED_VALUE = "earned_value", _("Avance planificado y ejecutado (valor ganado)")
        PARTICIPANTS = "participants", _("Personas individuales y jurídicas que participan")
        CATALOGUE_CONCEPTS = "catalogue_concepts", _("Teorías, términos y conceptos aplicados")
        CATALOGUE_STANDARDS = "catalogue_standards", _("Estándares aplicados")
        CATALOGUE_NORMS = "catalogue_norms", _("Normas legales aplicadas")
        MANUAL = "manual", _("Registrado a mano")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="indicators")
    key = models.CharField(_("letra"), max_length=5)
    definition = models.TextField(_("definición"))
    method = models.CharField(
        _("cómo se calcula"), max_length=24, choices=Method.choices, default=Method.MANUAL
    )
    unit = models.CharField(_("unidad"), max_length=40, blank=True)
    target = models.DecimalField(_("meta"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline = models.DecimalField(_("línea de base"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_day = models.DateField(_("fecha de la línea de base"), null=True, blank=True)
    measure_every_months = models.PositiveSmallIntegerField(
        _("se mide cada (meses)"),
        null=True,
        blank=True,
        help_text=_("Para un indicador registrado a mano: cuándo toca la próxima medición."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)

    objects = ArchivableManager.from_queryset(ArchivableQuerySet)()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")
        constraints = [models.UniqueConstraint(fields=["milestone", "key"], name="indicator_unique_key")]

    def __str__(self) -> str:
        return f"{self.key}. {self.definition[:80]}"


class IndicatorMeasurement(Versioned):
    """A dated value of an indicator measured by hand (``Indicator.Method.MANUAL``), with its
    evidence: the indicator's value at a date is its latest measurement by then."""

    indicator = models.ForeignKey(
        Indicator, models.CASCADE, related_name="measurements", verbose_name=_("indicador")
    )
    day = models.DateField(_("fecha de la medición"))
    value = models.DecimalField(_("valor"), max_digits=14, decimal_places=2)
    note = models.TextField(_("nota"), blank=True)
    evidence_url = models.URLField(_("medio de verificación (enlace)"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrado por"),
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)

    class Meta:
        ordering = ["indicator_id", "day", "pk"]
        verbose_name = _("medición de un indicador")
        verbose_name_plural = _("mediciones de indicadores")
        constraints = [models.UniqueConstraint(fields=["indicator", "day"], name="measurement_one_a_day")]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.day}: {self.value}"


class ActivityQuerySet(ArchivableQuerySet["Activity"]):
    def in_month(self, month: Month) -> ActivityQuerySet:
        """Activities planned to be under way during ``month``."""
        return self.filter(planned_start__lte=month.first_day(), planned_end__gte=month.first_day())

    def planned_by(self, day: date) -> ActivityQuerySet:
        """Activities whose planned end month has begun by ``day``."""
        return self.filter(planned_end__lte=day)


class Activity(TimeStamped, Versioned, FromDocument, Archivable):
    """One activity of a work plan (sections IV and VI of the seed, merged)."""

    milestone = models.ForeignKey(
        Milestone, models.CASCADE, related_name="activities", verbose_name=_("hito")
    )
    position = models.PositiveSmallIntegerField(_("orden"))
    number = models.PositiveSmallIntegerField(_("número"), null=True, blank=True)
    letter = models.CharField(_("letra"), max_length=3, blank=True)
    title = models.TextField(_("actividad"))
    responsible_text = models.CharField(_("responsable (como en el documento)"), max_length=300, blank=True)
    responsible = models.ManyToManyField(
        Organization, blank=True, related_name="activities", verbose_name=_("responsables")
    )
    date_text = models.CharField(_("fecha (como en el documento)"), max_length=120, blank=True)
    planned_start = models.DateField(_("inicio planificado"), null=True, blank=True)
    planned_end = models.DateField(_("fin planificado"), null=True, blank=True)
    weight = models.DecimalField(_("peso"), max_digits=6, decimal_places=2, default=1)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)

    objects = ArchivableManager.from_queryset(ActivityQuerySet)()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("actividad")
        verbose_name_plural = _("actividades")
        constraints = [
            models.UniqueConstraint(fields=["milestone", "position"], name="activity_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}"

    @property
    def code(self) -> str:
        if self.number is not None:
            return f"{self.number:02d}"
        return self.letter or str(self.position)

    @property
    def planned(self) -> MonthRange | None:
        return _month_range(self.planned_start, self.planned_end)


class Strategy(Versioned, FromDocument, Archivable):
    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="strategies")
    key = models.CharField(_("letra"), max_length=5)
    text = models.TextField(_("texto"))
    partners = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="strategies",
        verbose_name=_("organizaciones aliadas"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    source_line = models.PositiveIntegerField(_("línea en el documento"), null=True, blank=True)

    objects = ArchivableManager.from_queryset(ArchivableQuerySet)()

    class Meta:
        ordering = ["milestone_id", "position"]
        verbose_name = _("estrategia")
        verbose_name_plural = _("estrategias")
        constraints = [models.UniqueConstraint(fields=["milestone", "key"], name="strategy_unique_key")]

    def __str__(self) -> str:
        return f"{self.key}. {self.text[:80]}"


class PlanDocument(models.Model):
    """The text of an imported work plan, kept so that the plan check can quote its lines."""

    milestone = models.OneToOneField(Milestone, models.CASCADE, related_name="document")
    filename = models.CharField(_("archivo"), max_length=300)
    sha256 = models.CharField(max_length=64)
    content = models.TextField(_("contenido"))
    imported_at = models.DateTimeField(_("importado"))

    class Meta:
        verbose_name = _("documento del plan")
        verbose_name_plural = _("documentos de planes")

    def __str__(self) -> str:
        return self.filename


def _month_range(start: date | None, end: date | None) -> MonthRange | None:
    if start is None or end is None or end < start:
        return None
    return MonthRange(Month.from_date(start), Month.from_date(end))


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planificada")
    IN_PROGRESS = "in_progress", _("En curso")
    DONE = "done", _("Completada")
    DELAYED = "delayed", _("Retrasada")
    CANCELLED = "cancelled", _("Cancelada")


class Review(models.TextChoices):
    """Where a progress report stands in its validation (workflow in :mod:`cocrea.plans.review`)."""

    PENDING = "pending", _("Por validar")
    VALIDATED = "validated", _("Validado")
    RETURNED = "returned", _("Devuelto")


class ProgressEntryQuerySet(models.QuerySet["ProgressEntry"]):
    def visible_to_public(self) -> ProgressEntryQuerySet:
        """The reports the public sees and every published figure counts: validated ones.

        Reports written by a liaison wait for the plan's point of contact
        (:mod:`cocrea.plans.review`); staff screens read them all.
        """
        return self.filter(review=Review.VALIDATED)

    def in_effect(self) -> ProgressEntryQuerySet:
        """The reports the status workflow follows: validated or waiting, not returned."""
        return self.exclude(review=Review.RETURNED)

    def at(self, day: date) -> ProgressEntryQuerySet:
        """Entries reported at or before ``day``."""
        return self.filter(day__lte=day)

    def latest_per_activity(self, day: date) -> dict[int, ProgressEntry]:
        """Each activity's state at ``day``: its latest entry at or before it (one query)."""
        latest: dict[int, ProgressEntry] = {}
        for entry in self.at(day).filter(activity__isnull=False).order_by("activity_id", "day", "pk"):
            latest[entry.activity_id] = entry  # type: ignore[index]  # not null: filtered
        return latest


class ProgressEntry(Versioned):
    """A dated report of an activity's execution, or of a milestone's tracked directly (one
    without a detailed work plan); the latest at a date is its state then.

    The latest report may be corrected or withdrawn, with a reason
    (:func:`cocrea.plans.execution.correction_refusal` says when the workflow allows it).
    """

    activity = models.ForeignKey(
        Activity,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_entries",
        verbose_name=_("actividad"),
    )
    milestone = models.ForeignKey(
        Milestone,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="progress_entries",
        verbose_name=_("hito"),
        help_text=_("Un hito seguido directamente, sin plan de trabajo detallado."),
    )
    day = models.DateField(_("fecha del reporte"))
    percent_complete = models.DecimalField(_("% de avance"), max_digits=5, decimal_places=2)
    status = models.CharField(_("estado"), max_length=12, choices=ActivityStatus.choices)
    actual_start = models.DateField(_("inicio real"), null=True, blank=True)
    actual_end = models.DateField(_("fin real"), null=True, blank=True)
    note = models.TextField(_("nota"), blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrado por"),
    )
    recorded_at = models.DateTimeField(_("registrado"), auto_now_add=True)
    correction_reason = models.TextField(_("motivo de la corrección"), blank=True)
    review = models.CharField(
        _("validación"), max_length=10, choices=Review.choices, default=Review.VALIDATED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("validado o devuelto por"),
    )
    reviewed_at = models.DateTimeField(_("validado o devuelto"), null=True, blank=True)
    review_reason = models.TextField(_("motivo de la devolución"), blank=True)

    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        ordering = ["activity_id", "day", "pk"]
        verbose_name = _("reporte de avance")
        verbose_name_plural = _("reportes de avance")
        indexes = [
            models.Index(fields=["activity", "day"]),
            models.Index(fields=["milestone", "day"]),
            # The validation queue (few rows): a partial index, which the queries of validated
            # reports cannot take instead of the two above (an index on the review state alone
            # sent SQLite through every validated report of the plan).
            models.Index(
                fields=["recorded_at"], name="progress_waiting", condition=models.Q(review="pending")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progress_percent_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=models.Q(activity__isnull=False, milestone__isnull=True)
                | models.Q(activity__isnull=True, milestone__isnull=False),
                name="progress_of_an_activity_or_a_milestone",
            ),
        ]

    def __str__(self) -> str:
        subject = self.activity.code if self.activity is not None else str(self.milestone)
        return f"{subject} {self.day}: {self.percent_complete}% ({self.get_status_display()})"

    @property
    def subject(self) -> Activity | Milestone:
        """What the report is of: the activity, or the milestone tracked directly."""
        return self.activity if self.activity_id else self.milestone  # type: ignore[return-value]

    def get_staff_url(self) -> str:
        """The staff progress screen of its activity, or of its milestone tracked directly."""
        if self.activity_id:
            return reverse("staff:record_progress", args=[self.activity_id])
        return reverse("staff:record_milestone_progress", args=[self.milestone_id])

    @property
    def milestone_id_of_subject(self) -> int:
        """The milestone the report belongs to (one query when the activity is not loaded)."""
        if self.milestone_id:
            return self.milestone_id
        return self.activity.milestone_id  # type: ignore[union-attr]


class Evidence(models.Model):
    """A means of verification (medio de verificación): a link or an uploaded file."""

    entry = models.ForeignKey(ProgressEntry, models.CASCADE, related_name="evidence")
    title = models.CharField(_("título"), max_length=300)
    url = models.URLField(_("enlace"), blank=True)
    upload = models.ForeignKey("core.Upload", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("medio de verificación")
        verbose_name_plural = _("medios de verificación")

    def __str__(self) -> str:
        return self.title


class Baseline(models.Model):
    """An approved snapshot of the plan (planned dates, weights, costs) to compare against."""

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="baselines")
    number = models.PositiveSmallIntegerField(_("número"))
    approved_at = models.DateTimeField(_("aprobada"))
    effective_from = models.DateField(_("vigente desde"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aprobada por"),
    )
    reason = models.TextField(_("motivo"), blank=True)
    snapshot = models.JSONField(_("instantánea"))

    class Meta:
        ordering = ["milestone_id", "number"]
        verbose_name = _("línea base")
        verbose_name_plural = _("líneas base")
        constraints = [models.UniqueConstraint(fields=["milestone", "number"], name="baseline_unique_number")]

    def __str__(self) -> str:
        return str(
            _("%(milestone)s — línea base %(number)s") % {"milestone": self.milestone, "number": self.number}
        )
