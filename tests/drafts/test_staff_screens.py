"""The staff back office for co-creation: documents, drafts, the workflow, responses, moderation."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cocrea.accounts.models import Role
from cocrea.accounts.services import grant_role
from cocrea.audit.models import AuditEntry
from cocrea.computations.drafttext import parse_markdown
from cocrea.drafts import services
from cocrea.drafts.models import AbuseReport, Contribution, Document, DocumentVersion, Response

pytestmark = pytest.mark.django_db

DRAFT = """# Estrategia de prueba

## Objetivos

La estrategia impulsa la innovación en la gestión pública de todas las instituciones.

Los datos abiertos se publican cada trimestre en formatos reutilizables.

## Acciones

Se capacita a los servidores públicos en métodos de cocreación con la ciudadanía.
"""

SECOND = """# Estrategia de prueba

## Objetivos

La estrategia impulsa la innovación en la gestión pública de todas las instituciones y municipalidades.

Los datos abiertos se publican cada trimestre en formatos reutilizables.

## Acciones

Se capacita a los servidores públicos en métodos de cocreación con la ciudadanía.

Se crea un laboratorio de innovación pública con participación de la academia.
"""


def audited_by(obj, user, action: str | None = None) -> bool:
    entries = AuditEntry.objects.for_object(obj).filter(actor=user)
    if action:
        entries = entries.filter(action=action)
    return entries.exists()


def _login(client, django_user_model, email: str, role: str | None = None, **scope):
    user = django_user_model.objects.create_user(email.split("@")[0], email, "x-Strong-Pass-42")
    if role:
        grant_role(user, role, **scope)
        TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


@pytest.fixture
def document(milestone):
    return services.create_document(milestone, "Estrategia de prueba", kind=Document.Kind.STRATEGY)


@pytest.fixture
def draft(document, staff):
    return services.create_version(document, parse_markdown(DRAFT), by=staff, source="prueba.md")


@pytest.fixture
def opened(draft):
    now = timezone.now()
    services.transition_version(draft, "open", opens_at=now, closes_at=now + timedelta(days=20))
    draft.refresh_from_db()
    return draft


@pytest.fixture
def person(db):
    from cocrea.participation.services import register_person

    return register_person(name="Lucía Pérez", email="lucia@example.org")


@pytest.fixture
def contribution(opened, person):
    paragraph = opened.paragraphs.order_by("position").first()
    return services.contribute(opened, person, "Conviene nombrar a las municipalidades.", paragraph=paragraph)


@pytest.fixture
def moderator(client, django_user_model):
    user = _login(client, django_user_model, "mod@inap.gob.gt", Role.MODERATOR)
    return user


@pytest.fixture
def participant(client, django_user_model):
    return _login(client, django_user_model, "p@example.org")


def _docx(paragraphs: list[tuple[str, str]], title: str = "") -> bytes:
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for style, text in paragraphs:
        if style == "h1":
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- screens render, with bounded queries ------------------------------------------------------


def test_every_screen_renders_for_staff(staff_client, contribution, staff):
    version = contribution.version
    AbuseReport.objects.create(contribution=contribution, reporter=staff, reason="Ofensivo")
    milestone = version.document.milestone
    urls = [
        reverse("drafts_staff:milestone", args=[milestone.pk]),
        reverse("drafts_staff:import_draft", args=[milestone.pk]),
        reverse("drafts_staff:new_version", args=[version.document_id]),
        reverse("drafts_staff:version", args=[version.pk]),
        reverse("drafts_staff:edit_version", args=[version.pk]),
        reverse("drafts_staff:contributions", args=[version.pk]),
        reverse("drafts_staff:respond", args=[contribution.pk]),
        reverse("drafts_staff:moderation", args=[milestone.pk]),
        reverse("drafts_staff:moderation_overview"),
        reverse("drafts_staff:hide", args=[contribution.pk]),
    ]
    for url in urls:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert b'lang="es"' in response.content
    page = staff_client.get(reverse("drafts_staff:milestone", args=[milestone.pk])).content.decode()
    assert "Estrategia de prueba" in page and "Abierta a consulta" in page
    assert reverse("drafts_staff:moderation", args=[milestone.pk]) in page
    overview = staff_client.get(reverse("drafts_staff:moderation_overview")).content.decode()
    assert reverse("drafts_staff:moderation", args=[milestone.pk]) in overview


def test_pages_issue_a_bounded_number_of_queries(
    staff_client, sample, milestone, django_assert_max_num_queries
):
    v1, v2, _v3 = sample.versions
    assert v1.contributions.count() > 30
    hidden = Contribution.objects.exclude(hidden_at=None).first()
    pages = {
        reverse("drafts_staff:milestone", args=[milestone.pk]): 15,
        reverse("drafts_staff:version", args=[v1.pk]): 18,
        reverse("drafts_staff:contributions", args=[v1.pk]): 22,
        reverse("drafts_staff:contributions", args=[v2.pk]) + "?estado=answered": 22,
        reverse("drafts_staff:moderation", args=[milestone.pk]): 16,
        reverse("drafts_staff:moderation_overview"): 12,
        reverse("drafts_staff:respond", args=[hidden.pk]): 16,
    }
    for url, limit in pages.items():
        with django_assert_max_num_queries(limit):
            assert staff_client.get(url).status_code == 200, url


def test_an_editors_pages_stay_bounded(
    client, django_user_model, sample, milestone, django_assert_max_num_queries
):
    _login(client, django_user_model, "ed@inap.gob.gt", Role.EDITOR, milestone=milestone)
    v1 = sample.versions[0]
    for url in (
        reverse("drafts_staff:milestone", args=[milestone.pk]),
        reverse("drafts_staff:version", args=[v1.pk]),
        reverse("drafts_staff:contributions", args=[v1.pk]),
    ):
        with django_assert_max_num_queries(35):
            assert client.get(url).status_code == 200, url


# --- documents and imports ---------------------------------------------------------------------


def test_create_a_document_through_the_screen(staff_client, staff, milestone):
    url = reverse("drafts_staff:create_document", args=[milestone.pk])
    activity = milestone.activities.order_by("position").first()
    response = staff_client.post(
        url,
        {"title": "Marco conceptual", "kind": "framework", "description": "Teorías", "activity": activity.pk},
    )
    assert response.status_code == 302
    document = Document.objects.get(milestone=milestone, title="Marco conceptual")
    assert (document.kind, document.activity, document.slug) == ("framework", activity, "marco-conceptual")
    assert audited_by(document, staff, "create")


def test_a_document_without_title_is_refused(staff_client, milestone):
    response = staff_client.post(
        reverse("drafts_staff:create_document", args=[milestone.pk]), {"title": " ", "kind": "other"}
    )
    assert response.status_code == 400
    assert "Este campo es obligatorio" in response.content.decode()
    assert not Document.objects.exists()


def test_import_a_docx_then_its_next_draft(staff_client, staff, milestone):
    url = reverse("drafts_staff:import_draft", args=[milestone.pk])
    first = _docx(
        [
            ("h1", "Diagnóstico"),
            ("p", "La gestión pública necesita métodos de innovación probados."),
            ("p", "Las instituciones comparten pocos datos entre sí."),
            ("h1", "Propuesta"),
            ("p", "Crear una red de innovadores públicos."),
        ]
    )
    response = staff_client.post(
        url,
        {
            "file": SimpleUploadedFile("marco.docx", first),
            "document_title": "Marco conceptual",
            "label": "",
            "notes": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    document = Document.objects.get(title="Marco conceptual")
    version = document.versions.get()
    assert (version.number, version.state, version.source) == (1, "draft", "marco.docx")
    assert version.paragraphs.count() == 3
    assert response.redirect_chain[-1][0] == reverse("drafts_staff:version", args=[version.pk])
    shown = " ".join(_messages(response))
    assert "Marco conceptual" in shown and "3 párrafos" in shown and "3 nuevos" in shown
    assert audited_by(version, staff, "create") and audited_by(document, staff, "create")

    second = _docx(
        [
            ("h1", "Diagnóstico"),
            ("p", "La gestión pública necesita métodos de innovación probados."),
            ("p", "Las instituciones comparten pocos datos entre sí."),
            ("h1", "Propuesta"),
            ("p", "Crear una red de innovadores públicos en cada ministerio."),
            ("p", "Medir los resultados cada año."),
        ],
        title="Marco conceptual",
    )
    response = staff_client.post(
        url, {"file": SimpleUploadedFile("marco-2.docx", second), "label": "Borrador revisado"}, follow=True
    )
    version2 = document.versions.get(number=2)
    assert version2.label == "Borrador revisado"
    shown = " ".join(_messages(response))
    assert "3 siguen de la versión anterior" in shown and "1 nuevos" in shown


def test_import_a_markdown_upload(staff_client, staff, milestone):
    response = staff_client.post(
        reverse("drafts_staff:import_draft", args=[milestone.pk]),
        {"file": SimpleUploadedFile("estrategia.md", DRAFT.encode()), "notes": "Primera versión"},
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Estrategia de prueba")
    version = document.versions.get()
    assert version.notes == "Primera versión" and version.paragraphs.count() == 3
    assert audited_by(version, staff, "create")


def test_imports_are_rate_limited(staff_client, milestone, monkeypatch):
    from cocrea.drafts.staff import documents

    monkeypatch.setattr(documents, "DRAFT_UPLOADS_PER_HOUR", 1)
    url = reverse("drafts_staff:import_draft", args=[milestone.pk])
    assert staff_client.post(url, {"file": SimpleUploadedFile("a.md", DRAFT.encode())}).status_code == 302
    refused = staff_client.post(url, {"file": SimpleUploadedFile("b.md", SECOND.encode())})
    assert refused.status_code == 429 and "Demasiadas importaciones" in refused.content.decode()
    assert DocumentVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("virus.docx", b"MZ\x90\x00 not a document", "aquí se acepta"),
        ("roto.docx", b"PK\x03\x04 broken zip", "DOCX"),
        ("vacio.md", b"   \n", "vacío"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_saved(staff_client, milestone, name, content, expected):
    response = staff_client.post(
        reverse("drafts_staff:import_draft", args=[milestone.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_a_missing_file_is_an_error_next_to_the_field(staff_client, milestone):
    response = staff_client.post(reverse("drafts_staff:import_draft", args=[milestone.pk]), {"label": "x"})
    assert response.status_code == 400
    assert response.context["form"].errors["file"]


# --- the editor ---------------------------------------------------------------------------------


def test_new_version_from_the_editor_with_a_preview(staff_client, staff, draft):
    url = reverse("drafts_staff:new_version", args=[draft.document_id])
    page = staff_client.get(url)
    assert page.context["form"]["markdown"].value() == draft.markdown
    preview = staff_client.post(url, {"markdown": SECOND, "label": "", "notes": "", "action": "preview"})
    assert preview.status_code == 200
    assert (
        "Vista previa" in preview.content.decode() and "laboratorio de innovación" in preview.content.decode()
    )
    assert draft.document.versions.count() == 1
    saved = staff_client.post(
        url, {"markdown": SECOND, "label": "", "notes": "Se suma el laboratorio", "action": "save"}
    )
    assert saved.status_code == 302
    version = draft.document.versions.get(number=2)
    assert (version.label, version.source, version.notes) == (
        "Borrador 2",
        "editor",
        "Se suma el laboratorio",
    )
    assert saved.url == reverse("drafts_staff:version", args=[version.pk])
    # Identities carried: the unchanged paragraph keeps its key.
    keys = set(draft.paragraphs.values_list("key", flat=True))
    assert len(keys & set(version.paragraphs.values_list("key", flat=True))) == 3
    assert audited_by(version, staff, "create")


def test_an_empty_text_is_refused_by_the_editor(staff_client, draft):
    url = reverse("drafts_staff:new_version", args=[draft.document_id])
    response = staff_client.post(url, {"markdown": "   \n\n", "action": "save"})
    assert response.status_code == 400
    assert draft.document.versions.count() == 1


def test_revise_a_draft_with_optimistic_locking(staff_client, staff, draft):
    url = reverse("drafts_staff:edit_version", args=[draft.pk])
    page = staff_client.get(url)
    assert page.context["form"]["edit_version"].value() == draft.edit_version
    started = draft.edit_version
    ok = staff_client.post(url, {"markdown": SECOND, "edit_version": started, "action": "save"})
    assert ok.status_code == 302
    draft.refresh_from_db()
    assert draft.markdown == SECOND and draft.paragraphs.count() == 4 and draft.edit_version == started + 1
    assert audited_by(draft, staff, "update")
    # A second editor who started from the same version loses nothing but cannot overwrite silently.
    stale = staff_client.post(url, {"markdown": DRAFT, "edit_version": started, "action": "save"})
    assert stale.status_code == 409
    assert "Otra persona guardó" in stale.content.decode()
    assert stale.context["form"]["markdown"].value() == DRAFT
    draft.refresh_from_db()
    assert draft.markdown == SECOND


def test_only_a_draft_is_edited(staff_client, opened):
    url = reverse("drafts_staff:edit_version", args=[opened.pk])
    assert "ya no se edita" in staff_client.get(url).content.decode()
    response = staff_client.post(
        url, {"markdown": SECOND, "edit_version": opened.edit_version, "action": "save"}
    )
    assert response.status_code == 400
    opened.refresh_from_db()
    assert opened.markdown != SECOND


# --- the workflow -------------------------------------------------------------------------------


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_open_close_reopen_and_approve(staff_client, staff, draft):
    url = reverse("drafts_staff:transition", args=[draft.pk])
    page = staff_client.get(reverse("drafts_staff:version", args=[draft.pk])).content.decode()
    assert "Abrir a consulta" in page and "Aprobar esta versión" in page and "Cerrar la consulta" not in page
    now = timezone.now()
    backwards = staff_client.post(
        url,
        {
            "to": "open",
            "opens_at": _local(now + timedelta(days=5)),
            "closes_at": _local(now + timedelta(days=2)),
        },
    )
    assert backwards.status_code == 400
    assert "debe cerrar después de abrir" in backwards.content.decode()
    assert backwards.context["steps"][0]["form"].errors["closes_at"]
    draft.refresh_from_db()
    assert draft.state == "draft"
    opened = staff_client.post(
        url, {"to": "open", "opens_at": _local(now), "closes_at": _local(now + timedelta(days=15))}
    )
    assert opened.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "open" and draft.closes_at > now + timedelta(days=14)
    assert audited_by(draft, staff, "update")
    # Closing and approving are confirmed on their own pages (tests/drafts/test_confirmations.py).
    close = reverse("drafts_staff:close", args=[draft.pk])
    approve = reverse("drafts_staff:approve", args=[draft.pk])
    assert staff_client.post(approve, {"confirm": "1"}).status_code == 400  # not from open
    assert staff_client.post(close, {"confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "closed"
    page = staff_client.get(reverse("drafts_staff:version", args=[draft.pk])).content.decode()
    assert "Reabrir la consulta" in page
    past = staff_client.post(url, {"to": "open", "closes_at": _local(now - timedelta(days=1))})
    assert past.status_code == 400 and "ya pasó" in past.content.decode()
    assert (
        staff_client.post(url, {"to": "open", "closes_at": _local(now + timedelta(days=3))}).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.state == "open"
    staff_client.post(close, {"confirm": "1"})
    assert staff_client.post(approve, {"confirm": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.state == "approved" and draft.approved_at is not None
    assert AuditEntry.objects.for_object(draft).filter(actor=staff, action="update").count() >= 5


def test_a_closing_date_is_required_to_open(staff_client, draft):
    response = staff_client.post(reverse("drafts_staff:transition", args=[draft.pk]), {"to": "open"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == "draft"


# --- contributions and responses ----------------------------------------------------------------


@pytest.fixture
def answered_setup(contribution, staff):
    version = contribution.version
    services.transition_version(version, "closed")
    following = services.create_version(version.document, parse_markdown(SECOND), by=staff)
    return contribution, following


def test_respond_with_the_paragraphs_of_the_next_version(staff_client, staff, answered_setup):
    contribution, following = answered_setup
    listing = staff_client.get(reverse("drafts_staff:contributions", args=[contribution.version_id]))
    content = listing.content.decode()
    assert "Conviene nombrar a las municipalidades." in content
    assert "Participante" in content and "Lucía" not in content  # no public name without consent
    carried = following.paragraphs.order_by("position").first()
    assert f'value="{carried.pk}"' in content and "§1 — La estrategia impulsa" in content
    here = reverse("drafts_staff:contributions", args=[contribution.version_id]) + "?estado=unanswered"
    response = staff_client.post(
        reverse("drafts_staff:respond", args=[contribution.pk]),
        {
            "decision": "accepted",
            "reason": "Se incorporó en el objetivo general.",
            "resulting_paragraphs": [carried.pk],
            "next": here,
        },
    )
    assert response.status_code == 302 and response.url == here
    answer = Response.objects.get(contribution=contribution)
    assert answer.decision == "accepted" and list(answer.resulting_paragraphs.all()) == [carried]
    assert answer.responded_by == staff
    assert audited_by(answer, staff, "create")
    unanswered = staff_client.get(here)
    assert unanswered.context["page"].paginator.count == 0
    answered = staff_client.get(
        reverse("drafts_staff:contributions", args=[contribution.version_id])
        + "?estado=answered&decision=accepted"
    )
    assert answered.context["page"].paginator.count == 1
    by_paragraph = staff_client.get(
        reverse("drafts_staff:contributions", args=[contribution.version_id])
        + f"?parrafo={contribution.paragraph_id}"
    )
    assert by_paragraph.context["page"].paginator.count == 1


def test_editing_a_response_uses_its_version(staff_client, staff, answered_setup):
    contribution, _following = answered_setup
    answer = services.respond_to_contribution(contribution, "not_accepted", "No corresponde.", by=staff)
    url = reverse("drafts_staff:respond", args=[contribution.pk])
    form = staff_client.get(url).context["form"]
    assert form["edit_version"].value() == answer.edit_version and form["decision"].value() == "not_accepted"
    ok = staff_client.post(
        url, {"decision": "partly", "reason": "Se recoge en parte.", "edit_version": answer.edit_version}
    )
    assert ok.status_code == 302
    answer.refresh_from_db()
    assert (answer.decision, answer.edit_version) == ("partly", 2)
    stale = staff_client.post(url, {"decision": "out_of_scope", "reason": "Otro tema.", "edit_version": 1})
    assert stale.status_code == 409 and "Otra persona guardó" in stale.content.decode()
    answer.refresh_from_db()
    assert answer.decision == "partly"
    missing = staff_client.post(url, {"decision": "out_of_scope", "reason": "Otro tema."})
    assert missing.status_code == 409


def test_an_empty_reason_or_a_misplaced_link_is_refused(staff_client, answered_setup):
    contribution, following = answered_setup
    url = reverse("drafts_staff:respond", args=[contribution.pk])
    empty = staff_client.post(url, {"decision": "accepted", "reason": "   "})
    assert empty.status_code == 400
    assert empty.context["form"].errors["reason"]
    assert f'id="aporte-{contribution.pk}-reason-errors"' in empty.content.decode()
    paragraph = following.paragraphs.first()
    rejected = staff_client.post(
        url, {"decision": "not_accepted", "reason": "No procede.", "resulting_paragraphs": [paragraph.pk]}
    )
    assert rejected.status_code == 400
    assert rejected.context["form"].errors["resulting_paragraphs"]
    foreign = staff_client.post(
        url, {"decision": "accepted", "reason": "Sí.", "resulting_paragraphs": [999999]}
    )
    assert foreign.status_code == 400
    assert not Response.objects.exists()


# --- moderation ---------------------------------------------------------------------------------


def test_a_moderator_hides_restores_and_dismisses(client, moderator, contribution, django_user_model):
    reporter = django_user_model.objects.create_user("r", "r@example.org", "x-Strong-Pass-42")
    services.report_abuse(contribution, reporter, "Insulta a una persona")
    client.force_login(moderator)
    milestone = contribution.version.document.milestone
    queue = client.get(reverse("drafts_staff:moderation", args=[milestone.pk]))
    assert queue.status_code == 200 and "Insulta a una persona" in queue.content.decode()
    hide_url = reverse("drafts_staff:hide", args=[contribution.pk])
    empty = client.post(hide_url, {"reason": " "})
    assert empty.status_code == 400 and empty.context["form"].errors["reason"]
    contribution.refresh_from_db()
    assert contribution.hidden_at is None
    hidden = client.post(hide_url, {"reason": "Contenía insultos."})
    assert hidden.status_code == 302
    contribution.refresh_from_db()
    assert contribution.hidden_at and contribution.hidden_reason == "Contenía insultos."
    assert contribution.hidden_by == moderator
    assert audited_by(contribution, moderator, "update")
    assert not AbuseReport.objects.filter(resolved_at=None).exists()
    assert (
        "Contenía insultos."
        in client.get(reverse("drafts_staff:moderation", args=[milestone.pk])).content.decode()
    )
    restored = client.post(reverse("drafts_staff:restore", args=[contribution.pk]))
    assert restored.status_code == 302
    contribution.refresh_from_db()
    assert contribution.hidden_at is None
    assert AuditEntry.objects.for_object(contribution).filter(actor=moderator).count() >= 2
    # A new report, dismissed: the contribution stays visible.
    other = django_user_model.objects.create_user("o", "o@example.org", "x-Strong-Pass-42")
    services.report_abuse(contribution, other, "No me gusta")
    dismissed = client.post(reverse("drafts_staff:dismiss", args=[contribution.pk]))
    assert dismissed.status_code == 302
    assert not AbuseReport.objects.filter(resolved_at=None).exists()
    contribution.refresh_from_db()
    assert contribution.hidden_at is None


def test_a_moderator_cannot_respond_nor_write_drafts(client, moderator, contribution, staff):
    version = contribution.version
    milestone = version.document.milestone
    respond = client.post(
        reverse("drafts_staff:respond", args=[contribution.pk]), {"decision": "accepted", "reason": "Sí."}
    )
    assert respond.status_code == 403 and not Response.objects.exists()
    assert client.get(reverse("drafts_staff:edit_version", args=[version.pk])).status_code == 403
    assert client.get(reverse("drafts_staff:new_version", args=[version.document_id])).status_code == 403
    assert (
        client.post(reverse("drafts_staff:transition", args=[version.pk]), {"to": "closed"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("drafts_staff:create_document", args=[milestone.pk]), {"title": "X", "kind": "other"}
        ).status_code
        == 403
    )
    assert client.post(reverse("drafts_staff:import_draft", args=[milestone.pk])).status_code == 403
    # Drafts are not theirs to see.
    hidden_draft = services.create_version(version.document, parse_markdown(SECOND), by=staff)
    assert client.get(reverse("drafts_staff:version", args=[hidden_draft.pk])).status_code == 404
    # The contributions list is open to them for moderation, without response forms.
    listing = client.get(reverse("drafts_staff:contributions", args=[version.pk]))
    assert listing.status_code == 200 and all(item["form"] is None for item in listing.context["items"])
    version.refresh_from_db()
    assert version.state == "open" and Document.objects.count() == 1


def test_anonymous_people_are_sent_to_sign_in(client, contribution):
    version = contribution.version
    for url in (
        reverse("drafts_staff:milestone", args=[version.document.milestone_id]),
        reverse("drafts_staff:version", args=[version.pk]),
        reverse("drafts_staff:contributions", args=[version.pk]),
        reverse("drafts_staff:moderation_overview"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/cuenta/" in response.url, url
    post = client.post(reverse("drafts_staff:hide", args=[contribution.pk]), {"reason": "x"})
    assert post.status_code == 302
    contribution.refresh_from_db()
    assert contribution.hidden_at is None


def test_participants_get_no_staff_screens(client, participant, contribution, staff):
    version = contribution.version
    milestone = version.document.milestone
    draft = services.create_version(version.document, parse_markdown(SECOND), by=staff)
    assert client.get(reverse("drafts_staff:milestone", args=[milestone.pk])).status_code == 403
    assert client.get(reverse("drafts_staff:version", args=[version.pk])).status_code == 403
    assert client.get(reverse("drafts_staff:version", args=[draft.pk])).status_code == 404
    assert client.get(reverse("drafts_staff:edit_version", args=[draft.pk])).status_code == 404
    assert client.get(reverse("drafts_staff:contributions", args=[version.pk])).status_code == 403
    assert client.get(reverse("drafts_staff:moderation_overview")).status_code == 403
    assert (
        client.post(reverse("drafts_staff:hide", args=[contribution.pk]), {"reason": "x"}).status_code == 403
    )
    assert (
        client.post(
            reverse("drafts_staff:respond", args=[contribution.pk]), {"decision": "accepted", "reason": "Sí"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("drafts_staff:create_document", args=[milestone.pk]), {"title": "X", "kind": "other"}
        ).status_code
        == 403
    )
    contribution.refresh_from_db()
    assert contribution.hidden_at is None and not Response.objects.exists() and Document.objects.count() == 1


def test_an_editor_of_another_milestone_cannot_touch_this_one(
    client, django_user_model, draft, imported_seed
):
    from cocrea.plans.models import Milestone

    other = Milestone.objects.create(commitment=draft.document.milestone.commitment, number="9", title="Otro")
    _login(client, django_user_model, "otro@inap.gob.gt", Role.EDITOR, milestone=other)
    assert client.get(reverse("drafts_staff:version", args=[draft.pk])).status_code == 404
    response = client.post(
        reverse("drafts_staff:edit_version", args=[draft.pk]),
        {"markdown": SECOND, "edit_version": draft.edit_version, "action": "save"},
    )
    assert response.status_code == 404
