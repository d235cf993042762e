"""The text of a draft document: Markdown and DOCX in, sections of Markdown blocks out, safe HTML.

A version of a draft (a national strategy that citizens comment on paragraph by paragraph) is a
list of sections, each a heading and its paragraphs. Staff write it in Markdown or import a Word
file; both end up as a :class:`ParsedDraft`:

- :func:`parse_markdown` splits Markdown text with markdown-it-py's token stream, so that a block
  is exactly what the renderer shows as one block (a paragraph, a whole list, a table, a quote, a
  code block). Every top-level heading starts a section, even with no text under it (an empty
  heading too, with a warning); text before the first heading is the *preamble* (title ``""``,
  level 0). A text that starts with its only ``#`` heading, followed by deeper headings, has that
  heading as the document's title (and no section for it).
- :func:`read_docx` reads a DOCX file with python-docx: headings by paragraph style (English or
  Spanish Word) or outline level, bold/italic/links as Markdown, Word lists as one Markdown list,
  tables as pipe tables, Word text escaped so that it shows as written. The title is the file's
  title property, else its first "Title" paragraph. Anything that is not a readable DOCX raises
  :class:`DraftFormatError` with a Spanish sentence for the user; things left out (images, notes,
  empty headings, a table of contents) become warnings.
- :func:`to_markdown` writes a draft back as one Markdown text that :func:`parse_markdown` reads
  back to the same sections (a title with level-1 sections, as from Word, moves them one level
  down; a title over a draft with no headings at all reads back as a section).
- :func:`render_markdown` turns a block (or a whole text) into HTML cleaned with the project's
  allow-list; :func:`plain_text` gives its words without marks.

Section titles are plain text (no Markdown marks): :func:`to_markdown` escapes them.

Limits, each refused with a :class:`DraftFormatError` of its own code: a version has at most
:data:`MAX_PARAGRAPHS` blocks and :data:`MAX_TEXT_CHARS` characters (``too_many_paragraphs``,
``text_too_long``, checked as the blocks are read); a DOCX at most :data:`MAX_DOCX_PARAGRAPHS` Word
paragraphs, counted in its compressed XML before any of it is parsed (``docx_too_many_paragraphs``: a
file of a hundred kilobytes can hold a million empty paragraphs). :func:`looks_tabular` tells a CSV
or TSV file from a Markdown draft.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import docx
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.token import Token

from cocrea.computations.archives import ZipLimits, ZipTooLarge, check_zip_sizes
from cocrea.computations.safety import sanitize_html
from cocrea.computations.text import strip_accents

# --- Limits ----------------------------------------------------------------------------------------

MAX_XML_BYTES = 50_000_000  # uncompressed XML of a DOCX
MAX_DOCX_BYTES = 200_000_000  # uncompressed content of a DOCX, images included
MAX_DOCX_ENTRIES = 5_000
MAX_PARAGRAPHS = 5_000  # blocks (paragraphs, lists, tables, quotes…) in one version
MAX_TEXT_CHARS = 1_000_000  # characters of one version's text (Markdown, or the blocks read from a DOCX)
MAX_DOCX_PARAGRAPHS = 50_000  # Word paragraphs in a DOCX, the empty ones and those in table cells included
TABULAR_EXTENSIONS = (".csv", ".tsv", ".tab")  # files of data, refused as drafts whatever their content

# Headings inside a rendered block: ``#`` → h3, ``##`` and deeper → h4.
RENDERED_HEADING_OFFSET = 2
RENDERED_HEADING_MAX = 4


class DraftFormatError(Exception):
    """The input cannot be read as a draft. ``message`` is a Spanish sentence for the user; ``code``
    is stable (``too_many_paragraphs``, ``text_too_long``, ``docx_too_many_paragraphs``, ``tabular``,
    ``not_docx``, …) and ``details`` holds the figures the message quotes (``limit``, ``found``)."""

    def __init__(self, message: str, code: str = "invalid", details: dict[str, int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = dict(details or {})


def _too_many_paragraphs() -> DraftFormatError:
    return DraftFormatError(
        f"El texto tiene más de {MAX_PARAGRAPHS} párrafos, el máximo de una versión: "
        "divídalo en varios documentos.",
        "too_many_paragraphs",
        {"limit": MAX_PARAGRAPHS},
    )


def _text_too_long(found: int | None = None) -> DraftFormatError:
    """``found``: the text's length, when known (not while a DOCX is being read)."""
    size = f"{found}" if found is not None else f"más de {MAX_TEXT_CHARS}"
    return DraftFormatError(
        f"El texto tiene {size} caracteres; el máximo de una versión es {MAX_TEXT_CHARS}: "
        "divídalo en varios documentos.",
        "text_too_long",
        {"limit": MAX_TEXT_CHARS} if found is None else {"limit": MAX_TEXT_CHARS, "found": found},
    )


@dataclass(frozen=True)
class ParsedSection:
    title: str  # plain text; "" for the preamble
    level: int  # 1..6; 0 for the preamble (the text before the first heading)
    paragraphs: tuple[str, ...]  # Markdown source, one block each


@dataclass(frozen=True)
class ParsedDraft:
    title: str | None
    sections: tuple[ParsedSection, ...]
    warnings: tuple[str, ...] = ()


