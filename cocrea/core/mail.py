"""Every email goes through an outbox: stored in the database with the work that sends it, then
delivered by a background task, retried with backoff, sent once.

``EMAIL_BACKEND`` is :class:`OutboxBackend` (settings), so Cocrea's own emails, allauth's account
emails and Django's error emails all come here: ``send_messages`` writes one
:class:`~cocrea.core.models.OutboundEmail` row per message, in the caller's transaction, and
enqueues :func:`deliver_email` when that transaction commits. A request that rolls back leaves no
row and enqueues nothing; an SMTP server that is down or refuses fails no request.

The task claims the row (``pending`` → ``sending``, a conditional UPDATE that commits at once),
hands the message to the real backend (``EMAIL_DELIVERY_BACKEND``, from ``EMAIL_URL``), then marks
it ``sent``. On an error the row goes back to ``pending`` with the next attempt
``EMAIL_RETRY_BASE_SECONDS × 2^(attempt−1)`` later (at most an hour), and a deferred task is
enqueued; after ``EMAIL_RETRY_ATTEMPTS`` attempts it is ``failed`` (kept, with the error, in the
admin). The scheduler's sweep (:func:`sweep_outbox`) re-enqueues rows whose task was lost.

What this guarantees, honestly:

* **No email is lost**: the row commits with the decision to send, before any delivery is tried,
  and stays until the SMTP server has accepted it (or every attempt failed).
* **An email is sent twice only in one narrow case**: the worker dies after the SMTP server
  accepted the message and before the one-row UPDATE that marks it ``sent`` commits. The same task
  run again (the worker's recovery) or the sweep after the lease then sends it again. No protocol
  can close that window with SMTP, which has no idempotent delivery; the copy carries the same
  ``Message-ID`` (set once, when the row is written), by which mail systems recognise duplicates.
  Every other crash point (before the claim, during the SMTP conversation, after the mark) sends it
  exactly once.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.mime.base import MIMEBase
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import TaskContext, task

from cocrea.core.models import OutboundEmail
from cocrea.core.tasking import enqueue_now

logger = logging.getLogger("cocrea.mail")
SWEEP_GRACE = timedelta(minutes=5)  # a pending row not picked up this long after it was enqueued
KEEP_SENT = timedelta(days=30)  # sent rows (addresses, bodies) are deleted after this
SWEEP_BATCH = 500


def lease() -> timedelta:
    """How long a claim holds: longer than any SMTP conversation (``EMAIL_TIMEOUT`` per step)."""
    return timedelta(seconds=settings.EMAIL_TIMEOUT * 3 + 60)


def backoff(attempt: int) -> timedelta:
    """The wait after failed attempt number ``attempt`` (1, 2, …): doubling, at most an hour."""
    return timedelta(seconds=min(settings.EMAIL_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0), 3600))


# --- The message as data ---------------------------------------------------------------------


def _content(value: str | bytes) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    return {"text": value}


def _uncontent(value: dict[str, str]) -> str | bytes:
    return base64.b64decode(value["b64"]) if "b64" in value else value["text"]


def to_data(message: EmailMessage) -> dict[str, Any]:
    """Everything needed to build ``message`` again, as JSON."""
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            payload = attachment.get_payload(decode=True)
            name, content, mimetype = attachment.get_filename(), payload, attachment.get_content_type()
        else:
            name, content, mimetype = attachment
        if not isinstance(content, str | bytes):
            content = str(content)
        attachments.append({"name": name, "content": _content(content), "mimetype": mimetype})
    alternatives = [
        {"content": _content(content), "mimetype": mimetype}
        for content, mimetype in getattr(message, "alternatives", [])
    ]
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "subtype": message.content_subtype,
        "encoding": message.encoding,
        "alternatives": alternatives,
        "attachments": attachments,
    }


def from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        data["subject"],
        data["body"],
        data["from"],
        data["to"],
        bcc=data["bcc"],
        cc=data["cc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data["subtype"]
    message.encoding = data["encoding"]
    for alternative in data["alternatives"]:
        message.attach_alternative(_uncontent(alternative["content"]), alternative["mimetype"])
    for attachment in data["attachments"]:
        message.attach(attachment["name"], _uncontent(attachment["content"]), attachment["mimetype"])
    return message


# --- Into the outbox ---------------------------------------------------------------------------


class OutboxBackend(BaseEmailBackend):
    """Django email backend that stores each message in the outbox and enqueues its delivery on
    commit. It never talks to a mail server, so it cannot fail a request for one."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        stored = 0
        now = timezone.now()
        domain = urlsplit(settings.SITE_URL).hostname or "cocrea.invalid"
        for message in email_messages:
            if not message.recipients():
                continue
            headers = {k.lower(): v for k, v in message.extra_headers.items()}
            if "message-id" not in headers:
                message.extra_headers["Message-ID"] = make_msgid(domain=domain)
            data = to_data(message)
            row = OutboundEmail.objects.create(
                message_id=message.extra_headers.get("Message-ID") or headers["message-id"],
                subject=data["subject"][:998],
                recipients=", ".join(message.recipients()),
                message=data,
                next_attempt_at=now,
                enqueued_at=now,
            )
            pk = row.pk
            transaction.on_commit(lambda pk=pk: enqueue_now(deliver_email, pk))  # type: ignore[misc]
            stored += 1
        return stored


