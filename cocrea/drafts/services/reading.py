"""Reading a draft's file (DOCX, Markdown or plain text), and the sentences for what cannot be read."""

from __future__ import annotations

from pathlib import PurePath

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from cocrea.computations.drafttext import (
    TABULAR_EXTENSIONS,
    DraftFormatError,
    ParsedDraft,
    looks_tabular,
    parse_markdown,
    read_docx,
)
from cocrea.core.uploads import MAX_UPLOAD_BYTES

# A draft's file (DOCX or Markdown), on the staff import screen and with ``cocrea import-draft``: the
# upload limit. The text inside has its own limits (drafttext.MAX_PARAGRAPHS, MAX_TEXT_CHARS).
MAX_DRAFT_FILE_BYTES = MAX_UPLOAD_BYTES

# Codes of DraftFormatError that a limit raises: the editor's forms check them before anything else.
LIMIT_CODES = frozenset(
    {"too_many_paragraphs", "text_too_long", "docx_too_many_paragraphs", "file_too_large"}
)


def _number(value: int) -> str:
    return str(number_format(value, force_grouping=True))


def draft_error_message(error: DraftFormatError) -> str:
    """The sentence for a person, in the active language, for a draft that cannot be read.

    The limits and the refusal of data files are worded here by their code; other codes keep the
    reader's own (Spanish) sentence.
    """
    details = error.details
    figures: dict[str, object] = {name: _number(value) for name, value in details.items()}
    if error.code == "too_many_paragraphs":
        message = _(
            "El texto tiene más de %(limit)s párrafos, el máximo de una versión: divídalo en varios "
            "documentos."
        )
    elif error.code == "text_too_long" and "found" in details:
        message = _(
            "El texto tiene %(found)s caracteres; el máximo de una versión es %(limit)s: divídalo en "
            "varios documentos."
        )
    elif error.code == "text_too_long":
        message = _(
            "El texto tiene más de %(limit)s caracteres, el máximo de una versión: divídalo en varios "
            "documentos."
        )
    elif error.code == "docx_too_many_paragraphs":
        message = _(
            "El documento tiene más de %(limit)s párrafos de Word (contando los vacíos y las celdas "
            "de las tablas): divídalo en partes más pequeñas."
        )
    elif error.code == "file_too_large":
        message = _("El archivo pesa %(size)s MB; el máximo es %(max)s MB.")
        figures = {
            "size": round(details.get("found", 0) / 1_048_576, 1),
            "max": details.get("limit", 0) // 1_048_576,
        }
    elif error.code == "tabular":
        message = _(
            "El archivo es una tabla de datos (CSV o parecido), no un borrador: importe el texto del "
            "documento como DOCX o Markdown."
        )
    else:
        return error.message
    return str(message) % figures


def _translated(error: DraftFormatError) -> DraftFormatError:
    return DraftFormatError(draft_error_message(error), error.code, error.details)


def read_draft(data: bytes, filename: str = "") -> ParsedDraft:
    """A DOCX file (recognised by its content) or Markdown/plain text; DraftFormatError otherwise,
    its message in the active language for the limits (:func:`draft_error_message`).

    Refused: a file over :data:`MAX_DRAFT_FILE_BYTES`; a table of data given as text (a ``.csv`` or
    ``.tsv`` name, or content that :func:`~cocrea.computations.drafttext.looks_tabular`).
    """
    try:
        return _read_draft(data, filename)
    except DraftFormatError as error:
        raise _translated(error) from error


def _read_draft(data: bytes, filename: str) -> ParsedDraft:
    if len(data) > MAX_DRAFT_FILE_BYTES:
        raise DraftFormatError(
            "El archivo es demasiado grande.",
            "file_too_large",
            {"limit": MAX_DRAFT_FILE_BYTES, "found": len(data)},
        )
    if data.startswith(b"PK\x03\x04"):
        return read_docx(data)
    tabular = DraftFormatError("El archivo es una tabla de datos, no un borrador.", "tabular")
    if PurePath(filename).suffix.lower() in TABULAR_EXTENSIONS:
        raise tabular
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode": UTF-16 with its mark
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as error:
            raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text") from error
    if b"\x00" in data:  # binary, and PostgreSQL cannot store NUL
        raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # bytes that Windows-1252 leaves undefined
        raise DraftFormatError(_("El archivo no es un DOCX ni un texto Markdown."), "not_text")
    if looks_tabular(text):
        raise tabular
    return parse_markdown(text)