# --- Markdown ------------------------------------------------------------------------------------


# The renderer's own parser: the CommonMark preset with tables, no raw HTML, no bare-URL links.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_INVISIBLE = str.maketrans({"\ufeff": None, "\u00a0": " ", "\x00": "\ufffd"})
_SPACE_RUNS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """LF line ends, no BOM, ordinary spaces for non-breaking ones, no trailing spaces."""
    text = _LINE_BREAKS.sub("\n", text).translate(_INVISIBLE)
    return "\n".join(line.rstrip() for line in text.split("\n"))


def _collapse(text: str) -> str:
    return _SPACE_RUNS.sub(" ", text).strip()


def parse_markdown(text: str) -> ParsedDraft:
    """Sections and blocks of a Markdown text (see the module docstring).

    A text longer than :data:`MAX_TEXT_CHARS` or with more than :data:`MAX_PARAGRAPHS` blocks is
    refused (:class:`DraftFormatError` ``text_too_long``, ``too_many_paragraphs``).
    """
    if len(text) > MAX_TEXT_CHARS:
        raise _text_too_long(len(text))
    source = normalize_text(text)
    lines = source.split("\n")
    env: dict[str, Any] = {}
    tokens = _MD.parse(source, env)
    references = _reference_lines(env, lines)
    tops = [
        (index, token)
        for index, token in enumerate(tokens)
        if token.level == 0 and token.map is not None and token.nesting >= 0
    ]
    if sum(1 for _, token in tops if token.type != "heading_open") > MAX_PARAGRAPHS:
        raise _too_many_paragraphs()
    warnings: list[str] = []
    items: list[tuple[int, str]] = []  # (level, title) for a heading, (0, source) for a block
    for position, (index, token) in enumerate(tops):
        assert token.map is not None
        if token.type == "heading_open":
            heading = _inline_plain(tokens[index + 1].children or [])
            if not heading:
                warnings.append(f"El encabezado de la línea {token.map[0] + 1} está vacío.")
            items.append((int(token.tag[1:]), heading))
            continue
        following = tops[position + 1][1].map if position + 1 < len(tops) else None
        block = _block_source(lines, token, following[0] if following else len(lines))
        if block:
            items.append((0, _with_references(block, references)))
    for token in _walk(tokens):
        if token.type == "image":
            alt = _inline_plain(token.children or [])
            shown = f"«{alt}»" if alt else "sin texto alternativo"
            warnings.append(f"La imagen {shown} no se publicará: solo se muestra su texto alternativo.")
    if not items:
        raise DraftFormatError("El documento no tiene texto.", "empty")
    title: str | None = None
    headings = [level for level, _ in items if level]
    if items[0][0] == 1 and items[0][1] and headings.count(1) == 1 and len(headings) > 1:
        title = items.pop(0)[1]
    builder = _Sections()
    for level, value in items:
        if level:
            builder.heading(value, level)
        else:
            builder.block(value)
    return ParsedDraft(title, builder.result(), tuple(warnings))


def _block_source(lines: Sequence[str], token: Token, stop: int) -> str:
    """The block's lines, and the link definitions between it and the next block."""
    assert token.map is not None
    start, end = token.map
    chunk = list(lines[start:end])
    if token.type == "fence" and not _closes_fence(_trimmed(chunk), token.markup):
        chunk = [*_trimmed(chunk), token.markup]  # an unclosed fence would swallow the blocks after it
    return "\n".join(_trimmed([*chunk, *lines[end:stop]]))


def _trimmed(chunk: Sequence[str]) -> list[str]:
    """Without the blank lines at either end."""
    filled = [number for number, line in enumerate(chunk) if line.strip()]
    return list(chunk[filled[0] : filled[-1] + 1]) if filled else []


def _closes_fence(chunk: Sequence[str], markup: str) -> bool:
    if len(chunk) < 2:
        return False
    last = chunk[-1].strip()
    return len(last) >= len(markup) and set(last) == {markup[0]} and len(chunk[-1]) - len(last) < 4


def _reference_lines(env: dict[str, Any], lines: Sequence[str]) -> dict[str, str]:
    """Link reference definitions (``[label]: url``) by label, as written."""
    found: dict[str, str] = {}
    for label, reference in env.get("references", {}).items():
        start, end = reference["map"]
        found[label] = "\n".join(line for line in lines[start:end] if line.strip())
    return found


_BRACKETED = re.compile(r"\[([^\[\]]+)\]")


def _with_references(block: str, references: dict[str, str]) -> str:
    """Append the definitions that ``block`` uses, so that it renders the same on its own."""
    if not references:
        return block
    used: list[str] = []
    for match in _BRACKETED.finditer(block):
        definition = references.get(normalizeReference(match.group(1)))
        if definition and definition not in used and definition not in block:
            used.append(definition)
    return "\n\n".join([block, *used])


