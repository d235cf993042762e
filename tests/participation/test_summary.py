"""The participation summary behind indicator E: after every kind of write it equals the
from-scratch computation (and a rebuild), with the exact figures of a small scenario; random
sequences of writes keep it so; indicator E costs the same few queries whatever the data."""

from __future__ import annotations

import contextlib
import importlib
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, Min, OuterRef, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocrea.participation import summary
from cocrea.participation.figures import (
    compute_from_scratch,
    indicator_e,
    organizations_taking_part,
    public_names,
    refresh_people,
    register_source,
    unregister_source,
)
from cocrea.participation.models import (
    Attendance,
    Consent,
    Meeting,
    Membership,
    Participant,
    ParticipantAffiliation,
    ParticipantCount,
    ParticipantOrganization,
    Person,
    Registration,
)
from cocrea.participation.services import (
    anonymise_person,
    cancel_registration,
    import_attendance,
    merge_people,
    record_attendance,
    record_meeting_outcome,
    register_for_meeting,
    register_person,
)
from cocrea.plans.models import Commitment, Milestone, Organization
from tests.hypothesis_profiles import examples

pytestmark = pytest.mark.django_db

DAYS = (None, date(2019, 4, 30), date(2019, 9, 1), date(2020, 6, 30))


def org(acronym):
    return Organization.objects.get(acronym=acronym)


def snapshot():
    """Every summary row, without primary keys."""
    return {
        name: Counter(
            apps.get_model("participation", name)
            .objects.values_list(
                *[
                    f.attname
                    for f in apps.get_model("participation", name)._meta.concrete_fields
                    if not f.primary_key
                ]
            )
            .order_by()
        )
        for name in summary.SUMMARY_MODELS
    }


def organizations_from_scratch(commitment):
    attended = Attendance.objects.filter(
        organization=OuterRef("pk"), meeting__milestone__commitment=commitment
    )
    registered = Registration.objects.filter(
        organization=OuterRef("pk"),
        meeting__milestone__commitment=commitment,
        status__in=("confirmed", "waiting"),
    )
    others = {
        organization
        for source in summary.sources()
        if source not in summary.BUILT_IN
        for found, person, organization, _ in source(None, {commitment.pk})
        if found == commitment.pk and person is not None and organization is not None
    }
    return list(
        Organization.objects.filter(Exists(attended) | Exists(registered) | Q(pk__in=others)).order_by(
            "kind", "name"
        )
    )


def check(commitment=None):
    """The summary equals the from-scratch figures (at several days) and a rebuild, and its
    counts and organisations agree with its people and affiliations."""
    commitments = [commitment] if commitment else list(Commitment.objects.all())
    for found in commitments:
        for day in DAYS:
            assert indicator_e(found, day) == compute_from_scratch(found, day), (found, day)
        assert organizations_taking_part(found) == organizations_from_scratch(found)
    labels = set(Organization.objects.values_list("pk", "kind", "name"))
    assert set(ParticipantOrganization.objects.values_list("organization_id", "kind", "name")) <= labels
    counted = Counter()
    for c, day, gender, sector, department in Participant.objects.values_list(
        "commitment_id", "first_day", "gender", "sector", "department"
    ):
        counted[c, day or ParticipantCount.UNDATED, gender, sector, department] += 1
    assert counted == Counter(
        {
            (c, day, gender, sector, department): people
            for c, day, gender, sector, department, people in ParticipantCount.objects.values_list(
                "commitment_id", "first_day", "gender", "sector", "department", "people"
            )
        }
    )
    assert not ParticipantCount.objects.filter(people__lte=0).exists()
    assert set(
        ParticipantOrganization.objects.values_list("commitment_id", "organization_id", "first_day")
    ) == set(
        ParticipantAffiliation.objects.values_list("commitment_id", "organization_id")
        .annotate(day=Min("first_day"))
        .order_by()
    )
    before = snapshot()
    summary.rebuild()
    assert snapshot() == before


@pytest.fixture
def commitment(milestone):
    return milestone.commitment


@pytest.fixture
def meetings(milestone):
    return list(milestone.meetings.order_by("position"))


def stats_person(
    name, gender="female", department="Guatemala", sector="civil_society", consents=("statistics",), **extra
):
    return register_person(
        name=name,
        consents=consents,
        statistics={"gender": gender, "department": department, "sector": sector},
        **extra,
    )


# -- the exact figures of a small scenario, after each kind of write ----------------------------


