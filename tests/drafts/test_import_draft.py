"""``cocrea import-draft FILE``: DOCX and Markdown drafts, the document found by its title, each
import adding the next version with paragraph identities carried over."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from cocrea.drafts.models import Document, DocumentVersion, Paragraph

pytestmark = pytest.mark.django_db


def docx_bytes(title: str, sections: list[tuple[str, list[str]]]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for heading, paragraphs in sections:
        document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FIRST = [
    ("Antecedentes", ["El INAP coordina la estrategia con la GPAT.", "La consulta es pública y abierta."]),
    ("Ejes", ["Eje 1: capacidades del personal público.", "Eje 2: trámites simples para la ciudadanía."]),
]
SECOND = [
    (
        "Antecedentes",
        [
            "El INAP coordina la estrategia con la GPAT y la sociedad civil.",
            "La consulta es pública y abierta.",
        ],
    ),
    (
        "Ejes",
        [
            "Eje 2: trámites simples para la ciudadanía.",
            "Eje 1: capacidades del personal público.",
            "Eje 3: datos abiertos.",
        ],
    ),
]


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("import_draft", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_two_imports_make_two_versions_of_one_document(milestone, tmp_path: Path):
    first, second = tmp_path / "borrador-1.docx", tmp_path / "borrador-2.docx"
    first.write_bytes(docx_bytes("Estrategia Nacional de Innovación", FIRST))
    second.write_bytes(docx_bytes("ESTRATEGIA  nacional de innovacion", SECOND))
    one = run(str(first), "--milestone", "11.1")
    assert one == {
        "document": "Estrategia Nacional de Innovación",
        "document_created": True,
        "version": 1,
        "label": "Borrador 1",
        "state": "draft",
        "sections": 2,
        "paragraphs": 4,
        "paragraphs_kept": 0,
        "paragraphs_new": 4,
        "warnings": [],
    }
    two = run(str(second), "--milestone", "11.1", "--label", "Borrador 2 (revisado)")
    assert two["document_created"] is False and two["version"] == 2
    assert (two["paragraphs_kept"], two["paragraphs_new"]) == (4, 1)
    assert two["label"] == "Borrador 2 (revisado)"
    document = Document.objects.get()
    assert document.kind == "strategy"
    v1, v2 = DocumentVersion.objects.filter(document=document).order_by("number")
    eje1 = v1.paragraphs.get(text__startswith="Eje 1")
    assert v2.paragraphs.get(key=eje1.key).text.startswith("Eje 1")
    assert Paragraph.objects.filter(key=eje1.key).count() == 2


def test_markdown_file_and_document_option(milestone, tmp_path: Path):
    path = tmp_path / "marco.md"
    path.write_text("## Innovación\n\nUn párrafo.\n\n## Participación\n\n- uno\n- dos\n", encoding="utf-8")
    result = run(str(path), "--milestone", "11.1", "--document", "Marco conceptual")
    assert result["document"] == "Marco conceptual" and result["paragraphs"] == 2
    assert Document.objects.get().kind == "framework"


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04 not really a zip", b"\x00\x01\x02binary", b""],
    ids=["broken-zip", "binary", "empty"],
)
def test_bad_files_are_refused_with_a_sentence(milestone, tmp_path: Path, capsys, content: bytes):
    path = tmp_path / "malo.docx"
    path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_draft", str(path), "--milestone", "11.1")
    assert exit_info.value.code == 1
    error = capsys.readouterr().err
    assert "malo.docx:" in error and len(error.strip()) > 20
    assert not Document.objects.exists() and not DocumentVersion.objects.exists()


def test_unknown_milestone_and_actor(milestone, tmp_path: Path, capsys):
    path = tmp_path / "a.md"
    path.write_text("# T\n\n## S\n\ntexto\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("import_draft", str(path), "--milestone", "99.9")
    with pytest.raises(SystemExit):
        call_command("import_draft", str(path), "--milestone", "11.1", "--as", "nadie@example.org")
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("title", "document", "label"),
    [
        ("Estrategia Nacional – Borrador 2", "Estrategia Nacional", "Borrador 2"),
        ("Marco conceptual (versión final)", "Marco conceptual", "Versión final"),
        ("Strategy, draft 3", "Strategy", "Draft 3"),
        ("Estrategia Nacional borrador No. 1", "Estrategia Nacional", "Borrador No. 1"),
        ("Plan de implementación", "Plan de implementación", ""),
        ("Borrador 2", "Borrador 2", ""),  # nothing left: the whole is the title
    ],
)
def test_version_named_in_the_title(title, document, label):
    from cocrea.drafts.services import split_version_title

    assert split_version_title(title) == (document, label)


def test_files_that_name_their_draft_join_one_document(milestone, tmp_path: Path):
    first, second = tmp_path / "b1.docx", tmp_path / "b2.docx"
    first.write_bytes(docx_bytes("Estrategia Nacional de Innovación — Borrador 1", FIRST))
    second.write_bytes(docx_bytes("Estrategia Nacional de Innovación — Borrador 2", SECOND))
    assert run(str(first), "--milestone", "11.1")["label"] == "Borrador 1"
    two = run(str(second), "--milestone", "11.1")
    assert two["document"] == "Estrategia Nacional de Innovación" and two["version"] == 2
    assert two["label"] == "Borrador 2" and two["document_created"] is False


def test_utf16_markdown_from_notepad(milestone, tmp_path: Path):
    path = tmp_path / "marco.md"
    path.write_bytes("## Innovación\n\nUn párrafo con acentos: ñ, é.\n".encode("utf-16"))
    result = run(str(path), "--milestone", "11.1", "--document", "Marco")
    assert result["paragraphs"] == 1
    assert Paragraph.objects.get().text == "Un párrafo con acentos: ñ, é."
