"""The plan's structure written by hand (issue #15): action plans, commitments with OGP's fields,
milestones tracked directly and the IRM's assessment, on staff screens: created, edited (a stale
form refused), audited, refused to those without the rule."""

from __future__ import annotations

import pytest

from cocrea.audit.models import AuditEntry
from cocrea.plans.models import ActionPlan, Commitment, IrmAssessment, Milestone, Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    from tests.conftest import make_staff

    user = make_staff(django_user_model, email="poc@gobiernoabierto.gob.gt")
    client.force_login(user)
    return client


def test_an_administrator_builds_a_plan_by_hand(admin_client):
    response = admin_client.post(
        "/gestion/planes/nuevo/",
        {
            "name": "5º Plan de Acción Nacional",
            "government": "Guatemala",
            "country": "GT",
            "number": "5",
            "start_year": "2021",
            "end_year": "2023",
            "edit_version": "0",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(number=5)
    assert plan.slug == "5o-plan-de-accion-nacional" and not plan.is_published
    response = admin_client.post(
        f"/gestion/planes/{plan.pk}/compromisos/nuevo/",
        {
            "number": "3",
            "ogp_id": "GT0123",
            "title": "Datos abiertos",
            "problem": "Datos dispersos",
            "ogp_values": ["access_to_information", "technology"],
            "policy_areas": "Datos abiertos, Gobierno digital",
            "period_start": "2021-10-01",
            "period_end": "2023-08-31",
            "edit_version": "0",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(ogp_id="GT0123")
    assert commitment.ogp_values == ["access_to_information", "technology"]
    assert commitment.policy_areas == ["Datos abiertos", "Gobierno digital"]
    minfin = Organization.objects.create(name="Ministerio de Finanzas Públicas", acronym="MINFIN")
    response = admin_client.post(
        f"/gestion/compromisos/{commitment.pk}/hitos/nuevo/",
        {
            "number": "1",
            "title": "Portal de datos abiertos",
            "deliverable": "Portal publicado",
            "starts_on": "2021-10-01",
            "ends_on": "2022-06-30",
            "weight": "2",
            "responsible": [minfin.pk],
            "edit_version": "0",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(commitment=commitment)
    assert list(milestone.responsible.all()) == [minfin] and milestone.weight == 2
    assert AuditEntry.objects.filter(content_type__model="milestone", action="create").exists()


def test_an_edit_keeps_what_someone_saved_since(admin_client, milestone):
    commitment = milestone.commitment
    page = f"/gestion/compromisos/{commitment.pk}/"
    assert commitment.title in admin_client.get(page).content.decode()
    data = {
        "number": commitment.number,
        "title": "Nuevo nombre",
        "edit_version": str(commitment.edit_version),
        "period_start": "",
        "period_end": "",
    }
    assert admin_client.post(page, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Nuevo nombre"
    stale = admin_client.post(page, {**data, "title": "Otro nombre"})  # the version it was opened at
    assert stale.status_code == 400
    commitment.refresh_from_db()
    assert commitment.title == "Nuevo nombre"


def test_dates_in_the_wrong_order_are_refused_with_a_message(admin_client, milestone):
    response = admin_client.post(
        f"/gestion/compromisos/{milestone.commitment.pk}/hitos/nuevo/",
        {
            "number": "9",
            "title": "Hito",
            "starts_on": "2020-06-01",
            "ends_on": "2020-01-01",
            "weight": "1",
            "edit_version": "0",
        },
    )
    assert response.status_code == 400
    assert "El fin no puede ser anterior al inicio." in response.content.decode()
    assert not Milestone.objects.filter(number="9").exists()


def test_the_irm_assessment_is_entered_and_shown(admin_client, client, milestone):
    commitment = milestone.commitment
    response = admin_client.post(
        f"/gestion/compromisos/{commitment.pk}/irm/",
        {
            "verifiable": "true",
            "relevant_values": ["civic_participation"],
            "potential_impact": "moderate",
            "completion": "substantial",
            "opened_government": "marginal",
            "starred": "on",
            "early_results": "Marco conceptual aprobado.",
            "report_url": "https://www.opengovpartnership.org/",
        },
    )
    assert response.status_code == 302
    assessment = IrmAssessment.objects.get(commitment=commitment)
    assert assessment.verifiable is True and assessment.assessed_by is not None and assessment.starred
    assert "Marco conceptual aprobado." in client.get(commitment.get_absolute_url()).content.decode()


def test_a_participant_cannot_open_the_structure_screens(client, django_user_model, milestone):
    user = django_user_model.objects.create_user("ana@example.org", "ana@example.org", "x" * 12)
    client.force_login(user)
    for url in ("/gestion/planes/", f"/gestion/compromisos/{milestone.commitment.pk}/irm/"):
        assert client.get(url).status_code == 403
    assert client.post("/gestion/planes/nuevo/", {"name": "X"}).status_code == 403
    assert not ActionPlan.objects.filter(name="X").exists()
