"""The tracking spreadsheet a government keeps for its Open Government action plan.

Most governments track their plan in a spreadsheet: one row per milestone (or activity) with the
commitment's name, the responsible entities, the milestone, its product, what was done, evidence,
observations, start and end dates and completion. :func:`read_tracker` reads the bytes of such a
file, CSV or XLSX, read as :mod:`cocrea.computations.sheets` reads uploads (encoding detection,
delimiter sniffing, the XLSX size and complexity limits, formula-safe cells), and returns a
:class:`TrackerResult`: the rows, the commitments they make (grouped by name) and every problem
found (:class:`Finding`). :func:`check_report` turns it into the plain dict that
``cocrea import-tracker --check --format json`` prints. Bad content never raises; only a file that
is not a table with a recognisable header row raises :class:`TrackerError`.

**Columns** are found by their header words, in Spanish or English, in any order (see
:data:`TRACKER_HEADERS` for the exact spellings and :func:`column_for_header` for the word rules
that read long headers such as ``Soporte de las acciones desarrolladas (relación de las
evidencias…)``). The header is the row naming the most columns (two at least) among the first
:data:`~cocrea.computations.sheets.HEADER_SEARCH_ROWS` rows that hold something: title rows above
it are skipped with a warning. A second header row under cells such as ``Fechas`` (``Inicio`` |
``Fin``) is read too. Only ``milestone`` is required, and ``commitment`` unless the caller names
the commitment. ``Actividad`` alone (or ``Meta``) is the milestone column; with both a milestone
column (``Hito``) and an activity column (``Actividad``), each row is an activity of the milestone
named on it or above it. ``Descripción del hito`` with no ``Hito`` column is the milestone's title.
Besides the columns of the issue, a tracker may give the commitment's OGP id (``Código``), the
milestone's number (``No. de hito``), a period in one cell (``Período``: ``20/10/2020 al
15/11/2020``, ``Octubre 2020 - Septiembre 2022``, ``2020-2022``), actual dates (``Fecha de inicio
real``), a status (``Estado``) and a weight (``Ponderación``).

**Workbooks**: every sheet with a header row is read, in order (a cover or instructions sheet is
skipped with a warning); when several are, a sheet with no commitment column is the commitment
named by its title (one sheet per commitment). Links behind cells (a hyperlink, a
``=HYPERLINK(…)`` formula) in the evidence, product, description and observations columns are
evidence too. Findings and rows say their ``sheet``.

**Rows.** A blank commitment cell means "same as above" (merged cells read blank); so does a blank
institutions cell inside one commitment, and a blank milestone cell when the sheet has an activity
column. A row naming only a commitment (its institutions or dates) is the commitment's heading. A
row whose first cell starts with ``Total``, ``Promedio``, ``Nota``, ``Fuente``… is a summary or a
note, and the header row repeated is a repetition: both skipped with a warning. Blank rows are
skipped. A row with errors is kept in the result with what could be read, so that the report
shows it; a second row of a milestone already read (``duplicate_milestone``) is not. Evidence is
split into links (``http(s)://``, ``www.``, a ``.gob``/``.gov``/``.org``… address with a path) and
the text that is not a link (``evidence_text``, never dropped).

**Lines.** ``line`` is where the row starts in the file: the row number of an XLSX sheet, the
physical line of a CSV (a cell holding line breaks makes a record span several lines).

**Dates**: date cells, Excel serial numbers (``44124``), ``2020-10-20``, ``20/10/2020``,
``20-10-2020``, ``20.10.2020``, ``20/10/20``, ``20 de octubre de 2020``, ``20 octubre 2020``,
``October 20, 2020``, ``20 Oct 2020``; a month alone (``Oct 2020``, ``octubre de 2020``,
``oct-20``, ``10/2020``) is its first day as a start and its last day as an end, a year alone
likewise. Numeric dates are day first, unless the file writes some with a second number above 12
and none with a first number above 12: then the whole file is month first (a warning says so).

**Completion** becomes a number from 0 to 100: ``100%``, ``45,5 %`` and ``50`` are percents; a
bare number strictly between 0 and 1 (``0,5``) is a fraction, and when every bare number of the
column lies between 0 and 1, ``1`` is 100 % too (a warning says the column was read as fractions).
Words are mapped by :data:`STATUS_COMPLETION`: done words (``Completado``, ``Cumplido``,
``Complete``…) are 100 and not-started words (``No iniciado``, ``Pendiente``…) 0, silently; words of
work under way (``En proceso`` 50, ``Limitado`` 25, ``Sustancial`` 75…) give that estimate with a
``completion_from_status`` warning; ``Retrasado``, ``Cancelado``, ``On track``, ``En riesgo`` give a
status and no number. ``N/A``, ``Por definir``, ``TBD``, ``-`` (:data:`NOT_GIVEN`) in a date,
period, completion or status cell are read as blank. A status column
is read with the same words; when both are given and disagree, a warning says so.

A **commitment's completion** is the mean of its milestones' completions, a milestone left blank
counting as 0 and a cancelled one not at all, or the weighted mean when weights are given (a
``Peso``/``Ponderación`` column, or the ``weights`` argument, which wins); ``None`` when no milestone
has a completion. A milestone with activities takes the mean of theirs, its earliest start and its
latest end. An activity's number or letter is the one its title starts with (:func:`activity_code`:
``05. Taller…``, ``b) Taller…``). A commitment's period is the one its heading row or the
``periods`` argument gives, else its milestones' earliest start and latest end.

**Institutions** are split by :func:`~cocrea.computations.orgnames.split_institutions` and matched
to a directory with :func:`match_institutions`.

Every finding has a stable ``code`` (:data:`ERROR_CODES`, :data:`WARNING_CODES`), the ``line``
(and ``sheet``), the canonical ``column``, the ``value`` as written, ``params`` (with the header as
written and the cell, ``C5``, where a cell is concerned) and an English ``expected``; the
presentation layer words it. Import only when ``result.ok`` (no errors); warnings never block.

For the importer::

    result = read_tracker(data)                   # TrackerError (a SheetError) if unreadable
    report = check_report(result)                 # --check --format json
    refs = match_institutions(result, directory)  # InstitutionName.key → OrgRef | None
    for commitment in result.commitments: ...     # TrackerCommitment → TrackerMilestone → rows
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Protocol
from xml.parsers import expat

from cocrea.computations.matching import organization_ref
from cocrea.computations.months import MonthParseError, parse_month, parse_month_range
from cocrea.computations.orgnames import Directory, InstitutionName, OrgRef, split_institutions
from cocrea.computations.sheets import (
    _OLE_MAGIC,
    _XLSX_MAGIC,
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    Record,
    RowError,
    RowWarning,
    SheetError,
    _as_text,
    _Cells,
    _csv_parse,
    _decimal,
    _decode,
    _fail,
    _Header,
    _Invalid,
    _is_blank,
    _plain,
    _read_records,
    _Table,
    _xlsx_sheets,
    header_key,
    row_limit,
)
from cocrea.computations.text import clean_spaces, fold

# --- Columns -------------------------------------------------------------------------------------

TRACKER_COLUMNS = (
    "commitment",
    "commitment_id",
    "institutions",
    "milestone_id",
    "milestone",
    "activity",
    "product",
    "description",
    "evidence",
    "observations",
    "start",
    "end",
    "period",
    "actual_start",
    "actual_end",
    "completion",
    "status",
    "weight",
)
# Columns whose cells, when several columns carry the name, are read together (one after another).
MULTI_COLUMNS = frozenset({"evidence", "observations", "description"})

# Exact spellings, compared after :func:`~cocrea.computations.sheets.header_key`. Headers not listed
# are read by the word rules of :func:`column_for_header`.
TRACKER_HEADERS: dict[str, tuple[str, ...]] = {
    "commitment": (
        "compromiso",
        "compromisos",
        "nombre del compromiso",
        "titulo del compromiso",
        "commitment",
        "commitments",
        "commitment title",
        "commitment name",
    ),
    "commitment_id": (
        "id",
        "codigo",
        "code",
        "ogp id",
        "id ogp",
        "codigo ogp",
        "commitment id",
        "id del compromiso",
        "codigo del compromiso",
        "no de compromiso",
        "numero de compromiso",
        "commitment no",
        "commitment number",
    ),
    "institutions": (
        "responsable",
        "responsables",
        "entidad responsable",
        "entidades responsables",
        "institucion responsable",
        "instituciones responsables",
        "institucion",
        "instituciones",
        "entidad",
        "entidades",
        "responsible",
        "responsible institution",
        "responsible institutions",
        "responsible entity",
        "responsible entities",
        "lead institution",
        "lead agency",
        "implementing agency",
        "implementing agencies",
    ),
    "milestone_id": (
        "no de hito",
        "numero de hito",
        "no hito",
        "milestone no",
        "milestone number",
        "milestone id",
    ),
    "milestone": (
        "hito",
        "hitos",
        "milestone",
        "milestones",
        "hito o actividad",
        "milestone activity",
        "milestone activity with a verifiable deliverable",
        "nombre del hito",
        "titulo del hito",
        "meta",
        "metas",
        "meta o hito",
    ),
    "activity": (
        "actividad",
        "actividades",
        "accion",
        "acciones",
        "activity",
        "activities",
        "action",
        "actions",
        "actividad o hito",
    ),
    "product": (
        "producto",
        "productos",
        "entregable",
        "entregables",
        "producto o entregable",
        "product",
        "products",
        "deliverable",
        "deliverables",
        "output",
        "outputs",
        "resultado esperado",
        "expected result",
        "expected output",
    ),
    "description": (
        "descripcion",
        "descripcion de lo realizado",
        "acciones realizadas",
        "acciones desarrolladas",
        "avance cualitativo",
        "description",
        "progress description",
        "description of progress",
        "actions taken",
        "what was done",
    ),
    "evidence": (
        "evidencia",
        "evidencias",
        "medio de verificacion",
        "medios de verificacion",
        "soporte",
        "soportes",
        "enlace",
        "enlaces",
        "link",
        "links",
        "evidence",
        "means of verification",
        "supporting evidence",
    ),
    "observations": (
        "observacion",
        "observaciones",
        "comentario",
        "comentarios",
        "nota",
        "notas",
        "observations",
        "comments",
        "comment",
        "notes",
        "note",
        "remarks",
    ),
    "start": ("inicio", "fecha de inicio", "fecha inicio", "start", "start date", "begin", "begins"),
    "end": (
        "fin",
        "fecha de fin",
        "fecha fin",
        "fecha final",
        "fecha de finalizacion",
        "fecha de termino",
        "fecha de cierre",
        "end",
        "end date",
        "due date",
        "deadline",
        "completion date",
    ),
    "period": ("periodo", "plazo", "periodo de ejecucion", "cronograma", "period", "timeline", "timeframe"),
    "actual_start": (
        "inicio real",
        "fecha de inicio real",
        "fecha real de inicio",
        "actual start",
        "actual start date",
    ),
    "actual_end": (
        "fin real",
        "fecha de fin real",
        "fecha real de finalizacion",
        "actual end",
        "actual end date",
    ),
    "completion": (
        "avance",
        "de avance",
        "porcentaje de avance",
        "porcentaje",
        "cumplimiento",
        "nivel de cumplimiento",
        "porcentaje de cumplimiento",
        "estado de avance",
        "completion",
        "level of completion",
        "progress",
        "percent complete",
        "complete",
    ),
    "status": ("estado", "estatus", "situacion", "status", "state"),
    "weight": ("peso", "ponderacion", "peso relativo", "weight", "weighting"),
}

# Word rules for headers not spelled as above, in order: the first column whose rule holds wins.
# Each rule is a tuple of alternatives that must all hold; an alternative ("inicio$|start") holds
# when some word of the header starts with one of its stems, or equals it when the stem ends in "$".
# Only headers of at most _RULE_WORDS words are read by rule (a title row is not a header).
_NUMBER_WORDS = "no$|n$|nro$|num$|numero$|id$|codigo$|cod$|number$|ref$|referencia$"
_HEADER_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("evidence", ("evidenc|verificac|verificat|soporte|enlace|link$|links$|url$|urls$|respaldo|supporting",)),
    ("observations", ("observac|comentario|comment|remark",)),
    ("weight", ("peso$|ponderac|weight",)),
    ("actual_start", ("inicio$|start$|comienzo$|begin", "real$|reales$|actual$|efectiv|ejecutad")),
    (
        "actual_end",
        (
            "fin$|final$|finalizacion$|termino$|cierre$|conclusion$|end$|culminacion$|finalizado$",
            "real$|reales$|actual$|efectiv|ejecutad",
        ),
    ),
    ("start", ("fecha|date$|dates$|plazo", "inicio$|start|comienzo|begin|desde$")),
    ("start", ("inicio$|start$|starts$|comienzo$",)),
    (
        "end",
        (
            "fecha|date$|dates$|plazo",
            "fin$|final$|finaliz|termin|cierre$|conclus|end$|entrega|vencim|due$|limite$|culmin|hasta$",
        ),
    ),
    ("end", ("fin$|end$|deadline|termino$|culminacion$|finalizacion$|due$",)),
    ("milestone_id", (_NUMBER_WORDS, "hito|milestone|actividad|activity")),
    ("commitment_id", (f"{_NUMBER_WORDS}|ogp$", "compromiso|commitment")),
    ("commitment_id", ("codigo$|id$|code$", "ogp$")),
    ("description", ("descripc|descrip|detalle|realizad|desarrollad|logro|achiev|taken$|done$|narrativ",)),
    (
        "period",
        ("periodo|plazo$|plazos$|cronograma|duracion|timeline|timeframe|duration|period$|fechas$|dates$",),
    ),
    ("product", ("producto|entregable|deliverable|output|product|resultado|result",)),
    ("completion", ("avance|cumplim|completion|progress|porcentaje|percent|ejecuc|complet",)),
    ("status", ("estado|status|situac",)),
    (
        "institutions",
        ("responsab|instituc|entidad|lead$|agency|agencies|organizac|organismo|dependenc|implement|ministr",),
    ),
    ("milestone", ("hito|milestone|meta$|metas$",)),
    ("activity", ("actividad|activity|accion|action|tarea|task",)),
    ("commitment", ("compromiso|commitment",)),
)
_RULE_WORDS = 10
MAX_SHEETS = 50  # sheets of a workbook read after the first one
_NAMES_A_MILESTONE = re.compile(r"\b(?:hito|hitos|milestone|milestones|actividad|actividades|activity)\b")

# --- Completion words ----------------------------------------------------------------------------

STATUSES = ("not_started", "in_progress", "complete", "delayed", "cancelled")
# Words (compared folded) → (status, completion). ``None``: the word gives no number.
STATUS_COMPLETION: dict[str, tuple[str, float | None]] = {
    **dict.fromkeys(
        (
            "completado",
            "completada",
            "completo",
            "completa",
            "cumplido",
            "cumplida",
            "finalizado",
            "finalizada",
            "concluido",
            "concluida",
            "terminado",
            "terminada",
            "ejecutado",
            "ejecutada",
            "logrado",
            "lograda",
            "realizado",
            "realizada",
            "100",
            "complete",
            "completed",
            "done",
            "finished",
            "achieved",
            "fulfilled",
        ),
        ("complete", 100.0),
    ),
    **dict.fromkeys(
        (
            "no iniciado",
            "no iniciada",
            "sin iniciar",
            "por iniciar",
            "pendiente",
            "sin avance",
            "no ha iniciado",
            "planificado",
            "planificada",
            "programado",
            "programada",
            "not started",
            "pending",
            "planned",
            "no progress",
        ),
        ("not_started", 0.0),
    ),
    **dict.fromkeys(
        (
            "en proceso",
            "en progreso",
            "en curso",
            "en ejecucion",
            "en desarrollo",
            "en implementacion",
            "iniciado",
            "iniciada",
            "parcial",
            "parcialmente cumplido",
            "parcialmente cumplida",
            "in progress",
            "ongoing",
            "started",
            "underway",
            "partial",
            "partially complete",
            "partially completed",
        ),
        ("in_progress", 50.0),
    ),
    **dict.fromkeys(("limitado", "limitada", "limited", "avance limitado"), ("in_progress", 25.0)),
    **dict.fromkeys(
        ("sustancial", "substantial", "avance sustancial", "avanzado", "avanzada", "advanced"),
        ("in_progress", 75.0),
    ),
    **dict.fromkeys(
        (
            "retrasado",
            "retrasada",
            "atrasado",
            "atrasada",
            "demorado",
            "demorada",
            "delayed",
            "behind schedule",
        ),
        ("delayed", None),
    ),
    **dict.fromkeys(
        (
            "cancelado",
            "cancelada",
            "retirado",
            "retirada",
            "suspendido",
            "suspendida",
            "cancelled",
            "canceled",
        ),
        ("cancelled", None),
    ),
    **dict.fromkeys(("withdrawn", "suspended", "descartado", "descartada"), ("cancelled", None)),
    **dict.fromkeys(("on track", "a tiempo", "en tiempo", "en plazo"), ("in_progress", None)),
    **dict.fromkeys(
        ("off track", "at risk", "en riesgo", "fuera de plazo", "vencido", "vencida"), ("delayed", None)
    ),
}
# Cells that say nothing was given, read as blank in date, period, completion and status columns.
NOT_GIVEN = frozenset(
    [
        "n a",
        "na",
        "n d",
        "nd",
        "s d",
        "s f",
        "no aplica",
        "not applicable",
        "sin dato",
        "sin datos",
        "sin informacion",
        "sin fecha",
        "por definir",
        "a definir",
        "tbd",
        "tbc",
        "to be defined",
        "pendiente de definir",
    ]
)
# Words whose number is exact (no warning): done and not started.
_EXACT_STATUSES = frozenset({"complete", "not_started"})

# --- Codes ---------------------------------------------------------------------------------------

ERROR_CODES = frozenset(
    {
        "missing_column",  # params: columns (missing), looked_for (spellings per column)
        "too_many_cells",  # a CSV row longer than its header (from sheets): params: cells, extra
        "commitment_missing",  # a milestone row with no commitment written on it or above it
        "milestone_missing",  # a row with milestone data (dates, completion, product…) and no title
        "duplicate_milestone",  # params: first_line, title; the second row is left out
        "date_unreadable",  # params: forms
        "date_invalid",  # written in a date form but not a day of the calendar
        "period_unreadable",  # a period column's cell that is no period
        "end_before_start",  # params: start, end
        "completion_unreadable",  # params: words (accepted)
        "completion_out_of_range",  # params: completion
        "status_unknown",  # params: words (accepted)
        "weight_unreadable",
    }
)
WARNING_CODES = frozenset(
    {
        "rows_before_header",  # params: rows (from sheets)
        "extra_columns",  # params: columns (as written)
        "duplicate_column",  # params: header, first; the first column is read
        "value_outside_columns",  # from sheets
        "no_rows",
        "summary_row_ignored",  # a totals or notes row: params: text
        "repeated_header",  # the header row again, skipped
        "sheet_skipped",  # params: sheet; a sheet holding something but no header row was not read
        "evidence_not_a_link",  # the text is kept as evidence_text: params: text
        "completion_from_status",  # params: word, completion (an estimate)
        "completion_fractions",  # the column was read as fractions of 1: params: lines
        "status_completion_mismatch",  # params: status, completion
        "dates_month_first",  # numeric dates read month first: params: example
        "date_outside_period",  # params: date, start, end (the commitment's period)
        "institutions_missing",  # a milestone with no responsible institution written or above
        "institution_unclear",  # a piece that does not look like a name: params: name
        "weight_missing",  # weights given for the commitment but not this milestone
    }
)

DATE_FORMS = ("2020-10-20", "20/10/2020", "20 de octubre de 2020", "October 20, 2020", "Oct 2020", "44124")
_DATE_EXPECTED = (
    "a date: a date cell, 2020-10-20, 20/10/2020 (day/month/year), 20 de octubre de 2020,"
    " October 20, 2020, a month (Oct 2020) or an Excel date number"
)
_COMPLETION_EXPECTED = (
    "a completion from 0 to 100: 100%, 45,5, 50, a fraction such as 0,5, or a word such as"
    " Completado, En proceso, No iniciado"
)
_SUMMARY = re.compile(
    r"^(?:total(?:es)?|sub\s?total|promedio|average|mean|suma|sum|nota|notas|note|notes|fuente|source"
    r"|elaborad[oa] por|prepared by|actualizad[oa]|updated|\*)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_BARE_DOMAIN_URL = re.compile(
    r"(?<![@\w.])(?:[a-z0-9-]+\.)+(?:gob|gov|org|com|net|edu|int|info|io)(?:\.[a-z]{2})?/[^\s<>\"'()\[\]{}]*",
    re.IGNORECASE,
)
_EVIDENCE_FILLER = re.compile(r"[\s,;|•·\-–—*:]+|\b(?:y|and|ver|see|link|enlace)\b", re.IGNORECASE)


class TrackerError(SheetError):
    """The upload is not a table with a recognisable tracker header (or breaks a limit of
    :mod:`~cocrea.computations.sheets`: the codes are those of :class:`SheetError`)."""


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem (``severity == "error"``: the file must not be imported) or one thing worth a look."""

    code: str
    line: int
    column: str  # canonical name, "" for the whole row
    value: str
    expected: str  # English: what the cell should hold, or what was done
    params: dict[str, Any] = field(default_factory=dict)
    severity: str = "error"
    sheet: str = ""  # an XLSX sheet's title ("" in a CSV)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "expected": self.expected,
            "params": _jsonable(self.params),
        }


