"""Read a milestone work plan written like the seed (a PDF converted to text).

The layout this reads is the family of Guatemalan Open Government work plans: a title block
(``PLAN DE TRABAJO HITO 1, COMPROMISO 11``), sections headed by Roman numerals (objectives,
indicators, activities, strategies, responsibilities, resources, schedule), lettered lists, and
tab-separated tables whose rows may be split over several lines, with leading tabs that may be
missing. Nothing here knows the seed's content: sections are found by their headings, columns by
their header words, and organisations by patterns and a directory the caller passes in.

:func:`parse_plan` returns a :class:`ParsedPlan` or raises :class:`PlanParseError` naming the line
and what was expected. Problems that do not stop the reading (a date that does not parse, a
missing total) are left in the parsed data for :mod:`cocrea.computations.plancheck` to report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from cocrea.computations.money import MoneyParseError, find_money, parse_money
from cocrea.computations.months import (
    Month,
    MonthParseError,
    MonthRange,
    month_sequence_from_initials,
    parse_month_range,
)
from cocrea.computations.text import clean_spaces, fold

MAX_BYTES = 5_000_000

# Section kinds, found from the heading's words (accents and case ignored).
GENERAL_OBJECTIVES = "general_objectives"
SPECIFIC_OBJECTIVES = "specific_objectives"
INDICATORS = "indicators"
ACTIVITIES = "activities"
STRATEGIES = "strategies"
RESPONSIBILITIES = "responsibilities"
RESOURCES = "resources"
SCHEDULE = "schedule"

SECTION_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("objetivo general", GENERAL_OBJECTIVES),
    ("objetivos generales", GENERAL_OBJECTIVES),
    ("general objective", GENERAL_OBJECTIVES),
    ("objetivos especificos", SPECIFIC_OBJECTIVES),
    ("objetivo especifico", SPECIFIC_OBJECTIVES),
    ("specific objective", SPECIFIC_OBJECTIVES),
    ("indicador", INDICATORS),
    ("indicator", INDICATORS),
    ("actividad", ACTIVITIES),
    ("activities", ACTIVITIES),
    ("estrategia", STRATEGIES),
    ("strateg", STRATEGIES),
    ("responsabilidad", RESPONSIBILITIES),
    ("responsibilit", RESPONSIBILITIES),
    ("recurso", RESOURCES),
    ("presupuesto", RESOURCES),
    ("resource", RESOURCES),
    ("budget", RESOURCES),
    ("cronograma", SCHEDULE),
    ("calendario", SCHEDULE),
    ("schedule", SCHEDULE),
)
# The headings a reader of the plan expects, in order, for error messages.
EXPECTED_HEADINGS = {
    GENERAL_OBJECTIVES: "I. OBJETIVO GENERAL",
    SPECIFIC_OBJECTIVES: "II. OBJETIVOS ESPECÍFICOS",
    INDICATORS: "III. INDICADORES",
    ACTIVITIES: "IV. ACTIVIDADES",
    STRATEGIES: "V. ESTRATEGIAS",
    RESPONSIBILITIES: "VI. RESPONSABILIDADES",
    RESOURCES: "VII. RECURSOS",
    SCHEDULE: "VIII. CRONOGRAMA",
}
REQUIRED_SECTIONS = (GENERAL_OBJECTIVES, SPECIFIC_OBJECTIVES, INDICATORS, RESOURCES, SCHEDULE)
SECTION_ORDER = tuple(EXPECTED_HEADINGS)

_HEADING = re.compile(r"^\s*(?P<numeral>(?=[IVX])X{0,2}(?:IX|IV|V?I{0,3}))\s*[.)\-–]\s*(?P<title>\S.*?)\s*$")
_ITEM = re.compile(r"^\s*(?:[-•*·–]\s*)?(?P<key>[A-Za-z]|\d{1,2})[.)]\s+(?P<text>\S.*)$")
_ROW_NUMBER = re.compile(r"^(?P<number>\d{1,3})\.?$")
# A schedule row's number cell: ``1``, ``1.``, or a sub-number such as ``1.1`` or ``2.3.``.
_ROW_LABEL = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.?$")
_ROW_NUMBER_GLUED = re.compile(r"^(?P<number>\d{1,3})[.)]?\s+(?P<rest>\D.*)$")
_TITLE_IDS = re.compile(
    r"\bHITO\s*(?:N[oº°]\.?\s*)?(?P<milestone>\d{1,3})\b.*?\bCOMPROMISO\s*(?:N[oº°]\.?\s*)?"
    r"(?P<commitment>\d{1,3})\b|\bCOMPROMISO\s*(?:N[oº°]\.?\s*)?(?P<commitment2>\d{1,3})\b.*?"
    r"\bHITO\s*(?:N[oº°]\.?\s*)?(?P<milestone2>\d{1,3})\b",
    re.IGNORECASE,
)
_COMMITMENT_HEADER = re.compile(
    r"\bCOMPROMISO\s*(?:N[oº°]\.?\s*)?(?P<number>\d{1,3})\b\s*[.:\-–]?\s*"
    r"(?:Nombre del compromiso\s*:\s*)?(?P<title>.*)$",
    re.IGNORECASE,
)
_ACTION_PLAN = re.compile(r"\bPLAN DE ACCI[OÓ]N\b", re.IGNORECASE)
_YEARS = re.compile(r"\b(19\d{2}|20\d{2}|21\d{2})\b")
_MILESTONE_ROW = re.compile(r"^\s*Hito\s*(?:N[oº°]\.?\s*\d+)?\s*[:.\-–]\s*(?P<title>.*)$", re.I)

CONNECTORS = frozenset(
    [
        "a",
        "al",
        "con",
        "de",
        "del",
        "e",
        "el",
        "en",
        "la",
        "las",
        "los",
        "o",
        "para",
        "por",
        "u",
        "y",
        "sobre",
        "entre",
        "sin",
        "hacia",
        "desde",
        "un",
        "una",
        "unos",
        "unas",
    ]
)


class PlanParseError(Exception):
    """The file cannot be read as a work plan.

    ``line`` is 1-based (0 when the problem is the file as a whole), ``code`` is stable,
    ``expected`` says what a plan would have had there.
    """

    def __init__(
        self,
        code: str,
        line: int,
        message: str,
        expected: str = "",
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.line = line
        self.message = message
        self.expected = expected
        self.params = params or {}

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        tail = f" (expected {self.expected})" if self.expected else ""
        return f"{where}{self.message}{tail}"


@dataclass
class Item:
    key: str
    text: str
    line: int


@dataclass
class Section:
    kind: str | None
    numeral: str
    title: str
    line: int
    end_line: int = 0
    lines: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class TableRow:
    number: str
    cells: dict[str, str]
    line: int


@dataclass
class ParsedActivity:
    position: int
    number: int | None
    letter: str | None
    title: str
    responsible: str
    date_text: str
    dates: MonthRange | None
    list_title: str = ""
    table_title: str = ""
    list_line: int | None = None
    table_line: int | None = None

    @property
    def line(self) -> int:
        return self.table_line or self.list_line or 0

    @property
    def key(self) -> str:
        if self.number is not None:
            return f"{self.number:02d}"
        return self.letter or str(self.position)


@dataclass
class BudgetTerms:
    """What a budget line's description says about its own arithmetic."""

    quantity: int | None = None
    quantity_noun: str = ""
    unit_cost: Decimal | None = None
    periods: int | None = None
    period_unit: str = ""
    period_kind: str = ""  # months, occasions, days, weeks, years

    @property
    def expected_cost(self) -> Decimal | None:
        if self.unit_cost is None:
            return None
        return self.unit_cost * (self.quantity or 1) * (self.periods or 1)


