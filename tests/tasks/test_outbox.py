"""Every email goes through the outbox: stored with the request's transaction, delivered by a task
after the commit, retried with backoff when the SMTP server refuses, never failing the request."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks.signals import task_enqueued

from cocrea.core import mail as outbox
from cocrea.core.models import OutboundEmail

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def closed_port() -> int:
    """A port on this machine where no SMTP server listens: connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def through_outbox(settings):
    settings.EMAIL_BACKEND = "cocrea.core.mail.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    settings.EMAIL_RETRY_ATTEMPTS = 4
    settings.EMAIL_RETRY_BASE_SECONDS = 30
    return settings


@pytest.fixture
def smtp_down(through_outbox):
    through_outbox.EMAIL_DELIVERY_BACKEND = SMTP
    through_outbox.EMAIL_HOST, through_outbox.EMAIL_PORT = "127.0.0.1", closed_port()
    through_outbox.EMAIL_USE_TLS = through_outbox.EMAIL_USE_SSL = False
    through_outbox.EMAIL_TIMEOUT = 5
    return through_outbox


@pytest.fixture
def enqueued():
    seen: list[str] = []

    def record(sender, task_result, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(task_result.task.module_path)

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def test_an_email_is_stored_then_delivered_once_after_the_commit(
    through_outbox, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction stands for the request's
        send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])
        row = OutboundEmail.objects.get()
        assert row.state == "pending" and enqueued == [] and mail.outbox == []
    assert enqueued == ["cocrea.core.mail.deliver_email"]
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None
    assert [m.subject for m in mail.outbox] == ["Asunto"]
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_a_rolled_back_transaction_stores_and_enqueues_nothing(
    through_outbox, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])
        raise RuntimeError("the request failed")
    assert not OutboundEmail.objects.exists() and enqueued == [] and mail.outbox == []


def test_a_rolled_back_meeting_sign_up_sends_nothing(
    through_outbox, enqueued, milestone, django_capture_on_commit_callbacks
):
    from cocrea.participation.models import Meeting, Person
    from cocrea.participation.services import register_for_meeting

    meeting = Meeting.objects.filter(milestone=milestone).first()
    person = Person.objects.create(name="Ana", email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        register_for_meeting(meeting, person)
        assert OutboundEmail.objects.count() == 1  # written with the sign-up
        raise RuntimeError("the request failed after the sign-up")
    assert not OutboundEmail.objects.exists() and enqueued == [] and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        register_for_meeting(meeting, person)
    assert enqueued == ["cocrea.core.mail.deliver_email"] and len(mail.outbox) == 1


def test_html_alternatives_and_attachments_survive_the_outbox(
    through_outbox, django_capture_on_commit_callbacks
):
    message = EmailMultiAlternatives("Reunión", "texto", None, ["ana@example.org"])
    message.attach_alternative("<p>texto</p>", "text/html")
    message.attach("reunion.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("datos.bin", b"\x00\xff", "application/octet-stream")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    sent = mail.outbox[0]
    assert sent.subject == "Reunión" and sent.body == "texto"
    assert list(sent.alternatives) == [("<p>texto</p>", "text/html")]
    assert [(a[0], a[2]) for a in sent.attachments] == [
        ("reunion.ics", "text/calendar"),
        ("datos.bin", "application/octet-stream"),
    ]
    assert sent.attachments[1][1] == b"\x00\xff"


def test_an_smtp_server_that_is_down_fails_no_request_and_loses_no_email(
    smtp_down, milestone, django_capture_on_commit_callbacks
):
    from cocrea.participation.models import Meeting, Person, Registration
    from cocrea.participation.services import register_for_meeting

    meeting = Meeting.objects.filter(milestone=milestone).first()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register_for_meeting(
            meeting, Person.objects.create(name="Ana", email="ana@example.org")
        )
    assert registration.pk and Registration.objects.filter(pk=registration.pk).exists()
    row = OutboundEmail.objects.get()
    assert row.state == "pending" and row.attempts == 1 and "Connection" in row.last_error
    assert row.next_attempt_at > timezone.now()
    # the server is back: the next attempt (the deferred task, or the sweep) delivers it
    smtp_down.EMAIL_DELIVERY_BACKEND = LOCMEM
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # the wait is over
    assert outbox.sweep_outbox() == 1
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 2 and len(mail.outbox) == 1


def test_retries_back_off_doubling_then_give_up(smtp_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])
    row = OutboundEmail.objects.get()
    waits = []
    while row.state == "pending":
        waits.append(row.next_attempt_at - row.claimed_at)
        assert outbox.deliver(row.pk, "retry-task", now=row.next_attempt_at) in ("retry", "failed")
        row.refresh_from_db()
    assert row.state == "failed" and row.attempts == 4
    assert [round(w.total_seconds() / 30) for w in waits] == [1, 2, 4]
    assert outbox.backoff(20) == timedelta(hours=1)  # never more than an hour
    assert outbox.deliver(row.pk, "another", now=timezone.now() + timedelta(days=1)) == "skipped"


def test_a_sent_email_is_not_sent_again_by_a_second_task(through_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])
    row = OutboundEmail.objects.get()
    assert row.state == "sent"
    assert outbox.deliver(row.pk, "a-second-task") == "skipped"
    assert outbox.sweep_outbox(now=timezone.now() + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1


def test_a_claim_of_a_live_task_is_respected_until_its_lease_ends(through_outbox):
    send_mail("Asunto", "Cuerpo", None, ["ana@example.org"])  # inside the test's transaction: not enqueued
    row = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=row.pk).update(
        state="sending", claimed_by="task-a", claimed_at=timezone.now()
    )
    assert outbox.deliver(row.pk, "task-b") == "skipped"  # task-a may be in the middle of sending
    assert outbox.deliver(row.pk, "task-a") == "sent"  # task-a itself, run again after its worker died
    assert len(mail.outbox) == 1


def test_allauth_account_emails_go_through_the_outbox(
    through_outbox, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # an unknown address gets an email too
        response = client.post("/cuenta/password/reset/", {"email": "nadie@example.org"})
    assert response.status_code == 302
    assert OutboundEmail.objects.filter(recipients="nadie@example.org", state="sent").count() == 1
    assert len(mail.outbox) == 1