def test_attendance_recorded_changed_and_deleted(commitment, meetings):
    ana = stats_person("Ana López")
    luis = register_person(name="Luis Pérez")
    record_attendance(meetings[0], ana, org("INAP"))
    record_attendance(meetings[3], ana, org("INAP"))
    record_attendance(meetings[3], luis, org("SENACYT"))
    check(commitment)
    figures = indicator_e(commitment)
    first, fourth = (str(m.planned_month)[:7] for m in (meetings[0], meetings[3]))
    assert figures["natural_persons"] == 2 and figures["legal_persons"] == 2
    assert figures["by_gender"] == {"female": 1, "not_stated": 1}
    assert figures["by_sector"] == {"civil_society": 1, "not_stated": 1}
    assert figures["by_department"] == {"Guatemala": 1, "not_stated": 1}
    assert figures["by_month"][0] == {"month": first, "new": 1, "cumulative": 1}
    assert figures["by_month"][-1]["month"] == fourth and figures["by_month"][-1]["cumulative"] == 2
    assert indicator_e(commitment, meetings[0].planned_month)["natural_persons"] == 1

    record_attendance(meetings[3], luis, org("GPAT"))  # the organisation corrected
    check(commitment)
    assert {o.acronym for o in organizations_taking_part(commitment)} == {"INAP", "GPAT"}

    Attendance.objects.get(meeting=meetings[0], person=ana).delete()
    check(commitment)
    assert indicator_e(commitment)["by_month"] == [{"month": fourth, "new": 2, "cumulative": 2}]
    Attendance.objects.filter(person=ana).get().delete()
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 1
    assert organizations_taking_part(commitment) == organizations_from_scratch(commitment)


def test_registrations_waiting_list_cancellation_and_promotion(commitment, meetings):
    meeting = meetings[2]
    meeting.capacity = 1
    meeting.save()
    ana, luis, rosa = (register_person(name=n) for n in ("Ana López", "Luis Pérez", "Rosa Tum"))
    first = register_for_meeting(meeting, ana, org("INAP"))
    check(commitment)
    waiting = register_for_meeting(meeting, luis)
    assert waiting.status == "waiting"
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 2  # the waiting list takes part too
    assert indicator_e(commitment)["legal_persons"] == 1
    promoted = cancel_registration(first)
    assert promoted == waiting
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 1 and indicator_e(commitment)["legal_persons"] == 0
    register_for_meeting(meeting, ana)  # signs up again, on the waiting list
    register_for_meeting(meeting, rosa)
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 3
    today = Registration.objects.get(person=luis).created_at
    assert indicator_e(commitment, summary.local_day(today) - timedelta(days=1))["natural_persons"] == 0


def test_a_registration_counts_from_its_local_date(commitment, meetings):
    person = register_person(name="Ana López")
    registration = register_for_meeting(meetings[0], person)
    # 03:00 UTC on 1 March is still 28 February in Guatemala (UTC-6).
    Registration.objects.filter(pk=registration.pk).update(created_at=datetime(2026, 3, 1, 3, 0, tzinfo=UTC))
    refresh_people([person.pk])  # a bulk update sends no signal
    check(commitment)
    assert indicator_e(commitment, date(2026, 2, 28))["natural_persons"] == 1
    assert indicator_e(commitment, date(2026, 2, 27))["natural_persons"] == 0
    assert indicator_e(commitment)["by_month"] == [{"month": "2026-02", "new": 1, "cumulative": 1}]


def test_merging_counts_people_once_and_keeps_their_earliest_day(commitment, meetings):
    ana = stats_person("Ana López", gender="female")
    ana_again = stats_person("ANA LOPEZ", gender="other")
    record_attendance(meetings[4], ana, org("INAP"))
    record_attendance(meetings[0], ana_again, org("GPAT"))
    record_attendance(meetings[4], ana_again, org("INAP"))
    register_for_meeting(meetings[5], ana_again)
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 2
    merge_people(ana, ana_again, by=None)
    check(commitment)
    figures = indicator_e(commitment)
    assert figures["natural_persons"] == 1
    assert figures["by_gender"] == {"female": 1}  # the person kept, with her consents now
    assert figures["by_month"][0]["month"] == str(meetings[0].planned_month)[:7]  # the duplicate's day
    assert figures["legal_persons"] == 2
    # someone merged into a person who is merged later: counted under the one in between
    third = register_person(name="Ana L.")
    record_attendance(meetings[6], third)
    merge_people(third, ana, by=None)
    check(commitment)