@dataclass
class ParsedBudgetLine:
    number: int | None
    description: str
    cost_text: str
    cost: Decimal | None
    line: int
    terms: BudgetTerms

    @property
    def key(self) -> str:
        return f"{self.number:02d}" if self.number is not None else "?"


@dataclass
class ParsedEvent:
    position: int
    title: str
    kind: str  # initial, working, final, other
    number: int | None
    date_text: str
    dates: MonthRange | None
    line: int


@dataclass
class EntityRole:
    name: str
    acronym: str
    milestones: list[int]
    line: int


@dataclass
class ParsedPlan:
    title: str = ""
    title_line: int = 0
    subtitle: str = ""
    action_plan_name: str = ""
    action_plan_line: int = 0
    action_plan_years: tuple[int, int] | None = None
    commitment_number: str = ""
    commitment_title: str = ""
    commitment_line: int = 0
    commitment_objective: str = ""
    coordinator: str = ""
    responsible_text: str = ""
    responsible_entities: list[EntityRole] = field(default_factory=list)
    other_actors: str = ""
    period_text: str = ""
    period: MonthRange | None = None
    period_line: int = 0
    milestone_number: str = ""
    milestone_title: str = ""
    milestone_line: int = 0
    general_objectives: list[Item] = field(default_factory=list)
    specific_objectives: list[Item] = field(default_factory=list)
    indicators: list[Item] = field(default_factory=list)
    strategies: list[Item] = field(default_factory=list)
    activity_list: list[Item] = field(default_factory=list)
    activity_table: list[TableRow] = field(default_factory=list)
    activities: list[ParsedActivity] = field(default_factory=list)
    budget_lines: list[ParsedBudgetLine] = field(default_factory=list)
    budget_total: Decimal | None = None
    budget_total_text: str = ""
    budget_total_line: int = 0
    schedule_grid: list[Month] = field(default_factory=list)
    schedule_grid_line: int = 0
    events: list[ParsedEvent] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    line_count: int = 0

    def section_numeral(self, kind: str) -> str:
        section = self.sections.get(kind)
        return section.numeral if section else ""

    @property
    def lines_total(self) -> Decimal:
        return sum((line.cost or Decimal("0") for line in self.budget_lines), Decimal("0.00"))

    @property
    def milestone_span(self) -> MonthRange | None:
        """From the first meeting or first activity to the last meeting or activity end."""
        starts: list[Month] = [e.dates.start for e in self.events if e.dates]
        ends: list[Month] = [e.dates.end for e in self.events if e.dates]
        dated = [a for a in self.activities if a.dates]
        if dated:
            first = dated[0].dates
            assert first is not None
            starts.append(first.start)
            ends.extend(a.dates.end for a in dated if a.dates)
        if not starts or not ends:
            return None
        start, end = min(starts), max(ends)
        return MonthRange(start, end) if start <= end else None


