"""Sign-in sheets read from CSV and XLSX: every spelling accepted, every problem reported."""

from __future__ import annotations

import csv
import io
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocrea.computations.attendance_sheet import (
    ATTENDANCE_COLUMNS,
    ERROR_CODES,
    GENDER_SPELLINGS,
    GENDERS,
    GUATEMALA_DEPARTMENT_ALIASES,
    GUATEMALA_DEPARTMENTS,
    KIND_SPELLINGS,
    ORGANIZATION_KINDS,
    WARNING_CODES,
    AttendanceRow,
    meeting_key,
    read_attendance,
)
from cocrea.computations.sheets import RowError, SheetError, SheetResult, write_xlsx
from cocrea.computations.text import strip_accents
from tests.hypothesis_profiles import examples

PROPERTY = settings(max_examples=examples(60), deadline=None)

# The schedule of the seed plan: the initial meeting, working meetings 01–15 and the final one.
MEETINGS: dict[str, str] = {"0": "initial", "final": "final"}
MEETINGS.update({f"{n:02d}": f"working-{n}" for n in range(1, 16)})
HEADER = ",".join(ATTENDANCE_COLUMNS)


def read(text: str, encoding: str = "utf-8", **kwargs: Any) -> SheetResult[AttendanceRow[str]]:
    return read_attendance(text.encode(encoding), MEETINGS, **kwargs)


def codes(result: SheetResult[Any]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.code) for e in result.errors]


def only_error(result: SheetResult[Any]) -> RowError:
    assert len(result.errors) == 1, result.errors
    assert result.rows == ()
    return result.errors[0]


def one_row(cells: dict[str, str]) -> SheetResult[AttendanceRow[str]]:
    """A sheet of one row: meeting 1 and a name unless ``cells`` says otherwise."""
    values = {"meeting": "1", "name": "María José Pérez", **cells}
    return read(HEADER + "\n" + ",".join(_quoted(values.get(c, "")) for c in ATTENDANCE_COLUMNS) + "\n")


