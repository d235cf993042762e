"""The screens of roles and validation (issue #15), as their users use them: a liaison reports, the
point of contact validates or returns from the queue, the liaison reads the reason and corrects;
the point of contact grants the plan's roles; a milestone tracked directly has its correction and
withdrawal screens like an activity's."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from cocrea.accounts.models import Role, RoleAssignment
from cocrea.audit.models import AuditEntry
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Milestone, Organization, ProgressEntry, Review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.fixture
def people(milestone):
    commitment = milestone.commitment
    return {
        "contact": UserFactory(
            username="contacto", role=Role.POINT_OF_CONTACT, action_plan=commitment.action_plan
        ),
        "liaison": UserFactory(
            username="enlace",
            role=Role.LIAISON,
            commitment=commitment,
            organization=Organization.objects.get(acronym="INAP"),
        ),
        "coordinator": UserFactory(username="coordina", role=Role.COORDINATOR, commitment=commitment),
    }


def _progress(percent="50", **extra):
    return {
        "day": "2019-05-31",
        "percent": percent,
        "status": "",
        "actual_start": "",
        "actual_end": "",
        "reason": "",
        "note": "Taller realizado",
        "evidence_title": "",
        "evidence_url": "",
        **extra,
    }


def test_a_liaison_reports_the_point_of_contact_validates_and_the_public_sees_it(client, people, milestone):
    activity = milestone.activities.get(number=1)
    client.force_login(people["liaison"])
    screen = reverse("staff:record_progress", args=[activity.pk])
    response = client.post(screen, _progress(), follow=True)
    assert "Se publica cuando el punto de contacto del plan lo valide" in _text(response)
    assert "Por validar" in _text(response)
    entry = ProgressEntry.objects.get(activity=activity)
    assert entry.review == Review.PENDING
    onsec_only = milestone.activities.create(position=99, number=99, title="Solo de ONSEC")
    onsec_only.responsible.set([Organization.objects.get(acronym="ONSEC")])
    assert client.get(reverse("staff:record_progress", args=[onsec_only.pk])).status_code == 403
    assert (
        client.post(
            reverse("staff:validate_progress", args=[entry.pk]), {"edit_version": entry.edit_version}
        ).status_code
        == 403
    )

    client.force_login(people["contact"])
    home = _text(client.get(reverse("staff:home")))
    assert "1 avance por validar" in home
    queue = client.get(reverse("staff:progress_review"))
    assert queue.status_code == 200
    assert "Taller realizado" in _text(queue)
    assert "enlace@example.org" in _text(queue)
    response = client.post(
        reverse("staff:validate_progress", args=[entry.pk]),
        {"edit_version": entry.edit_version, "next": reverse("staff:progress_review")},
        follow=True,
    )
    assert "Reporte validado" in _text(response)
    assert "Ningún reporte espera su validación" in _text(response)
    entry.refresh_from_db()
    assert (entry.review, entry.reviewed_by) == (Review.VALIDATED, people["contact"])
    step = AuditEntry.objects.filter(object_id=str(entry.pk), changes__review__1=Review.VALIDATED).get()
    assert step.actor == people["contact"]  # the request's actor, in the audit trail

    client.logout()
    public = client.get(milestone.get_absolute_url() + "cronograma/")
    assert public.status_code == 200


def test_the_point_of_contact_returns_a_report_and_the_liaison_reads_why(client, people, milestone):
    activity = milestone.activities.get(number=1)
    entry = record_progress(activity, day=date(2019, 5, 31), percent=Decimal(100), by=people["liaison"])
    client.force_login(people["contact"])
    url = reverse("staff:return_progress", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Motivo de la devolución" in _text(page)
    refused = client.post(url, {"reason": "", "edit_version": entry.edit_version})
    assert refused.status_code == 400
    done = client.post(url, {"reason": "Adjunte el acta firmada.", "edit_version": entry.edit_version})
    assert done.status_code == 302
    entry.refresh_from_db()
    assert (entry.review, entry.review_reason) == (Review.RETURNED, "Adjunte el acta firmada.")

    client.force_login(people["liaison"])
    home = _text(client.get(reverse("staff:home")))
    assert "Reportes devueltos para corregir" in home
    assert "Adjunte el acta firmada." in home
    screen = _text(client.get(reverse("staff:record_progress", args=[activity.pk])))
    assert "Devuelto por contacto@example.org" in screen
    assert "Corregir este reporte" in screen


def test_only_validators_open_the_queue_actions(client, people, milestone):
    entry = record_progress(
        milestone.activities.get(number=1), day=date(2019, 5, 31), percent=Decimal(10), by=people["liaison"]
    )
    client.force_login(people["coordinator"])
    assert client.get(reverse("staff:return_progress", args=[entry.pk])).status_code == 403
    queue = client.get(reverse("staff:progress_review"))
    assert queue.status_code == 200
    assert "Ningún reporte espera su validación" in _text(queue)


def test_the_point_of_contact_grants_a_liaison_role_on_the_plan_roles_screen(client, people, milestone):
    plan = milestone.commitment.action_plan
    newcomer = UserFactory(username="nueva", email="nueva@inap.gob.gt")
    inap = Organization.objects.get(acronym="INAP")
    client.force_login(people["contact"])
    url = reverse("staff:plan_roles", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="point_of_contact"' not in page.content.decode()  # an administrator names it
    response = client.post(
        url,
        {
            "email": "nadie@example.org",
            "role": "liaison",
            "commitment": milestone.commitment.pk,
            "organization": inap.pk,
        },
    )
    assert response.status_code == 400
    assert "No hay ninguna cuenta activa con ese correo" in _text(response)
    response = client.post(
        url,
        {
            "email": newcomer.email,
            "role": "liaison",
            "commitment": milestone.commitment.pk,
            "organization": inap.pk,
        },
        follow=True,
    )
    assert "nueva@inap.gob.gt tiene ahora el rol «Enlace institucional» en el compromiso 11" in _text(
        response
    )
    granted = RoleAssignment.objects.get(user=newcomer)
    assert (granted.role, granted.commitment, granted.organization, granted.granted_by) == (
        Role.LIAISON,
        milestone.commitment,
        inap,
        people["contact"],
    )
    response = client.post(reverse("staff:revoke_plan_role", args=[granted.pk]), follow=True)
    assert "ya no tiene el rol" in _text(response)
    assert not RoleAssignment.objects.filter(user=newcomer).exists()

    client.force_login(people["coordinator"])
    assert client.get(url).status_code == 403


def test_an_administrator_names_the_point_of_contact(client, staff, milestone):
    plan = milestone.commitment.action_plan
    person = UserFactory(username="poc", email="poc@gpat.gob.gt")
    client.force_login(staff)
    url = reverse("staff:plan_roles", args=[plan.pk])
    assert 'value="point_of_contact"' in client.get(url).content.decode()
    response = client.post(url, {"email": person.email, "role": "point_of_contact"}, follow=True)
    assert response.status_code == 200
    assert RoleAssignment.objects.get(user=person).action_plan == plan


@pytest.fixture
def tracked(milestone):
    return Milestone.objects.create(
        commitment=milestone.commitment,
        number="6",
        title="Implementación de la primera fase",
        is_published=True,
    )


def test_a_milestone_tracked_directly_has_its_correction_and_withdrawal_screens(client, staff, tracked):
    entry = record_progress(tracked, day=date(2020, 3, 31), percent=Decimal(40), by=staff)
    client.force_login(staff)
    screen = _text(client.get(reverse("staff:record_milestone_progress", args=[tracked.pk])))
    assert "Corregir este reporte" in screen and "Retirar este reporte" in screen
    url = reverse("staff:edit_progress", args=[entry.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Corregir el reporte del 31/03/2020 del hito 6, compromiso 11" in _text(page)
    response = client.post(
        url,
        {
            "day": "2020-03-31",
            "percent": "45",
            "status": "",
            "actual_start": "",
            "actual_end": "",
            "reason": "",
            "note": "",
            "correction_reason": "El informe dice 45 %.",
            "edit_version": entry.edit_version,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:record_milestone_progress", args=[tracked.pk])
    entry.refresh_from_db()
    assert entry.percent_complete == Decimal(45)

    withdraw = reverse("staff:withdraw_progress", args=[entry.pk])
    asked = client.post(withdraw, {"reason": "Reporte duplicado.", "edit_version": entry.edit_version})
    assert "El hito queda sin reportes de avance." in _text(asked)
    done = client.post(
        withdraw, {"reason": "Reporte duplicado.", "edit_version": entry.edit_version, "confirm": "1"}
    )
    assert done.status_code == 302
    assert not ProgressEntry.objects.filter(pk=entry.pk).exists()


def test_a_liaison_tracks_their_milestone_directly_and_it_waits(client, people, tracked):
    tracked.responsible.set([Organization.objects.get(acronym="INAP")])
    client.force_login(people["liaison"])
    url = reverse("staff:record_milestone_progress", args=[tracked.pk])
    response = client.post(url, _progress(percent="20"), follow=True)
    assert response.status_code == 200
    entry = ProgressEntry.objects.get(milestone=tracked)
    assert entry.review == Review.PENDING
    client.logout()
    public = _text(client.get(tracked.get_absolute_url()))
    assert "Taller realizado" not in public


def test_a_liaisons_to_do_holds_the_progress_they_report_and_nothing_else(client, people, milestone, tracked):
    """The meetings without attendance of milestone 1 are its editors' to deal with; a milestone
    tracked directly, under way, without a report this month is the liaison's."""
    from django.utils import timezone

    today = timezone.localdate()
    tracked.responsible.set([Organization.objects.get(acronym="INAP")])
    tracked.starts_on, tracked.ends_on = (
        today.replace(day=1),
        today.replace(day=1).replace(year=today.year + 1),
    )
    tracked.save()
    client.force_login(people["liaison"])
    home = _text(client.get(reverse("staff:home")))
    assert "Reportar el avance del hito 6" in home
    assert "Registrar la asistencia" not in home
    assert "Personas del registro" not in home
    client.force_login(people["coordinator"])
    home = _text(client.get(reverse("staff:home")))
    assert "Reportar el avance del hito 6" in home
    assert "Personas del registro" in home
    record_progress(tracked, day=today, percent=Decimal(10), by=people["coordinator"])
    assert "Reportar el avance del hito 6" not in _text(client.get(reverse("staff:home")))


def test_a_liaison_imports_a_progress_sheet_and_it_waits(client, people, milestone):
    client.force_login(people["liaison"])
    url = reverse("staff:sheet_import", args=[milestone.pk, "avance"])
    assert client.get(url).status_code == 200
    hub = _text(client.get(reverse("staff:milestone", args=[milestone.pk])))
    assert "Importar avances desde una hoja de cálculo" in hub
    assert "Registrar la asistencia" not in hub
    client.force_login(people["coordinator"])
    assert client.get(url).status_code == 200
    outsider = UserFactory(
        username="otra",
        role=Role.LIAISON,
        commitment=milestone.commitment,
        organization=Organization.objects.get(acronym="MINECO"),
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 403  # MINECO answers for no activity of milestone 1