# --------------------------------------------------------------------------------------------
# Reading the bytes


def decode(data: bytes) -> str:
    """Bytes → text with LF line ends and plain spaces, or :class:`PlanParseError`."""
    if len(data) > MAX_BYTES:
        raise PlanParseError("file_too_large", 0, f"the file is larger than {MAX_BYTES // 1_000_000} MB")
    if not data.strip():
        raise PlanParseError("empty", 1, "the file is empty", "a work plan in plain text")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise PlanParseError(
            "binary", line, "the file is binary, not text", "a work plan in plain text (UTF-8)"
        )
    text = _decode_bytes(data)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 50):
        first = next(i for i, ch in enumerate(text) if ord(ch) < 32 and ch not in "\t\n\r\f")
        raise PlanParseError(
            "binary",
            text.count("\n", 0, first) + 1,
            "the file holds control characters: it is binary, not text",
            "a work plan in plain text (UTF-8)",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\u200b\ufeff]", " ", text)
    return text


def _decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252, else Latin-1.

    A UTF-8 file cut in the middle of a character (a truncated upload) stays UTF-8: only the
    broken last character is replaced, instead of the whole file being read as Windows-1252.
    """
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(body) - 3:
            return body.decode("utf-8", errors="replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # cp1252 leaves five bytes undefined
        return data.decode("latin-1")


def _cells(line: str) -> list[str]:
    return [clean_spaces(cell) for cell in line.split("\t")]


def _is_heading(line: str, previous: str = "") -> re.Match[str] | None:
    """A section heading: a Roman numeral and a title in capitals (``IV. ACTIVIDADES``).

    A title in mixed case (``IV. Actividades``) counts too when it is short, starts with a
    section's keyword, and its numeral follows ``previous`` (the numeral of the heading before):
    lettered list items such as ``I. Presentación de la Estrategia`` fail those tests.
    """
    match = _HEADING.match(line)
    if not match:
        return None
    title = match.group("title")
    if "\t" in title or len(title) > 80:
        return None
    letters = [ch for ch in title if ch.isalpha()]
    if len(letters) < 4:
        return None
    upper = sum(1 for ch in letters if ch.isupper())
    if upper / len(letters) >= 0.8:
        return match
    key = fold(title)
    if (
        len(key.split()) <= 4
        and any(key.startswith(keyword) for keyword, _ in SECTION_KEYWORDS)
        and _roman(match.group("numeral")) > _roman(previous)
    ):
        return match
    return None


def _roman(numeral: str) -> int:
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for index, letter in enumerate(numeral):
        value = values[letter]
        following = values[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    return total


def _section_kind(title: str) -> str | None:
    key = fold(title)
    for keyword, kind in SECTION_KEYWORDS:
        if keyword in key:
            return kind
    return None


def _titlecase(text: str) -> str:
    """Make an all-capitals title readable; leave mixed-case text as written."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or sum(ch.isupper() for ch in letters) / len(letters) < 0.9:
        return text
    words = text.lower().split(" ")
    out = []
    for index, word in enumerate(words):
        if index and word in CONNECTORS:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


# --------------------------------------------------------------------------------------------
# The whole document


