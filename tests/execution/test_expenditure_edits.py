"""Correcting and annulling a recorded expenditure on the staff screens, with a reason, audited.

An annulled expenditure is not deleted: it stays in the record (staff see it, marked, with who,
when and why; the history shows the annulment) and stops counting in the budget executed and in
earned value. The admin only reads expenditures.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cocrea.accounts.models import Role
from cocrea.audit.models import AuditEntry
from cocrea.budget.models import Expenditure
from cocrea.budget.services import annul_expenditure, edit_expenditure, record_expenditure
from cocrea.core.versioning import StaleEdit
from cocrea.plans import indicators
from cocrea.plans.models import Commitment, Milestone, Organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS_DAY = date(2019, 12, 31)


@pytest.fixture
def line(milestone):
    return milestone.budget_lines.get(number=1)


@pytest.fixture
def expense(line, staff):
    return record_expenditure(
        line,
        day=date(2019, 4, 30),
        amount=Decimal("32000.00"),
        description="Asesores, abril",
        reference="CUR-1",
        by=staff,
    )


@pytest.fixture
def coordinator(milestone):
    """The coordinator of the milestone's commitment (coordinators are assigned by commitment)."""
    return UserFactory(
        username="coordina",
        email="coordina@inap.gob.gt",
        role=Role.COORDINATOR,
        commitment=milestone.commitment,
    )


@pytest.fixture
def other_coordinator(milestone):
    """The coordinator of another commitment's milestone."""
    commitment = Commitment.objects.create(
        action_plan=milestone.commitment.action_plan, number="12", title="Otro compromiso"
    )
    Milestone.objects.create(commitment=commitment, number="1", title="Hito de otro compromiso")
    return UserFactory(
        username="otro", email="otro@onsec.gob.gt", role=Role.COORDINATOR, commitment=commitment
    )


@pytest.fixture
def editor(milestone):
    inap = Organization.objects.get(acronym="INAP")
    return UserFactory(username="edita", email="edita@inap.gob.gt", role=Role.EDITOR, organization=inap)


@pytest.fixture
def citizen(db):
    return UserFactory(username="ciudadana", email="ciudadana@example.org")


def _edit_data(expense, **changes):
    data = {
        "day": expense.day.isoformat(),
        "amount": str(expense.amount),
        "description": expense.description,
        "reference": expense.reference,
        "reason": "",
        "edit_version": str(expense.edit_version),
    }
    data.update(changes)
    return data


def _spent(milestone, line):
    rows = indicators.budget_rows(milestone, None, STATUS_DAY)
    return next(row["spent"] for row in rows if row["line"].pk == line.pk)


def _actual_cost(milestone):
    return indicators.figures([milestone], STATUS_DAY)[0].earned_value.ac


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# --- Correcting ----------------------------------------------------------------------------------


