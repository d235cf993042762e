"""Indicators measured by hand (issue #15): a baseline, a target, dated values with evidence, and an
alert when a measurement is due; recorded on a staff screen, audited, refused for computed ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cocrea.audit.models import AuditEntry
from cocrea.plans import measurements
from cocrea.plans.indicators import indicator_rows
from cocrea.plans.models import Indicator, IndicatorMeasurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(milestone):
    """'Número de entidades que adoptan la estrategia': counted by hand."""
    return Indicator.objects.create(
        milestone=milestone,
        key="F",
        definition="Número de entidades que adoptan la estrategia",
        method=Indicator.Method.MANUAL,
        unit="entidades",
        target=Decimal(10),
        baseline=Decimal(2),
        baseline_day=date(2019, 4, 1),
        measure_every_months=3,
        position=9,
    )


def test_the_value_is_the_latest_measurement_and_its_way_to_the_target(adopted, staff):
    measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=staff)
    measurements.record_measurement(
        adopted, day=date(2019, 10, 1), value=Decimal(6), by=staff, evidence_url="https://example.org/acta"
    )
    taken = list(adopted.measurements.all())
    at_august = measurements.manual_value(adopted, taken, date(2019, 8, 15), None)
    assert (at_august.value, at_august.progress) == (Decimal(4), Decimal("25.00"))  # (4-2)/(10-2)
    now = measurements.manual_value(adopted, taken, date(2019, 12, 1), None)
    assert (now.value, now.day, now.progress) == (Decimal(6), date(2019, 10, 1), Decimal("50.00"))
    assert (now.due, now.overdue) == (date(2020, 1, 1), False)
    late = measurements.manual_value(adopted, taken, date(2020, 2, 1), None)
    assert late.overdue  # three months after the last measurement
    assert AuditEntry.objects.filter(content_type__model="indicatormeasurement").count() == 2


def test_a_first_measurement_is_due_from_the_baseline(adopted):
    before = measurements.manual_value(adopted, [], date(2019, 8, 1), None)
    assert (before.value, before.due, before.overdue) == (None, date(2019, 7, 1), True)


def test_computed_indicators_are_not_measured_by_hand(milestone, staff):
    computed = milestone.indicators.exclude(method=Indicator.Method.MANUAL).first()
    with pytest.raises(ValidationError):
        measurements.record_measurement(computed, day=date(2019, 7, 1), value=Decimal(1), by=staff)


def test_one_measurement_a_day_and_none_in_the_future(adopted, staff):
    measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=staff)
    with pytest.raises(ValidationError, match="Ya hay una medición"):
        measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(5), by=staff)
    with pytest.raises(ValidationError, match="futura"):
        measurements.record_measurement(
            adopted, day=date(2030, 1, 1), value=Decimal(5), by=staff, today=date(2026, 1, 1)
        )
    assert IndicatorMeasurement.objects.count() == 1


def test_only_those_who_edit_the_plan_measure(adopted, django_user_model):
    nobody = django_user_model.objects.create_user("nadie@example.org", "nadie@example.org", "x" * 12)
    with pytest.raises(PermissionDenied):
        measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=nobody)


def test_the_staff_screen_sets_targets_and_records_measurements(client, adopted, staff):
    client.force_login(staff)
    url = f"/gestion/indicadores/{adopted.pk}/mediciones/"
    page = client.get(url).content.decode()
    assert "Número de entidades que adoptan la estrategia" in page and "Sin mediciones" in page
    response = client.post(
        url, {"measure": "1", "day": "2019-07-01", "value": "4", "evidence_url": "https://example.org/acta"}
    )
    assert response.status_code == 302
    assert adopted.measurements.get().value == 4
    response = client.post(
        url,
        {
            "targets": "1",
            "baseline": "1",
            "baseline_day": "2019-04-01",
            "target": "12",
            "measure_every_months": "6",
            "edit_version": adopted.edit_version,
        },
    )
    assert response.status_code == 302
    adopted.refresh_from_db()
    assert (adopted.target, adopted.measure_every_months) == (12, 6)
    stale = client.post(url, {"targets": "1", "target": "20", "edit_version": adopted.edit_version - 1})
    assert stale.status_code == 400  # someone saved it since: refused, nothing lost
    adopted.refresh_from_db()
    assert adopted.target == 12
    bad = client.post(url, {"measure": "1", "day": "2019-07-01", "value": "5"})
    assert bad.status_code == 400 and "Ya hay una medición" in bad.content.decode()


def test_the_work_plan_and_the_dashboard_show_a_measured_value(client, milestone, adopted, staff):
    measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=staff)
    rows = {row["key"]: row for row in indicator_rows(milestone, None, day=date(2019, 8, 1))}
    assert (rows["F"]["value"], rows["F"]["status"], rows["F"]["progress_percent"]) == (4.0, "ok", 25.0)
    assert rows["F"]["history"] == [{"day": "2019-07-01", "value": 4.0}]
    earlier = {row["key"]: row for row in indicator_rows(milestone, None, day=date(2019, 6, 1))}
    assert earlier["F"]["status"] == "no_data"  # not measured by then
    page = client.get(milestone.get_dashboard_url() + "?fecha=2019-08-01").content.decode()
    assert "4 entidades" in page


def test_the_change_history_shows_the_measurements(client, milestone, adopted, staff):
    measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=staff)
    page = client.get(milestone.get_history_url() + "?tipo=indicatormeasurement").content.decode()
    assert "Indicador F: medición del 1 de julio de 2019" in page


def test_the_dashboard_warns_when_a_measurement_is_late(client, milestone, adopted, staff):
    measurements.record_measurement(adopted, day=date(2019, 7, 1), value=Decimal(4), by=staff)
    on_time = client.get(milestone.get_dashboard_url() + "?fecha=2019-09-30").content.decode()
    assert "Mediciones pendientes" not in on_time
    late = client.get(milestone.get_dashboard_url() + "?fecha=2019-11-15").content.decode()
    assert "Mediciones pendientes" in late
    assert "El indicador F debía medirse el 1 de octubre de 2019" in late


SHEET = (
    "Indicador,Fecha,Valor,Medio de verificación,Nota\n"
    "F,01/07/2019,4,https://example.org/julio,Conteo de convenios\n"
    'F — Número de entidades,01/10/2019,"6,5",,\n'
)


def test_measurements_are_imported_from_a_sheet_all_or_nothing(adopted, staff, milestone):
    result = measurements.import_measurements(milestone, SHEET.encode(), by=staff)
    assert not result.errors
    assert [(m.day, m.value, m.evidence_url) for m in adopted.measurements.order_by("day")] == [
        (date(2019, 7, 1), Decimal(4), "https://example.org/julio"),
        (date(2019, 10, 1), Decimal("6.5"), ""),
    ]
    again = measurements.import_measurements(
        milestone, (SHEET + "F,01/12/2019,7,ftp-no,\nZ,01/12/2019,x,,\n").encode(), by=staff
    )
    codes = {(e.row, e.code) for e in again.errors}
    assert {(4, "evidence_not_a_link"), (5, "unknown_indicator"), (5, "number_unreadable")} <= codes
    assert adopted.measurements.count() == 2  # nothing more written


def test_the_sheet_screen_previews_then_imports_measurements(client, adopted, staff, milestone):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    url = f"/gestion/hitos/{milestone.pk}/importar/mediciones/"
    assert "Importar mediciones de indicadores" in client.get(url).content.decode()
    template = client.get(f"/gestion/hitos/{milestone.pk}/plantilla/mediciones.xlsx")
    assert template.status_code == 200 and b"".join(template.streaming_content)[:2] == b"PK"
    preview = client.post(url, {"file": SimpleUploadedFile("mediciones.csv", SHEET.encode(), "text/csv")})
    page = preview.content.decode()
    assert preview.status_code == 200 and "Cada fila será una medición de un indicador" in page
    assert not adopted.measurements.exists()  # a preview writes nothing
    confirm = preview.context["upload"].pk
    done = client.post(f"/gestion/hitos/{milestone.pk}/importar/mediciones/{confirm}/confirmar/")
    assert done.status_code in (302, 200)
    assert adopted.measurements.count() == 2


def test_the_command_imports_measurements(adopted, milestone, tmp_path, staff):
    import io

    from django.core.management import call_command

    path = tmp_path / "mediciones.csv"
    path.write_text(SHEET, encoding="utf-8")
    out = io.StringIO()
    call_command("import_measurements", str(path), "--as", staff.email, stdout=out)
    assert adopted.measurements.count() == 2
    assert {m.recorded_by for m in adopted.measurements.all()} == {staff}