def _quoted(value: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([value])
    return out.getvalue()


# --- Good files ----------------------------------------------------------------------------------


def test_good_csv_exact_rows() -> None:
    result = read(
        HEADER + "\n"
        "0,María José Pérez,mjperez@inap.gob.gt,INAP,gobierno,F,Guatemala\n"
        "01,Juan Carlos Gómez,,Guatecívica,Sociedad civil,masculino,El Quiché\n"
        'Reunión de Trabajo 3,"PEREZ, Maria Jose", MJPerez@inap.gob.gt ,"Instituto Nacional de'
        ' Administración Pública (INAP)",,,\n'
        "final,Ana  Tzul,ana@x.org,  Universidad Rafael Landívar ,academia,mujer,quetzaltenango\n"
    )
    assert result.ok
    assert result.warnings == ()
    assert (result.source, result.encoding, result.delimiter, result.header_row) == ("csv", "utf-8", ",", 1)
    assert result.rows == (
        AttendanceRow(
            2,
            "initial",
            "María José Pérez",
            "mjperez@inap.gob.gt",
            "INAP",
            "government",
            "female",
            "Guatemala",
            "0",
        ),
        AttendanceRow(
            3, "working-1", "Juan Carlos Gómez", "", "Guatecívica", "civil_society", "male", "Quiché", "1"
        ),
        AttendanceRow(
            4,
            "working-3",
            "PEREZ, Maria Jose",
            "MJPerez@inap.gob.gt",
            "Instituto Nacional de Administración Pública (INAP)",
            "",
            "",
            "",
            "3",
        ),
        AttendanceRow(
            5,
            "final",
            "Ana Tzul",
            "ana@x.org",
            "Universidad Rafael Landívar",
            "academia",
            "female",
            "Quetzaltenango",
            "final",
        ),
    )


def test_good_xlsx_with_spanish_headers_and_number_cells() -> None:
    data = write_xlsx(
        [
            [3, "Lic. Juan Pérez", "jperez@minfin.gob.gt", "MINFIN", "Gobierno", "H", "Sololá"],
            [0.0, "Ana López", None, None, None, "M", None],
            ["Final", "Luis Cux", "", "BID", "Cooperación internacional", "h", "Petén"],
            [None, None, None, None, None, None, None],
            [15, "Rosa Ajú", "", "", "", "", "Alta Verapaz"],
        ],
        [
            "Reunión",
            "Nombre",
            "Correo electrónico",
            "Institución",
            "Tipo de organización",
            "Sexo",
            "Departamento",
        ],
    )
    result = read_attendance(data, MEETINGS)
    assert result.ok, result.errors
    assert result.source == "xlsx"
    assert [(r.row, r.meeting, r.name, r.gender, r.department) for r in result.rows] == [
        (2, "working-3", "Lic. Juan Pérez", "male", "Sololá"),
        (3, "initial", "Ana López", "female", ""),  # H and M: M is mujer
        (4, "final", "Luis Cux", "male", "Petén"),
        (6, "working-15", "Rosa Ajú", "", "Alta Verapaz"),
    ]
    assert [(r.email, r.organization, r.organization_kind) for r in result.rows][:3] == [
        ("jperez@minfin.gob.gt", "MINFIN", "government"),
        ("", "", ""),
        ("", "BID", "international"),
    ]
    assert [(w.row, w.column, w.code) for w in result.warnings] == [(1, "gender", "gender_hm_letters")]


@pytest.mark.parametrize(
    "header",
    [
        "meeting,name,email,organization,organization_kind,gender,department",
        "Meeting,Name,E-mail,Organisation,Organization type,Sex,Department",
        "Reunión,Nombre,Correo,Organización,Tipo de organización,Género,Departamento",
        "REUNION,NOMBRE COMPLETO,CORREO ELECTRONICO,INSTITUCION,TIPO DE INSTITUCION,SEXO,DEPTO",
        "No. de reunión,Nombres y apellidos,Email,Entidad,Sector,Genero,Departamento",
        "reunion_no,participante,mail,institucion u organizacion,tipo,sexo,departamento",
    ],
)
def test_headers_in_english_or_spanish(header: str) -> None:
    result = read(header + "\n2,María Pérez,mp@x.org,INAP,gobierno,F,Jalapa\n")
    assert result.ok and result.warnings == ()
    row = result.rows[0]
    assert (row.meeting, row.name, row.email, row.organization, row.organization_kind) == (
        "working-2",
        "María Pérez",
        "mp@x.org",
        "INAP",
        "government",
    )
    assert (row.gender, row.department) == ("female", "Jalapa")


def test_only_the_required_columns() -> None:
    result = read("reunión;nombre\n1;María Pérez\n", "cp1252")  # Excel's "CSV" in Spanish Windows
    assert result.ok
    assert (result.delimiter, result.encoding) == (";", "cp1252")
    assert result.rows[0] == AttendanceRow(2, "working-1", "María Pérez", "", "", "", "", "", "1")
    tabs = read("\ufeffReunión\tNombre\n1\tMaría Pérez\n", "utf-8")
    assert (tabs.delimiter, tabs.encoding, tabs.rows[0].name) == ("\t", "utf-8-sig", "María Pérez")


def test_names_and_surnames_in_two_columns() -> None:
    result = read("Reunión,Nombres,Apellidos,Correo\n1,María José,Pérez López,\n2,Juan,,\n")
    assert [row.name for row in result.rows] == ["María José Pérez López", "Juan"]


def test_rows_above_the_header_and_extra_columns_are_reported() -> None:
    result = read(
        "Lista de asistencia,,,\n"
        "Reunión de trabajo 5,,,\n"
        "\n"
        "Reunión,Nombre,Firma,Teléfono\n"
        "5,Ana Tzul,(firma),5555\n"
    )
    assert result.ok
    assert result.header_row == 4
    assert [(w.row, w.code) for w in result.warnings] == [(1, "rows_before_header"), (4, "extra_columns")]
    assert result.warnings[1].params == {"columns": ["Firma", "Teléfono"]}
    assert result.rows[0].row == 5


def test_header_only() -> None:
    result = read(HEADER + "\n")
    assert result.ok and result.rows == ()
    assert [w.code for w in result.warnings] == ["no_rows"]


# --- Spellings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("0", "0"),
        ("00", "0"),
        ("inicial", "0"),
        ("Inicial", "0"),
        ("Reunión inicial", "0"),
        ("REUNION INICIAL", "0"),
        ("Initial meeting", "0"),
        ("Reunión 0", "0"),
        ("1", "1"),
        ("01", "1"),
        (" 3 ", "3"),
        ("Reunión de Trabajo 3", "3"),
        ("reunion de trabajo 03", "3"),
        ("Reunión de trabajo No. 3", "3"),
        ("Reunión No. 3", "3"),
        ("Reunión #3", "3"),
        ("Reunión Nº 3", "3"),
        ("Reunión de Trabajo 3 (15/05/2019)", "3"),
        ("Working meeting 3", "3"),
        ("Meeting 12", "12"),
        ("RT-03", "3"),
        ("Sesión 7", "7"),
        ("15", "15"),
        ("final", "final"),
        ("Final", "final"),
        ("FINAL", "final"),
        ("Reunión final", "final"),
        ("Reunión de cierre", "final"),
        ("Final meeting", "final"),
    ],
)
def test_meeting_spellings(written: str, key: str) -> None:
    assert meeting_key(written) == key
    result = one_row({"meeting": written})
    assert result.ok, result.errors
    assert result.rows[0].meeting_key == key
    assert (
        result.rows[0].meeting
        == MEETINGS["final" if key == "final" else "0" if key == "0" else f"{int(key):02d}"]
    )


