"""Following a document, and the emails: to followers (a version opens, a consultation is about to
close) and to a contributor (their contribution was answered). Emails go out after the transaction
commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.drafts.models import Document, DocumentVersion, Follow, Response

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REMINDER_BEFORE = timedelta(days=2)


# --- follows and emails ------------------------------------------------------------------------


@transaction.atomic
def follow_document(document: Document, user: User) -> Follow:
    with operation("web"):
        found, _created = Follow.objects.get_or_create(document=document, user=user)
    return found


@transaction.atomic
def unfollow_document(document: Document, user: User) -> None:
    with operation("web"):
        Follow.objects.filter(document=document, user=user).delete()


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(subject: str, body: str, recipients: Sequence[str]) -> int:
    messages = [EmailMessage(subject, body, None, [to]) for to in recipients if to]
    if not messages:
        return 0
    return get_connection(fail_silently=True).send_messages(messages) or 0


def _followers(version: DocumentVersion) -> list[str]:
    return sorted(
        {
            email
            for email in version.document.followers.values_list("user__email", flat=True)
            if email and "@" in email
        }
    )


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


def notify_followers_opened(version: DocumentVersion) -> int:
    return _send(
        _("Nueva versión abierta a consulta: %(document)s — %(version)s")
        % {"document": version.document.title, "version": version.label},
        _(
            "«%(version)s» de «%(document)s» está abierta a consulta hasta el %(closes)s. "
            "Lea el texto y deje sus comentarios: %(url)s"
        )
        % {
            "version": version.label,
            "document": version.document.title,
            "closes": _when(version.closes_at),
            "url": _absolute(version.get_absolute_url()),
        },
        _followers(version),
    )


def notify_answered(response: Response) -> int:
    contribution = response.contribution
    person = contribution.person
    email = person.email or (person.user.email if person.user is not None else "")
    if person.anonymised_at or not email:
        return 0
    return _send(
        _("Su aporte recibió respuesta: %(document)s") % {"document": contribution.version.document.title},
        _("Decisión: %(decision)s.\n\n%(reason)s\n\nVea la respuesta: %(url)s")
        % {
            "decision": response.get_decision_display(),
            "reason": response.reason,
            "url": _absolute(contribution.get_absolute_url()),
        },
        [email],
    )


def send_closing_reminders(now: datetime | None = None) -> int:
    """Followers of a document hear, once, that its consultation closes within two days."""
    now = now or timezone.now()
    sent = 0
    due = DocumentVersion.objects.closing_between(now, now + REMINDER_BEFORE).filter(
        closing_reminder_sent_at=None
    )
    for version in due.select_related("document__milestone__commitment__action_plan"):
        with transaction.atomic():  # the emails (outbox rows) and the mark commit together: once
            sent += _send_reminder(version, now)
    return sent


def _send_reminder(version: DocumentVersion, now: datetime) -> int:
    sent = _send(
        _("La consulta cierra pronto: %(document)s — %(version)s")
        % {"document": version.document.title, "version": version.label},
        _("La consulta de «%(version)s» cierra el %(closes)s. Aún puede comentar: %(url)s")
        % {
            "version": version.label,
            "closes": _when(version.closes_at),
            "url": _absolute(version.get_absolute_url()),
        },
        _followers(version),
    )
    DocumentVersion.objects.filter(pk=version.pk).update(closing_reminder_sent_at=now)
    return sent
