"""The home page shows what one can take part in now: the consultations open (document, version,
closing date, link) and the next meetings (date, title, place, a link to sign up); only public
items, in a number of queries that does not grow with them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from cocrea.drafts.models import DocumentVersion
from cocrea.participation.models import Meeting

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def set_for(meeting: Meeting, days: int, place: str = "Salón 3, INAP", **fields) -> Meeting:
    zone = timezone.get_default_timezone()
    day = timezone.localdate() + timedelta(days=days)
    meeting.actual_date = day
    meeting.starts_at = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)), zone)
    meeting.place = place
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    return meeting


def test_an_open_consultation_with_its_closing_date_and_link(client, sample_cocreation):
    open_version = sample_cocreation.versions[2]
    assert open_version.state == "open"
    page = home(client)
    assert "Consultas abiertas ahora" in page
    assert f'href="{open_version.get_absolute_url()}"' in page
    assert f"{open_version.document.title} — {open_version.label}" in page
    closes = formats.date_format(timezone.localtime(open_version.closes_at), "DATETIME_FORMAT")
    assert f"Recibe aportes hasta el {closes}" in page
    for closed in sample_cocreation.versions[:2]:
        assert f'href="{closed.get_absolute_url()}"' not in page  # consultations already closed


def test_no_unpublished_past_or_draft_consultation(client, sample_cocreation, staff):
    from cocrea.computations.drafttext import parse_markdown
    from cocrea.drafts.services import create_version

    open_version = sample_cocreation.versions[2]
    draft = create_version(
        sample_cocreation.document, parse_markdown("# T\n\n## S\n\nEn redacción."), by=staff
    )
    page = home(client)
    assert f'href="{draft.get_absolute_url()}"' not in page
    # Past its closing date (the daily job has not closed it yet): no longer open now.
    DocumentVersion.objects.filter(pk=open_version.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert f'href="{open_version.get_absolute_url()}"' not in home(client)
    DocumentVersion.objects.filter(pk=open_version.pk).update(closes_at=timezone.now() + timedelta(days=3))
    assert f'href="{open_version.get_absolute_url()}"' in home(client)
    # Its milestone unpublished: not public, not on the home page (not even for staff).
    milestone = open_version.document.milestone
    milestone.is_published = False
    milestone.save()
    assert f'href="{open_version.get_absolute_url()}"' not in home(client)
    client.force_login(staff)
    assert f'href="{open_version.get_absolute_url()}"' not in home(client)
    assert "No hay consultas abiertas en este momento." in home(client)


def test_the_next_meetings_with_date_title_place_and_sign_up_link(client, milestone):
    meetings = list(milestone.meetings.filter(status="scheduled").order_by("position")[:6])
    soon = set_for(meetings[0], 10)
    later = set_for(meetings[1], 3, place="", online_link="https://meet.example.org/x")
    past = set_for(meetings[2], -2)
    cancelled = set_for(meetings[3], 5, status="cancelled")
    archived = set_for(meetings[4], 6, archived_at=timezone.now())
    page = home(client)
    assert "Próximas reuniones" in page
    link = reverse("participation:meeting", args=[soon.pk])
    assert f'href="{link}"' in page and f'href="{link}#signup-h"' in page
    assert soon.title in page and "Salón 3, INAP" in page
    assert formats.date_format(soon.actual_date, "DATE_FORMAT") in page and "09:00" in page
    assert page.index(later.title) < page.index(soon.title)  # the soonest first
    assert "en línea" in page
    for hidden in (past, cancelled, archived):
        assert f'href="{reverse("participation:meeting", args=[hidden.pk])}"' not in page, hidden.status


def test_meetings_of_an_unpublished_milestone_stay_off_the_home_page(client, milestone):
    meeting = set_for(milestone.meetings.filter(status="scheduled").first(), 4)
    assert meeting.title in home(client)
    milestone.is_published = False
    milestone.save()
    page = home(client)
    assert f'href="{reverse("participation:meeting", args=[meeting.pk])}"' not in page
    assert "No hay reuniones con fecha próximamente." in page


def test_the_home_page_asks_the_same_queries_whatever_the_number_of_items(
    client, sample_cocreation, milestone, django_assert_max_num_queries
):
    meetings = list(milestone.meetings.filter(status="scheduled").order_by("position"))
    set_for(meetings[0], 3)
    home(client)  # warm the caches
    with CaptureQueriesContext(connection) as one:
        home(client)
    for n, meeting in enumerate(meetings[1:8], start=4):
        set_for(meeting, n)
    with CaptureQueriesContext(connection) as many:
        page = home(client)
    assert len(many) == len(one)
    assert page.count("#signup-h") == 5  # the next five
    with django_assert_max_num_queries(12):
        home(client)
