"""What the reports share whatever their format: text that XML can hold, the page-number sentence,
and the PDF engine.

The PDFs (the progress report, the response report) are HTML pages printed by WeasyPrint:
:func:`render_page` fills a template, :func:`write_pdf` prints it, and nothing is fetched from
outside while printing. The XLSX and DOCX writers use :func:`xml_text` and :func:`page_of_pages`.
"""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Characters that XML 1.0 (and so XLSX and DOCX) cannot hold.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Stand-ins for the two numbers in the page-number sentence.
PAGE = "\x00page\x00"
PAGES = "\x00pages\x00"


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (control characters have no glyph either)."""
    return NOT_XML.sub("", text)


def page_of_pages() -> list[str]:
    """«Página 1 de 9» from one whole translated sentence, in parts: text, :data:`PAGE`, :data:`PAGES`."""
    sentence = _("Página %(page)s de %(pages)s") % {"page": PAGE, "pages": PAGES}
    return [part for part in re.split(f"({PAGE}|{PAGES})", sentence) if part]


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter() -> SafeString:
    """The sentence as CSS ``content``: ``"Página " counter(page) " de " counter(pages)``."""
    counters = {PAGE: "counter(page)", PAGES: "counter(pages)"}
    css = " ".join(counters.get(part) or _css_string(part) for part in page_of_pages())
    return mark_safe(css)  # noqa: S308 - our own CSS: the translated text is a quoted, escaped string


def render_page(template: str, context: dict[str, Any]) -> str:
    """A report's HTML page for printing, with the page-number sentence and the language."""
    html = render_to_string(
        template, {**context, "page_counter": page_counter(), "language": get_language() or "es"}
    )
    # Control characters from stored text have no glyph and garble the PDF's text layer.
    return xml_text(html)


def printable(html: str) -> Any:
    """A WeasyPrint document that fetches nothing: the stylesheet and the chart are inline."""
    # lazy: WeasyPrint takes about a second to import; only PDF requests pay it
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))


def write_pdf(html: str) -> bytes:
    return printable(html).write_pdf()  # type: ignore[no-any-return]
