"""Roles a person holds, each scoped to organisations, commitments or milestones."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.plans.models import Commitment, Milestone, Organization


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderador")
    EDITOR = "editor", _("Editor")
    COORDINATOR = "coordinator", _("Coordinador")
    ADMINISTRATOR = "administrator", _("Administrador")
    AUDITOR = "auditor", _("Auditor")


# Roles that must name what they apply to, and roles that apply everywhere.
SCOPED_ROLES = {Role.EDITOR, Role.COORDINATOR}
STAFF_ROLES = {Role.EDITOR, Role.COORDINATOR, Role.ADMINISTRATOR, Role.AUDITOR, Role.MODERATOR}


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_assignments", verbose_name=_("persona")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("organización")
    )
    commitment = models.ForeignKey(
        Commitment, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("compromiso")
    )
    milestone = models.ForeignKey(
        Milestone, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("hito")
    )
    granted_at = models.DateTimeField(_("otorgado"), default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("otorgado por"),
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("rol asignado")
        verbose_name_plural = _("roles asignados")

    def __str__(self) -> str:
        scope = self.organization or self.commitment or self.milestone
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def clean(self) -> None:
        scopes = [s for s in (self.organization_id, self.commitment_id, self.milestone_id) if s]
        if self.role == Role.COORDINATOR and not self.commitment_id:
            raise ValidationError(_("Un coordinador se asigna a un compromiso."))
        if self.role == Role.EDITOR and len(scopes) != 1:
            raise ValidationError(_("Un editor se asigna a una organización, un compromiso o un hito."))
        if self.role not in SCOPED_ROLES and scopes:
            raise ValidationError(_("Este rol se aplica a toda la plataforma, sin ámbito."))
