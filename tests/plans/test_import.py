"""The plan importer service: the real seed, idempotence, updates in place, all-or-nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cocrea.budget.models import BudgetLine
from cocrea.computations.planparse import PlanParseError
from cocrea.participation.models import Meeting
from cocrea.plans import services
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    Commitment,
    CommitmentEntity,
    Indicator,
    Milestone,
    Objective,
    Organization,
    PlanDocument,
    Strategy,
)

pytestmark = pytest.mark.django_db

ALL_MODELS = (
    ActionPlan,
    Commitment,
    CommitmentEntity,
    Milestone,
    Objective,
    Indicator,
    Activity,
    Strategy,
    BudgetLine,
    Meeting,
    Organization,
    PlanDocument,
)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


def test_seed_import_creates_the_whole_work_plan(imported_seed):
    milestone = imported_seed.milestone
    commitment = milestone.commitment
    assert commitment.number == "11"
    assert commitment.action_plan.name == "4º Plan de Acción Nacional de Gobierno Abierto 2018-2020"
    assert (commitment.action_plan.start_year, commitment.action_plan.end_year) == (2018, 2020)
    assert commitment.title == "Diseño e Implementación de una Estrategia de Innovación en la Gestión Pública"
    assert commitment.objective.startswith("Diseñar e implementar una estrategia")
    assert commitment.coordinator.acronym == "INAP"
    assert str(commitment.period_start) == "2018-11-01"
    assert str(commitment.period_end) == "2020-08-01"
    assert milestone.number == "1"
    assert milestone.title.startswith("Co-creación y aprobación del documento del marco conceptual")
    assert str(milestone.start_month) == "2019-04-01"
    assert str(milestone.end_month) == "2020-08-01"
    assert milestone.objectives.filter(kind="general").count() == 1
    assert list(milestone.objectives.filter(kind="specific").values_list("key", flat=True)) == list("ABCD")
    assert list(milestone.indicators.values_list("key", flat=True)) == list("ABCDE")
    assert milestone.activities.count() == 13
    assert milestone.strategies.count() == 5
    assert milestone.budget_lines.count() == 3
    assert milestone.budget_lines.total() == Decimal("570075.00")
    assert milestone.stated_budget_total == Decimal("570075.00")
    assert milestone.meetings.count() == 17
    assert milestone.document.content.count("\n") >= 100


def test_activities_merge_sections_iv_and_vi(milestone):
    activities = list(milestone.activities.all())
    assert [a.letter for a in activities] == list("ABCDEFGHIJKLM")
    assert [a.number for a in activities] == list(range(1, 14))
    eighth = activities[7]
    # Row 08 is split over two lines in section VI; section IV has the whole title.
    assert eighth.title == (
        "Redacción del Borrador 3 de la Estrategia Nacional de Innovación en la Gestión Pública."
    )
    assert str(eighth.planned_start) == "2019-11-01"
    twelfth = activities[11]
    assert twelfth.date_text == "Marzo 2019- Julio 2020"
    assert (str(twelfth.planned_start), str(twelfth.planned_end)) == ("2019-03-01", "2020-07-01")
    assert twelfth.source_line == 70
    assert {o.acronym for o in twelfth.responsible.all()} == {"INAP", "GPAT"}


def test_budget_lines_keep_their_arithmetic(milestone):
    advisors, rooms, paper = milestone.budget_lines.all()
    assert (advisors.quantity, advisors.unit_cost, advisors.periods) == (2, Decimal("16000.00"), 17)
    assert advisors.period_kind == "months"
    assert advisors.computed_cost == advisors.stated_cost == Decimal("544000.00")
    assert (rooms.quantity, rooms.periods, rooms.period_kind) == (15, 17, "occasions")
    assert rooms.stated_cost == Decimal("16575.00")
    assert paper.stated_cost == Decimal("9500.00")
    assert paper.computed_cost is None


def test_meetings_initial_working_final(milestone):
    kinds = list(milestone.meetings.values_list("kind", flat=True))
    assert kinds == ["initial"] + ["working"] * 15 + ["final"]
    numbers = list(milestone.meetings.filter(kind="working").values_list("number", flat=True))
    assert numbers == list(range(1, 16))
    first, last = milestone.meetings.first(), milestone.meetings.last()
    assert str(first.planned_month) == "2019-04-01"
    assert str(last.planned_month) == "2020-08-01"


def test_organisations_of_the_seed_exist_once(imported_seed):
    acronyms = set(Organization.objects.exclude(acronym="").values_list("acronym", flat=True))
    assert {"INAP", "GPAT", "ONSEC", "SENACYT", "MINECO", "CEPAL", "BID", "OCDE", "UNESCO", "PoC"} <= acronyms
    assert Organization.objects.filter(name="Guatecívica").count() == 1
    assert Organization.objects.get(acronym="CEPAL").kind == "international"
    assert Organization.objects.get(acronym="GPAT").name == (
        "Comisión Presidencial de Gestión Pública Abierta y Transparencia"
    )


def test_responsible_entities_per_milestone(milestone):
    entities = {
        e.organization.acronym: e.milestone_numbers
        for e in milestone.commitment.entities.filter(role="responsible").select_related("organization")
    }
    assert entities == {"INAP": [1, 2, 3, 4, 5], "GPAT": [1, 2, 4], "ONSEC": [5, 6, 7, 8]}
    others = set(
        milestone.commitment.entities.filter(role="other_actor").values_list("organization__name", flat=True)
    )
    assert "Guatecívica" in others
    assert "Secretaría Nacional de Ciencia y Tecnología" in others


def test_strategy_partners(milestone):
    partners = {s.key: sorted(o.acronym for o in s.partners.all()) for s in milestone.strategies.all()}
    assert partners["A"] == ["INAP", "MINECO"]
    assert partners["B"] == ["BID", "CEPAL", "OCDE"]
    assert partners["D"] == ["SENACYT"]
    assert partners["E"] == ["PoC"]


def test_importing_twice_updates_in_place(imported_seed, seed_bytes):
    before = row_counts()
    pks = list(Activity.objects.order_by("pk").values_list("pk", flat=True))
    again = services.import_plan(seed_bytes, filename="again.txt")
    assert row_counts() == before
    assert list(Activity.objects.order_by("pk").values_list("pk", flat=True)) == pks
    assert sum(again.created.values()) == 0
    assert sum(again.deleted.values()) == 0
    assert sum(again.updated.values()) == 0


def test_a_revised_plan_updates_changed_rows_and_removes_dropped_ones(imported_seed, seed_text):
    activity = Activity.objects.get(number=3)
    revised = seed_text.replace(
        "Análisis de los Estándares aplicables", "Análisis revisado de los Estándares aplicables"
    ).replace("Papel e impresos.\tQ.9,500.00", "Papel e impresos.\tQ.9,000.00")
    revised = revised.replace("Q.570,075.00", "Q.569,575.00")
    report = services.import_plan(revised.encode(), filename="revised.txt")
    activity.refresh_from_db()
    assert activity.title.startswith("Análisis revisado")
    assert report.updated["activity"] == 1
    assert BudgetLine.objects.get(number=3).stated_cost == Decimal("9000.00")
    assert Activity.objects.count() == 13

    lines = revised.split("\n")
    without_last_meeting = "\n".join(line for line in lines if not line.startswith("Reunión de Final"))
    report = services.import_plan(without_last_meeting.encode(), filename="shorter.txt")
    assert Meeting.objects.count() == 17, "a dropped item stays until the removal is confirmed"
    assert [r.identifier for r in report.pending] == ["final"]
    report = services.import_plan(without_last_meeting.encode(), filename="shorter.txt", allow_removals=True)
    assert Meeting.objects.count() == 16
    assert report.deleted["meeting"] == 1


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\n", bytes(range(256)) * 4, b"Hola, esto no es un plan.\n"],
    ids=["empty", "blank", "binary", "not-a-plan"],
)
def test_bad_input_is_refused_and_writes_nothing(data):
    with pytest.raises(PlanParseError) as raised:
        services.import_plan(data, filename="bad.txt")
    assert raised.value.line >= 0
    assert raised.value.message
    assert all(count == 0 for count in row_counts().values())


def test_a_cut_plan_is_refused_and_leaves_the_database_as_it_was(imported_seed, seed_text):
    before = row_counts()
    cut = "\n".join(seed_text.split("\n")[:75])
    with pytest.raises(PlanParseError) as raised:
        services.import_plan(cut.encode(), filename="cut.txt")
    assert raised.value.code == "truncated"
    assert raised.value.line == 75
    assert row_counts() == before


def test_import_is_all_or_nothing(db, seed_bytes, monkeypatch):
    from cocrea.plans.importer import sync

    write = sync.Importer._apply

    def explode(self, spec, parent, plans):  # the meetings, the last kind written
        if spec.kind == "meeting":
            raise RuntimeError("disk full")
        write(self, spec, parent, plans)

    monkeypatch.setattr(sync.Importer, "_apply", explode)
    with pytest.raises(RuntimeError):
        services.import_plan(seed_bytes, filename="seed.txt")
    assert all(count == 0 for count in row_counts().values())


def test_existing_organisations_are_reused_not_duplicated(db, seed_bytes):
    Organization.objects.create(
        name="Instituto Nacional de Administracion Publica", acronym="INAP", kind="government"
    )
    services.import_plan(seed_bytes, filename="seed.txt")
    assert Organization.objects.filter(acronym="INAP").count() == 1
    assert Commitment.objects.get().coordinator.acronym == "INAP"
