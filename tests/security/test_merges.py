"""A merge never moves an account between people, and it can be undone.

The attack: any editor merged any two persons, not only proposed duplicates; the citizen's account
then showed another person's email, phone and memberships, and "delete my account" anonymised
that other person.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.participation.figures import indicator_e
from cocrea.participation.models import Attendance, Membership, Person, PersonMerge
from cocrea.participation.services import (
    merge_people,
    record_attendance,
    register_person,
    unmerge_people,
)
from cocrea.plans.models import Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _staff(django_user_model, name, role, **scope):  # type: ignore[no-untyped-def]
    return UserFactory(username=name, role=role, **scope)


@pytest.fixture
def people(imported_seed, django_user_model):  # type: ignore[no-untyped-def]
    milestone = imported_seed.milestone
    inap = Organization.objects.get(acronym="INAP")
    citizen_user = django_user_model.objects.create_user("rosa", "rosa@example.org", "x-Strong-Pass-42")
    citizen = register_person(name="Rosa Méndez", email="rosa@example.org", user=citizen_user)
    other = register_person(name="Carlos Ajú", email="carlos@example.org", phone="+502 5555 0199")
    Membership.objects.create(person=other, organization=inap, role="Director")
    meetings = list(milestone.meetings.all()[:2])
    record_attendance(meetings[0], other, inap)
    coordinator = _staff(django_user_model, "coord", Role.COORDINATOR, commitment=milestone.commitment)
    editor = _staff(django_user_model, "editor", Role.EDITOR, organization=inap)
    return {
        "citizen": citizen,
        "citizen_user": citizen_user,
        "other": other,
        "coordinator": coordinator,
        "editor": editor,
        "meetings": meetings,
        "commitment": milestone.commitment,
        "inap": inap,
    }


def test_the_reported_merge_is_refused(people):
    """The citizen's record folded into a stranger's: not proposed, and it would move an account."""
    with pytest.raises(ValidationError):
        merge_people(people["other"], people["citizen"], by=people["coordinator"])
    with pytest.raises(ValidationError):  # even confirmed by hand: the account never moves
        merge_people(people["other"], people["citizen"], by=people["coordinator"], confirmed=True)
    citizen = Person.objects.get(pk=people["citizen"].pk)
    assert citizen.merged_into is None and citizen.user == people["citizen_user"]
    assert Person.objects.get(pk=people["other"].pk).user is None


def test_editors_do_not_merge(people):
    twin = register_person(name="Carlos Aju")
    with pytest.raises(PermissionDenied):
        merge_people(people["other"], twin, by=people["editor"])
    client = Client()
    client.force_login(people["editor"])
    response = client.post(reverse("staff:duplicates"), {"keep": people["other"].pk, "duplicate": twin.pk})
    assert response.status_code == 403
    assert Person.objects.get(pk=twin.pk).merged_into is None


def test_only_proposed_pairs_unless_confirmed(people):
    stranger = register_person(name="Lucía Batz")
    with pytest.raises(ValidationError, match="no parecen la misma persona"):
        merge_people(people["other"], stranger, by=people["coordinator"])
    merge_people(people["other"], stranger, by=people["coordinator"], confirmed=True)
    assert PersonMerge.objects.get(duplicate=stranger).proposed is False


def test_two_accounts_are_never_merged(people, django_user_model):
    user = django_user_model.objects.create_user("rosa2", "rosa.m@example.org", "x-Strong-Pass-42")
    again = register_person(name="Rosa Mendez", email="rosa.m@example.org", user=user)
    for keep, duplicate in ((people["citizen"], again), (again, people["citizen"])):
        with pytest.raises(ValidationError, match="tiene una cuenta"):
            merge_people(keep, duplicate, by=people["coordinator"])
    client = Client()
    client.force_login(people["coordinator"])
    assert "Rosa Mendez" not in client.get(reverse("staff:duplicates")).content.decode()


def test_the_account_holder_is_proposed_as_the_one_kept(people):
    register_person(name="Rosa Mendez")  # a sign-in sheet's spelling of the citizen
    client = Client()
    client.force_login(people["coordinator"])
    html = client.get(reverse("staff:duplicates")).content.decode()
    keep_field = f'name="keep" value="{people["citizen"].pk}"'
    assert keep_field in html


def test_a_merge_is_undone(people):
    commitment = people["commitment"]
    twin = register_person(name="Carlos Aju", phone="+502 4444 0000")
    record_attendance(people["meetings"][1], twin, people["inap"])
    record_attendance(people["meetings"][0], twin, people["inap"])  # also on the other's sheet
    before = indicator_e(commitment)["natural_persons"]
    keep = people["other"]
    keep.phone = ""
    keep.save()
    merge_people(keep, twin, by=people["coordinator"])
    assert indicator_e(commitment)["natural_persons"] == before - 1
    assert Person.objects.get(pk=keep.pk).phone == "+502 4444 0000"
    unmerge_people(twin, by=people["coordinator"])
    twin.refresh_from_db()
    assert twin.merged_into is None
    assert Person.objects.get(pk=keep.pk).phone == ""
    assert sorted(Attendance.objects.filter(person=twin).values_list("meeting", flat=True)) == sorted(
        m.pk for m in people["meetings"]
    )
    assert indicator_e(commitment)["natural_persons"] == before
    merge = PersonMerge.objects.get(duplicate=twin)
    assert merge.undone_at is not None and merge.undone_by == people["coordinator"]
    assert AuditEntry.objects.for_object(merge).count() >= 2  # created, then undone
    with pytest.raises(ValidationError):
        unmerge_people(twin, by=people["coordinator"])


def test_undo_from_the_person_page(people):
    twin = register_person(name="Carlos Aju")
    merge_people(people["other"], twin, by=people["coordinator"])
    client = Client()
    client.force_login(people["coordinator"])
    page = client.get(reverse("staff:person", args=[twin.pk])).content.decode()
    assert reverse("staff:unmerge_person", args=[twin.pk]) in page
    response = client.post(reverse("staff:unmerge_person", args=[twin.pk]))
    assert response.status_code == 302
    assert Person.objects.get(pk=twin.pk).merged_into is None
    editor = Client()
    editor.force_login(people["editor"])
    merge_people(people["other"], twin, by=people["coordinator"])
    assert editor.post(reverse("staff:unmerge_person", args=[twin.pk])).status_code == 403


def test_deleting_an_account_anonymises_its_person_and_what_was_merged_into_it(people):
    sheet_spelling = register_person(name="Rosa Mendez", phone="+502 3333 0000")
    merge_people(people["citizen"], sheet_spelling, by=people["coordinator"])
    client = Client()
    client.force_login(people["citizen_user"])
    response = client.post(reverse("accounts:delete"), {"confirm": "1"})
    assert response.status_code == 302
    for person in (people["citizen"], sheet_spelling):
        person.refresh_from_db()
        assert person.anonymised_at is not None
        assert person.email == "" and person.phone == ""
    other = Person.objects.get(pk=people["other"].pk)
    assert other.anonymised_at is None and other.email == "carlos@example.org"
