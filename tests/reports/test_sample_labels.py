""" "Datos de ejemplo" only on sample objects, and on every report made from sample data.

The demo's sample co-creation (``cocrea.drafts.sample``) marks its document as sample data; a
document that staff create on the same milestone, even one whose execution is the sample's, is
real and carries no label, on its pages or in its response report. The progress reports say it
when the milestone's execution is the sample's, in each format, and not otherwise.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.utils import timezone
from docx import Document as Docx
from openpyxl import load_workbook
from pypdf import PdfReader

from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts.services import create_document, create_version, transition_version
from cocrea.plans.sample import load_sample_execution
from cocrea.reports.progress import build_progress_report
from cocrea.reports.responses import render_pdf
from tests.reports.fetch import report_bytes

pytestmark = pytest.mark.django_db

LABEL = "Datos de ejemplo"
DAY = date(2019, 12, 15)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def staff_document(milestone, staff):  # type: ignore[no-untyped-def]
    """A document staff write on the seed's milestone, its first version open for comments."""
    document = create_document(milestone, "Marco conceptual de innovación")
    version = create_version(
        document, parse_markdown("# Marco\n\nUn párrafo del marco conceptual.\n"), by=staff, source="marco.md"
    )
    now = timezone.now()
    transition_version(version, "open", opens_at=now, closes_at=now + timedelta(days=30))
    version.refresh_from_db()
    return version


def test_the_sample_document_is_marked_and_a_staff_document_is_not(
    client, sample_cocreation, milestone, staff_document
):
    load_sample_execution(milestone)  # the milestone's execution is the sample's too
    sample_version = sample_cocreation.versions[0]
    assert sample_version.document.sample
    assert not staff_document.document.sample

    for url in (sample_version.document.get_absolute_url(), sample_version.get_absolute_url()):
        assert LABEL in client.get(url).content.decode(), url
    for url in (
        staff_document.document.get_absolute_url(),
        staff_document.get_absolute_url(),
        staff_document.paragraphs.first().get_absolute_url(),
        staff_document.get_report_url(),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert LABEL not in page.content.decode(), url


def test_the_response_report_pdf_says_sample_data_only_for_the_sample(sample_cocreation, staff_document):
    sample_text = pdf_text(render_pdf(sample_cocreation.versions[0]))
    assert LABEL in sample_text
    assert "demostración" in sample_text

    real_text = pdf_text(render_pdf(staff_document))
    assert "Informe de respuestas" in real_text
    assert LABEL not in real_text


def test_the_response_report_pdf_served_for_download_carries_the_notice(client, sample_cocreation):
    pdf = report_bytes(client, sample_cocreation.versions[0].get_report_pdf_url())
    assert LABEL in pdf_text(pdf)


def progress_texts(milestone) -> dict[str, str]:  # type: ignore[no-untyped-def]
    texts = {"pdf": pdf_text(build_progress_report(milestone, DAY, "pdf"))}
    docx = Docx(io.BytesIO(build_progress_report(milestone, DAY, "docx")))
    texts["docx"] = "\n".join(p.text for p in docx.paragraphs)
    book = load_workbook(io.BytesIO(build_progress_report(milestone, DAY, "xlsx")))
    facts = {row[0]: row[1] for row in book["Informe"].iter_rows(values_only=True) if row and row[0]}
    texts["xlsx"] = f"{LABEL}: {facts[LABEL]}"
    return texts


def test_progress_reports_say_sample_data_in_every_format_only_when_it_is(milestone):
    real = progress_texts(milestone)
    assert LABEL not in real["pdf"]
    assert LABEL not in real["docx"]
    assert real["xlsx"] == f"{LABEL}: No"

    load_sample_execution(milestone)
    milestone.refresh_from_db()
    sample = progress_texts(milestone)
    assert LABEL in sample["pdf"]
    assert "demostración" in sample["pdf"]
    assert LABEL in sample["docx"]
    assert sample["xlsx"] == f"{LABEL}: Sí"
