"""Action-plan tracking sheets: the families of layouts governments keep, read into commitments."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cocrea.computations.orgnames import Directory, OrgRef, split_institutions
from cocrea.computations.sheets import read_progress, write_xlsx
from cocrea.computations.trackerparse import (
    ERROR_CODES,
    STATUS_COMPLETION,
    STATUSES,
    TRACKER_COLUMNS,
    TRACKER_HEADERS,
    WARNING_CODES,
    TrackerError,
    TrackerResult,
    activity_code,
    check_report,
    column_for_header,
    match_institutions,
    parse_tracker_date,
    read_tracker,
    split_evidence,
)
from tests.hypothesis_profiles import examples

DATA = Path(__file__).parent / "data" / "trackers"
PROPERTY = settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture(name: str) -> TrackerResult:
    return read_tracker((DATA / name).read_bytes())


def codes(result: TrackerResult) -> list[tuple[int, str, str]]:
    return [(f.line, f.column, f.code) for f in result.findings]


def csv_bytes(rows: list[list[str]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


HEADER = ["Compromiso", "Responsable", "Hito", "Producto", "Inicio", "Fin", "Avance", "Evidencia"]


def sheet(*rows: list[str], header: list[str] = HEADER, **kwargs: Any) -> TrackerResult:
    return read_tracker(csv_bytes([header, *rows]), **kwargs)


# --- The fixture sheets --------------------------------------------------------------------------


def test_spanish_windows_1252_semicolons_multiline_cells() -> None:
    result = fixture("seguimiento_es_cp1252.csv")
    assert result.ok, result.errors
    assert (result.source, result.encoding, result.delimiter, result.header_line) == ("csv", "cp1252", ";", 4)
    report = check_report(result)
    assert report["counts"] == {
        "commitments": 2,
        "milestones": 7,
        "activities": 0,
        "institutions": 6,
        "rows": 7,
        "errors": 0,
        "warnings": 5,
    }
    eleven = report["commitments"][0]
    assert eleven["title"] == "Diseño e implementación de una estrategia de innovación en la gestión pública"
    assert eleven["period"] == {"start": "2018-11-20", "end": "2020-08-30"}
    assert eleven["completion"] == 55.0  # (100 + 50 + 75 + 50 + 0) / 5
    first = eleven["milestones"][0]
    assert first == first | {
        "title": "1. Elaborar la Estrategia Nacional de Innovación en la Gestión Pública",
        "product": "Estrategia publicada",
        "start": "2018-11-20",
        "end": "2019-12-15",
        "completion": 100.0,
        "status": "complete",
        "evidence": ["https://www.inap.gob.gt/estrategia", "https://gpat.gob.gt/compromiso-11"],
        "description": "Se realizaron 17 reuniones de cocreación.\nSe publicó el borrador 3.",
        "institutions": ["INAP", "GPAT", "ONSEC", "MINFIN"],
        "line": 5,
    }
    # The records with line breaks in cells span lines 5–8 and 10–13: lines count them.
    assert [m["line"] for m in eleven["milestones"]] == [5, 9, 10, 14, 15]
    assert [m["completion"] for m in eleven["milestones"]] == [100.0, 50.0, 75.0, 50.0, 0.0]
    # A blank institutions cell is "same as above" inside a commitment.
    assert eleven["milestones"][1]["institutions"] == ["INAP", "GPAT", "ONSEC", "MINFIN"]
    assert result.rows[1].institutions_inherited and result.rows[1].commitment_inherited
    assert eleven["milestones"][1]["evidence_text"] == "Acta en el archivo del INAP"
    assert eleven["milestones"][1]["observations"] == "Pendiente de firma"
    assert eleven["milestones"][4]["institutions"] == ["Oficina Nacional de Servicio Civil (ONSEC)"]
    assert report["commitments"][1]["completion"] == 60.0
    assert codes(result) == [
        (1, "", "rows_before_header"),
        (4, "", "extra_columns"),
        (9, "evidence", "evidence_not_a_link"),
        (14, "completion", "completion_from_status"),
        (18, "", "summary_row_ignored"),
    ]
    assert [i.key for i in result.institutions] == [
        "inap",
        "gpat",
        "onsec",
        "minfin",
        "guatecivica",
        "segeplan",
    ]
    json.dumps(report)  # plain data


def test_utf8_bom_commas_words_and_long_dates() -> None:
    result = fixture("municipal_utf8_bom.csv")
    assert result.ok
    assert (result.encoding, result.delimiter) == ("utf-8-sig", ",")
    assert result.headings["milestone"] == "Actividad"  # "Actividad" alone: one row per milestone
    report = check_report(result)
    municipal, health = report["commitments"]
    assert [m["start"] for m in municipal["milestones"]] == ["2020-10-15", "2020-11-01", "2021-01-15"]
    assert [m["end"] for m in municipal["milestones"]] == ["2021-10-31", "2021-06-30", "2021-12-15"]
    assert [m["completion"] for m in municipal["milestones"]] == [
        100.0,
        50.0,
        25.0,
    ]  # Cumplido, En proceso, 0,25
    assert municipal["milestones"][0]["evidence"] == [
        "https://muniguate.com/diagnostico",
        "https://redciudadana.org/informe",
    ]
    assert municipal["institutions"] == ["Municipalidad de Guatemala", "Red Ciudadana"]
    assert municipal["completion"] == 58.33
    assert health["institutions"] == ["Ministerio de Salud Pública y Asistencia Social (MSPAS)"]
    assert health["milestones"][0]["status"] == "not_started"
    assert codes(result) == [
        (3, "completion", "completion_from_status"),
        (4, "evidence", "evidence_not_a_link"),
    ]


def test_english_ogp_template_month_first_dates_and_irm_levels() -> None:
    result = fixture("ogp_tracker_en.csv")
    assert result.ok
    report = check_report(result)
    ownership, contracting = report["commitments"]
    assert ownership["id"] == "XX0012"
    assert ownership["period"] == {"start": "2021-09-01", "end": "2023-08-31"}
    assert [m["completion"] for m in ownership["milestones"]] == [
        100.0,
        75.0,
        0.0,
    ]  # Complete, Substantial, …
    assert ownership["institutions"] == ["Ministry of Justice", "Companies Registry Office"]
    assert contracting["institutions"] == ["Ministry of Health", "Public Procurement Authority (PPA)"]
    assert contracting["milestones"][0]["evidence_text"] == "see annual report"
    assert ("dates_month_first", 2) in [(f.code, f.line) for f in result.findings]
    assert ("summary_row_ignored", 7) in [(f.code, f.line) for f in result.findings]


def test_broken_sheet_reports_every_row_with_its_line() -> None:
    result = fixture("broken.csv")
    assert not result.ok
    assert codes(result) == [
        (2, "commitment", "commitment_missing"),
        (3, "end", "end_before_start"),
        (4, "completion", "completion_out_of_range"),
        (5, "start", "date_unreadable"),
        (5, "end", "date_invalid"),
        (5, "completion", "completion_unreadable"),
        (5, "evidence", "evidence_not_a_link"),
        (6, "milestone", "duplicate_milestone"),
        (7, "milestone", "milestone_missing"),
    ]
    duplicate = next(f for f in result.findings if f.code == "duplicate_milestone")
    assert duplicate.params["first_line"] == 3
    assert all(f.expected for f in result.findings)
    report = check_report(result)
    assert report["ok"] is False
    assert report["findings"][0] == {
        "code": "commitment_missing",
        "severity": "error",
        "sheet": "",
        "line": 2,
        "column": "commitment",
        "value": "",
        "expected": "the commitment's name, on this row or on a row above it",
        "params": {},
    }


def test_no_header_names_the_columns_it_looked_for() -> None:
    with pytest.raises(TrackerError) as caught:
        fixture("no_header.csv")
    assert caught.value.code == "no_header"
    assert caught.value.params["columns"] == list(TRACKER_COLUMNS)
    assert "Hito" in caught.value.message and "Compromiso" in caught.value.message
    assert "hito" in caught.value.params["looked_for"]["milestone"]


def _workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Seguimiento"
    sheet["A1"] = "Plan de Acción Nacional de Gobierno Abierto — seguimiento al 30 de septiembre de 2022"
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(
        [
            "Compromiso",
            "Institución",
            "Hito",
            "Entregable",
            "Fecha de inicio",
            "Fecha de fin",
            "Avance",
            "Medio de verificación",
        ]
    )
    rows = [
        [
            "Compromiso 1: Datos abiertos",
            "SEGEPLAN",
            "Publicar el inventario",
            "Inventario",
            datetime(2020, 10, 20),
            datetime(2020, 11, 15),
            1,
            "https://a.gob.gt/inventario",
        ],
        [None, None, "Abrir 20 conjuntos", "Portal", datetime(2020, 11, 16), 44561, 0.4, None],
        [None, None, "Evaluar el uso", "Informe", "Oct 2021", "Sep 2022", "0%", None],
        [
            "Compromiso 2: Presupuesto abierto",
            "MINFIN",
            "Presupuesto ciudadano",
            "Documento",
            44197,
            "30/09/2022",
            0.25,
            None,
        ],
    ]
    for row in rows:
        sheet.append(row)
    sheet.merge_cells("A4:A6")
    sheet.merge_cells("B4:B6")
    for row in (4, 5, 7):
        sheet.cell(row=row, column=7).number_format = "0%"
    sheet.append(["Promedio", None, None, None, None, None, 0.41])
    other = workbook.create_sheet("Instrucciones")
    other["A1"] = "Llene una fila por hito."
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_title_row_merged_cells_date_cells_and_serials() -> None:
    result = read_tracker(_workbook())
    assert result.ok, result.errors
    assert (result.source, result.header_line) == ("xlsx", 3)
    report = check_report(result)
    data, budget = report["commitments"]
    assert data["title"] == "Compromiso 1: Datos abiertos"
    assert [m["line"] for m in data["milestones"]] == [4, 5, 6]
    assert [m["start"] for m in data["milestones"]] == ["2020-10-20", "2020-11-16", "2021-10-01"]
    assert [m["end"] for m in data["milestones"]] == ["2020-11-15", "2021-12-31", "2022-09-30"]
    assert [m["completion"] for m in data["milestones"]] == [100.0, 40.0, 0.0]  # percent-formatted cells
    assert data["institutions"] == ["SEGEPLAN"]
    assert data["period"] == {"start": "2020-10-20", "end": "2022-09-30"}
    assert data["completion"] == 46.67
    assert budget["milestones"][0]["start"] == "2021-01-01"  # an Excel serial
    assert budget["milestones"][0]["completion"] == 25.0  # 0.25 unformatted: a fraction
    assert [(f.sheet, f.line, f.code) for f in result.findings] == [
        ("Seguimiento", 1, "rows_before_header"),
        ("Seguimiento", 8, "summary_row_ignored"),
        ("Instrucciones", 1, "sheet_skipped"),
    ]
    assert result.sheets == ("Seguimiento",)


# --- Layouts ------------------------------------------------------------------------------------


def test_heading_rows_give_the_commitment_its_institutions_and_period() -> None:
    result = sheet(
        [
            "Compromiso 3: Justicia abierta",
            "Organismo Judicial (OJ)",
            "",
            "",
            "01/01/2021",
            "31/12/2022",
            "",
            "",
        ],
        ["", "", "Publicar sentencias", "Portal", "01/02/2021", "30/06/2021", "100", ""],
        ["", "", "Audiencias en línea", "Plataforma", "01/07/2021", "31/03/2023", "50", ""],
    )
    assert [(f.line, f.code) for f in result.findings] == [(4, "date_outside_period")]
    (commitment,) = result.commitments
    assert (commitment.start, commitment.end, commitment.period_given) == (
        date(2021, 1, 1),
        date(2022, 12, 31),
        True,
    )
    assert [i.acronym for i in commitment.institutions] == ["OJ"]
    assert [m.institutions[0].acronym for m in commitment.milestones] == ["OJ", "OJ"]
    assert commitment.line == 2 and commitment.milestones[0].line == 3


def test_periods_given_by_the_caller_flag_dates_outside() -> None:
    result = sheet(
        ["Compromiso A", "INAP", "Hito 1", "", "01/01/2019", "01/02/2019", "10", ""],
        periods={"compromiso a": (date(2019, 1, 15), None)},
    )
    assert [(f.line, f.column, f.code) for f in result.findings] == [(2, "start", "date_outside_period")]
    assert result.findings[0].params == {"date": "2019-01-01", "start": "2019-01-15", "end": None}


def test_a_sheet_of_one_commitment_without_its_column() -> None:
    header = ["Hito", "Entidad responsable", "Fecha de inicio", "Fecha de fin", "Cumplimiento"]
    result = sheet(
        ["Hito 1", "INAP", "2020-01-01", "2020-02-01", "Cumplido"], header=header, commitment="Compromiso 11"
    )
    assert result.ok
    assert [c.title for c in result.commitments] == ["Compromiso 11"]
    with_error = sheet(["Hito 1", "INAP", "2020-01-01", "2020-02-01", "100"], header=header)
    assert [(f.code, f.params["columns"]) for f in with_error.errors] == [("missing_column", ["commitment"])]


def test_milestones_with_activities() -> None:
    header = ["Compromiso", "Hito", "Actividad", "Responsable", "Inicio", "Fin", "Avance"]
    result = sheet(
        ["C1", "Hito 1", "Actividad A", "INAP", "01/01/2020", "31/01/2020", "100"],
        ["", "", "Actividad B", "", "01/02/2020", "31/03/2020", "50"],
        ["", "Hito 2", "Actividad C", "ONSEC", "01/04/2020", "30/04/2020", ""],
        header=header,
    )
    assert result.ok
    report = check_report(result)
    assert report["counts"]["milestones"] == 2 and report["counts"]["activities"] == 3
    first, second = report["commitments"][0]["milestones"]
    assert (first["start"], first["end"], first["completion"]) == ("2020-01-01", "2020-03-31", 75.0)
    assert [a["title"] for a in first["activities"]] == ["Actividad A", "Actividad B"]
    assert [a["line"] for a in first["activities"]] == [2, 3]
    assert second["completion"] is None  # no activity of it has a completion
    assert report["commitments"][0]["completion"] == 37.5


def test_a_second_header_row_under_grouping_cells() -> None:
    result = read_tracker(
        csv_bytes(
            [
                ["Compromiso", "Hito", "Fechas", "", "Avance"],
                ["", "", "Inicio", "Fin", ""],
                ["C1", "Hito 1", "01/01/2020", "31/01/2020", "40%"],
            ]
        )
    )
    assert result.ok, result.findings
    assert result.headings["start"] == "Fechas / Inicio" and result.headings["end"] == "Fechas / Fin"
    assert (result.rows[0].start, result.rows[0].end, result.rows[0].line) == (
        date(2020, 1, 1),
        date(2020, 1, 31),
        3,
    )


def test_weights_from_a_column_and_from_the_caller() -> None:
    header = [*HEADER, "Ponderación"]
    rows = [
        ["C1", "INAP", "Hito 1", "", "", "", "100", "", "30%"],
        ["", "", "Hito 2", "", "", "", "0", "", "70%"],
    ]
    assert read_tracker(csv_bytes([header, *rows])).commitments[0].completion == 30.0
    by_caller = read_tracker(csv_bytes([header, *rows]), weights={"C1": {"hito 1": 1, "Hito 2": 3}})
    assert by_caller.commitments[0].completion == 25.0
    partial = read_tracker(csv_bytes([HEADER, *[r[:-1] for r in rows]]), weights={"c1": {"Hito 2": 1}})
    assert partial.commitments[0].completion == 0.0
    assert [(f.line, f.code) for f in partial.findings] == [(2, "weight_missing")]


def test_status_column_beside_completion() -> None:
    header = [*HEADER, "Estado"]
    result = read_tracker(
        csv_bytes(
            [
                header,
                ["C1", "INAP", "Hito 1", "", "", "", "60", "", "Completado"],
                ["", "", "Hito 2", "", "", "", "", "", "Cancelado"],
                ["", "", "Hito 3", "", "", "", "", "", "Quién sabe"],
            ]
        )
    )
    assert codes(result) == [(2, "status", "status_completion_mismatch"), (4, "status", "status_unknown")]
    milestones = result.commitments[0].milestones
    assert [m.status for m in milestones] == ["complete", "cancelled", ""]
    assert result.commitments[0].completion == 30.0  # cancelled left out, Hito 3 counts 0


def test_fraction_columns_and_a_lone_one() -> None:
    result = sheet(
        ["C1", "INAP", "Hito 1", "", "", "", "1", ""],
        ["", "", "Hito 2", "", "", "", "0,5", ""],
        ["", "", "Hito 3", "", "", "", "0", ""],
    )
    assert [m.completion for m in result.commitments[0].milestones] == [100.0, 50.0, 0.0]
    assert [f.code for f in result.findings] == ["completion_fractions"]
    percents = sheet(["C1", "INAP", "Hito 1", "", "", "", "1", ""], ["", "", "Hito 2", "", "", "", "50", ""])
    assert [m.completion for m in percents.commitments[0].milestones] == [1.0, 50.0]


def test_no_completion_anywhere_gives_none() -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", "", "", "", ""])
    assert result.commitments[0].completion is None
    assert check_report(result)["commitments"][0]["milestones"][0]["completion"] is None


def test_too_many_cells_in_a_csv_row_is_reported_with_its_line() -> None:
    result = read_tracker(b"Compromiso,Hito,Avance\nC1,Hito 1,10,extra\n")
    assert [(f.line, f.code) for f in result.errors] == [(2, "too_many_cells")]


def test_carriage_return_line_ends_and_quoted_breaks_count_lines() -> None:
    data = b'Compromiso,Hito,Avance\r\n"C1\r\nsigue",Hito 1,10\r\n,"Hito\r\n\r\n2",20\r\n,Hito 3,30\r\n'
    result = read_tracker(data)
    assert [r.line for r in result.rows] == [2, 4, 7]
    assert [r.milestone for r in result.rows] == ["Hito 1", "Hito 2", "Hito 3"]
    assert result.commitments[0].title == "C1 sigue"


# --- Cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Soporte de las acciones desarrolladas (relación de las evidencias …)", "evidence"),
        ("Medios de verificación", "evidence"),
        ("Fecha de inicio programada", "start"),
        ("Fecha prevista de finalización", "end"),
        ("Fecha de término", "end"),
        ("End date (dd/mm/yyyy)", "end"),
        ("% de avance", "completion"),
        ("Porcentaje de cumplimiento del hito", "completion"),
        ("Level of completion", "completion"),
        ("Descripción de las acciones realizadas en el período", "description"),
        ("Producto / Entregable", "product"),
        ("Institución(es) responsable(s)", "institutions"),
        ("Entidades responsables", "institutions"),
        ("Lead implementing agency", "institutions"),
        ("Nombre del compromiso", "commitment"),
        ("Hito / Actividad", "milestone"),
        ("Actividades", "activity"),
        ("Observaciones y comentarios", "observations"),
        ("Estado", "status"),
        ("Código OGP", "commitment_id"),
        ("Ponderación", "weight"),
        ("Fecha", None),
        ("Plan de Acción Nacional de Gobierno Abierto 2018-2020 matriz de seguimiento y reporte", None),
    ],
)
def test_headers_by_their_words(header: str, column: str | None) -> None:
    assert column_for_header(header) == column


def test_every_exact_spelling_reads_its_column() -> None:
    for column, spellings in TRACKER_HEADERS.items():
        for spelling in (column, *spellings):
            assert column_for_header(spelling.upper()) == column, spelling


@pytest.mark.parametrize(
    ("text", "end", "expected"),
    [
        ("2020-10-20", False, date(2020, 10, 20)),
        ("20/10/2020", False, date(2020, 10, 20)),
        ("20-10-2020", False, date(2020, 10, 20)),
        ("20.10.2020", False, date(2020, 10, 20)),
        ("20/10/20", False, date(2020, 10, 20)),
        ("15 de octubre de 2020", False, date(2020, 10, 15)),
        ("Jueves, 15 de octubre de 2020", False, date(2020, 10, 15)),
        ("15 octubre 2020", False, date(2020, 10, 15)),
        ("October 15, 2020", False, date(2020, 10, 15)),
        ("15 Oct 2020", False, date(2020, 10, 15)),
        ("Oct 2020", False, date(2020, 10, 1)),
        ("Oct 2020", True, date(2020, 10, 31)),
        ("febrero de 2020", True, date(2020, 2, 29)),
        ("oct-20", False, date(2020, 10, 1)),
        ("2021", True, date(2021, 12, 31)),
        ("44124", False, date(2020, 10, 20)),
        (44124, False, date(2020, 10, 20)),
        (44124.5, False, date(2020, 10, 20)),
        (2021, False, date(2021, 1, 1)),
        (datetime(2020, 10, 20, 8, 30), False, date(2020, 10, 20)),
    ],
)
def test_dates(text: object, end: bool, expected: date) -> None:
    assert parse_tracker_date(text, end=end) == expected


def test_month_first_dates_only_when_the_file_says_so() -> None:
    rows = [["C1", "INAP", "Hito 1", "", "10/01/2020", "10/15/2020", "", ""]]
    result = sheet(*rows)
    assert result.rows[0].start == date(2020, 10, 1)
    assert [f.code for f in result.findings] == ["dates_month_first"]
    mixed = sheet(*rows, ["", "", "Hito 2", "", "25/01/2020", "", "", ""])
    assert [f.code for f in mixed.errors] == ["date_invalid"]


@pytest.mark.parametrize(
    ("written", "completion"),
    [
        ("100%", 100.0),
        ("45,5 %", 45.5),
        ("50", 50.0),
        ("0,5", 50.0),
        ("0.25", 25.0),
        ("Completado", 100.0),
        ("CUMPLIDO", 100.0),
        ("No iniciado", 0.0),
        ("Not started", 0.0),
        ("En proceso", 50.0),
        ("Sustancial", 75.0),
        ("Limited", 25.0),
        ("Retrasado", None),
        ("", None),
    ],
)
def test_completion_cells(written: str, completion: float | None) -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", "", "", written, ""])
    assert result.ok
    assert result.rows[0].completion == completion
    assert result.rows[0].completion_written == written


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("150%", "completion_out_of_range"),
        ("-5", "completion_out_of_range"),
        ("mucho", "completion_unreadable"),
        ("5O%", "completion_unreadable"),
    ],
)
def test_bad_completion_cells(written: str, code: str) -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", "", "", written, ""])
    assert [(f.line, f.column, f.code) for f in result.errors] == [(2, "completion", code)]


def test_status_words_are_documented_statuses() -> None:
    assert {status for status, _ in STATUS_COMPLETION.values()} == set(STATUSES)
    assert all(value is None or 0 <= value <= 100 for _, value in STATUS_COMPLETION.values())


@pytest.mark.parametrize(
    ("text", "links", "other"),
    [
        ("https://a.gob.gt/x\nhttps://b.gob.gt/y", ("https://a.gob.gt/x", "https://b.gob.gt/y"), ""),
        ("- https://a.org/x;\n- www.b.org/y.", ("https://a.org/x", "https://www.b.org/y"), ""),
        ("Informe: https://a.org/x (página 3)", ("https://a.org/x",), "Informe: (página 3)"),
        ("minfin.gob.gt/datos/presupuesto", ("https://minfin.gob.gt/datos/presupuesto",), ""),
        ("Acta en archivo", (), "Acta en archivo"),
        ("", (), ""),
    ],
)
def test_evidence_links_and_text(text: str, links: tuple[str, ...], other: str) -> None:
    found_links, found_other = split_evidence(text)
    assert found_links == links
    assert found_other.replace("\n", " ") == other.replace("\n", " ")


# --- Institutions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Secretaría de Planificación y Programación de la Presidencia (SEGEPLAN)",
            [("Secretaría de Planificación y Programación de la Presidencia", "SEGEPLAN")],
        ),
        (
            "INAP, GPAT; ONSEC\nMINFIN",
            [("INAP", "INAP"), ("GPAT", "GPAT"), ("ONSEC", "ONSEC"), ("MINFIN", "MINFIN")],
        ),
        (
            "Ministerio de Ciencia, Tecnología e Innovación (MINCIENCIAS)",
            [("Ministerio de Ciencia, Tecnología e Innovación", "MINCIENCIAS")],
        ),
        ("INAP, Guatecívica y Red Ciudadana", [("INAP", "INAP"), ("Guatecívica", ""), ("Red Ciudadana", "")]),
        ("Oficina Nacional de Servicio Civil - ONSEC -", [("Oficina Nacional de Servicio Civil", "ONSEC")]),
        ("ONSEC - Oficina Nacional de Servicio Civil", [("Oficina Nacional de Servicio Civil", "ONSEC")]),
        ("INAP y ONSEC", [("INAP", "INAP"), ("ONSEC", "ONSEC")]),
        ("INAP/GPAT", [("INAP", "INAP"), ("GPAT", "GPAT")]),
        (
            "- INAP\n- Ministerio de Finanzas Públicas (MINFIN)\n• SAT",
            [("INAP", "INAP"), ("Ministerio de Finanzas Públicas", "MINFIN"), ("SAT", "SAT")],
        ),
        ("1. INAP\n2. ONSEC", [("INAP", "INAP"), ("ONSEC", "ONSEC")]),
        (
            "Ministerio de Finanzas y Ministerio de Economía",
            [("Ministerio de Finanzas", ""), ("Ministerio de Economía", "")],
        ),
        (
            "Ministerio de Salud Pública y Asistencia Social (MSPAS)",
            [("Ministerio de Salud Pública y Asistencia Social", "MSPAS")],
        ),
        (
            "Ministerio de Economía, a través de la Dirección de Servicios",
            [("Ministerio de Economía, a través de la Dirección de Servicios", "")],
        ),
        (
            "Ministry of Public Service, Innovation and Administrative Reform",
            [("Ministry of Public Service, Innovation and Administrative Reform", "")],
        ),
        ("I.N.A.P.", [("INAP", "INAP")]),
        ("INAP, INAP", [("INAP", "INAP")]),
        (
            "Instituto Nacional de Administración Pública (INAP), INAP",
            [("Instituto Nacional de Administración Pública", "INAP")],
        ),
        ("  ,; \n", []),
        (
            "Ministerio de Gobernación (MINGOB) y Policía Nacional Civil (PNC)",
            [("Ministerio de Gobernación", "MINGOB"), ("Policía Nacional Civil", "PNC")],
        ),
        (
            "SEGEPLAN, SENACYT y la Comisión Presidencial de Gestión Pública Abierta y Transparencia",
            [
                ("SEGEPLAN", "SEGEPLAN"),
                ("SENACYT", "SENACYT"),
                ("Comisión Presidencial de Gestión Pública Abierta y Transparencia", ""),
            ],
        ),
        ("Ministerio de Finanzas Públicas/MINFIN", [("Ministerio de Finanzas Públicas", "MINFIN")]),
        (
            "Instituto Nacional de Administración Pública\nINAP\nGPAT",
            [("Instituto Nacional de Administración Pública", "INAP"), ("GPAT", "GPAT")],
        ),
        ("Ministerio de Economía; MINEX", [("Ministerio de Economía", ""), ("MINEX", "MINEX")]),
        ("El Salvador Abierto", [("El Salvador Abierto", "")]),
    ],
)
def test_split_institutions(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(i.name, i.acronym) for i in split_institutions(text)] == expected


def test_split_institutions_keeps_what_the_directory_knows_whole() -> None:
    directory = Directory(
        [OrgRef("Ministerio de Ambiente y Recursos Naturales", "MARN"), OrgRef("Red Ciudadana", "")]
    )
    assert [i.name for i in split_institutions("Ministerio de Ambiente y Recursos Naturales", directory)] == [
        "Ministerio de Ambiente y Recursos Naturales"
    ]
    assert [i.name for i in split_institutions("MARN y Red Ciudadana", directory)] == [
        "MARN",
        "Red Ciudadana",
    ]


def test_match_institutions_against_the_registry() -> None:
    inap = OrgRef("Instituto Nacional de Administración Pública", "INAP")
    segeplan = OrgRef("Secretaría de Planificación y Programación de la Presidencia", "SEGEPLAN")
    directory = Directory([inap, segeplan])
    result = fixture("seguimiento_es_cp1252.csv")
    matched = match_institutions(result, directory)
    assert matched["inap"] is inap and matched["segeplan"] is segeplan
    assert matched["guatecivica"] is None
    assert set(matched) == {i.key for i in result.institutions}


# --- Properties ---------------------------------------------------------------------------------


def _check_invariants(result: TrackerResult) -> None:
    report = check_report(result)
    json.dumps(report)
    for finding in result.findings:
        assert finding.line >= 1
        assert finding.code in ERROR_CODES | WARNING_CODES, finding.code
        assert finding.severity in ("error", "warning")
        assert finding.expected
    for commitment in report["commitments"]:
        assert commitment["completion"] is None or 0 <= commitment["completion"] <= 100
        for milestone in commitment["milestones"]:
            assert milestone["completion"] is None or 0 <= milestone["completion"] <= 100
            assert milestone["line"] >= 1


@PROPERTY
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_the_module_error(data: bytes) -> None:
    try:
        result = read_tracker(data)
    except TrackerError as exc:
        assert exc.code
        return
    _check_invariants(result)


_CELL = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\x00"), max_size=40)
# Printable text and line breaks: what people type in cells (control characters make a file binary).
_TYPED = st.text(st.one_of(st.characters(blacklist_categories=["Cs", "Cc"]), st.just("\n")), max_size=40)
_VALUE = st.one_of(
    _CELL,
    st.sampled_from(
        [
            "",
            "100%",
            "0,5",
            "50",
            "En proceso",
            "Cumplido",
            "20/10/2020",
            "Oct 2020",
            "44124",
            "31/02/2020",
            "INAP, GPAT; ONSEC\nMINFIN",
            "https://a.gob.gt/x",
            "TOTAL",
            "Nota: x",
        ]
    ),
)


@PROPERTY
@given(st.lists(st.lists(_VALUE, min_size=8, max_size=9), max_size=12), st.sampled_from([",", ";"]))
def test_arbitrary_cells_give_findings_with_lines(rows: list[list[str]], delimiter: str) -> None:
    data = csv_bytes([HEADER, *rows], delimiter)
    try:
        result = read_tracker(data)
    except TrackerError as exc:
        assert exc.code in ("csv_unreadable", "undecodable", "binary_file", "no_header"), exc.code
        return
    _check_invariants(result)


@PROPERTY
@given(
    st.lists(
        st.tuples(_TYPED, _TYPED, st.sampled_from(["", "10", "100%", "Completado"])), min_size=1, max_size=8
    )
)
def test_lines_are_where_records_start(cells: list[tuple[str, str, str]]) -> None:
    """A row's line is the physical line its record starts on, line breaks in cells counted."""
    header = ["Compromiso", "Hito", "Descripción", "Avance"]
    records = [header] + [
        ["C1", f"M{n} {title}", description, completion]
        for n, (title, description, completion) in enumerate(cells)
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    starts: dict[str, int] = {}
    line = 1
    for record in records:
        before = out.tell()
        writer.writerow(record)
        text = out.getvalue()[before:]
        if record is not header:
            starts[" ".join(record[1].split())] = line
        line += text.count("\n")
    result = read_tracker(out.getvalue().encode())
    assert {r.milestone: r.line for r in result.rows} == starts


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.one_of(_VALUE, st.integers(-5, 3_000_000), st.floats(), st.datetimes(datetime(1900, 1, 1))),
            min_size=8,
            max_size=8,
        ),
        max_size=6,
    )
)
def test_arbitrary_xlsx_cells_give_findings_with_lines(rows: list[list[object]]) -> None:
    result = read_tracker(write_xlsx(rows, HEADER))
    _check_invariants(result)
    assert all(row.line >= 2 for row in result.rows)


