"""The audit trail: one immutable entry per write, with each changed field's old and new value."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImmutableEntry(Exception):
    """Audit entries cannot be changed or deleted through the application."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_object(self, obj: models.Model) -> AuditEntryQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
            object_id=str(obj.pk),
        )

    def update(self, **kwargs: Any) -> int:
        raise ImmutableEntry("audit entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableEntry("audit entries are append-only")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("creación")
        UPDATE = "update", _("modificación")
        DELETE = "delete", _("eliminación")

    class Source(models.TextChoices):
        WEB = "web", _("web")
        ADMIN = "admin", _("administración")
        IMPORT = "import", _("importación")
        CLI = "cli", _("línea de comandos")
        API = "api", _("API")
        SYSTEM = "system", _("sistema")

    timestamp = models.DateTimeField(_("fecha y hora (UTC)"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autor"),
    )
    actor_label = models.CharField(_("autor (como se registró)"), max_length=254)
    source = models.CharField(_("vía"), max_length=10, choices=Source.choices)
    action = models.CharField(_("acción"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(_("objeto"), max_length=300)
    changes = models.JSONField(_("cambios"), default=dict)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-timestamp", "-id"]
        verbose_name = _("entrada del historial")
        verbose_name_plural = _("historial de cambios")
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableEntry("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableEntry("audit entries are append-only")

    def _amend(self, changes: dict[str, Any]) -> None:
        """Fold further changes to the same object, in the same operation, into this entry."""
        merged = dict(self.changes)
        for name, change in changes.items():
            if name in merged and isinstance(merged[name], list) and isinstance(change, list):
                merged[name] = [merged[name][0], change[1]]
            elif name in merged and isinstance(merged[name], dict) and isinstance(change, dict):
                combined = dict(merged[name])
                for key, names in change.items():
                    combined[key] = sorted(set(combined.get(key, [])) | set(names))
                merged[name] = combined
            else:
                merged[name] = change
        self.changes = merged
        super().save(update_fields=["changes"])


def entries_for_objects(objects_by_model: dict[type[models.Model], list[Any]]) -> AuditEntryQuerySet:
    """Entries about any of the given objects, newest first, in one query."""
    condition = models.Q(pk__in=[])
    for model, pks in objects_by_model.items():
        if pks:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            condition |= models.Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    return AuditEntry.objects.filter(condition).select_related("content_type")
