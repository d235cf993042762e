"""Monthly execution reports from spreadsheets: progress of activities and expenditures.

Institutions report in Excel. :func:`read_progress` and :func:`read_expenditures` take the bytes of
an uploaded file, a CSV (UTF-8 with or without BOM, UTF-16 with BOM or Windows-1252; comma,
semicolon or tab delimited) or an XLSX workbook (detected by its content, first sheet read), and
return a :class:`SheetResult`: the valid rows, **every** problem found (:class:`RowError`) and the
things worth a second look (:class:`RowWarning`). Bad content never raises; only a file that is not
a spreadsheet at all, has no header row or exceeds a limit below raises :class:`SheetError`.

Headers are matched in any case, with or without accents, in English or in Spanish (the spellings
in :data:`PROGRESS_HEADERS` and :data:`EXPENDITURE_HEADERS`; a hint in brackets, ``Fecha
(dd/mm/aaaa)``, is ignored); :attr:`SheetResult.headings` keeps each as written. An activity or a
budget line is named by its key (``01``, ``1``, ``A``) or by a key in front of a title, as the
drop-downs of :mod:`.sheet_templates` write it (``01 — Elaborar el plan``). Blank rows are skipped,
so a template row nobody touched is nothing. Only the first sheet of a workbook is read; the other
sheets that look like a report too (a visible sheet with a header row naming the required columns)
are named in a warning.

Row numbers are the ones a person sees in the spreadsheet: the first row of the file is row 1.
Columns are reported by their canonical name (``activity``, ``date``, ...); the header as written
and the cell reference (``C5``) are in ``params``. Every error and warning has a stable ``code``
and ``params`` so that the presentation layer can word it in the reader's language; ``expected``
is an English description of what the cell should hold.

All-or-nothing is the caller's job: import the rows only when ``result.ok``.

Limits, so that any upload is read in seconds and bounded memory or refused with a
:class:`SheetError` (codes in brackets): at most :data:`MAX_ROWS` rows with data
(``too_many_rows``) and :func:`row_limit` rows in all, blank ones included (``too_many_blank_rows``);
no value right of column :data:`MAX_COLUMNS` (``too_many_columns``); no cell longer than
:data:`MAX_CELL_CHARS` characters, Excel's own limit (``cell_too_long``). An XLSX is a zip: its
declared sizes are checked before anything is unpacked (:data:`XLSX_LIMITS`, ``xlsx_too_large``),
then every XML part is read once by expat, which builds nothing, to count the elements openpyxl
would build (:data:`MAX_XLSX_ELEMENTS`, ``xlsx_too_complex``), the rows, the columns and the longest
text of the sheets, before openpyxl opens the workbook (read-only, streaming the first sheet's rows).

:func:`write_xlsx` writes a workbook (templates for staff to download, exports, tests), with every
text passed through :func:`~cocrea.computations.safety.safe_cell` so that nothing written is taken
for a formula (and no bidirectional control is written).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Generic, NoReturn, TypeVar
from xml.parsers import expat

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped,unused-ignore]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped,unused-ignore]
from openpyxl.styles import Font  # type: ignore[import-untyped,unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

from cocrea.computations.archives import ZipLimits, ZipTooLarge, check_zip_sizes
from cocrea.computations.money import CENT, MoneyParseError, parse_money
from cocrea.computations.safety import safe_cell, unquote_cell
from cocrea.computations.text import fold, strip_accents

T = TypeVar("T")
R = TypeVar("R")

# --- Columns -------------------------------------------------------------------------------------

PROGRESS_COLUMNS = ("activity", "date", "percent_complete", "status", "actual_start", "actual_end", "note")
PROGRESS_REQUIRED = ("activity", "date", "percent_complete")
EXPENDITURE_COLUMNS = ("budget_line", "date", "amount", "description", "reference")
EXPENDITURE_REQUIRED = ("budget_line", "date", "amount")

# Header spellings accepted for each column, compared after :func:`header_key` (no accents, lower
# case, ``_`` and punctuation as spaces, ``%`` and parenthesised hints dropped).
PROGRESS_HEADERS: dict[str, tuple[str, ...]] = {
    "activity": (
        "activity",
        "activity no",
        "actividad",
        "actividad no",
        "no actividad",
        "numero de actividad",
    ),
    "date": ("date", "report date", "fecha", "fecha de reporte", "fecha del reporte", "fecha de corte"),
    "percent_complete": (
        "percent complete",
        "percent",
        "progress",
        "porcentaje",
        "porcentaje de avance",
        "avance",
        "de avance",
        "avance porcentual",
    ),
    "status": ("status", "estado"),
    "actual_start": (
        "actual start",
        "actual start date",
        "inicio real",
        "fecha de inicio real",
        "fecha inicio real",
    ),
    "actual_end": ("actual end", "actual end date", "fin real", "fecha de fin real", "fecha fin real"),
    "note": ("note", "notes", "comment", "comments", "nota", "notas", "observacion", "observaciones"),
}
EXPENDITURE_HEADERS: dict[str, tuple[str, ...]] = {
    "budget_line": (
        "budget line",
        "budget line no",
        "line",
        "linea",
        "linea de presupuesto",
        "linea del presupuesto",
        "linea presupuestaria",
        "recurso",
        "no recurso",
        "rubro",
    ),
    "date": ("date", "fecha", "fecha del gasto"),
    "amount": ("amount", "monto", "importe", "valor", "gasto"),
    "description": ("description", "descripcion", "concepto", "detalle"),
    "reference": ("reference", "referencia", "factura", "no factura", "comprobante", "documento", "invoice"),
}

MEASUREMENT_HEADERS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicador", "indicator key", "clave", "letra", "clave del indicador"),
    "date": ("date", "fecha", "fecha de la medicion", "fecha de medicion", "measured on"),
    "value": ("value", "valor", "medicion", "resultado", "cantidad"),
    "evidence": (
        "evidence",
        "evidencia",
        "medio de verificacion",
        "enlace",
        "link",
        "url",
    ),
    "note": ("note", "notes", "nota", "notas", "observacion", "observaciones", "comentario"),
}
MEASUREMENT_REQUIRED = ("indicator", "date", "value")

# --- Statuses ------------------------------------------------------------------------------------

STATUSES = ("planned", "in_progress", "done", "delayed", "cancelled")
STATUS_SPELLINGS: dict[str, tuple[str, ...]] = {
    "planned": ("planned", "planificada", "planificado", "not started", "no iniciada"),
    "in_progress": ("in progress", "en curso", "en progreso", "en proceso", "en ejecucion", "ongoing"),
    "done": ("done", "completada", "completado", "completed", "complete", "finalizada", "concluida"),
    "delayed": ("delayed", "retrasada", "retrasado", "atrasada", "atrasado"),
    "cancelled": ("cancelled", "canceled", "cancelada", "cancelado"),
}

# --- Codes ---------------------------------------------------------------------------------------

ERROR_CODES = frozenset(
    {
        "missing_column",  # params: columns (missing), required
        "duplicate_column",  # params: header
        "required",  # a required cell is empty
        "unknown_activity",  # params: key, known
        "unknown_budget_line",  # params: key, known
        "date_unreadable",  # params: forms
        "date_invalid",  # written in an accepted form but not a day of the calendar
        "percent_unreadable",
        "percent_out_of_range",  # params: percent
        "status_unknown",  # params: statuses
        "end_before_start",  # params: actual_start, actual_end
        "amount_unreadable",
        "amount_not_positive",  # params: amount
        "too_many_cells",  # CSV row longer than its header: params: cells, extra
        "amount_split",  # comma CSV, unquoted 32,000.00 read as two cells: params: cells
        "unknown_indicator",  # params: key, known
        "number_unreadable",
        "evidence_not_a_link",
        "duplicate_measurement",  # params: first_row
    }
)
WARNING_CODES = frozenset(
    {
        "extra_columns",  # params: columns (as written); they are ignored
        "rows_before_header",  # params: rows; they are ignored
        "other_sheets_ignored",  # params: read, ignored (sheet titles)
        "value_outside_columns",  # an XLSX cell right of the header or under an empty heading
        "no_rows",  # a header and nothing under it
        "status_percent_mismatch",  # params: status, percent
        "duplicate_row",  # params: first_row
        "duplicate_reference",  # params: reference, first_row
    }
)
SHEET_ERROR_CODES = frozenset(
    {
        "empty_file",
        "binary_file",
        "xls_not_supported",
        "xlsx_unreadable",
        "undecodable",
        "csv_unreadable",  # params: row
        "no_header",
        "too_many_rows",  # params: limit (rows with data)
        "too_many_blank_rows",  # params: limit (rows in all, blank ones included), data_limit
        "too_many_columns",  # params: limit, last (its letter), and row, column or cells where known
        "cell_too_long",  # params: limit (characters), and row where known
        "xlsx_too_large",  # params: reason (entries, member, total), limit, found
        "xlsx_too_complex",  # params: limit (weighted XML elements)
    }
)

MAX_ROWS = 10_000  # data rows in one file; more raises SheetError("too_many_rows")
MAX_COLUMNS = 100  # a value right of column CV raises SheetError("too_many_columns")
MAX_CELL_CHARS = 32_767  # characters in one cell, Excel's own limit; more raises "cell_too_long"
# An XLSX, unpacked: its members, all of them together, and any one of them (the shared strings, a
# sheet); more raises "xlsx_too_large". A 10,000-row report unpacks to a few megabytes.
XLSX_LIMITS = ZipLimits(entries=1_000, total=50_000_000, member=20_000_000)
# XML elements in all the parts of an XLSX, weighted by what openpyxl spends on them: 1 for a row,
# a cell, a value or a piece of a shared string, XLSX_OTHER_WEIGHT (and 1 an attribute) for anything
# else (styles, rules, validations, drawings…, each of which openpyxl turns into objects), and 1 more
# for each element of a sheet without its size (<dimension>) in front, which openpyxl reads twice.
# More raises "xlsx_too_complex". A 10,000-row report of 7 columns weighs about 150,000.
MAX_XLSX_ELEMENTS = 400_000
XLSX_OTHER_WEIGHT = 15
HEADER_SEARCH_ROWS = 10
DATE_FORMS = ("2019-05-31", "31/05/2019", "31-05-2019")
_DATE_EXPECTED = "a date written 2019-05-31, 31/05/2019 or 31-05-2019 (day/month/year), or a date cell"
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


# --- Results -------------------------------------------------------------------------------------


class SheetError(ValueError):
    """The upload is not a readable CSV or XLSX table with a header row."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.params: dict[str, Any] = params