def test_a_correction_is_saved_with_its_reason_and_audited(client, coordinator, expense, line):
    client.force_login(coordinator)
    url = reverse("staff:edit_expenditure", args=[expense.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="32000.00"' in page.content.decode()
    response = client.post(
        url, _edit_data(expense, amount="30000.00", reason="El CUR-1 es por Q 30,000.00, no por Q 32,000.00.")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:record_expenditure", args=[line.pk])
    expense.refresh_from_db()
    assert expense.amount == Decimal("30000.00")
    assert expense.correction_reason == "El CUR-1 es por Q 30,000.00, no por Q 32,000.00."
    assert expense.edit_version == 2
    entry = AuditEntry.objects.for_object(expense).first()
    assert entry.action == "update" and entry.actor == coordinator and entry.source == "web"
    assert entry.changes["amount"] == ["32000.00", "30000.00"]
    assert entry.changes["correction_reason"] == ["", "El CUR-1 es por Q 30,000.00, no por Q 32,000.00."]
    listing = _text(client.get(response["Location"]))
    assert "Corregido. Motivo: El CUR-1 es por Q 30,000.00" in listing


def test_the_same_reason_given_twice_is_in_each_entry(expense, staff):
    for amount in ("31000.00", "30000.00"):
        current = Expenditure.objects.get(pk=expense.pk)
        edit_expenditure(
            current,
            expected_version=current.edit_version,
            day=current.day,
            amount=Decimal(amount),
            description=current.description,
            reference=current.reference,
            reason="Error de digitación",
            by=staff,
        )
    first, second = AuditEntry.objects.for_object(expense).filter(action="update").order_by("pk")
    assert first.changes["correction_reason"][1] == "Error de digitación"
    assert second.changes["correction_reason"][1] == "Error de digitación"
    assert second.changes["amount"] == ["31000.00", "30000.00"]
    assert Expenditure.objects.get(pk=expense.pk).correction_reason == "Error de digitación"


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_correction_without_a_reason_is_refused_and_nothing_saved(client, coordinator, expense, reason):
    client.force_login(coordinator)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("staff:edit_expenditure", args=[expense.pk]),
        _edit_data(expense, amount="1.00", reason=reason),
    )
    assert response.status_code == 400
    assert "Motivo de la corrección" in response.content.decode()
    expense.refresh_from_db()
    assert expense.amount == Decimal("32000.00") and expense.edit_version == 1
    assert AuditEntry.objects.count() == before


def test_the_service_refuses_a_blank_reason(expense, staff):
    with pytest.raises(ValidationError) as refused:
        edit_expenditure(
            expense,
            expected_version=1,
            day=expense.day,
            amount=Decimal("1.00"),
            description="x",
            reason="  ",
            by=staff,
        )
    assert "reason" in refused.value.error_dict
    assert Expenditure.objects.get(pk=expense.pk).amount == Decimal("32000.00")


def test_bad_values_are_refused_with_the_form_kept(client, coordinator, expense):
    client.force_login(coordinator)
    response = client.post(
        reverse("staff:edit_expenditure", args=[expense.pk]),
        _edit_data(expense, amount="-5", description="", reason="Corrijo"),
    )
    assert response.status_code == 400
    assert "Corrijo" in response.content.decode()
    assert Expenditure.objects.get(pk=expense.pk).amount == Decimal("32000.00")


def test_a_stale_correction_is_refused_and_the_other_change_kept(client, coordinator, expense, staff):
    client.force_login(coordinator)
    url = reverse("staff:edit_expenditure", args=[expense.pk])
    version = re.search(r'name="edit_version" value="(\d+)"', client.get(url).content.decode()).group(1)
    edit_expenditure(
        expense,
        expected_version=1,
        day=expense.day,
        amount=Decimal("31000.00"),
        description="Asesores, abril (corregido por otra persona)",
        reason="Otra persona corrige",
        by=staff,
    )
    response = client.post(
        url, _edit_data(expense, amount="30000.00", reason="Mi corrección", edit_version=version)
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Otra persona guardó" in page
    assert "Mi corrección" in page  # the person's input is kept
    current = Expenditure.objects.get(pk=expense.pk)
    assert current.amount == Decimal("31000.00") and current.correction_reason == "Otra persona corrige"
    with pytest.raises(StaleEdit):
        edit_expenditure(
            expense,
            expected_version=1,
            day=expense.day,
            amount=Decimal("1.00"),
            description="x",
            reason="y",
            by=staff,
        )


# --- Annulling -----------------------------------------------------------------------------------


def test_annulling_asks_first_on_its_own_page_then_annuls(client, coordinator, expense, line):
    client.force_login(coordinator)
    url = reverse("staff:annul_expenditure", args=[expense.pk])
    assert client.get(url).status_code == 200
    asked = client.post(url, {"reason": "Pago duplicado del CUR-1.", "edit_version": "1"})
    assert asked.status_code == 200
    text = _text(asked)
    assert "¿Anular el gasto del 30/04/2019" in text
    assert "deja de contar en el presupuesto ejecutado" in text
    assert "Pago duplicado del CUR-1." in text
    assert 'name="confirm" value="1"' in asked.content.decode()
    assert Expenditure.objects.get(pk=expense.pk).annulled_at is None  # asking writes nothing

    done = client.post(url, {"reason": "Pago duplicado del CUR-1.", "edit_version": "1", "confirm": "1"})
    assert done.status_code == 302
    expense.refresh_from_db()
    assert expense.is_annulled and expense.annulled_by == coordinator
    assert expense.annulment_reason == "Pago duplicado del CUR-1."
    entry = AuditEntry.objects.for_object(expense).first()
    assert entry.action == "update" and entry.actor == coordinator
    assert entry.changes["annulment_reason"] == ["", "Pago duplicado del CUR-1."]
    assert Expenditure.objects.filter(pk=expense.pk).exists()  # annulled, not deleted


def test_annulling_without_a_reason_is_refused(client, coordinator, expense):
    client.force_login(coordinator)
    url = reverse("staff:annul_expenditure", args=[expense.pk])
    response = client.post(url, {"reason": " ", "edit_version": "1", "confirm": "1"})
    assert response.status_code == 400
    assert not Expenditure.objects.get(pk=expense.pk).is_annulled
    with pytest.raises(ValidationError):
        annul_expenditure(expense, expected_version=1, reason="", by=coordinator)
    assert not Expenditure.objects.get(pk=expense.pk).is_annulled


def test_an_annulment_from_a_stale_page_is_refused(client, coordinator, expense, staff):
    client.force_login(coordinator)
    url = reverse("staff:annul_expenditure", args=[expense.pk])
    client.post(url, {"reason": "Duplicado", "edit_version": "1"})  # the confirmation page, on version 1
    edit_expenditure(
        expense,
        expected_version=1,
        day=expense.day,
        amount=Decimal("31000.00"),
        description=expense.description,
        reason="Otra persona corrige",
        by=staff,
    )
    response = client.post(url, {"reason": "Duplicado", "edit_version": "1", "confirm": "1"})
    assert response.status_code == 409
    assert "Otra persona guardó" in response.content.decode()
    assert not Expenditure.objects.get(pk=expense.pk).is_annulled


def test_an_annulled_expenditure_leaves_the_figures_but_stays_in_the_record(
    client, milestone, line, expense, staff
):
    duplicate = record_expenditure(
        line, day=date(2019, 5, 31), amount=Decimal("5000.00"), description="Pago repetido", by=staff
    )
    assert line.expenditures.total() == Decimal("37000.00")
    assert _spent(milestone, line) == Decimal("37000.00")
    cost_before = _actual_cost(milestone)

    annul_expenditure(duplicate, expected_version=1, reason="Pago repetido por error", by=staff)

    assert line.expenditures.total() == Decimal("32000.00")
    assert _spent(milestone, line) == Decimal("32000.00")  # budget executed
    assert _actual_cost(milestone) == cost_before - Decimal("5000.00")  # earned value's actual cost
    history = indicators.figures([milestone], STATUS_DAY, history=True)[0].calculator
    assert sum(e.amount for e in history.inputs.expenses) == Decimal("32000.00")

    client.force_login(staff)
    listing = _text(client.get(reverse("staff:record_expenditure", args=[line.pk])))
    assert "Pago repetido" in listing and "Anulado" in listing
    assert "Motivo: Pago repetido por error" in listing
    assert "Ejecutado en esta línea: Q 32,000.00" in listing
    client.logout()
    public_history = _text(client.get(milestone.get_history_url()))
    assert "Motivo de la anulación" in public_history
    assert "Pago repetido por error" in public_history


def test_an_annulled_expenditure_is_neither_corrected_nor_annulled_again(client, coordinator, expense):
    annul_expenditure(expense, expected_version=1, reason="Duplicado", by=coordinator)
    expense.refresh_from_db()
    with pytest.raises(ValidationError):
        edit_expenditure(
            expense,
            expected_version=2,
            day=expense.day,
            amount=Decimal("1.00"),
            description="x",
            reason="y",
            by=coordinator,
        )
    with pytest.raises(ValidationError):
        annul_expenditure(expense, expected_version=2, reason="Otra vez", by=coordinator)
    client.force_login(coordinator)
    for name in ("staff:edit_expenditure", "staff:annul_expenditure"):
        response = client.post(reverse(name, args=[expense.pk]), _edit_data(expense, reason="x", confirm="1"))
        assert response.status_code == 302
    listing = _text(client.get(reverse("staff:record_expenditure", args=[expense.budget_line_id])))
    assert "Corregir el gasto" not in listing and "Anular el gasto" not in listing
    assert Expenditure.objects.get(pk=expense.pk).annulment_reason == "Duplicado"


# --- Who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "edit", "annul"),
    [
        ("coordinator", 302, 302),  # of the milestone
        ("editor", 302, 403),  # an editor of a responsible organisation corrects, does not annul
        ("other_coordinator", 403, 403),  # of another milestone
        ("citizen", 403, 403),
    ],
)
def test_who_may_correct_and_annul(request, client, expense, actor, edit, annul):
    user = request.getfixturevalue(actor)
    client.force_login(user)
    edit_url = reverse("staff:edit_expenditure", args=[expense.pk])
    annul_url = reverse("staff:annul_expenditure", args=[expense.pk])
    assert client.get(edit_url).status_code == (200 if edit == 302 else 403)
    assert client.get(annul_url).status_code == (200 if annul == 302 else 403)
    response = client.post(edit_url, _edit_data(expense, amount="31000.00", reason="Corrección"))
    assert response.status_code == edit
    assert (Expenditure.objects.get(pk=expense.pk).amount == Decimal("31000.00")) == (edit == 302)
    version = str(Expenditure.objects.get(pk=expense.pk).edit_version)
    response = client.post(annul_url, {"reason": "Anulación", "edit_version": version, "confirm": "1"})
    assert response.status_code == annul
    assert Expenditure.objects.get(pk=expense.pk).is_annulled == (annul == 302)


def test_the_services_ask_the_rules(expense, other_coordinator, editor):
    with pytest.raises(PermissionDenied):
        edit_expenditure(
            expense,
            expected_version=1,
            day=expense.day,
            amount=Decimal("1.00"),
            description="x",
            reason="y",
            by=other_coordinator,
        )
    with pytest.raises(PermissionDenied):
        annul_expenditure(expense, expected_version=1, reason="y", by=editor)
    assert Expenditure.objects.get(pk=expense.pk).edit_version == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, expense):
    for name in ("staff:edit_expenditure", "staff:annul_expenditure"):
        response = client.post(reverse(name, args=[expense.pk]), {"reason": "x", "confirm": "1"})
        assert response.status_code == 302 and "login" in response["Location"]
    assert not Expenditure.objects.get(pk=expense.pk).is_annulled


def test_the_line_page_lists_corrections_in_bounded_queries(
    client, staff, line, expense, django_assert_max_num_queries
):
    for index in range(12):
        made = record_expenditure(
            line,
            day=date(2019, 5, 1 + index),
            amount=Decimal(100 + index),
            description=f"Pago {index}",
            by=staff,
        )
        if index % 3 == 0:
            annul_expenditure(made, expected_version=1, reason=f"Anulado {index}", by=staff)
    client.force_login(staff)
    url = reverse("staff:record_expenditure", args=[line.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.content.decode().count("Anulado ") >= 4


# --- The admin only reads ------------------------------------------------------------------------


def test_the_admin_only_reads_expenditures(staff_client, expense):
    change = reverse("admin:budget_expenditure_change", args=[expense.pk])
    page = staff_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = staff_client.post(
        change,
        {"budget_line": expense.budget_line_id, "day": "2019-04-30", "amount": "1.00", "description": "x"},
    )
    assert response.status_code == 403
    assert staff_client.get(reverse("admin:budget_expenditure_add")).status_code == 403
    delete = staff_client.post(reverse("admin:budget_expenditure_delete", args=[expense.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Expenditure.objects.get(pk=expense.pk).amount == Decimal("32000.00")
