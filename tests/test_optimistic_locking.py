"""Optimistic locking: a save based on a stale copy is refused and shows what changed."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from cocrea.core.versioning import StaleEdit, save_edit
from cocrea.plans.models import Activity


def admin_data(client, url, **changes):
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if name == "responsible":
            value = [o.pk if hasattr(o, "pk") else o for o in (value or [])]
        data[name] = "" if value is None else value
    data.update(changes)
    return data


@pytest.mark.django_db
def test_a_stale_admin_save_is_refused_with_what_changed(client, staff, imported_seed):
    client.force_login(staff)
    activity = Activity.objects.get(number=2)
    url = reverse("admin:plans_activity_change", args=[activity.pk])
    mine = admin_data(client, url, title="Mi versión del título")
    theirs = admin_data(client, url, title="Su versión del título")
    assert client.post(url, theirs).status_code == 302
    response = client.post(url, mine)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Otra persona guardó este registro" in html
    assert "Su versión del título" in html  # what the other person changed
    activity.refresh_from_db()
    assert activity.title == "Su versión del título"
    assert activity.edit_version == 2


@pytest.mark.django_db
def test_save_edit_refuses_a_stale_version(imported_seed):
    activity = Activity.objects.get(number=3)
    save_edit(Activity, activity.pk, 1, {"title": "Primera"}, basis={"title": activity.title})
    with pytest.raises(StaleEdit) as stale:
        save_edit(Activity, activity.pk, 1, {"title": "Segunda"}, basis={"title": activity.title})
    assert stale.value.changed[0][2] == "Primera"
    activity.refresh_from_db()
    assert (activity.title, activity.edit_version) == ("Primera", 2)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_the_same_version_never_lose_an_update(seed_bytes):
    """Two connections save the same activity from the same version, 200 times: one wins."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are exercised on PostgreSQL; SQLite serialises writers")
    from cocrea.plans import services

    services.import_plan(seed_bytes, filename="seed.txt")
    activity = Activity.objects.get(number=4)

    def edit(name, version, round_, barrier, outcomes):
        try:
            barrier.wait()
            save_edit(Activity, activity.pk, version, {"title": f"{name}-{round_}"})
            outcomes[name] = "won"
        except StaleEdit:
            outcomes[name] = "conflict"
        finally:
            connections.close_all()

    lost = 0
    for round_ in range(200):
        version = Activity.objects.get(pk=activity.pk).edit_version
        outcomes: dict[str, str] = {}
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=edit, args=(name, version, round_, barrier, outcomes))
            for name in ("a", "b")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [n for n, o in outcomes.items() if o == "won"]
        current = Activity.objects.get(pk=activity.pk)
        if (
            len(winners) != 1
            or current.title != f"{winners[0]}-{round_}"
            or current.edit_version != version + 1
        ):
            lost += 1
    assert lost == 0