@dataclass(frozen=True)
class RowError:
    """One bad cell (or a bad header: then ``row`` is the header row)."""

    row: int
    column: str
    value: str
    expected: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        shown = f" {self.value!r}" if self.value else ""
        return f"Row {self.row}, {self.column}:{shown} expected {self.expected}."


@dataclass(frozen=True)
class RowWarning:
    """Something read but worth a look; never a reason to refuse the file."""

    row: int
    column: str
    value: str
    message: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgressRow(Generic[T]):
    row: int
    activity: T
    day: date
    percent: Decimal
    status: str
    actual_start: date | None
    actual_end: date | None
    note: str
    activity_key: str = ""  # the key as normalised from the cell (``01`` → ``1``, ``a`` → ``A``)
    status_derived: bool = False  # the status cell was empty: derived from the percent


@dataclass(frozen=True)
class MeasurementRow(Generic[T]):
    row: int
    indicator: T
    day: date
    value: Decimal
    evidence: str  # a link, or ""
    note: str
    indicator_key: str = ""


@dataclass(frozen=True)
class ExpenditureRow(Generic[T]):
    row: int
    budget_line: T
    day: date
    amount: Decimal
    description: str
    reference: str
    budget_line_key: str = ""


@dataclass(frozen=True)
class SheetResult(Generic[R]):
    rows: tuple[R, ...]
    errors: tuple[RowError, ...]
    warnings: tuple[RowWarning, ...]
    source: str  # "csv" or "xlsx"
    encoding: str = ""  # CSV only: "utf-8", "utf-8-sig", "utf-16", "cp1252"
    delimiter: str = ""  # CSV only
    header_row: int = 1
    headings: Mapping[str, str] = field(default_factory=dict)  # column → its header as written

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Public readers ------------------------------------------------------------------------------


def read_progress(
    data: bytes,
    known_activities: Mapping[str, T],
    describe_known: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
) -> SheetResult[ProgressRow[T]]:
    """Read a progress report: ``activity,date,percent_complete,status,actual_start,actual_end,note``.

    ``known_activities`` maps every way the plan names an activity (``"01"``, ``"1"``, ``"A"``) to the
    caller's target for it; ``describe_known`` (``"01–13 (A–M)"``) is built from the keys when not
    given.
    """
    keys = _KeyIndex(known_activities, describe_known)
    table, header = _open_table(data, PROGRESS_HEADERS, PROGRESS_REQUIRED, max_rows)
    rows: list[ProgressRow[T]] = []
    seen: dict[tuple[Hashable, date], int] = {}
    for record in header.records():
        cells = _Cells(record, header)
        key, activity = cells.parse("activity", lambda v: keys.find(v, "activity")) or ("", None)
        day = cells.parse("date", _parse_date)
        percent = cells.parse("percent_complete", _parse_percent)
        status = cells.parse("status", _parse_status, required=False) or ""
        status_derived = _is_blank(cells.raw("status"))
        start = cells.parse("actual_start", _parse_date, required=False)
        end = cells.parse("actual_end", _parse_date, required=False)
        note = cells.text("note")
        if start is not None and end is not None and end < start:
            cells.error(
                "actual_end",
                "end_before_start",
                f"an actual end on or after the actual start ({start.isoformat()})",
                actual_start=start.isoformat(),
                actual_end=end.isoformat(),
            )
        if cells.errors or activity is None or day is None or percent is None:
            table.errors.extend(cells.errors)
            table.warnings.extend(cells.warnings)
            continue
        if status_derived:
            status = "planned" if percent == 0 else "done" if percent == 100 else "in_progress"
        elif (status == "done" and percent != 100) or (status == "planned" and percent != 0):
            cells.warn(
                "status",
                "status_percent_mismatch",
                f"status {status} with {_plain(percent)}% complete",
                status=status,
                percent=_plain(percent),
            )
        first = seen.setdefault((_identity(activity.target), day), cells.row)
        if first != cells.row:
            cells.warn("activity", "duplicate_row", f"same activity and date as row {first}", first_row=first)
        table.warnings.extend(cells.warnings)
        rows.append(
            ProgressRow(
                row=cells.row,
                activity=activity.target,
                day=day,
                percent=percent,
                status=status,
                actual_start=start,
                actual_end=end,
                note=note,
                activity_key=key,
                status_derived=status_derived,
            )
        )
    return table.result(rows, header)


