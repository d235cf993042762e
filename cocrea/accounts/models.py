"""Roles a person holds, each scoped to organisations, commitments or milestones."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cocrea.plans.models import ActionPlan, Commitment, Milestone, Organization


class Role(models.TextChoices):
    MODERATOR = "moderator", _("Moderador")
    EDITOR = "editor", _("Editor")
    COORDINATOR = "coordinator", _("Coordinador")
    ADMINISTRATOR = "administrator", _("Administrador")
    AUDITOR = "auditor", _("Auditor")
    POINT_OF_CONTACT = "point_of_contact", _("Punto de contacto")
    LIAISON = "liaison", _("Enlace institucional")


# Roles that must name what they apply to, and roles that apply everywhere.
SCOPED_ROLES = {Role.EDITOR, Role.COORDINATOR, Role.POINT_OF_CONTACT, Role.LIAISON}
STAFF_ROLES = {
    Role.EDITOR,
    Role.COORDINATOR,
    Role.ADMINISTRATOR,
    Role.AUDITOR,
    Role.MODERATOR,
    Role.POINT_OF_CONTACT,
    Role.LIAISON,
}
# The roles a plan's point of contact grants for its commitments (administrators grant every role).
PLAN_ROLES = (Role.LIAISON, Role.COORDINATOR, Role.EDITOR)


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_assignments", verbose_name=_("persona")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    action_plan = models.ForeignKey(
        ActionPlan, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("plan de acción")
    )
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
        scope = ", ".join(
            str(s) for s in (self.action_plan, self.commitment, self.milestone, self.organization) if s
        )
        return f"{self.user} — {self.get_role_display()}" + (f" ({scope})" if scope else "")

    def clean(self) -> None:
        scopes = [s for s in (self.organization_id, self.commitment_id, self.milestone_id) if s]
        if self.action_plan_id and self.role != Role.POINT_OF_CONTACT:
            raise ValidationError(_("Solo el punto de contacto se asigna a un plan de acción."))
        if self.role == Role.POINT_OF_CONTACT:
            if not self.action_plan_id or scopes:
                raise ValidationError(
                    _("Un punto de contacto se asigna a un plan de acción, sin otro ámbito.")
                )
            return
        if self.role == Role.LIAISON:
            if not self.commitment_id or not self.organization_id or self.milestone_id:
                raise ValidationError(
                    _("Un enlace institucional se asigna a un compromiso y a la institución que representa.")
                )
            return
        if self.role == Role.COORDINATOR and not self.commitment_id:
            raise ValidationError(_("Un coordinador se asigna a un compromiso."))
        if self.role == Role.EDITOR and len(scopes) != 1:
            raise ValidationError(_("Un editor se asigna a una organización, un compromiso o un hito."))
        if self.role not in SCOPED_ROLES and scopes:
            raise ValidationError(_("Este rol se aplica a toda la plataforma, sin ámbito."))
