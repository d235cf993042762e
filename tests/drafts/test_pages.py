"""Public co-creation pages: what anyone can read, what participants can do, bounded queries."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from cocrea.drafts.models import AbuseReport, Contribution, Follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant(client, django_user_model):
    user = django_user_model.objects.create_user("pepa", "pepa@example.org", "x")
    client.force_login(user)
    return user


def test_documents_page_lists_the_strategy(client, sample, milestone):
    commitment = milestone.commitment
    url = reverse("drafts:documents", args=[commitment.action_plan.slug, commitment.number, milestone.number])
    page = client.get(url).content.decode()
    assert "Estrategia Nacional de Innovación en la Gestión Pública" in page
    assert page.count("Consulta cerrada") == 2 and "Abierta a consulta" in page
    # The milestone's tabs lead there.
    assert url in client.get(milestone.get_absolute_url()).content.decode()


def test_documents_page_for_staff_links_their_screen(staff_client, sample, milestone):
    """It answered 500 to every editor, coordinator and administrator (a URL name that did not
    exist): the staff link now leads to the milestone's documents screen."""
    commitment = milestone.commitment
    url = reverse("drafts:documents", args=[commitment.action_plan.slug, commitment.number, milestone.number])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert reverse("drafts_staff:milestone", args=[milestone.pk]) in response.content.decode()


def test_version_page_shows_text_counts_and_no_private_data(client, sample, django_assert_max_num_queries):
    url = sample.versions[0].get_absolute_url()
    with django_assert_max_num_queries(8):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Entendemos la innovación pública" in page
    assert "Informe de respuestas" in page
    assert "@ejemplo.org" not in page  # emails never appear
    assert "Ana Lucía P." in page or "Participante" in page


