"""The activity status workflow, kept as data; :func:`check_transition` is its one enforcer.

planned → in progress → done, where a single report may go straight from planned to done;
delayed and cancelled need a reason. Done and cancelled are final.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cocrea.plans.models import ActivityStatus as S

TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({S.PLANNED, S.IN_PROGRESS, S.DONE, S.DELAYED, S.CANCELLED}),
    S.PLANNED: frozenset({S.PLANNED, S.IN_PROGRESS, S.DONE, S.DELAYED, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.IN_PROGRESS, S.DONE, S.DELAYED, S.CANCELLED}),
    S.DELAYED: frozenset({S.DELAYED, S.IN_PROGRESS, S.DONE, S.CANCELLED}),
    S.DONE: frozenset({S.DONE}),
    S.CANCELLED: frozenset({S.CANCELLED}),
}
REASON_REQUIRED = frozenset({S.DELAYED, S.CANCELLED})
HUNDRED = Decimal(100)


class WorkflowError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def derive_status(percent: Decimal) -> str:
    if percent <= 0:
        return S.PLANNED
    if percent >= HUNDRED:
        return S.DONE
    return S.IN_PROGRESS


def check_transition(previous: str | None, status: str, percent: Decimal, reason: str) -> None:
    """Raise :class:`WorkflowError` unless ``previous`` → ``status`` at ``percent`` is allowed."""
    labels = dict(S.choices)
    if status not in labels:
        raise WorkflowError(str(_("Estado desconocido: %(status)s.") % {"status": status}))
    if not Decimal(0) <= percent <= HUNDRED:
        raise WorkflowError(str(_("El avance debe estar entre 0 y 100 %.")))
    if status not in TRANSITIONS[previous]:
        raise WorkflowError(
            str(
                _("Una actividad «%(previous)s» no puede pasar a «%(status)s».")
                % {"previous": labels.get(previous or "", previous), "status": labels[status]}
            )
        )
    if status in REASON_REQUIRED and not reason.strip():
        raise WorkflowError(
            str(_("Indique el motivo: es obligatorio para «%(status)s».") % {"status": labels[status]})
        )
    if status == S.DONE and percent != HUNDRED:
        raise WorkflowError(str(_("Una actividad completada tiene 100 % de avance.")))
    if status == S.PLANNED and percent != 0:
        raise WorkflowError(str(_("Una actividad planificada tiene 0 % de avance.")))
    if status == S.IN_PROGRESS and percent >= HUNDRED:
        raise WorkflowError(str(_("Con 100 % de avance, la actividad está completada.")))
