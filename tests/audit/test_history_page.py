"""The public change history, as people read it: labels and values in the interface language, no
internal fields, whole names, 50 changes a page, filters; staff see every field and who."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from cocrea.accounts.models import Role
from cocrea.audit import presentation
from cocrea.audit.context import acting_as
from cocrea.audit.models import AuditEntry
from cocrea.budget.models import Expenditure
from cocrea.participation.models import Attendance, Meeting, Registration
from cocrea.participation.services import register_person
from cocrea.plans.history import PER_PAGE, milestone_entries
from cocrea.plans.models import Activity, Commitment, Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONG_TITLE = (
    "Diseño participativo del marco conceptual de la estrategia con las instituciones rectoras del "
    "Organismo Ejecutivo y las organizaciones de sociedad civil que acompañan el compromiso"
)


def history(client, milestone, **query):
    response = client.get(milestone.get_history_url(), query)
    assert response.status_code == 200
    return response.content.decode()


def entries_part(html):
    """The list of changes, without the page's header, filters and footer."""
    match = re.search(r'<ol class="history">.*?</ol>', html, re.S)
    return match.group(0) if match else ""


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def held_meeting(milestone, staff):
    """A meeting marked held (a choice, a date, a date-time), the sample flag switched on (a
    boolean), and an activity moved and reweighted (internal fields), all by ``staff``."""
    meeting = milestone.meetings.order_by("position").first()
    with acting_as(staff, "web"):
        meeting.status = "held"
        meeting.actual_date = datetime.date(2020, 3, 20)
        meeting.starts_at = datetime.datetime(2020, 3, 20, 15, 30, tzinfo=datetime.UTC)
        meeting.save()
    with acting_as(staff, "web"):
        milestone.sample_execution = True
        milestone.save()
    with acting_as(staff, "web"):
        activity = milestone.activities.get(number=1)
        activity.weight = Decimal("2.50")
        activity.source_line = 999
        activity.save()
    return meeting


def test_values_read_as_words_and_dates_in_spanish(client, milestone, held_meeting):
    shown = text_of(entries_part(history(client, milestone)))
    assert "Estado Programada Realizada" in shown
    assert "Fecha real o nueva fecha — 20 de marzo de 2020" in shown
    assert "Inicio — 20 de marzo de 2020 09:30" in shown  # 15:30 UTC in Guatemala
    assert "Datos de ejemplo No Sí" in shown
    for raw in ("scheduled", "held", "True", "False", "2020-03-20", "+00:00"):
        assert raw not in shown


def test_values_read_as_words_and_dates_in_english(client, milestone, held_meeting):
    shown = text_of(entries_part(history(english(client), milestone)))
    assert "Status Scheduled Held" in shown
    assert "20 March 2020" in shown
    assert "No Yes" in shown
    for raw in ("scheduled", "held", "True", "False", "2020-03-20", "Realizada", "Sí"):
        assert raw not in shown


def test_amounts_and_months_are_written_for_the_reader(client, milestone, staff):
    line = milestone.budget_lines.get(number=1)
    with acting_as(staff, "web"):
        Expenditure.objects.create(
            budget_line=line, day=datetime.date(2019, 4, 30), amount=Decimal("32000"), description="Asesores"
        )
    shown = text_of(entries_part(history(client, milestone, tipo="expenditure")))
    assert "Monto Q 32,000.00" in shown
    assert "Fecha 30 de abril de 2019" in shown
    assert "Gasto: 30 de abril de 2019 · Q 32,000.00 · Asesores" in shown
    months = text_of(entries_part(history(client, milestone, tipo="meeting")))
    assert "Mes planificado" in months and re.search(r"Mes planificado \w+ de 20\d\d", months)


def test_internal_fields_are_hidden_from_the_public(client, milestone, held_meeting):
    shown = text_of(entries_part(history(client, milestone)))
    for internal in ("Orden", "Peso", "Línea en el documento", "Edit version", "edit_version", "Version"):
        assert internal not in shown
    assert "Revisión del calendario" not in shown and "(interno)" not in shown
    assert "ana@inap.gob.gt" not in shown  # who made a change is for staff


def test_staff_in_scope_see_every_field_and_who(client, milestone, held_meeting, staff):
    client.force_login(staff)
    shown = text_of(entries_part(history(client, milestone)))
    assert "Peso (interno) 1.00 2.50" in shown
    assert "Línea en el documento (interno)" in shown
    assert "Orden (interno)" in shown
    assert "por ana@inap.gob.gt" in shown