def test_anonymised_people_still_count_without_their_statistics(commitment, meetings):
    ana = stats_person("Ana López", display_name="Ana L.")
    Consent.objects.create(
        person=ana, purpose=Consent.Purpose.PUBLIC_NAME, text_version="1", given_at=datetime.now(UTC)
    )
    record_attendance(meetings[0], ana, org("INAP"))
    assert public_names(commitment) == ["Ana L."]
    anonymise_person(ana)
    check(commitment)
    figures = indicator_e(commitment)
    assert figures["natural_persons"] == 1 and figures["by_gender"] == {"not_stated": 1}
    assert public_names(commitment) == []


def test_consent_given_and_withdrawn_and_statistics_edited(commitment, meetings):
    luis = register_person(name="Luis Pérez")
    luis.gender, luis.department, luis.sector = "male", "Petén", "academia"
    luis.save()
    record_attendance(meetings[0], luis)
    check(commitment)
    assert indicator_e(commitment)["by_gender"] == {"not_stated": 1}  # stored, but no consent
    consent = Consent.objects.create(
        person=luis, purpose=Consent.Purpose.STATISTICS, text_version="1", given_at=datetime.now(UTC)
    )
    check(commitment)
    assert indicator_e(commitment)["by_department"] == {"Petén": 1}
    luis.department = "Izabal"
    luis.save()
    check(commitment)
    assert indicator_e(commitment)["by_department"] == {"Izabal": 1}
    consent.withdrawn_at = datetime.now(UTC)
    consent.save()
    check(commitment)
    assert indicator_e(commitment)["by_department"] == {"not_stated": 1}
    Consent.objects.create(
        person=luis, purpose=Consent.Purpose.STATISTICS, text_version="2", given_at=datetime.now(UTC)
    )
    check(commitment)
    Consent.objects.filter(person=luis, withdrawn_at=None).get().delete()
    check(commitment)
    assert indicator_e(commitment)["by_sector"] == {"not_stated": 1}


def test_meeting_dates_moves_and_deletion(commitment, meetings, staff):
    ana, luis = stats_person("Ana López"), register_person(name="Luis Pérez")
    record_attendance(meetings[1], ana, org("INAP"))
    record_attendance(meetings[1], luis)
    record_attendance(meetings[2], luis, org("GPAT"))
    record_meeting_outcome(meetings[1], outcome="held", day=date(2021, 3, 15), by=staff)
    check(commitment)
    months = [m["month"] for m in indicator_e(commitment)["by_month"]]
    assert months == [str(meetings[2].planned_month)[:7], "2021-03"]
    record_meeting_outcome(meetings[1], outcome="postponed", day=date(2018, 12, 3), reason="Lluvia", by=staff)
    check(commitment)
    assert indicator_e(commitment)["by_month"][0] == {"month": "2018-12", "new": 2, "cumulative": 2}
    undated = meetings[3]
    undated.planned_month = None
    undated.save()
    record_attendance(undated, register_person(name="Rosa Tum"))
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 3  # counted, in no month
    assert indicator_e(commitment)["by_month"][-1]["cumulative"] == 2
    meetings[1].delete()
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 2


def test_people_organisations_and_milestones_deleted_or_moved(commitment, meetings, milestone):
    ana, luis = register_person(name="Ana López"), register_person(name="Luis Pérez")
    dup = register_person(name="ANA LOPEZ")
    record_attendance(meetings[0], ana)
    record_attendance(meetings[1], dup)
    merge_people(ana, dup, by=None)
    record_attendance(meetings[1], dup)  # recorded on the merged record later: counts for Ana
    short_lived = Organization.objects.create(name="Colectivo Efímero", kind="civil_society")
    record_attendance(meetings[2], luis, short_lived)
    check(commitment)
    short_lived.name, short_lived.kind = "Colectivo Duradero", "academia"
    short_lived.save()
    check(commitment)
    assert indicator_e(commitment)["by_organization_kind"] == {"academia": 1}
    short_lived.delete()
    check(commitment)
    assert indicator_e(commitment)["legal_persons"] == 0
    ana.delete()  # the duplicate counts on its own again
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 2
    other = Commitment.objects.create(
        action_plan=commitment.action_plan, number="99", title="Otro compromiso", is_published=True
    )
    milestone.commitment = other
    milestone.save()
    check(commitment)
    check(other)
    assert indicator_e(other)["natural_persons"] == 2 and indicator_e(commitment)["natural_persons"] == 0
    other.delete()
    assert not Participant.objects.filter(commitment=other.pk).exists()
    check()