@pytest.mark.parametrize("written", ["", "mañana", "3a", "tres", "1.5", "Reunión de trabajo", "3/5/2019"])
def test_meeting_key_reads_nothing_else(written: str) -> None:
    assert meeting_key(written) is None


KIND_CASES = sorted(
    (spelling, code) for code, spellings in KIND_SPELLINGS.items() for spelling in (code, *spellings)
)


@pytest.mark.parametrize(("written", "code"), KIND_CASES)
def test_every_organization_kind_spelling(written: str, code: str) -> None:
    for form in (written, written.upper(), written.title(), f"  {written} "):
        result = one_row({"organization_kind": form})
        assert result.ok, result.errors
        assert result.rows[0].organization_kind == code


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Sociedad Civil", "civil_society"),
        ("Cooperación Internacional", "international"),
        ("Organismo internacional", "international"),
        ("Sector Público", "government"),
        ("civil_society", "civil_society"),
        ("Private-sector", "private_sector"),
        ("ONG", "civil_society"),
        ("Universidad", "academia"),
        ("Empresa", "private_sector"),
        ("Otro", "other"),
    ],
)
def test_organization_kind_with_accents_and_case(written: str, code: str) -> None:
    assert one_row({"organization_kind": written}).rows[0].organization_kind == code


def test_kind_spellings_are_unambiguous() -> None:
    seen: dict[str, str] = {}
    for code, spellings in KIND_SPELLINGS.items():
        assert code in ORGANIZATION_KINDS
        for spelling in spellings:
            assert seen.setdefault(spelling, code) == code, spelling
    assert set(KIND_SPELLINGS) == set(ORGANIZATION_KINDS)


GENDER_CASES = sorted(
    (spelling, code) for code, spellings in GENDER_SPELLINGS.items() for spelling in (code, *spellings)
)


@pytest.mark.parametrize(("written", "code"), GENDER_CASES)
def test_every_gender_spelling(written: str, code: str) -> None:
    for form in (written, written.upper(), written.capitalize()):
        result = one_row({"gender": form})
        assert result.ok, result.errors
        assert result.rows[0].gender == code
    assert set(GENDER_SPELLINGS) == set(GENDERS)


@pytest.mark.parametrize(
    ("letters", "expected", "warned"),
    [
        (["F", "M", "m", "f"], ["female", "male", "male", "female"], False),
        (["M", "M"], ["male", "male"], False),  # F/M unless the column says otherwise
        (["H", "M", "h"], ["male", "female", "male"], True),
        (["H", "mujer", "Hombre"], ["male", "female", "male"], True),
        (["Femenino", "Masculino", "otro"], ["female", "male", "other"], False),
    ],
)
def test_gender_letters_follow_the_sheet(letters: list[str], expected: list[str], warned: bool) -> None:
    result = read(HEADER + "\n" + "".join(f"1,Persona {n} Tzul,,,,{g},\n" for n, g in enumerate(letters)))
    assert result.ok
    assert [row.gender for row in result.rows] == expected
    assert [w.code for w in result.warnings] == (["gender_hm_letters"] if warned else [])


