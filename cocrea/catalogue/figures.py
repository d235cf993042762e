"""Indicators B, C and D: catalogue entries of each kind applied in the strategy's text.

The strategy is the commitment's document of kind «Estrategia». Its *current* version is the
approved one once there is one, else the latest version made public (open or closed); drafts
being written do not count. The history has one point per public version.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from cocrea.catalogue.models import Application, Entry
from cocrea.drafts.models import Document, DocumentVersion, VersionState
from cocrea.plans.models import Commitment, Indicator

KIND_OF_METHOD = {
    Indicator.Method.CATALOGUE_CONCEPTS: Entry.Kind.CONCEPT,
    Indicator.Method.CATALOGUE_STANDARDS: Entry.Kind.STANDARD,
    Indicator.Method.CATALOGUE_NORMS: Entry.Kind.NORM,
}


def strategy_versions(commitment: Commitment) -> list[DocumentVersion]:
    return list(
        DocumentVersion.objects.public()
        .filter(document__milestone__commitment=commitment, document__kind=Document.Kind.STRATEGY)
        .select_related("document")
        .only(  # what the indicators show of each version (not its text)
            "document__title", "number", "label", "state", "opens_at", "closed_at", "approved_at"
        )
        .order_by("document__created_at", "document_id", "number")
    )


def current_version(versions: list[DocumentVersion]) -> DocumentVersion | None:
    approved = [v for v in versions if v.state == VersionState.APPROVED]
    if approved:
        return approved[-1]
    return versions[-1] if versions else None


def applied_counts(version_ids: list[int]) -> dict[tuple[int, str], int]:
    """Distinct entries applied, by (version, kind), in one query."""
    rows = (
        Application.objects.filter(paragraph__version_id__in=version_ids)
        .values("paragraph__version_id", "entry__kind")
        .annotate(n=Count("entry_id", distinct=True))
    )
    return {(row["paragraph__version_id"], row["entry__kind"]): row["n"] for row in rows}


def catalogue_indicators(commitment: Commitment) -> dict[str, dict[str, Any]]:
    """For each kind: the value in the current version, which version that is, and the history."""
    versions = strategy_versions(commitment)
    counts = applied_counts([v.pk for v in versions])
    current = current_version(versions)
    result: dict[str, dict[str, Any]] = {}
    for kind in Entry.Kind.values:
        result[kind] = {
            "value": counts.get((current.pk, kind), 0) if current else None,
            "version": current.label if current else None,
            "version_state": current.state if current else None,
            "history": [
                {
                    "document": v.document.title,
                    "version": v.label,
                    "number": v.number,
                    "state": v.state,
                    "count": counts.get((v.pk, kind), 0),
                }
                for v in versions
            ],
        }
    return result