@dataclass(frozen=True)
class TrackerRow:
    """One data row as read; ``*_inherited`` says the cell was blank and the value came from above."""

    line: int
    commitment: str  # the title as written on this row, or above it
    commitment_id: str
    institutions_text: str  # the cell as written
    institutions: tuple[InstitutionName, ...]
    milestone: str
    activity: str
    product: str
    description: str
    evidence: tuple[str, ...]  # links
    evidence_text: str  # what the evidence cells hold besides links
    observations: str
    start: date | None
    end: date | None
    completion: float | None  # 0–100
    completion_written: str  # the completion (or status) cell as written
    status: str  # one of STATUSES, or "" when nothing says
    weight: float | None = None
    milestone_id: str = ""  # a "No. de hito" column, as written
    actual_start: date | None = None
    actual_end: date | None = None
    sheet: str = ""  # an XLSX sheet's title ("" in a CSV)
    commitment_inherited: bool = False
    institutions_inherited: bool = False
    milestone_inherited: bool = False


@dataclass(frozen=True)
class TrackerMilestone:
    title: str
    line: int  # where its first row starts
    product: str
    description: str
    observations: str
    institutions: tuple[InstitutionName, ...]
    start: date | None
    end: date | None
    completion: float | None
    status: str
    evidence: tuple[str, ...]
    evidence_text: str
    weight: float | None
    activities: tuple[TrackerRow, ...] = ()  # with an activity column; else empty
    row: TrackerRow | None = None  # the row, when the milestone is one row
    milestone_id: str = ""
    actual_start: date | None = None
    actual_end: date | None = None

    @property
    def key(self) -> str:
        """The folded title: a milestone's identity inside its commitment (for updates in place)."""
        return fold(self.title) or self.title


