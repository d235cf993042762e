"""The hostile corpus in co-creation: drafts (Markdown and DOCX), comments, proposals, replies,
moderation reasons, responses and catalogue entries never become executable on any page, in the
response report or in the comparison."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cocrea.audit.context import acting_as
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services
from tests.security.hostile import corpus, executable_markup

pytestmark = pytest.mark.django_db


def hostile_markdown(payloads: list[str]) -> str:
    blocks = ["# Estrategia <script>alert(1)</script>"]
    for n, payload in enumerate(payloads):
        if n % 8 == 0:
            blocks.append(f"## Sección {payload}")
        blocks.append(f"Párrafo {n}: {payload} [enlace]({payload}) **{payload}**")
    return "\n\n".join(blocks)


@pytest.mark.slow
def test_hostile_drafts_and_contributions_are_inert(client, staff, milestone, django_user_model):
    from cocrea.catalogue.services import apply_entry, create_entry
    from cocrea.participation.services import person_for_user

    payloads = corpus(200)
    now = timezone.now()
    with acting_as(staff, "web"):
        document = services.create_document(milestone, payloads[0])
        first = services.create_version(document, parse_markdown(hostile_markdown(payloads[:100])), by=staff)
        second = services.create_version(
            document, parse_markdown(hostile_markdown(payloads[50:150])), by=staff
        )
        services.transition_version(first, "open", opens_at=now, closes_at=now + timedelta(days=5))
        person = person_for_user(django_user_model.objects.create_user("h", "h@example.org", "x"))
        person.display_name = payloads[3]
        person.save()
        paragraphs = list(first.paragraphs.all())
        made = []
        for n, payload in enumerate(payloads):
            paragraph = paragraphs[n % len(paragraphs)]
            if n % 3 == 0:
                made.append(
                    services.contribute(
                        first, person, payload, kind="proposal", paragraph=paragraph, proposed_text=payload
                    )
                )
            else:
                made.append(services.contribute(first, person, payload, paragraph=paragraph))
        services.contribute(first, person, payloads[7], parent=made[0])
        services.hide_contribution(made[1], by=staff, reason=payloads[9])
        services.transition_version(first, "closed")
        carried = list(second.paragraphs.all()[:2])
        for n, contribution in enumerate(made[:60]):
            services.respond_to_contribution(
                contribution, "accepted", payloads[n], by=staff, resulting_paragraphs=carried
            )
        entry = create_entry(kind="norm", name=payloads[11][:300], issuer=payloads[12][:300], number="x")
        apply_entry(entry, paragraphs[0], by=staff)
        services.transition_version(second, "open", opens_at=now, closes_at=now + timedelta(days=5))
    urls = [
        document.get_absolute_url(),
        first.get_absolute_url(),
        second.get_absolute_url(),
        paragraphs[0].get_absolute_url(),
        paragraphs[1].get_absolute_url(),
        first.get_report_url(),
        document.get_compare_url() + "?de=1&a=2",
        reverse("catalogue:entries"),
        entry.get_absolute_url(),
    ]
    problems = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += [(url, p) for p in executable_markup(response.content.decode())]
    assert problems == []
    # The PDF carries the text as text.
    from pypdf import PdfReader

    from tests.reports.fetch import report_bytes

    pdf = report_bytes(client, first.get_report_pdf_url())
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "alert(1)" in text.replace("\x00", "")  # shown as typed, not run


def test_hostile_docx_runs_are_inert(client, staff, milestone):
    import docx

    # Word files cannot hold control characters: those payloads are for the other tests.
    payloads = [p for p in corpus(60) if all(ch >= " " or ch in "\t\n" for ch in p)][:40]
    document = docx.Document()
    document.core_properties.title = "Marco <script>alert(1)</script>"
    for n, payload in enumerate(payloads):
        if n % 10 == 0:
            document.add_heading(payload, level=1)
        paragraph = document.add_paragraph(payload)
        paragraph.add_run(payload).bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    with acting_as(staff, "web"):
        outcome = services.import_draft(milestone, buffer.getvalue(), by=staff, filename="h.docx")
    version = outcome.version
    for url in (version.get_absolute_url(), version.paragraphs.first().get_absolute_url()):
        html = client.get(url).content.decode()
        assert executable_markup(html) == []
