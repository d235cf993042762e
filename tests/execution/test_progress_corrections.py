"""Correcting and withdrawing a progress report on the staff screens, where the workflow allows it.

The rule (plans.execution.correction_refusal): only the latest report of an activity may change,
and not once a baseline was approved after it was recorded. A correction obeys the workflow as a
new report would; a withdrawal gives the activity back its previous report. Both need a reason,
which the audit trail carries; a withdrawn report stays in the history and on the staff screen.
The admin only reads progress reports, their evidence and baselines.
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
from cocrea.core.versioning import StaleEdit
from cocrea.plans import indicators
from cocrea.plans.execution import (
    approve_baseline,
    correct_progress,
    correction_refusal,
    record_progress,
    withdraw_progress,
)
from cocrea.plans.models import Commitment, Evidence, Milestone, Organization, ProgressEntry
from cocrea.plans.workflow import WorkflowError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATUS_DAY = date(2019, 12, 31)


@pytest.fixture
def activity(milestone):
    return milestone.activities.get(number=2)


@pytest.fixture
def first(activity, staff):
    return record_progress(activity, day=date(2019, 5, 10), percent=Decimal(30), by=staff)


@pytest.fixture
def latest(activity, first, staff):
    return record_progress(
        activity,
        day=date(2019, 5, 20),
        percent=Decimal(40),
        status="delayed",
        reason="Sin sala",
        note="Se movió el taller",
        evidence=[("Acta", "https://inap.gob.gt/acta")],
        by=staff,
    )


@pytest.fixture
def coordinator(milestone):
    return UserFactory(
        username="coordina",
        email="coordina@inap.gob.gt",
        role=Role.COORDINATOR,
        commitment=milestone.commitment,
    )


@pytest.fixture
def other_coordinator(milestone):
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


def _correction(entry, **changes):
    data = {
        "day": entry.day.isoformat(),
        "percent": str(entry.percent_complete),
        "status": entry.status,
        "actual_start": "",
        "actual_end": "",
        "reason": entry.reason,
        "note": entry.note,
        "correction_reason": "",
        "edit_version": str(entry.edit_version),
    }
    data.update(changes)
    return data


def _text(response):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _state(activity, day=STATUS_DAY):
    return ProgressEntry.objects.filter(activity=activity).latest_per_activity(day)[activity.pk]


# --- Correcting ----------------------------------------------------------------------------------


def test_the_latest_report_is_corrected_with_its_reason_and_audited(client, coordinator, activity, latest):
    client.force_login(coordinator)
    progress_page = _text(client.get(reverse("staff:record_progress", args=[activity.pk])))
    assert "Corregir este reporte" in progress_page and "Retirar este reporte" in progress_page
    assert "Solo se puede corregir o retirar el último reporte" in progress_page
    url = reverse("staff:edit_progress", args=[latest.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Solo se puede corregir o retirar el último reporte" in _text(page)
    response = client.post(
        url, _correction(latest, percent="45", correction_reason="El informe de mayo dice 45 %, no 40 %.")
    )
    assert response.status_code == 302
    latest.refresh_from_db()
    assert latest.percent_complete == Decimal(45) and latest.status == "delayed"
    assert latest.correction_reason == "El informe de mayo dice 45 %, no 40 %."
    assert latest.evidence.count() == 1  # the evidence stays
    entry = AuditEntry.objects.for_object(latest).first()
    assert entry.action == "update" and entry.actor == coordinator
    assert entry.changes["percent_complete"] == ["40.00", "45.00"]
    assert entry.changes["correction_reason"][1] == "El informe de mayo dice 45 %, no 40 %."
    assert _state(activity).percent_complete == Decimal(45)
    assert "Corregido. Motivo: El informe de mayo dice 45 %" in _text(client.get(response["Location"]))


@pytest.mark.parametrize("reason", ["", "  "])
def test_a_correction_without_a_reason_is_refused_and_nothing_saved(client, coordinator, latest, reason):
    client.force_login(coordinator)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("staff:edit_progress", args=[latest.pk]),
        _correction(latest, percent="45", correction_reason=reason),
    )
    assert response.status_code == 400
    assert "Motivo de la corrección" in response.content.decode()
    latest.refresh_from_db()
    assert latest.percent_complete == Decimal(40) and latest.edit_version == 1
    assert AuditEntry.objects.count() == before
    with pytest.raises(ValidationError):
        correct_progress(
            latest, expected_version=1, day=latest.day, percent=45, correction_reason=" ", by=coordinator
        )


def test_a_correction_obeys_the_workflow_against_the_report_before(client, coordinator, first, latest):
    client.force_login(coordinator)
    url = reverse("staff:edit_progress", args=[latest.pk])
    # back to «Planificada» after a report «En curso»: not a transition the workflow allows
    refused = client.post(
        url, _correction(latest, percent="0", status="planned", correction_reason="Sin avance")
    )
    assert refused.status_code == 400
    assert "no puede pasar" in refused.content.decode()
    # «Retrasada» without its reason
    refused = client.post(url, _correction(latest, reason="", correction_reason="Quito el motivo"))
    assert refused.status_code == 400
    assert "Indique el motivo" in refused.content.decode()
    # dated before the report it follows
    refused = client.post(url, _correction(latest, day="2019-05-01", correction_reason="Fecha"))
    assert refused.status_code == 400
    assert "no puede ser anterior a la del reporte que lo precede (10/05/2019)" in refused.content.decode()
    latest.refresh_from_db()
    assert (latest.day, latest.percent_complete, latest.status) == (date(2019, 5, 20), Decimal(40), "delayed")


def test_an_earlier_report_is_refused_with_the_reason_why(client, coordinator, first, latest):
    assert "20/05/2019" in correction_refusal(first)
    client.force_login(coordinator)
    for name in ("staff:edit_progress", "staff:withdraw_progress"):
        url = reverse(name, args=[first.pk])
        page = client.get(url)
        assert page.status_code == 200
        text = _text(page)
        assert (
            "Este reporte ya no se puede corregir ni retirar: el reporte del 20/05/2019 parte de él" in text
        )
        assert 'name="correction_reason"' not in page.content.decode()
        response = client.post(
            url, {**_correction(first, percent="35", correction_reason="x"), "reason": "x", "confirm": "1"}
        )
        assert response.status_code == 409
        assert "parte de él" in response.content.decode()
    first.refresh_from_db()
    assert first.percent_complete == Decimal(30)
    with pytest.raises(WorkflowError, match="parte de él"):
        correct_progress(
            first, expected_version=1, day=first.day, percent=35, correction_reason="x", by=coordinator
        )
    with pytest.raises(WorkflowError, match="parte de él"):
        withdraw_progress(first, expected_version=1, reason="x", by=coordinator)
    assert ProgressEntry.objects.filter(pk=first.pk).exists()


def test_a_baseline_approved_after_a_report_keeps_it(client, coordinator, milestone, latest, staff):
    approve_baseline(milestone, by=staff)
    refusal = correction_refusal(latest)
    assert refusal and "la línea base 1 se aprobó después de registrarlo" in refusal
    client.force_login(coordinator)
    page = _text(client.get(reverse("staff:record_progress", args=[latest.activity_id])))
    assert "Corregir este reporte" not in page
    response = client.post(
        reverse("staff:edit_progress", args=[latest.pk]),
        _correction(latest, percent="45", correction_reason="x"),
    )
    assert response.status_code == 409
    assert "línea base 1" in response.content.decode()
    assert ProgressEntry.objects.get(pk=latest.pk).percent_complete == Decimal(40)
    # a report recorded after the baseline may be corrected again
    newer = record_progress(latest.activity, day=date(2019, 6, 1), percent=Decimal(50), by=staff)
    assert correction_refusal(newer) is None


def test_a_stale_correction_is_refused_and_the_other_change_kept(client, coordinator, latest, staff):
    client.force_login(coordinator)
    url = reverse("staff:edit_progress", args=[latest.pk])
    version = re.search(r'name="edit_version" value="(\d+)"', client.get(url).content.decode()).group(1)
    correct_progress(
        latest,
        expected_version=1,
        day=latest.day,
        percent=Decimal(42),
        status="delayed",
        reason="Sin sala",
        correction_reason="Otra persona corrige",
        by=staff,
    )
    response = client.post(
        url, _correction(latest, percent="45", correction_reason="Mi corrección", edit_version=version)
    )
    assert response.status_code == 409
    assert "Otra persona guardó" in response.content.decode()
    assert "Mi corrección" in response.content.decode()
    assert ProgressEntry.objects.get(pk=latest.pk).percent_complete == Decimal(42)
    with pytest.raises(StaleEdit):
        correct_progress(
            latest, expected_version=1, day=latest.day, percent=45, correction_reason="x", by=staff
        )


# --- Withdrawing ---------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_gives_the_activity_its_previous_report(
    client, coordinator, milestone, activity, first, staff
):
    before = indicators.figures([milestone], STATUS_DAY)[0].earned_value
    latest = record_progress(
        activity,
        day=date(2019, 5, 20),
        percent=Decimal(60),
        evidence=[("Acta", "https://inap.gob.gt/acta")],
        by=staff,
    )
    assert indicators.figures([milestone], STATUS_DAY)[0].earned_value.ev != before.ev
    client.force_login(coordinator)
    url = reverse("staff:withdraw_progress", args=[latest.pk])
    assert client.get(url).status_code == 200
    asked = client.post(url, {"reason": "Se registró en la actividad equivocada.", "edit_version": "1"})
    assert asked.status_code == 200
    text = _text(asked)
    assert "¿Retirar el reporte del 20/05/2019 de la actividad 02?" in text
    assert "La actividad vuelve a su reporte anterior, del 10/05/2019: 30 %, «En curso»." in text
    assert "Su medio de verificación se retira con él." in text
    assert "Se registró en la actividad equivocada." in text
    assert ProgressEntry.objects.filter(pk=latest.pk).exists()  # asking writes nothing

    done = client.post(
        url, {"reason": "Se registró en la actividad equivocada.", "edit_version": "1", "confirm": "1"}
    )
    assert done.status_code == 302
    assert not ProgressEntry.objects.filter(pk=latest.pk).exists()
    assert not Evidence.objects.filter(entry_id=latest.pk).exists()
    assert _state(activity).pk == first.pk
    after = indicators.figures([milestone], STATUS_DAY)[0].earned_value
    assert (after.ev, after.executed_percent) == (before.ev, before.executed_percent)

    reason_entry, deletion = AuditEntry.objects.for_object(latest).order_by("-pk")[:2][::-1]
    assert reason_entry.changes["correction_reason"] == ["", "Se registró en la actividad equivocada."]
    assert deletion.action == "delete" and deletion.actor == coordinator
    assert deletion.changes["correction_reason"][0] == "Se registró en la actividad equivocada."
    assert deletion.changes["percent_complete"][0] == "60.00"

    page = _text(client.get(reverse("staff:record_progress", args=[activity.pk])))
    assert "Reportes retirados" in page
    assert "Reporte del 20 de mayo de 2019 (60 %, En curso), retirado el" in page
    assert "por coordina@inap.gob.gt. Motivo: Se registró en la actividad equivocada." in page
    assert "Corregir este reporte" in page  # the previous report is the latest again
    client.logout()
    public = _text(client.get(milestone.get_history_url()))
    assert "Se registró en la actividad equivocada." in public


def test_withdrawing_without_a_reason_is_refused(client, coordinator, latest):
    client.force_login(coordinator)
    response = client.post(
        reverse("staff:withdraw_progress", args=[latest.pk]),
        {"reason": "", "edit_version": "1", "confirm": "1"},
    )
    assert response.status_code == 400
    assert ProgressEntry.objects.filter(pk=latest.pk).exists()
    with pytest.raises(ValidationError):
        withdraw_progress(latest, expected_version=1, reason=" ", by=coordinator)
    assert ProgressEntry.objects.filter(pk=latest.pk).exists()


def test_a_withdrawal_from_a_stale_page_is_refused(client, coordinator, latest, staff):
    client.force_login(coordinator)
    url = reverse("staff:withdraw_progress", args=[latest.pk])
    correct_progress(
        latest,
        expected_version=1,
        day=latest.day,
        percent=Decimal(41),
        status="delayed",
        reason="Sin sala",
        correction_reason="Otra persona corrige",
        by=staff,
    )
    response = client.post(url, {"reason": "Duplicado", "edit_version": "1", "confirm": "1"})
    assert response.status_code == 409
    assert "Otra persona guardó" in response.content.decode()
    assert ProgressEntry.objects.filter(pk=latest.pk).exists()


# --- Who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "correct", "withdraw"),
    [
        ("coordinator", 302, 302),  # of the milestone's commitment
        ("editor", 302, 403),  # an editor of a responsible organisation corrects, does not withdraw
        ("other_coordinator", 403, 403),  # of another commitment's milestone
        ("citizen", 403, 403),
    ],
)
def test_who_may_correct_and_withdraw(request, client, latest, actor, correct, withdraw):
    client.force_login(request.getfixturevalue(actor))
    edit_url = reverse("staff:edit_progress", args=[latest.pk])
    withdraw_url = reverse("staff:withdraw_progress", args=[latest.pk])
    assert client.get(edit_url).status_code == (200 if correct == 302 else 403)
    assert client.get(withdraw_url).status_code == (200 if withdraw == 302 else 403)
    response = client.post(edit_url, _correction(latest, percent="45", correction_reason="Corrección"))
    assert response.status_code == correct
    assert (ProgressEntry.objects.get(pk=latest.pk).percent_complete == 45) == (correct == 302)
    version = str(ProgressEntry.objects.get(pk=latest.pk).edit_version)
    response = client.post(withdraw_url, {"reason": "Retiro", "edit_version": version, "confirm": "1"})
    assert response.status_code == withdraw
    assert ProgressEntry.objects.filter(pk=latest.pk).exists() == (withdraw != 302)


def test_the_services_ask_the_rules(latest, other_coordinator, editor):
    with pytest.raises(PermissionDenied):
        correct_progress(
            latest,
            expected_version=1,
            day=latest.day,
            percent=45,
            correction_reason="x",
            by=other_coordinator,
        )
    with pytest.raises(PermissionDenied):
        withdraw_progress(latest, expected_version=1, reason="x", by=editor)
    assert ProgressEntry.objects.get(pk=latest.pk).edit_version == 1


def test_the_progress_page_stays_within_bounded_queries(
    client, staff, activity, django_assert_max_num_queries
):
    for index in range(8):
        report = record_progress(
            activity, day=date(2019, 5, 1 + index), percent=Decimal(10 + index), by=staff
        )
        if index % 2:
            withdraw_progress(report, expected_version=1, reason=f"Retiro {index}", by=staff)
    client.force_login(staff)
    url = reverse("staff:record_progress", args=[activity.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.content.decode().count("Motivo: Retiro") == 4


# --- The admin only reads ------------------------------------------------------------------------


def test_the_admin_only_reads_progress_reports_and_baselines(staff_client, milestone, latest, staff):
    baseline = approve_baseline(milestone, by=staff)
    for model, obj, data in (
        (
            "plans_progressentry",
            latest,
            {"activity": latest.activity_id, "day": "2019-05-20", "percent_complete": "1"},
        ),
        ("plans_baseline", baseline, {"reason": "Inyectado"}),
    ):
        change = reverse(f"admin:{model}_change", args=[obj.pk])
        page = staff_client.get(change)
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert staff_client.post(change, data).status_code == 403
        assert staff_client.get(reverse(f"admin:{model}_add")).status_code == 403
        assert (
            staff_client.post(reverse(f"admin:{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    latest.refresh_from_db()
    assert latest.percent_complete == Decimal(40) and latest.evidence.count() == 1
    assert type(baseline).objects.get(pk=baseline.pk).reason == ""