def read_expenditures(
    data: bytes,
    known_budget_lines: Mapping[str, T],
    describe_known: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
) -> SheetResult[ExpenditureRow[T]]:
    """Read an expenditure report: ``budget_line,date,amount,description,reference``."""
    keys = _KeyIndex(known_budget_lines, describe_known)
    table, header = _open_table(data, EXPENDITURE_HEADERS, EXPENDITURE_REQUIRED, max_rows)
    rows: list[ExpenditureRow[T]] = []
    seen_rows: dict[tuple[Hashable, date, Decimal, str], int] = {}
    seen_references: dict[str, int] = {}
    for record in header.records():
        cells = _Cells(record, header)
        key, line = cells.parse("budget_line", lambda v: keys.find(v, "budget_line")) or ("", None)
        day = cells.parse("date", _parse_date)
        if table.delimiter == "," and _split_amount(cells):
            amount = None
            cells.error(
                "amount",
                "amount_split",
                'an amount in one cell: a comma splits "32,000.00" in two unless it is in quotes',
                cells=[cells.text("amount"), _as_text(cells.values[cells.header.columns["amount"] + 1])],
            )
        else:
            amount = cells.parse("amount", _parse_amount)
        description = cells.text("description")
        reference = cells.text("reference")
        if cells.errors or line is None or day is None or amount is None:
            table.errors.extend(cells.errors)
            table.warnings.extend(cells.warnings)
            continue
        first = seen_rows.setdefault((_identity(line.target), day, amount, fold(description)), cells.row)
        if first != cells.row:
            cells.warn(
                "budget_line", "duplicate_row", f"same line, date, amount as row {first}", first_row=first
            )
        elif reference:
            first = seen_references.setdefault(fold(reference), cells.row)
            if first != cells.row:
                cells.warn(
                    "reference",
                    "duplicate_reference",
                    f"reference also used in row {first}",
                    reference=reference,
                    first_row=first,
                )
        table.warnings.extend(cells.warnings)
        rows.append(
            ExpenditureRow(
                row=cells.row,
                budget_line=line.target,
                day=day,
                amount=amount,
                description=description,
                reference=reference,
                budget_line_key=key,
            )
        )
    return table.result(rows, header)


# --- Writing -------------------------------------------------------------------------------------


def read_measurements(
    data: bytes,
    known_indicators: Mapping[str, T],
    describe_known: str | None = None,
    *,
    max_rows: int = MAX_ROWS,
) -> SheetResult[MeasurementRow[T]]:
    """Read the measurements of indicators measured by hand: ``indicator,date,value,evidence,note``.

    ``known_indicators`` maps each indicator's key (``F``) to the caller's target. The value is a
    number (``12``, ``12.5``, ``12,5``, ``1,234.5``); the evidence, when given, a link
    (``https://…``). The same indicator twice on one date is an error (one measurement a day)."""
    keys = _KeyIndex(known_indicators, describe_known)
    table, header = _open_table(data, MEASUREMENT_HEADERS, MEASUREMENT_REQUIRED, max_rows)
    rows: list[MeasurementRow[T]] = []
    seen: dict[tuple[Hashable, date], int] = {}
    for record in header.records():
        cells = _Cells(record, header)
        key, indicator = cells.parse("indicator", lambda v: keys.find(v, "indicator")) or ("", None)
        day = cells.parse("date", _parse_date)
        value = cells.parse("value", _parse_number)
        evidence = cells.text("evidence")
        if evidence and not re.match(r"https?://\S+$", evidence, re.IGNORECASE):
            cells.error("evidence", "evidence_not_a_link", "a link to the evidence, e.g. https://…")
        note = cells.text("note")
        if cells.errors or indicator is None or day is None or value is None:
            table.errors.extend(cells.errors)
            table.warnings.extend(cells.warnings)
            continue
        first = seen.setdefault((_identity(indicator.target), day), cells.row)
        if first != cells.row:
            cells.error(
                "date",
                "duplicate_measurement",
                f"one measurement a day: row {first} has this one",
                first_row=first,
            )
            table.errors.extend(cells.errors)
            continue
        table.warnings.extend(cells.warnings)
        rows.append(
            MeasurementRow(
                row=cells.row,
                indicator=indicator.target,
                day=day,
                value=value,
                evidence=evidence,
                note=note,
                indicator_key=key,
            )
        )
    return table.result(rows, header)


