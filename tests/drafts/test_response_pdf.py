"""The response report's PDF: made on request and kept while the report is unchanged; too large a
report is prepared by the daily job (or ``cocrea report responses``) instead of while one waits."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.reports import responses

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
    first = client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    assert client.get(url).content == first.content
    assert renders == [v1.pk]
    # A changed response makes a new one.
    answered = Contribution.objects.filter(version=v1, parent=None).first()
    respond_to_contribution(
        answered, "out_of_scope", "Otra razón.", by=staff, expected_version=answered.response.edit_version
    )
    assert client.get(url).status_code == 200
    assert renders == [v1.pk, v1.pk]
    # English is another document.
    client.cookies["django_language"] = "en"
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(renders) == 3


def test_a_large_report_is_prepared_by_the_daily_job(client, sample, renders, monkeypatch):
    monkeypatch.setattr(responses, "MADE_ON_REQUEST", 10)
    v1 = sample.versions[0]
    waiting = client.get(v1.get_report_pdf_url())
    assert waiting.status_code == 503 and waiting["Retry-After"] == "3600"
    assert "se prepara fuera de línea" in waiting.content.decode()
    assert renders == []
    out = StringIO()
    call_command("daily", stdout=out)
    assert "informes de respuestas grandes preparados" in out.getvalue()
    assert sorted(renders) == sorted([v1.pk, v1.pk, sample.versions[1].pk, sample.versions[1].pk])  # es, en
    ready = client.get(v1.get_report_pdf_url())
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")


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