def parse_plan(data: bytes | str) -> ParsedPlan:
    # A str may hold lone surrogates (never in a real file): they become "?" instead of failing.
    text = decode(data) if isinstance(data, bytes) else decode(data.encode("utf-8", "replace"))
    lines = text.split("\n")
    plan = ParsedPlan(line_count=len(lines))
    preamble: list[tuple[int, str]] = []
    current: Section | None = None
    for number, raw in enumerate(lines, start=1):
        heading = _is_heading(raw, current.numeral if current else "")
        if heading:
            if current:
                current.end_line = number - 1
            kind = _section_kind(heading.group("title"))
            current = Section(kind, heading.group("numeral"), clean_spaces(heading.group("title")), number)
            if kind and kind not in plan.sections:
                plan.sections[kind] = current
            continue
        if current is None:
            preamble.append((number, raw))
        else:
            current.lines.append((number, raw))
    if current:
        current.end_line = len(lines)

    if not plan.sections:
        first = next((n for n, raw in enumerate(lines, start=1) if raw.strip()), 1)
        raise PlanParseError(
            "not_a_plan",
            first,
            "this text is not a work plan: it has no numbered section headings",
            "headings such as 'I. OBJETIVO GENERAL', 'IV. ACTIVIDADES', 'VIII. CRONOGRAMA'",
        )
    last_line = max((n for n, raw in enumerate(lines, start=1) if raw.strip()), default=1)
    _require_sections(plan, last_line)

    _read_title(plan, preamble)
    plan.general_objectives = _read_items(plan.sections[GENERAL_OBJECTIVES], allow_paragraphs=True)
    plan.specific_objectives = _read_items(plan.sections[SPECIFIC_OBJECTIVES])
    plan.indicators = _read_items(plan.sections[INDICATORS])
    if STRATEGIES in plan.sections:
        plan.strategies = _read_items(plan.sections[STRATEGIES], allow_empty=True)
    if ACTIVITIES in plan.sections:
        plan.activity_list = _read_items(plan.sections[ACTIVITIES])
    if RESPONSIBILITIES in plan.sections:
        plan.activity_table = _read_table(
            plan.sections[RESPONSIBILITIES],
            roles={
                "title": ("actividad", "descripcion", "activity", "accion"),
                "responsible": ("responsable", "responsible", "encargado"),
                "date": ("fecha", "periodo", "plazo", "tiempo", "date", "cuando"),
            },
            default_order=("title", "responsible", "date"),
        )
    plan.activities = _merge_activities(plan.activity_list, plan.activity_table)
    _read_resources(plan, plan.sections[RESOURCES])
    _read_schedule(plan, plan.sections[SCHEDULE])
    if not plan.commitment_number:
        raise PlanParseError(
            "no_commitment",
            plan.sections[SCHEDULE].line,
            "the plan does not say which commitment it belongs to",
            "a title such as 'PLAN DE TRABAJO HITO 1, COMPROMISO 11' or 'COMPROMISO No. 11'",
        )
    if not plan.milestone_number:
        raise PlanParseError(
            "no_milestone",
            plan.title_line or 1,
            "the plan does not say which milestone it is for",
            "a title such as 'PLAN DE TRABAJO HITO 1, COMPROMISO 11' or a schedule row 'Hito: …'",
        )
    if not plan.action_plan_name:
        raise PlanParseError(
            "no_action_plan",
            plan.sections[SCHEDULE].line,
            "the plan does not name its action plan",
            "a line such as '4º. PLAN DE ACCIÓN NACIONAL DE GOBIERNO ABIERTO 2018-2020'",
        )
    return plan


def _require_sections(plan: ParsedPlan, line_count: int) -> None:
    has_activities = ACTIVITIES in plan.sections or RESPONSIBILITIES in plan.sections
    missing = [kind for kind in REQUIRED_SECTIONS if kind not in plan.sections]
    if not has_activities:
        missing.insert(0, ACTIVITIES)
    if not missing:
        return
    kind = min(missing, key=SECTION_ORDER.index)
    later = [s.line for k, s in plan.sections.items() if SECTION_ORDER.index(k) > SECTION_ORDER.index(kind)]
    heading = EXPECTED_HEADINGS[kind]
    if later:
        raise PlanParseError(
            "missing_section",
            min(later),
            "a section is missing before this heading",
            f"the section '{heading}'",
            {"heading": heading},
        )
    raise PlanParseError(
        "truncated",
        line_count,
        "the plan ends here, before all its sections",
        f"the section '{heading}'",
        {"heading": heading},
    )


def _read_title(plan: ParsedPlan, preamble: list[tuple[int, str]]) -> None:
    texts = [(n, clean_spaces(raw)) for n, raw in preamble if raw.strip()]
    for index, (number, text) in enumerate(texts):
        match = _TITLE_IDS.search(text)
        if match:
            plan.title = text
            plan.title_line = number
            plan.milestone_number = str(int(match.group("milestone") or match.group("milestone2")))
            plan.commitment_number = str(int(match.group("commitment") or match.group("commitment2")))
            plan.subtitle = " ".join(t for _, t in texts[index + 1 :])
            return
    if texts:
        plan.title_line, plan.title = texts[0]
        plan.subtitle = " ".join(t for _, t in texts[1:])