def test_a_huge_number_in_a_cell_is_a_finding_not_a_crash() -> None:
    """Past 28 digits ``Decimal.quantize`` raises: the percent of a progress report said so too."""
    result = read_tracker(write_xlsx([["C1", "INAP", "Hito 1", "", "", 1e28, 1e28, ""]], HEADER))
    assert [(f.column, f.code) for f in result.errors] == [
        ("end", "date_unreadable"),
        ("completion", "completion_out_of_range"),
    ]
    progress = read_progress(
        write_xlsx([["1", "2020-01-01", 1e28]], ["activity", "date", "percent"]), {"1": "a"}
    )
    assert [e.params["percent"] for e in progress.errors] == ["1" + "0" * 28]


@pytest.mark.parametrize(
    ("written", "completion", "status"),
    [
        ("En proceso (60%)", 60.0, "in_progress"),
        ("60 % - en ejecución", 60.0, "in_progress"),
        ("Retrasado: 30%", 30.0, "delayed"),
        ("Avance: 100%", 100.0, "complete"),
    ],
)
def test_a_percentage_among_words(written: str, completion: float, status: str) -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", "", "", written, ""])
    assert result.ok
    assert (result.rows[0].completion, result.rows[0].status) == (completion, status)


def test_a_percentage_among_words_is_one_or_none() -> None:
    assert [f.code for f in sheet(["C1", "INAP", "Hito 1", "", "", "", "de 20% a 40%", ""]).errors] == [
        "completion_unreadable"
    ]


