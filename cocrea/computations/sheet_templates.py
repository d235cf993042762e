"""Spreadsheet templates to fill in: an XLSX that :mod:`.sheets` reads back without a surprise.

:func:`write_template` takes the columns (:class:`TemplateColumn`, in the reader's canonical names
with the headings and help in the person's language) and the words around them
(:class:`TemplateWords`), and writes a workbook of three sheets:

1. the sheet to fill in, first and active: one header row, bold and frozen; under it nothing but
   :data:`FORMATTED_ROWS` empty rows formatted for their column (dates ``dd/mm/yyyy``, numbers,
   text kept as typed), the same formats as the columns' own so that rows further down get them
   too; a drop-down list on every ``choice`` column and a range check on the numbers (0–100 for a
   percentage, more than zero for an amount) down to row :data:`CHECKED_ROWS` + 1; the column's
   prompt shown when a cell is selected;
2. the instructions: what each column holds, whether it is required, the forms accepted and an
   example;
3. the lists behind the drop-downs, hidden.

Nothing is pre-filled in the sheet to fill in: a row a person did not touch is blank, and the
readers skip blank rows. The drop-down choices are the caller's (``"01 — Elaborar el plan"``); the
readers take the leading code of such a choice. Every text is written through
:func:`~cocrea.computations.sheets.cell_value` (no formula, no bidirectional control).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped,unused-ignore]
from openpyxl.utils import get_column_letter, quote_sheetname  # type: ignore[import-untyped,unused-ignore]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped,unused-ignore]

from cocrea.computations.sheets import cell_value

KINDS = ("text", "choice", "date", "percent", "amount")
FORMATS = {
    "text": "@",  # kept as typed: "01" stays "01", "=x" is not run
    "choice": "@",
    "date": "dd/mm/yyyy",
    "percent": "0.0#",  # a number from 0 to 100: 45 shows 45.0, 45.25 shows 45.25
    "amount": "#,##0.00",
}
FORMATTED_ROWS = 20  # empty rows under the header, formatted and ready to fill in
CHECKED_ROWS = 1_000  # rows under the header with the drop-downs, the range checks and the prompts
# Excel's limits on a validation's texts.
_PROMPT_TITLE_CHARS = 32
_PROMPT_CHARS = 255
_SHEET_TITLE_CHARS = 31
_NOT_IN_SHEET_TITLE = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", start_color="DCE6F1", end_color="DCE6F1")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="4F6228"))


@dataclass(frozen=True)
class TemplateColumn:
    """One column: the reader's ``name`` for it and what the person reads."""

    name: str  # as the reader knows it: "activity", "date", …
    heading: str  # in the person's language, one of the spellings the reader accepts
    kind: str = "text"  # one of KINDS
    required: bool = False
    choices: tuple[str, ...] = ()  # a "choice" column's drop-down list
    meaning: str = ""  # instructions: what the column holds
    accepted: str = ""  # instructions: the forms accepted
    example: object = None  # instructions: a value, written as a cell of the column's kind
    prompt: str = ""  # shown when a cell of the column is selected
    error: str = ""  # shown when a value is not in the list or out of range


@dataclass(frozen=True)
class TemplateWords:
    """The words around the columns, in the person's language."""

    sheet: str  # the sheet to fill in
    instructions: str  # the instructions' sheet
    lists: str  # the hidden sheet of the drop-down lists
    title: str  # the instructions' first line
    paragraphs: tuple[str, ...]  # one line each, under the title
    table: tuple[str, str, str, str, str]  # headings: column, required, what it holds, forms, example
    yes: str
    no: str


def write_template(
    columns: Sequence[TemplateColumn],
    words: TemplateWords,
    *,
    formatted_rows: int = FORMATTED_ROWS,
    checked_rows: int = CHECKED_ROWS,
) -> bytes:
    """The template as XLSX bytes (see the module docstring)."""
    for column in columns:
        if column.kind not in KINDS:
            raise ValueError(f"unknown kind {column.kind!r} of column {column.name!r}")
    titles = _sheet_titles(words)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = titles[0]
    instructions = workbook.create_sheet(titles[1])
    lists = workbook.create_sheet(titles[2])
    lists.sheet_state = "hidden"
    _write_sheet(sheet, columns, formatted_rows)
    _write_checks(sheet, lists, columns, checked_rows)
    _write_instructions(instructions, columns, words)
    workbook.active = 0
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_titles(words: TemplateWords) -> tuple[str, str, str]:
    """Three distinct titles Excel accepts (at most 31 characters, none of ``[]:*?/\\``)."""
    found: list[str] = []
    for number, title in enumerate((words.sheet, words.instructions, words.lists), start=1):
        clean = (
            _NOT_IN_SHEET_TITLE.sub(" ", title).strip(" '")[:_SHEET_TITLE_CHARS].strip() or f"Sheet{number}"
        )
        while clean.casefold() in {t.casefold() for t in found}:
            clean = f"{clean[: _SHEET_TITLE_CHARS - 2]} {number}"
        found.append(clean)
    return found[0], found[1], found[2]