def _parse_number(value: object) -> Decimal:
    expected = "a number, e.g. 12, 12.5 or 1,234.5"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = _decimal(value)
    else:
        text = re.sub(r"\s+", "", _as_text(value))
        if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):  # 1,234.5
            text = text.replace(",", "")
        elif re.fullmatch(r"[+-]?\d+,\d+", text):  # 12,5
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            _fail("number_unreadable", expected)
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        _fail("number_unreadable", expected)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def write_xlsx(rows: list[list[object]], headers: list[str], *, title: str = "Sheet1") -> bytes:
    """A one-sheet workbook: a bold, frozen header row, then ``rows``.

    Dates and numbers (``Decimal`` included) are written as real cells; amounts with two decimal
    places are shown ``#,##0.00``. Text goes through :func:`safe_cell`.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Sheet1"
    widths = [len(str(h)) for h in headers]
    bold = Font(bold=True)
    for column, heading in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column, value=cell_value(heading))
        cell.font = bold
    for row_number, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row_number, column=column, value=cell_value(value))
            if isinstance(value, Decimal) and value.as_tuple().exponent == -2:
                cell.number_format = "#,##0.00"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if column > len(widths):
                widths.append(0)
            widths[column - 1] = max(widths[column - 1], len(str(value)) if value is not None else 0)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def cell_value(value: object) -> object:
    """A value as :func:`write_xlsx` writes it: numbers and dates as they are, text made safe."""
    if value is None or isinstance(value, bool | int | float | Decimal | date | time):
        return value
    text = value if isinstance(value, str) else str(value)
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", text))


# --- Keys (activities, budget lines) -------------------------------------------------------------


@dataclass(frozen=True)
class _Found(Generic[T]):
    target: T


class _KeyIndex(Generic[T]):
    def __init__(self, known: Mapping[str, T], describe: str | None) -> None:
        self.by_key: dict[str, T] = {}
        for raw, target in known.items():
            key = normalise_key(raw)
            if key in self.by_key and self.by_key[key] is not target and self.by_key[key] != target:
                raise ValueError(f"keys {raw!r} and another one both read {key!r} but name different targets")
            self.by_key[key] = target
        self.described = describe if describe is not None else describe_keys(known)

    def find(self, value: object, column: str) -> tuple[str, _Found[T]]:
        text = _as_text(value)
        key = normalise_key(text)
        if key in self.by_key:
            return key, _Found(self.by_key[key])
        if match := _LEADING_KEY.match(text):  # a template's choice: "01 — Elaborar el plan"
            key = normalise_key(match.group(1))
            if key in self.by_key:
                return key, _Found(self.by_key[key])
        noun = "activity" if column == "activity" else "budget line"
        raise _Invalid(
            f"unknown_{column}",
            f"an existing {noun}: the plan has {self.described}",
            key=key,
            known=self.described,
        )


# A key in front of a title, as a template's drop-down writes it ("01 — Título") or a person types it
# ("01 - Título", "A: Título", "01. Título"): the key, then a dash, a colon or a full stop and a
# space. "1-2" or "2.1" are keys, not a key and a title.
_LEADING_KEY = re.compile(r"\s*([0-9A-Za-z]+(?:\.[0-9]+)*)\s*(?:[—–]|\s-\s|:\s|\.\s)")


def normalise_key(text: str) -> str:
    """``" 01 "`` → ``"1"``, ``"a"`` → ``"A"``, ``"02.01"`` → ``"2.1"``, ``"1."`` → ``"1"``."""
    key = " ".join(strip_accents(text).split()).upper().rstrip(".")
    if re.fullmatch(r"\d+(?:\.\d+)*", key):
        return ".".join(str(int(part)) for part in key.split("."))
    return key


def describe_keys(keys: Iterable[str]) -> str:
    """``["01", "1", ..., "13", "A", ..., "M"]`` → ``"01–13 (A–M)"``."""
    numbers: dict[int, str] = {}
    letters: set[str] = set()
    others: set[str] = set()
    for raw in keys:
        key = raw.strip()
        if key.isdigit() and key.isascii():
            value = int(key)
            if len(key) > len(numbers.get(value, "")):
                numbers[value] = key
        elif len(key) == 1 and key.isalpha():
            letters.add(key.upper())
        elif key:
            others.add(key)
    number_part = _runs(sorted(numbers), lambda n: numbers[n])
    letter_part = _runs(sorted(ord(letter) for letter in letters), chr)
    if number_part and letter_part:
        described = f"{number_part} ({letter_part})"
    else:
        described = number_part or letter_part
    extra = ", ".join(sorted(others))
    return ", ".join(part for part in (described, extra) if part) or "none"


def _runs(values: list[int], spell: Callable[[int], str]) -> str:
    parts: list[str] = []
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[index - 1] + 1:
            run = values[start:index]
            if len(run) >= 3:
                parts.append(f"{spell(run[0])}–{spell(run[-1])}")
            else:
                parts.extend(spell(v) for v in run)
            start = index
    return ", ".join(parts)


def _identity(target: object) -> Hashable:
    try:
        hash(target)
    except TypeError:
        return id(target)
    return target


# --- Cell parsers --------------------------------------------------------------------------------


class _Invalid(Exception):
    """A cell that cannot be read; caught in :meth:`_Cells.parse`, never leaves this module."""

    def __init__(self, code: str, expected: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.expected = expected
        self.params = params


def _fail(code: str, expected: str, **params: Any) -> NoReturn:
    raise _Invalid(code, expected, **params)


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DMY_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")


def _parse_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _as_text(value)
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    elif match := _DMY_DATE.fullmatch(text):
        day, month, year = (int(match.group(i)) for i in (1, 3, 4))
    else:
        _fail("date_unreadable", _DATE_EXPECTED, forms=list(DATE_FORMS))
    try:
        return date(year, month, day)
    except ValueError:
        _fail(
            "date_invalid",
            "a real calendar date, written day/month/year (31/05/2019)",
            forms=list(DATE_FORMS),
        )


_PERCENT = re.compile(r"([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+))%?")


def _parse_percent(value: object) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        percent = _decimal(value)
    else:
        text = re.sub(r"\s+", "", _as_text(value))
        match = _PERCENT.fullmatch(text)
        if match is None:
            _fail("percent_unreadable", "a percentage from 0 to 100, e.g. 45, 45.5, 45% or 45,5")
        percent = Decimal(match.group(1).replace(",", "."))
    if not percent.is_finite():
        _fail("percent_unreadable", "a percentage from 0 to 100, e.g. 45, 45.5, 45% or 45,5")
    if not 0 <= percent <= 100:
        _fail("percent_out_of_range", "a percentage from 0 to 100", percent=_plain(percent))
    return percent


def _parse_status(value: object) -> str:
    key = fold(_as_text(value)).replace("_", " ")
    key = " ".join(key.split())
    code = _STATUS_BY_SPELLING.get(key)
    if code is None:
        _fail(
            "status_unknown",
            "one of planned, in_progress, done, delayed, cancelled (or planificada, en curso, completada,"
            " retrasada, cancelada), or empty to derive it from the percent",
            statuses=list(STATUSES),
        )
    return code


_STATUS_BY_SPELLING = {
    " ".join(fold(spelling).replace("_", " ").split()): code
    for code, spellings in STATUS_SPELLINGS.items()
    for spelling in (code, *spellings)
}


def _parse_amount(value: object) -> Decimal:
    expected = "an amount in quetzales greater than zero, e.g. 32000, 32,000.00 or Q 32,000.00"
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        amount = _decimal(value)
        if not amount.is_finite():
            _fail("amount_unreadable", expected)
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        try:
            amount = parse_money(_as_text(value))
        except (MoneyParseError, InvalidOperation):
            _fail("amount_unreadable", expected)
    if amount <= 0:
        _fail("amount_not_positive", expected, amount=f"{amount:.2f}")
    return amount


def _split_amount(cells: _Cells) -> bool:
    """``1,2019-05-31,32,000.00`` in a comma CSV: the amount was cut at its thousands comma."""
    position = cells.header.columns["amount"]
    if position + 1 >= len(cells.values):
        return False
    head, tail = cells.text("amount"), _as_text(cells.values[position + 1])
    return bool(
        re.fullmatch(r"(?:GTQ|Q)?\.?\s*\d{1,3}", head, re.IGNORECASE)
        and re.fullmatch(r"\d{3}(?:\.\d{1,2})?", tail)
    )


def _decimal(value: int | float | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value))  # the shortest decimal that reads back as this float: what Excel shows


def _plain(value: Decimal) -> str:
    """``Decimal('45.500')`` → ``'45.5'``, ``Decimal('1E+2')`` → ``'100'``."""
    if value == value.to_integral_value():
        # Not ``quantize(Decimal(1))``: past 28 digits (a cell holding 1e28) it raises InvalidOperation.
        return format(value.to_integral_value(), "f")
    return format(value.normalize(), "f")


def _as_text(value: object) -> str:
    """A cell as the text a person would read in it, with the :func:`safe_cell` prefix undone."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unquote_cell(value.strip())
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _plain(_decimal(value)) if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, Decimal):
        return _plain(value) if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- Header and rows -----------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A heading's comparison key: ``" Fecha de inicio real (dd/mm/aaaa) "`` → ``"fecha de inicio real"``."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    return " ".join(fold(text).replace("_", " ").replace("%", " ").split())


