"""Sign-in sheets of co-creation meetings, typed into a spreadsheet: who came to which meeting.

:func:`read_attendance` takes the bytes of a CSV or XLSX upload (read as in
:mod:`cocrea.computations.sheets`: encodings, delimiters, header search, formula-safe cells) with the
columns ``meeting,name,email,organization,organization_kind,gender,department`` (Spanish headings
too: ``reunión``, ``nombre``, ``correo``, ``organización``/``institución``, ``tipo de organización``,
``género``/``sexo``, ``departamento``), and optionally ``surname`` (``apellidos``) for sheets that
split ``Nombres`` and ``Apellidos``, and returns a :class:`~cocrea.computations.sheets.SheetResult`
of :class:`AttendanceRow`: the valid rows, **every** problem found and the things worth a look.

``meeting`` is the meeting's place in the schedule: ``0`` (or ``inicial``) for the initial one,
``1``…``N`` (``01``, ``Reunión de Trabajo 3``) for the working meetings, ``final`` for the last. The
caller passes ``known_meetings`` keyed the same way (``"0"``, ``"1"``, …, ``"final"``).

Organisation kinds and genders are read in Spanish or English and given as codes (see
:data:`KIND_SPELLINGS`, :data:`GENDER_SPELLINGS`); departments are matched without case or accents
and given in their canonical spelling (by default Guatemala's 22, see :data:`GUATEMALA_DEPARTMENTS`).

Genders written as single letters follow the sheet's convention: ``F``/``M`` (femenino, masculino)
unless the column has ``H`` and no ``F``, then ``H``/``M`` (hombre, mujer), with a warning that says
so. With ``H``, ``F`` and ``M`` in one column, ``M`` cannot be read and is an error.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cocrea.computations.matching import identity_keys
from cocrea.computations.sheets import (
    MAX_ROWS,
    RowWarning,
    SheetResult,
    _as_text,
    _Cells,
    _fail,
    _identity,
    _open_table,
    describe_keys,
)
from cocrea.computations.text import clean_spaces, fold

T = TypeVar("T")

# --- Columns -------------------------------------------------------------------------------------

ATTENDANCE_COLUMNS = ("meeting", "name", "email", "organization", "organization_kind", "gender", "department")
ATTENDANCE_REQUIRED = ("meeting", "name")
ATTENDANCE_HEADERS: dict[str, tuple[str, ...]] = {
    "meeting": (
        "meeting",
        "meeting no",
        "meeting number",
        "reunion",
        "reunion no",
        "no reunion",
        "numero de reunion",
        "no de reunion",
        "sesion",
    ),
    "name": (
        "name",
        "full name",
        "participant",
        "nombre",
        "nombres",
        "nombre completo",
        "nombres y apellidos",
        "nombre y apellido",
        "participante",
    ),
    "email": (
        "email",
        "e mail",
        "email address",
        "mail",
        "correo",
        "correo electronico",
        "email correo",
        "correo email",
    ),
    "organization": (
        "organization",
        "organisation",
        "institution",
        "organizacion",
        "institucion",
        "entidad",
        "organizacion institucion",
        "institucion organizacion",
        "institucion u organizacion",
        "organizacion o institucion",
    ),
    "organization_kind": (
        "organization kind",
        "organization type",
        "organisation type",
        "kind",
        "type",
        "sector",
        "tipo",
        "tipo de organizacion",
        "tipo de institucion",
        "tipo de entidad",
        "tipo organizacion",
    ),
    "gender": ("gender", "sex", "genero", "sexo"),
    "department": ("department", "departamento", "depto"),
    # Optional: sheets with ``Nombres`` and ``Apellidos`` columns; the name is both, in that order.
    "surname": ("surname", "surnames", "last name", "family name", "apellido", "apellidos"),
}

# --- Codes ---------------------------------------------------------------------------------------

ORGANIZATION_KINDS = ("government", "civil_society", "academia", "private_sector", "international", "other")
KIND_SPELLINGS: dict[str, tuple[str, ...]] = {
    "government": (
        "gobierno",
        "gubernamental",
        "sector publico",
        "publico",
        "publica",
        "institucion publica",
        "entidad publica",
        "estado",
        "gobierno central",
        "gobierno local",
        "municipalidad",
        "government",
        "public sector",
        "public",
    ),
    "civil_society": (
        "sociedad civil",
        "organizacion de sociedad civil",
        "organizacion de la sociedad civil",
        "osc",
        "ong",
        "organizacion no gubernamental",
        "civil society",
        "civil society organization",
        "cso",
        "ngo",
    ),
    "academia": (
        "academia",
        "academico",
        "academica",
        "universidad",
        "centro de investigacion",
        "university",
        "academic",
    ),
    "private_sector": (
        "sector privado",
        "privado",
        "privada",
        "empresa",
        "empresa privada",
        "private sector",
        "private",
        "business",
        "company",
    ),
    "international": (
        "cooperacion internacional",
        "organismo internacional",
        "organizacion internacional",
        "internacional",
        "cooperacion",
        "embajada",
        "international",
        "international cooperation",
        "international organization",
        "embassy",
    ),
    "other": ("otro", "otra", "otros", "other"),
}
GENDERS = ("female", "male", "other")
GENDER_SPELLINGS: dict[str, tuple[str, ...]] = {
    "female": ("f", "mujer", "femenino", "female", "woman", "fem"),
    "male": ("m", "hombre", "masculino", "male", "man", "masc"),
    "other": ("otro", "otra", "other", "no binario", "non binary", "nonbinary"),
}
GUATEMALA_DEPARTMENTS = (
    "Alta Verapaz",
    "Baja Verapaz",
    "Chimaltenango",
    "Chiquimula",
    "El Progreso",
    "Escuintla",
    "Guatemala",
    "Huehuetenango",
    "Izabal",
    "Jalapa",
    "Jutiapa",
    "Petén",
    "Quetzaltenango",
    "Quiché",
    "Retalhuleu",
    "Sacatepéquez",
    "San Marcos",
    "Santa Rosa",
    "Sololá",
    "Suchitepéquez",
    "Totonicapán",
    "Zacapa",
)
GUATEMALA_DEPARTMENT_ALIASES: dict[str, str] = {
    "El Quiché": "Quiché",
    "El Petén": "Petén",
    "Progreso": "El Progreso",
    "Xela": "Quetzaltenango",
    "Ciudad de Guatemala": "Guatemala",
}

ERROR_CODES = frozenset(
    {
        "missing_column",  # params: columns (missing), required
        "duplicate_column",  # params: header, first
        "too_many_cells",  # CSV row longer than its header: params: cells, width, extra
        "required",  # meeting or name empty
        "meeting_unreadable",  # params: known
        "unknown_meeting",  # read, but not in the schedule: params: key, known
        "name_invalid",  # no letter in it
        "email_invalid",
        "organization_kind_unknown",  # params: kinds
        "gender_unknown",  # params: genders
        "gender_ambiguous",  # M in a column that has both H and F
        "department_unknown",  # params: departments
    }
)
WARNING_CODES = frozenset(
    {
        "extra_columns",
        "rows_before_header",
        "other_sheets_ignored",
        "value_outside_columns",
        "no_rows",
        "gender_hm_letters",  # the column reads H = hombre, M = mujer
        "duplicate_person",  # params: first_row, by ("email" or "name")
    }
)


@dataclass(frozen=True)
class AttendanceRow(Generic[T]):
    row: int  # as the person sees it in the spreadsheet: the first row of the file is 1
    meeting: T
    name: str
    email: str
    organization: str
    organization_kind: str  # a code of ORGANIZATION_KINDS, or ""
    gender: str  # a code of GENDERS, or ""
    department: str  # its canonical spelling, or ""
    meeting_key: str = ""  # "0", "1", ..., "final": the cell as read


# --- Reader --------------------------------------------------------------------------------------


def read_attendance(
    data: bytes,
    known_meetings: Mapping[str, T],
    describe_known: str | None = None,
    *,
    departments: Sequence[str] = GUATEMALA_DEPARTMENTS,
    department_aliases: Mapping[str, str] = GUATEMALA_DEPARTMENT_ALIASES,
    max_rows: int = MAX_ROWS,
) -> SheetResult[AttendanceRow[T]]:
    """Read a sign-in sheet: ``meeting,name,email,organization,organization_kind,gender,department``.

    ``known_meetings`` maps the schedule's meetings (``"0"``, ``"1"``…, ``"final"``; any spelling
    :func:`meeting_key` reads) to the caller's target. Raises
    :class:`~cocrea.computations.sheets.SheetError` only for a file that is not a table; raises
    ``ValueError`` for a ``known_meetings`` key that is not a meeting, or two keys naming one meeting
    with different targets.
    """
    meetings = _Meetings(known_meetings, describe_known)
    places = _Departments(departments, department_aliases)
    table, header = _open_table(data, ATTENDANCE_HEADERS, ATTENDANCE_REQUIRED, max_rows)
    records = list(header.records())
    position = header.columns.get("gender")
    letters = set()
    if position is not None:
        letters = {fold(_as_text(values[position])) for _, values in records if position < len(values)}
    hm_letters = "h" in letters and "f" not in letters
    m_ambiguous = "h" in letters and "f" in letters
    if hm_letters:
        table.warnings.append(
            RowWarning(
                header.row,
                "gender",
                "",
                "the gender column uses H and M: read as H = hombre (male), M = mujer (female)",
                "gender_hm_letters",
                {},
            )
        )

    def parse_gender(value: object) -> str:
        key = fold(_as_text(value))
        if key == "m" and m_ambiguous:
            _fail(
                "gender_ambiguous",
                "F or M, or H or M, in one column, not both: write mujer, hombre or otro",
                genders=list(GENDERS),
            )
        if key == "h":
            return "male"
        if key == "m" and hm_letters:
            return "female"
        code = _GENDER_BY_SPELLING.get(key)
        if code is None:
            _fail(
                "gender_unknown",
                "F, M, mujer, hombre, otro (female, male, other), or empty",
                genders=list(GENDERS),
            )
        return code

    rows: list[AttendanceRow[T]] = []
    seen: dict[tuple[Hashable, str], int] = {}
    for record in records:
        cells = _Cells(record, header)
        key, meeting = cells.parse("meeting", meetings.find) or ("", None)
        name = cells.parse("name", _parse_name) or ""
        surname = clean_spaces(cells.text("surname"))
        if name and surname:
            name = f"{name} {surname}"
        email = cells.parse("email", _parse_email, required=False) or ""
        organization = clean_spaces(cells.text("organization"))
        kind = cells.parse("organization_kind", _parse_kind, required=False) or ""
        gender = cells.parse("gender", parse_gender, required=False) or ""
        department = cells.parse("department", places.find, required=False) or ""
        if cells.errors or meeting is None or not name:
            table.errors.extend(cells.errors)
            table.warnings.extend(cells.warnings)
            continue
        for identity in identity_keys(name, email):
            first = seen.setdefault((_identity(meeting.target), identity), cells.row)
            if first != cells.row:
                by = identity.split(":", 1)[0]
                column = "email" if by == "email" else "name"
                cells.warn(
                    column,
                    "duplicate_person",
                    f"the same person ({by}) signed in for this meeting in row {first}",
                    first_row=first,
                    by=by,
                )
                break
        table.warnings.extend(cells.warnings)
        rows.append(
            AttendanceRow(
                row=cells.row,
                meeting=meeting.target,
                name=name,
                email=email,
                organization=organization,
                organization_kind=kind,
                gender=gender,
                department=department,
                meeting_key=key,
            )
        )
    return table.result(rows, header)


# --- Meetings ------------------------------------------------------------------------------------

_INITIAL = frozenset(
    [
        "inicial",
        "reunion inicial",
        "reunion de inicio",
        "inicio",
        "apertura",
        "reunion de apertura",
        "initial",
        "initial meeting",
        "kick off",
        "kickoff",
    ]
)
_FINAL = frozenset(
    [
        "final",
        "reunion final",
        "reunion de cierre",
        "cierre",
        "clausura",
        "final meeting",
        "closing",
        "closing meeting",
    ]
)
_MEETING_NUMBER = re.compile(
    r"(?:(?:reunion|meeting|sesion|session|mesa)\s+)?"
    r"(?:(?:de\s+)?(?:trabajo|working|work)\s+)?"
    r"(?:(?:meeting|reunion|rt)\s+)?"
    r"(?:(?:no|nro|num|numero|number|n)\s*)?"
    r"(\d{1,3})"
)


def meeting_key(text: str) -> str | None:
    """``"01"`` → ``"1"``, ``"Reunión de Trabajo 3"`` → ``"3"``, ``"inicial"`` → ``"0"``, ``"Final"`` →
    ``"final"``; ``None`` when the text does not name a meeting. Parentheses are ignored."""
    key = fold(re.sub(r"\([^)]*\)", " ", text)).replace("_", " ")
    key = " ".join(key.split())
    if key in _INITIAL:
        return "0"
    if key in _FINAL:
        return "final"
    match = _MEETING_NUMBER.fullmatch(key)
    return str(int(match.group(1))) if match else None


@dataclass(frozen=True)
class _Found(Generic[T]):
    target: T


class _Meetings(Generic[T]):
    def __init__(self, known: Mapping[str, T], describe: str | None) -> None:
        self.by_key: dict[str, T] = {}
        for raw, target in known.items():
            key = meeting_key(raw)
            if key is None:
                raise ValueError(f"{raw!r} is not a meeting: use 0, 1, 2, ... or final")
            if key in self.by_key and self.by_key[key] is not target and self.by_key[key] != target:
                raise ValueError(
                    f"keys {raw!r} and another one both read {key!r} but name different meetings"
                )
            self.by_key[key] = target
        self.described = describe if describe is not None else describe_keys(self.by_key)

    def find(self, value: object) -> tuple[str, _Found[T]]:
        key = meeting_key(_as_text(value))
        expected = f"a meeting of the schedule: {self.described} (0 is the initial meeting)"
        if key is None:
            _fail("meeting_unreadable", expected, known=self.described)
        if key not in self.by_key:
            _fail("unknown_meeting", expected, key=key, known=self.described)
        return key, _Found(self.by_key[key])


# --- Cells ---------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+")


def _parse_name(value: object) -> str:
    name = clean_spaces(_as_text(value))
    if not any(ch.isalpha() for ch in name):
        _fail("name_invalid", "a person's name, with letters")
    return name


def _parse_email(value: object) -> str:
    email = _as_text(value).strip()
    email = email[len("mailto:") :].strip() if email.casefold().startswith("mailto:") else email
    if not _EMAIL.fullmatch(email):
        _fail("email_invalid", "one email address, like nombre@institucion.gob.gt, or empty")
    return email


def _spelling_key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").split())


_KIND_BY_SPELLING = {
    _spelling_key(spelling): code
    for code, spellings in KIND_SPELLINGS.items()
    for spelling in (code, *spellings)
}
_GENDER_BY_SPELLING = {
    _spelling_key(spelling): code
    for code, spellings in GENDER_SPELLINGS.items()
    for spelling in (code, *spellings)
}


def _parse_kind(value: object) -> str:
    code = _KIND_BY_SPELLING.get(_spelling_key(_as_text(value)))
    if code is None:
        _fail(
            "organization_kind_unknown",
            "one of gobierno, sociedad civil, academia, sector privado, cooperación internacional, otro"
            " (government, civil_society, academia, private_sector, international, other), or empty",
            kinds=list(ORGANIZATION_KINDS),
        )
    return code


class _Departments:
    def __init__(self, names: Sequence[str], aliases: Mapping[str, str]) -> None:
        self.names = tuple(names)
        self.by_key = {_spelling_key(name): name for name in names}
        for alias, name in aliases.items():
            if name not in self.names:
                raise ValueError(f"alias {alias!r} names {name!r}, which is not a department")
            self.by_key.setdefault(_spelling_key(alias), name)

    def find(self, value: object) -> str:
        text = re.sub(r"\([^)]*\)", " ", _as_text(value))
        key = _spelling_key(text)
        key = re.sub(r"^(?:departamento|depto|dpto|department)(?: de(?:l)?)? ", "", key)
        found = self.by_key.get(key)
        if found is None:
            _fail(
                "department_unknown", f"a department: {', '.join(self.names)}", departments=list(self.names)
            )
        return found
