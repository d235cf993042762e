"""The staff screens of the catalogue: entries, and applying them in the paragraphs of a version."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.catalogue import services as catalogue
from cocrea.catalogue.models import Application, Entry
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services
from tests.drafts.test_staff_screens import DRAFT, _login, audited_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(milestone, staff):
    document = services.create_document(milestone, "Estrategia de prueba")
    return services.create_version(document, parse_markdown(DRAFT), by=staff)


@pytest.fixture
def norm(db):
    return catalogue.create_entry(
        kind="norm",
        name="Ley de Acceso a la Información Pública",
        issuer="Congreso de la República",
        number="Decreto 57-2008",
        issued_on=date(2008, 9, 23),
    )


def test_the_catalogue_lists_and_filters(staff_client, norm, django_assert_max_num_queries):
    catalogue.create_entry(kind="concept", name="Innovación pública")
    with django_assert_max_num_queries(12):
        page = staff_client.get(reverse("catalogue_staff:entries"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Decreto 57-2008" in content and "Innovación pública" in content
    only_norms = staff_client.get(reverse("catalogue_staff:entries") + "?tipo=norm")
    assert [e.pk for e in only_norms.context["page"].object_list] == [norm.pk]
    found = staff_client.get(reverse("catalogue_staff:entries") + "?buscar=57-2008")
    assert [e.pk for e in found.context["page"].object_list] == [norm.pk]


def test_create_an_entry_through_the_screen(staff_client, staff):
    url = reverse("catalogue_staff:create_entry")
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url,
        {
            "kind": "standard",
            "name": "  Carta   Iberoamericana de Gobierno Abierto ",
            "description": "CLAD, 2016",
            "issuer": "CLAD",
            "number": "",
            "issued_on": "2016-07-08",
            "link": "https://clad.org/carta",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.kind, entry.name, entry.issued_on) == (
        "standard",
        "Carta Iberoamericana de Gobierno Abierto",
        date(2016, 7, 8),
    )
    assert audited_by(entry, staff, "create")


def test_bad_entries_are_refused_with_field_errors(staff_client, norm):
    url = reverse("catalogue_staff:create_entry")
    bad = staff_client.post(
        url, {"kind": "norm", "name": "", "link": "no es un enlace", "issued_on": "2019-13-40"}
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert {"name", "link", "issued_on"} <= set(errors)
    duplicate = staff_client.post(url, {"kind": "norm", "name": norm.name})
    assert duplicate.status_code == 400
    assert Entry.objects.count() == 1


def test_edit_an_entry_with_optimistic_locking(staff_client, staff, norm):
    url = reverse("catalogue_staff:edit_entry", args=[norm.pk])
    form = staff_client.get(url).context["form"]
    assert form["edit_version"].value() == norm.edit_version
    fields = {
        "kind": "norm",
        "name": norm.name,
        "description": "Regula el acceso a la información pública.",
        "issuer": norm.issuer,
        "number": norm.number,
        "issued_on": "2008-09-23",
        "link": "https://www.congreso.gob.gt/decreto-57-2008",
        "edit_version": norm.edit_version,
    }
    assert staff_client.post(url, fields).status_code == 302
    norm.refresh_from_db()
    assert norm.link.endswith("57-2008") and norm.edit_version == 2
    assert audited_by(norm, staff, "update")
    stale = staff_client.post(url, {**fields, "description": "Otra", "edit_version": 1})
    assert stale.status_code == 409 and "Otra persona guardó" in stale.content.decode()
    norm.refresh_from_db()
    assert norm.description.startswith("Regula")


def test_apply_and_remove_an_entry_on_a_paragraph(staff_client, staff, version, norm):
    page = staff_client.get(reverse("drafts_staff:version", args=[version.pk]))
    paragraph = version.paragraphs.order_by("position")[1]
    content = page.content.decode()
    assert f'for="entrada-{paragraph.pk}"' in content and "Decreto 57-2008" in content
    here = reverse("drafts_staff:version", args=[version.pk])
    response = staff_client.post(
        reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk, "next": here}
    )
    assert response.status_code == 302 and response.url == f"{here}#parrafo-{paragraph.pk}"
    application = Application.objects.get()
    assert (application.entry, application.paragraph, application.created_by) == (norm, paragraph, staff)
    assert audited_by(application, staff, "create")
    shown = staff_client.get(here).content.decode()
    assert "Quitar" in shown
    # Applying twice keeps one link.
    staff_client.post(reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk})
    assert Application.objects.count() == 1
    removed = staff_client.post(
        reverse("catalogue_staff:remove_application", args=[application.pk]), {"confirm": "1"}
    )
    assert removed.status_code == 302
    assert not Application.objects.exists()
    assert AuditEntry.objects.for_object(application).filter(actor=staff, action="delete").exists()


def test_no_entry_chosen_or_an_approved_version_is_an_error(staff_client, version, norm):
    paragraph = version.paragraphs.first()
    response = staff_client.post(
        reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": ""}, follow=True
    )
    assert "elija una entrada" in response.content.decode()
    services.transition_version(version, "approved")
    response = staff_client.post(
        reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk}, follow=True
    )
    assert "Una versión aprobada ya no cambia" in response.content.decode()
    assert not Application.objects.exists()


def test_people_without_the_rules_cannot_touch_the_catalogue(client, django_user_model, version, norm, staff):
    anonymous = client.get(reverse("catalogue_staff:entries"))
    assert anonymous.status_code == 302 and "/cuenta/" in anonymous.url
    paragraph = version.paragraphs.first()
    application = catalogue.apply_entry(norm, paragraph, by=staff)
    _login(client, django_user_model, "p@example.org")
    assert client.get(reverse("catalogue_staff:entries")).status_code == 403
    assert (
        client.post(reverse("catalogue_staff:create_entry"), {"kind": "norm", "name": "X"}).status_code == 403
    )
    assert (
        client.post(reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk}).status_code
        == 404
    )
    _login(client, django_user_model, "mod@inap.gob.gt", Role.MODERATOR)
    assert client.get(reverse("catalogue_staff:entries")).status_code == 200
    assert client.get(reverse("catalogue_staff:create_entry")).status_code == 403
    assert client.get(reverse("catalogue_staff:edit_entry", args=[norm.pk])).status_code == 403
    services.transition_version(version, "open", closes_at=version.created_at.replace(year=2100))
    assert (
        client.post(reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk}).status_code
        == 403
    )
    assert (
        client.post(reverse("catalogue_staff:remove_application", args=[application.pk])).status_code == 403
    )
    assert Entry.objects.count() == 1 and Application.objects.count() == 1


def test_an_editor_of_the_milestone_applies_entries(client, django_user_model, version, norm, milestone):
    editor = _login(client, django_user_model, "ed@inap.gob.gt", Role.EDITOR, milestone=milestone)
    paragraph = version.paragraphs.first()
    response = client.post(reverse("catalogue_staff:apply", args=[paragraph.pk]), {"entry": norm.pk})
    assert response.status_code == 302
    application = Application.objects.get()
    assert audited_by(application, editor, "create")
    assert (
        client.post(
            reverse("catalogue_staff:create_entry"), {"kind": "concept", "name": "Cocreación"}
        ).status_code
        == 302
    )
