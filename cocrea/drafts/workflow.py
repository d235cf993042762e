"""The workflow of a document version, kept as data; :func:`check_transition` is its one enforcer.

draft → open for consultation (with opening and closing dates) → closed → approved. A closed
consultation may be reopened with a new closing date; a version may also be approved straight from
draft (a final text that is not put to consultation). Approved is final.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from cocrea.drafts.models import VersionState as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.OPEN, S.APPROVED}),
    S.OPEN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.OPEN, S.APPROVED}),
    S.APPROVED: frozenset(),
}


class WorkflowError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed(state: str) -> frozenset[str]:
    return TRANSITIONS.get(state, frozenset())


def check_transition(
    state: str,
    to: str,
    *,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    other_open: bool,
) -> None:
    """Raise :class:`WorkflowError` unless the version may go from ``state`` to ``to``."""
    labels = dict(S.choices)
    if to not in labels:
        raise WorkflowError(_("Estado desconocido: %(state)s.") % {"state": to})
    if to not in allowed(state):
        raise WorkflowError(
            _("Una versión «%(state)s» no puede pasar a «%(to)s».")
            % {"state": labels[state], "to": labels[to]}
        )
    if to == S.OPEN:
        if closes_at is None:
            raise WorkflowError(_("Indique la fecha de cierre de la consulta."))
        if opens_at is not None and closes_at <= opens_at:
            raise WorkflowError(_("La consulta debe cerrar después de abrir."))
        if closes_at <= now:
            raise WorkflowError(_("La fecha de cierre ya pasó."))
        if other_open:
            raise WorkflowError(
                _("Otra versión de este documento está abierta a consulta: ciérrela antes de abrir esta.")
            )
