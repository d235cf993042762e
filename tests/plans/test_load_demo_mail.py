"""Sample data emails nobody (issue #12, section 10): ``make run`` loads the demo with its sample
execution and co-creation, whose 60 answered contributions would each email their contributor."""

from __future__ import annotations

from io import StringIO

from django.conf import settings
from django.core import mail
from django.core.management import call_command

from cocrea.drafts.models import Response


def test_loading_the_samples_sends_no_email(transactional_db):
    """Committed for real, as in ``make run``: the emails due after each commit are withheld."""
    backend = settings.EMAIL_BACKEND
    out = StringIO()
    call_command("load_demo", "--sample-execution", "--sample-cocreation", stdout=out)
    assert Response.objects.count() >= 40  # answers whose contributors would have heard
    assert mail.outbox == []
    assert backend == settings.EMAIL_BACKEND  # mail works again afterwards
    assert len(out.getvalue().splitlines()) == 3


def test_mail_is_withheld_only_inside_the_block():
    from cocrea.plans.management.commands.load_demo import mail_withheld

    with mail_withheld():
        mail.send_mail("x", "y", None, ["a@example.org"])
    assert mail.outbox == []
    mail.send_mail("x", "y", None, ["a@example.org"])
    assert len(mail.outbox) == 1
