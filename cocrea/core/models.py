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


# --- Background work: the email outbox, jobs with progress, workers, the daily schedule -----------


class OutboundEmail(models.Model):
    """One email to send, written in the transaction that decided to send it (cocrea.core.mail).

    ``pending`` → ``sending`` (a task claimed it) → ``sent``; a failed try goes back to ``pending``
    with ``next_attempt_at`` later (backoff), and to ``failed`` after the last attempt."""

    class State(models.TextChoices):
        PENDING = "pending", _("por enviar")
        SENDING = "sending", _("enviándose")
        SENT = "sent", _("enviado")
        FAILED = "failed", _("fallido")

    state = models.CharField(_("estado"), max_length=10, choices=State.choices, default=State.PENDING)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    subject = models.CharField(_("asunto"), max_length=998)
    recipients = models.TextField(_("destinatarios"))
    message = models.JSONField(_("mensaje"))
    attempts = models.PositiveIntegerField(_("intentos"), default=0)
    next_attempt_at = models.DateTimeField(_("próximo intento"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("encolado"), null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    last_error = models.TextField(_("último error"), blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correo saliente")
        verbose_name_plural = _("correos salientes")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="core_outbox_due")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients} ({self.get_state_display()})"


class Job(models.Model):
    """A long piece of work done by a task (an import, a report): who asked, how far it is, and
    what came out. Its page (``staff:job``) follows it; see :mod:`cocrea.core.jobs`."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en cola")
        RUNNING = "running", _("en curso")
        SUCCEEDED = "succeeded", _("terminado")
        FAILED = "failed", _("con errores")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("tipo"), max_length=40)
    title = models.CharField(_("título"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, related_name="+", verbose_name=_("pedido por")
    )
    state = models.CharField(_("estado"), max_length=10, choices=State.choices, default=State.QUEUED)
    percent = models.PositiveSmallIntegerField(_("avance (%)"), default=0)
    message = models.CharField(_("mensaje"), max_length=500, blank=True)
    details = models.JSONField(_("detalles"), default=list, blank=True)
    result_url = models.CharField(_("enlace al resultado"), max_length=500, blank=True)
    result_file = models.FileField(
        _("archivo resultante"), upload_to="jobs/%Y/%m/", max_length=200, blank=True
    )
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("pedido"), auto_now_add=True)
    started_at = models.DateTimeField(_("empezado"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminado"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("trabajo en segundo plano")
        verbose_name_plural = _("trabajos en segundo plano")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_state_display()}, {self.percent} %)"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class WorkerBeat(models.Model):
    """A running ``cocrea worker``: its heartbeat tells the others it is alive (cocrea.core.worker)."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.worker_id


class ScheduledRun(models.Model):
    """A scheduled job enqueued for a day: the unique pair makes it once a day, whatever the
    number of workers (cocrea.core.schedule)."""

    name = models.CharField(max_length=40)
    day = models.DateField()
    enqueued_at = models.DateTimeField(auto_now_add=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="core_scheduled_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"
