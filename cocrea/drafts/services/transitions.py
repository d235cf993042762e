"""A version's way through its workflow: drafted, open to consultation, closed, approved."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cocrea.audit.context import operation
from cocrea.core.versioning import StaleEdit
from cocrea.drafts import workflow
from cocrea.drafts.models import DocumentVersion, VersionState
from cocrea.drafts.services.notifications import notify_followers_opened


@transaction.atomic
def transition_version(
    version: DocumentVersion,
    to: str,
    *,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> DocumentVersion:
    """Move the version through its workflow (see :mod:`cocrea.drafts.workflow`); audited.

    With ``expected_version``, a step decided on a stale page is refused (:class:`StaleEdit`)."""
    now = now or timezone.now()
    current = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if expected_version is not None and current.edit_version != expected_version:
        raise StaleEdit(current, [])
    other_open = current.document.versions.filter(state=VersionState.OPEN).exclude(pk=current.pk).exists()
    try:
        workflow.check_transition(
            current.state, to, opens_at=opens_at, closes_at=closes_at, now=now, other_open=other_open
        )
    except workflow.WorkflowError as error:
        raise ValidationError(error.message) from error
    with operation("web"):
        previous = current.state
        current.state = to
        if to == VersionState.OPEN:
            current.opens_at, current.closes_at = opens_at or now, closes_at
            current.closed_at = None
            current.closing_reminder_sent_at = None
        elif to == VersionState.CLOSED:
            current.closed_at = now
            if current.closes_at is None or current.closes_at > now:
                current.closes_at = now
        elif to == VersionState.APPROVED:
            current.approved_at = now
        current.edit_version += 1
        current.save()
    if to == VersionState.OPEN and previous == VersionState.DRAFT:
        transaction.on_commit(lambda: notify_followers_opened(current))
    version.refresh_from_db()
    return current


def close_due_consultations(now: datetime | None = None) -> int:
    """Close the consultations whose closing date has passed (the nightly command calls it)."""
    now = now or timezone.now()
    closed = 0
    for version in DocumentVersion.objects.filter(state=VersionState.OPEN, closes_at__lte=now):
        with operation("system"):
            transition_version(version, VersionState.CLOSED, now=now)
        closed += 1
    return closed


def is_open_now(version: DocumentVersion, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        version.state == VersionState.OPEN
        and (version.opens_at is None or version.opens_at <= now)
        and (version.closes_at is None or now < version.closes_at)
    )