def _read_items(section: Section, allow_paragraphs: bool = False, allow_empty: bool = False) -> list[Item]:
    items: list[Item] = []
    paragraphs: list[Item] = []
    paragraph_open = False
    for number, raw in section.lines:
        text = clean_spaces(raw.replace("\t", " "))
        if not text:
            paragraph_open = False
            continue
        match = _ITEM.match(raw.replace("\t", " "))
        if match:
            items.append(Item(match.group("key").upper(), clean_spaces(match.group("text")), number))
        elif items:
            items[-1].text = f"{items[-1].text} {text}"
        if not match:
            if paragraph_open and paragraphs:
                paragraphs[-1].text = f"{paragraphs[-1].text} {text}"
            else:
                paragraphs.append(Item(str(len(paragraphs) + 1), text, number))
            paragraph_open = True
    if items:
        return items
    if allow_paragraphs and paragraphs:
        return paragraphs
    if allow_empty:
        return []
    raise PlanParseError(
        "empty_section",
        section.end_line or section.line,
        f"section {section.numeral} ({section.title}) has no items",
        "lettered items such as 'A. …' under the heading",
        {"numeral": section.numeral, "title": section.title},
    )


# --------------------------------------------------------------------------------------------
# Tables: rows split over lines, leading tabs that may be missing


def _find_header(
    lines: list[tuple[int, str]], roles: dict[str, tuple[str, ...]]
) -> tuple[int, dict[str, int]] | None:
    for index, (_, raw) in enumerate(lines):
        cells = [fold(c) for c in raw.split("\t")]
        if cells and (_ROW_NUMBER.match(cells[0]) or _ROW_NUMBER_GLUED.match(cells[0])):
            return None  # data rows before any header: the table has none
        if len(cells) < 2:
            continue
        found: dict[str, int] = {}
        for position, cell in enumerate(cells):
            for role, words in roles.items():
                if role not in found and any(cell.startswith(w) or w in cell for w in words):
                    found[role] = position
                    break
        if len(found) >= min(2, len(roles)):
            return index, found
    return None


def _read_table(
    section: Section,
    roles: dict[str, tuple[str, ...]],
    default_order: tuple[str, ...],
    stop: re.Pattern[str] | None = None,
) -> list[TableRow]:
    lines = section.lines
    header = _find_header(lines, roles)
    if header:
        start, columns = header
        body = lines[start + 1 :]
    else:
        columns = {role: position for position, role in enumerate(default_order, start=1)}
        body = lines
    by_position = {position: role for role, position in columns.items()}
    text_role = default_order[0]
    rows: list[TableRow] = []
    for number, raw in body:
        if not raw.strip():
            continue
        if stop and stop.search(raw):
            break
        cells = raw.split("\t")
        first = clean_spaces(cells[0])
        number_match = _ROW_NUMBER.match(first)
        glued = _ROW_NUMBER_GLUED.match(first) if not number_match else None
        if glued and rows and int(glued.group("number")) != int(rows[-1].number) + 1:
            # "1 de la Estrategia…" with no tab after the number, out of sequence: the
            # continuation of the previous row's text (its leading tab lost), not a new row.
            glued = None
        if number_match or glued:
            if glued:
                cells = [glued.group("number"), glued.group("rest"), *cells[1:]]
                first = glued.group("number")
            row = TableRow(str(int(first.rstrip("."))), {}, number)
            rows.append(row)
            _fill(row, cells, by_position, text_role)
            continue
        if not rows:
            continue
        if first:  # the leading tab (the empty "No." cell) is missing: shift right by one
            cells = ["", *cells]
        if sum(1 for c in cells if c.strip()) == 1 and len(cells) <= 2:
            _append(rows[-1], text_role, clean_spaces(cells[-1]))
            continue
        _fill(rows[-1], cells, by_position, text_role)
    return rows


def _fill(row: TableRow, cells: list[str], by_position: dict[int, str], text_role: str) -> None:
    for position, cell in enumerate(cells):
        value = clean_spaces(cell)
        if not value or position == 0:
            continue
        role = by_position.get(position)
        if role is None:
            # More cells than header columns: text spilled to the right of its column.
            left = max((p for p in by_position if p < position), default=None)
            role = by_position[left] if left is not None else text_role
        _append(row, role, value)


