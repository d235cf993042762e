"""What the reports share whatever their format: text that XML can hold, the page-number sentence,
and the PDF engine.

The PDFs (the progress report, the response report) are typeset by Typst, through the ``typst``
wheel: a self-contained compiler, no system library. Each report is a Typst source in
``reports/typst/`` that lays out one JSON document passed as data (``sys.inputs.data``): user
text arrives as Typst strings, never pasted into markup, so whatever it holds prints as text.
The font (DejaVu Sans, in ``reports/fonts/``) ships with Cocrea and the machine's fonts are
ignored, so a PDF looks the same everywhere. Nothing is read from outside ``reports/typst/``.
The XLSX and DOCX writers use :func:`xml_text` and :func:`page_of_pages`.

A long list (the response report of a large consultation: 10,000 contributions, some 1,300
pages) is typeset in parts by :func:`typeset_long`: each part of :data:`PART_ITEMS` entries in its
own short-lived process, two at a time, so that memory stays bounded (Typst keeps what it laid out
until its process ends) and both cores work; the parts are then joined and one more Typst
document, the running header and the «Página X de Y» footer of every page, is laid over them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import typst
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
)

# Characters that XML 1.0 (and so XLSX and DOCX) cannot hold; they have no glyph in a PDF either.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Stand-ins for the two numbers in the page-number sentence.
PAGE = "\x00page\x00"
PAGES = "\x00pages\x00"

SOURCES = Path(__file__).resolve().parent / "typst"
FONTS = Path(__file__).resolve().parent / "fonts"

# A long list is typeset in parts of this many entries (some 130 pages of the response report, and
# some 100 MB of a process), up to PARALLEL parts at a time.
PART_ITEMS = 1000
PARALLEL = max(1, min(2, os.cpu_count() or 1))


class TypesettingError(RuntimeError):
    """Typst refused a report's source: a bug in Cocrea's Typst code, never in the data."""


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (control characters have no glyph either)."""
    return NOT_XML.sub("", text)


def page_of_pages() -> list[str]:
    """«Página 1 de 9» from one whole translated sentence, in parts: text, :data:`PAGE`, :data:`PAGES`."""
    sentence = _("Página %(page)s de %(pages)s") % {"page": PAGE, "pages": PAGES}
    return [part for part in re.split(f"({PAGE}|{PAGES})", sentence) if part]


def page_label() -> list[dict[str, str]]:
    """The page-number sentence as Typst data: ``{"text": …}`` parts and ``{"field": "page"}``."""
    fields = {PAGE: "page", PAGES: "pages"}
    return [{"field": fields[part]} if part in fields else {"text": part} for part in page_of_pages()]


def _plain(value: Any) -> Any:
    """``value`` as JSON can hold it, every string without the characters that have no glyph."""
    if isinstance(value, str | Promise):
        return xml_text(str(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _document(data: dict[str, Any]) -> dict[str, Any]:
    return {"lang": (get_language() or "es")[:2], "page": page_label(), **_plain(data)}


def _compile(source: str, document: str, *, tagged: bool = True) -> bytes:
    """Typst's PDF of ``reports/typst/<source>`` with ``document`` (JSON) as ``sys.inputs.data``."""
    compiler = typst.Compiler(SOURCES / source, root=SOURCES, font_paths=[FONTS], ignore_system_fonts=True)
    try:
        pdf = compiler.compile(format="pdf", sys_inputs={"data": document}, pdf_tags=tagged)
    except typst.TypstError as error:  # Cocrea's own source is wrong: say where
        raise TypesettingError(f"{source}: {error.message}\n{error.diagnostic}") from error
    if not isinstance(pdf, bytes):  # a PDF is one file (PNG and SVG come as pages)
        raise TypesettingError(f"{source}: Typst returned {type(pdf).__name__}, not a PDF")
    return pdf


def typeset(source: str, data: dict[str, Any]) -> bytes:
    """The PDF of ``reports/typst/<source>`` laid out with ``data`` (A4, tagged for screen readers).

    ``data`` travels as one JSON string; the source reads it with ``json(bytes(sys.inputs.data))``.
    """
    return _compile(source, json.dumps(_document(data), ensure_ascii=False))


def _compile_apart(source: str, document: str) -> bytes:
    """:func:`_compile` in a process of its own (:mod:`cocrea.reports.typst_part`)."""
    done = subprocess.run(  # noqa: S603 - this interpreter, our own module and source name
        [sys.executable, "-m", "cocrea.reports.typst_part", source],
        input=document.encode(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF-"):
        raise TypesettingError(f"{source}: {done.stderr.decode(errors='replace')[-2000:]}")
    return done.stdout


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _lay_over(writer: PdfWriter, running: PdfReader) -> None:
    """Draw page n of ``running`` over page n of ``writer``: each running page becomes a form
    XObject that the page's content calls at its end; the page's own content is not parsed."""

    opening = writer._add_object(_stream(b"q\n"))
    closing = writer._add_object(_stream(b"\nQ q /CocreaRunning Do Q\n"))
    for page, over in zip(writer.pages, running.pages, strict=True):
        form = DecodedStreamObject()
        form.set_data(over.get_contents().get_data() if over.get_contents() is not None else b"")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): over.mediabox,
                NameObject("/Resources"): over["/Resources"].clone(writer),
            }
        )
        form = form.flate_encode()
        resources = DictionaryObject(page["/Resources"].get_object())  # may be shared: a copy
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[NameObject("/CocreaRunning")] = writer._add_object(form)
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.raw_get("/Contents")  # a reference: streams cannot be inlined in an array
        existing = contents.get_object() if isinstance(contents, IndirectObject) else contents
        calls = list(existing) if isinstance(existing, ArrayObject) else [contents]
        # The page's own content between q and Q, so that no state it leaves changes the overlay.
        page[NameObject("/Contents")] = ArrayObject([opening, *calls, closing])


def typeset_long(
    source: str,
    data: dict[str, Any],
    *,
    running: str,
    items: str = "items",
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """:func:`typeset` for a document whose ``data[items]`` may be very long (see the module's note).

    Each part gets ``part`` (0 for the first, which carries the front matter) and ``numbered:
    false``; ``running`` then draws the header and page numbers over the joined parts. Up to
    :data:`PART_ITEMS` entries it is one :func:`typeset`. ``progress(done, total)`` is told the
    entries typeset so far after each part.
    """
    entries = data[items]
    if len(entries) <= PART_ITEMS:
        pdf = typeset(source, data)
        if progress is not None:
            progress(len(entries), len(entries))
        return pdf
    common = _document({key: value for key, value in data.items() if key != items})
    parts = [entries[start : start + PART_ITEMS] for start in range(0, len(entries), PART_ITEMS)]

    def part_pdf(n: int) -> bytes:  # the part's JSON made when its turn comes: bounded memory
        part = {**common, items: _plain(parts[n]), "part": n, "numbered": False}
        return _compile_apart(source, json.dumps(part, ensure_ascii=False))

    pdfs: list[bytes] = []
    with ThreadPoolExecutor(PARALLEL) as pool:
        for n, pdf in enumerate(pool.map(part_pdf, range(len(parts)))):
            pdfs.append(pdf)
            if progress is not None:
                progress(min((n + 1) * PART_ITEMS, len(entries)), len(entries))
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(BytesIO(pdf)))
    running_pdf = _compile_apart(running, json.dumps({**common, "pages": len(writer.pages)}))
    _lay_over(writer, PdfReader(BytesIO(running_pdf)))
    writer.add_metadata({"/Title": str(common.get("title", "")), "/Author": "Cocrea"})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