def test_a_coordinator_sees_the_detail_of_their_commitment_only(client, milestone, held_meeting):
    own = UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment)
    client.force_login(own)
    assert "Peso (interno)" in text_of(entries_part(history(client, milestone)))
    other_commitment = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="99", title="Otro compromiso"
    )
    stranger = UserFactory(role=Role.COORDINATOR, commitment=other_commitment)
    client.force_login(stranger)
    shown = text_of(entries_part(history(client, milestone)))
    assert "Peso" not in shown and "ana@inap.gob.gt" not in shown
    participant = UserFactory()
    client.force_login(participant)
    assert "(interno)" not in history(client, milestone)


def test_a_coordinator_without_the_second_factor_sees_the_public_history(client, milestone, held_meeting):
    user = UserFactory(role=Role.COORDINATOR, commitment=milestone.commitment, two_step=False)
    client.force_login(user)
    assert "Peso" not in text_of(entries_part(history(client, milestone)))


def test_names_are_whole_and_only_very_long_ones_are_shortened(client, milestone, staff):
    activity = milestone.activities.get(number=1)
    with acting_as(staff, "web"):
        activity.title = LONG_TITLE
        activity.save()
    shown = text_of(entries_part(history(client, milestone, tipo="activity")))
    assert f"Actividad: 01. {LONG_TITLE}" in shown  # longer than the 80 characters __str__ keeps
    very_long = " ".join(["palabra"] * 60)
    with acting_as(staff, "web"):
        activity.title = very_long
        activity.save()
    shown = text_of(entries_part(history(client, milestone, tipo="activity")))
    name = re.search(r"Actividad: (01\. palabra[^(]*?…)", shown).group(1)
    assert len(name) <= 241 and name.endswith("palabra…")


def test_shorten_never_cuts_a_word():
    assert presentation.shorten("uno dos tres", 100) == "uno dos tres"
    assert presentation.shorten("uno dos tres cuatro", 10) == "uno dos…"
    assert presentation.shorten("  espacios   de  más  ", 100) == "espacios de más"
    cut = presentation.shorten("Coordinación interinstitucional " * 10, 50)
    assert cut.endswith("…") and cut[:-1].split()[-1] in ("Coordinación", "interinstitucional")


def test_repair_cut_drops_a_broken_last_word():
    title = "Taller de validación de los estándares y normas legales de innovación con las instituciones"
    stored = "01 " + title[:80]  # what Activity.__str__ kept: «…con las in»
    assert stored.endswith("con las in")
    assert presentation.repair_cut(stored, r"\S+ ", 80) == "01 " + title[:77] + "…"
    assert presentation.repair_cut("01 Corto", r"\S+ ", 80) == "01 Corto"


def test_deleted_objects_stay_in_the_history_with_their_whole_name(client, milestone, staff):
    with acting_as(staff, "web"):
        meeting = Meeting.objects.create(milestone=milestone, position=90, kind="other", title=LONG_TITLE)
    with acting_as(staff, "web"):
        activity = Activity.objects.create(milestone=milestone, position=91, number=91, title=LONG_TITLE)
    with acting_as(staff, "web"):
        meeting.delete()
        activity.delete()
    shown = text_of(entries_part(history(client, milestone)))
    assert shown.count(f"Reunión: {LONG_TITLE}") == 2  # created, then deleted
    assert shown.count(f"Actividad: 91. {LONG_TITLE}") == 2
    assert "Eliminación" in shown


def test_a_change_of_internal_fields_only_says_so(client, milestone, staff):
    activity = milestone.activities.get(number=1)
    with acting_as(staff, "web"):
        activity.position = 77
        activity.save()
    public = text_of(entries_part(history(client, milestone, tipo="activity")))
    assert "Solo cambiaron datos internos" in public and "Orden" not in public
    client.force_login(staff)
    detail = text_of(entries_part(history(client, milestone, tipo="activity")))
    assert "Orden (interno)" in detail and "Solo cambiaron datos internos" not in detail


