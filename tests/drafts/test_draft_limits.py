"""Drafts cannot exhaust the server: the DOCX paragraph bomb, oversized files, tables of data given as
Markdown, huge texts in the editor, and matching of the largest versions allowed (bounded work)."""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from cocrea.computations import draftdiff, drafttext
from cocrea.computations.draftdiff import MatchStats, match_paragraphs
from cocrea.computations.drafttext import (
    MAX_DOCX_PARAGRAPHS,
    MAX_PARAGRAPHS,
    MAX_TEXT_CHARS,
    DraftFormatError,
    ParsedDraft,
    ParsedSection,
    parse_markdown,
    read_docx,
)
from cocrea.drafts import services
from cocrea.drafts.models import Document, DocumentVersion, Paragraph

pytestmark = pytest.mark.django_db

BOMB_PARAGRAPHS = 1_300_000


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """A real DOCX whose document.xml holds 1.3 million short paragraphs (some 44 MB of XML)."""
    base = io.BytesIO()
    docx.Document().save(base)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(base) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                at = data.index(b"<w:body>") + len(b"<w:body>")
                data = data[:at] + b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * BOMB_PARAGRAPHS + data[at:]
            bomb.writestr(info.filename, data)
    return out.getvalue()


def nothing_written() -> bool:
    return not Document.objects.exists() and not DocumentVersion.objects.exists()


def import_file(path: Path, *args: str) -> tuple[int, str]:
    """Run import-draft; (exit code, stderr)."""
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_draft", str(path), "--milestone", "11.1", *args, stderr=err)
    return int(exit_info.value.code or 0), err.getvalue()


# --- the DOCX paragraph bomb ----------------------------------------------------------------------


