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


# -- A commitment's institutions from the registry: responsible and supporting actors ---------------


def commitment_data(commitment, **extra):  # type: ignore[no-untyped-def]
    return {
        "number": commitment.number,
        "title": commitment.title,
        "edit_version": str(commitment.edit_version),
        "period_start": "",
        "period_end": "",
        **extra,
    }


def test_the_plans_administrator_names_a_commitments_institutions_from_the_registry(
    admin_client, client, milestone
):
    from cocrea.core.provenance import Origin
    from cocrea.plans.models import CommitmentEntity

    commitment = milestone.commitment
    page = f"/gestion/compromisos/{commitment.pk}/"
    imported = {e.organization_id: e.role for e in commitment.entities.all()}
    form = admin_client.get(page).content.decode()
    assert 'name="responsible_organizations"' in form and 'name="supporting_organizations"' in form
    ciudadana = Organization.objects.create(
        name="Colectivo Ejemplo Cívico", acronym="CEC", kind="civil_society"
    )
    bid = Organization.objects.create(
        name="Agencia Ejemplo de Cooperación", acronym="AEC", kind="international"
    )
    responsible = [pk for pk, role in imported.items() if role == "responsible"]
    supporting = [pk for pk, role in imported.items() if role == "other_actor"]
    data = commitment_data(
        commitment,
        responsible_organizations=[str(pk) for pk in responsible],
        supporting_organizations=[str(pk) for pk in supporting[1:]] + [str(ciudadana.pk), str(bid.pk)],
    )
    assert admin_client.post(page, data).status_code == 302
    now = {e.organization_id: e for e in CommitmentEntity.objects.filter(commitment=commitment)}
    assert now[ciudadana.pk].role == now[bid.pk].role == "other_actor"
    assert now[ciudadana.pk].origin == Origin.STAFF
    assert supporting[0] not in now  # taken off the list
    assert all(now[pk].role == "responsible" and now[pk].origin == Origin.DOCUMENT for pk in responsible)
    by_them = AuditEntry.objects.filter(
        content_type__model="commitmententity", actor__email="poc@gobiernoabierto.gob.gt"
    )
    assert by_them.filter(action="create").count() == 2 and by_them.filter(action="delete").count() == 1
    public = client.get(commitment.get_absolute_url()).content.decode()
    assert "Colectivo Ejemplo Cívico" in public and "Agencia Ejemplo de Cooperación" in public
    assert public.index("Colectivo Ejemplo Cívico") < public.index(
        "Agencia Ejemplo de Cooperación"
    )  # by sector


def test_a_reimport_keeps_the_institutions_staff_named(admin_client, milestone, seed_bytes):
    from cocrea.plans import services
    from cocrea.plans.models import CommitmentEntity

    commitment = milestone.commitment
    page = f"/gestion/compromisos/{commitment.pk}/"
    ciudadana = Organization.objects.create(
        name="Colectivo Ejemplo Cívico", acronym="CEC", kind="civil_society"
    )
    keep = list(commitment.entities.all())
    data = commitment_data(
        commitment,
        responsible_organizations=[str(e.organization_id) for e in keep if e.role == "responsible"],
        supporting_organizations=[str(e.organization_id) for e in keep if e.role == "other_actor"]
        + [str(ciudadana.pk)],
    )
    assert admin_client.post(page, data).status_code == 302
    services.import_plan(seed_bytes, filename="again.txt")
    assert CommitmentEntity.objects.filter(commitment=commitment, organization=ciudadana).exists()
    assert CommitmentEntity.objects.filter(commitment=commitment).count() == len(keep) + 1


def test_an_institution_is_responsible_or_supporting_not_both(admin_client, milestone):
    commitment = milestone.commitment
    inap = commitment.entities.filter(role="responsible").first().organization
    data = commitment_data(
        commitment,
        responsible_organizations=[str(inap.pk)],
        supporting_organizations=[str(inap.pk)],
    )
    response = admin_client.post(f"/gestion/compromisos/{commitment.pk}/", data)
    assert response.status_code == 400
    assert "no las dos cosas" in response.content.decode() and inap.name in response.content.decode()


def test_a_coordinator_names_supporting_actors_but_not_who_is_responsible(client, milestone):
    from cocrea.accounts.models import Role
    from cocrea.plans.models import CommitmentEntity
    from tests.factories import UserFactory

    commitment = milestone.commitment
    client.force_login(UserFactory(role=Role.COORDINATOR, commitment=commitment))
    page = f"/gestion/compromisos/{commitment.pk}/"
    form = client.get(page).content.decode()
    assert 'name="supporting_organizations"' in form and 'name="responsible_organizations"' not in form
    responsible = set(
        CommitmentEntity.objects.filter(commitment=commitment, role="responsible").values_list(
            "organization_id", flat=True
        )
    )
    other = Organization.objects.create(name="Otra institución", kind="government")
    data = commitment_data(
        commitment,
        responsible_organizations=[str(other.pk)],  # not offered: ignored
        supporting_organizations=[str(other.pk)],
    )
    assert client.post(page, data).status_code == 302
    assert (
        set(
            CommitmentEntity.objects.filter(commitment=commitment, role="responsible").values_list(
                "organization_id", flat=True
            )
        )
        == responsible
    )
    assert CommitmentEntity.objects.filter(
        commitment=commitment, role="other_actor", organization=other
    ).exists()


def test_the_service_refuses_responsible_institutions_to_others(milestone):
    from django.core.exceptions import PermissionDenied

    from cocrea.accounts.models import Role
    from cocrea.plans import structure
    from tests.factories import UserFactory

    commitment = milestone.commitment
    coordinator = UserFactory(role=Role.COORDINATOR, commitment=commitment)
    other = Organization.objects.create(name="Otra institución", kind="government")
    with pytest.raises(PermissionDenied):
        structure.edit(
            commitment,
            {},
            expected_version=commitment.edit_version,
            by=coordinator,
            entities={"responsible": [other]},
        )


def test_the_institutions_are_checkboxes_by_sector_read_when_the_form_is_shown(admin_client, milestone):
    """An institution registered a moment ago is offered; each sector is a group, in OGP's order."""
    new = Organization.objects.create(name="Colectivo Recién Registrado", acronym="CRR", kind="academia")
    page = admin_client.get(f"/gestion/compromisos/{milestone.commitment.pk}/").content.decode()
    start = page.index("<legend>Actores de apoyo")
    form = page[start : page.index("</fieldset>", start)]
    assert f'type="checkbox" name="supporting_organizations" value="{new.pk}"' in form
    assert form.index("Gobierno") < form.index("Sociedad civil") < form.index("Academia")
    assert 'name="responsible_organizations" value=' in page
