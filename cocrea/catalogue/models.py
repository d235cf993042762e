"""The catalogue of theories, terms and concepts, standards and legal norms (indicators B–D).

An entry counts for its indicator where it is *applied*: staff link it to the paragraphs of a
document version that use it. Links are per version; a new version carries the links of the
paragraphs it keeps (see :func:`cocrea.drafts.services.create_version`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cocrea.core.versioning import Versioned
from cocrea.drafts.models import Paragraph


class EntryQuerySet(models.QuerySet["Entry"]):
    def of_kind(self, kind: str) -> EntryQuerySet:
        return self.filter(kind=kind)


class Entry(Versioned):
    class Kind(models.TextChoices):
        CONCEPT = "concept", _("Teoría, término o concepto")
        STANDARD = "standard", _("Estándar")
        NORM = "norm", _("Norma legal")

    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("nombre"), max_length=300)
    description = models.TextField(_("descripción"), blank=True)
    issuer = models.CharField(_("emisor"), max_length=300, blank=True)
    number = models.CharField(
        _("número"), max_length=80, blank=True, help_text=_("Por ejemplo «Decreto 57-2008».")
    )
    issued_on = models.DateField(_("fecha"), null=True, blank=True)
    link = models.URLField(_("enlace"), blank=True)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("entrada del catálogo")
        verbose_name_plural = _("catálogo")
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="entry_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})" if self.number else self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:entry", kwargs={"pk": self.pk})


class Application(models.Model):
    """An entry applied in a paragraph of a version."""

    entry = models.ForeignKey(Entry, models.CASCADE, related_name="applications")
    paragraph = models.ForeignKey(Paragraph, models.CASCADE, related_name="applications")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("aplicación")
        verbose_name_plural = _("aplicaciones")
        constraints = [models.UniqueConstraint(fields=["entry", "paragraph"], name="application_unique")]

    def __str__(self) -> str:
        return f"{self.entry} → {self.paragraph}"