def test_an_imported_sheet(commitment, milestone):
    sheet = (
        "meeting,name,email,organization,organization_kind,gender,department\n"
        "0,María José Pérez,mjperez@inap.gob.gt,INAP,gobierno,F,Guatemala\n"
        "0,Luis Gómez,,Instituto Nacional de Administración Pública,gobierno,M,Guatemala\n"
        "1,PEREZ Maria Jose,MJPEREZ@INAP.GOB.GT,INAP,gobierno,F,\n"
        "1,Rosa Tum,rosa@senacyt.gob.gt,SENACYT,government,F,Sololá\n"
    )
    outcome = import_attendance(milestone, sheet.encode(), by=None, consent_version="2026-11")
    assert not outcome.result.errors
    check(commitment)
    assert indicator_e(commitment) == {
        "natural_persons": 3,
        "legal_persons": 2,
        "by_organization_kind": {"government": 2},
        "by_gender": {"female": 2, "male": 1},
        "by_sector": {"not_stated": 3},
        "by_department": {"Guatemala": 2, "Sololá": 1},
        "by_month": [
            {"month": "2019-04", "new": 2, "cumulative": 2},
            {"month": "2019-05", "new": 1, "cumulative": 3},
        ],
    }


# -- other apps' sources ------------------------------------------------------------------------


@pytest.fixture
def contributions(commitment):
    """A stand-in for the drafts app's contributions: memberships with the role «coautora» are
    contributions to the seed's commitment on the day they start."""

    def contribution_rows(person_ids, commitment_ids):
        rows = Membership.objects.filter(role="coautora")
        if person_ids is not None:
            rows = rows.filter(person_id__in=person_ids)
        if commitment_ids is not None and commitment.pk not in commitment_ids:
            return []
        return [
            (commitment.pk, p, o, since)
            for p, o, since in rows.values_list("person", "organization", "since")
        ]

    register_source(contribution_rows, model=Membership)
    yield
    unregister_source(contribution_rows, model=Membership)


def test_another_app_registers_a_source(commitment, meetings, contributions):
    ana = stats_person("Ana López")
    record_attendance(meetings[3], ana)
    Membership.objects.create(person=ana, organization=org("GPAT"), role="coautora", since=date(2018, 1, 9))
    luis = register_person(name="Luis Pérez")
    membership = Membership.objects.create(person=luis, organization=org("INAP"), role="coautora")
    check(commitment)
    figures = indicator_e(commitment)
    assert figures["natural_persons"] == 2 and figures["legal_persons"] == 2
    assert figures["by_month"][0] == {"month": "2018-01", "new": 1, "cumulative": 1}
    membership.person = ana  # moved to another person: both refreshed
    membership.save()
    check(commitment)
    assert indicator_e(commitment)["natural_persons"] == 1
    membership.delete()
    check(commitment)


# -- random sequences of writes -----------------------------------------------------------------

STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "attend",
                "attend",
                "unattend",
                "register",
                "register",
                "cancel",
                "merge",
                "anonymise",
                "consent",
                "edit",
                "move",
            ]
        ),
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=10,
)


@settings(
    max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=STEPS)
def test_random_writes_keep_the_summary_exact(commitment, meetings, steps):
    class Rollback(Exception):
        pass

    with pytest.raises(Rollback), transaction.atomic():
        people = [stats_person(f"Persona {n}", gender=("female", "male", "other")[n % 3]) for n in range(3)]
        people += [register_person(name=f"Sin estadística {n}") for n in range(3)]
        organizations = [None, *Organization.objects.order_by("pk")[:3]]
        meetings[5].capacity = 1
        meetings[5].save()
        for action, a, b, c in steps:
            person = Person.objects.get(pk=people[a].pk)
            meeting = meetings[b + 2 * (c % 2)]
            if action == "attend":
                record_attendance(meeting, person, organizations[c])
            elif action == "unattend":
                attended = Attendance.objects.filter(person=person).order_by("pk").first()
                if attended:
                    attended.delete()
            elif action == "register":
                register_for_meeting(meetings[5] if c == 3 else meeting, person, organizations[c])
            elif action == "cancel":
                found = Registration.objects.filter(person=person).exclude(status="cancelled").first()
                if found:
                    cancel_registration(found)
            elif action == "merge":
                other = Person.objects.get(pk=people[b].pk)
                if person.pk != other.pk and not other.merged_into_id:
                    # refused pairs (an account, an anonymised or merged person) change nothing
                    with contextlib.suppress(ValidationError):
                        merge_people(person, other, by=None)
            elif action == "anonymise":
                anonymise_person(person)
            elif action == "consent":
                current = person.consents.filter(
                    purpose=Consent.Purpose.STATISTICS, withdrawn_at=None
                ).first()
                if current:
                    current.withdrawn_at = datetime.now(UTC)
                    current.save()
                else:
                    Consent.objects.create(
                        person=person, purpose="statistics", text_version="1", given_at=datetime.now(UTC)
                    )
            elif action == "edit":
                person.gender = ("female", "male", "other", "")[c]
                person.department = ("Guatemala", "Petén", "", "Izabal")[c]
                person.save()
            elif action == "move":
                meeting.actual_date = date(2018 + c, 1 + b, 10)
                meeting.save()
            check(commitment)
        raise Rollback