Record = tuple[int, list[object]]


@dataclass
class _Header:
    row: int
    texts: list[str]  # as written, by position
    columns: dict[str, int]  # canonical name → position
    data: list[Record]  # the records after the header row
    source: str
    width: int

    def records(self) -> Iterable[Record]:
        return (record for record in self.data if not all(_is_blank(v) for v in record[1]))


@dataclass
class _Table:
    source: str
    encoding: str = ""
    delimiter: str = ""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)

    def result(self, rows: Sequence[R], header: _Header | None) -> SheetResult[R]:
        return SheetResult(
            rows=tuple(rows),
            errors=tuple(self.errors),
            warnings=tuple(self.warnings),
            source=self.source,
            encoding=self.encoding,
            delimiter=self.delimiter,
            header_row=header.row if header else 1,
            headings={name: header.texts[p] for name, p in header.columns.items()} if header else {},
        )


class _Cells:
    """One data row being read: its cells by column, and the problems found in it."""

    def __init__(self, record: Record, header: _Header) -> None:
        self.row, self.values = record
        self.header = header
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self._check_width()

    def raw(self, column: str) -> object:
        position = self.header.columns.get(column)
        if position is None or position >= len(self.values):
            return None
        return self.values[position]

    def text(self, column: str) -> str:
        return _as_text(self.raw(column))

    def parse(self, column: str, parser: Callable[[object], T], *, required: bool = True) -> T | None:
        """The cell read by ``parser``; ``None`` when empty or bad (the error is recorded)."""
        value = self.raw(column)
        if _is_blank(value):
            if required:
                self.error(column, "required", f"a value: {column} is required")
            return None
        try:
            return parser(value)
        except _Invalid as invalid:
            self.error(column, invalid.code, invalid.expected, **invalid.params)
            return None

    def _where(self, column: str) -> dict[str, Any]:
        position = self.header.columns.get(column)
        if position is None:
            return {"header": "", "cell": ""}
        return {"header": self.header.texts[position], "cell": f"{get_column_letter(position + 1)}{self.row}"}

    def error(self, column: str, code: str, expected: str, **params: Any) -> None:
        params = {**self._where(column), **params}
        self.errors.append(RowError(self.row, column, self.text(column), expected, code, params))

    def warn(self, column: str, code: str, message: str, **params: Any) -> None:
        params = {**self._where(column), **params}
        self.warnings.append(RowWarning(self.row, column, self.text(column), message, code, params))

    def _check_width(self) -> None:
        header = self.header
        outside = [
            position
            for position, value in enumerate(self.values)
            if not _is_blank(value) and (position >= header.width or not header.texts[position])
        ]
        if not outside:
            return
        extra = [_as_text(self.values[p]) for p in outside]
        if header.source == "csv" and outside[-1] >= header.width:
            self.errors.append(
                RowError(
                    self.row,
                    "",
                    ", ".join(extra),
                    f"at most {header.width} cells, as in the header row; an amount with a thousands"
                    ' comma must be in quotes: "32,000.00"',
                    "too_many_cells",
                    {"cells": len(self.values), "width": header.width, "extra": extra},
                )
            )
        else:
            cells = [f"{get_column_letter(p + 1)}{self.row}" for p in outside]
            self.warnings.append(
                RowWarning(
                    self.row,
                    "",
                    ", ".join(extra),
                    f"values outside the named columns were ignored ({', '.join(cells)})",
                    "value_outside_columns",
                    {"cells": cells, "values": extra},
                )
            )


def _open_table(
    data: bytes, headers: Mapping[str, tuple[str, ...]], required: Sequence[str], max_rows: int
) -> tuple[_Table, _Header]:
    aliases = {
        header_key(spelling): name for name, spellings in headers.items() for spelling in (name, *spellings)
    }
    table, records = _read_records(data, aliases, max_rows, required)
    found = _find_header(records, aliases)
    if found is None:
        raise SheetError(
            "no_header",
            f"no header row found in the first {HEADER_SEARCH_ROWS} rows: the first row should name the"
            f" columns {', '.join(headers)}",
            columns=list(headers),
        )
    index, (row, values) = found
    before = [number for number, cells in records[:index] if not all(_is_blank(v) for v in cells)]
    if before:
        table.warnings.append(
            RowWarning(
                before[0],
                "",
                "",
                f"rows above the header (row {row}) were ignored",
                "rows_before_header",
                {"rows": before},
            )
        )
    texts = [_as_text(v) for v in values]
    while texts and not texts[-1]:
        texts.pop()
    columns: dict[str, int] = {}
    extra: list[str] = []
    for position, text in enumerate(texts):
        if not text:
            continue
        name = aliases.get(header_key(text))
        if name is None:
            extra.append(text)
        elif name in columns:
            first = texts[columns[name]]
            table.errors.append(
                RowError(
                    row,
                    name,
                    text,
                    f"one column {name}; it is also headed {first!r}",
                    "duplicate_column",
                    {"header": text, "first": first, "cell": f"{get_column_letter(position + 1)}{row}"},
                )
            )
        else:
            columns[name] = position
    if extra:
        table.warnings.append(
            RowWarning(
                row, "", ", ".join(extra), "these columns were ignored", "extra_columns", {"columns": extra}
            )
        )
    header = _Header(row, texts, columns, records[index + 1 :], table.source, len(texts))
    missing = [name for name in required if name not in columns]
    if missing:
        table.errors.append(
            RowError(
                row,
                ", ".join(missing),
                "",
                f"a header row with the columns {', '.join(required)} (missing: {', '.join(missing)})",
                "missing_column",
                {"columns": missing, "required": list(required)},
            )
        )
        header.data = []  # nothing can be read without them; one error says so
    elif not any(True for _ in header.records()):
        table.warnings.append(RowWarning(row, "", "", "the file has a header and no rows", "no_rows", {}))
    return table, header


def _find_header(records: list[Record], aliases: Mapping[str, str]) -> tuple[int, Record] | None:
    seen = 0
    for index, record in enumerate(records):
        if all(_is_blank(v) for v in record[1]):
            continue
        if _header_score(record[1], aliases) > 0:
            return index, record
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    return None


def _header_score(values: Sequence[object], aliases: Mapping[str, str]) -> int:
    return len({aliases[k] for v in values if isinstance(v, str) and (k := header_key(v)) in aliases})


# --- Reading bytes -------------------------------------------------------------------------------


def row_limit(max_rows: int = MAX_ROWS) -> int:
    """The rows a file may hold in all, blank ones included: twice the rows of data (at least 1,000
    more), so that blank rows (a sheet formatted far down, a CSV of empty lines) are bounded too."""
    return max(2 * max_rows, max_rows + 1_000)


