"""Contributions as a source of indicator E: whoever commented, proposed wording or replied in a
commitment's consultation took part in its co-creation (on the day they wrote, in the platform's
time zone), for the organisation they spoke for."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from cocrea.drafts.models import Contribution
from cocrea.participation.figures import local_day


def contribution_rows(
    person_ids: set[int] | None, commitment_ids: set[int] | None
) -> Iterable[tuple[int, int, int | None, date | None]]:

    rows = Contribution.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    if commitment_ids is not None:
        rows = rows.filter(version__document__milestone__commitment_id__in=commitment_ids)
    for commitment, person, organization, written in rows.values_list(
        "version__document__milestone__commitment_id", "person_id", "organization_id", "created_at"
    ).iterator():
        yield commitment, person, organization, local_day(written)


def person_contributions(person: Any) -> list[dict[str, Any]]:
    """For "Mis datos": what the person wrote (and the records merged into them), with the answers."""

    rows = (
        Contribution.objects.filter(Q(person=person) | Q(person__merged_into=person))
        .select_related("version__document", "organization", "response")
        .order_by("created_at", "pk")
    )
    found = []
    for c in rows:
        response = getattr(c, "response", None)
        found.append(
            {
                "document": c.version.document.title,
                "version": c.version.number,
                "kind": c.kind,
                "text": c.text,
                "proposed_text": c.proposed_text,
                "organization": str(c.organization) if c.organization else None,
                "created_at": c.created_at.isoformat(),
                "hidden": c.hidden_at is not None,
                "decision": response.decision if response else None,
                "reason": response.reason if response else None,
            }
        )
    return found