def test_m_is_ambiguous_when_the_column_has_h_and_f() -> None:
    result = read(HEADER + "\n1,Ana Tzul,,,,F,\n1,Luis Cux,,,,H,\n1,Rosa Ajú,,,,M,\n1,Eva Sic,,,,mujer,\n")
    assert codes(result) == [(4, "gender", "gender_ambiguous")]
    assert [row.gender for row in result.rows] == ["female", "male", "female"]


DEPARTMENT_CASES = [(name, name) for name in GUATEMALA_DEPARTMENTS]
DEPARTMENT_CASES += [(strip_accents(name).upper(), name) for name in GUATEMALA_DEPARTMENTS]
DEPARTMENT_CASES += [(strip_accents(name).lower(), name) for name in GUATEMALA_DEPARTMENTS]
DEPARTMENT_CASES += sorted(GUATEMALA_DEPARTMENT_ALIASES.items())
DEPARTMENT_CASES += [
    ("EL QUICHE", "Quiché"),
    ("el quiché", "Quiché"),
    ("  Alta   Verapaz ", "Alta Verapaz"),
    ("Departamento de Guatemala", "Guatemala"),
    ("Depto. de Zacapa", "Zacapa"),
    ("Quetzaltenango (Xela)", "Quetzaltenango"),
    ("Sacatepequez", "Sacatepéquez"),
    ("SOLOLÁ", "Sololá"),
]


@pytest.mark.parametrize(("written", "name"), DEPARTMENT_CASES)
def test_every_department_spelling(written: str, name: str) -> None:
    result = one_row({"department": written})
    assert result.ok, result.errors
    assert result.rows[0].department == name


def test_twenty_two_departments() -> None:
    assert len(GUATEMALA_DEPARTMENTS) == len(set(GUATEMALA_DEPARTMENTS)) == 22


def test_another_country_s_departments() -> None:
    data = (HEADER + "\n1,Ana Tzul,,,,,Cortés\n1,Luis Cux,,,,,Guatemala\n").encode()
    result = read_attendance(data, MEETINGS, departments=("Cortés", "Olancho"), department_aliases={})
    assert result.rows[0].department == "Cortés"
    assert codes(result) == [(3, "department", "department_unknown")]
    assert result.errors[0].params["departments"] == ["Cortés", "Olancho"]
    with pytest.raises(ValueError, match="not a department"):
        read_attendance(
            data, MEETINGS, departments=("Cortés",), department_aliases={"Tegus": "Francisco Morazán"}
        )


@pytest.mark.parametrize(
    "email", ["ana@x.org", " Ana.Tzul@INAP.gob.gt ", "a+b@mail.co.uk", "mailto:ana@x.org", "ñandú@correo.gt"]
)
def test_emails_accepted(email: str) -> None:
    result = one_row({"email": email})
    assert result.ok, result.errors
    assert "@" in result.rows[0].email and not result.rows[0].email.startswith(("mailto", " "))


