"""Walk every cell of the role × object × action table against the named rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from cocrea.accounts.rules import permission
from tests.accounts.permission_table import OBJECTS, TABLE, cells

pytestmark = pytest.mark.django_db

MODEL_OF = {
    "action_plan": "actionplan",
    "commitment": "commitment",
    "milestone": "milestone",
    "activity": "activity",
    "activity_onsec": "activity",
    "budget_line": "budgetline",
    "meeting": "meeting",
    "organization": "organization",
    "draft_commitment*": "commitment",
    "draft_milestone*": "milestone",
    "draft_activity*": "activity",
    "audit_entry": "auditentry",
    "document": "document",
    "open_version": "documentversion",
    "draft_version*": "documentversion",
    "contribution": "contribution",
    "objective": "objective",
    "indicator": "indicator",
    "strategy": "strategy",
    "baseline": "baseline",
    "expenditure": "expenditure",
    "progress_entry": "progressentry",
    "pending_entry*": "progressentry",
    "evidence": "evidence",
    "agenda_item": "agendaitem",
    "agreement": "agreement",
    "meeting_document": "meetingdocument",
    "registration": "registration",
    "attendance": "attendance",
    "response": "response",
    "person": "person",
    "consent": "consent",
    "membership": "membership",
    "entry": "entry",
    "application": "application",
}


def test_every_model_of_the_rules_has_a_row():
    """The table is walked for every key of RULES: a model added to the rules without a row fails."""
    from cocrea.accounts.rules import RULES

    assert set(MODEL_OF.values()) == set(RULES)
    assert set(MODEL_OF) == set(OBJECTS)


def test_the_table_covers_every_role_and_object():
    assert set(TABLE) == {
        "anonymous",
        "participant",
        "moderator",
        "auditor",
        "administrator",
        "editor_inap",
        "editor_commitment_11",
        "coordinator_commitment_11",
        "coordinator_commitment_99",
        "point_of_contact",
        "liaison_inap_11",
    }
    assert len(list(cells())) == len(TABLE) * len(OBJECTS) * 6


def test_every_cell(world):
    objects, actors = world
    wrong = []
    for actor, obj, action, allowed in cells():
        got = actors[actor].has_perm(permission(MODEL_OF[obj], action), objects[obj])
        if got != allowed:
            wrong.append(f"{actor} {action} {obj}: expected {allowed}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_an_inap_editor_cannot_change_an_onsec_activity(world):
    objects, actors = world
    editor = actors["editor_inap"]
    assert editor.has_perm("plans.change_activity", objects["activity"])
    assert not editor.has_perm("plans.change_activity", objects["activity_onsec"])


@pytest.mark.parametrize(
    ("actor", "status"),
    [
        ("anonymous", 404),
        ("participant", 404),
        ("editor_commitment_11", 404),
        ("coordinator_commitment_11", 404),
        ("coordinator_commitment_99", 200),
        ("point_of_contact", 200),
        ("liaison_inap_11", 404),
        ("auditor", 200),
        ("administrator", 200),
    ],
)
def test_guessed_addresses_of_unpublished_objects(client, world, actor, status):
    objects, actors = world
    user = actors[actor]
    if user.is_authenticated:
        client.force_login(user)
    draft_milestone = objects["draft_milestone*"]
    for url in (
        draft_milestone.commitment.get_absolute_url(),
        draft_milestone.get_absolute_url(),
        draft_milestone.get_schedule_url(),
        draft_milestone.get_check_url(),
    ):
        assert client.get(url).status_code == status, url
    home = client.get("/").content.decode()
    assert ("Compromiso en borrador" in home) == (status == 200)


def test_unpublishing_hides_a_milestone_from_the_public(client, world):
    from cocrea.accounts.services import set_published

    objects, actors = world
    milestone = objects["milestone"]
    assert client.get(milestone.get_absolute_url()).status_code == 200
    set_published(milestone, False, by=actors["coordinator_commitment_11"])
    assert client.get(milestone.get_absolute_url()).status_code == 404
    with pytest.raises(PermissionDenied):
        set_published(milestone, True, by=actors["editor_inap"])


def test_the_admin_is_for_administrators_not_for_scoped_roles(client, world):
    """An editor may change their own activity on the staff screens, not in the raw admin."""
    from django.urls import reverse

    objects, actors = world
    own = objects["activity"]
    url = reverse("admin:plans_activity_change", args=[own.pk])
    data = {
        "milestone": own.milestone_id,
        "position": own.position,
        "title": "Cambiado",
        "weight": "1",
        "responsible": [o.pk for o in own.responsible.all()],
        "edit_version": own.edit_version,
    }
    for actor, allowed in (
        ("editor_inap", False),
        ("coordinator_commitment_11", False),
        ("administrator", True),
    ):
        client.force_login(actors[actor])
        response = client.post(url, {**data, "title": f"Cambiado por {actor}"})
        own.refresh_from_db()
        data["edit_version"] = own.edit_version
        if allowed:
            assert response.status_code == 302, response.content.decode()[:3000]
            assert own.title == f"Cambiado por {actor}"
        else:
            assert response.status_code == 403
            assert own.title != f"Cambiado por {actor}"


def test_auditors_read_the_full_audit_log_and_editors_do_not(client, world):
    from django.urls import reverse

    _, actors = world
    url = reverse("admin:audit_auditentry_changelist")
    for actor, status in (("auditor", 200), ("editor_inap", 403)):
        user = actors[actor]
        client.force_login(user)
        response = client.get(url, {"action__exact": "create"})
        assert response.status_code == status, actor