def test_period_column_actual_dates_and_milestone_numbers() -> None:
    header = [
        "No.",
        "Nombre del compromiso",
        "No. de hito",
        "Descripción del hito",
        "Responsable del hito",
        "Período de ejecución",
        "Fecha de inicio real",
        "Fecha real de finalización",
        "Avance (%)",
    ]
    rows = [
        [
            "1",
            "Datos abiertos",
            "1.1",
            "Inventario de datos",
            "SEGEPLAN",
            "20/10/2020 al 15/11/2020",
            "01/11/2020",
            "30/11/2020",
            "100",
        ],
        ["", "", "1.2", "Portal", "", "Octubre 2020 - Septiembre 2022", "", "", "40"],
        ["", "", "1.3", "Evaluación", "", "2021-2022", "", "", "0"],
        ["", "", "1.4", "Informe", "", "hasta que se pueda", "01/12/2022", "01/11/2022", ""],
    ]
    result = read_tracker(csv_bytes([header, *rows]))
    assert result.headings["milestone"] == "Descripción del hito"
    assert result.headings["institutions"] == "Responsable del hito"
    assert result.headings["milestone_id"] == "No. de hito"
    report = check_report(result)
    milestones = report["commitments"][0]["milestones"]
    assert [m["id"] for m in milestones] == ["1.1", "1.2", "1.3", "1.4"]
    assert [(m["start"], m["end"]) for m in milestones[:3]] == [
        ("2020-10-20", "2020-11-15"),
        ("2020-10-01", "2022-09-30"),
        ("2021-01-01", "2022-12-31"),
    ]
    assert (milestones[0]["actual_start"], milestones[0]["actual_end"]) == ("2020-11-01", "2020-11-30")
    assert [(f.line, f.column, f.code) for f in result.errors] == [
        (5, "period", "period_unreadable"),
        (5, "actual_end", "end_before_start"),
    ]