def _append(row: TableRow, role: str, value: str) -> None:
    previous = row.cells.get(role, "")
    if previous.endswith("-") and not previous.endswith(" -"):
        row.cells[role] = f"{previous}{value}" if value[:1].islower() else f"{previous} {value}"
    else:
        row.cells[role] = f"{previous} {value}".strip()


# --------------------------------------------------------------------------------------------
# Activities: the lettered list (IV) and the numbered table (VI) are one list


def _merge_activities(listed: list[Item], table: list[TableRow]) -> list[ParsedActivity]:
    merged: list[ParsedActivity] = []
    by_position: dict[int, ParsedActivity] = {}
    for index, row in enumerate(table, start=1):
        date_text = row.cells.get("date", "")
        try:
            dates = parse_month_range(date_text) if date_text else None
        except MonthParseError:
            dates = None
        activity = ParsedActivity(
            position=index,
            number=int(row.number),
            letter=None,
            title=row.cells.get("title", ""),
            responsible=row.cells.get("responsible", ""),
            date_text=date_text,
            dates=dates,
            table_title=row.cells.get("title", ""),
            table_line=row.line,
        )
        merged.append(activity)
        by_position[index] = activity
    for index, item in enumerate(listed, start=1):
        known = by_position.get(index)
        if known is None:
            activity = ParsedActivity(
                position=index,
                number=None,
                letter=None,
                title="",
                responsible="",
                date_text="",
                dates=None,
            )
            merged.append(activity)
        else:
            activity = known
        activity.letter = item.key if item.key.isalpha() else None
        activity.list_title = item.text
        activity.list_line = item.line
        activity.title = item.text or activity.title
    return merged


# --------------------------------------------------------------------------------------------
# Resources


_TOTAL = re.compile(r"^\s*(?:gran\s+)?total\b", re.IGNORECASE)
_PERIOD_WORDS = {
    "months": ("mes", "meses", "mensualidad", "mensualidades", "month", "months"),
    "occasions": (
        "ocasion",
        "ocasiones",
        "reunion",
        "reuniones",
        "sesion",
        "sesiones",
        "taller",
        "talleres",
        "evento",
        "eventos",
        "jornada",
        "jornadas",
        "vez",
        "veces",
        "occasion",
        "occasions",
        "meeting",
        "meetings",
    ),
    "days": ("dia", "dias", "day", "days"),
    "weeks": ("semana", "semanas", "week", "weeks"),
    "years": ("ano", "anos", "year", "years"),
}
_PERIOD_KIND = {word: kind for kind, words in _PERIOD_WORDS.items() for word in words}
_NUMBER_NOUN = re.compile(r"(?<![\d.,])(?P<n>\d{1,6})(?![\d.,]\d)\s*(?P<noun>[a-z]+)?")


def budget_terms(description: str) -> BudgetTerms:
    """Read ``2 asesores de Q.16,000.00 mensuales durante 17 meses`` into its terms."""
    terms = BudgetTerms()
    amounts = find_money(description)
    masked = description
    if amounts:
        terms.unit_cost = amounts[0][0]
        for _, start, end in reversed(amounts):
            masked = masked[:start] + " " * (end - start) + masked[end:]
    folded = fold(masked)
    for match in _NUMBER_NOUN.finditer(folded):
        count = int(match.group("n"))
        noun = match.group("noun") or ""
        kind = _PERIOD_KIND.get(noun)
        if kind and terms.periods is None:
            terms.periods, terms.period_unit, terms.period_kind = count, noun, kind
        elif terms.quantity is None and not kind and count > 0:
            terms.quantity, terms.quantity_noun = count, noun
    return terms


def _read_resources(plan: ParsedPlan, section: Section) -> None:
    rows = _read_table(
        section,
        roles={
            "description": ("recurso", "descripcion", "concepto", "rubro", "resource", "item"),
            "cost": ("costo", "monto", "valor", "cost", "amount", "importe", "total"),
        },
        default_order=("description", "cost"),
        stop=_TOTAL_LINE,
    )
    for row in rows:
        cost_text = row.cells.get("cost", "")
        description = row.cells.get("description", "")
        if not cost_text:
            # The cost may have been glued to the description's end.
            amounts = find_money(description)
            if amounts and amounts[-1][2] >= len(description.rstrip(" .")) - 1:
                _value, start, _ = amounts[-1]
                cost_text, description = description[start:], description[:start].strip()
        try:
            cost = parse_money(cost_text) if cost_text else None
        except MoneyParseError:
            cost = None
        plan.budget_lines.append(
            ParsedBudgetLine(
                number=int(row.number),
                description=description,
                cost_text=cost_text,
                cost=cost,
                line=row.line,
                terms=budget_terms(description),
            )
        )
    if not plan.budget_lines:
        raise PlanParseError(
            "no_budget_lines",
            section.end_line or section.line,
            f"section {section.numeral} ({section.title}) has no budget lines",
            "numbered rows 'No. <tab> Recurso <tab> Costo'",
            {"numeral": section.numeral, "title": section.title},
        )
    for number, raw in section.lines:
        if _TOTAL_LINE.search(raw):
            cells = [c for c in _cells(raw) if c]
            money_cells = [c for c in cells if not _TOTAL.match(c)]
            plan.budget_total_line = number
            plan.budget_total_text = " ".join(money_cells)
            for cell in reversed(money_cells):
                try:
                    plan.budget_total = parse_money(cell)
                    break
                except MoneyParseError:
                    continue
            break