def _too_many_rows(max_rows: int) -> SheetError:
    return SheetError("too_many_rows", f"the file has more than {max_rows} rows with data", limit=max_rows)


def _too_many_blank_rows(max_rows: int) -> SheetError:
    limit = row_limit(max_rows)
    return SheetError(
        "too_many_blank_rows",
        f"the file has more than {limit} rows, blank ones included (at most {max_rows} with data):"
        " delete the empty rows under the data",
        limit=limit,
        data_limit=max_rows,
    )


def _too_many_columns(row: int | None = None, column: int | None = None, *, cells: int = 0) -> SheetError:
    """A value right of :data:`MAX_COLUMNS` (in ``column``), or a row of more ``cells`` than Excel's."""
    where: dict[str, Any] = {}
    if row is not None:
        where["row"] = row
    if column is not None:
        where["column"] = get_column_letter(column) if column <= 18_278 else str(column)
    if cells:
        where["cells"] = cells
    last = get_column_letter(MAX_COLUMNS)
    found = f"{cells} cells" if cells else f"values right of column {last}"
    return SheetError(
        "too_many_columns",
        f"{f'row {row} has' if row is not None else 'the sheet has'} {found}: a file may use at most"
        f" {MAX_COLUMNS} columns",
        limit=MAX_COLUMNS,
        last=last,
        **where,
    )


def _cell_too_long(row: int | None = None) -> SheetError:
    where = {"row": row} if row is not None else {}
    return SheetError(
        "cell_too_long",
        f"{f'row {row} has' if row is not None else 'the sheet has'} a cell longer than"
        f" {MAX_CELL_CHARS} characters",
        limit=MAX_CELL_CHARS,
        **where,
    )


def _read_records(
    data: bytes,
    aliases: Mapping[str, str],
    max_rows: int,
    required: Sequence[str] = (),
    *,
    physical_lines: bool = False,
) -> tuple[_Table, list[Record]]:
    """The table's records, each numbered by its row (the spreadsheet's row; in a CSV, the record's
    place), or with ``physical_lines`` by the CSV line where it starts (a cell holding line breaks
    makes a record span several lines); an XLSX row is its line either way."""
    if not data or not data.strip():
        raise SheetError("empty_file", "the file is empty")
    if data.startswith(_XLSX_MAGIC):
        records, read, others = _xlsx_records(data, max_rows, aliases, required)
        table = _Table("xlsx")
        if others:
            table.warnings.append(
                RowWarning(
                    1,
                    "",
                    "",
                    f"only the first sheet ({read}) was read; ignored: {', '.join(others)}",
                    "other_sheets_ignored",
                    {"read": read, "ignored": others},
                )
            )
        return table, records
    if data.startswith(_OLE_MAGIC):
        raise SheetError(
            "xls_not_supported",
            "this is an old Excel .xls workbook or a password-protected one: save it as .xlsx or CSV",
        )
    text, encoding = _decode(data)
    delimiter, records = _csv_records(text, aliases, max_rows, physical_lines=physical_lines)
    return _Table("csv", encoding, delimiter), records


# Control characters (Unicode category Cc) other than tab, CR, LF, form feed and Ctrl-Z.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f-\x9f]")


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise SheetError("undecodable", "the file says it is UTF-16 text but is not") from exc
    if b"\x00" in data:
        raise SheetError("binary_file", "this is not a CSV or XLSX file")
    text: str | None = None
    encoding = ""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise SheetError("undecodable", "the text is neither UTF-8 nor Windows-1252: save it as CSV UTF-8")
    if encoding == "utf-8-sig" and not data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8"
    controls = _CONTROL.subn("", text)[1]
    if controls > max(1, len(text) // 100):
        raise SheetError("binary_file", "this is not a CSV or XLSX file")
    return text, encoding


def _csv_records(
    text: str, aliases: Mapping[str, str], max_rows: int, *, physical_lines: bool = False
) -> tuple[str, list[Record]]:
    best: tuple[int, int, int] | None = None
    chosen = ","
    for order, delimiter in enumerate((",", ";", "\t")):
        sample = _csv_parse(text, delimiter, HEADER_SEARCH_ROWS * 2, row_limit(max_rows), sample=True)
        found = _find_header(sample, aliases)
        if found is None:
            continue
        score = (_header_score(found[1][1], aliases), len(found[1][1]), -order)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen, _csv_parse(text, chosen, max_rows, row_limit(max_rows), physical_lines=physical_lines)


def _csv_parse(
    text: str,
    delimiter: str,
    max_rows: int,
    max_lines: int,
    *,
    sample: bool = False,
    physical_lines: bool = False,
) -> list[Record]:
    """The CSV's records, at most ``max_rows`` with content and ``max_lines`` in all.

    A ``sample`` (to choose the delimiter) stops quietly where the full reading raises
    :class:`SheetError`: at a limit, a cell too long or a CSV error. Records are numbered from 1,
    or with ``physical_lines`` by the line where each starts.
    """
    records: list[Record] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    content = 0
    next_line = 1  # the physical line the next record starts on
    try:
        for index, cells in enumerate(reader, start=1):
            number = next_line if physical_lines else index
            next_line = reader.line_num + 1
            if index > max_lines:
                if sample:
                    break
                raise _too_many_blank_rows(max_rows)
            if len(cells) > MAX_COLUMNS:
                cells = _trim_wide(cells, number, strict=not sample)
            if cells and max(map(len, cells)) > MAX_CELL_CHARS:
                if sample:
                    break
                raise _cell_too_long(number)
            records.append((number, list[object](cells)))
            if any(c.strip() for c in cells):
                content += 1
                if content > max_rows + 1:  # the header is not counted
                    if sample:
                        break
                    raise _too_many_rows(max_rows)
    except csv.Error as exc:
        if sample:
            return records
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(reader.line_num) from exc
        raise SheetError(
            "csv_unreadable", f"the CSV cannot be read near row {reader.line_num}: {exc}", row=reader.line_num
        ) from exc
    return records


def _trim_wide(cells: list[str], row: int, *, strict: bool) -> list[str]:
    """A CSV row cut to :data:`MAX_COLUMNS` cells when the cells beyond are blank; when ``strict``,
    a value beyond raises ``too_many_columns``."""
    tail = cells[MAX_COLUMNS:]
    if strict and tail.count("") != len(tail):  # counted in C: a line of a million commas is quick
        for offset, cell in enumerate(tail):
            if cell.strip():
                raise _too_many_columns(row, MAX_COLUMNS + offset + 1)
    return cells[:MAX_COLUMNS]


def _xlsx_records(
    data: bytes, max_rows: int, aliases: Mapping[str, str], required: Sequence[str]
) -> tuple[list[Record], str, list[str]]:
    """The first sheet's records, its title, and the titles of the other sheets that look like a
    report too (see :func:`_looks_like_a_report`), which are not read."""
    sheets, others = _xlsx_sheets(data, max_rows, aliases, required)
    title, records = sheets[0]
    return records, title, others


def _xlsx_sheets(
    data: bytes, max_rows: int, aliases: Mapping[str, str], required: Sequence[str], *, every: int = 0
) -> tuple[list[tuple[str, list[Record]]], list[str]]:
    """The first sheet's title and records, and the titles of the other sheets that look like a
    report too (see :func:`_looks_like_a_report`); with ``every``, the titles and records of the
    first ``every`` sheets instead, and no titles of others. The workbook is checked and opened once."""
    parts = _scan_xlsx(data, max_rows)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise SheetError("xlsx_unreadable", "this is not an XLSX workbook Excel can open") from exc
    try:
        sheets = list(workbook.worksheets)
        if not sheets:
            raise SheetError("no_header", "the workbook has no worksheet")
        read = [
            (str(sheet.title), _xlsx_sheet_records(sheet, parts, max_rows)) for sheet in sheets[: every or 1]
        ]
        if every:
            return read, []
        others = [str(s.title) for s in sheets[1:] if _looks_like_a_report(s, aliases, required)]
        return read, others
    except SheetError:
        raise
    except Exception as exc:
        raise SheetError("xlsx_unreadable", "the workbook is damaged and cannot be read") from exc
    finally:
        workbook.close()


def _xlsx_sheet_records(sheet: Any, parts: Mapping[str, _PartScan], max_rows: int) -> list[Record]:
    scanned = parts.get(str(getattr(sheet, "_worksheet_path", "")), None)
    if scanned is None:  # not found where openpyxl reads it: judge by the largest part
        scanned = _PartScan.largest(parts.values())
    scanned.check(max_rows)
    sheet.reset_dimensions()  # do not trust the stored size: read every row there is
    # Blank cells far right (formatting) would pad every row that wide: read the columns allowed.
    max_col = MAX_COLUMNS if scanned.max_cell_column > MAX_COLUMNS else None
    limit = row_limit(max_rows)
    records: list[Record] = []
    content = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for number, row in enumerate(sheet.iter_rows(min_row=1, max_col=max_col), start=1):
            if number > limit:
                raise _too_many_blank_rows(max_rows)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(number, len(row))
            values = [_xlsx_value(cell) for cell in row]
            if any(isinstance(v, str) and len(v) > MAX_CELL_CHARS for v in values):
                raise _cell_too_long(number)
            records.append((number, values))
            if not all(_is_blank(v) for v in values):
                content += 1
                if content > max_rows + 1:  # the header is not counted
                    raise _too_many_rows(max_rows)
    return records


def _looks_like_a_report(sheet: Any, aliases: Mapping[str, str], required: Sequence[str]) -> bool:
    """A visible sheet with a header row naming the required columns in its first rows: rows a
    person may have meant to import. A template's instructions (a column named on each row), its
    hidden lists and the empty sheets Excel adds are not."""
    if getattr(sheet, "sheet_state", "visible") != "visible":
        return False
    wanted = set(required) or set(aliases.values())
    seen = 0
    sheet.reset_dimensions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for values in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS * 10, max_col=MAX_COLUMNS, values_only=True):
            if all(_is_blank(v) for v in values):
                continue
            named = {aliases[k] for v in values if isinstance(v, str) and (k := header_key(v)) in aliases}
            if wanted <= named:
                return True
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
    return False


