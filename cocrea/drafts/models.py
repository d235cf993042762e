"""Co-creation of documents: versions made of sections and paragraphs, contributions, responses.

A :class:`Document` (the conceptual framework, the strategy, an implementation plan) has numbered
:class:`DocumentVersion` rows. Sections and paragraphs are stored per version and carry a ``key``
that stays the same across versions, so a paragraph's history is the rows sharing its key.
Contributions (comments and proposals) are pinned to a version and to a paragraph, a section or
the whole version; each gets at most one reasoned :class:`Response`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocrea.core.versioning import Versioned
from cocrea.plans.models import Activity, Milestone, Organization


class Document(Versioned):
    class Kind(models.TextChoices):
        CONCEPTUAL_FRAMEWORK = "framework", _("Marco conceptual")
        STRATEGY = "strategy", _("Estrategia")
        IMPLEMENTATION_PLAN = "implementation", _("Plan de implementación")
        OTHER = "other", _("Otro documento")

    milestone = models.ForeignKey(Milestone, models.CASCADE, related_name="documents")
    title = models.CharField(_("título"), max_length=300)
    slug = models.SlugField(_("dirección"), max_length=80)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("descripción"), blank=True)
    activity = models.ForeignKey(
        Activity,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("actividad del plan"),
    )
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    # The demo's sample co-creation (drafts.sample): its pages and reports say "Datos de ejemplo".
    sample = models.BooleanField(_("datos de ejemplo"), default=False, editable=False)

    class Meta:
        ordering = ["milestone_id", "created_at", "pk"]
        verbose_name = _("documento")
        verbose_name_plural = _("documentos")
        constraints = [models.UniqueConstraint(fields=["milestone", "slug"], name="document_unique_slug")]

    def __str__(self) -> str:
        return self.title

    def _kwargs(self) -> dict[str, str]:
        milestone = self.milestone
        commitment = milestone.commitment
        return {
            "plan": commitment.action_plan.slug,
            "number": commitment.number,
            "milestone": milestone.number,
            "document": self.slug,
        }

    def get_compare_url(self) -> str:
        return reverse("drafts:compare", kwargs=self._kwargs())

    def get_follow_url(self) -> str:
        return reverse("drafts:follow", kwargs=self._kwargs())

    def get_absolute_url(self) -> str:
        return reverse("drafts:document", kwargs=self._kwargs())


class VersionState(models.TextChoices):
    DRAFT = "draft", _("En redacción")
    OPEN = "open", _("Abierta a consulta")
    CLOSED = "closed", _("Consulta cerrada")
    APPROVED = "approved", _("Aprobada")


class DocumentVersionQuerySet(models.QuerySet["DocumentVersion"]):
    def public(self) -> DocumentVersionQuerySet:
        return self.exclude(state=VersionState.DRAFT)

    def closing_between(self, start: datetime, end: datetime) -> DocumentVersionQuerySet:
        return self.filter(state=VersionState.OPEN, closes_at__gt=start, closes_at__lte=end)


class DocumentVersion(Versioned):
    """Borrador 1, 2, 3, final: one numbered text of a document, moving through its workflow."""

    document = models.ForeignKey(Document, models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("número"))
    label = models.CharField(_("nombre"), max_length=120)
    state = models.CharField(_("estado"), max_length=10, choices=VersionState.choices, default="draft")
    opens_at = models.DateTimeField(_("abre"), null=True, blank=True)
    closes_at = models.DateTimeField(_("cierra"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada el"), null=True, blank=True)
    approved_at = models.DateTimeField(_("aprobada el"), null=True, blank=True)
    markdown = models.TextField(_("texto (Markdown)"), blank=True)
    notes = models.TextField(_("qué cambió"), blank=True)
    source = models.CharField(_("origen"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DocumentVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document_id", "number"]
        verbose_name = _("versión")
        verbose_name_plural = _("versiones")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")]

    def __str__(self) -> str:
        return f"{self.document} — {self.label}"

    @property
    def withheld_from_public(self) -> bool:
        """A version being written is seen by staff only."""
        return self.state == VersionState.DRAFT

    @property
    def accepts_contributions(self) -> bool:
        return self.state == VersionState.OPEN

    def get_absolute_url(self) -> str:
        return reverse("drafts:version", kwargs=self._kwargs())

    def _kwargs(self) -> dict[str, Any]:
        return {**self.document._kwargs(), "version": self.number}

    def get_contribute_url(self) -> str:
        return reverse("drafts:contribute", kwargs=self._kwargs())

    def get_report_pdf_url(self) -> str:
        return reverse("reports:responses_pdf", kwargs=self._kwargs())

    def get_report_url(self) -> str:
        return reverse("drafts:report", kwargs=self._kwargs())


class Section(models.Model):
    version = models.ForeignKey(DocumentVersion, models.CASCADE, related_name="sections")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(_("título"), max_length=500, blank=True)

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="section_unique_key"),
            models.UniqueConstraint(fields=["version", "position"], name="section_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Introducción"))


class Paragraph(models.Model):
    version = models.ForeignKey(DocumentVersion, models.CASCADE, related_name="paragraphs")
    section = models.ForeignKey(Section, models.CASCADE, related_name="paragraphs")
    key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    position = models.PositiveIntegerField()
    number = models.PositiveIntegerField(_("número"))
    text = models.TextField(_("texto (Markdown)"))
    html = models.TextField(editable=False)

    class Meta:
        ordering = ["version_id", "position"]
        verbose_name = _("párrafo")
        verbose_name_plural = _("párrafos")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="paragraph_unique_key"),
            models.UniqueConstraint(fields=["version", "position"], name="paragraph_unique_position"),
        ]

    def __str__(self) -> str:
        return f"§{self.number} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        version = self.version
        return reverse(
            "drafts:paragraph",
            kwargs={**version._kwargs(), "key": self.key},
        )


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def visible(self) -> ContributionQuerySet:
        return self.filter(hidden_at=None)

    def top_level(self) -> ContributionQuerySet:
        return self.filter(parent=None)

    def unanswered(self) -> ContributionQuerySet:
        return self.filter(parent=None, response=None)


class Contribution(models.Model):
    """A comment on the version, a section or a paragraph, or a proposed wording for a paragraph."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comentario")
        PROPOSAL = "proposal", _("Propuesta de redacción")

    version = models.ForeignKey(DocumentVersion, models.CASCADE, related_name="contributions")
    section = models.ForeignKey(Section, models.CASCADE, null=True, blank=True, related_name="contributions")
    paragraph = models.ForeignKey(
        Paragraph, models.CASCADE, null=True, blank=True, related_name="contributions"
    )
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="replies", verbose_name=_("responde a")
    )
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField(_("comentario"))
    proposed_text = models.TextField(_("redacción propuesta"), blank=True)
    person = models.ForeignKey(
        "participation.Person", models.PROTECT, related_name="contributions", verbose_name=_("persona")
    )
    organization = models.ForeignKey(
        Organization,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("en nombre de"),
    )
    created_at = models.DateTimeField(_("enviado"), auto_now_add=True)
    hidden_at = models.DateTimeField(_("ocultado"), null=True, blank=True)
    hidden_reason = models.TextField(_("motivo de ocultarlo"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("aporte")
        verbose_name_plural = _("aportes")
        indexes = [
            models.Index(fields=["version", "paragraph", "created_at"]),
            models.Index(fields=["version", "section", "created_at"]),
            models.Index(fields=["person", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        if self.paragraph is not None:
            return f"{self.paragraph.get_absolute_url()}#aporte-{self.pk}"
        return f"{self.version.get_absolute_url()}#aporte-{self.pk}"

    @property
    def author_name(self) -> str:
        """What public pages show: the chosen display name with consent, else «Participante».

        Read from the row when the query brought it (``drafts.queries.with_author``: the same rule
        as ``Person.public_name``), else from the person and their consents."""
        row = self.__dict__
        if "author_consents" in row:
            anonymised = bool(row["author_anonymised"])
            shown = row["author_display"] if row["author_consents"] and not anonymised else None
        else:
            person = self.person
            anonymised, shown = bool(person.anonymised_at), person.public_name
        if anonymised:
            return str(_("Participante eliminado"))
        return shown or str(_("Participante"))

    @property
    def target_label(self) -> Any:
        if self.paragraph is not None:
            return _("Párrafo %(number)s") % {"number": self.paragraph.number}
        if self.section_id:
            return self.section
        return _("Todo el documento")


class AbuseReport(models.Model):
    contribution = models.ForeignKey(Contribution, models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    reason = models.TextField(_("motivo"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("reporte de abuso")
        verbose_name_plural = _("reportes de abuso")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "reporter"], name="abuse_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contribution} — {self.reason[:40]}"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Aceptado")
    PARTLY = "partly", _("Aceptado en parte")
    NOT_ACCEPTED = "not_accepted", _("No aceptado")
    OUT_OF_SCOPE = "out_of_scope", _("Fuera de alcance")


CARRIED = (Decision.ACCEPTED, Decision.PARTLY)


class Response(Versioned):
    """The government's reasoned answer to a contribution, and where the next version carries it."""

    contribution = models.OneToOneField(Contribution, models.CASCADE, related_name="response")
    decision = models.CharField(_("decisión"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("razón"))
    resulting_paragraphs = models.ManyToManyField(
        Paragraph, blank=True, related_name="responses", verbose_name=_("párrafos que lo recogen")
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("respondido"), auto_now_add=True)

    class Meta:
        ordering = ["responded_at"]
        verbose_name = _("respuesta")
        verbose_name_plural = _("respuestas")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} — {self.contribution}"


class Follow(models.Model):
    document = models.ForeignKey(Document, models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="followed_documents")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("seguimiento")
        verbose_name_plural = _("seguimientos")
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="follow_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.document}"