@dataclass(frozen=True)
class TrackerCommitment:
    title: str
    key: str  # folded title: what rows are grouped by
    line: int
    commitment_id: str
    institutions: tuple[InstitutionName, ...]
    start: date | None
    end: date | None
    period_given: bool  # the period came from a heading row or the caller, not from the milestones
    completion: float | None
    milestones: tuple[TrackerMilestone, ...]
    description: str = ""  # written on its heading row


@dataclass(frozen=True)
class TrackerResult:
    rows: tuple[TrackerRow, ...]
    commitments: tuple[TrackerCommitment, ...]
    findings: tuple[Finding, ...]
    source: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    header_line: int = 1
    headings: Mapping[str, str] = field(default_factory=dict)  # column → header as written (first sheet)
    sheets: tuple[str, ...] = ()  # the XLSX sheets read, in order

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def institutions(self) -> tuple[InstitutionName, ...]:
        """Every institution named, once (by :attr:`InstitutionName.key`), in order of first mention."""
        seen: dict[str, InstitutionName] = {}
        for row in self.rows:
            for institution in row.institutions:
                seen.setdefault(institution.key, institution)
        return tuple(seen.values())


# --- Public API ----------------------------------------------------------------------------------


def read_tracker(
    data: bytes,
    *,
    commitment: str | None = None,
    weights: Mapping[str, Mapping[str, float]] | None = None,
    periods: Mapping[str, tuple[date | None, date | None]] | None = None,
    max_rows: int = MAX_ROWS,
) -> TrackerResult:
    """Read a tracker sheet (see the module docstring).

    ``commitment`` names the commitment of every row when the sheet has no commitment column.
    ``weights`` maps a commitment title to its milestones' titles and weights; ``periods`` maps a
    commitment title to its (start, end). Titles are compared folded (case, accents, punctuation).
    Raises :class:`TrackerError` only for a file that cannot be read as a table or has no header.
    """
    try:
        table, records = _records(data, max_rows)
        reader = _Reader(table, commitment, weights or {}, periods or {})
        if table.source != "xlsx":
            reader.read_sheet(records)
            return reader.finish()
        # Every sheet with a header row is read (a cover or instructions sheet is not).
        sheets: list[tuple[int, str, list[Record]]] = []
        workbook, _ = _xlsx_sheets(data, max_rows, _ALIASES, _REPORT_COLUMNS, every=MAX_SHEETS)
        reader.sheet_order = {title: index for index, (title, _) in enumerate(workbook)}
        for index, (title, records) in enumerate(workbook):
            if _find_header(records) is not None:
                sheets.append((index, title, records))
            elif any(not all(_is_blank(v) for v in values) for _, values in records):
                reader.findings.append(
                    Finding(
                        "sheet_skipped",
                        1,
                        "",
                        "",
                        "a sheet with no header row was not read",
                        {"sheet": title},
                        "warning",
                        title,
                    )
                )
        if not sheets:
            raise _no_header()
        for index, title, rows in sheets:
            reader.links = xlsx_links(data, index)
            reader.read_sheet(rows, title, several=len(sheets) > 1)
    except TrackerError:
        raise
    except SheetError as exc:
        raise TrackerError(exc.code, exc.message, **exc.params) from exc
    return reader.finish()


def check_report(result: TrackerResult) -> dict[str, Any]:
    """The dict ``import-tracker --check --format json`` prints (see the module docstring)."""
    return {
        "ok": result.ok,
        "source": result.source,
        "encoding": result.encoding,
        "delimiter": result.delimiter,
        "header_line": result.header_line,
        "headings": dict(result.headings),
        "sheets": list(result.sheets),
        "counts": {
            "commitments": len(result.commitments),
            "milestones": sum(len(c.milestones) for c in result.commitments),
            "activities": sum(len(m.activities) for c in result.commitments for m in c.milestones),
            "institutions": len(result.institutions),
            "rows": len(result.rows),
            "errors": len(result.errors),
            "warnings": len(result.warnings),
        },
        "commitments": [_commitment_dict(c) for c in result.commitments],
        "findings": [f.as_dict() for f in result.findings],
    }


def match_institutions(result: TrackerResult, directory: Directory) -> dict[str, OrgRef | None]:
    """Each institution of ``result`` (by :attr:`InstitutionName.key`) → its directory entry, or
    ``None`` when unknown: tried by acronym, then by name, then as written (``Name (ACR)``)."""
    found: dict[str, OrgRef | None] = {}
    for institution in result.institutions:
        ref = None
        for text in (institution.acronym, institution.name, institution.written):
            if text and (ref := organization_ref(text, directory)) is not None:
                break
        found[institution.key] = ref
    return found


def column_for_header(text: str) -> str | None:
    """The canonical column a header names, or ``None``: an exact spelling of
    :data:`TRACKER_HEADERS`, else the first word rule that holds (headers of up to ten words)."""
    key = header_key(text)
    if not key:
        return None
    exact = _EXACT.get(key) or _by_rule(key)
    if exact in ("start", "end") and _ACTUAL.search(fold(text)):
        return f"actual_{exact}"  # "Fecha de inicio (real)": the hint in brackets matters here
    return exact