def test_the_docx_bomb_is_small_and_refused_while_reading(docx_bomb: bytes, monkeypatch):
    assert len(docx_bomb) < 300_000
    with zipfile.ZipFile(io.BytesIO(docx_bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size > 40_000_000
        assert archive.getinfo("word/document.xml").file_size <= drafttext.MAX_XML_BYTES  # passes that check

    def parsed(*args: object) -> None:
        raise AssertionError("the bomb's XML was handed to python-docx")

    monkeypatch.setattr(drafttext.docx, "Document", parsed)
    with pytest.raises(DraftFormatError) as error:
        read_docx(docx_bomb)
    assert error.value.code == "docx_too_many_paragraphs"
    assert error.value.details == {"limit": MAX_DOCX_PARAGRAPHS}


def test_import_draft_refuses_the_docx_bomb(docx_bomb: bytes, milestone, tmp_path: Path):
    path = tmp_path / "bomba.docx"
    path.write_bytes(docx_bomb)
    code, error = import_file(path)
    assert code == 1
    assert error.strip() == (
        f"{path}: El documento tiene más de 50,000 párrafos de Word (contando los vacíos y las celdas "
        "de las tablas): divídalo en partes más pequeñas."
    )
    assert nothing_written()
    code, error = import_file(path, "--lang", "en")
    assert "The document has more than 50,000 Word paragraphs" in error


def test_the_staff_import_screen_refuses_the_docx_bomb(docx_bomb: bytes, staff_client, milestone):
    response = staff_client.post(
        reverse("drafts_staff:import_draft", args=[milestone.pk]),
        {"file": SimpleUploadedFile("bomba.docx", docx_bomb)},
    )
    assert response.status_code == 400
    assert "50,000 párrafos de Word" in " ".join(response.context["form"].errors["file"])
    assert nothing_written()


# --- file size ------------------------------------------------------------------------------------


def test_import_draft_refuses_a_50_mb_file_without_reading_it(milestone, tmp_path: Path):
    path = tmp_path / "enorme.md"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB that take no disk
    code, error = import_file(path)
    assert code == 1
    assert error.strip() == f"{path}: El archivo pesa 50.0 MB; el máximo es 5 MB."
    assert nothing_written()
    assert "The file is 50.0 MB; the maximum is 5 MB." in import_file(path, "--lang", "en")[1]


def test_the_file_limit_is_the_upload_limit():
    from cocrea.core.uploads import MAX_UPLOAD_BYTES

    assert services.MAX_DRAFT_FILE_BYTES == MAX_UPLOAD_BYTES == 5 * 1024 * 1024
    with pytest.raises(DraftFormatError) as error:
        services.read_draft(b"# Texto\n\n" + b"a" * services.MAX_DRAFT_FILE_BYTES, "grande.md")
    assert error.value.code == "file_too_large"


def test_the_staff_import_screen_refuses_a_file_over_the_limit(staff_client, milestone):
    big = b"Texto de prueba.\n\n" * (services.MAX_DRAFT_FILE_BYTES // 18 + 1)
    response = staff_client.post(
        reverse("drafts_staff:import_draft", args=[milestone.pk]), {"file": SimpleUploadedFile("b.md", big)}
    )
    assert response.status_code == 400
    assert "el máximo es 5 MB" in " ".join(response.context["form"].errors["file"])
    assert nothing_written()


# --- a table of data given as a draft -------------------------------------------------------------

CSV = "código,actividad,meta,avance\n1.1,Taller de innovación,10,4\n1.2,Guía de trámites,1,0\n" * 3
CSV_REFUSED = (
    "El archivo es una tabla de datos (CSV o parecido), no un borrador: importe el texto del documento "
    "como DOCX o Markdown."
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("actividades.csv", CSV),
        ("actividades.md", CSV),  # judged by its content too
        ("actividades.txt", CSV.replace(",", ";")),
        ("datos.tsv", "a\tb\n1\t2\n"),
        ("notas.csv", "# Título\n\nUn texto cualquiera.\n"),  # a .csv name is data whatever it holds
    ],
)
def test_import_draft_refuses_tabular_data(milestone, tmp_path: Path, name: str, content: str):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, error = import_file(path)
    assert code == 1
    assert error.strip() == f"{path}: {CSV_REFUSED}"
    assert nothing_written()


def test_the_csv_refusal_in_english(milestone, tmp_path: Path):
    path = tmp_path / "actividades.md"
    path.write_text(CSV, encoding="utf-8")
    assert "The file is a data table (CSV or similar), not a draft" in import_file(path, "--lang", "en")[1]


def test_the_staff_import_screen_refuses_a_csv(staff_client, milestone):
    response = staff_client.post(
        reverse("drafts_staff:import_draft", args=[milestone.pk]),
        {"file": SimpleUploadedFile("actividades.csv", CSV.encode())},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [CSV_REFUSED]
    assert nothing_written()


def test_real_markdown_drafts_still_import(milestone, tmp_path: Path):
    folder = Path(Document._meta.app_config.path) / "data"
    for number, source in enumerate(sorted(folder.glob("estrategia-borrador-*.md")), 1):
        path = tmp_path / source.name
        path.write_bytes(source.read_bytes())
        out = io.StringIO()
        call_command("import_draft", str(path), "--milestone", "11.1", "--format", "json", stdout=out)
        result = json.loads(out.getvalue())
        assert (result["version"], result["state"]) == (number, "draft")
        assert result["paragraphs"] > 10
    assert DocumentVersion.objects.count() == 3
    # Text that only looks a little like data (lines with commas, no headings) is still a draft.
    prose = tmp_path / "prosa.txt"
    prose.write_text("Primero, el plan.\n\nSegundo, la consulta.\n\nTercero, el informe.\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_draft", str(prose), "--milestone", "11.1", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["paragraphs"] == 3


# --- the text's own limits, on import -------------------------------------------------------------


def test_import_draft_refuses_too_many_paragraphs(milestone, tmp_path: Path):
    path = tmp_path / "largo.md"
    path.write_text("\n\n".join(f"Párrafo {n}." for n in range(MAX_PARAGRAPHS + 1)), encoding="utf-8")
    code, error = import_file(path)
    assert code == 1
    assert error.strip() == (
        f"{path}: El texto tiene más de 5,000 párrafos, el máximo de una versión: divídalo en varios "
        "documentos."
    )
    assert nothing_written()


def test_create_version_refuses_more_than_the_most_paragraphs(milestone, staff):
    document = services.create_document(milestone, "Estrategia")
    too_many = ParsedDraft(None, (ParsedSection("", 0, tuple(f"P {n}" for n in range(MAX_PARAGRAPHS + 1))),))
    with pytest.raises(ValidationError) as error:
        services.create_version(document, too_many, by=staff)
    assert error.value.code == "too_many_paragraphs"
    assert not DocumentVersion.objects.exists()


# --- the web editor -------------------------------------------------------------------------------


@pytest.fixture
def draft(milestone, staff) -> DocumentVersion:
    document = services.create_document(milestone, "Estrategia de prueba", kind=Document.Kind.STRATEGY)
    return services.create_version(
        document, parse_markdown("## Objetivos\n\nUn párrafo.\n\nOtro párrafo.\n"), by=staff
    )


def test_the_editor_refuses_a_text_too_long(staff_client, draft):
    url = reverse("drafts_staff:new_version", args=[draft.document_id])
    text = "## Sección\n\n" + "palabra " * (MAX_TEXT_CHARS // 8)
    for action in ("save", "preview"):
        response = staff_client.post(url, {"markdown": text, "label": "", "notes": "", "action": action})
        assert response.status_code == 400
        assert response.context["form"].errors["markdown"] == [
            f"El texto tiene {len(text):,} caracteres; el máximo de una versión es 1,000,000: divídalo en "
            "varios documentos."
        ]
    assert draft.document.versions.count() == 1
    assert 'maxlength="1000000"' in staff_client.get(url).content.decode()


def test_the_editor_refuses_too_many_paragraphs(staff_client, draft):
    url = reverse("drafts_staff:new_version", args=[draft.document_id])
    text = "\n\n".join(f"Párrafo {n}." for n in range(MAX_PARAGRAPHS + 1))
    response = staff_client.post(url, {"markdown": text, "action": "save"})
    assert response.status_code == 400
    assert "más de 5,000 párrafos" in response.context["form"].errors["markdown"][0]
    assert draft.document.versions.count() == 1


def test_the_editor_of_a_draft_refuses_too_many_paragraphs(staff_client, draft):
    url = reverse("drafts_staff:edit_version", args=[draft.pk])
    text = "\n\n".join(f"Párrafo {n}." for n in range(MAX_PARAGRAPHS + 1))
    response = staff_client.post(
        url, {"markdown": text, "edit_version": draft.edit_version, "action": "save"}
    )
    assert response.status_code == 400
    assert "más de 5,000 párrafos" in response.context["form"].errors["markdown"][0]
    draft.refresh_from_db()
    assert draft.paragraphs.count() == 2 and "Párrafo 1." not in draft.markdown


def test_limit_messages_have_english_translations():
    errors = [
        DraftFormatError("", "too_many_paragraphs", {"limit": MAX_PARAGRAPHS}),
        DraftFormatError("", "text_too_long", {"limit": MAX_TEXT_CHARS, "found": 1_200_000}),
        DraftFormatError("", "text_too_long", {"limit": MAX_TEXT_CHARS}),
        DraftFormatError("", "docx_too_many_paragraphs", {"limit": MAX_DOCX_PARAGRAPHS}),
        DraftFormatError("", "file_too_large", {"limit": 5 * 1_048_576, "found": 50 * 1_048_576}),
        DraftFormatError("", "tabular"),
    ]
    with translation.override("en"):
        english = [services.draft_error_message(error) for error in errors]
    assert english == [
        "The text has more than 5,000 paragraphs, the maximum for one version: split it into several "
        "documents.",
        "The text has 1,200,000 characters; the maximum for one version is 1,000,000: split it into "
        "several documents.",
        "The text has more than 1,000,000 characters, the maximum for one version: split it into several "
        "documents.",
        "The document has more than 50,000 Word paragraphs (counting the empty ones and those in table "
        "cells): split it into smaller parts.",
        "The file is 50.0 MB; the maximum is 5 MB.",
        "The file is a data table (CSV or similar), not a draft: import the document's text as DOCX or "
        "Markdown.",
    ]


# --- matching the largest versions ----------------------------------------------------------------


def versions_of_5000(
    rng: random.Random, length: tuple[int, int] = (20, 90)
) -> tuple[list[str], list[str], dict[int, int]]:
    """5,000 paragraphs of common Spanish words and their next version, of 5,000 too: 15% edited,
    100 moved, 3% removed and as many added; with the pairs the edit made."""
    common = [
        "la",
        "de",
        "el",
        "en",
        "y",
        "que",
        "los",
        "del",
        "las",
        "por",
        "un",
        "para",
        "con",
        "una",
        "su",
        "se",
        "al",
        "lo",
        "como",
        "más",
        "innovación",
        "pública",
        "gestión",
        "servicio",
        "ciudadanía",
        "institución",
        "datos",
        "abiertos",
        "proceso",
        "participación",
        "transparencia",
        "rendición",
        "cuentas",
        "evaluación",
        "política",
        "estrategia",
        "plan",
        "indicador",
        "resultado",
        "equipo",
        "municipalidad",
    ]
    terms = [f"término{n}" for n in range(2000)]

    def paragraph() -> str:
        size = rng.randint(*length)
        return " ".join(rng.choice(common) if rng.random() < 0.7 else rng.choice(terms) for _ in range(size))

    old = [paragraph() for _ in range(5000)]
    items: list[tuple[str, int | None]] = []
    for index, text in enumerate(old):
        roll = rng.random()
        if roll < 0.03:
            continue
        if roll < 0.18:
            words = text.split()
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(common)
            text = " ".join([*words, "además"])
        items.append((text, index))
    for _ in range(100):
        items.insert(rng.randrange(len(items)), items.pop(rng.randrange(len(items))))
    for _ in range(len(old) - len(items)):
        items.insert(rng.randrange(len(items)), (paragraph(), None))
    new = [text for text, _ in items]
    return old, new, {n: i for n, (_, i) in enumerate(items) if i is not None}


def test_5000_paragraphs_against_5000_match_with_bounded_work():
    old, new, expected = versions_of_5000(random.Random(2024))
    stats = MatchStats()
    assert match_paragraphs(old, new, stats=stats) == expected
    unmatched = len(new) - sum(1 for n, i in expected.items() if new[n] == old[i])
    # Each paragraph left after the exact matches is compared with a bounded number of old ones.
    assert stats.candidates <= (draftdiff.CANDIDATES + 2) * unmatched
    assert stats.compared <= stats.bounded <= stats.candidates
    assert stats.compared < 2 * unmatched


@pytest.mark.slow
def test_5000_unrelated_paragraphs_of_common_words_are_not_compared_pairwise():
    rng = random.Random(5)
    words = [
        "la",
        "de",
        "el",
        "innovación",
        "pública",
        "gestión",
        "servicio",
        "ciudadanía",
        "datos",
        "abiertos",
        "plan",
        "equipo",
    ]
    old, new = ([" ".join(rng.choice(words) for _ in range(60)) for _ in range(5000)] for _ in range(2))
    stats = MatchStats()
    assert match_paragraphs(old, new, stats=stats) == {}
    assert stats.candidates <= (draftdiff.CANDIDATES + 2) * 5000  # not 25,000,000


def test_a_version_of_the_most_paragraphs_is_written_and_matched(milestone, staff):
    rng = random.Random(3)
    old, new, _ = versions_of_5000(rng, length=(10, 30))  # within the text's limit of a million characters
    document = services.create_document(milestone, "Estrategia grande")
    first = services.create_version(
        document, ParsedDraft(None, (ParsedSection("", 0, tuple(old)),)), by=staff
    )
    second = services.create_version(
        document, ParsedDraft(None, (ParsedSection("", 0, tuple(new)),)), by=staff
    )
    assert first.paragraphs.count() == second.paragraphs.count() == 5000
    kept = Paragraph.objects.filter(version=second, key__in=first.paragraphs.values("key")).count()
    assert kept > 4500