def test_links_behind_xlsx_cells_are_evidence() -> None:
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(["Compromiso", "Hito", "Producto", "Evidencia", "Avance"])
    sheet_.append(["C1", "Hito 1", "Estrategia", "Ver evidencia", "100%"])
    sheet_.append(["", "Hito 2", "Informe", '=HYPERLINK("https://b.gob.gt/informe","Ver")', "50%"])
    sheet_.append(["", "Hito 3", "Acta", "Acta firmada", "0%"])
    sheet_["D2"].hyperlink = "https://a.gob.gt/evidencia?x=1&y=2"
    sheet_["C2"].hyperlink = "https://a.gob.gt/estrategia.pdf"
    sheet_["B3"].hyperlink = "https://not.evidence/title"  # a title's link is not evidence
    out = io.BytesIO()
    workbook.save(out)
    result = read_tracker(out.getvalue())
    first, second, third = result.commitments[0].milestones
    assert first.evidence == ("https://a.gob.gt/evidencia?x=1&y=2", "https://a.gob.gt/estrategia.pdf")
    assert first.evidence_text == "Ver evidencia"
    assert second.evidence == ("https://b.gob.gt/informe",)
    assert third.evidence == ()
    assert [(f.line, f.code) for f in result.findings] == [(4, "evidence_not_a_link")]


