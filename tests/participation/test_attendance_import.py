"""Sign-in sheets for several meetings of the seed, with the same people and organisations
spelled in different ways: one registry, exact distinct counts."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.computations.sheets import write_xlsx
from cocrea.participation.figures import indicator_e
from cocrea.participation.models import Attendance, Person
from cocrea.plans.models import Organization

pytestmark = pytest.mark.django_db

HEADER = "meeting,name,email,organization,organization_kind,gender,department\n"

INITIAL = (
    HEADER
    + "0,María José Pérez,mjperez@inap.gob.gt,INAP,gobierno,F,Guatemala\n"
    + "0,Luis Gómez,,Instituto Nacional de Administración Pública,gobierno,M,Guatemala\n"
    + "0,Ana Castillo,ana@guatecivica.org,Guatecívica,sociedad civil,F,Quetzaltenango\n"
    + "0,Pedro Xol,,Universidad de San Carlos,academia,M,Alta Verapaz\n"
)
WORKING_1 = (
    HEADER
    + '1,"PEREZ, Maria Jose",MJPEREZ@INAP.GOB.GT,'
    + "Instituto Nacional de Administracion Publica (INAP),gobierno,F,\n"
    + "1,Lic. Luis Gómez,,inap,gobierno,M,\n"
    + "1,Ana  Castillo,,GUATECIVICA,sociedad civil,F,\n"
    + "1,Rosa Tum,rosa@senacyt.gob.gt,SENACYT,government,F,Sololá\n"
)


def run(path, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_attendance", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_the_same_people_and_organisations_count_once(tmp_path, milestone):
    first = tmp_path / "reunion-inicial.csv"
    first.write_text(INITIAL, encoding="utf-8")
    second = tmp_path / "reunion-01.xlsx"
    rows = [line.split(",") for line in WORKING_1.splitlines()[1:]]
    rows[0] = [
        "1",
        "PEREZ, Maria Jose",
        "MJPEREZ@INAP.GOB.GT",
        "Instituto Nacional de Administracion Publica (INAP)",
        "gobierno",
        "F",
        "",
    ]
    second.write_bytes(write_xlsx(rows, HEADER.strip().split(",")))
    status, out, err = run(first, "--format", "json")
    assert status == 0, out + err
    report = json.loads(out)
    assert len(report["created"]) == 4 and report["matched"] == []
    status, out, err = run(second, "--format", "json")
    assert status == 0, out + err
    report = json.loads(out)
    assert [r["row"] for r in report["matched"]] == [2, 3, 4]
    assert [r["person"] for r in report["created"]] == ["Rosa Tum"]
    assert Person.objects.count() == 5
    assert Attendance.objects.count() == 8
    inap = Organization.objects.get(acronym="INAP")
    assert Attendance.objects.filter(organization=inap).count() == 4
    figures = indicator_e(milestone.commitment)
    assert figures["natural_persons"] == 5
    assert figures["legal_persons"] == 4  # INAP, Guatecívica, USAC, SENACYT
    assert figures["by_organization_kind"] == {"academia": 1, "civil_society": 1, "government": 2}
    # no consent version given: gender and department were not stored
    assert figures["by_gender"] == {"not_stated": 5}


def test_with_a_consent_text_statistics_are_kept(tmp_path, milestone):
    sheet = tmp_path / "firmas.csv"
    sheet.write_text(INITIAL, encoding="utf-8")
    assert run(sheet, "--consent-version", "hoja-2019")[0] == 0
    figures = indicator_e(milestone.commitment)
    assert figures["by_gender"] == {"female": 2, "male": 2}
    assert figures["by_department"]["Guatemala"] == 2


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path, milestone):
    sheet = tmp_path / "firmas.csv"
    sheet.write_text(
        HEADER
        + "0,María Pérez,,INAP,gobierno,F,Guatemala\n"
        + "99,Luis Gómez,,INAP,gobierno,M,Guatemala\n"
        + "1,,,INAP,gobierno,M,Guatemala\n"
        + "1,Ana Castillo,correo-malo,INAP,marcianos,Z,Narnia\n",
        encoding="utf-8",
    )
    status, out, _err = run(sheet, "--format", "json")
    assert status == 1
    codes = [(e["row"], e["code"]) for e in json.loads(out)["errors"]]
    assert (3, "unknown_meeting") in codes and (4, "required") in codes
    assert {
        (5, "email_invalid"),
        (5, "organization_kind_unknown"),
        (5, "gender_unknown"),
        (5, "department_unknown"),
    } <= set(codes)
    assert not Person.objects.exists() and not Attendance.objects.exists()


def test_no_private_field_reaches_public_pages_or_reports(tmp_path, client, milestone):
    sheet = tmp_path / "firmas.csv"
    sheet.write_text(INITIAL + "1,Rosa Tum,rosa@senacyt.gob.gt,SENACYT,gobierno,F,Sololá\n", encoding="utf-8")
    assert run(sheet)[0] == 0
    Person.objects.filter(name="Rosa Tum").update(phone="+502 5555 0123")
    pages = [
        milestone.commitment.get_participation_url(),
        milestone.commitment.get_absolute_url(),
        milestone.get_absolute_url(),
        milestone.get_dashboard_url(),
        milestone.get_schedule_url(),
        milestone.get_history_url(),
    ]
    output = "".join(client.get(url).content.decode() for url in pages)
    from datetime import date

    from cocrea.reports.progress import build_progress_report

    output += build_progress_report(milestone, date(2026, 11, 26), "xlsx").decode("latin-1")
    for private in ("mjperez@inap.gob.gt", "ana@guatecivica.org", "rosa@senacyt.gob.gt", "5555 0123"):
        assert private not in output
