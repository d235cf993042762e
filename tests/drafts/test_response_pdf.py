"""The response report's PDF: made by a worker when asked for and kept while the report is
unchanged; a large report is also prepared in advance by the daily job (or ``cocrea report
responses``)."""

from __future__ import annotations

import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.reports import responses
from tests.reports.fetch import fetch_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def renders(monkeypatch):
    made: list[int] = []
    real = responses.render_pdf

    def counting(version):
        made.append(version.pk)
        return real(version)

    monkeypatch.setattr(responses, "render_pdf", counting)
    return made


def test_made_once_then_kept_until_the_report_changes(client, sample, renders, staff):
    from cocrea.drafts.models import Contribution
    from cocrea.drafts.services import respond_to_contribution

    v1 = sample.versions[0]
    url = v1.get_report_pdf_url()
    first = b"".join(fetch_report(client, url).streaming_content)
    assert first.startswith(b"%PDF")
    assert b"".join(client.get(url).streaming_content) == first
    assert renders == [v1.pk]
    # A changed response makes a new one.
    answered = Contribution.objects.filter(version=v1, parent=None).first()
    respond_to_contribution(
        answered, "out_of_scope", "Otra razón.", by=staff, expected_version=answered.response.edit_version
    )
    assert fetch_report(client, url).status_code == 200
    assert renders == [v1.pk, v1.pk]
    # English is another document.
    client.cookies["django_language"] = "en"
    fetch_report(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(renders) == 3


def test_a_large_report_is_prepared_by_the_daily_job(client, sample, renders, monkeypatch):
    monkeypatch.setattr(responses, "PREPARED_IN_ADVANCE", 10)
    v1 = sample.versions[0]
    waiting = client.get(v1.get_report_pdf_url())  # a worker would build it (not run here)
    assert waiting.status_code == 503 and int(waiting["Retry-After"]) > 0
    assert "Se está preparando el PDF" in waiting.content.decode()
    assert renders == []
    out = StringIO()
    call_command("daily", stdout=out)
    assert "informes de respuestas grandes preparados" in out.getvalue()
    assert sorted(renders) == sorted([v1.pk, v1.pk, sample.versions[1].pk, sample.versions[1].pk])  # es, en
    ready = client.get(v1.get_report_pdf_url())
    assert ready.status_code == 200 and b"".join(ready.streaming_content).startswith(b"%PDF")


def test_report_responses_command(sample, tmp_path):
    target = tmp_path / "respuestas.pdf"
    out = StringIO()
    call_command(
        "report", "responses", "--document-version", str(sample.versions[0].pk), "-o", str(target), stdout=out
    )
    assert target.read_bytes().startswith(b"%PDF")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report", "responses", "--document-version", "999999", "-o", str(tmp_path / "x.pdf"))


# -- typeset by Typst: long reports in parts, hostile text -----------------------------------------


def pdf_pages(data: bytes) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(data)).pages]


def test_a_long_report_is_typeset_in_parts_and_numbered_as_one(sample, monkeypatch):
    """In parts of a few contributions (as 10,000 would be in parts of 1,000), each typeset in a
    process of its own, then joined: every contribution is there once, in order, and every page
    says «Página n de N» with the joined document's numbers; the header runs from page 2."""
    from cocrea.core.jobs import reporting_to
    from cocrea.drafts import queries
    from cocrea.reports import printing

    v1 = sample.versions[0]
    whole = pdf_pages(responses.render_pdf(v1))
    monkeypatch.setattr(printing, "PART_ITEMS", 5)
    heard: list[int] = []
    with reporting_to(lambda percent, message: heard.append(percent)):
        parted = pdf_pages(responses.render_pdf(v1))
    total = len(parted)
    assert total >= 3
    for number, text in enumerate(parted, start=1):
        assert f"Página {number} de {total}" in text, number
        assert ("Informe de respuestas: Borrador 1" in text.split("\n")[-2]) == (number > 1) or number == 1
    joined = "\n".join(parted)
    ids = list(queries.report_contributions(v1).values_list("pk", flat=True))
    assert len(ids) > 5 * 3  # several parts
    positions = [joined.index(f"#{pk} ·") for pk in ids]
    assert positions == sorted(positions)  # every contribution, in the report's order
    assert joined.count("Resumen") == 1 and "Datos de ejemplo" in parted[0]
    assert heard[-1] == 100 and heard == sorted(heard) and len(heard) > 2
    # The same entries as the report typeset at once.
    for pk in ids:
        assert f"#{pk} ·" in "\n".join(whole)


def test_hostile_contributions_print_as_text(sample, staff):
    """The security corpus, and Typst's own markup, as contributions: in the PDF as the characters
    they are (compared without white space: long words wrap anywhere)."""
    from cocrea.drafts.models import Contribution
    from cocrea.reports.printing import xml_text
    from tests.security.hostile import corpus

    v1 = sample.versions[0]
    payloads = [
        *corpus(30),
        '#read("/etc/passwd")',
        '#import "/etc/passwd"',
        "#panic(1)",
        "$ x^2 $ *b* `c` <l> @r \\ ] ) }",
    ]
    items = list(Contribution.objects.filter(version=v1, parent=None, hidden_at=None).order_by("pk"))
    assert len(items) >= len(payloads)
    for item, payload in zip(items, payloads, strict=False):
        Contribution.objects.filter(pk=item.pk).update(text=payload)

    def visible(text: str) -> str:  # no white space, no invisible format characters (bidi, ZWSP)
        return "".join(ch for ch in "".join(text.split()) if unicodedata.category(ch) != "Cf")

    printed = visible("".join(pdf_pages(responses.render_pdf(v1))))
    for payload in payloads:
        expected = visible(xml_text(payload))[:80]
        if "\u202e" in payload:  # a right-to-left override shows what it encloses reversed
            expected = expected.replace("evil", "live")
        assert expected in printed, payload
    assert "root:" not in printed


def test_the_report_is_built_by_a_worker_while_its_page_follows_the_build(
    client, sample, renders, django_capture_on_commit_callbacks
):
    """Asked for, the PDF is queued once (not once per request) and built by the worker (at once
    in the tests); the waiting page polls itself, then offers the PDF and starts its download."""
    from cocrea.core.models import Job

    v1 = sample.versions[0]
    url = v1.get_report_pdf_url()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.get(url)
        again = client.get(url)
    assert first.status_code == again.status_code == 503
    page = first.content.decode()
    assert f'hx-get="{url}"' in page and "report-progress" in page and "htmx" in page
    assert v1.get_report_url() in page  # meanwhile, the report on the web
    (job,) = Job.objects.filter(kind=f"responses:{v1.pk}:es")
    assert job.state == Job.State.QUEUED and len(queued) == 1 and renders == []
    polled = client.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and 'id="report-status"' in polled.content.decode()
    for callback in queued:  # the worker takes the task
        callback()
    job.refresh_from_db()
    assert job.state == Job.State.SUCCEEDED and job.percent == 100 and renders == [v1.pk]
    ready = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "El archivo PDF está listo" in ready and f'href="{url}"' in ready and "load delay" not in ready
    assert client.get(url, HTTP_HX_REQUEST="true", HTTP_X_REPORT_DOWNLOAD="1")["HX-Redirect"] == url
    pdf = client.get(url)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert renders == [v1.pk]