def test_links_of_a_damaged_workbook_are_none() -> None:
    from cocrea.computations.trackerparse import xlsx_links

    assert xlsx_links(b"PK\x03\x04 not a zip") == {}
    assert xlsx_links(write_xlsx([["C1", "Hito 1"]], ["Compromiso", "Hito"])) == {}


def test_a_repeated_header_row_and_uruguay_style_metas() -> None:
    header = ["Compromiso", "Organismo responsable", "Metas", "Fecha de inicio", "Fecha de fin", "Avance"]
    result = read_tracker(
        csv_bytes(
            [
                header,
                ["1.1 Datos abiertos", "AGESIC", "Meta 1", "01/01/2021", "30/06/2021", "100%"],
                header,
                [
                    "1.2 Presupuesto abierto",
                    "Ministerio de Economía y Finanzas (MEF)",
                    "Meta 1",
                    "",
                    "",
                    "50%",
                ],
            ]
        )
    )
    assert result.ok
    assert [(f.line, f.code) for f in result.findings] == [(3, "repeated_header")]
    assert [c.title for c in result.commitments] == ["1.1 Datos abiertos", "1.2 Presupuesto abierto"]
    assert result.headings["institutions"] == "Organismo responsable"
    assert [i.acronym for i in result.commitments[1].institutions] == ["MEF"]