# --- Bad files: every problem, with its row, column and code -------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "code", "params"),
    [
        ({"meeting": ""}, "meeting", "required", {}),
        ({"meeting": "16"}, "meeting", "unknown_meeting", {"key": "16", "known": "0–15, final"}),
        (
            {"meeting": "Reunión de trabajo 16"},
            "meeting",
            "unknown_meeting",
            {"key": "16", "known": "0–15, final"},
        ),
        ({"meeting": "mañana"}, "meeting", "meeting_unreadable", {"known": "0–15, final"}),
        ({"name": ""}, "name", "required", {}),
        ({"name": "   "}, "name", "required", {}),
        ({"name": "123"}, "name", "name_invalid", {}),
        ({"name": "--"}, "name", "name_invalid", {}),
        ({"email": "ana"}, "email", "email_invalid", {}),
        ({"email": "ana@x"}, "email", "email_invalid", {}),
        ({"email": "ana.x.org"}, "email", "email_invalid", {}),
        ({"email": "ana@.org"}, "email", "email_invalid", {}),
        ({"email": "ana@x.org."}, "email", "email_invalid", {}),
        ({"email": "ana@x.org; luis@x.org"}, "email", "email_invalid", {}),
        ({"email": "ana @x.org"}, "email", "email_invalid", {}),
        ({"organization_kind": "ciudadano"}, "organization_kind", "organization_kind_unknown", None),
        ({"gender": "X"}, "gender", "gender_unknown", {"genders": ["female", "male", "other"]}),
        ({"gender": "1"}, "gender", "gender_unknown", {"genders": ["female", "male", "other"]}),
        ({"department": "Narnia"}, "department", "department_unknown", None),
        ({"department": "Tegucigalpa"}, "department", "department_unknown", None),
    ],
)
def test_each_bad_cell(cells: dict[str, str], column: str, code: str, params: dict[str, Any] | None) -> None:
    error = only_error(one_row(cells))
    assert (error.row, error.column, error.code) == (2, column, code)
    assert error.code in ERROR_CODES
    assert error.expected and error.message.startswith("Row 2, ")
    position = ATTENDANCE_COLUMNS.index(column)
    assert error.params["header"] == column
    assert error.params["cell"] == f"{string.ascii_uppercase[position]}2"
    if params is not None:
        assert {k: error.params[k] for k in params} == params


def test_every_error_is_reported() -> None:
    result = read(
        HEADER + "\n"
        "1,Ana Tzul,ana@x.org,,,F,Jalapa\n"
        "16,,ana@x,,ciudadano,X,Narnia\n"
        "final,Luis Cux,,,,,\n"
        "tres,123,,,,,\n"
        "0,Rosa Ajú,,,,,Petén,extra\n"
    )
    assert codes(result) == [
        (3, "meeting", "unknown_meeting"),
        (3, "name", "required"),
        (3, "email", "email_invalid"),
        (3, "organization_kind", "organization_kind_unknown"),
        (3, "gender", "gender_unknown"),
        (3, "department", "department_unknown"),
        (5, "meeting", "meeting_unreadable"),
        (5, "name", "name_invalid"),
        (6, "", "too_many_cells"),
    ]
    assert [row.row for row in result.rows] == [2, 4]  # the good rows are read; the caller imports none
    assert not result.ok
    assert result.errors[1].value == ""
    assert result.errors[2].value == "ana@x"


def test_missing_columns() -> None:
    error = only_error(read("Nombre,Correo\nAna Tzul,ana@x.org\n"))
    assert (error.row, error.column, error.code) == (1, "meeting", "missing_column")
    assert error.params == {"columns": ["meeting"], "required": ["meeting", "name"]}
    both = only_error(read("Reunión,Correo,Sexo\n1,ana@x.org,F\n"))
    assert (both.column, both.params["columns"]) == ("name", ["name"])


def test_duplicate_column() -> None:
    result = read("Reunión,Nombre,Correo,E-mail\n1,Ana Tzul,ana@x.org,otro@x.org\n")
    assert codes(result) == [(1, "email", "duplicate_column")]
    assert result.errors[0].params["first"] == "Correo"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b" \n\n", "empty_file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary_file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls_not_supported"),
        (b"PK\x03\x04 not a zip", "xlsx_unreadable"),
        (b"hola,mundo\n1,2\n", "no_header"),
    ],
)
def test_not_a_spreadsheet_raises_sheet_error(data: bytes, code: str) -> None:
    with pytest.raises(SheetError) as raised:
        read_attendance(data, MEETINGS)
    assert raised.value.code == code


def test_too_many_rows() -> None:
    text = "reunion,nombre\n" + "1,Ana Tzul\n" * 6
    assert len(read(text, max_rows=6).rows) == 6
    with pytest.raises(SheetError) as raised:
        read(text, max_rows=5)
    assert raised.value.code == "too_many_rows"