def _walk(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


class _Sections:
    """Sections as they are read; refuses more than :data:`MAX_PARAGRAPHS` blocks or
    :data:`MAX_TEXT_CHARS` characters as soon as they are exceeded."""

    def __init__(self) -> None:
        self.sections: list[tuple[str, int, list[str]]] = []
        self.blocks = 0
        self.chars = 0

    def heading(self, title: str, level: int) -> None:
        self._count(len(title))
        self.sections.append((title, max(1, min(6, level)), []))

    def block(self, text: str) -> None:
        self.blocks += 1
        if self.blocks > MAX_PARAGRAPHS:
            raise _too_many_paragraphs()
        self._count(len(text))
        if not self.sections:
            self.sections.append(("", 0, []))
        self.sections[-1][2].append(text)

    def _count(self, chars: int) -> None:
        self.chars += chars + (2 if self.chars else 0)  # and the blank line between blocks
        if self.chars > MAX_TEXT_CHARS:
            raise _text_too_long()

    def result(self) -> tuple[ParsedSection, ...]:
        return tuple(ParsedSection(title, level, tuple(blocks)) for title, level, blocks in self.sections)


# --- Data that is not a draft ---------------------------------------------------------------------

# A line that only Markdown writes: a heading, a quote, a list item, a fence, a pipe-table row.
_MARKDOWN_LINE = re.compile(r"^ {0,3}(?:#{1,6}(?:[ \t]|$)|>|[-+*][ \t]|\d{1,9}[.)][ \t]|```|~~~|\|)")
_SNIFF_LINES = 200
_SNIFF_CHARS = 100_000


def looks_tabular(text: str) -> bool:
    """Whether ``text`` is clearly a table of data (CSV, TSV) rather than a draft.

    It is when, in its first lines, at least three rows, nine in ten of them have the same number of
    tabs, semicolons or commas outside quotes (at least one; two or more, or five rows or more, for
    commas and semicolons, which prose uses too), and nothing says Markdown or prose: no heading,
    list, quote, fence or pipe table, and no paragraphs separated by blank lines.
    """
    lines = normalize_text(text[:_SNIFF_CHARS]).split("\n")[:_SNIFF_LINES]
    if len(text) > _SNIFF_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut its last line
    filled = [number for number, line in enumerate(lines) if line.strip()]
    if len(filled) < 3:
        return False
    rows = [lines[number] for number in filled]
    blank = filled[-1] - filled[0] + 1 - len(filled)
    if blank > len(rows) // 10 or any(_MARKDOWN_LINE.match(row) for row in rows):
        return False
    for delimiter in ("\t", ";", ","):
        counts = Counter(_delimiters(row, delimiter) for row in rows)
        common, seen = counts.most_common(1)[0]
        enough = common >= 1 if delimiter == "\t" else common >= 2 or len(rows) >= 5
        if common >= 1 and enough and seen * 10 >= len(rows) * 9:
            return True
    return False


def _delimiters(row: str, delimiter: str) -> int:
    """How many times ``delimiter`` separates fields of a CSV row (not inside double quotes)."""
    if '"' not in row:
        return row.count(delimiter)
    count, quoted = 0, False
    for character in row:
        if character == '"':
            quoted = not quoted
        elif character == delimiter and not quoted:
            count += 1
    return count


# --- Back to Markdown ------------------------------------------------------------------------------


def to_markdown(draft: ParsedDraft) -> str:
    """One Markdown text for ``draft``; :func:`parse_markdown` reads it back to the same sections.

    With a title, the title is the only ``#`` heading: sections of level 1 (a DOCX's Heading 1
    under a title from the file's properties) are written one level deeper, all of them alike.
    """
    parts: list[str] = []
    shift = 0
    if draft.title:
        parts.append("# " + escape_heading(draft.title))
        shift = 1 if any(section.level == 1 for section in draft.sections) else 0
    for section in draft.sections:
        if section.level > 0:
            title = escape_heading(section.title)
            parts.append("#" * min(6, section.level + shift) + (" " + title if title else ""))
        parts.extend(
            block for block in ("\n".join(_trimmed(b.split("\n"))) for b in section.paragraphs) if block
        )
    pieces: list[str] = []
    for part in parts:
        if pieces:
            # A list that ends with an empty item needs two blank lines to end before a list that follows.
            pieces.append("\n\n\n" if _EMPTY_ITEM.fullmatch(pieces[-1].rsplit("\n", 1)[-1]) else "\n\n")
        pieces.append(part)
    return "".join(pieces) + "\n" if pieces else ""


_EMPTY_ITEM = re.compile(r"[ \t]*(?:[-+*]|\d{1,9}[.)])")


_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<|]|&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(
    r"^(?:(?P<hash>#{1,6})(?=[ \t]|$)|(?P<quote>>)|(?P<bullet>[-+])(?=[ \t]|$)"
    r"|(?P<number>\d{1,9})(?P<delim>[.)])(?=[ \t]|$)|(?P<rule>[-=])(?=[-= \t]*$)|(?P<tilde>~~~))"
)


def _escape_inline(text: str, *, pipes: bool = True) -> str:
    def replace(match: re.Match[str]) -> str:
        return match.group(0) if match.group(0) == "|" and not pipes else "\\" + match.group(0)

    return _INLINE_SPECIAL.sub(replace, text)