def test_a_workbook_of_one_sheet_per_commitment() -> None:
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Portada"
    cover["A1"] = "Seguimiento del 4.º Plan de Acción Nacional de Gobierno Abierto"
    for title, milestones in (("Compromiso 11", ["Hito 1", "Hito 2"]), ("Compromiso 12", ["Hito 1"])):
        sheet_ = workbook.create_sheet(title)
        sheet_.append([f"{title}: matriz de avance"])
        sheet_.append(["Hito", "Responsable", "Fecha de inicio", "Fecha de fin", "Avance"])
        for number, milestone in enumerate(milestones):
            sheet_.append([milestone, "INAP", datetime(2020, 1 + number, 1), "31/12/2019", f"{50 * number}%"])
    out = io.BytesIO()
    workbook.save(out)
    result = read_tracker(out.getvalue())
    assert result.sheets == ("Compromiso 11", "Compromiso 12")
    assert [(c.title, len(c.milestones)) for c in result.commitments] == [
        ("Compromiso 11", 2),
        ("Compromiso 12", 1),
    ]
    assert [(r.sheet, r.line) for r in result.rows] == [
        ("Compromiso 11", 3),
        ("Compromiso 11", 4),
        ("Compromiso 12", 3),
    ]
    errors = [(f.sheet, f.line, f.code) for f in result.errors]
    assert errors == [
        ("Compromiso 11", 3, "end_before_start"),
        ("Compromiso 11", 4, "end_before_start"),
        ("Compromiso 12", 3, "end_before_start"),
    ]
    assert check_report(result)["findings"][0] == check_report(result)["findings"][0] | {
        "sheet": "Portada",
        "code": "sheet_skipped",
    }
    assert check_report(result)["commitments"][0]["milestones"][0]["sheet"] == "Compromiso 11"


