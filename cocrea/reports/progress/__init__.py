"""The monthly progress report of a milestone (informe mensual de avance): PDF, XLSX and DOCX.

``build_progress_report(milestone, day, fmt)`` is the one entry point. :mod:`.data` gathers a
:class:`ProgressReport` once from the dashboard's modules; one module per format writes it
(:mod:`.pdf`, :mod:`.xlsx`, :mod:`.docx`), with the words they share in :mod:`.wording`. So the
figures in each format are the same figures, and the same as ``cocrea indicators --format json``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocrea.core.jobs import progress
from cocrea.plans.models import Milestone
from cocrea.reports.progress import docx, pdf, xlsx
from cocrea.reports.progress.data import (
    ActivityRow,
    CurvePoint,
    FindingRow,
    Measure,
    ProgressReport,
    gather,
)
from cocrea.reports.progress.pdf import document
from cocrea.reports.progress.wording import facts, format_value, title

__all__ = [
    "FORMATS",
    "ActivityRow",
    "CurvePoint",
    "FindingRow",
    "Measure",
    "ProgressReport",
    "ReportError",
    "build_progress_report",
    "document",
    "facts",
    "filename",
    "format_value",
    "gather",
    "progress_report_url",
    "report_title",
    "title",
]

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

WRITERS: dict[str, Callable[[ProgressReport], bytes]] = {
    "pdf": pdf.render,
    "xlsx": xlsx.render,
    "docx": docx.render,
}


class ReportError(ValueError):
    """A report that cannot be built as asked (an unknown format)."""


def build_progress_report(milestone: Milestone, day: date, fmt: str) -> bytes:
    """The monthly progress report of ``milestone`` at the end of ``day`` as ``pdf``, ``xlsx`` or ``docx``."""
    if fmt not in WRITERS:
        raise ReportError(
            _("Formato desconocido: %(format)s (se esperaba pdf, xlsx o docx).") % {"format": fmt}
        )
    progress(0, 2, _("Reuniendo los datos"))
    report = gather(milestone, day)
    progress(1, 2, _("Escribiendo el archivo %(format)s") % {"format": fmt.upper()})
    data = WRITERS[fmt](report)
    progress(2, 2, _("Listo"))
    return data


def report_title(milestone: Milestone) -> str:
    """The report's title without gathering it (the waiting page's heading)."""
    return _("Informe mensual de avance: compromiso %(commitment)s, hito %(milestone)s") % {
        "commitment": milestone.commitment.number,
        "milestone": milestone.number,
    }


def progress_report_url(milestone: Milestone, day: date, fmt: str) -> str:
    """The report's address: ``…/tablero/informe.pdf?fecha=2019-12-31``."""
    commitment = milestone.commitment
    kwargs = {
        "plan": commitment.action_plan.slug,
        "number": commitment.number,
        "milestone": milestone.number,
        "fmt": fmt,
    }
    return f"{reverse('portal:progress_report', kwargs=kwargs)}?fecha={day.isoformat()}"


def filename(milestone: Milestone, day: date, fmt: str) -> str:
    """``informe-avance-c11-h1-2019-12-31.pdf``."""
    commitment = slugify(milestone.commitment.number) or "0"
    number = slugify(milestone.number) or "0"
    return f"informe-avance-c{commitment}-h{number}-{day.isoformat()}.{fmt}"