def _escape_line_start(line: str) -> str:
    match = _LINE_START.match(line)
    if match is None:
        return line
    if match.group("number") is not None:
        return match.group("number") + "\\" + line[match.end("number") :]
    return "\\" + line


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters (leading spaces of lines dropped).

    Line breaks stay line breaks in the source (a soft break when rendered); the caller decides
    whether to join lines with hard breaks.
    """
    return "\n".join(
        _escape_line_start(_escape_inline(line.strip())) for line in normalize_text(text).split("\n")
    )


_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+)$")


def escape_heading(title: str) -> str:
    """A plain-text title for an ATX heading line (``## …``)."""
    text = _escape_inline(_collapse(normalize_text(title)), pipes=False)
    return _CLOSING_HASHES.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


# --- Rendering -------------------------------------------------------------------------------------


def render_markdown(source: str) -> str:
    """Safe HTML for a block or a whole text: no raw HTML, the project's allow-list, safe links."""
    env: dict[str, Any] = {}
    tokens = _MD.parse(normalize_text(source), env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(RENDERED_HEADING_MAX, int(token.tag[1:]) + RENDERED_HEADING_OFFSET)
            token.tag = f"h{level}"
        elif token.type == "inline" and token.children:
            token.children = _images_as_text(token.children)
    html = _MD.renderer.render(tokens, _MD.options, env)
    return sanitize_html(html)  # the one allow-list of every rich text (cocrea.computations.safety)


def _images_as_text(children: list[Token]) -> list[Token]:
    """Images are not allowed in the HTML: show their alternative text instead."""
    result: list[Token] = []
    for child in children:
        if child.type == "image":
            result.append(Token("text", "", 0, content=_inline_plain(child.children or [])))
        else:
            result.append(child)
    return result


def plain_text(source: str) -> str:
    """The words of a block or text without Markdown marks: one line per paragraph, item or row.

    Table cells are separated by a tab; code keeps its lines.
    """
    tokens = _MD.parse(normalize_text(source), {})
    lines: list[str] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "tr_close" and row is not None:
            lines.append("\t".join(row))
            row = None
        elif token.type == "inline":
            text = _inline_plain(token.children or [])
            if row is not None:
                row.append(text)
            else:
                lines.extend(text.split("\n"))
        elif token.type in ("fence", "code_block"):
            lines.extend(token.content.rstrip("\n").split("\n"))
    return "\n".join(line for line in lines if line.strip())


def _inline_plain(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_plain(child.children or []))
    return "\n".join(_collapse(line) for line in "".join(parts).split("\n"))


# --- DOCX ------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Elements whose children are read as if they were in the paragraph (or body) itself.
_TRANSPARENT = {
    _W + name for name in ("ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple")
}
_DELETED = {_W + name for name in ("del", "moveFrom")}
_EMBEDDED = {_W + name for name in ("drawing", "pict", "object")}
_NOTES = {_W + "footnoteReference", _W + "endnoteReference"}

_HEADING_NAME = re.compile(r"^(?:heading|titulo|encabezado)\s*([1-9])$")
_TITLE_NAMES = {"title", "titulo"}
_TOC_NAME = re.compile(r"^(?:toc|tdc)\s*\d$|^(?:toc heading|encabezado de tdc|titulo de tdc)$")
_LIST_NAME = re.compile(
    r"^(?:list paragraph|parrafo de lista|list (?P<en>bullet|number)|lista con (?P<es>vinetas|numeros))"
    r"(?:\s*(?P<level>[1-9]))?$"
)
_QUOTE_NAMES = {"quote", "intense quote", "cita", "cita destacada"}
_FALSE = {"0", "false", "off"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")


@dataclass
class _Style:
    name: str  # folded: no accents, lower case
    based_on: str | None
    outline: int | None  # 0-based outline level; 9 is body text
    num_id: str | None
    ilvl: int | None
    bold: bool | None
    italic: bool | None


@dataclass
class _Segment:
    text: str
    bold: bool
    italic: bool
    url: str | None


@dataclass
class _Reading:
    """What the walk through the body collects."""

    styles: dict[str, _Style]
    default_style: str | None
    numbering: dict[tuple[str, int], bool]  # (numId, ilvl) → ordered
    links: dict[str, str]  # relationship id → external URL
    builder: _Sections = field(default_factory=_Sections)
    paragraphs: int = 0  # Word paragraphs read so far, empty ones and table cells' included
    list_items: list[tuple[int, bool, list[str]]] = field(default_factory=list)
    title: str | None = None
    title_paragraphs: int = 0
    embedded: int = 0
    notes: int = 0
    equations: int = 0
    tracked: bool = False
    toc: bool = False
    empty_headings: list[str] = field(default_factory=list)


def read_docx(data: bytes) -> ParsedDraft:
    """Sections and blocks of a Word (DOCX) file (see the module docstring)."""
    names = _check_zip(data)
    _check_paragraph_count(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise DraftFormatError("El archivo no es un documento DOCX válido.", "not_docx") from exc
    try:
        reading = _Reading(
            styles=_read_styles(document.styles.element),
            default_style=_default_style(document.styles.element),
            numbering=_read_numbering(document.part),
            links=_read_links(document.part),
        )
        reading.title = _core_title(document) if "docProps/core.xml" in names else None
        _read_body(reading, document.element.body)
        _flush_list(reading)
    except DraftFormatError:
        raise
    except Exception as exc:
        raise DraftFormatError(
            "No se pudo leer el contenido del documento: ábralo en Word, guárdelo de nuevo como .docx "
            "e inténtelo otra vez.",
            "unreadable",
        ) from exc
    sections = reading.builder.result()
    if not sections:
        raise DraftFormatError("El documento no tiene texto.", "empty")
    return ParsedDraft(reading.title, sections, tuple(_docx_warnings(reading)))


def _core_title(document: Any) -> str | None:
    """The title in the file's properties; a broken properties part is no reason to refuse the file."""
    try:
        title = document.core_properties.title
    except Exception:
        return None
    return _collapse(normalize_text(str(title or ""))) or None


def _check_zip(data: bytes) -> set[str]:
    if not data:
        raise DraftFormatError("El archivo está vacío.", "empty_file")
    if data.startswith(_OLE_MAGIC):
        raise DraftFormatError(
            "El archivo está protegido con contraseña o es un documento de Word antiguo (.doc): "
            "quite la contraseña y guárdelo como .docx.",
            "encrypted_or_doc",
        )
    not_docx = DraftFormatError("El archivo no es un documento DOCX válido.", "not_docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            _check_sizes(infos)
            if "mimetype" in names and archive.read("mimetype")[:64].startswith(b"application/vnd.oasis"):
                raise DraftFormatError(
                    "El archivo es un documento OpenDocument (.odt): guárdelo como .docx para importarlo.",
                    "opendocument",
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError) as exc:
        raise not_docx from exc
    if "[Content_Types].xml" not in names:
        raise not_docx
    if any(info.flag_bits & 0x1 for info in infos):
        raise DraftFormatError(
            "El archivo está protegido con contraseña: quítela y vuelva a intentarlo.", "encrypted"
        )
    return names


def _check_sizes(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse archives that would inflate too much (the sizes bound what zipfile will produce)."""
    limits = ZipLimits(entries=MAX_DOCX_ENTRIES, total=MAX_DOCX_BYTES, markup=MAX_XML_BYTES)
    try:
        check_zip_sizes(infos, limits)
    except ZipTooLarge as exc:
        raise DraftFormatError(
            "El documento es demasiado grande para importarlo: divídalo en partes más pequeñas.", "too_large"
        ) from exc


# The start of a paragraph element, whatever its namespace prefix (``<w:p>``, ``<w:p w:rsidR=…>``,
# ``<w:p/>``); ``<w:pPr>`` and the like are not counted.
_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?p[\s/>]")
_SCAN_CHUNK = 1 << 20


def _too_many_docx_paragraphs() -> DraftFormatError:
    return DraftFormatError(
        f"El documento tiene más de {MAX_DOCX_PARAGRAPHS} párrafos de Word (contando los vacíos y "
        "las celdas de las tablas): divídalo en partes más pequeñas.",
        "docx_too_many_paragraphs",
        {"limit": MAX_DOCX_PARAGRAPHS},
    )


def _check_paragraph_count(data: bytes) -> None:
    """Refuse a DOCX with more than :data:`MAX_DOCX_PARAGRAPHS` paragraphs before any XML is parsed.

    A few kilobytes of compressed XML can hold a million empty paragraphs: the XML parts are read as a
    stream and their paragraph tags counted, stopping as soon as the count passes the limit.
    """
    count = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.filename.lower().endswith(".xml"):
                    continue
                carried = b""
                with archive.open(info) as part:
                    while chunk := part.read(_SCAN_CHUNK):
                        chunk = carried + chunk
                        cut = chunk.rfind(b"<")  # a tag cut by the chunk's end is counted with the next
                        cut = cut if cut >= 0 and len(chunk) - cut < 256 else len(chunk)
                        count += len(_PARAGRAPH_TAG.findall(chunk, 0, cut))
                        carried = chunk[cut:]
                        if count > MAX_DOCX_PARAGRAPHS:
                            raise _too_many_docx_paragraphs()
                count += len(_PARAGRAPH_TAG.findall(carried))
                if count > MAX_DOCX_PARAGRAPHS:
                    raise _too_many_docx_paragraphs()
    except DraftFormatError:
        raise
    except Exception as exc:  # a damaged entry: zipfile, zlib or lzma errors
        raise DraftFormatError("El archivo no es un documento DOCX válido.", "not_docx") from exc


def _fold(name: str) -> str:
    return " ".join(strip_accents(name).casefold().split())


def _val(element: Any, tag: str) -> str | None:
    """The ``w:val`` of the child ``tag`` of ``element`` ("" when the child has no value)."""
    if element is None:
        return None
    child = element.find(_W + tag)
    if child is None:
        return None
    return str(child.get(_W + "val", ""))


def _toggle(rpr: Any, tag: str) -> bool | None:
    value = _val(rpr, tag)
    return None if value is None else value.lower() not in _FALSE


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _read_styles(styles: Any) -> dict[str, _Style]:
    found: dict[str, _Style] = {}
    for style in styles.iter(_W + "style"):
        style_id = style.get(_W + "styleId")
        if not style_id:
            continue
        ppr = style.find(_W + "pPr")
        num = ppr.find(_W + "numPr") if ppr is not None else None
        rpr = style.find(_W + "rPr")
        found[str(style_id)] = _Style(
            name=_fold(_val(style, "name") or str(style_id)),
            based_on=_val(style, "basedOn"),
            outline=_int(_val(ppr, "outlineLvl")),
            num_id=_val(num, "numId"),
            ilvl=_int(_val(num, "ilvl")),
            bold=_toggle(rpr, "b"),
            italic=_toggle(rpr, "i"),
        )
    return found


def _default_style(styles: Any) -> str | None:
    for style in styles.iter(_W + "style"):
        if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true", "on"):
            return str(style.get(_W + "styleId"))
    return None


def _chain(styles: dict[str, _Style], style_id: str | None) -> Iterator[_Style]:
    """The style and the styles it is based on, nearest first (loops cut)."""
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen and len(seen) < 20:
        seen.add(style_id)
        style = styles[style_id]
        yield style
        style_id = style.based_on


def _read_numbering(part: Any) -> dict[tuple[str, int], bool]:
    """Which numbering definitions and levels are ordered (numbers, letters) rather than bullets."""
    try:
        root = part.numbering_part.element
    except (KeyError, NotImplementedError, ValueError, AttributeError):
        return {}
    formats: dict[tuple[str, int], bool] = {}
    abstract: dict[str, dict[int, bool]] = {}
    for definition in root.iter(_W + "abstractNum"):
        levels = abstract.setdefault(str(definition.get(_W + "abstractNumId")), {})
        for lvl in definition.iter(_W + "lvl"):
            ilvl = _int(lvl.get(_W + "ilvl"))
            if ilvl is not None:
                levels[ilvl] = (_val(lvl, "numFmt") or "bullet") not in ("bullet", "none")
    for num in root.iter(_W + "num"):
        num_id = str(num.get(_W + "numId"))
        for ilvl, ordered in abstract.get(_val(num, "abstractNumId") or "", {}).items():
            formats[(num_id, ilvl)] = ordered
        for override in num.iter(_W + "lvlOverride"):
            lvl = override.find(_W + "lvl")
            ilvl = _int(override.get(_W + "ilvl"))
            if lvl is not None and ilvl is not None and _val(lvl, "numFmt") is not None:
                formats[(num_id, ilvl)] = _val(lvl, "numFmt") not in ("bullet", "none")
    return formats


def _read_links(part: Any) -> dict[str, str]:
    links: dict[str, str] = {}
    for rel_id, rel in part.rels.items():
        if rel.is_external and rel.reltype.endswith("/hyperlink"):
            links[str(rel_id)] = str(rel.target_ref)
    return links


def _read_body(reading: _Reading, container: Any) -> None:
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            _read_paragraph(reading, child)
        elif tag == _W + "tbl":
            _flush_list(reading)
            _read_table(reading, child)
        elif tag == _W + "sdt":
            gallery = child.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
            if gallery is not None and "table of contents" in str(gallery.get(_W + "val", "")).lower():
                reading.toc = True
                continue
            content = child.find(_W + "sdtContent")
            if content is not None:
                _read_body(reading, content)
        elif tag == _W + "customXml":
            _read_body(reading, child)
        elif tag in _DELETED:
            reading.tracked = True
        elif tag == _W + "ins":
            reading.tracked = True
            _read_body(reading, child)


def _count_paragraph(reading: _Reading) -> None:
    reading.paragraphs += 1
    if reading.paragraphs > MAX_DOCX_PARAGRAPHS:
        raise _too_many_docx_paragraphs()


def _read_paragraph(reading: _Reading, p: Any) -> None:
    _count_paragraph(reading)
    ppr = p.find(_W + "pPr")
    style_id = _val(ppr, "pStyle")
    chain = list(_chain(reading.styles, style_id if style_id in reading.styles else reading.default_style))
    names = [style.name for style in chain]
    segments = list(_segments(reading, p, None))
    raw = "".join(segment.text for segment in segments)
    text = _collapse(raw)
    reading.equations += len(list(p.iter(_M + "oMath")))

    if names and names[0] in _TITLE_NAMES and text:
        if reading.title is None:
            reading.title = text
            return
        if _fold(text) == _fold(reading.title) and not reading.title_paragraphs:
            reading.title_paragraphs += 1
            return
    if any(_TOC_NAME.match(name) for name in names[:1]):
        reading.toc = True
        return
    level = _heading_level(ppr, chain)
    if level is not None:
        _flush_list(reading)
        if text:
            reading.builder.heading(text, level)
        else:
            previous = reading.builder.sections[-1][0] if reading.builder.sections else ""
            reading.empty_headings.append(previous)
        return
    if not text:
        return
    lines = _inline_lines(segments)
    list_kind = _list_kind(reading, ppr, chain)
    if list_kind is not None:
        level, ordered = list_kind
        if level == 0 and reading.list_items:
            top = next(
                (o for lvl, o, _ in reversed(reading.list_items) if lvl == 0), reading.list_items[0][1]
            )
            if top != ordered:
                _flush_list(reading)  # a bulleted list after a numbered one (or back) is a new list
        reading.list_items.append((level, ordered, lines))
        return
    _flush_list(reading)
    if names and names[0] in _QUOTE_NAMES:
        reading.builder.block("\n".join("> " + line for line in lines))
    else:
        reading.builder.block("\n".join(lines))


def _heading_level(ppr: Any, chain: Sequence[_Style]) -> int | None:
    for style in chain:
        match = _HEADING_NAME.match(style.name)
        if match:
            return min(6, int(match.group(1)))
    outline = _int(_val(ppr, "outlineLvl"))
    if outline is None:
        outline = next((style.outline for style in chain if style.outline is not None), None)
    if outline is not None and 0 <= outline < 9:
        return min(6, outline + 1)
    return None


def _list_kind(reading: _Reading, ppr: Any, chain: Sequence[_Style]) -> tuple[int, bool] | None:
    """(nesting level, ordered) when the paragraph is a list item."""
    num = ppr.find(_W + "numPr") if ppr is not None else None
    num_id = _val(num, "numId")
    direct_level = _int(_val(num, "ilvl"))
    style_level: int | None = None
    for style in chain:
        num_id = style.num_id if num_id is None else num_id
        style_level = style.ilvl if style_level is None else style_level
    name_match = next((m for style in chain if (m := _LIST_NAME.match(style.name))), None)
    if num_id == "0" or (num_id is None and name_match is None):
        return None  # numbering removed, or not a list at all
    named_level = int(name_match.group("level")) - 1 if name_match and name_match.group("level") else None
    level = next((lvl for lvl in (direct_level, named_level, style_level) if lvl is not None), 0)
    level = max(0, min(8, level))
    numbering_level = next((lvl for lvl in (direct_level, style_level) if lvl is not None), 0)
    ordered = reading.numbering.get((num_id, numbering_level)) if num_id is not None else None
    if ordered is None:
        kind = (name_match.group("en") or name_match.group("es")) if name_match else None
        ordered = kind in ("number", "numeros")
    return level, ordered


def _segments(reading: _Reading, element: Any, url: str | None) -> Iterator[_Segment]:
    for child in element:
        tag = child.tag
        if tag == _W + "r":
            yield from _run_segments(reading, child, url)
        elif tag == _W + "hyperlink":
            target = reading.links.get(str(child.get(_R_ID, "")))
            yield from _segments(reading, child, target if url is None else url)
        elif tag in _TRANSPARENT:
            if tag in (_W + "ins", _W + "moveTo"):
                reading.tracked = True
            yield from _segments(reading, child, url)
        elif tag in _DELETED:
            reading.tracked = True


_RUN_TEXT = {_W + "t": None, _W + "tab": " ", _W + "noBreakHyphen": "-", _W + "ptab": " ", _W + "cr": "\n"}


def _run_segments(reading: _Reading, run: Any, url: str | None) -> Iterator[_Segment]:
    rpr = run.find(_W + "rPr")
    bold, italic = _toggle(rpr, "b"), _toggle(rpr, "i")
    for style in _chain(reading.styles, _val(rpr, "rStyle")):
        bold = style.bold if bold is None else bold
        italic = style.italic if italic is None else italic
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag in _RUN_TEXT:
            replacement = _RUN_TEXT[tag]
            parts.append((child.text or "") if replacement is None else replacement)
        elif tag == _W + "br":
            parts.append("\n" if child.get(_W + "type") in (None, "textWrapping") else "")
        elif tag in _NOTES:
            reading.notes += 1
    if any(True for tag in _EMBEDDED for _ in run.iter(tag)):
        reading.embedded += 1
    text = "".join(parts).translate(_INVISIBLE)
    if text:
        yield _Segment(text, bool(bold), bool(italic), url)


def _inline_lines(segments: Sequence[_Segment]) -> list[str]:
    """The paragraph as Markdown lines (to be joined by hard breaks).

    Bold or italic that Markdown cannot state here (say bold text in parentheses right against a
    word) is dropped, run by run, so that the text always shows as written and marks never show.
    """
    segments = [
        _Segment(s.text, False, False, s.url) if _linkable(s.url) else s for s in segments
    ]  # a link's text is written without emphasis
    lines = _markdown_lines(segments, links=True)
    if _shows(lines, segments):
        return lines
    kept = [_Segment(s.text, False, False, s.url) for s in segments]
    for index, segment in enumerate(segments):
        if segment.bold or segment.italic:
            kept[index] = segment
            if not _shows(_markdown_lines(kept, links=True), kept):
                kept[index] = _Segment(segment.text, False, False, segment.url)
    lines = _markdown_lines(kept, links=True)
    return lines if _shows(lines, kept) else _markdown_lines(kept, links=False)


def _shows(lines: Sequence[str], segments: Sequence[_Segment]) -> bool:
    """Whether ``lines`` render as the characters of ``segments``, bold and italic where they are."""
    expected = [(ch, s.bold, s.italic) for s in segments for ch in s.text if not ch.isspace()]
    return _styled("\n".join(lines)) == expected


def _styled(source: str) -> list[tuple[str, bool, bool]]:
    found: list[tuple[str, bool, bool]] = []
    for token in _MD.parse(source, {}):
        strong = em = 0
        for child in token.children or []:
            strong += {"strong_open": 1, "strong_close": -1}.get(child.type, 0)
            em += {"em_open": 1, "em_close": -1}.get(child.type, 0)
            if child.type in ("text", "code_inline"):
                found.extend((ch, strong > 0, em > 0) for ch in child.content if not ch.isspace())
    return found


def _linkable(url: str | None) -> TypeGuard[str]:
    """Only web and mail addresses become links; internal bookmarks and other schemes stay text."""
    return url is not None and url.lower().startswith(_LINK_SCHEMES)


def _markdown_lines(segments: Sequence[_Segment], *, links: bool) -> list[str]:
    merged: list[_Segment] = []
    for segment in segments:
        url = segment.url if links else None
        last = merged[-1] if merged else None
        if last is not None and (last.bold, last.italic, last.url) == (segment.bold, segment.italic, url):
            last.text += segment.text
        else:
            merged.append(_Segment(segment.text, segment.bold, segment.italic, url))
    pieces: list[str] = []
    for segment in merged:
        core = segment.text.strip()
        lead = segment.text[: len(segment.text) - len(segment.text.lstrip())]
        trail = segment.text[len(segment.text.rstrip()) :]
        if not core:
            pieces.append(segment.text)
        elif _linkable(segment.url):
            label = _escape_inline(_collapse(core))
            pieces.append(f"{lead}[{label}]({_link_destination(segment.url)}){trail}")
        elif segment.bold or segment.italic:
            mark = "*" * ((2 if segment.bold else 0) + (1 if segment.italic else 0))
            pieces.append(f"{lead}{mark}{_escape_inline(core)}{mark}{trail}")
        else:
            pieces.append(_escape_inline(segment.text))
    lines = [_escape_line_start(line.strip()) for line in "".join(pieces).split("\n")]
    lines = [line for line in lines if line]
    return [line + "\\" for line in lines[:-1]] + lines[-1:]


_URL_UNSAFE = re.compile(r"[\s()<>\\`\[\]]")


def _link_destination(url: str) -> str:
    return _URL_UNSAFE.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group(0).encode()), url.strip())


@dataclass
class _ListLevel:
    ordered: bool
    counter: int = 1
    content_column: int = 0  # where the text of the latest item at this level starts


def _flush_list(reading: _Reading) -> None:
    """Write the pending Word list items as one Markdown list, nested by their list level."""
    if not reading.list_items:
        return
    out: list[str] = []
    stack: list[_ListLevel] = []
    for level, ordered, lines in reading.list_items:
        depth = min(level, len(stack))  # a level can only be one deeper than the one before
        del stack[depth + 1 :]
        if len(stack) > depth and stack[depth].ordered == ordered:
            stack[depth].counter += 1
        else:
            del stack[depth:]
            stack.append(_ListLevel(ordered))
        marker = f"{stack[depth].counter}." if ordered else "-"
        indent = stack[depth - 1].content_column if depth else 0
        stack[depth].content_column = indent + len(marker) + 1
        out.append(" " * indent + marker + " " + lines[0])
        out.extend(" " * stack[depth].content_column + line for line in lines[1:])
    reading.list_items.clear()
    reading.builder.block("\n".join(out))


def _read_table(reading: _Reading, tbl: Any) -> None:
    rows: list[list[str]] = []
    for tr in _children(tbl, "tr"):
        cells: list[str] = []
        for tc in _children(tr, "tc"):
            tcpr = tc.find(_W + "tcPr")
            span = max(1, min(64, _int(_val(tcpr, "gridSpan")) or 1))
            continued = _val(tcpr, "vMerge") in ("", "continue")  # the cell above holds the text
            cells.extend([_escape_cell("" if continued else _cell_text(reading, tc))] + [""] * (span - 1))
        if cells:
            rows.append(cells)
    if not any(any(row) for row in rows):
        return
    width = max(len(row) for row in rows)
    lines = [
        "|" + "|".join(f" {cell} " if cell else " " for cell in row + [""] * (width - len(row))) + "|"
        for row in rows
    ]
    lines.insert(1, "|" + " --- |" * width)
    reading.builder.block("\n".join(lines))


def _children(element: Any, name: str) -> Iterator[Any]:
    """Children called ``name``, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == _W + name:
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _children(child, name)


def _cell_text(reading: _Reading, tc: Any) -> str:
    words: list[str] = []
    for p in tc.iter(_W + "p"):
        _count_paragraph(reading)
        words.append("".join(segment.text for segment in _segments(reading, p, None)))
    return _collapse(" ".join(words))


def _escape_cell(text: str) -> str:
    return _escape_inline(text)  # a cell holds inline content only: no block marks to escape


def _docx_warnings(reading: _Reading) -> Iterator[str]:
    if reading.embedded:
        count = reading.embedded
        yield (
            "Se omitió 1 imagen u objeto incrustado"
            if count == 1
            else f"Se omitieron {count} imágenes u objetos incrustados"
        ) + ": las imágenes no se importan; describa su contenido en el texto si es necesario."
    if reading.equations:
        yield f"Se omitieron {reading.equations} ecuaciones: escríbalas como texto si son necesarias."
    if reading.notes:
        yield f"El documento tiene {reading.notes} notas al pie o al final que no se importaron."
    if reading.tracked:
        yield "El documento tiene control de cambios: se importó el texto con los cambios aceptados."
    if reading.toc:
        yield "Se omitió la tabla de contenido: el borrador muestra su propio índice."
    for previous in reading.empty_headings:
        where = f" después de «{previous}»" if previous else " al inicio del documento"
        yield f"Se omitió un encabezado vacío{where}."
