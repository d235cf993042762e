"""OGP's vocabulary on the commitment page (issue #15): the commitment's OGP id, values, policy
areas, problem, status quo and what it does, and the IRM's assessment, in Spanish and English."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from cocrea.audit.context import acting_as
from cocrea.audit.models import AuditEntry
from cocrea.plans.models import ActionPlan, Commitment, IrmAssessment, OgpValue

pytestmark = pytest.mark.django_db


def test_the_commitment_page_shows_what_ogp_records(client, milestone):
    commitment = milestone.commitment
    commitment.ogp_id = "GT0095"
    commitment.problem = "La gestión pública no innova con la ciudadanía."
    commitment.status_quo = "No hay estrategia nacional de innovación."
    commitment.description = "Co-crear la estrategia e implementar su primera fase."
    commitment.ogp_values = [OgpValue.CIVIC_PARTICIPATION, OgpValue.TECHNOLOGY, "unknown"]
    commitment.policy_areas = ["Innovación pública", "Servicio civil"]
    commitment.save()
    page = client.get(commitment.get_absolute_url()).content.decode()
    for text in (
        "GT0095",
        "La gestión pública no innova con la ciudadanía.",
        "No hay estrategia nacional de innovación.",
        "Participación cívica, Tecnología e innovación",
        "Innovación pública, Servicio civil",
    ):
        assert text in page
    assert "unknown" not in page  # a value OGP does not have is not shown
    assert "Mecanismo de Revisión Independiente" not in page  # no assessment yet


def test_the_irm_assessment_is_public_and_attributed(client, milestone, staff):
    commitment = milestone.commitment
    with acting_as(staff, "irm"):
        IrmAssessment.objects.create(
            commitment=commitment,
            verifiable=True,
            relevant_values=[OgpValue.CIVIC_PARTICIPATION],
            potential_impact=IrmAssessment.Impact.MODERATE,
            completion=IrmAssessment.Completion.SUBSTANTIAL,
            opened_government=IrmAssessment.Opening.MARGINAL,
            starred=True,
            early_results="Se aprobó el marco conceptual.",
            assessed_by=staff,
            assessed_at=timezone.now(),
        )
    page = client.get(commitment.get_absolute_url()).content.decode()
    for text in (
        "Compromiso estelar",
        "Moderado",
        "Sustancial",
        "Marginalmente",
        "Se aprobó el marco conceptual.",
    ):
        assert text in page
    assert staff.email not in page  # who entered it is in the history, not their address on the page
    entry = AuditEntry.objects.filter(content_type__model="irmassessment").get()
    assert entry.actor == staff
    client.cookies["django_language"] = "en"
    english = client.get(commitment.get_absolute_url()).content.decode()
    assert "Independent Reporting Mechanism" in english and "Substantial" in english


def test_the_demo_is_guatemalas_fourth_plan_with_commitment_gt0095(tmp_path, settings):
    call_command("load_demo", verbosity=0)
    plan = ActionPlan.objects.get()
    assert (plan.government, plan.number, plan.country) == ("Guatemala", 4, "GT")
    assert Commitment.objects.get().ogp_id == "GT0095"


def test_the_demo_shows_a_liaisons_report_waiting_for_validation(client):
    """With the sample execution, a sample liaison (no usable password) has one report of
    milestone 3 waiting: the queue shows it to an administrator; the public does not see it."""
    from cocrea.plans.models import ProgressEntry, Review

    call_command("load_demo", "--sample-execution", verbosity=0)
    waiting = ProgressEntry.objects.get(review=Review.PENDING)
    assert waiting.milestone.number == "3"
    assert waiting.recorded_by.email == "enlace.inap@ejemplo.org"
    assert not waiting.recorded_by.has_usable_password()
    assert "Datos de ejemplo" in waiting.note
    assert (
        "cuatro sesiones del laboratorio"
        not in client.get(waiting.milestone.get_absolute_url()).content.decode()
    )
    reports = ProgressEntry.objects.filter(milestone=waiting.milestone).count()
    call_command("load_demo", "--sample-execution", "--force", verbosity=0)  # again: nothing twice
    assert ProgressEntry.objects.filter(milestone=waiting.milestone).count() == reports


def test_the_demos_registry_holds_each_organisation_once():
    """The sample people's organisations are found by acronym or by name: Guatecívica, which the
    plan names without an acronym, is not registered a second time (a staff list offered both)."""
    from django.db.models import Count
    from django.db.models.functions import Lower

    from cocrea.plans.models import Organization

    call_command("load_demo", "--sample-execution", "--sample-cocreation", verbosity=0)
    twice = Organization.objects.values(lowered=Lower("name")).annotate(n=Count("pk")).filter(n__gt=1)
    assert not list(twice)
    assert Organization.objects.get(name="Guatecívica").kind == "civil_society"


def test_the_commitment_page_groups_its_supporting_actors_by_sector(client, milestone):
    """OGP's supporting actors: government, civil society, the private sector, multilaterals."""
    import re

    from cocrea.plans.models import CommitmentEntity, Organization

    commitment = milestone.commitment
    commitment.entities.filter(role=CommitmentEntity.Role.OTHER_ACTOR).delete()
    for position, (name, kind) in enumerate(
        [
            ("Banco Interamericano de Desarrollo", "international"),
            ("Guatecívica", "civil_society"),
            ("Ministerio de Economía", "government"),
            ("Cámara de Industria", "private_sector"),
        ]
    ):
        CommitmentEntity.objects.create(
            commitment=commitment,
            organization=Organization.objects.create(name=name, kind=kind),
            role=CommitmentEntity.Role.OTHER_ACTOR,
            position=position,
        )
    page = client.get(commitment.get_absolute_url()).content.decode()
    sectors = re.findall(r'<h3 class="actor-sector">([^<]+)</h3>', page)
    assert sectors == ["Gobierno", "Sociedad civil", "Sector privado", "Cooperación internacional"]
    section = page[page.index('id="actors-heading"') :]
    assert section.index("Ministerio de Economía") < section.index("Cámara de Industria")
    assert section.index('class="actor-sector">Sociedad civil') < section.rindex("Guatecívica")