_ACTUAL = re.compile(r"\b(?:real|reales|actual|efectiva|efectivo|ejecutada|ejecutado)\b")


def _by_rule(key: str) -> str | None:
    words = key.split()
    if len(words) > _RULE_WORDS:
        return None
    for column, alternatives in _HEADER_RULES:
        if all(any(_word_matches(word, stems) for word in words) for stems in alternatives):
            return column
    return None


def _word_matches(word: str, stems: str) -> bool:
    for stem in stems.split("|"):
        if stem.endswith("$"):
            if word == stem[:-1]:
                return True
        elif word.startswith(stem):
            return True
    return False


_EXACT = {header_key(s): name for name, spellings in TRACKER_HEADERS.items() for s in (name, *spellings)}


# --- Reading the table ---------------------------------------------------------------------------


class _Aliases(Mapping[str, str]):
    """Header keys → columns through :func:`column_for_header`, for the readers of :mod:`.sheets`."""

    def __getitem__(self, key: str) -> str:
        column = column_for_header(key)
        if column is None:
            raise KeyError(key)
        return column

    def __iter__(self) -> Iterator[str]:
        return iter(_EXACT)

    def __len__(self) -> int:
        return len(_EXACT)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and column_for_header(key) is not None


_ALIASES = _Aliases()


_REPORT_COLUMNS = ("commitment", "milestone")  # a sheet naming both looks like a tracker


def _records(data: bytes, max_rows: int) -> tuple[_Table, list[Record]]:
    """The records of a CSV (the delimiter is the one giving the best header); for an XLSX, none:
    :func:`read_tracker` reads its sheets."""
    if data.startswith(_XLSX_MAGIC):
        return _Table("xlsx"), []
    if not data or not data.strip() or data.startswith(_OLE_MAGIC):
        return _read_records(data, _ALIASES, max_rows, _REPORT_COLUMNS, physical_lines=True)
    text, encoding = _decode(data)
    best: tuple[int, int, int] | None = None
    chosen = ","
    for order, delimiter in enumerate((",", ";", "\t")):
        sample = _csv_parse(
            text, delimiter, HEADER_SEARCH_ROWS * 2, row_limit(max_rows), sample=True, physical_lines=True
        )
        found = _find_header(sample)
        if found is None:
            continue
        score = (found[2], len(sample[found[0]][1]), -order)
        if best is None or score > best:
            best, chosen = score, delimiter
    records = _csv_parse(text, chosen, max_rows, row_limit(max_rows), physical_lines=True)
    return _Table("csv", encoding, chosen), records


def _header_columns(values: Sequence[object]) -> dict[int, str]:
    return {
        position: column
        for position, value in enumerate(values)
        if isinstance(value, str) and (column := column_for_header(_as_text(value))) is not None
    }


def _find_header(records: Sequence[Record]) -> tuple[int, dict[int, str], int] | None:
    """The index of the header row among the first rows holding something, its columns, and its
    score (distinct columns named): the highest-scoring row of two columns at least, the first on
    a tie."""
    best: tuple[int, dict[int, str], int] | None = None
    seen = 0
    for index, (_, values) in enumerate(records):
        if all(_is_blank(v) for v in values):
            continue
        columns = _header_columns(values)
        score = len(set(columns.values()))
        if score >= 2 and (best is None or score > best[2]):
            best = (index, columns, score)
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return best


def _no_header() -> TrackerError:
    looked_for = {name: list(spellings[:4]) for name, spellings in TRACKER_HEADERS.items()}
    return TrackerError(
        "no_header",
        f"no header row found in the first {HEADER_SEARCH_ROWS} rows: a row should name the columns"
        " (in Spanish or English) commitment (Compromiso), institutions (Entidad responsable),"
        " milestone (Hito or Actividad), product (Producto), description, evidence (Evidencia),"
        " observations, start (Fecha de inicio), end (Fecha de fin) and completion (Avance)",
        columns=list(TRACKER_COLUMNS),
        looked_for=looked_for,
    )


# --- Links behind XLSX cells --------------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HYPERLINK_FORMULA = re.compile(r'HYPERLINK\(\s*"([^"]+)"', re.IGNORECASE)
_LINK_SCHEME = re.compile(r"(?:https?|ftp)://\S+", re.IGNORECASE)


def _parse_xml(data: bytes, start: Any, end: Any = None, text: Any = None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    parser.Parse(data, True)


def _refuse_doctype(*_: object) -> None:
    raise ValueError("a DTD, which Excel never writes")


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The targets of ``part``'s relationships by id, internal ones as member names."""
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in archive.namelist():
        return {}
    found: dict[str, str] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == f"{_RELS} Relationship" and "Id" in attributes and "Target" in attributes:
            target = attributes["Target"]
            if attributes.get("TargetMode") != "External":
                target = posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else f"{folder}/{target}"
                )
            found[attributes["Id"]] = target

    _parse_xml(archive.read(rels), start)
    return found


def xlsx_links(data: bytes, index: int = 0) -> dict[tuple[int, int], str]:
    """The links behind the cells of an XLSX's first sheet, or of the ``index``-th (from 0): a
    cell's hyperlink or a ``=HYPERLINK("…")`` formula, by (row, column) counted from 1. A cell
    reading "Ver evidencia" often holds its link only there. Any trouble gives ``{}``; call it on a
    workbook :func:`read_tracker` has accepted (its sizes and XML are checked by then)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            ids: list[str] = []

            def sheet(tag: str, attributes: dict[str, str]) -> None:
                if tag == f"{_MAIN} sheet":
                    ids.append(attributes.get(f"{_DOC_RELS} id", ""))

            _parse_xml(archive.read("xl/workbook.xml"), sheet)
            part = _relationships(archive, "xl/workbook.xml").get(ids[index] if index < len(ids) else "", "")
            if part not in archive.namelist():
                return {}
            targets = _relationships(archive, part)
            links: dict[tuple[int, int], str] = {}
            cell: list[str] = [""]
            formula: list[str] = []

            def start(tag: str, attributes: dict[str, str]) -> None:
                if tag == f"{_MAIN} c":
                    cell[0] = attributes.get("r", "")
                elif tag == f"{_MAIN} f":
                    formula.clear()
                    formula.append("")
                elif tag == f"{_MAIN} hyperlink":
                    target = targets.get(attributes.get(f"{_DOC_RELS} id", ""), "")
                    if _LINK_SCHEME.fullmatch(target):
                        for position in _cells_of(attributes.get("ref", "")):
                            links.setdefault(position, target)

            def end(tag: str) -> None:
                if tag == f"{_MAIN} f" and formula:
                    match = _HYPERLINK_FORMULA.search(formula[0])
                    if match and _LINK_SCHEME.fullmatch(match.group(1)):
                        for position in _cells_of(cell[0]):
                            links[position] = match.group(1)
                    formula.clear()

            def text(data: str) -> None:
                if formula:
                    formula[0] += data

            _parse_xml(archive.read(part), start, end, text)
            return links
    except Exception:  # a link is a bonus: a workbook read without them loses nothing else
        return {}


_CELL_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?")


def _cells_of(reference: str) -> list[tuple[int, int]]:
    """``"H5"`` → ``[(5, 8)]``; ``"H5:H7"`` → three cells (at most 1,000)."""
    match = _CELL_RANGE.fullmatch(reference.strip().upper())
    if match is None:
        return []
    first_column, first_row = _column_number(match.group(1)), int(match.group(2))
    last_column = _column_number(match.group(3)) if match.group(3) else first_column
    last_row = int(match.group(4)) if match.group(4) else first_row
    cells = [
        (row, column)
        for row in range(first_row, min(last_row, first_row + 1_000) + 1)
        for column in range(first_column, min(last_column, first_column + 100) + 1)
    ]
    return cells[:1_000]


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# --- Cell parsers --------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL = re.compile(r"\d{5}(?:[.,]\d+)?")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})(?:\s*de)?\s+([a-z]{3,10})\.?,?(?:\s*(?:de|del))?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-z]{3,10})\.?\s+(\d{1,2}),?\s+(\d{4})")
_YEAR = re.compile(r"(\d{4})")
_WEEKDAY = re.compile(
    r"^(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo|monday|tuesday|wednesday|thursday"
    r"|friday|saturday|sunday),?\s+"
)


def _month_number(word: str) -> int | None:
    try:
        return parse_month(f"{word} 2000").month
    except MonthParseError:
        return None


def _numeric_parts(text: str) -> list[tuple[int, int]]:
    """The two first numbers of each ``dd/mm/yyyy`` in a text, for the file's day-or-month-first choice."""
    return [(int(m.group(1)), int(m.group(3))) for m in _NUMERIC_DATE.finditer(text)]


