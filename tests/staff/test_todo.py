"""The staff area's home lists what needs doing in the person's milestones: contributions without
a reasoned response, overdue agreements, meetings held or past without attendance, activities
under way without a progress report this month; each item links to the screen that deals with it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cocrea.accounts.models import Role
from cocrea.accounts.rules import permission
from cocrea.core.attention import AGREEMENTS, ATTENDANCE, CONTRIBUTIONS, PROGRESS
from cocrea.drafts import queries as drafts_queries
from cocrea.drafts.models import Contribution, Document, DocumentVersion, Response
from cocrea.participation import queries as participation_queries
from cocrea.participation.models import Agreement, Attendance, Meeting
from cocrea.participation.services import register_person
from cocrea.plans import queries as plans_queries
from cocrea.plans.models import Activity, Commitment, Milestone, Organization, ProgressEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 17)  # a fixed day for the query functions


def subjects(items, kind):
    return [item.subject for item in items if item.kind == kind]


def today():
    return timezone.localdate()


@pytest.fixture
def person():
    return register_person(name="Rosa Xicará", email="rosa@example.org")


@pytest.fixture
def version(milestone):
    document = Document.objects.create(
        milestone=milestone, title="Estrategia de innovación", slug="estrategia"
    )
    return DocumentVersion.objects.create(document=document, number=1, label="Borrador 1", state="open")


@pytest.fixture
def meeting(milestone):
    return milestone.meetings.order_by("position").first()


@pytest.fixture
def coordinator(milestone):
    return UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment)


@pytest.fixture
def other_milestone(milestone):
    commitment = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="12", title="Otro compromiso"
    )
    return Milestone.objects.create(commitment=commitment, number="1", title="Hito de otro compromiso")


# --- each kind, with data that triggers it and data that does not -------------------------------


def test_unanswered_contributions_are_counted_by_version(milestone, version, person, staff):
    first = Contribution.objects.create(version=version, person=person, text="Falta un glosario.")
    Contribution.objects.create(version=version, person=person, text="Y un índice.")
    Contribution.objects.create(version=version, person=person, text="Coincido.", parent=first)  # a reply
    hidden = Contribution.objects.create(
        version=version, person=person, text="Oculto.", hidden_at=timezone.now(), hidden_reason="x"
    )
    (item,) = drafts_queries.needs_attention([milestone.pk])
    assert (item.kind, item.subject, item.count) == (CONTRIBUTIONS, version, 3)  # hidden ones too
    assert item.url == reverse("drafts_staff:contributions", args=[version.pk]) + "?estado=unanswered"
    for contribution in (first, hidden):
        Response.objects.create(
            contribution=contribution, decision="accepted", reason="Sí.", responded_by=staff
        )
    (item,) = drafts_queries.needs_attention([milestone.pk])
    assert item.count == 1
    Response.objects.create(
        contribution=Contribution.objects.get(text="Y un índice."), decision="not_accepted", reason="No."
    )
    assert drafts_queries.needs_attention([milestone.pk]) == []


def test_overdue_agreements_are_listed_until_done(milestone, meeting):
    late = Agreement.objects.create(
        meeting=meeting, text="Enviar el acta", due_date=TODAY - datetime.timedelta(1)
    )
    Agreement.objects.create(meeting=meeting, text="Pendiente a tiempo", due_date=TODAY)
    Agreement.objects.create(meeting=meeting, text="Sin fecha")
    Agreement.objects.create(
        meeting=meeting, text="Cumplido", due_date=TODAY - datetime.timedelta(30), done_at=TODAY
    )
    items = participation_queries.needs_attention([milestone.pk], TODAY)
    assert subjects(items, AGREEMENTS) == [late]
    (item,) = [i for i in items if i.kind == AGREEMENTS]
    assert item.url == reverse("staff:meeting_agreements", args=[meeting.pk])
    assert item.day == late.due_date
    late.done_at = TODAY
    late.save()
    assert subjects(participation_queries.needs_attention([milestone.pk], TODAY), AGREEMENTS) == []


def test_meetings_held_or_past_without_attendance(milestone, person):
    def meeting(position, **fields):
        return Meeting.objects.create(
            milestone=milestone, position=position, kind="other", title=f"R{position}", **fields
        )

    milestone.meetings.all().delete()  # the seed's meetings: all in 2019 and 2020
    held_today = meeting(1, status="held", actual_date=TODAY)
    past_day = meeting(2, actual_date=TODAY - datetime.timedelta(1))
    past_start = meeting(3, starts_at=timezone.make_aware(datetime.datetime(2026, 6, 16, 10)))
    past_month = meeting(4, planned_month=datetime.date(2026, 5, 1))
    meeting(5, actual_date=TODAY)  # today, still scheduled: not yet
    meeting(6, planned_month=datetime.date(2026, 6, 1))  # this month
    meeting(7, planned_month=datetime.date(2026, 4, 1), planned_end_month=datetime.date(2026, 6, 1))
    meeting(8, status="cancelled", actual_date=TODAY - datetime.timedelta(10))
    meeting(9, status="postponed", planned_month=datetime.date(2026, 1, 1))
    attended = meeting(10, status="held", actual_date=TODAY - datetime.timedelta(5))
    Attendance.objects.create(meeting=attended, person=person)
    items = participation_queries.needs_attention([milestone.pk], TODAY)
    assert subjects(items, ATTENDANCE) == [held_today, past_day, past_start, past_month]
    item = next(i for i in items if i.subject == past_month)
    assert item.url == reverse("staff:take_attendance", args=[past_month.pk])
    assert item.day == datetime.date(2026, 5, 1)
    Attendance.objects.create(meeting=held_today, person=person)
    assert held_today not in subjects(
        participation_queries.needs_attention([milestone.pk], TODAY), ATTENDANCE
    )


def test_activities_under_way_without_a_report_this_month(milestone, staff):
    def activity(position, **fields):
        return Activity.objects.create(milestone=milestone, position=position, title=f"A{position}", **fields)

    def report(activity, day, status):
        ProgressEntry.objects.create(
            activity=activity, day=day, percent_complete=Decimal(10), status=status, recorded_by=staff
        )

    milestone.activities.all().delete()
    reported_last_month = activity(1)
    report(reported_last_month, datetime.date(2026, 5, 20), "in_progress")
    delayed = activity(2)
    report(delayed, datetime.date(2026, 3, 1), "delayed")
    planned_now = activity(3, planned_start=datetime.date(2026, 5, 1), planned_end=datetime.date(2026, 8, 1))
    reported_this_month = activity(4)
    report(reported_this_month, datetime.date(2026, 6, 2), "in_progress")
    done = activity(5)
    report(done, datetime.date(2026, 4, 2), "done")
    activity(6, planned_start=datetime.date(2026, 9, 1), planned_end=datetime.date(2026, 12, 1))  # later
    activity(7, planned_start=datetime.date(2025, 1, 1), planned_end=datetime.date(2026, 5, 1))  # ended
    future_report = activity(8)
    report(future_report, datetime.date(2026, 6, 30), "in_progress")  # after today: not yet a report
    report(future_report, datetime.date(2026, 5, 30), "in_progress")
    items = plans_queries.needs_attention([milestone.pk], TODAY)
    assert subjects(items, PROGRESS) == [reported_last_month, delayed, planned_now, future_report]
    assert items[0].url == reverse("staff:record_progress", args=[reported_last_month.pk])
    report(delayed, TODAY, "delayed")
    assert delayed not in subjects(plans_queries.needs_attention([milestone.pk], TODAY), PROGRESS)


def test_archived_meetings_and_activities_are_not_due(milestone, meeting, staff):
    Agreement.objects.create(meeting=meeting, text="Enviar el acta", due_date=TODAY - datetime.timedelta(1))
    activity = milestone.activities.get(number=1)
    ProgressEntry.objects.create(
        activity=activity, day=datetime.date(2026, 5, 2), percent_complete=Decimal(5), status="in_progress"
    )
    due = participation_queries.needs_attention([milestone.pk], TODAY)
    assert meeting in subjects(due, ATTENDANCE) and subjects(due, AGREEMENTS)
    assert activity in subjects(plans_queries.needs_attention([milestone.pk], TODAY), PROGRESS)
    for archived in (meeting, activity):
        archived.archived_at = timezone.now()
        archived.save()
    due = participation_queries.needs_attention([milestone.pk], TODAY)
    assert meeting not in subjects(due, ATTENDANCE) and not subjects(due, AGREEMENTS)
    assert activity not in subjects(plans_queries.needs_attention([milestone.pk], TODAY), PROGRESS)


# --- scope --------------------------------------------------------------------------------------


def test_the_milestones_in_scope_agree_with_the_rule(milestone, other_milestone, coordinator, staff):
    inap = Organization.objects.get(acronym="INAP")
    onsec = Organization.objects.get(acronym="ONSEC")
    outsider = Organization.objects.create(name="Sin relación", acronym="SR")
    people = [
        staff,
        coordinator,
        UserFactory(role=Role.COORDINATOR, commitment=other_milestone.commitment),
        UserFactory(role=Role.EDITOR, milestone=other_milestone),
        UserFactory(role=Role.EDITOR, commitment=milestone.commitment),
        UserFactory(role=Role.EDITOR, organization=inap),
        UserFactory(role=Role.EDITOR, organization=onsec),
        UserFactory(role=Role.EDITOR, organization=outsider),
        UserFactory(role=Role.MODERATOR),
        UserFactory(role=Role.AUDITOR),
        UserFactory(),
    ]
    everything = list(Milestone.objects.all())
    for user in people:
        expected = {m.pk for m in everything if user.has_perm(permission("activity", "add"), m)}
        assert {m.pk for m in plans_queries.staff_milestones(user)} == expected, user
    assert plans_queries.staff_milestones(people[2]) == [other_milestone]
    assert plans_queries.staff_milestones(people[7]) == []


def test_a_coordinator_of_another_milestone_does_not_see_them(
    client, milestone, other_milestone, meeting, coordinator, version, person
):
    Agreement.objects.create(
        meeting=meeting, text="Enviar el acta firmada", due_date=today() - datetime.timedelta(3)
    )
    Contribution.objects.create(version=version, person=person, text="Falta un glosario.")
    client.force_login(coordinator)
    own = client.get(reverse("staff:home")).content.decode()
    assert "Enviar el acta firmada" in own and "Responder 1 aporte" in own
    stranger = UserFactory(role=Role.COORDINATOR, commitment=other_milestone.commitment)
    client.force_login(stranger)
    response = client.get(reverse("staff:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enviar el acta firmada" not in page and "Responder" not in page
    assert reverse("staff:milestone", args=[other_milestone.pk]) in page  # their own, with nothing due
    assert "Nada pendiente en sus hitos." in page


def test_an_editor_sees_only_the_activities_of_their_organization(client, milestone, staff):
    onsec = Organization.objects.get(acronym="ONSEC")
    inap = Organization.objects.get(acronym="INAP")
    start, end = today().replace(day=1), today().replace(day=1)
    mine = Activity.objects.create(
        milestone=milestone, position=80, title="De INAP", planned_start=start, planned_end=end
    )
    mine.responsible.set([inap])
    theirs = Activity.objects.create(
        milestone=milestone, position=81, title="De ONSEC", planned_start=start, planned_end=end
    )
    theirs.responsible.set([onsec])
    client.force_login(UserFactory(role=Role.EDITOR, organization=inap))
    page = client.get(reverse("staff:home")).content.decode()
    assert reverse("staff:record_progress", args=[mine.pk]) in page
    assert reverse("staff:record_progress", args=[theirs.pk]) not in page


# --- the pages ------------------------------------------------------------------------------------


def test_the_home_lists_each_kind_with_links(client, milestone, meeting, coordinator, version, person):
    Agreement.objects.create(
        meeting=meeting, text="Enviar el acta firmada", due_date=today() - datetime.timedelta(3)
    )
    Contribution.objects.create(version=version, person=person, text="Falta un glosario.")
    activity = milestone.activities.get(number=1)
    ProgressEntry.objects.create(
        activity=activity,
        day=today() - datetime.timedelta(days=40),
        percent_complete=Decimal(20),
        status="in_progress",
    )
    client.force_login(coordinator)
    response = client.get(reverse("staff:home"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 aporte sin respuesta razonada" in page
    assert reverse("drafts_staff:contributions", args=[version.pk]) + "?estado=unanswered" in page
    assert "1 acuerdo vencido" in page and reverse("staff:meeting_agreements", args=[meeting.pk]) in page
    assert "reuniones sin asistencia registrada" in page  # the seed's meetings are all past
    assert reverse("staff:take_attendance", args=[meeting.pk]) in page
    assert "y 7 más en el hito" in page  # 17 meetings, 10 shown
    assert "1 actividad en curso sin reporte de avance en" in page
    assert reverse("staff:record_progress", args=[activity.pk]) in page
    assert reverse("staff:milestone", args=[milestone.pk]) in page
    assert 'aria-current="page">Planes de acción' not in page  # the header marks the staff home
    hub = client.get(reverse("staff:milestone", args=[milestone.pk])).content.decode()
    assert "Lo pendiente" in hub and "17 reuniones sin asistencia registrada" in hub
    assert "más en el hito" not in hub  # the hub lists them all


def test_the_home_in_english(client, coordinator, meeting):
    from django.conf import settings

    Agreement.objects.create(
        meeting=meeting, text="Send the minutes", due_date=today() - datetime.timedelta(3)
    )
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("staff:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page and "Send the minutes" in page


def test_nothing_due_says_so(client, milestone, coordinator):
    for meeting in milestone.meetings.all():
        meeting.status = "cancelled"
        meeting.save()
    client.force_login(coordinator)
    page = client.get(reverse("staff:home")).content.decode()
    assert "Nada pendiente en sus hitos." in page
    hub = client.get(reverse("staff:milestone", args=[milestone.pk])).content.decode()
    assert "Nada pendiente en este hito." in hub


def test_who_may_open_the_home(client, milestone):
    url = reverse("staff:home")
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role=Role.MODERATOR))
    page = client.get(url)
    assert page.status_code == 200 and "No tiene hitos a su cargo" in page.content.decode()
    assert client.post(url).status_code == 405
    client.force_login(UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment, two_step=False))
    assert client.get(url).status_code == 302  # to set up two-step verification first


def test_the_home_issues_a_bounded_number_of_queries(
    client, milestone, other_milestone, staff, person, django_assert_max_num_queries
):
    document = Document.objects.create(milestone=milestone, title="Estrategia", slug="estrategia")
    for number in range(1, 6):
        version = DocumentVersion.objects.create(
            document=document, number=number, label=f"B{number}", state="open"
        )
        for index in range(10):
            Contribution.objects.create(version=version, person=person, text=f"Aporte {index}")
    for meeting in milestone.meetings.all():
        for index in range(3):
            Agreement.objects.create(
                meeting=meeting, text=f"Acuerdo {index}", due_date=today() - datetime.timedelta(2)
            )
    for activity in milestone.activities.all():
        ProgressEntry.objects.create(
            activity=activity,
            day=today() - datetime.timedelta(days=40),
            percent_complete=Decimal(5),
            status="in_progress",
        )
    for extra in range(5):
        Milestone.objects.create(
            commitment=other_milestone.commitment, number=str(extra + 2), title=f"Hito {extra}"
        )
    client.force_login(staff)
    # 17: the to-do list (with the milestones tracked directly), the validation queue's count and
    # the person's returned reports.
    with django_assert_max_num_queries(17):
        page = client.get(reverse("staff:home"))
    assert page.status_code == 200 and "51 acuerdos vencidos" in page.content.decode()
    with django_assert_max_num_queries(21):  # with the milestones tracked directly, as above
        assert client.get(reverse("staff:milestone", args=[milestone.pk])).status_code == 200