def test_an_archived_meeting_stays_with_the_day_it_was_archived(client, milestone, staff):
    meeting = milestone.meetings.order_by("position").first()
    with acting_as(staff, "web"):
        meeting.archived_at = datetime.datetime(2021, 5, 4, 18, 0, tzinfo=datetime.UTC)
        meeting.archived_by = staff
        meeting.save()
    shown = text_of(entries_part(history(client, milestone, tipo="meeting")))
    assert f"Reunión: {meeting.title}" in shown
    assert "Archivado — 4 de mayo de 2021 12:00" in shown
    assert "Archivado por" not in shown and "ana@" not in shown  # an account: for staff only


def test_fifty_changes_a_page_with_accessible_page_links(client, milestone, staff):
    activity = milestone.activities.get(number=1)
    for percent in range(70):
        with acting_as(staff, "web"):
            activity.date_text = f"Mes {percent}"
            activity.save()
    total = milestone_entries(milestone).count()
    assert total > 2 * PER_PAGE
    first = history(client, milestone)
    assert entries_part(first).count('<li class="history-entry') == PER_PAGE
    assert f"{total} cambios" in first
    assert 'aria-label="Páginas del historial"' in first
    assert 'href="?pagina=1" aria-current="page"' in first
    assert 'href="?pagina=2" rel="next"' in first
    last_number = -(-total // PER_PAGE)
    last = history(client, milestone, pagina=last_number)
    assert entries_part(last).count('<li class="history-entry') == total - (last_number - 1) * PER_PAGE
    filtered = history(client, milestone, tipo="activity", pagina=2)
    assert 'href="?tipo=activity&amp;pagina=1"' in filtered  # the filter is kept in the links
    assert history(client, milestone, pagina="nada").count('<li class="history-entry') == PER_PAGE


def test_a_page_number_past_the_end_or_below_one_shows_the_last_page(client, milestone, staff):
    activity = milestone.activities.get(number=1)
    for percent in range(60):
        with acting_as(staff, "web"):
            activity.date_text = f"Mes {percent}"
            activity.save()
    total = milestone_entries(milestone).count()
    last_number = -(-total // PER_PAGE)
    on_last = total - (last_number - 1) * PER_PAGE
    for number in (last_number, last_number + 1, 999, 0, -2, 2**31 + 1, "9" * 30):
        shown = history(client, milestone, pagina=number)
        assert entries_part(shown).count('<li class="history-entry') == on_last
        assert f"{total} cambios · página {last_number} de {last_number}" in text_of(shown)
    assert "Ningún cambio coincide" in history(client, milestone, desde="2099-01-01", pagina=3)


def test_filter_by_kind(client, milestone, held_meeting):
    meetings = text_of(entries_part(history(client, milestone, tipo="meeting")))
    assert "Reunión:" in meetings
    assert "Actividad:" not in meetings and "Hito:" not in meetings
    activities = text_of(entries_part(history(client, milestone, tipo="activity")))
    assert "Actividad:" in activities and "Reunión:" not in activities
    everything = history(client, milestone, tipo="no-existe")
    assert "Reunión:" in everything and "errorlist" in everything


def _entry_at(milestone, when, title):
    """An entry written at a given moment (the trail is append-only; a new entry may carry any
    time), about the milestone's first activity."""
    activity = milestone.activities.get(number=1)
    return AuditEntry.objects.create(
        timestamp=when,
        actor_label="sistema",
        source="system",
        action="update",
        content_type=ContentType.objects.get_for_model(Activity),
        object_id=str(activity.pk),
        object_repr=str(activity),
        changes={"date_text": ["", title]},
    )


def test_filter_by_dates_in_the_sites_time_zone(client, milestone):
    zone = timezone.get_default_timezone()
    _entry_at(milestone, datetime.datetime(2021, 1, 10, 23, 30, tzinfo=zone), "marca-enero")
    _entry_at(milestone, datetime.datetime(2021, 2, 1, 0, 15, tzinfo=zone), "marca-febrero")
    _entry_at(milestone, datetime.datetime(2021, 3, 5, 12, 0, tzinfo=zone), "marca-marzo")
    shown = entries_part(history(client, milestone, desde="2021-01-10", hasta="2021-02-01"))
    assert "marca-enero" in shown and "marca-febrero" in shown and "marca-marzo" not in shown
    shown = entries_part(history(client, milestone, desde="2021-02-02"))
    assert "marca-marzo" in shown and "marca-febrero" not in shown
    shown = entries_part(history(client, milestone, hasta="2021-01-31"))
    assert "marca-enero" in shown and "marca-febrero" not in shown
    inverted = history(client, milestone, desde="2021-03-01", hasta="2021-01-01")
    assert "posterior a la fecha" in inverted
    assert "Ningún cambio coincide con el filtro." not in history(client, milestone, desde="ayer")
    assert "Ningún cambio coincide con el filtro." in history(client, milestone, desde="2099-01-01")


def test_the_filter_form_works_without_javascript(client, milestone):
    html = history(client, milestone)
    form = re.search(r'<form method="get"[^>]*>.*?</form>', html, re.S).group(0)
    for name in ("tipo", "desde", "hasta"):
        assert f'name="{name}"' in form and f'for="id_{name}"' in form
    assert 'type="date"' in form and '<button type="submit">' in form
    assert '<option value="expenditure">Gastos</option>' in form


def test_personal_data_never_reaches_the_public_history(client, milestone, staff):
    meeting = milestone.meetings.order_by("position").first()
    with acting_as(staff, "web"):
        person = register_person(name="Rosa Xicará", email="rosa@example.org", phone="5555-0101")
        Registration.objects.create(meeting=meeting, person=person, status="registered")
        Attendance.objects.create(meeting=meeting, person=person)
    secrets = ("Rosa", "Xicará", "rosa@example.org", "5555-0101", "•••")
    public = history(client, milestone)
    assert not [secret for secret in secrets if secret in public]
    client.force_login(staff)  # the registry's records are not part of a milestone's history
    detail = history(client, milestone)
    assert not [secret for secret in secrets if secret in detail]


def test_personal_fields_are_hidden_publicly_and_masked_for_staff(staff):
    from cocrea.participation.models import Person

    with acting_as(staff, "web"):
        person = register_person(name="Rosa Xicará", email="rosa@example.org", phone="5555-0101")
    entry = AuditEntry.objects.for_object(person).get()
    public = presentation.field_rows(entry, Person, full=False)
    assert not {row.name for row in public} & {"email", "phone"}
    detail = {row.name: row for row in presentation.field_rows(entry, Person, full=True)}
    assert detail["email"].after == presentation.HIDDEN and detail["phone"].after == presentation.HIDDEN
    assert "rosa@example.org" not in str(entry.changes)


def test_display_values_follow_the_field(milestone):
    meeting = Meeting
    with translation.override("es"):
        assert presentation.display_value(meeting, "status", "cancelled") == "Cancelada"
        assert presentation.display_value(meeting, "status", "otra") == "otra"
        assert presentation.display_value(meeting, "actual_date", "2020-03-20") == "20 de marzo de 2020"
        assert presentation.display_value(meeting, "actual_date", "no es fecha") == "no es fecha"
        assert presentation.display_value(meeting, "capacity", 1200) == "1200"
        assert presentation.display_value(meeting, "title", "") is None
        assert presentation.display_value(Activity, "weight", "1234.5") == "1,234.50"
        assert presentation.display_value(Activity, "milestone", milestone.pk) == f"#{milestone.pk}"
        assert presentation.display_value(None, "gone", ["a", "b"]) == "a, b"
    with translation.override("en"):
        assert presentation.display_value(meeting, "status", "cancelled") == "Cancelled"
        assert presentation.display_value(meeting, "actual_date", "2020-03-20") == "20 March 2020"
    assert presentation.is_internal(Activity, "position") and presentation.is_internal(Meeting, "sequence")
    assert presentation.is_internal(Expenditure, "recorded_by")  # an account: personal
    assert presentation.is_internal(Activity, "no_longer_a_field")
    assert not presentation.is_internal(Activity, "title")


def test_the_page_issues_a_bounded_number_of_queries(client, milestone, staff, django_assert_max_num_queries):
    inap = Organization.objects.get(acronym="INAP")
    line = milestone.budget_lines.get(number=1)
    for number in range(40):
        with acting_as(staff, "web"):
            Expenditure.objects.create(
                budget_line=line, day=datetime.date(2019, 5, 1), amount=Decimal(number + 1), description="x"
            )
            meeting = Meeting.objects.create(
                milestone=milestone, position=200 + number, kind="other", title="R"
            )
            meeting.agreements.create(text=f"Acuerdo {number}", owner_organization=inap)
    assert milestone_entries(milestone).count() > 150
    with django_assert_max_num_queries(11):
        history(client, milestone)
    with django_assert_max_num_queries(11):
        history(client, milestone, tipo="agreement", desde="2000-01-01", pagina=2)
    client.force_login(staff)
    with django_assert_max_num_queries(15):
        history(client, milestone)