def parse_tracker_date(value: object, *, end: bool = False, month_first: bool = False) -> date:
    """A date cell or text (see the module docstring); a month or a year alone is its first day,
    or with ``end`` its last. Raises the reader's ``_Invalid`` (never leaves this module's readers)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _decimal(value)
        if number == number.to_integral_value() and 1900 <= number <= 2200:  # a year
            return date(int(number), 12, 31) if end else date(int(number), 1, 1)
        return _serial(number)
    return _parse_date_text(_as_text(value), end, month_first)


@lru_cache(maxsize=4096)
def _parse_date_text(text: str, end: bool, month_first: bool) -> date:
    """:func:`parse_tracker_date` of a text (a sheet repeats its dates: they are read once)."""
    simple = _WEEKDAY.sub("", " ".join(fold(text).split()) if not re.search(r"\d[/.-]\d", text) else text)
    try:
        if _SERIAL.fullmatch(text):
            return _serial(Decimal(text.replace(",", ".")))
        if match := _ISO_DATE.fullmatch(text):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _NUMERIC_DATE.fullmatch(text):
            first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
            if len(match.group(4)) == 2:
                year += 2000
            day, month = (second, first) if month_first else (first, second)
            return date(year, month, day)
        if match := _DAY_MONTH_YEAR.fullmatch(simple):
            named = _month_number(match.group(2))
            if named is not None:
                return date(int(match.group(3)), named, int(match.group(1)))
        if match := _MONTH_DAY_YEAR.fullmatch(simple):
            named = _month_number(match.group(1))
            if named is not None:
                return date(int(match.group(3)), named, int(match.group(2)))
        if match := _YEAR.fullmatch(text):
            year = int(match.group(1))
            if 1900 <= year <= 2200:
                return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError:
        _fail(
            "date_invalid",
            "a real calendar date, written day/month/year (20/10/2020)",
            forms=list(DATE_FORMS),
        )
    try:
        month_value = parse_month(text)
    except (MonthParseError, ValueError):
        _fail("date_unreadable", _DATE_EXPECTED, forms=list(DATE_FORMS))
    return month_value.last_day() if end else month_value.first_day()


_PERIOD_SEPARATOR = re.compile(r"\s+(?:al|a|hasta|to|until|through)\s+|\s+[-–—]\s*|\s*[–—]\s*", re.IGNORECASE)
_YEARS = re.compile(r"(\d{4})\s*[-–—/]\s*(\d{4})")


def parse_period(value: object, *, month_first: bool = False) -> tuple[date, date]:
    """A period in one cell: ``20/10/2020 al 15/11/2020``, ``Octubre 2020 - Septiembre 2022``,
    ``de marzo a julio de 2020``, ``2020-2022``, or a single date or month (its first and last day).
    Raises the reader's ``_Invalid``."""
    expected = "a period: 20/10/2020 al 15/11/2020, Octubre 2020 - Septiembre 2022, 2020-2022 or one date"
    text = " ".join(_as_text(value).split())
    if isinstance(value, date | int | float | Decimal) and not isinstance(value, bool):
        return parse_tracker_date(value), parse_tracker_date(value, end=True)
    if match := _YEARS.fullmatch(text):
        found = date(int(match.group(1)), 1, 1), date(int(match.group(2)), 12, 31)
    else:
        try:
            months = parse_month_range(text)
            found = months.start.first_day(), months.end.last_day()
        except (MonthParseError, ValueError):
            parts = _PERIOD_SEPARATOR.split(text, maxsplit=1) if _PERIOD_SEPARATOR.search(text) else [text]
            try:
                if len(parts) == 1:
                    found = (
                        parse_tracker_date(text, month_first=month_first),
                        parse_tracker_date(text, end=True, month_first=month_first),
                    )
                else:
                    end = parse_tracker_date(parts[1], end=True, month_first=month_first)
                    found = parse_tracker_date(parts[0], month_first=month_first), end
            except _Invalid as invalid:
                if invalid.code == "date_invalid":
                    raise
                _fail("period_unreadable", expected)
    if found[1] < found[0]:
        _fail(
            "end_before_start",
            "a period that ends on or after its start",
            start=found[0].isoformat(),
            end=found[1].isoformat(),
        )
    return found


def _serial(number: Decimal) -> date:
    if not number.is_finite() or not 1 <= number < 2_958_466:  # 9999-12-31
        _fail("date_unreadable", _DATE_EXPECTED, forms=list(DATE_FORMS))
    day = _EXCEL_EPOCH + timedelta(days=int(number))
    if not 1900 <= day.year <= 2200:
        _fail("date_unreadable", _DATE_EXPECTED, forms=list(DATE_FORMS))
    return day


_NUMBER = re.compile(r"([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*(%?)")


@dataclass(frozen=True)
class _Completion:
    value: float | None
    status: str = ""
    word: str = ""  # the word it was read from, when estimated from one
    fraction: bool = False  # a bare number read as a fraction of 1


def _completion_number(value: object, fractions: bool) -> _Completion | None:
    """A number, or ``None`` when the cell is not one."""
    percent = False
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _decimal(value)
    else:
        match = _NUMBER.fullmatch(re.sub(r"\s+", "", _as_text(value)))
        if match is None:
            return None
        number = Decimal(match.group(1).replace(",", "."))
        percent = bool(match.group(2))
    if not number.is_finite():
        return None
    fraction = not percent and (fractions or 0 < number < 1)
    if fraction:
        number *= 100
    if not 0 <= number <= 100:
        _fail(
            "completion_out_of_range",
            "a completion from 0 to 100 (or a fraction from 0 to 1)",
            completion=_plain(number),
        )
    return _Completion(float(round(number, 2)), _status_of(float(number)), fraction=fraction)


def _status_of(completion: float) -> str:
    if completion >= 100:
        return "complete"
    return "not_started" if completion <= 0 else "in_progress"


def _completion_word(value: object) -> _Completion | None:
    key = " ".join(fold(_as_text(value)).replace("_", " ").split())
    key = re.sub(r"^(?:estado|status)\s+", "", key)
    found = STATUS_COMPLETION.get(key)
    if found is None:
        return None
    status, number = found
    return _Completion(number, status, "" if status in _EXACT_STATUSES else _as_text(value))


_PERCENT_IN_TEXT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[.,]\d+)?)\s*%")


def _percent_in_text(value: object) -> _Completion | None:
    """The one percentage written among words: ``En proceso (60%)``, ``60 % - en ejecución``."""
    found = _PERCENT_IN_TEXT.findall(_as_text(value))
    if len(found) != 1:
        return None
    number = Decimal(found[0].replace(",", "."))
    if number > 100:
        _fail("completion_out_of_range", "a completion from 0 to 100", completion=_plain(number))
    word = _completion_word(_PERCENT_IN_TEXT.sub(" ", _as_text(value)).strip(" ()-–—:;,."))
    status = word.status if word and word.status in ("delayed", "cancelled") else _status_of(float(number))
    return _Completion(float(round(number, 2)), status)


