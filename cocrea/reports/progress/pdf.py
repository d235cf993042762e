"""The progress report as a PDF: the HTML template ``reports/progress.html`` printed on A4 with page
numbers, the S-curve drawn as inline SVG; nothing is fetched from outside while printing."""

from __future__ import annotations

from cocrea.reports.printing import render_page, write_pdf
from cocrea.reports.progress.data import ProgressReport
from cocrea.reports.progress.wording import facts, title


def render_html(report: ProgressReport) -> str:
    """The report as the HTML page that is printed."""
    return render_page(
        "reports/progress.html", {"report": report, "title": title(report), "facts": facts(report)}
    )


def render(report: ProgressReport) -> bytes:
    return write_pdf(render_html(report))