# --- Out of it -----------------------------------------------------------------------------------


@task(takes_context=True)
def deliver_email(context: TaskContext, outbox_id: int) -> str:
    """The task: deliver one outbox row (see :func:`deliver`)."""
    return deliver(outbox_id, claimer=str(context.task_result.id)[:64])


def deliver(outbox_id: int, claimer: str, now: datetime | None = None) -> str:
    """Claim the row, send it through the real backend, mark it sent; on an error schedule the
    next attempt. Returns what happened: ``sent``, ``retry``, ``failed`` or ``skipped`` (already
    sent, failed for good, not due yet, or claimed by a task that is still within its lease)."""
    now = now or timezone.now()
    State = OutboundEmail.State
    claimable = (
        Q(state=State.PENDING, next_attempt_at__lte=now)
        | Q(state=State.SENDING, claimed_by=claimer)  # this very task, run again after its worker died
        | Q(state=State.SENDING, claimed_at__lt=now - lease())
    )
    claimed = OutboundEmail.objects.filter(claimable, pk=outbox_id).update(
        state=State.SENDING, claimed_by=claimer, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    row = OutboundEmail.objects.get(pk=outbox_id)
    try:
        connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
        if connection.send_messages([from_data(row.message)]) != 1:
            raise RuntimeError("the mail backend did not send the message")
    except Exception as error:  # any failure of delivery: try again later
        return _failed(row, claimer, error, now)
    OutboundEmail.objects.filter(pk=outbox_id, claimed_by=claimer).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _failed(row: OutboundEmail, claimer: str, error: Exception, now: datetime) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if row.attempts >= settings.EMAIL_RETRY_ATTEMPTS:
        OutboundEmail.objects.filter(pk=row.pk, claimed_by=claimer).update(
            state=OutboundEmail.State.FAILED, last_error=text
        )
        logger.error("Email %s failed for good after %s attempts: %s", row.pk, row.attempts, text)
        return "failed"
    later = now + backoff(row.attempts)
    OutboundEmail.objects.filter(pk=row.pk, claimed_by=claimer).update(
        state=OutboundEmail.State.PENDING, next_attempt_at=later, enqueued_at=now, last_error=text
    )
    logger.warning("Email %s not sent (attempt %s), next at %s: %s", row.pk, row.attempts, later, text)
    enqueue_now(deliver_email, row.pk, run_after=later)
    return "retry"


def sweep_outbox(now: datetime | None = None) -> int:
    """Enqueue again the rows whose delivery task was lost (the queue was unreachable, a deferred
    retry the backend could not hold) or whose claim outlived its lease; delete sent rows after 30
    days. Returns how many were enqueued. Run by the scheduler of ``cocrea worker``."""
    now = now or timezone.now()
    State = OutboundEmail.State
    OutboundEmail.objects.filter(state=State.SENT, sent_at__lt=now - KEEP_SENT).delete()
    due = OutboundEmail.objects.filter(
        (
            Q(state=State.PENDING, next_attempt_at__lte=now)
            & (
                Q(enqueued_at=None)
                | Q(enqueued_at__lt=now - SWEEP_GRACE)
                | Q(enqueued_at__lt=F("next_attempt_at"))
            )
        )
        | Q(state=State.SENDING, claimed_at__lt=now - lease())
    ).order_by("next_attempt_at", "pk")
    found = list(due.values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in found:
        OutboundEmail.objects.filter(pk=pk).update(enqueued_at=now)
        enqueue_now(deliver_email, pk)
    return len(found)