@pytest.mark.parametrize(
    ("known", "message"),
    [
        ({"1": "a", "01": "b"}, "different meetings"),
        ({"mañana": "a"}, "not a meeting"),
    ],
)
def test_bad_known_meetings(known: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_attendance(b"reunion,nombre\n1,Ana Tzul\n", known)


def test_known_meetings_in_any_spelling_and_description() -> None:
    known = {"inicial": "i", "1": "w1", "02": "w2", "Reunión final": "f"}
    result = read_attendance(b"reunion,nombre\n0,Ana Tzul\n2,Ana Tzul\nfinal,Ana Tzul\n5,Ana Tzul\n", known)
    assert [row.meeting for row in result.rows] == ["i", "w2", "f"]
    assert result.errors[0].params["known"] == "0–2, final"
    described = read_attendance(b"reunion,nombre\n5,Ana Tzul\n", known, "the four meetings")
    assert described.errors[0].params["known"] == "the four meetings"


# --- Warnings ------------------------------------------------------------------------------------


def test_the_same_person_twice_in_one_meeting() -> None:
    result = read(
        HEADER + "\n"
        "1,María José Pérez,,,,,\n"
        '1,"PEREZ, Maria Jose",,,,,\n'  # same name key
        "1,Juan Cux,jc@x.org,,,,\n"
        "1,J. Cux,JC@x.org,,,,\n"  # same email
        "2,María José Pérez,,,,,\n"  # another meeting: fine
        "1,María Pérez,,,,,\n"  # a different person
        "1,Ana,,,,,\n"
        "1,Ana,,,,,\n"  # one word identifies nobody
    )
    assert result.ok
    assert len(result.rows) == 8  # warnings never drop a row
    assert [(w.row, w.column, w.code, w.params["first_row"], w.params["by"]) for w in result.warnings] == [
        (3, "name", "duplicate_person", 2, "name"),
        (5, "email", "duplicate_person", 4, "email"),
    ]
    assert all(w.code in WARNING_CODES for w in result.warnings)


def test_formula_like_cells_read_as_written() -> None:
    result = read(HEADER + "\n1,'=Ana Tzul,,'-INAP,,,\n")
    assert result.rows[0].name == "=Ana Tzul"
    assert result.rows[0].organization == "-INAP"


# --- Properties ----------------------------------------------------------------------------------

names = st.text(alphabet=string.ascii_letters + "áéíóúñÁÉÍÓÚÑ ", min_size=1, max_size=20).filter(
    lambda s: any(ch.isalpha() for ch in s)
)
people_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(MEETINGS)),
        names,
        st.sampled_from(("", "ana@x.org", "luis.cux@inap.gob.gt")),
        st.sampled_from(("", "INAP", "Guatecívica", "Fundación, Manos")),
        st.sampled_from(("", *ORGANIZATION_KINDS, "Sociedad civil", "gobierno")),
        st.sampled_from(("", "female", "male", "other", "Mujer", "Hombre", "F")),
        st.sampled_from(("", *GUATEMALA_DEPARTMENTS, "el quiche")),
    ),
    max_size=8,
)


@PROPERTY
@given(rows=people_rows, as_xlsx=st.booleans())
def test_valid_rows_round_trip(rows: list[tuple[str, ...]], as_xlsx: bool) -> None:
    if as_xlsx:
        data = write_xlsx([list(row) for row in rows], list(ATTENDANCE_COLUMNS))
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(ATTENDANCE_COLUMNS)
        writer.writerows(rows)
        data = out.getvalue().encode()
    result = read_attendance(data, MEETINGS)
    assert result.ok, result.errors
    kept = [row for row in rows if row[1].strip()]
    assert [(r.meeting, r.name) for r in result.rows] == [
        (MEETINGS[row[0]], " ".join(row[1].split())) for row in kept
    ]
    assert all(r.organization_kind in ("", *ORGANIZATION_KINDS) for r in result.rows)
    assert all(r.gender in ("", *GENDERS) for r in result.rows)
    assert all(r.department in ("", *GUATEMALA_DEPARTMENTS) for r in result.rows)


@PROPERTY
@given(st.binary(max_size=300))
def test_any_bytes_give_a_result_or_a_sheet_error(data: bytes) -> None:
    try:
        result = read_attendance(data, MEETINGS)
    except SheetError as exc:
        assert exc.code
    else:
        assert all(e.code in ERROR_CODES for e in result.errors)
        assert all(w.code in WARNING_CODES for w in result.warnings)
