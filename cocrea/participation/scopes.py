"""What each write to participation touches on the public site (cocrea/core/pagecache.py).

A meeting and what hangs from it (agenda, documents, registrations, attendance, agreements) touch
the meeting's page and its milestone's pages up to the home page; people and their consents touch
every page that shows names or counts people; the summary behind indicator E touches its
commitment.
"""

from __future__ import annotations

from typing import Any

from cocrea.core import pagecache
from cocrea.participation.models import (
    AffiliationRequest,
    AgendaItem,
    Agreement,
    Attendance,
    Consent,
    Meeting,
    MeetingDocument,
    Membership,
    Participant,
    ParticipantAffiliation,
    ParticipantCount,
    ParticipantOrganization,
    Person,
    PersonMerge,
    Registration,
)
from cocrea.plans.scopes import commitment_kwargs, milestone_kwargs


@pagecache.register(Meeting)
def _meeting(meeting: Meeting) -> list[str]:
    return [*pagecache.chain(milestone_kwargs(meeting.milestone_id)), pagecache.meeting(meeting.pk)]


@pagecache.register(AgendaItem, MeetingDocument, Registration, Attendance, Agreement)
def _meeting_part(row: Any) -> list[str]:
    milestone_id = pagecache.column(Meeting, row.meeting_id, "milestone_id")
    return [*pagecache.chain(milestone_kwargs(milestone_id)), pagecache.meeting(row.meeting_id)]


@pagecache.register(Person, PersonMerge, Consent, Membership, AffiliationRequest)
def _people(row: Any) -> list[str]:
    return [pagecache.PEOPLE]


@pagecache.register(Participant, ParticipantCount, ParticipantAffiliation, ParticipantOrganization)
def _summary(row: Any) -> list[str]:
    return pagecache.chain(commitment_kwargs(row.commitment_id))
