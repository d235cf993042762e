"""Staff screens for a meeting's agenda, minutes (acta) and agreements (acuerdos)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.participation import services
from cocrea.participation.models import AgendaItem, Agreement
from cocrea.plans.models import Commitment, Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signed_in(django_user_model, name, role=None, **scope):
    client = Client()
    client.force_login(UserFactory(username=name, role=role, **scope))
    return client


@pytest.fixture
def meeting(milestone):
    return milestone.meetings.order_by("position").first()


@pytest.fixture
def inap_editor(django_user_model, milestone):
    return signed_in(
        django_user_model, "editor-inap", Role.EDITOR, organization=Organization.objects.get(acronym="INAP")
    )


@pytest.fixture
def other_commitment_editor(django_user_model, milestone):
    draft = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="99", title="Otro compromiso"
    )
    return signed_in(django_user_model, "editor-99", Role.EDITOR, commitment=draft)


def audited_by(user, obj, action=None):
    entries = AuditEntry.objects.for_object(obj).filter(actor=user, source="web")
    if action:
        entries = entries.filter(action=action)
    return entries.exists()


def agenda_titles(meeting):
    return list(meeting.agenda.order_by("position").values_list("title", flat=True))


# --- Agenda -------------------------------------------------------------------------------------


def test_the_agenda_is_built_edited_reordered_and_trimmed(staff_client, staff, meeting, client):
    url = reverse("staff:meeting_agenda", args=[meeting.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert "La agenda no tiene puntos todavía." in page.content.decode()
    for title in ("Bienvenida", "Presentación del plan", "Cierre"):
        assert staff_client.post(url, {"title": f"  {title} "}).status_code == 302
    assert agenda_titles(meeting) == ["Bienvenida", "Presentación del plan", "Cierre"]
    cierre = AgendaItem.objects.get(title="Cierre")
    assert audited_by(staff, cierre, "create")

    move = reverse("staff:move_agenda_item", args=[cierre.pk])
    assert staff_client.post(move, {"direction": "up"}).status_code == 302
    assert agenda_titles(meeting) == ["Bienvenida", "Cierre", "Presentación del plan"]
    assert audited_by(staff, cierre, "update")

    edit = reverse("staff:edit_agenda_item", args=[cierre.pk])
    assert staff_client.get(edit).status_code == 200
    cierre.refresh_from_db()
    data = {"title": "Cierre y acuerdos", "edit_version": cierre.edit_version}
    assert staff_client.post(edit, data).status_code == 302

    first = AgendaItem.objects.get(title="Bienvenida")
    remove = reverse("staff:remove_agenda_item", args=[first.pk])
    asked = staff_client.get(remove)
    assert asked.status_code == 200 and "Los 2 puntos que le siguen suben un lugar." in asked.content.decode()
    assert staff_client.post(remove).status_code == 200  # without confirm=1: asked again, nothing removed
    assert AgendaItem.objects.filter(pk=first.pk).exists()
    assert staff_client.post(remove, {"confirm": "1"}).status_code == 302
    assert agenda_titles(meeting) == ["Cierre y acuerdos", "Presentación del plan"]
    assert list(meeting.agenda.order_by("position").values_list("position", flat=True)) == [1, 2]
    assert AuditEntry.objects.filter(actor=staff, action="delete", object_repr="Bienvenida").exists()

    html = staff_client.get(url).content.decode()
    assert html.index("Cierre y acuerdos") < html.index("Presentación del plan")
    public = client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode()
    assert public.index("Cierre y acuerdos") < public.index("Presentación del plan")


def test_moving_past_either_end_is_refused(staff_client, meeting):
    first = services.add_agenda_item(meeting, title="Uno")
    last = services.add_agenda_item(meeting, title="Dos")
    response = staff_client.post(
        reverse("staff:move_agenda_item", args=[first.pk]), {"direction": "up"}, follow=True
    )
    assert "ya es el primero" in response.content.decode()
    staff_client.post(reverse("staff:move_agenda_item", args=[last.pk]), {"direction": "down"})
    staff_client.post(reverse("staff:move_agenda_item", args=[last.pk]), {"direction": "sideways"})
    assert agenda_titles(meeting) == ["Uno", "Dos"]


def test_bad_agenda_input_is_an_error_and_saves_nothing(staff_client, meeting):
    url = reverse("staff:meeting_agenda", args=[meeting.pk])
    for title in ("", "   ", "x" * 301):
        response = staff_client.post(url, {"title": title})
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()
    assert not AgendaItem.objects.exists()
    item = services.add_agenda_item(meeting, title="Bienvenida")
    response = staff_client.post(
        reverse("staff:edit_agenda_item", args=[item.pk]), {"title": "", "edit_version": item.edit_version}
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.title == "Bienvenida"


# --- Minutes ------------------------------------------------------------------------------------


def test_minutes_are_saved_audited_and_shown_escaped(staff_client, staff, meeting, client):
    url = reverse("staff:meeting_minutes", args=[meeting.pk])
    page = staff_client.get(url)
    assert page.status_code == 200 and 'name="edit_version"' in page.content.decode()
    text = "Se aprobó la agenda.\n\n<script>alert('x')</script> y <b>negrita</b>"
    response = staff_client.post(url, {"minutes": text, "edit_version": meeting.edit_version})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == text and meeting.edit_version == 2
    entry = AuditEntry.objects.for_object(meeting).filter(actor=staff).get()
    assert "minutes" in entry.changes
    for html in (
        staff_client.get(url).content.decode(),
        client.get(reverse("participation:meeting", args=[meeting.pk])).content.decode(),
    ):
        assert "<script>alert" not in html and "<b>negrita" not in html
        assert "&lt;script&gt;" in html


def test_minutes_from_a_stale_copy_are_refused_and_kept_in_the_form(staff_client, staff, meeting):
    url = reverse("staff:meeting_minutes", args=[meeting.pk])
    opened_at = meeting.edit_version
    services.record_minutes(meeting, text="Acta de otra persona", expected_version=opened_at)
    response = staff_client.post(url, {"minutes": "Mi versión del acta", "edit_version": opened_at})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Otra persona guardó" in html and "Mi versión del acta" in html and "Acta de otra persona" in html
    meeting.refresh_from_db()
    assert meeting.minutes == "Acta de otra persona"
    assert not AuditEntry.objects.for_object(meeting).filter(actor=staff).exists()
    # The form now carries the current version: saving again, knowingly, replaces the minutes.
    again = staff_client.post(url, {"minutes": "Mi versión del acta", "edit_version": meeting.edit_version})
    assert again.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "Mi versión del acta"


def test_minutes_without_a_version_are_an_error(staff_client, meeting):
    response = staff_client.post(reverse("staff:meeting_minutes", args=[meeting.pk]), {"minutes": "Acta"})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.minutes == ""


# --- Agreements ---------------------------------------------------------------------------------


def test_agreements_are_added_flagged_completed_reopened_edited_and_deleted(staff_client, staff, meeting):
    inap = Organization.objects.get(acronym="INAP")
    url = reverse("staff:meeting_agreements", args=[meeting.pk])
    assert staff_client.get(url).status_code == 200
    late = (date.today() - timedelta(days=10)).isoformat()
    later = (date.today() + timedelta(days=30)).isoformat()
    ok = staff_client.post(
        url, {"text": "Enviar el marco conceptual", "owner_organization": inap.pk, "due_date": late}
    )
    assert ok.status_code == 302
    staff_client.post(
        url, {"text": "Convocar a la academia", "owner_text": "Comisión técnica", "due_date": later}
    )
    sent, convene = Agreement.objects.order_by("pk")
    assert (sent.owner_organization, convene.owner_text) == (inap, "Comisión técnica")
    assert audited_by(staff, sent, "create")
    html = staff_client.get(url).content.decode()
    assert "Vencido" in html and 'class="flagged"' in html and "1 acuerdo vencido" in html

    done = staff_client.post(
        reverse("staff:complete_agreement", args=[sent.pk]),
        {"done_at": date.today().isoformat(), "edit_version": sent.edit_version},
    )
    assert done.status_code == 302
    sent.refresh_from_db()
    assert sent.done_at == date.today() and not Agreement.objects.overdue(date.today()).exists()
    assert audited_by(staff, sent, "update")

    reopened = staff_client.post(
        reverse("staff:reopen_agreement", args=[sent.pk]), {"edit_version": sent.edit_version}
    )
    assert reopened.status_code == 302
    sent.refresh_from_db()
    assert sent.done_at is None

    edit = reverse("staff:edit_agreement", args=[convene.pk])
    assert staff_client.get(edit).status_code == 200
    changed = staff_client.post(
        edit,
        {
            "text": "Convocar a la academia y al sector privado",
            "owner_organization": inap.pk,
            "owner_text": "",
            "due_date": later,
            "edit_version": convene.edit_version,
        },
    )
    assert changed.status_code == 302
    convene.refresh_from_db()
    assert convene.owner_organization == inap and convene.owner_text == "" and convene.edit_version == 2

    asked = staff_client.get(reverse("staff:delete_agreement", args=[convene.pk]))
    assert asked.status_code == 200 and "queda en el historial" in asked.content.decode().lower()
    not_confirmed = staff_client.post(reverse("staff:delete_agreement", args=[convene.pk]))
    assert not_confirmed.status_code == 200 and Agreement.objects.filter(pk=convene.pk).exists()
    gone = staff_client.post(reverse("staff:delete_agreement", args=[convene.pk]), {"confirm": "1"})
    assert gone.status_code == 302 and not Agreement.objects.filter(pk=convene.pk).exists()
    assert AuditEntry.objects.filter(actor=staff, action="delete", object_id=str(convene.pk)).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "owner_text": "INAP"},
        {"text": "Sin responsable"},
        {"text": "Ambos", "owner_text": "Alguien", "owner_organization": "INAP"},
        {"text": "Fecha mala", "owner_text": "Alguien", "due_date": "31/02/2019"},
        {"text": "Organización inexistente", "owner_organization": "999999"},
    ],
)
def test_bad_agreements_are_errors_and_nothing_is_saved(staff_client, meeting, data):
    if data.get("owner_organization") == "INAP":
        data = {**data, "owner_organization": Organization.objects.get(acronym="INAP").pk}
    response = staff_client.post(reverse("staff:meeting_agreements", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Agreement.objects.exists()


def test_completion_needs_a_past_date_and_a_pending_agreement(staff_client, meeting):
    agreement = services.add_agreement(meeting, text="Publicar el acta", owner_text="GPAT")
    url = reverse("staff:complete_agreement", args=[agreement.pk])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert staff_client.post(url, {"done_at": tomorrow}).status_code == 400
    assert staff_client.post(url, {"done_at": "no es fecha"}).status_code == 400
    agreement.refresh_from_db()
    assert agreement.done_at is None
    assert staff_client.post(url, {"done_at": "2019-05-02"}).status_code == 302
    again = staff_client.post(url, {"done_at": "2019-05-03"})
    assert again.status_code == 400 and "ya estaba cumplido" in again.content.decode()
    agreement.refresh_from_db()
    assert agreement.done_at == date(2019, 5, 2)


def test_an_agreement_edited_from_a_stale_copy_is_refused(staff_client, staff, meeting):
    agreement = services.add_agreement(meeting, text="Original", owner_text="INAP")
    opened_at = agreement.edit_version
    services.edit_agreement(agreement, expected_version=opened_at, text="Cambio ajeno", owner_text="GPAT")
    response = staff_client.post(
        reverse("staff:edit_agreement", args=[agreement.pk]),
        {"text": "Mi cambio", "owner_text": "INAP", "edit_version": opened_at},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Otra persona guardó" in html and "Mi cambio" in html and "Cambio ajeno" in html
    agreement.refresh_from_db()
    assert (agreement.text, agreement.owner_text, agreement.edit_version) == ("Cambio ajeno", "GPAT", 2)
    assert not AuditEntry.objects.for_object(agreement).filter(actor=staff).exists()
    stale_done = staff_client.post(
        reverse("staff:complete_agreement", args=[agreement.pk]),
        {"done_at": "2019-05-02", "edit_version": opened_at},
    )
    assert stale_done.status_code == 409
    agreement.refresh_from_db()
    assert agreement.done_at is None


def test_the_milestone_and_meeting_screens_link_here_and_flag_overdue(staff_client, milestone, meeting):
    services.add_agreement(
        meeting, text="Vencido", owner_text="INAP", due_date=date.today() - timedelta(days=1)
    )
    html = staff_client.get(reverse("staff:milestone", args=[milestone.pk])).content.decode()
    for name in ("meeting_agenda", "meeting_minutes", "meeting_agreements"):
        assert reverse(f"staff:{name}", args=[meeting.pk]) in html
    assert "1 acuerdo vencido" in html and reverse("staff:people") in html
    for name in ("record_meeting", "take_attendance"):
        page = staff_client.get(reverse(f"staff:{name}", args=[meeting.pk])).content.decode()
        assert reverse("staff:meeting_agreements", args=[meeting.pk]) in page
        assert reverse("staff:meeting_agenda", args=[meeting.pk]) in page


# --- Who may -----------------------------------------------------------------------------------


def screens(meeting):
    item = services.add_agenda_item(meeting, title="Punto")
    agreement = services.add_agreement(meeting, text="Acuerdo", owner_text="INAP")
    gets = [
        reverse("staff:meeting_agenda", args=[meeting.pk]),
        reverse("staff:edit_agenda_item", args=[item.pk]),
        reverse("staff:meeting_minutes", args=[meeting.pk]),
        reverse("staff:meeting_agreements", args=[meeting.pk]),
        reverse("staff:edit_agreement", args=[agreement.pk]),
    ]
    posts = [
        (reverse("staff:meeting_agenda", args=[meeting.pk]), {"title": "Intruso"}),
        (reverse("staff:move_agenda_item", args=[item.pk]), {"direction": "down"}),
        (reverse("staff:remove_agenda_item", args=[item.pk]), {"confirm": "1"}),
        (reverse("staff:meeting_minutes", args=[meeting.pk]), {"minutes": "x", "edit_version": 1}),
        (reverse("staff:meeting_agreements", args=[meeting.pk]), {"text": "Intruso", "owner_text": "x"}),
        (
            reverse("staff:edit_agreement", args=[agreement.pk]),
            {"text": "x", "owner_text": "x", "edit_version": 1},
        ),
        (reverse("staff:complete_agreement", args=[agreement.pk]), {"done_at": "2019-05-01"}),
        (reverse("staff:reopen_agreement", args=[agreement.pk]), {}),
        (reverse("staff:delete_agreement", args=[agreement.pk]), {"confirm": "1"}),
    ]
    return gets, posts


def assert_untouched(meeting):
    meeting.refresh_from_db()
    assert agenda_titles(meeting) == ["Punto"] and meeting.minutes == ""
    assert list(Agreement.objects.values_list("text", "done_at")) == [("Acuerdo", None)]


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    gets, posts = screens(meeting)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302 and "/cuenta/login/" in response["Location"], url
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302 and "/cuenta/login/" in response["Location"], url
    assert_untouched(meeting)


def test_participants_and_editors_of_another_commitment_are_refused(
    django_user_model, meeting, other_commitment_editor
):
    participant = signed_in(django_user_model, "rosa")
    gets, posts = screens(meeting)
    for client in (participant, other_commitment_editor):
        for url in gets:
            assert client.get(url).status_code == 403, url
        for url, data in posts:
            assert client.post(url, data).status_code == 403, url
    assert_untouched(meeting)


def test_an_editor_in_scope_records_but_only_coordinators_remove(inap_editor, meeting):
    url = reverse("staff:meeting_agenda", args=[meeting.pk])
    assert inap_editor.post(url, {"title": "Bienvenida"}).status_code == 302
    item = meeting.agenda.get()
    html = inap_editor.get(url).content.decode()
    assert reverse("staff:remove_agenda_item", args=[item.pk]) not in html
    assert inap_editor.get(reverse("staff:remove_agenda_item", args=[item.pk])).status_code == 403
    assert (
        inap_editor.post(reverse("staff:remove_agenda_item", args=[item.pk]), {"confirm": "1"}).status_code
        == 403
    )
    agreements = reverse("staff:meeting_agreements", args=[meeting.pk])
    assert inap_editor.post(agreements, {"text": "Enviar", "owner_text": "INAP"}).status_code == 302
    agreement = Agreement.objects.get()
    assert (
        reverse("staff:delete_agreement", args=[agreement.pk])
        not in inap_editor.get(reverse("staff:edit_agreement", args=[agreement.pk])).content.decode()
    )
    denied = inap_editor.post(reverse("staff:delete_agreement", args=[agreement.pk]), {"confirm": "1"})
    assert denied.status_code == 403 and Agreement.objects.exists()
    assert AgendaItem.objects.exists()


def test_writes_are_rate_limited(staff_client, meeting, monkeypatch):
    from cocrea.core import ratelimit

    calls = {"n": 0}

    def fake_allow(key, limit, window):
        calls["n"] += 1
        return calls["n"] <= 2

    monkeypatch.setattr(ratelimit, "allow", fake_allow)
    url = reverse("staff:meeting_agreements", args=[meeting.pk])
    statuses = [staff_client.post(url, {"text": f"A{n}", "owner_text": "INAP"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert Agreement.objects.count() == 2


def test_the_screens_issue_a_bounded_number_of_queries(staff_client, inap_editor, meeting):
    """The same number of queries for 1 or 41 agenda points and agreements, and few of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inap = Organization.objects.get(acronym="INAP")

    def add(count):
        for n in range(count):
            services.add_agenda_item(meeting, title=f"Punto {n}")
            services.add_agreement(
                meeting,
                text=f"Acuerdo {n}",
                owner_organization=inap if n % 2 else None,
                owner_text="" if n % 2 else "Comisión",
                due_date=date(2019, 5, 1) + timedelta(days=n),
            )

    def counts():
        urls = [
            reverse("staff:meeting_agenda", args=[meeting.pk]),
            reverse("staff:meeting_minutes", args=[meeting.pk]),
            reverse("staff:meeting_agreements", args=[meeting.pk]),
            reverse("staff:edit_agreement", args=[Agreement.objects.first().pk]),
        ]
        found = {}
        for name, client in (("staff", staff_client), ("editor", inap_editor)):
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                found[name, url] = len(queries)
        milestone = reverse("staff:milestone", args=[meeting.milestone_id])
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(milestone).status_code == 200
        found["staff", milestone] = len(queries)
        return found

    for client in (staff_client, inap_editor):  # the first staff request writes the session row
        client.get(reverse("staff:home"))
    add(1)
    few = counts()
    add(40)
    many = counts()
    assert many == few
    assert max(many.values()) <= 20, many