def _bare_fraction(value: object) -> Decimal | None:
    """A bare number (no ``%``) of a completion cell, to tell a column of fractions."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _decimal(value)
    else:
        match = _NUMBER.fullmatch(re.sub(r"\s+", "", _as_text(value)))
        if match is None or match.group(2):
            return None
        try:
            number = Decimal(match.group(1).replace(",", "."))
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def _words_list() -> list[str]:
    return sorted({word for word, (status, _) in STATUS_COMPLETION.items() if not word.isdigit()})


def split_evidence(text: str) -> tuple[tuple[str, ...], str]:
    """``(links, other text)``: every link in the text (``http(s)://``, ``www.``, or a government or
    organisation domain with a path, ``https://`` put in front of the last two), and what is left
    once links, separators and bullets are taken out (``""`` when nothing is)."""
    links: list[str] = []
    rest = text
    for pattern in (_URL, _BARE_DOMAIN_URL):
        for match in pattern.finditer(rest):
            link = match.group(0).rstrip(".,;:")
            if not re.match(r"(?i)(?:https?|ftp)://", link):
                link = f"https://{link}"
            if link not in links:
                links.append(link)
        rest = pattern.sub(" ", rest)
    leftover = _EVIDENCE_FILLER.sub(" ", rest).strip()
    other = text.strip() if leftover and not links else _clean_leftover(rest) if leftover else ""
    return tuple(links), other


def _clean_leftover(text: str) -> str:
    lines = [clean_spaces(line).strip(" ,;|-–—•·*:") for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=4096)
def _institutions(text: str) -> tuple[InstitutionName, ...]:
    """:func:`split_institutions` of a cell (a sheet repeats its cells: they are split once)."""
    return tuple(split_institutions(text))


def _given(value: object) -> bool:
    """The cell holds something other than :data:`NOT_GIVEN` (``N/A``, ``Por definir``…)."""
    if _is_blank(value):
        return False
    if isinstance(value, str):
        folded = fold(_as_text(value))
        return bool(folded) and folded not in NOT_GIVEN  # "-", "—", "…" say nothing too
    return True


def _title(value: object) -> str:
    """A title cell on one line: line breaks and runs of spaces made one space."""
    return clean_spaces(" ".join(_as_text(value).split()))


def _weight(value: object) -> float:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _decimal(value)
    else:
        match = _NUMBER.fullmatch(re.sub(r"\s+", "", _as_text(value)))
        if match is None:
            _fail("weight_unreadable", "a weight: a number of 0 or more, such as 2, 0,25 or 25%")
        number = Decimal(match.group(1).replace(",", "."))
    if not number.is_finite() or number < 0:
        _fail("weight_unreadable", "a weight: a number of 0 or more, such as 2, 0,25 or 25%")
    return float(number)


# --- The reader ----------------------------------------------------------------------------------


@dataclass
class _Heading:
    """What a commitment's rows say about it: the first spelling, line, id, institutions, period."""

    title: str
    line: int
    commitment_id: str = ""
    institutions: list[InstitutionName] = field(default_factory=list)
    start: date | None = None
    end: date | None = None
    period_given: bool = False
    rows: list[TrackerRow] = field(default_factory=list)
    has_activity: bool = False  # its rows come from a sheet with an activity column
    description: str = ""  # written on its heading row


class _Reader:
    """Reads the rows of one sheet after another (:meth:`read_sheet`), then groups them
    (:meth:`finish`)."""

    def __init__(
        self,
        table: _Table,
        commitment: str | None,
        weights: Mapping[str, Mapping[str, float]],
        periods: Mapping[str, tuple[date | None, date | None]],
    ) -> None:
        self.table = table
        self.records: list[Record] = []
        self.given_commitment = _title(commitment) if commitment else ""
        self.default_commitment = self.given_commitment
        self.headings: dict[str, _Heading] = {}
        self.order: list[str] = []
        self.sheets: list[str] = []
        self.first_header: _Header | None = None
        self.sheet = ""
        self.sheet_order: dict[str, int] = {}  # an XLSX's sheets by title: their place in the workbook
        self.unclear: set[str] = set()  # institution names already warned about
        self.weights = {fold(k): {fold(m): w for m, w in v.items()} for k, v in weights.items()}
        self.periods = {fold(k): v for k, v in periods.items()}
        self.findings: list[Finding] = []
        self.extra: dict[str, list[int]] = {}  # more columns of a MULTI_COLUMNS name
        self.month_first = False
        self.fractions = False
        self.links: dict[tuple[int, int], str] = {}  # XLSX: links behind cells, by (row, column)

    # -- header --

    def header(self) -> _Header:
        found = _find_header(self.records)
        if found is None:
            raise _no_header()
        index, columns, _ = found
        line, values = self.records[index]
        texts = [_as_text(v) for v in values]
        written = list(texts)
        data_start = index + 1
        # A second header row under grouping cells ("Fechas" over "Inicio" | "Fin").
        if data_start < len(self.records):
            _, below = self.records[data_start]
            below_columns = _header_columns(below)
            fresh = {
                p: c
                for p, c in below_columns.items()
                if c not in columns.values() and columns.get(p, "period") == "period"
            }
            values_below = [p for p, v in enumerate(below) if not _is_blank(v)]
            if fresh and all(p in below_columns for p in values_below):
                for position, column in fresh.items():
                    while len(texts) <= position:
                        texts.append("")
                    above = next(
                        (written[p] for p in range(min(position, len(written) - 1), -1, -1) if written[p]), ""
                    )
                    texts[position] = (
                        f"{above} / {_as_text(below[position])}" if above else _as_text(below[position])
                    )
                    # "Fechas reales" over "Inicio": the actual start.
                    both = column_for_header(f"{above} {_as_text(below[position])}")
                    columns[position] = both if both in ("actual_start", "actual_end") else column
                data_start += 1
        while texts and not texts[-1]:
            texts.pop()
        before = [n for n, cells in self.records[:index] if not all(_is_blank(v) for v in cells)]
        if before:
            self.warn(
                before[0],
                "",
                "rows_before_header",
                f"rows above the header (line {line}) were ignored",
                rows=before,
            )
        chosen: dict[str, int] = {}
        extra: list[str] = []
        for position, text in enumerate(texts):
            if not text:
                continue
            named = columns.get(position)
            if named is None:
                extra.append(text)
                continue
            column = named
            if column in chosen:
                if column in MULTI_COLUMNS:
                    self.extra.setdefault(column, []).append(position)
                    continue
                first = texts[chosen[column]]
                self.warn(
                    line,
                    column,
                    "duplicate_column",
                    f"one column {column}; it is also headed {first!r}: the first one was read",
                    header=text,
                    first=first,
                )
            else:
                chosen[column] = position
        described = header_key(texts[chosen["description"]]) if "description" in chosen else ""
        if "milestone" not in chosen and "activity" not in chosen and _NAMES_A_MILESTONE.search(described):
            # "Descripción del hito" with no "Hito" column: the milestone's title.
            chosen["milestone"] = chosen.pop("description")
        if "commitment" not in chosen and "commitment_id" in chosen and not self.default_commitment:
            chosen["commitment"] = chosen["commitment_id"]  # commitments named by their id alone
        if "activity" in chosen and "milestone" not in chosen:
            chosen["milestone"] = chosen.pop("activity")  # "Actividad" alone: one row per milestone
        if extra:
            self.warn(line, "", "extra_columns", "these columns were ignored", columns=extra)
        header = _Header(line, texts, chosen, self.records[data_start:], self.table.source, len(texts))
        required = ["milestone"] + ([] if self.default_commitment else ["commitment"])
        missing = [name for name in required if name not in chosen]
        if missing:
            self.error(
                line,
                ", ".join(missing),
                "missing_column",
                f"a header row naming the columns {', '.join(required)} (missing: {', '.join(missing)})",
                columns=missing,
                looked_for={name: list(TRACKER_HEADERS[name]) for name in missing},
            )
            header.data = []
        return header

    # -- findings --

    def error(self, line: int, column: str, code: str, expected: str, value: str = "", **params: Any) -> None:
        self.findings.append(Finding(code, line, column, value, expected, params, "error"))

    def warn(self, line: int, column: str, code: str, message: str, value: str = "", **params: Any) -> None:
        self.findings.append(Finding(code, line, column, value, message, params, "warning"))

    def in_sheet(self, sheet: str) -> None:
        """The last finding is about a row of ``sheet`` (findings made after the sheets are read)."""
        self.findings[-1] = replace(self.findings[-1], sheet=sheet)

    def take(self, cells: _Cells) -> None:
        for error in cells.errors:
            self.findings.append(_from_sheet(error))
        for warning in cells.warnings:
            self.findings.append(_from_sheet(warning))
        cells.errors.clear()
        cells.warnings.clear()

    # -- file-wide readings --

    def survey(self, header: _Header) -> None:
        """Decide the file's date order and whether the completion column holds fractions."""
        day_first_only = month_first_only = False
        example = ""
        bare: list[tuple[int, Decimal]] = []
        for line, values in header.records():
            for column in ("start", "end", "actual_start", "actual_end", "period"):
                position = header.columns.get(column)
                if position is not None and position < len(values):
                    for parts in _numeric_parts(_as_text(values[position])):
                        if parts[0] > 12:
                            day_first_only = True
                        elif parts[1] > 12:
                            month_first_only = True
                            example = example or _as_text(values[position])
            position = header.columns.get("completion")
            if position is not None and position < len(values) and not _is_blank(values[position]):
                number = _bare_fraction(values[position])
                if number is not None:
                    bare.append((line, number))
        if month_first_only and not day_first_only:
            self.month_first = True
            self.warn(
                header.row,
                "start",
                "dates_month_first",
                f"dates were read month first ({example} is not day/month)",
                example=example,
            )
        if bare and all(0 <= n <= 1 for _, n in bare) and any(0 < n < 1 for _, n in bare):
            self.fractions = True
            if any(n == 1 for _, n in bare):
                self.warn(
                    header.row,
                    "completion",
                    "completion_fractions",
                    "completion was read as fractions of 1 (1 is 100%)",
                    lines=[line for line, _ in bare],
                )

    # -- rows --

    def read_sheet(self, records: list[Record], title: str = "", *, several: bool = False) -> None:
        """Read one sheet's rows. A later sheet (``several``) without a commitment column is the
        commitment named by the caller, else by the sheet's title."""
        start = len(self.findings)
        if not self.sheets:
            self.findings.extend(_from_sheet(error) for error in self.table.errors)
            self.findings.extend(_from_sheet(warning) for warning in self.table.warnings)
        self.sheets.append(title)
        self.sheet = title
        self.records = records
        self.extra = {}
        self.month_first = self.fractions = False
        self.default_commitment = self.given_commitment or (_title(title) if several else "")
        try:
            self.read_rows()
        finally:
            if title:
                self.findings[start:] = [replace(f, sheet=title) for f in self.findings[start:]]

    def read_rows(self) -> None:
        header = self.header()
        if self.first_header is None:
            self.first_header = header
        self.survey(header)
        headings = self.headings
        order = self.order
        current: _Heading | None = None
        if self.default_commitment and "commitment" not in header.columns:
            key = fold(self.default_commitment) or self.default_commitment
            if key not in headings:
                headings[key] = _Heading(self.default_commitment, header.row)
                order.append(key)
            current = headings[key]
        last_institutions: tuple[InstitutionName, ...] = ()
        last_milestone = ""
        has_activity = "activity" in header.columns
        has_institutions = "institutions" in header.columns
        rows: list[TrackerRow] = []
        seen = False
        for record in header.records():
            seen = True
            cells = _Cells(record, header)
            self.take(cells)
            line = cells.row
            first_text = next((_as_text(v) for v in cells.values if not _is_blank(v)), "")
            commitment_text = _title(cells.raw("commitment"))
            milestone_text = _title(cells.raw("milestone"))
            activity_text = _title(cells.raw("activity"))
            if self.repeated_header(cells):
                self.warn(line, "", "repeated_header", "a repetition of the header row was skipped")
                continue
            if self.summary(cells, first_text):
                self.warn(
                    line,
                    "",
                    "summary_row_ignored",
                    "a totals or notes row was skipped",
                    first_text[:200],
                    text=first_text[:200],
                )
                continue
            if commitment_text:
                key = fold(commitment_text)
                if not key:
                    key = commitment_text
                if key not in headings:
                    headings[key] = _Heading(commitment_text, line)
                    order.append(key)
                if headings[key] is not current:
                    last_institutions = ()
                    last_milestone = ""
                current = headings[key]
            row_institutions_text = _as_text(cells.raw("institutions"))
            institutions = _institutions(row_institutions_text)
            for institution in institutions:
                if institution.written in self.unclear:
                    continue
                if len(institution.name.split()) > 15 or not any(ch.isupper() for ch in institution.written):
                    self.unclear.add(institution.written)
                    self.warn(
                        line,
                        "institutions",
                        "institution_unclear",
                        "a name of an institution; check how the cell was split",
                        institution.written,
                        name=institution.written,
                    )
            commitment_id = _title(cells.raw("commitment_id"))
            milestone_id = _title(cells.raw("milestone_id"))
            start, end = self.dates(cells, "start", "end")
            if _given(cells.raw("period")):
                period = cells.parse("period", lambda v: parse_period(v, month_first=self.month_first))
                if period is not None:
                    start, end = start or period[0], end or period[1]
            actual_start, actual_end = self.dates(cells, "actual_start", "actual_end")
            completion = self.completion(cells)
            status = self.status(cells, completion)
            weight = cells.parse("weight", _weight, required=False)
            product = _as_text(cells.raw("product"))
            description = self.joined(cells, "description")
            observations = self.joined(cells, "observations")
            evidence_cell = self.joined(cells, "evidence")
            links, evidence_text = split_evidence(evidence_cell)
            links = self.cell_links(cells, links)
            milestone_data = bool(
                product or evidence_cell or activity_text or (description and not commitment_text)
            )
            any_data = milestone_data or bool(
                institutions
                or start
                or end
                or actual_start
                or actual_end
                or completion
                or observations
                or not _is_blank(cells.raw("weight"))
            )
            if has_activity and not milestone_text and activity_text and last_milestone:
                milestone_text, milestone_inherited = last_milestone, True
            else:
                milestone_inherited = False
            if not milestone_text:
                if any_data and (milestone_data or not commitment_text):
                    self.error(
                        line,
                        "milestone",
                        "milestone_missing",
                        "a milestone title: this row has milestone data but no milestone",
                    )
                elif current is not None and commitment_text:
                    # A commitment's heading row: its id, institutions and period (a completion
                    # written there is not used: the commitment's is its milestones' mean).
                    current.commitment_id = current.commitment_id or commitment_id
                    current.description = current.description or description
                    if institutions:
                        current.institutions.extend(i for i in institutions if i not in current.institutions)
                        last_institutions = institutions
                    if start or end:
                        current.start, current.end, current.period_given = start, end, True
                    self.check_order(cells, start, end)
                self.take(cells)
                continue
            if current is None:
                self.error(
                    line,
                    "commitment",
                    "commitment_missing",
                    "the commitment's name, on this row or on a row above it",
                )
                self.take(cells)
                continue
            last_milestone = milestone_text
            institutions_inherited = False
            if not institutions and last_institutions:
                institutions, institutions_inherited = last_institutions, True
            elif institutions:
                last_institutions = institutions
            if has_institutions and not institutions and not current.institutions:
                self.warn(
                    line,
                    "institutions",
                    "institutions_missing",
                    "the responsible institutions, on this row or above it",
                )
            if not links and evidence_text:
                self.warn(
                    line,
                    "evidence",
                    "evidence_not_a_link",
                    "a link to the evidence; the text was kept as evidence text",
                    evidence_text[:200],
                    text=evidence_text[:200],
                )
            self.check_order(cells, start, end)
            current.commitment_id = current.commitment_id or commitment_id
            self.take(cells)
            row = TrackerRow(
                line=line,
                commitment=current.title,
                commitment_id=commitment_id or current.commitment_id,
                institutions_text=row_institutions_text,
                institutions=institutions,
                milestone=milestone_text,
                activity=activity_text,
                product=product,
                description=description,
                evidence=links,
                evidence_text=evidence_text,
                observations=observations,
                start=start,
                end=end,
                completion=completion.value if completion else None,
                completion_written=_as_text(cells.raw("completion")) or _as_text(cells.raw("status")),
                status=status,
                weight=weight,
                milestone_id=milestone_id,
                actual_start=actual_start,
                actual_end=actual_end,
                sheet=self.sheet,
                commitment_inherited=not commitment_text,
                institutions_inherited=institutions_inherited,
                milestone_inherited=milestone_inherited,
            )
            rows.append(row)
            current.rows.append(row)
            current.has_activity = current.has_activity or has_activity
        if not seen:
            self.warn(header.row, "", "no_rows", "the file has a header and no rows")

    def finish(self) -> TrackerResult:
        commitments = tuple(self.commitment(self.headings[key]) for key in self.order)
        kept = tuple(r for c in commitments for m in c.milestones for r in (m.activities or (m.row,)) if r)
        header = self.first_header
        sheets = self.sheet_order
        return TrackerResult(
            rows=kept,
            commitments=tuple(c for c in commitments if c.milestones),
            findings=tuple(
                sorted(self.findings, key=lambda f: (sheets.get(f.sheet, 0), f.line, f.severity != "error"))
            ),
            source=self.table.source,
            encoding=self.table.encoding,
            delimiter=self.table.delimiter,
            header_line=header.row if header else 1,
            headings={name: header.texts[p] for name, p in header.columns.items()} if header else {},
            sheets=tuple(t for t in self.sheets if t),
        )

    def repeated_header(self, cells: _Cells) -> bool:
        """The header row again (a printed sheet's, or one above each commitment's block): two cells
        at least, and most of the row, read as the header's own cells."""
        texts = cells.header.texts
        filled = [p for p, v in enumerate(cells.values) if not _is_blank(v)]
        same = [
            p
            for p in filled
            if p < len(texts)
            and texts[p]
            and isinstance(value := cells.values[p], str)
            and abs(len(value.strip()) - len(texts[p])) <= 2  # quick: most cells are no heading
            and fold(_as_text(value)) == fold(texts[p])
        ]
        return len(same) >= 2 and 2 * len(same) >= len(filled)

    def summary(self, cells: _Cells, first_text: str) -> bool:
        """A totals or notes row: its first cell starts with Total, Promedio, Nota, Fuente…; in the
        milestone or activity column, only a short one (``TOTAL``, ``Promedio general``)."""
        if not _SUMMARY.match(first_text):
            return False
        position = next(p for p, v in enumerate(cells.values) if not _is_blank(v))
        titles = {cells.header.columns.get("milestone"), cells.header.columns.get("activity")}
        return position not in titles or len(first_text.split()) <= 3

    def cell_links(self, cells: _Cells, links: tuple[str, ...]) -> tuple[str, ...]:
        """``links`` and those behind the row's evidence, product, description and observations cells."""
        if not self.links:
            return links
        found = list(links)
        for column in ("evidence", "product", "description", "observations"):
            positions = [cells.header.columns.get(column), *self.extra.get(column, ())]
            for position in positions:
                if position is not None:
                    link = self.links.get((cells.row, position + 1))
                    if link and link not in found:
                        found.append(link)
        return tuple(found)

    def joined(self, cells: _Cells, column: str) -> str:
        texts = [_as_text(cells.raw(column))]
        for position in self.extra.get(column, ()):
            if position < len(cells.values):
                texts.append(_as_text(cells.values[position]))
        return "\n".join(t for t in texts if t)

    def completion(self, cells: _Cells) -> _Completion | None:
        value = cells.raw("completion")
        if not _given(value):
            value = cells.raw("status")
            if not _given(value):
                return None
            column = "status"
        else:
            column = "completion"
        try:
            found = (
                _completion_number(value, self.fractions)
                or _completion_word(value)
                or _percent_in_text(value)
            )
        except _Invalid as invalid:
            cells.error(column, invalid.code, invalid.expected, **invalid.params)
            return None
        if found is None:
            code = "completion_unreadable" if column == "completion" else "status_unknown"
            cells.error(column, code, _COMPLETION_EXPECTED, words=_words_list())
            return None
        if found.word and found.value is not None:
            cells.warn(
                column,
                "completion_from_status",
                f"{found.word!r} was read as {_plain(Decimal(str(found.value)))}% complete",
                word=found.word,
                completion=found.value,
            )
        return found

    def status(self, cells: _Cells, completion: _Completion | None) -> str:
        """The status column's word when there is one, else the completion's status."""
        value = cells.raw("status")
        if not _given(value) or not _given(cells.raw("completion")):
            return completion.status if completion else ""
        word = _completion_word(value)
        if word is None:
            cells.error("status", "status_unknown", _COMPLETION_EXPECTED, words=_words_list())
            return completion.status if completion else ""
        if (
            completion is not None
            and completion.value is not None
            and word.value is not None
            and (
                (word.status == "complete" and completion.value < 100)
                or (word.status == "not_started" and completion.value > 0)
            )
        ):
            cells.warn(
                "status",
                "status_completion_mismatch",
                f"the status says {word.status} and the completion {completion.value:g}%",
                status=word.status,
                completion=completion.value,
            )
        return word.status

    def dates(self, cells: _Cells, start_column: str, end_column: str) -> tuple[date | None, date | None]:
        start = end = None
        if _given(cells.raw(start_column)):
            start = cells.parse(start_column, lambda v: parse_tracker_date(v, month_first=self.month_first))
        if _given(cells.raw(end_column)):
            end = cells.parse(
                end_column, lambda v: parse_tracker_date(v, end=True, month_first=self.month_first)
            )
        if start_column != "start":
            self.check_order(cells, start, end, end_column)
        return start, end

    def check_order(self, cells: _Cells, start: date | None, end: date | None, column: str = "end") -> None:
        if start is not None and end is not None and end < start:
            cells.error(
                column,
                "end_before_start",
                "an end date on or after the start date",
                start=start.isoformat(),
                end=end.isoformat(),
            )

    # -- grouping --

    def commitment(self, heading: _Heading) -> TrackerCommitment:
        key = fold(heading.title) or heading.title
        milestones: list[TrackerMilestone] = []
        if heading.has_activity:
            groups: dict[str, list[TrackerRow]] = {}
            for row in heading.rows:
                groups.setdefault(fold(row.milestone) or row.milestone, []).append(row)
            milestones = [_milestone_of_activities(rows) for rows in groups.values()]
        else:
            firsts: dict[str, int] = {}
            for row in heading.rows:
                title_key = fold(row.milestone) or row.milestone
                if title_key in firsts:
                    self.error(
                        row.line,
                        "milestone",
                        "duplicate_milestone",
                        f"one row per milestone: this milestone is also on line {firsts[title_key]}",
                        row.milestone,
                        first_line=firsts[title_key],
                        title=row.milestone,
                    )
                    self.in_sheet(row.sheet)
                    continue
                firsts[title_key] = row.line
                milestones.append(_milestone_of_row(row))
        weights = self.weights.get(key)
        if weights is not None:
            milestones = [replace(m, weight=weights.get(fold(m.title))) for m in milestones]
        start, end = heading.start, heading.end
        period_given = heading.period_given
        if key in self.periods:
            start, end = self.periods[key]
            period_given = True
        if period_given:
            for milestone in milestones:
                for row in milestone.activities or ((milestone.row,) if milestone.row else ()):
                    for column, day in (("start", row.start), ("end", row.end)):
                        if day is not None and ((start and day < start) or (end and day > end)):
                            self.warn(
                                row.line,
                                column,
                                "date_outside_period",
                                "a date inside the commitment's period",
                                day.isoformat(),
                                date=day.isoformat(),
                                start=_iso(start),
                                end=_iso(end),
                            )
                            self.in_sheet(row.sheet)
        else:
            starts = [m.start for m in milestones if m.start]
            ends = [m.end for m in milestones if m.end]
            start, end = (min(starts) if starts else None), (max(ends) if ends else None)
        if any(m.weight is not None for m in milestones):
            for milestone in milestones:
                if milestone.weight is None:
                    self.warn(
                        milestone.line,
                        "weight",
                        "weight_missing",
                        "a weight for this milestone; it counts as 0",
                        milestone.title,
                    )
                    self.in_sheet((milestone.row or milestone.activities[0]).sheet)
        institutions: dict[str, InstitutionName] = {i.key: i for i in heading.institutions}
        for milestone in milestones:
            for institution in milestone.institutions:
                institutions.setdefault(institution.key, institution)
        return TrackerCommitment(
            title=heading.title,
            key=key,
            line=heading.line,
            commitment_id=heading.commitment_id,
            institutions=tuple(institutions.values()),
            start=start,
            end=end,
            period_given=period_given,
            completion=mean_completion(milestones),
            milestones=tuple(milestones),
            description=heading.description,
        )


def _milestone_of_row(row: TrackerRow) -> TrackerMilestone:
    return TrackerMilestone(
        title=row.milestone,
        line=row.line,
        product=row.product,
        description=row.description,
        observations=row.observations,
        institutions=row.institutions,
        start=row.start,
        end=row.end,
        completion=row.completion,
        status=row.status,
        evidence=row.evidence,
        evidence_text=row.evidence_text,
        weight=row.weight,
        row=row,
        milestone_id=row.milestone_id,
        actual_start=row.actual_start,
        actual_end=row.actual_end,
    )


def _milestone_of_activities(rows: list[TrackerRow]) -> TrackerMilestone:
    first = rows[0]
    institutions: dict[str, InstitutionName] = {}
    evidence: list[str] = []
    for row in rows:
        for institution in row.institutions:
            institutions.setdefault(institution.key, institution)
        evidence.extend(link for link in row.evidence if link not in evidence)
    starts = [r.start for r in rows if r.start]
    ends = [r.end for r in rows if r.end]
    activities = [
        TrackerMilestone(
            r.activity, r.line, "", "", "", (), r.start, r.end, r.completion, r.status, (), "", r.weight
        )
        for r in rows
    ]
    completion = mean_completion(activities)
    actual_ends = [r.actual_end for r in rows if r.actual_end]
    statuses = {r.status for r in rows if r.status != "cancelled"}
    status = _status_of(completion) if completion is not None else ""
    if "delayed" in statuses and status != "complete":
        status = "delayed"
    return TrackerMilestone(
        title=first.milestone,
        line=first.line,
        product="\n".join(dict.fromkeys(r.product for r in rows if r.product)),
        description="\n".join(r.description for r in rows if r.description),
        observations="\n".join(r.observations for r in rows if r.observations),
        institutions=tuple(institutions.values()),
        start=min(starts) if starts else None,
        end=max(ends) if ends else None,
        completion=completion,
        status=status,
        evidence=tuple(evidence),
        evidence_text="\n".join(r.evidence_text for r in rows if r.evidence_text),
        weight=None,
        activities=tuple(rows),
        milestone_id=next((r.milestone_id for r in rows if r.milestone_id), ""),
        actual_start=min((r.actual_start for r in rows if r.actual_start), default=None),
        actual_end=max(actual_ends) if len(actual_ends) == len(rows) else None,  # every activity ended
    )


_ACTIVITY_CODE = re.compile(r"\s*(?:(\d{1,3})|([A-Za-z]))\s*[.)\-–]\s+(?=\S)")


@dataclass(frozen=True)
class ActivityCode:
    """How an activity's title numbers it: ``05. Taller…`` is activity 5, ``b) Taller…`` activity b."""

    number: int | None
    letter: str
    title: str  # the title without its numbering


def activity_code(title: str) -> ActivityCode:
    """The number (``01.``, ``5)``, ``12 -``) or letter (``a)``, ``B.``) an activity's title starts
    with, and the title without it; neither when the title does not start with one."""
    found = _ACTIVITY_CODE.match(title)
    if found is None:
        return ActivityCode(None, "", title.strip())
    rest = title[found.end() :].strip()
    if found.group(1):
        return ActivityCode(int(found.group(1)), "", rest)
    return ActivityCode(None, found.group(2).lower(), rest)


class Completed(Protocol):
    """What :func:`mean_completion` reads of a milestone (a :class:`TrackerMilestone`, or the plan
    tracker's :class:`cocrea.computations.plantracker.MilestoneInput`)."""

    @property
    def completion(self) -> float | None: ...
    @property
    def weight(self) -> float | None: ...
    @property
    def status(self) -> str: ...


def mean_completion(milestones: Sequence[Completed]) -> float | None:
    """The (weighted) mean completion: a blank completion counts as 0, a cancelled milestone not
    at all; ``None`` when none has a completion. With any weight given, milestones without one
    weigh 0; all weights 0 gives the plain mean."""
    counted = [m for m in milestones if m.status != "cancelled"]
    if not any(m.completion is not None for m in counted):
        return None
    weighted = any(m.weight is not None for m in counted)
    total = sum((m.weight or 0.0) for m in counted) if weighted else float(len(counted))
    if total <= 0:
        weighted, total = False, float(len(counted))
    value = sum((m.completion or 0.0) * ((m.weight or 0.0) if weighted else 1.0) for m in counted) / total
    return round(value, 2)


# --- Output --------------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _institution_dict(institution: InstitutionName) -> dict[str, str]:
    return {"name": institution.name, "acronym": institution.acronym, "written": institution.written}


def _milestone_dict(milestone: TrackerMilestone) -> dict[str, Any]:
    found: dict[str, Any] = {
        "title": milestone.title,
        "id": milestone.milestone_id,
        "product": milestone.product,
        "start": _iso(milestone.start),
        "end": _iso(milestone.end),
        "actual_start": _iso(milestone.actual_start),
        "actual_end": _iso(milestone.actual_end),
        "completion": milestone.completion,
        "status": milestone.status,
        "evidence": list(milestone.evidence),
        "evidence_text": milestone.evidence_text,
        "description": milestone.description,
        "observations": milestone.observations,
        "institutions": [i.label for i in milestone.institutions],
        "institutions_detail": [_institution_dict(i) for i in milestone.institutions],
        "weight": milestone.weight,
        "sheet": milestone.row.sheet if milestone.row else milestone.activities[0].sheet,
        "line": milestone.line,
    }
    if milestone.activities:
        found["activities"] = [
            {
                "title": row.activity,
                "number": activity_code(row.activity).number,
                "letter": activity_code(row.activity).letter,
                "weight": row.weight,
                "institutions_detail": [_institution_dict(i) for i in row.institutions],
                "sheet": row.sheet,
                "product": row.product,
                "start": _iso(row.start),
                "end": _iso(row.end),
                "actual_start": _iso(row.actual_start),
                "actual_end": _iso(row.actual_end),
                "completion": row.completion,
                "status": row.status,
                "evidence": list(row.evidence),
                "evidence_text": row.evidence_text,
                "description": row.description,
                "observations": row.observations,
                "institutions": [i.label for i in row.institutions],
                "line": row.line,
            }
            for row in milestone.activities
        ]
    return found


def _commitment_dict(commitment: TrackerCommitment) -> dict[str, Any]:
    return {
        "title": commitment.title,
        "id": commitment.commitment_id,
        "description": commitment.description,
        "line": commitment.line,
        "institutions": [i.label for i in commitment.institutions],
        "institutions_detail": [_institution_dict(i) for i in commitment.institutions],
        "period": {"start": _iso(commitment.start), "end": _iso(commitment.end)},
        "completion": commitment.completion,
        "milestones": [_milestone_dict(m) for m in commitment.milestones],
    }


def _from_sheet(item: RowError | RowWarning) -> Finding:
    if isinstance(item, RowError):
        return Finding(
            item.code, item.row, item.column, item.value, item.expected, dict(item.params), "error"
        )
    return Finding(item.code, item.row, item.column, item.value, item.message, dict(item.params), "warning")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