# -- cost: a constant number of queries ----------------------------------------------------------


def test_indicator_e_costs_two_queries_whatever_the_data(commitment, meetings, django_assert_num_queries):
    record_attendance(meetings[0], stats_person("Ana López"), org("INAP"))
    with django_assert_num_queries(2):
        small = indicator_e(commitment)
    organizations = list(Organization.objects.all())
    people = Person.objects.bulk_create(Person(name=f"Persona {n}", match_key=f"p{n}") for n in range(300))
    Attendance.objects.bulk_create(
        Attendance(meeting=meetings[n % 8], person=p, organization=organizations[n % len(organizations)])
        for n, p in enumerate(people)
    )
    refresh_people(p.pk for p in people)  # bulk_create sends no signal
    with django_assert_num_queries(2):
        large = indicator_e(commitment, date(2020, 1, 1))
    with django_assert_num_queries(2):
        indicator_e(commitment)
    assert large["natural_persons"] > small["natural_persons"]
    check(commitment)


def test_the_participation_page_stays_bounded(client, commitment, meetings, django_assert_max_num_queries):
    def page_queries():
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(commitment.get_participation_url()).status_code == 200
        return len(context.captured_queries)

    for n in range(3):
        record_attendance(meetings[n], register_person(name=f"Persona {n}"), org("INAP"))
    few = page_queries()
    organizations = list(Organization.objects.all())
    for n in range(40):
        person = register_person(name=f"Otra persona {n}", display_name=f"P{n}", consents=("public_name",))
        record_attendance(meetings[n % 9], person, organizations[n % len(organizations)])
        register_for_meeting(meetings[(n + 3) % 9], person)
    many = page_queries()
    assert many == few
    with django_assert_max_num_queries(25):
        html = client.get(commitment.get_participation_url()).content.decode()
    assert "P39" in html


# -- rebuilding ---------------------------------------------------------------------------------


def test_the_rebuild_command_and_the_migration_fill_agree(commitment, meetings):
    ana = stats_person(
        "Ana López", display_name="Ana L.", consents=(Consent.Purpose.STATISTICS, "public_name")
    )
    record_attendance(meetings[0], ana, org("INAP"))
    register_for_meeting(meetings[2], register_person(name="Luis Pérez"), org("GPAT"))
    expected = snapshot()
    for name in summary.SUMMARY_MODELS:
        apps.get_model("participation", name).objects.all().delete()
    out = StringIO()
    call_command("rebuild_participation", stdout=out)
    assert "2 participantes" in out.getvalue()
    assert snapshot() == expected
    for name in summary.SUMMARY_MODELS:
        apps.get_model("participation", name).objects.all().delete()
    migration = importlib.import_module("cocrea.participation.migrations.0007_participation_summary")
    migration.fill_summary(apps, None)
    assert snapshot() == expected
    check(commitment)


def test_a_meeting_edit_without_a_new_date_touches_nothing(
    commitment, meetings, django_assert_max_num_queries
):
    record_attendance(meetings[0], register_person(name="Ana López"))
    meeting = Meeting.objects.get(pk=meetings[0].pk)
    meeting.title = "Reunión inicial (nuevo título)"
    with django_assert_max_num_queries(8):  # the save and its audit entry; no summary refresh
        meeting.save()
    assert Milestone.objects.filter(pk=meeting.milestone_id).exists()