def _xlsx_value(cell: Any) -> object:
    value: object = getattr(cell, "value", None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        number_format = getattr(cell, "number_format", None) or ""
        if "%" in number_format:
            # A cell formatted as a percentage holds 0.455 and shows 45.5%: read what it shows.
            shown = (_decimal(value) * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            return f"{_plain(shown)}%"
    return value


# --- Checking an XLSX before openpyxl opens it ---------------------------------------------------

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SCAN_CHUNK = 1 << 20  # bytes read at a time, and the most an XML part may hold between two "<"
# XML that is not UTF-8 (UTF-16, UCS-4, EBCDIC): Excel never writes it, and in it a "<" byte is not
# always a "<", so the scan below could not bound a tag's length.
_NOT_UTF8_XML = (
    *(codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE),  # UTF-32 LE starts as UTF-16 LE
    *(b"<\x00", b"\x00<", b"\x00\x00\x00<", b"\x00\x00<\x00"),  # UTF-16 or UCS-4 without a mark
    b"Lo\xa7\x94",  # "<?xm" in EBCDIC
)
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?\d+")  # as openpyxl reads a cell's r="XFD5"
_EXCEL_COLUMNS = 16_384  # cells in one row of any sheet Excel writes (A to XFD)
_SHEET_DATA = f"{_MAIN_NS} sheetData"


@dataclass
class _PartScan:
    """The rows and columns found in one XML part (a sheet, or any part holding <row> elements)."""

    last_row: int = 0  # the highest row number: openpyxl yields every row up to it, blank or not
    value_rows: int = 0  # rows with a value in some cell
    max_value_column: int = 0  # the rightmost column holding a value
    value_row: int = 0  # the row of that value
    max_cell_column: int = 0  # the rightmost cell, blank (formatted) ones included
    max_row_cells: int = 0  # the most cells in one row (openpyxl holds a row's cells at once)
    wide_row: int = 0  # the row with that many cells

    @staticmethod
    def largest(scans: Iterable[_PartScan]) -> _PartScan:
        found = _PartScan()
        for scan in scans:
            found.last_row = max(found.last_row, scan.last_row)
            found.value_rows = max(found.value_rows, scan.value_rows)
            if scan.max_value_column > found.max_value_column:
                found.max_value_column, found.value_row = scan.max_value_column, scan.value_row
            found.max_cell_column = max(found.max_cell_column, scan.max_cell_column)
            if scan.max_row_cells > found.max_row_cells:
                found.max_row_cells, found.wide_row = scan.max_row_cells, scan.wide_row
        return found

    def check(self, max_rows: int) -> None:
        """Refuse, before openpyxl reads a row, a sheet too long or too wide."""
        if self.value_rows > max_rows + 1:  # the header is not counted
            raise _too_many_rows(max_rows)
        if self.last_row > row_limit(max_rows):
            raise _too_many_blank_rows(max_rows)
        if self.max_value_column > MAX_COLUMNS:
            raise _too_many_columns(self.value_row or None, self.max_value_column)
        if self.max_row_cells > _EXCEL_COLUMNS:
            raise _too_many_columns(self.wide_row or None, cells=self.max_row_cells)


@dataclass
class _Budget:
    """The weighted XML elements a workbook may still hold (:data:`MAX_XLSX_ELEMENTS`)."""

    left: int = MAX_XLSX_ELEMENTS

    def spend(self, cost: int) -> None:
        self.left -= cost
        if self.left < 0:
            raise _OverBudget


class _OverBudget(Exception):
    """Raised from expat's callbacks; :func:`_scan_part` turns it into a :class:`SheetError`."""


def _too_complex() -> SheetError:
    return SheetError(
        "xlsx_too_complex",
        "the workbook holds too many cells, styles, rules or drawings to be read: copy the rows to"
        " import into a new workbook, or save the sheet as CSV",
        limit=MAX_XLSX_ELEMENTS,
    )


class _XmlScan:
    """What openpyxl would build from one XML part, counted by expat's callbacks, building nothing.

    Like openpyxl, a ``<row>`` of the main namespace is a row wherever it is, every child of a row
    is a cell, and a cell's value is in its ``<v>`` or ``<is>``; ``<si>`` in a ``<sst>`` part is a
    shared string.
    """

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.found = _PartScan()
        self.depth = 0
        self.shared_strings = False  # the root is <sst>
        self.sized = False  # a <dimension> was found, or the sheet data has ended
        self.row = 0  # depth of the open row, 0 outside one
        self.cell = 0  # depth of the open cell, or <si>
        self.value = 0  # depth of the open cell's <v> or <is>, or of the <si>
        self.row_number = 0
        self.column = 0
        self.row_cells = 0
        self.row_has_value = False
        self.cell_has_value = False
        self.chars = 0  # characters in the open cell's value, or the shared string

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        namespace, _, local = name.rpartition(" ")
        main = namespace == _MAIN_NS
        cost = XLSX_OTHER_WEIGHT + len(attributes)
        if self.depth == 1:
            self.shared_strings = self.sized = main and local == "sst"  # read once
        elif main and local == "dimension":
            self.sized = True  # openpyxl stops its first reading here
        if self.shared_strings:
            if main and local in ("si", "t"):
                cost = 1
                if local == "si" and not self.cell:
                    self.cell = self.value = self.depth
                    self.chars = 0
        elif self.row and self.depth == self.row + 1:
            cost = 1
            self._cell(attributes)
        elif self.cell and self.depth == self.cell + 1 and main and local in ("v", "is", "f"):
            cost = 1
            if local != "f":
                self.value = self.depth
        elif self.value and main and local == "t":
            cost = 1
        elif main and local == "row" and not self.row:
            cost = 1
            self._row(attributes)
        elif main and local == "sheetData":
            cost = 1
        self.budget.spend(cost if self.sized else cost + 1)

    def _row(self, attributes: dict[str, str]) -> None:
        self.row_number = _row_number(attributes.get("r"), self.row_number + 1)
        self.found.last_row = max(self.found.last_row, self.row_number)
        self.row = self.depth
        self.column = 0
        self.row_cells = 0
        self.row_has_value = False

    def _cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        match = _CELL_REFERENCE.fullmatch(reference) if reference else None
        if match:
            self.column = 0
            for letter in match.group(1).upper():
                self.column = self.column * 26 + ord(letter) - 64
        else:
            self.column += 1
        self.found.max_cell_column = max(self.found.max_cell_column, self.column)
        self.row_cells += 1
        if self.row_cells > self.found.max_row_cells:
            self.found.max_row_cells, self.found.wide_row = self.row_cells, self.row_number
        self.cell = self.depth
        self.cell_has_value = False
        self.chars = 0

    def text(self, data: str) -> None:
        if self.value:
            self.chars += len(data)
            if self.chars > MAX_CELL_CHARS:
                raise _cell_too_long(self.row_number if self.row else None)
            if not self.cell_has_value and data.strip():
                self.cell_has_value = True

    def end(self, name: str) -> None:
        if not self.sized and name == _SHEET_DATA:
            self.sized = True
        if self.depth == self.value:
            self.value = 0
        if self.depth == self.cell:
            self.cell = 0
            if self.cell_has_value and not self.shared_strings:
                self.row_has_value = True
                if self.column > self.found.max_value_column:
                    self.found.max_value_column, self.found.value_row = self.column, self.row_number
        elif self.depth == self.row:
            self.row = 0
            if self.row_has_value:
                self.found.value_rows += 1
        self.depth -= 1


def _row_number(text: str | None, default: int) -> int:
    """A row's ``r`` as openpyxl reads it (``"5"``, ``"5.0"``); ``default`` when it cannot."""
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return default
    return int(number) if number.is_integer() else default


def _refuse_doctype(*_: object) -> None:
    raise SheetError("xlsx_unreadable", "the workbook declares a DTD, which Excel never writes")


def _scan_xlsx(data: bytes, max_rows: int) -> dict[str, _PartScan]:
    """Check an XLSX before openpyxl opens it: the sizes its zip declares, then every XML part read
    once by expat (see the module docstring). Returns what each part holds, by member name."""
    budget = _Budget()
    found: dict[str, _PartScan] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            try:
                check_zip_sizes(infos, XLSX_LIMITS)
            except ZipTooLarge as exc:
                raise _xlsx_too_large(exc) from exc
            for info in infos:
                if not info.is_dir():
                    found[info.filename] = _scan_part(archive, info, budget, max_rows)
    except SheetError:
        raise
    except Exception as exc:  # not a zip, a damaged member, a size the data does not match, …
        raise SheetError("xlsx_unreadable", "this is not an XLSX workbook Excel can open") from exc
    return found


def _xlsx_too_large(exc: ZipTooLarge) -> SheetError:
    if exc.reason == "entries":
        what = f"more than {exc.limit} files"
    elif exc.reason == "member":
        what = f"a part of more than {exc.limit // 1_000_000} MB unpacked ({exc.member})"
    else:
        what = f"more than {exc.limit // 1_000_000} MB unpacked"
    return SheetError(
        "xlsx_too_large",
        f"the workbook holds {what}: save the sheet as CSV, or copy its rows into a new workbook",
        reason=exc.reason,
        limit=exc.limit,
        found=exc.found,
    )


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget, max_rows: int) -> _PartScan:
    scan = _XmlScan(budget)
    with archive.open(info) as stream:
        chunk = stream.read(_SCAN_CHUNK)
        if not chunk:
            return scan.found
        if chunk.startswith(_NOT_UTF8_XML):
            raise SheetError(
                "xlsx_unreadable", f"the part {info.filename} is XML in another encoding than UTF-8"
            )
        start = chunk.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
        if start and not start.startswith(b"<"):
            return scan.found  # not XML (a picture, printer settings): openpyxl does not parse it
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        parser.CharacterDataHandler = scan.text
        parser.StartDoctypeDeclHandler = _refuse_doctype
        since = 0  # bytes since the last "<"
        try:
            while chunk:
                first = chunk.find(b"<")
                if first == -1:
                    since += len(chunk)
                elif since + first > _SCAN_CHUNK:
                    break
                else:
                    since = len(chunk) - chunk.rfind(b"<") - 1
                if since > _SCAN_CHUNK:
                    break
                parser.Parse(chunk, False)
                chunk = stream.read(_SCAN_CHUNK)
            else:
                parser.Parse(b"", True)
                return scan.found
        except expat.ExpatError as exc:
            raise SheetError("xlsx_unreadable", f"the part {info.filename} is not well-formed XML") from exc
        except _OverBudget:
            scan.found.check(max_rows)  # a sheet too long or too wide says so
            raise _too_complex() from None
    # A tag or a text of more than a megabyte: nothing Excel writes (a cell holds 32,767 characters).
    raise SheetError(
        "xlsx_too_complex",
        f"the part {info.filename} holds more than {_SCAN_CHUNK // 1_048_576} MB without markup",
        limit=MAX_XLSX_ELEMENTS,
    )