def test_a_heading_row_with_the_commitments_description_and_ids_as_titles() -> None:
    header = ["Código OGP", "Hito", "Descripción", "Responsable", "Avance"]
    result = read_tracker(
        csv_bytes(
            [
                header,
                ["GT0095", "", "Diseño e implementación de una estrategia de innovación", "INAP", ""],
                ["", "Hito 1", "Estrategia elaborada", "", "100"],
                ["", "Hito 2", "", "inap y onsec", "0"],
                ["", "Hito 3", "", "inap y onsec", "0"],
            ]
        )
    )
    assert result.ok
    (commitment,) = result.commitments
    assert (commitment.title, commitment.commitment_id) == ("GT0095", "GT0095")
    assert commitment.description == "Diseño e implementación de una estrategia de innovación"
    assert [m.description for m in commitment.milestones] == ["Estrategia elaborada", "", ""]
    assert [(f.line, f.code) for f in result.findings] == [(4, "institution_unclear")]  # once per name


@PROPERTY
@given(st.text(max_size=200))
def test_split_institutions_of_any_text(text: str) -> None:
    found = split_institutions(text)
    keys = [i.key for i in found]
    assert all(keys) and len(keys) == len(set(keys))
    assert all(i.written and i.name for i in found)


@PROPERTY
@given(
    st.lists(st.from_regex(r"[A-Z]{3,8}", fullmatch=True), min_size=1, max_size=6, unique=True),
    st.lists(st.sampled_from([", ", "; ", "\n", " / ", "/", " y ", "\n- ", " | "]), min_size=6, max_size=6),
)
def test_acronyms_joined_any_way_come_back(acronyms: list[str], separators: list[str]) -> None:
    text = "".join(a + separators[n] for n, a in enumerate(acronyms))
    assert [i.acronym for i in split_institutions(text)] == acronyms


