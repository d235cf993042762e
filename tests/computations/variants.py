"""Helpers that rewrite a work plan's text the way other plans of the same family are written.

Each takes the text of a plan and returns another spelling of the same plan; nothing here knows
the seed's words beyond the layout every plan of the family shares (tab-separated tables,
numbered rows, month names).
"""

from __future__ import annotations

import re
from typing import Any

from cocrea.computations.months import MONTH_ABBR_ES, MONTH_NAMES_ES, Month
from cocrea.computations.plancheck import check_plan
from cocrea.computations.planparse import ParsedPlan

ROW = re.compile(r"^(?P<number>\d{1,3})\t")


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def non_breaking_spaces(text: str) -> str:
    return text.replace(" ", "\u00a0")


def unpadded_numbers(text: str) -> str:
    """``01`` → ``1`` in row numbers and in numbered meeting titles."""
    text = re.sub(r"(?m)^0(\d)(?=\t)", r"\1", text)
    return re.sub(r"(?<=[^\W\d]) 0(\d)(?=\t)", r" \1", text)


def money_prefix(text: str, prefix: str) -> str:
    """``Q.16,000.00`` → ``<prefix>16,000.00`` everywhere."""
    return re.sub(r"\bQ\.(?=\d)", prefix, text)


def _section_bounds(lines: list[str], word: str) -> tuple[int, int]:
    """Indexes (start, end) of the lines of the section whose heading contains ``word``."""
    heading = re.compile(r"^(?:[IVX]+)\.\s+(.*)$")
    start = next(i for i, line in enumerate(lines) if heading.match(line) and word in line)
    end = next(
        (i for i in range(start + 1, len(lines)) if heading.match(lines[i])),
        len(lines),
    )
    return start + 1, end


