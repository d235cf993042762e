"""Hostile text rendered in a real browser: no dialog ever fires."""

from __future__ import annotations

import pytest

from cocrea.audit.context import acting_as
from tests.security.hostile import PAYLOADS

pytestmark = pytest.mark.browser


def test_no_dialog_fires_on_pages_full_of_hostile_text(page, live_server, seeded_milestone):
    milestone = seeded_milestone
    activities = list(milestone.activities.all())
    with acting_as(None, "cli"):
        for activity, payload in zip(activities, PAYLOADS, strict=False):
            activity.title = payload
            activity.responsible_text = payload[:300]
            activity.save()
        for meeting, payload in zip(milestone.meetings.all(), reversed(PAYLOADS), strict=False):
            meeting.title = payload[:300]
            meeting.save()
        commitment = milestone.commitment
        commitment.objective = " ".join(PAYLOADS)
        commitment.save()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for url in (
        "/",
        commitment.get_absolute_url(),
        milestone.get_absolute_url(),
        milestone.get_schedule_url(),
        milestone.get_check_url(),
        milestone.get_history_url(),
    ):
        page.goto(live_server.url + url)
        page.wait_for_load_state("load")
        page.wait_for_timeout(150)
        assert page.locator("main").count() == 1
    assert dialogs == []
    # the payloads are on the page as text
    page.goto(live_server.url + milestone.get_absolute_url())
    assert "<script>alert(1)</script>" in page.inner_text("main")