def test_the_issue_example_shape() -> None:
    """The object ``import-tracker --check --format json`` prints, as issue 15 shows it."""
    header = [
        "Compromiso",
        "Entidades responsables",
        "Hito",
        "Producto",
        "Evidencia",
        "Inicio",
        "Fin",
        "Avance",
    ]
    rows = [
        [
            "Estrategia de innovación",
            "INAP, GPAT; ONSEC\nMINFIN",
            "Hito 1",
            "Marco conceptual",
            "https://inap.gob.gt/marco",
            "20/10/2020",
            "15/11/2020",
            "100%",
        ],
        *[["", "", f"Hito {n}", f"Producto {n}", "", "16/11/2020", "30/09/2022", "0"] for n in range(2, 6)],
    ]
    report = check_report(read_tracker(csv_bytes([header, *rows], ";", "cp1252")))
    assert {k: report["counts"][k] for k in ("commitments", "milestones", "institutions")} == {
        "commitments": 1,
        "milestones": 5,
        "institutions": 4,
    }
    (commitment,) = report["commitments"]
    assert commitment["institutions"] == ["INAP", "GPAT", "ONSEC", "MINFIN"]
    assert commitment["period"] == {"start": "2020-10-20", "end": "2022-09-30"}
    assert commitment["completion"] == 20.0
    first = commitment["milestones"][0]
    assert {k: first[k] for k in ("title", "product", "start", "end", "completion", "evidence", "line")} == {
        "title": "Hito 1",
        "product": "Marco conceptual",
        "start": "2020-10-20",
        "end": "2020-11-15",
        "completion": 100.0,
        "evidence": ["https://inap.gob.gt/marco"],
        "line": 2,
    }
    assert [m["line"] for m in commitment["milestones"]] == [
        2,
        4,
        5,
        6,
        7,
    ]  # line 3 is inside line 2's record
    assert report["findings"] == []


@pytest.mark.parametrize("nothing", ["N/A", "n.a.", "S/D", "Por definir", "TBD", "-", "—"])
def test_cells_that_say_nothing_was_given(nothing: str) -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", nothing, nothing, nothing, ""])
    assert result.ok and result.findings == ()
    row = result.rows[0]
    assert (row.start, row.end, row.completion, row.status) == (None, None, None, "")


@pytest.mark.parametrize(
    ("word", "status"), [("On track", "in_progress"), ("Off track", "delayed"), ("En riesgo", "delayed")]
)
def test_words_of_pace_give_a_status_and_no_number(word: str, status: str) -> None:
    result = sheet(["C1", "INAP", "Hito 1", "", "", "", word, ""])
    assert result.ok and result.findings == ()
    assert (result.rows[0].completion, result.rows[0].status) == (None, status)


def test_planned_and_actual_dates_under_grouping_headers() -> None:
    result = read_tracker(
        csv_bytes(
            [
                ["Compromiso", "Hito", "Fechas planificadas", "", "Fechas reales", "", "Avance"],
                ["", "", "Inicio", "Fin", "Inicio", "Fin", ""],
                ["C1", "Hito 1", "01/01/2020", "31/03/2020", "15/01/2020", "30/04/2020", "100%"],
            ]
        )
    )
    assert result.ok and result.findings == ()
    row = result.rows[0]
    assert (row.start, row.end) == (date(2020, 1, 1), date(2020, 3, 31))
    assert (row.actual_start, row.actual_end) == (date(2020, 1, 15), date(2020, 4, 30))
    assert result.headings["actual_end"] == "Fechas reales / Fin"
    assert column_for_header("Fecha de inicio (real)") == "actual_start"
    assert column_for_header("End date (actual)") == "actual_end"
    assert column_for_header("Fecha de finalización (actualizada)") == "end"


def test_findings_made_while_grouping_say_their_sheet() -> None:
    workbook = Workbook()
    for title in ("Compromiso 1", "Compromiso 2"):
        sheet_ = workbook.create_sheet(title)
        sheet_.append(["Hito", "Responsable", "Avance"])
        sheet_.append(["Hito 1", "INAP", "10"])
        sheet_.append(["Hito 1", "INAP", "20"])
    workbook.remove(workbook["Sheet"])
    out = io.BytesIO()
    workbook.save(out)
    result = read_tracker(out.getvalue())
    assert [(f.sheet, f.line, f.code) for f in result.findings] == [
        ("Compromiso 1", 3, "duplicate_milestone"),
        ("Compromiso 2", 3, "duplicate_milestone"),
    ]


def test_excel_unicode_text_utf16_tabs() -> None:
    text = 'Compromiso\tHito\tAvance\r\nC1\t"Hito\r\nuno"\t100%\r\n\tHito 2\t50%\r\n'
    result = read_tracker(text.encode("utf-16"))
    assert (result.encoding, result.delimiter) == ("utf-16", "\t")
    assert [(r.milestone, r.line) for r in result.rows] == [("Hito uno", 2), ("Hito 2", 4)]


@pytest.mark.parametrize(
    ("title", "number", "letter", "rest"),
    [
        ("05. Taller de validación", 5, "", "Taller de validación"),
        ("12 - Informe final", 12, "", "Informe final"),
        ("b) Aplicar la encuesta", None, "b", "Aplicar la encuesta"),
        ("A. Plan de trabajo", None, "a", "Plan de trabajo"),
        ("Redactar el informe", None, "", "Redactar el informe"),
        ("2020 en cifras", None, "", "2020 en cifras"),  # a year, not a number: no punctuation after
        ("Y. ", None, "", "Y."),  # nothing after the numbering: no numbering
    ],
)
def test_an_activitys_number_or_letter_is_read_from_its_title(title, number, letter, rest):
    code = activity_code(title)
    assert (code.number, code.letter, code.title) == (number, letter, rest)


@given(st.text(max_size=60))
@settings(max_examples=examples(200))
def test_activity_code_never_fails_and_keeps_the_rest_of_the_title(title):
    code = activity_code(title)
    assert code.number is None or code.letter == ""
    assert code.title in title
    if code.number is not None or code.letter:
        assert code.title  # a numbering is read only when a title follows it


def test_check_report_gives_each_activity_its_number_letter_and_weight():
    data = "\n".join(
        [
            "Compromiso;Hito;Actividad;Responsable;Inicio;Fin;Peso;Avance",
            "C1;Hito 1;01. Primera;INAP;01/01/2020;31/01/2020;2;100",
            ";;b) Segunda;;01/02/2020;31/03/2020;;50",
        ]
    ).encode()
    [milestone] = check_report(read_tracker(data))["commitments"][0]["milestones"]
    assert [(a["number"], a["letter"], a["weight"], a["institutions"]) for a in milestone["activities"]] == [
        (1, "", 2.0, ["INAP"]),
        (None, "b", None, ["INAP"]),
    ]