_TOTAL_LINE = re.compile(
    r"(?:^|\t)\s*(?:gran\s+)?total(?:\s+general|\s+del\s+presupuesto)?\s*:?\s*(?:\t|$|Q)",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------------------------
# The schedule (Cronograma): commitment header, month grid, milestone rows and events

_LABELS = (
    ("objetivo", "objective"),
    ("responsable", "responsible"),
    ("otros actores", "other_actors"),
    ("tiempo de cumplimiento", "period"),
    ("periodo", "period"),
    ("plazo", "period"),
)
_ENTITY = re.compile(
    r"(?P<name>[A-ZÁÉÍÓÚÑ][^.;:]*?)\s*[-–]\s*(?P<acronym>[A-ZÁÉÍÓÚÑ]{2,12})\s*[-–]?\s*"
    r"(?:hitos?\s*)?(?P<numbers>\d+(?:\s*(?:,|y|e|and)\s*\d+)*)",
)
_COORDINATOR = re.compile(r"\bCoordinador(?:a)?\s*:?\s*(?P<name>[^.;]+)", re.IGNORECASE)


def _read_schedule(plan: ParsedPlan, section: Section) -> None:
    grid_index: int | None = None
    grid_columns: list[int] = []
    in_body = False
    state = {"skip": False}
    lines = section.lines
    for index, (number, raw) in enumerate(lines):
        cells = _cells(raw)
        nonempty = [c for c in cells if c]
        if not nonempty:
            continue
        if not in_body and grid_index is None:
            if any(_MILESTONE_ROW.match(c) for c in nonempty[:2]):
                in_body = True
            elif len(nonempty) >= 2 and any(_looks_like_date(c) for c in nonempty[1:3]):
                label = fold(nonempty[0])
                in_body = not any(label.startswith(word) for word, _ in _LABELS)
        if not in_body and grid_index is None:
            if _ACTION_PLAN.search(nonempty[0]) and not plan.action_plan_name:
                name = re.sub(r"^\s*\d+\s*[º°o]?\s*\.?\s*", "", nonempty[0]) or nonempty[0]
                ordinal = re.match(r"^\s*(\d+)\s*[º°o]", nonempty[0])
                display = _titlecase(name)
                if ordinal:
                    display = f"{ordinal.group(1)}º {display}"
                plan.action_plan_name = display
                plan.action_plan_line = number
                years = [int(y) for y in _YEARS.findall(nonempty[0])]
                if years:
                    plan.action_plan_years = (min(years), max(years))
                continue
            header = _COMMITMENT_HEADER.search(nonempty[0])
            if header and not plan.commitment_title and not _ROW_NUMBER.match(cells[0]):
                if not plan.commitment_number:
                    plan.commitment_number = str(int(header.group("number")))
                plan.commitment_title = _titlecase(clean_spaces(header.group("title")))
                plan.commitment_line = number
                continue
            label = fold(nonempty[0])
            matched_label = next((role for word, role in _LABELS if label.startswith(word)), None)
            if matched_label and len(nonempty) >= 2:
                _read_label(plan, matched_label, " ".join(nonempty[1:]), number)
                continue
            letters = [c for c in cells if c]
            if len(letters) >= 6 and all(len(c) == 1 and c.isalpha() for c in letters):
                grid_index = index
                grid_columns = [p for p, c in enumerate(cells) if c]
                years = _schedule_years(lines, index)
                try:
                    plan.schedule_grid = month_sequence_from_initials(letters, years)
                except MonthParseError:
                    plan.schedule_grid = []
                plan.schedule_grid_line = number
            continue
        in_body = True
        _read_schedule_row(plan, cells, number, grid_columns, state)
    if not plan.events:
        raise PlanParseError(
            "no_schedule_rows",
            section.end_line or section.line,
            f"section {section.numeral} ({section.title}) lists no meetings or activities",
            "schedule rows such as '<tab>Reunión inicial<tab>abr-19' under a 'Hito' row",
            {"numeral": section.numeral, "title": section.title},
        )


def _schedule_years(lines: list[tuple[int, str]], grid_index: int) -> list[int]:
    for _, raw in reversed(lines[max(0, grid_index - 2) : grid_index]):
        years = [int(y) for y in _YEARS.findall(raw)]
        if years:
            return years
    return []


def _read_label(plan: ParsedPlan, role: str, value: str, number: int) -> None:
    if role == "objective":
        plan.commitment_objective = value
    elif role == "responsible":
        plan.responsible_text = value
        coordinator = _COORDINATOR.search(value)
        if coordinator:
            plan.coordinator = clean_spaces(coordinator.group("name"))
        tail = value.split(":", 1)[1] if ":" in value else value
        for match in _ENTITY.finditer(tail):
            # A milestone number has a few digits; longer runs are not numbers of milestones
            # (and int() refuses strings of more than 4300 digits).
            numbers = [int(n) for n in re.findall(r"\d+", match.group("numbers")) if len(n) <= 4]
            name = clean_spaces(match.group("name"))
            name = re.sub(r"^(?:y|e|and)\s+", "", name)
            plan.responsible_entities.append(EntityRole(name, match.group("acronym"), numbers, number))
    elif role == "other_actors":
        plan.other_actors = value
    elif role == "period":
        plan.period_text = value
        plan.period_line = number
        try:
            plan.period = parse_month_range(value)
        except MonthParseError:
            plan.period = None


_EVENT_KINDS = (
    ("inicial", "initial"),
    ("apertura", "initial"),
    ("lanzamiento", "initial"),
    ("kick", "initial"),
    ("final", "final"),
    ("cierre", "final"),
    ("clausura", "final"),
    ("closing", "final"),
)


def event_kind(title: str) -> tuple[str, int | None]:
    key = fold(title)
    for word, kind in _EVENT_KINDS:
        if re.search(rf"\b{word}", key):
            return kind, None
    number = re.search(r"(?<!\d)(\d{1,6})\s*$", key)
    if re.search(r"\b(reunion|sesion|taller|mesa|meeting|workshop|session)", key):
        return "working", int(number.group(1)) if number else None
    return "other", int(number.group(1)) if number else None


def _looks_like_date(cell: str) -> bool:
    try:
        parse_month_range(cell)
    except MonthParseError:
        return False
    return True


def _read_schedule_row(
    plan: ParsedPlan,
    cells: list[str],
    number: int,
    grid_columns: list[int],
    state: dict[str, bool],
) -> None:
    if cells and cells[0] and not _ROW_LABEL.match(cells[0]):
        cells = ["", *cells]  # the leading (No.) tab is missing
    nonempty = [(p, c) for p, c in enumerate(cells) if c]
    if not nonempty:
        return
    milestone = None
    for _position, cell in nonempty[:2]:
        milestone = _MILESTONE_ROW.match(cell)
        if milestone:
            break
    if milestone:
        row_number = str(int(cells[0].rstrip("."))) if _ROW_NUMBER.match(cells[0]) else ""
        if row_number and not plan.milestone_number:
            plan.milestone_number = row_number
        # Rows under another milestone's heading belong to another work plan.
        state["skip"] = bool(row_number) and row_number != plan.milestone_number
        if not state["skip"] and not plan.milestone_title:
            plan.milestone_title = clean_spaces(milestone.group("title"))
            plan.milestone_line = number
        return
    if state["skip"]:
        return
    title = ""
    date_text = ""
    dates: MonthRange | None = None
    limit = grid_columns[0] if grid_columns else len(cells)
    for position, cell in nonempty:
        if position == 0:
            continue
        if position >= limit:
            # The header of initials may have lost a leading tab, shifting the grid left: a
            # month written out in the first grid column is the row's date, not a mark.
            if title and dates is None and not date_text and len(cell) > 2 and _looks_like_date(cell):
                dates = parse_month_range(cell)
                date_text = cell
            break
        if dates is None:
            try:
                dates = parse_month_range(cell)
                date_text = cell
                continue
            except MonthParseError:
                pass
        if not title:
            title = cell
        elif dates is None and not date_text:
            date_text = cell
    if not title:
        return
    if dates is None and grid_columns and plan.schedule_grid:
        marked = [
            plan.schedule_grid[i]
            for i, column in enumerate(grid_columns)
            if i < len(plan.schedule_grid) and column < len(cells) and cells[column]
        ]
        if marked:
            dates = MonthRange(min(marked), max(marked))
            date_text = date_text or dates.spanish()
    kind, event_number = event_kind(title)
    plan.events.append(
        ParsedEvent(
            position=len(plan.events) + 1,
            title=title,
            kind=kind,
            number=event_number,
            date_text=date_text,
            dates=dates,
            line=number,
        )
    )
