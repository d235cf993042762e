"""The audit trail: who, when, what changed — one entry per object per write, from every path."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from cocrea.audit.context import acting_as
from cocrea.audit.models import AuditEntry, ImmutableEntry
from cocrea.plans import services
from cocrea.plans.models import Activity

pytestmark = pytest.mark.django_db


def import_as(path, email=""):
    args = [str(path)] + (["--as", email] if email else [])
    call_command("import_plan", *args, stdout=StringIO(), stderr=StringIO())


def test_an_import_records_one_entry_per_object_attributed_to_its_runner(staff, seed_path):
    import_as(seed_path, staff.email)
    entries = AuditEntry.objects.all()
    keys = [(e.content_type_id, e.object_id) for e in entries]
    assert len(keys) == len(set(keys)), "one entry per object"
    from django.apps import apps

    from cocrea.audit.signals import audited

    objects = sum(m.objects.count() for m in apps.get_models() if audited(m))
    assert objects == 69  # the plan's 68 objects (organisations included) and the stored text
    assert entries.count() == objects
    assert {e.actor_label for e in entries} == {"ana@inap.gob.gt"}
    assert {e.source for e in entries} == {"import"}
    assert {e.action for e in entries} == {"create"}
    twelve = Activity.objects.get(number=12)
    (entry,) = AuditEntry.objects.for_object(twelve)
    assert entry.changes["date_text"] == [None, "Marzo 2019- Julio 2020"]
    assert sorted(entry.changes["responsible"]["added"]) == [
        "Comisión Presidencial de Gestión Pública Abierta y Transparencia (GPAT)",
        "Instituto Nacional de Administración Pública (INAP)",
    ]


def test_without_as_the_system_user_is_recorded(db, seed_path):
    import_as(seed_path)
    assert set(AuditEntry.objects.values_list("actor_label", flat=True)) == {"sistema"}


def test_reimporting_the_same_file_records_nothing(db, seed_path):
    import_as(seed_path)
    before = AuditEntry.objects.count()
    import_as(seed_path)
    # only the stored document's import time changes
    new = AuditEntry.objects.count() - before
    assert new == 1
    assert AuditEntry.objects.first().content_type.model == "plandocument"


def test_a_revised_import_records_old_and_new_values(db, seed_bytes, seed_text):
    with acting_as(None, "import"):
        services.import_plan(seed_bytes, filename="seed.txt")
    before = AuditEntry.objects.count()
    revised = seed_text.replace("Papel e impresos.\tQ.9,500.00", "Papel e impresos.\tQ.9,000.00")
    with acting_as(None, "import"):
        services.import_plan(revised.encode(), filename="revised.txt")
    entries = list(AuditEntry.objects.all()[: AuditEntry.objects.count() - before])
    by_model = {e.content_type.model: e for e in entries}
    assert set(by_model) == {"budgetline", "plandocument"}
    assert by_model["budgetline"].changes["stated_cost"] == ["9500.00", "9000.00"]
    assert by_model["budgetline"].action == "update"


def test_an_admin_edit_is_attributed_to_the_staff_member(client, staff, imported_seed):
    client.force_login(staff)
    activity = Activity.objects.get(number=1)
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    data["responsible"] = [o.pk for o in activity.responsible.all()]
    data["title"] = "Elaboración del Plan de Trabajo (revisado)."
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    (entry,) = AuditEntry.objects.for_object(activity).filter(action="update", source="admin")
    assert entry.actor == staff
    assert entry.source == "admin"
    assert entry.changes["title"] == [
        "Elaboración del Plan de Trabajo.",
        "Elaboración del Plan de Trabajo (revisado).",
    ]


def test_entries_cannot_be_changed_or_deleted(imported_seed):
    entry = AuditEntry.objects.first()
    entry.object_repr = "tampered"
    with pytest.raises(ImmutableEntry):
        entry.save()
    with pytest.raises(ImmutableEntry):
        entry.delete()
    with pytest.raises(ImmutableEntry):
        AuditEntry.objects.all().delete()
    with pytest.raises(ImmutableEntry):
        AuditEntry.objects.update(object_repr="x")


def test_the_admin_offers_no_way_to_change_entries(client, staff, imported_seed):
    client.force_login(staff)
    entry = AuditEntry.objects.first()
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_published_milestones_show_their_public_change_history(
    client, imported_seed, seed_text, django_assert_max_num_queries
):
    milestone = imported_seed.milestone
    revised = seed_text.replace("Papel e impresos.\tQ.9,500.00", "Papel e impresos.\tQ.9,000.00")
    with acting_as(None, "import"):
        services.import_plan(revised.encode(), filename="revised.txt")
    with django_assert_max_num_queries(15):
        response = client.get(milestone.get_history_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Q 9,500.00" in html and "Q 9,000.00" in html  # written for the reader
    assert "Papel e impresos." in html
    assert "ana@" not in html  # who is recorded for auditors; the public page names no one


def test_unpublished_history_is_not_public(client, db, seed_bytes):
    report = services.import_plan(seed_bytes, filename="seed.txt")
    assert client.get(report.milestone.get_history_url()).status_code == 404