def _write_sheet(sheet: Any, columns: Sequence[TemplateColumn], formatted_rows: int) -> None:
    bold = Font(bold=True)
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        cell = sheet.cell(row=1, column=position, value=cell_value(column.heading))
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        number_format = FORMATS[column.kind]
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column)
        dimension.number_format = number_format  # rows typed further down get the format too
        for row in range(2, formatted_rows + 2):
            sheet.cell(row=row, column=position).number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 30


def _width(column: TemplateColumn) -> float:
    longest = max(
        [len(column.heading) + 4, *(len(choice) for choice in column.choices), len(_shown(column.example))]
    )
    if column.kind == "date":
        longest = max(longest, 14)
    return float(min(max(longest + 2, 12), 60))


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _write_checks(sheet: Any, lists: Any, columns: Sequence[TemplateColumn], checked_rows: int) -> None:
    list_column = 0
    for position, column in enumerate(columns, start=1):
        letter = get_column_letter(position)
        validation: DataValidation | None = None
        if column.kind == "choice" and column.choices:
            list_column += 1
            source = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=cell_value(column.heading))
            for row, choice in enumerate(column.choices, start=2):
                lists.cell(row=row, column=list_column, value=cell_value(choice))
            lists.column_dimensions[source].width = _width(column)
            reference = f"{quote_sheetname(lists.title)}!${source}$2:${source}${len(column.choices) + 1}"
            # "warning": a code typed by hand ("01") is asked about, not refused; the reader reads it.
            validation = DataValidation(type="list", formula1=reference, errorStyle="warning")
        elif column.kind == "percent":
            validation = DataValidation(type="decimal", operator="between", formula1="0", formula2="100")
        elif column.kind == "amount":
            validation = DataValidation(type="decimal", operator="greaterThan", formula1="0")
        elif column.prompt:
            validation = DataValidation()  # any value: only the prompt
        if validation is None:
            continue
        validation.allow_blank = True
        validation.sqref = f"{letter}2:{letter}{checked_rows + 1}"
        title = column.heading[:_PROMPT_TITLE_CHARS]
        if column.prompt:
            validation.showInputMessage = True
            validation.promptTitle = title
            validation.prompt = column.prompt[:_PROMPT_CHARS]
        if validation.type is not None:
            validation.showErrorMessage = True
            validation.errorTitle = title
            if column.error:
                validation.error = column.error[:_PROMPT_CHARS]
        sheet.add_data_validation(validation)


_INSTRUCTION_WIDTHS = (24, 12, 48, 40, 28)
_WRAPPED = (2, 3)  # what it holds, forms: wrapped in their columns


def _write_instructions(sheet: Any, columns: Sequence[TemplateColumn], words: TemplateWords) -> None:
    bold = Font(bold=True)
    title = sheet.cell(row=1, column=1, value=cell_value(words.title))
    title.font = Font(bold=True, size=14)
    row = 3
    for paragraph in words.paragraphs:
        sheet.cell(row=row, column=1, value=cell_value(paragraph))
        row += 1
    row += 1
    for position, heading in enumerate(words.table, start=1):
        cell = sheet.cell(row=row, column=position, value=cell_value(heading))
        cell.font = bold
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
    for position, width in enumerate(_INSTRUCTION_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for column in columns:
        row += 1
        values: list[object] = [
            column.heading,
            words.yes if column.required else words.no,
            column.meaning,
            column.accepted,
            column.example,
        ]
        lines = 1
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=position, value=cell_value(value))
            cell.alignment = wrapped if position - 1 in _WRAPPED else top
            if position == 1:
                cell.font = bold
            if position == 5 and isinstance(value, date | Decimal | int | float):
                cell.number_format = FORMATS[column.kind]
            if position - 1 in _WRAPPED and isinstance(value, str):
                lines = max(lines, math.ceil(len(value) / (_INSTRUCTION_WIDTHS[position - 1] * 1.1)))
        sheet.row_dimensions[row].height = 15 * lines
