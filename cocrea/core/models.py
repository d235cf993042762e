"""Files people upload: stored under generated names, never served inline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def upload_path(instance: Upload, filename: str) -> str:
    """A generated name: nothing of the uploaded name reaches the file system."""
    return f"uploads/{instance.created_at:%Y/%m}/{instance.pk}.bin"


class Upload(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("subido por")
    )
    purpose = models.CharField(_("para"), max_length=40)
    original_name = models.CharField(_("nombre original"), max_length=255)
    kind = models.CharField(_("tipo detectado"), max_length=20)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=upload_path, max_length=200)
    created_at = models.DateTimeField(_("subido"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("archivo subido")
        verbose_name_plural = _("archivos subidos")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.kind}, {self.size} B)"