def _table_rows(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(first, last) line indexes of each numbered row, continuation lines included."""
    starts = [i for i in range(start, end) if ROW.match(lines[i])]
    rows = []
    for index, first in enumerate(starts):
        last = (starts[index + 1] if index + 1 < len(starts) else end) - 1
        while last > first and (
            not lines[last].strip() or re.match(r"^\s*(?:total|gran total)\b", lines[last].strip(), re.I)
        ):
            last -= 1
        rows.append((first, last))
    return rows


def join_rows(text: str, word: str = "RESPONSABILIDADES") -> str:
    """Put every row of a table that is split over several lines back on one line."""
    lines = text.split("\n")
    start, end = _section_bounds(lines, word)
    for first, last in reversed(_table_rows(lines, start, end)):
        if first == last:
            continue
        cells = lines[first].split("\t")
        extra = [line.split("\t") for line in lines[first + 1 : last + 1] if line.strip()]
        for continuation in extra:
            for position, cell in enumerate(continuation):
                if cell.strip() and position < len(cells):
                    cells[position] = f"{cells[position]} {cell.strip()}"
        lines[first : last + 1] = ["\t".join(cells)]
    return "\n".join(lines)


def split_row_title(
    text: str, row: int, leading_tab: bool = True, blank: bool = False, word: str = "RESPONSABILIDADES"
) -> str:
    """Split the title cell of table row ``row`` (1-based) over two lines, as PDF converters do."""
    lines = text.split("\n")
    start, end = _section_bounds(lines, word)
    first, _ = _table_rows(lines, start, end)[row - 1]
    cells = lines[first].split("\t")
    words = cells[1].split(" ")
    cut = len(words) // 2
    while cut < len(words) - 1 and words[cut][:1].isdigit():
        cut += 1
    cells[1] = " ".join(words[:cut])
    rest = " ".join(words[cut:])
    continuation = ("\t" if leading_tab else "") + rest + "\t" * (len(cells) - 2)
    new = ["\t".join(cells), *([""] if blank else []), continuation]
    lines[first : first + 1] = new
    return "\n".join(lines)


def strip_leading_tabs(text: str, word: str = "CRONOGRAMA", header_too: bool = False) -> str:
    """Drop the empty first cell (the leading tab) of the rows of a section.

    Only rows with text in their second cell lose it, unless ``header_too``: then the header of
    month initials (which starts with several empty cells) loses one as well.
    """
    lines = text.split("\n")
    start, end = _section_bounds(lines, word)
    for index in range(start, end):
        cells = lines[index].split("\t")
        if cells[0] or not lines[index].strip():
            continue
        if header_too or (len(cells) > 1 and cells[1].strip()):
            lines[index] = lines[index][1:]
    return "\n".join(lines)


_FULL = re.compile(r"\b(" + "|".join(name.capitalize() for name in MONTH_NAMES_ES) + r") (\d{2})(\d{2})\b")
_ABBR = re.compile(r"\b(" + "|".join(MONTH_ABBR_ES) + r")-(\d{2})\b")


def abbreviate_months(text: str) -> str:
    """``Abril 2019`` → ``abr-19``."""
    return _FULL.sub(lambda m: f"{m.group(1)[:3].lower()}-{m.group(3)}", text)


def spell_out_months(text: str) -> str:
    """``abr-19`` → ``Abril 2019``."""
    return _ABBR.sub(
        lambda m: f"{MONTH_NAMES_ES[MONTH_ABBR_ES.index(m.group(1))].capitalize()} 20{m.group(2)}",
        text,
    )


def swap_month_spellings(text: str) -> str:
    """Full names become abbreviations and abbreviations full names, in one pass."""
    marker = "\x1f"
    text = _FULL.sub(lambda m: f"{m.group(1)[:3].lower()}{marker}{m.group(3)}", text)
    text = spell_out_months(text)
    return text.replace(marker, "-")


def mixed_case_headings(text: str) -> str:
    """``IV. ACTIVIDADES`` → ``IV. Actividades``."""
    return re.sub(r"(?m)^([IVX]+\. )([A-ZÁÉÍÓÚÑ ]+)$", lambda m: m.group(1) + m.group(2).capitalize(), text)


def undashed_items(text: str) -> str:
    """``- A. Texto`` → ``A. Texto``: lettered items (``I.``, ``V.`` among them) with no dash."""
    return re.sub(r"(?m)^- ([A-Z]\. )", r"\1", text)


def form_feeds(text: str, every: int = 30) -> str:
    """A page break (form feed) at the start of every ``every``-th line, as pdftotext writes."""
    lines = text.split("\n")
    return "\n".join(f"\f{line}" if i % every == every - 1 else line for i, line in enumerate(lines))


def trailing_blanks(text: str) -> str:
    return "\n".join(f"{line} \t" if line.strip() else line for line in text.split("\n"))


def spaced_cells(text: str) -> str:
    """Spaces around every tab."""
    return text.replace("\t", " \t ")


def dates_as_marks(text: str, first: Month, mark: str = "X") -> str:
    """Schedule rows dated by a mark in the month's column of the grid instead of a date cell.

    ``first`` is the month of the grid's first column.
    """
    lines = text.split("\n")
    start, end = _section_bounds(lines, "CRONOGRAMA")
    header = next(
        i
        for i in range(start, end)
        if len([c for c in lines[i].split("\t") if c]) >= 6
        and all(len(c) == 1 for c in lines[i].split("\t") if c)
    )
    columns = [p for p, c in enumerate(lines[header].split("\t")) if c]
    for index in range(header + 1, end):
        cells = lines[index].split("\t")
        if cells[0]:
            cells = ["", *cells]
        dated = [p for p, c in enumerate(cells) if _ABBR.fullmatch(c.strip())]
        if not dated:
            continue
        written = _ABBR.fullmatch(cells[dated[0]].strip())
        assert written is not None
        month = Month(2000 + int(written.group(2)), MONTH_ABBR_ES.index(written.group(1)) + 1)
        cells[dated[0]] = ""
        cells += [""] * (columns[-1] + 1 - len(cells))
        cells[columns[month - first]] = mark
        lines[index] = "\t".join(cells)
    return "\n".join(lines)


def sub_numbered_schedule_rows(text: str, milestone: str = "1") -> str:
    """``1.1``, ``1.2``… in the empty number cell of the schedule's meeting rows."""
    lines = text.split("\n")
    start, end = _section_bounds(lines, "CRONOGRAMA")
    count = 0
    for index in range(start, end):
        cells = lines[index].split("\t")
        if len(cells) > 2 and not cells[0] and cells[1].strip() and _ABBR.search(lines[index]):
            count += 1
            lines[index] = f"{milestone}.{count}{lines[index]}"
    return "\n".join(lines)


def replace_in_line(text: str, line: int, old: str, new: str) -> str:
    """Replace ``old`` by ``new`` in the 1-based ``line``; fail loudly when it is not there."""
    lines = text.split("\n")
    assert old in lines[line - 1], (old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new)
    return "\n".join(lines)


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the first line containing ``needle``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def figures(plan: ParsedPlan) -> dict[str, Any]:
    """What a plan says, without where it says it: equal for two spellings of one plan."""
    return {
        "commitment": plan.commitment_number,
        "milestone": plan.milestone_number,
        "period": plan.period,
        "general": [i.text for i in plan.general_objectives],
        "specific": [(i.key, i.text) for i in plan.specific_objectives],
        "indicators": [(i.key, i.text) for i in plan.indicators],
        "strategies": [(i.key, i.text) for i in plan.strategies],
        "activities": [
            (a.key, a.letter, a.title, a.table_title, a.responsible, a.dates) for a in plan.activities
        ],
        "budget": [
            (b.key, b.cost, b.terms.quantity, b.terms.unit_cost, b.terms.periods, b.terms.period_kind)
            for b in plan.budget_lines
        ],
        "total": plan.budget_total,
        "events": [(e.kind, e.number, e.dates) for e in plan.events],
        "grid": plan.schedule_grid,
        "entities": [(r.acronym, r.name, r.milestones) for r in plan.responsible_entities],
        "findings": [(f.severity, f.code, f.section, f.item) for f in check_plan(plan)],
    }