def test_version_page_queries_do_not_grow_with_contributions(client, sample, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    v1 = sample.versions[0]
    url = v1.get_absolute_url()
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    person = Contribution.objects.first().person
    extra = [Contribution(version=v1, person=person, text=f"más {i}") for i in range(40)]
    Contribution.objects.bulk_create(extra)
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_paragraph_page_history_threads_and_responses(client, sample, django_assert_max_num_queries):
    v2 = sample.versions[1]
    url = v2.paragraphs.get(position=1).get_absolute_url()
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "Este párrafo en cada versión" in page
    assert page.count("Borrador 1") >= 1 and "Borrador 3" in page
    assert "Respuesta:" in page


def test_draft_versions_are_not_public(client, sample, staff):
    from cocrea.computations.drafttext import parse_markdown
    from cocrea.drafts.services import create_version

    draft = create_version(sample.document, parse_markdown("# T\n\n## S\n\nSecreto en redacción."), by=staff)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Secreto" not in client.get(sample.document.get_absolute_url()).content.decode()


def test_contribute_through_the_page(client, sample, participant):
    v3 = sample.versions[2]
    paragraph = v3.paragraphs.get(position=3)
    page = client.get(paragraph.get_absolute_url()).content.decode()
    assert "Enviar aporte" in page
    response = client.post(
        v3.get_contribute_url(),
        {
            "paragraph": str(paragraph.key),
            "kind": "proposal",
            "text": "Más claro",
            "proposed_text": "Nuevo texto",
        },
    )
    assert response.status_code == 302
    created = Contribution.objects.get(text="Más claro")
    assert (
        created.paragraph == paragraph and created.kind == "proposal" and created.person.user == participant
    )
    assert response["Location"].endswith(f"#aporte-{created.pk}")
    # A reply in the thread, and a comment on a section.
    client.post(v3.get_contribute_url(), {"parent": str(created.pk), "text": "De acuerdo"})
    assert created.replies.count() == 1
    section = v3.sections.get(position=2)
    client.post(v3.get_contribute_url(), {"section": str(section.key), "text": "Sobre la sección"})
    assert Contribution.objects.get(text="Sobre la sección").section == section
    # Empty text: an error, nothing saved.
    before = Contribution.objects.count()
    client.post(v3.get_contribute_url(), {"paragraph": str(paragraph.key), "text": "  "})
    assert Contribution.objects.count() == before
    # A proposal without its wording: the error on the same page, and what was typed is kept.
    response = client.post(
        v3.get_contribute_url(),
        {
            "paragraph": str(paragraph.key),
            "kind": "proposal",
            "text": "Texto que no se pierde",
            "proposed_text": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Su aporte no se publicó todavía" in page and "Texto que no se pierde" in page
    assert 'value="proposal" checked' in page
    assert Contribution.objects.count() == before


def test_closed_version_refuses_contributions(client, sample, participant):
    v1 = sample.versions[0]
    before = Contribution.objects.count()
    client.post(v1.get_contribute_url(), {"text": "Tarde"})
    assert Contribution.objects.count() == before
    assert "Enviar aporte" not in client.get(v1.get_absolute_url()).content.decode()


def test_anonymous_cannot_contribute(client, sample):
    v3 = sample.versions[2]
    response = client.post(v3.get_contribute_url(), {"text": "Anónimo"})
    assert response.status_code == 302 and "/cuenta/" in response["Location"]
    assert not Contribution.objects.filter(text="Anónimo").exists()


def test_report_abuse_and_follow(client, sample, participant):
    target = Contribution.objects.filter(version=sample.versions[2]).first() or Contribution.objects.first()
    client.post(reverse("drafts:report_abuse", args=[target.pk]), {"reason": "Spam"})
    assert AbuseReport.objects.filter(contribution=target, reporter=participant).exists()
    client.post(sample.document.get_follow_url())
    assert Follow.objects.filter(user=participant, document=sample.document).exists()
    client.post(sample.document.get_follow_url(), {"action": "unfollow"})
    assert not Follow.objects.filter(user=participant).exists()


def test_hidden_contribution_shows_reason_not_text(client, sample):
    hidden = Contribution.objects.exclude(hidden_at=None).get()
    url = hidden.paragraph.get_absolute_url() if hidden.paragraph_id else hidden.version.get_absolute_url()
    assert hidden.text not in client.get(url).content.decode()
    report = client.get(hidden.version.get_report_url() + "?pagina=1").content.decode()
    for html in (report,):
        assert "Incluía datos personales de un tercero." in html
    assert hidden.text not in report


def test_compare_marks_words_and_links_contributions(client, sample, django_assert_max_num_queries):
    url = sample.document.get_compare_url() + "?de=1&a=2"
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "<ins>" in page and "Aportes que llevaron a este cambio" in page
    assert "Párrafos movidos" in page
    assert "municipalidades" in page


def test_response_report_web_and_pdf(client, sample):
    from pypdf import PdfReader

    v1 = sample.versions[0]
    page = client.get(v1.get_report_url()).content.decode()
    assert "Informe de respuestas" in page and ">36<" in page
    from tests.reports.fetch import fetch_report

    response = fetch_report(client, v1.get_report_pdf_url())
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "Aceptado en parte" in text and "Fuera de alcance" in text
    assert "@ejemplo.org" not in text


def test_response_report_queries_do_not_grow(client, sample, django_assert_max_num_queries):
    """Document, versions, summary (which counts the pager too), contributions, replies, the
    paragraphs carrying the responses: six queries whatever the number of contributions."""
    v1 = sample.versions[0]
    url = v1.get_report_url()
    with django_assert_max_num_queries(6):
        client.get(url)
    person = Contribution.objects.first().person
    parent = Contribution.objects.filter(version=v1, parent=None).first()
    Contribution.objects.bulk_create(
        [Contribution(version=v1, person=person, text=f"más {i}") for i in range(40)]
        + [Contribution(version=v1, person=person, parent=parent, text=f"réplica {i}") for i in range(5)]
    )
    with django_assert_max_num_queries(6):
        page = client.get(url).content.decode()
    assert "más 39" in page and "réplica 4" in page


def test_carried_paragraph_in_a_version_the_visitor_cannot_read_still_links(client, sample, staff):
    """A response carried into a version being written: its link is read in one more query."""
    from cocrea.computations.drafttext import parse_markdown
    from cocrea.drafts.models import Response
    from cocrea.drafts.services import create_version

    draft = create_version(sample.document, parse_markdown("# T\n\n## S\n\nEn redacción."), by=staff)
    response = Response.objects.filter(contribution__version=sample.versions[0]).first()
    carried = draft.paragraphs.get()
    response.resulting_paragraphs.add(carried)
    page = client.get(sample.versions[0].get_report_url()).content.decode()
    carried.version = draft
    assert carried.get_absolute_url() in page


def test_author_line_read_in_the_row_follows_the_person_and_consents(sample):
    """``queries.threads()`` reads the author line in the contribution's row: the same names as
    the person and their consents give, after a withdrawal and an anonymisation too."""
    from django.utils import timezone

    from cocrea.drafts import queries
    from cocrea.participation.models import Consent, Person

    def names():
        rows = {c.pk: c.author_name for c in queries.threads()}
        plain = {c.pk: c.author_name for c in Contribution.objects.select_related("person")}
        assert rows == plain
        return set(rows.values())

    shown = names()
    assert "Participante" in shown and len(shown) > 2
    named = Person.objects.filter(consents__purpose="public_name").exclude(display_name="").first()
    Consent.objects.filter(person=named).update(withdrawn_at=timezone.now())
    assert named.display_name not in names()
    Person.objects.filter(pk=Contribution.objects.first().person_id).update(anonymised_at=timezone.now())
    assert "Participante eliminado" in names()


def test_catalogue_pages(client, sample):
    from cocrea.catalogue.models import Entry

    page = client.get(reverse("catalogue:entries")).content.decode()
    assert "Ley de Acceso a la Información Pública" in page
    norm = Entry.objects.get(number="Decreto 57-2008")
    page = client.get(norm.get_absolute_url()).content.decode()
    assert page.count("párrafo") >= 3  # applied in drafts 1, 2 and 3


def test_english_pages(client, sample):
    client.cookies["django_language"] = "en"
    page = client.get(sample.versions[0].get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Response report" in page or "Informe de respuestas" in page


def test_general_comments_page_apart_from_the_text(client, sample):
    v1 = sample.versions[0]
    person = Contribution.objects.first().person
    Contribution.objects.bulk_create(
        [Contribution(version=v1, person=person, text=f"General número {i:02d}") for i in range(30)]
    )
    url = v1.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Entendemos la innovación pública" in first  # the text's first page
    assert "General número 00" in first and "General número 29" not in first
    second = client.get(url + "?aportes=2").content.decode()
    assert "Entendemos la innovación pública" in second  # still the text's first page
    assert "General número 29" in second and "General número 00" not in second
