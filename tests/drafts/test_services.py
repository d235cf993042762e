"""Co-creation services: the version workflow, text revisions keeping identities, contributions,
moderation, responses, follows and emails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cocrea.audit.models import AuditEntry
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services
from cocrea.drafts.models import Contribution, DocumentVersion, Paragraph
from cocrea.drafts.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

TEXT = """# Marco conceptual

## Innovación

La innovación pública genera valor público para la ciudadanía guatemalteca.

El Estado aprende de sus propios servicios y de quienes los usan.

## Participación

La participación ciudadana es parte de cada etapa del ciclo de la política pública.
"""


@pytest.fixture
def document(milestone):
    return services.create_document(milestone, "Marco conceptual")


@pytest.fixture
def version(document, staff):
    return services.create_version(document, parse_markdown(TEXT), by=staff)


def open_(version, days=10):
    now = timezone.now()
    return services.transition_version(version, "open", opens_at=now, closes_at=now + timedelta(days=days))


@pytest.fixture
def person(django_user_model):
    from cocrea.participation.services import person_for_user

    user = django_user_model.objects.create_user("lucia", "lucia@example.org", "x")
    return person_for_user(user)


def test_document_kind_and_title(document):
    assert document.kind == "framework"
    assert document.slug == "marco-conceptual"
    assert services.find_document(document.milestone, "  MARCO   conceptual ") == document


def test_version_structure(version):
    assert version.number == 1 and version.label == "Borrador 1" and version.state == "draft"
    assert [s.title for s in version.sections.all()] == ["Innovación", "Participación"]
    assert [(p.section.title, p.number) for p in version.paragraphs.select_related("section")] == [
        ("Innovación", 1),
        ("Innovación", 2),
        ("Participación", 1),
    ]
    assert "<p>" in version.paragraphs.first().html


def test_next_version_keeps_identities_and_catalogue(version, staff):
    from cocrea.catalogue.models import Application
    from cocrea.catalogue.services import apply_entry, create_entry

    entry = create_entry(kind="concept", name="Valor público")
    first = version.paragraphs.get(position=1)
    apply_entry(entry, first, by=staff)
    changed = TEXT.replace(
        "para la ciudadanía guatemalteca", "para la ciudadanía guatemalteca y sus comunidades"
    )
    changed = changed.replace(
        "## Participación", "## Participación ciudadana\n\nUn párrafo nuevo sobre la consulta."
    )
    second = services.create_version(version.document, parse_markdown(changed), by=staff)
    assert second.number == 2
    carried = second.paragraphs.get(key=first.key)
    assert "comunidades" in carried.text
    assert Application.objects.filter(entry=entry, paragraph=carried).exists()  # carried along
    old_keys = set(version.paragraphs.values_list("key", flat=True))
    new_keys = list(second.paragraphs.order_by("position").values_list("key", flat=True))
    assert sum(k in old_keys for k in new_keys) == 3 and len(new_keys) == 4
    # The renamed section keeps its identity through its paragraphs.
    assert set(second.sections.values_list("key", flat=True)) == set(
        version.sections.values_list("key", flat=True)
    )


def test_revise_draft_keeps_keys_and_refuses_after_opening(version):
    keys = list(version.paragraphs.order_by("position").values_list("key", flat=True))
    moved = TEXT.replace(
        "La innovación pública genera valor público para la ciudadanía guatemalteca.\n\n"
        "El Estado aprende de sus propios servicios y de quienes los usan.",
        "El Estado aprende de sus propios servicios y de quienes los usan.\n\n"
        "La innovación pública genera valor público para la ciudadanía guatemalteca.",
    )
    services.revise_draft(version, moved, expected_version=version.edit_version)
    assert list(version.paragraphs.order_by("position").values_list("key", flat=True)) == [
        keys[1],
        keys[0],
        keys[2],
    ]
    assert version.markdown == moved
    from cocrea.core.versioning import StaleEdit

    with pytest.raises(StaleEdit):
        services.revise_draft(version, TEXT, expected_version=1)
    open_(version)
    with pytest.raises(ValidationError):
        services.revise_draft(version, TEXT)


def test_workflow_is_data_and_enforced(version):
    assert TRANSITIONS["approved"] == frozenset()
    with pytest.raises(ValidationError, match="cierre"):
        services.transition_version(version, "open")
    with pytest.raises(ValidationError):
        services.transition_version(version, "closed")  # draft cannot close
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.transition_version(version, "open", opens_at=now, closes_at=now - timedelta(hours=1))
    open_(version)
    version.refresh_from_db()
    assert version.state == "open"
    services.transition_version(version, "closed")
    services.transition_version(version, "approved")
    with pytest.raises(ValidationError):
        services.transition_version(version, "open", closes_at=now + timedelta(days=3))
    states = [
        e.changes.get("state")
        for e in AuditEntry.objects.filter(object_id=str(version.pk), content_type__model="documentversion")
    ]
    assert any(states), "every workflow step is audited"


def test_only_one_open_version_per_document(version, staff):
    open_(version)
    second = services.create_version(version.document, parse_markdown(TEXT), by=staff)
    with pytest.raises(ValidationError, match="Otra versión"):
        open_(second)


def test_contribute_rules(version, person):
    paragraph = version.paragraphs.first()
    with pytest.raises(ValidationError, match="no está abierta"):
        services.contribute(version, person, "Hola", paragraph=paragraph)
    open_(version)
    comment = services.contribute(version, person, "Comentario", paragraph=paragraph)
    assert comment.kind == "comment" and comment.paragraph == paragraph
    with pytest.raises(ValidationError):
        services.contribute(version, person, "   ", paragraph=paragraph)
    with pytest.raises(ValidationError):
        services.contribute(version, person, "Propuesta sin párrafo", kind="proposal")
    with pytest.raises(ValidationError):
        services.contribute(version, person, "Sin texto propuesto", kind="proposal", paragraph=paragraph)
    proposal = services.contribute(
        version, person, "Mejor así", kind="proposal", paragraph=paragraph, proposed_text="Texto nuevo"
    )
    assert proposal.proposed_text == "Texto nuevo"
    reply = services.contribute(version, person, "Respuesta", parent=comment)
    assert reply.paragraph == paragraph
    with pytest.raises(ValidationError, match="primer nivel"):
        services.contribute(version, person, "Dos niveles", parent=reply)
    from cocrea.plans.models import Organization

    with pytest.raises(ValidationError):  # does not represent it
        services.contribute(version, person, "En nombre", organization=Organization.objects.first())


def test_closed_by_date_even_without_the_nightly_job(version, person):
    open_(version)
    DocumentVersion.objects.filter(pk=version.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    version.refresh_from_db()
    with pytest.raises(ValidationError):
        services.contribute(version, person, "Tarde")
    assert services.close_due_consultations() == 1
    version.refresh_from_db()
    assert version.state == "closed"


def test_moderation(version, person, staff, django_user_model):
    open_(version)
    comment = services.contribute(version, person, "Texto ofensivo")
    reporter = django_user_model.objects.create_user("otro", "otro@example.org", "x")
    services.report_abuse(comment, reporter, "Insulta")
    services.report_abuse(comment, reporter, "Otra vez")  # once per person
    assert comment.reports.count() == 1
    with pytest.raises(ValidationError):
        services.hide_contribution(comment, by=staff, reason=" ")
    services.hide_contribution(comment, by=staff, reason="Lenguaje ofensivo")
    comment.refresh_from_db()
    assert comment.hidden_at and comment.hidden_reason == "Lenguaje ofensivo"
    assert comment.reports.filter(resolved_at=None).count() == 0
    services.restore_contribution(comment)
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_response_rules_links_and_email(version, person, staff):
    open_(version)
    paragraph = version.paragraphs.first()
    comment = services.contribute(version, person, "Cambiar", paragraph=paragraph)
    with pytest.raises(ValidationError):
        services.respond_to_contribution(comment, "accepted", "", by=staff)
    with pytest.raises(ValidationError):  # a paragraph of the same version is not a resulting change
        services.respond_to_contribution(
            comment, "accepted", "Sí", by=staff, resulting_paragraphs=[paragraph]
        )
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        services.respond_to_contribution(
            comment, "not_accepted", "No", by=staff, resulting_paragraphs=[paragraph]
        )
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = services.respond_to_contribution(comment, "accepted", "Se incorpora.", by=staff)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lucia@example.org"]
    assert "Aceptado" in mail.outbox[0].body
    services.transition_version(version, "closed")
    second = services.create_version(version.document, parse_markdown(TEXT), by=staff)
    carried = Paragraph.objects.get(version=second, key=paragraph.key)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.respond_to_contribution(
            comment,
            "accepted",
            "Se incorpora.",
            by=staff,
            resulting_paragraphs=[carried],
            expected_version=response.edit_version,
        )
    assert list(comment.response.resulting_paragraphs.all()) == [carried]
    assert len(mail.outbox) == 1  # an edited response does not email again
    reply = Contribution.objects.create(version=version, person=person, text="r", parent=comment)
    with pytest.raises(ValidationError):
        services.respond_to_contribution(reply, "accepted", "x", by=staff)


def test_followers_hear_of_opening_and_closing(version, staff, django_user_model):
    from django.test import TestCase

    follower = django_user_model.objects.create_user("sigue", "sigue@example.org", "x")
    services.follow_document(version.document, follower)
    services.follow_document(version.document, follower)
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        open_(version, days=1)
    assert [m.to for m in mail.outbox] == [["sigue@example.org"]]
    assert "Borrador 1" in mail.outbox[0].subject
    mail.outbox.clear()
    assert services.send_closing_reminders() == 1
    assert services.send_closing_reminders() == 0  # once
    assert "cierra" in mail.outbox[0].subject
    services.unfollow_document(version.document, follower)
    assert not version.document.followers.exists()


def test_a_very_long_heading_fits(document, staff):
    """Word lets a heading run for pages; the section title is cut to its column (PostgreSQL)."""
    long = "Título " * 200
    version = services.create_version(document, parse_markdown(f"## {long}\n\nTexto.\n"), by=staff)
    title = version.sections.get().title
    assert len(title) == 500 and title.endswith("…")
