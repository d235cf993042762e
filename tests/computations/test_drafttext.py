"""Draft text: Markdown and DOCX split into sections and blocks, back to Markdown, and safe HTML."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from html.parser import HTMLParser

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cocrea.computations import drafttext, safety
from cocrea.computations.drafttext import (
    DraftFormatError,
    ParsedDraft,
    ParsedSection,
    escape_heading,
    escape_markdown,
    normalize_text,
    parse_markdown,
    plain_text,
    read_docx,
    render_markdown,
    to_markdown,
)
from tests.hypothesis_profiles import examples

DRAFT = """\
# Estrategia Nacional de Innovación en la Gestión Pública

Documento en consulta pública.

## 1. Antecedentes

Guatemala se adhirió a la Alianza para el Gobierno Abierto en 2011
y desde entonces ha presentado cinco planes de acción nacionales.

El **quinto plan** incluye el *compromiso 11*, que da origen a esta estrategia.

## 2. Marco conceptual

La innovación pública se apoya en tres principios:

- Transparencia
- Participación ciudadana
- Rendición de cuentas

| Principio | Descripción |
|-----------|-------------|
| Apertura | Los datos se publican en formatos abiertos |
| Colaboración | Las instituciones trabajan con la sociedad civil |

### 2.1 Innovación pública

> La innovación pública es la capacidad del Estado de generar soluciones nuevas.

### 2.2 Laboratorios
"""

HOSTILE = (
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
)


# --- Markdown ------------------------------------------------------------------------------------


def test_realistic_spanish_draft() -> None:
    draft = parse_markdown(DRAFT)
    assert draft.title == "Estrategia Nacional de Innovación en la Gestión Pública"
    assert [(s.title, s.level, len(s.paragraphs)) for s in draft.sections] == [
        ("", 0, 1),
        ("1. Antecedentes", 2, 2),
        ("2. Marco conceptual", 2, 3),
        ("2.1 Innovación pública", 3, 1),
        ("2.2 Laboratorios", 3, 0),
    ]
    preamble, background, concepts, public, labs = draft.sections
    assert preamble.paragraphs == ("Documento en consulta pública.",)
    assert background.paragraphs == (
        "Guatemala se adhirió a la Alianza para el Gobierno Abierto en 2011\n"
        "y desde entonces ha presentado cinco planes de acción nacionales.",
        "El **quinto plan** incluye el *compromiso 11*, que da origen a esta estrategia.",
    )
    intro, principles, table = concepts.paragraphs
    assert intro == "La innovación pública se apoya en tres principios:"
    assert principles == "- Transparencia\n- Participación ciudadana\n- Rendición de cuentas"
    assert table.startswith("| Principio | Descripción |") and table.count("\n") == 3
    assert public.paragraphs[0].startswith("> La innovación")
    assert labs.paragraphs == ()
    assert draft.warnings == ()


def test_line_ends_bom_nbsp_and_trailing_spaces_do_not_matter() -> None:
    expected = parse_markdown(DRAFT)
    crlf = DRAFT.replace("\n", "\r\n")
    variants = [
        crlf,
        "\ufeff" + crlf,
        DRAFT.replace("\n", "\r"),
        DRAFT.replace("Alianza para", "Alianza\u00a0para").replace(" ", " ", 1),
        "\n".join(line + "  \t" for line in DRAFT.split("\n")),
        "\n\n\n" + DRAFT + "\n\n\n",
    ]
    for variant in variants:
        assert parse_markdown(variant) == expected


def test_blocks_follow_the_renderer() -> None:
    text = (
        "Un párrafo\nsin línea en blanco\n- seguido de una lista\n- de dos elementos\n\n"
        "```python\ncódigo\n\ncon línea en blanco\n```\n"
        "> cita\ncontinuada\n\n"
        "1. uno\n\n2. dos (lista separada por líneas)\n\n"
        "Texto\n\n"
        "    código indentado\n"
    )
    blocks = parse_markdown(text).sections[0].paragraphs
    assert blocks == (
        "Un párrafo\nsin línea en blanco",
        "- seguido de una lista\n- de dos elementos",
        "```python\ncódigo\n\ncon línea en blanco\n```",
        "> cita\ncontinuada",
        "1. uno\n\n2. dos (lista separada por líneas)",
        "Texto",
        "    código indentado",
    )
    assert [render_markdown(block)[:4] for block in blocks] == [
        "<p>U",
        "<ul>",
        "<pre",
        "<blo",
        "<ol>",
        "<p>T",
        "<pre",
    ]


def test_setext_headings_and_titles() -> None:
    draft = parse_markdown("Título\n======\n\nIntro\n\nCapítulo\n--------\n\ntexto\n")
    assert draft.title == "Título"
    assert [(s.title, s.level, s.paragraphs) for s in draft.sections] == [
        ("", 0, ("Intro",)),
        ("Capítulo", 2, ("texto",)),
    ]


def test_when_the_first_heading_is_not_the_title() -> None:
    # Preamble before the H1, two H1s, and an H1 with no other heading: all sections.
    assert parse_markdown("Intro\n\n# A\n\n## B\n").title is None
    two = parse_markdown("# A\n\n## B\n\n# C\n")
    assert two.title is None
    assert [(s.title, s.level) for s in two.sections] == [("A", 1), ("B", 2), ("C", 1)]
    alone = parse_markdown("# Solo\n\ntexto\n")
    assert alone.title is None
    assert alone.sections == (ParsedSection("Solo", 1, ("texto",)),)


def test_heading_titles_are_plain_text() -> None:
    draft = parse_markdown("## La *innovación* `pública` [aquí](http://x.org) ##\n")
    assert draft.sections[0].title == "La innovación pública aquí"


def test_empty_sections_and_empty_headings_are_kept() -> None:
    draft = parse_markdown("## A\n\n##\n\ntexto\n\n### C\n")
    assert [(s.title, s.level, s.paragraphs) for s in draft.sections] == [
        ("A", 2, ()),
        ("", 2, ("texto",)),
        ("C", 3, ()),
    ]
    assert draft.warnings == ("El encabezado de la línea 3 está vacío.",)


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\ufeff\r\n", "\u00a0"])
def test_no_text_is_an_error(text: str) -> None:
    with pytest.raises(DraftFormatError) as error:
        parse_markdown(text)
    assert error.value.message == "El documento no tiene texto."


def test_link_references_travel_with_the_blocks_that_use_them() -> None:
    draft = parse_markdown("Ver [la ley][ley].\n\nOtro párrafo.\n\n[ley]: https://example.org/ley\n")
    first, second = draft.sections[0].paragraphs
    assert first == "Ver [la ley][ley].\n\n[ley]: https://example.org/ley"
    assert 'href="https://example.org/ley"' in render_markdown(first)
    assert second.startswith("Otro párrafo.")
    assert parse_markdown(to_markdown(draft)) == draft


def test_images_are_reported() -> None:
    draft = parse_markdown("Antes ![Mapa de Guatemala](mapa.png) después\n")
    assert draft.warnings == (
        "La imagen «Mapa de Guatemala» no se publicará: solo se muestra su texto alternativo.",
    )
    assert render_markdown(draft.sections[0].paragraphs[0]) == "<p>Antes Mapa de Guatemala después</p>\n"


def test_an_unclosed_fence_is_closed() -> None:
    draft = parse_markdown("## A\n\n```\ncódigo sin cerrar\n")
    assert draft.sections[0].paragraphs == ("```\ncódigo sin cerrar\n```",)


# --- Back to Markdown ------------------------------------------------------------------------------


def test_to_markdown_of_the_realistic_draft_reads_back() -> None:
    draft = parse_markdown(DRAFT)
    text = to_markdown(draft)
    assert text.startswith(
        "# Estrategia Nacional de Innovación en la Gestión Pública\n\nDocumento en consulta"
    )
    assert "\n\n## 1. Antecedentes\n\n" in text
    assert parse_markdown(text) == draft


def test_to_markdown_moves_level_one_sections_under_a_title() -> None:
    draft = ParsedDraft(
        "Estrategia", (ParsedSection("Uno", 1, ("a",)), ParsedSection("Uno.1", 2, ("b",))), ()
    )
    text = to_markdown(draft)
    assert text == "# Estrategia\n\n## Uno\n\na\n\n### Uno.1\n\nb\n"
    again = parse_markdown(text)
    assert again.title == "Estrategia"
    assert [(s.title, s.level) for s in again.sections] == [("Uno", 2), ("Uno.1", 3)]


def test_headings_are_escaped() -> None:
    titles = ["C#", "Sección #", "#", "*Nota* _x_", "1. Objetivos", "[a](b) <c> `d`", "a \\ b"]
    draft = ParsedDraft(None, tuple(ParsedSection(t, 2, ()) for t in titles), ())
    assert parse_markdown(to_markdown(draft)).sections == draft.sections
    assert escape_heading("1. Objetivos") == "1. Objetivos"


WORD = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzáéíóúñüABCDEFGHIJKLMNOPQRSTUVWXYZÁÉÍÓÚÑ"),
    min_size=1,
    max_size=12,
)
WORDS = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
PARAGRAPHS = st.lists(WORDS, max_size=3).map(tuple)


@st.composite
def drafts(draw: st.DrawFn) -> ParsedDraft:
    """Drafts that Markdown can state: with a title, sections are of level 2 or deeper."""
    title = draw(st.none() | WORDS)
    sections: list[ParsedSection] = []
    if draw(st.booleans()):
        sections.append(ParsedSection("", 0, draw(st.lists(WORDS, min_size=1, max_size=3).map(tuple))))
    low = 2 if title is not None else 1
    for _ in range(draw(st.integers(min_value=1 if title is not None else 0, max_value=6))):
        level = draw(st.integers(min_value=low, max_value=6))
        sections.append(ParsedSection(draw(WORDS), level, draw(PARAGRAPHS)))
    assume(sections)
    # Without a title, a lone leading "#" heading followed by others reads as the title.
    headed = [s for s in sections if s.level]
    assume(
        title is not None
        or sections[0].level != 1
        or [s.level for s in headed].count(1) != 1
        or len(headed) == 1
    )
    return ParsedDraft(title, tuple(sections), ())


@settings(max_examples=examples(200), deadline=None)
@given(drafts())
def test_round_trip_of_generated_drafts(draft: ParsedDraft) -> None:
    assert parse_markdown(to_markdown(draft)) == draft


MARKDOWN_LINES = st.sampled_from(
    [
        "", "", "# Título", "## Sección", "### Sub", "Texto", "===", "---", "- a", "  - b", "1. x", "2) y",
        "   sangría", "    código", "```", "~~~", "> cita", ">", "| a | b |", "|---|---|", "a | b",
        "[r]: /u", "[r] referencia", "* i", "+ j", "\t tab", "<div>", "&amp;", "![i](x.png)", "  sigue",
        "#", "##", "- ", "1.", "***", "**negrita**", "_cursiva_",
    ]
)  # fmt: skip


@settings(max_examples=examples(1000), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(MARKDOWN_LINES, max_size=14))
def test_parse_of_to_markdown_is_stable_on_markdown_soup(lines: list[str]) -> None:
    try:
        draft = parse_markdown("\n".join(lines))
    except DraftFormatError:
        return
    again = parse_markdown(to_markdown(draft))
    assert (again.title, again.sections) == (draft.title, draft.sections)


# --- Escaping ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "# no es encabezado", "- no es lista", "+ tampoco", "1. no es lista", "2024) año", "* asterisco",
        "_sub_ y *cursiva*", "`código`", "<b>html</b>", "> no es cita", "---", "===", "~~~", "a | b",
        "[x](http://a.org)", "![x](y.png)", "&amp; &#35;", "C:\\ruta\\", "    sangría",
    ],
)  # fmt: skip
def test_escaped_text_shows_as_written(text: str) -> None:
    escaped = escape_markdown(text)
    assert plain_text(escaped) == text.strip()
    assert render_markdown(escaped).startswith("<p>")


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=200))
def test_escape_markdown_keeps_every_character(text: str) -> None:
    def words(value: str) -> list[str]:
        return value.split()

    assert words(plain_text(escape_markdown(text))) == words(normalize_text(text))


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=80))
def test_any_heading_title_reads_back(title: str) -> None:
    expected = " ".join(normalize_text(title).split())
    assume(expected)
    draft = ParsedDraft(None, (ParsedSection(title, 2, ("texto",)),), ())
    assert parse_markdown(to_markdown(draft)).sections[0].title == expected


# --- Rendering --------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


def assert_harmless(html: str) -> None:
    """No script element, no event handler, and links only to http(s), mailto or relative addresses."""
    assert "<script" not in html.lower()
    for tag, attrs in tags_of(html):
        assert tag in safety.ALLOWED_TAGS
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            scheme = SCHEME.match(value or "")
            assert scheme is None or scheme.group(1).lower() in ("http", "https", "mailto"), (
                tag,
                name,
                value,
            )


def test_render_markdown() -> None:
    html = render_markdown(
        "# Grande\n\n## Mediano\n\n#### Pequeño\n\nTexto con [enlace](https://gob.gt) y **énfasis**."
    )
    assert html == (
        "<h3>Grande</h3>\n<h4>Mediano</h4>\n<h4>Pequeño</h4>\n"
        '<p>Texto con <a href="https://gob.gt" rel="noopener noreferrer nofollow">enlace</a>'
        " y <strong>énfasis</strong>.</p>\n"
    )
    table = render_markdown("| A | B |\n|:--|--:|\n| 1 | 2 |")
    assert "<table>" in table and "<th>A</th>" in table and "style" not in table
    assert render_markdown("www.example.org") == "<p>www.example.org</p>\n"  # linkify is off


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markdown_renders_harmless(hostile: str) -> None:
    for text in (hostile, f"## {hostile}\n\n- {hostile}\n\n> {hostile}\n\n| {hostile} |\n|---|\n| x |"):
        html = render_markdown(text)
        assert_harmless(html)
        assert all("javascript:" not in (value or "") for _, attrs in tags_of(html) for _, value in attrs)
        assert not any(tag in ("img", "svg", "script") for tag, _ in tags_of(html))
    assert_harmless(render_markdown(to_markdown(parse_markdown(hostile))))


def test_hostile_links_lose_their_address() -> None:
    for link in (
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox)",
        "<javascript:alert(1)>",
    ):
        assert not any(tag == "a" for tag, _ in tags_of(render_markdown(link)))
    assert tags_of(render_markdown("[x](data:text/html;base64,PHNjcmlwdD4=)")) == [("p", [])]


@settings(max_examples=examples(500), deadline=None)
@given(st.text(max_size=300))
def test_render_markdown_never_raises_nor_emits_scripts(text: str) -> None:
    assert_harmless(render_markdown(text))


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<script>",
                "</script>",
                "<",
                ">",
                "javascript:",
                "on",
                "error=",
                "[",
                "](",
                ")",
                " ",
                "`",
                "\n",
                "a",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_render_markdown_on_script_soup(text: str) -> None:
    assert_harmless(render_markdown(text))


def test_rendered_markdown_is_cleaned_by_the_one_allow_list() -> None:
    sample = '<p><a href="http://a.org">x</a> <em>y</em></p>'
    assert render_markdown("[x](http://a.org) *y*").strip() == safety.sanitize_html(sample)
    assert 'rel="noopener noreferrer nofollow"' in render_markdown("[x](http://a.org)")


def test_plain_text() -> None:
    assert plain_text("El **quinto** *plan* de `acción` con [enlace](http://a.org).") == (
        "El quinto plan de acción con enlace."
    )
    assert plain_text("- uno\n- dos\n  - tres") == "uno\ndos\ntres"
    assert plain_text("| A | B |\n|---|---|\n| 1 | 2 |") == "A\tB\n1\t2"
    assert plain_text("línea\\\nquebrada y\nsuave") == "línea\nquebrada y suave"
    assert plain_text("## Título\n\n> cita &amp; más") == "Título\ncita & más"
    assert plain_text("```\n  código\n```") == "  código"
    assert plain_text("") == ""


# --- DOCX ---------------------------------------------------------------------------------------------


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
        + chunk(b"IEND", b"")
    )


def add_link(paragraph: Paragraph, text: str, url: str) -> None:
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def saved(document: docx.document.Document) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def spanish_docx() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Estrategia Nacional de Innovación"
    document.add_paragraph("Documento para consulta.")
    document.add_heading("1. Antecedentes", level=1)
    paragraph = document.add_paragraph("Guatemala ")
    paragraph.add_run("se adhirió").bold = True
    paragraph.add_run(" a la ")
    paragraph.add_run("Alianza").italic = True
    paragraph.add_run(" en 2011; véase ")
    add_link(paragraph, "el sitio", "https://www.opengovpartnership.org/es/")
    paragraph.add_run(".")
    document.add_paragraph("")
    document.add_paragraph("Transparencia", style="List Bullet")
    document.add_paragraph("Participación", style="List Bullet")
    document.add_paragraph("Datos abiertos", style="List Bullet 2")
    document.add_paragraph("   ")
    document.add_paragraph("Rendición de cuentas", style="List Bullet")
    document.add_paragraph("Primero", style="List Number")
    document.add_paragraph("Segundo", style="List Number")
    document.add_heading("1.1 Principios", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, cells in enumerate([("Principio", "Descripción"), ("Apertura", "Datos | abiertos"), ("", "x")]):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    spanish = document.styles.add_style("Título 1", WD_STYLE_TYPE.PARAGRAPH)
    spanish.font.bold = True
    document.add_paragraph("2. Marco conceptual", style="Título 1")
    document.add_paragraph("# no es encabezado")
    document.add_paragraph("1. no es una lista")
    document.add_paragraph("Texto con *asteriscos* y _guiones_ y `comillas`")
    document.add_picture(io.BytesIO(tiny_png()))
    document.add_heading("", level=2)
    return saved(document)


def test_read_docx_exactly() -> None:
    draft = read_docx(spanish_docx())
    assert draft.title == "Estrategia Nacional de Innovación"
    assert draft.sections == (
        ParsedSection("", 0, ("Documento para consulta.",)),
        ParsedSection(
            "1. Antecedentes",
            1,
            (
                "Guatemala **se adhirió** a la *Alianza* en 2011; véase "
                "[el sitio](https://www.opengovpartnership.org/es/).",
                "- Transparencia\n- Participación\n  - Datos abiertos\n- Rendición de cuentas",
                "1. Primero\n2. Segundo",
            ),
        ),
        ParsedSection(
            "1.1 Principios",
            2,
            ("| Principio | Descripción |\n| --- | --- |\n| Apertura | Datos \\| abiertos |\n| | x |",),
        ),
        ParsedSection(
            "2. Marco conceptual",
            1,
            (
                "\\# no es encabezado",
                "1\\. no es una lista",
                "Texto con \\*asteriscos\\* y \\_guiones\\_ y \\`comillas\\`",
            ),
        ),
    )
    assert draft.warnings == (
        "Se omitió 1 imagen u objeto incrustado: las imágenes no se importan; "
        "describa su contenido en el texto si es necesario.",
        "Se omitió un encabezado vacío después de «2. Marco conceptual».",
    )
    rendered = [render_markdown(block) for section in draft.sections for block in section.paragraphs]
    assert "<p># no es encabezado</p>" in rendered[-3]
    assert "<p>Texto con *asteriscos* y _guiones_ y `comillas`</p>" in rendered[-1]
    assert "<td>Datos | abiertos</td>" in rendered[4]
    again = parse_markdown(to_markdown(draft))
    assert again.title == draft.title
    assert [s.paragraphs for s in again.sections] == [s.paragraphs for s in draft.sections]
    assert [s.level for s in again.sections] == [0, 2, 3, 2]


def test_docx_title_from_the_title_style_and_spanish_names() -> None:
    document = docx.Document()
    document.add_paragraph("Política de Datos Abiertos", style="Title")
    for name, level in (("Heading 1", 1), ("Heading 3", 3), ("TÍTULO 2", 2), ("Encabezado 4", 4)):
        builtin = name.startswith("Heading")
        style = document.styles[name] if builtin else document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph(f"Nivel {level}", style=style)
    chapter = document.styles.add_style("Capítulo", WD_STYLE_TYPE.PARAGRAPH)
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "1")
    chapter.element.get_or_add_pPr().append(outline)
    document.add_paragraph("Por nivel de esquema", style=chapter)
    document.add_paragraph("Texto del capítulo.")
    spanish_list = document.styles.add_style("Párrafo de lista", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("uno", style=spanish_list)
    document.add_paragraph("dos", style=spanish_list)
    draft = read_docx(saved(document))
    assert draft.title == "Política de Datos Abiertos"
    assert [(s.title, s.level, s.paragraphs) for s in draft.sections] == [
        ("Nivel 1", 1, ()),
        ("Nivel 3", 3, ()),
        ("Nivel 2", 2, ()),
        ("Nivel 4", 4, ()),
        ("Por nivel de esquema", 2, ("Texto del capítulo.", "- uno\n- dos")),
    ]


def test_docx_formatting_edges() -> None:
    document = docx.Document()
    document.add_heading("Sección", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("todo").bold = True
    paragraph.add_run("junto").italic = True
    both = paragraph.add_run(" ambos ")
    both.bold = both.italic = True
    paragraph.add_run("fin")
    breaks = document.add_paragraph("primera línea")
    breaks.add_run().add_break()
    breaks.add_run("- segunda línea")
    add_link(document.add_paragraph("Peligro: "), "clic", "javascript:alert(1)")
    strong = document.add_paragraph("con ")
    strong.add_run("estilo", style="Strong")
    draft = read_docx(saved(document))
    blocks = draft.sections[0].paragraphs
    assert blocks[0] == "**todo***junto* ***ambos*** fin"
    assert render_markdown(blocks[0]) == (
        "<p><strong>todo</strong><em>junto</em> <em><strong>ambos</strong></em> fin</p>\n"
    )
    assert blocks[1] == "primera línea\\\n\\- segunda línea"
    assert render_markdown(blocks[1]) == "<p>primera línea<br>\n- segunda línea</p>\n"
    assert blocks[2] == "Peligro: clic"
    assert blocks[3] == "con **estilo**"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_docx_text_renders_harmless(hostile: str) -> None:
    document = docx.Document()
    document.core_properties.title = hostile
    document.add_heading(hostile, level=1)
    document.add_paragraph(hostile)
    document.add_paragraph().add_run(hostile).bold = True
    document.add_paragraph(hostile, style="List Bullet")
    document.add_table(rows=1, cols=1).cell(0, 0).text = hostile
    add_link(document.add_paragraph(), hostile, "javascript:alert(1)")
    draft = read_docx(saved(document))
    assert draft.title == hostile
    assert draft.sections[0].title == hostile
    for block in draft.sections[0].paragraphs:
        html = render_markdown(block)
        assert_harmless(html)
        assert plain_text(block) == hostile  # shown as written, as text
    assert_harmless(render_markdown(to_markdown(draft)))


def test_docx_lists_of_different_kinds_are_separate_blocks() -> None:
    document = docx.Document()
    for text, style in (
        ("a", "List Number"),
        ("b", "List Number"),
        ("c", "List Bullet"),
        ("d", "List Number"),
    ):
        document.add_paragraph(text, style=style)
    assert read_docx(saved(document)).sections[0].paragraphs == ("1. a\n2. b", "- c", "1. d")


def test_docx_merged_table_cells_are_written_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "ancho"
    table.cell(0, 2).text = "c"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "alto"
    table.cell(1, 1).text = "d"
    (block,) = read_docx(saved(document)).sections[0].paragraphs
    assert block == "| ancho | | c |\n| --- | --- | --- |\n| alto | d | |\n| | | |"


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def body_xml(body: str) -> bytes:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def para(text: str, style: str | None = None, extra: str = "") -> str:
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    ppr = f"<w:pPr>{style_xml}{extra}</w:pPr>"
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def numbered(num_id: int, ilvl: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def test_docx_word_structures() -> None:
    base = docx.Document()
    toc = base.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH).style_id
    body = "".join(
        [
            '<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/></w:docPartObj>'
            f"</w:sdtPr><w:sdtContent>{para('Contenido', 'TOCHeading')}{para('1. Uno', toc)}"
            "</w:sdtContent></w:sdt>",
            para("Índice manual", toc),
            para("Capítulo por esquema", None, '<w:outlineLvl w:val="2"/>'),
            para("ordenado por numeración", "ListParagraph", numbered(5)),
            para("viñeta por numeración", "ListParagraph", numbered(1)),
            para("anidada", "ListParagraph", numbered(1, 1)),
            para("sin numeración", "ListParagraph", numbered(0)),
            para("Una cita", "Quote"),
            "<w:p><w:r><w:t>Texto </w:t></w:r><w:del><w:r><w:delText>borrado </w:delText></w:r></w:del>"
            "<w:ins><w:r><w:t>insertado</w:t></w:r></w:ins>"
            '<w:r><w:footnoteReference w:id="1"/></w:r></w:p>',
            "<w:tbl><w:sdt><w:sdtContent><w:tr><w:tc><w:p><w:r><w:t>celda</w:t></w:r></w:p></w:tc></w:tr>"
            "</w:sdtContent></w:sdt></w:tbl>",
        ]
    )
    draft = read_docx(docx_with(body_xml(body), base))
    assert draft.title is None
    assert draft.sections == (
        ParsedSection(
            "Capítulo por esquema",
            3,
            (
                "1. ordenado por numeración",
                "- viñeta por numeración\n  - anidada",
                "sin numeración",
                "> Una cita",
                "Texto insertado",
                "| celda |\n| --- |",
            ),
        ),
    )
    assert draft.warnings == (
        "El documento tiene 1 notas al pie o al final que no se importaron.",
        "El documento tiene control de cambios: se importó el texto con los cambios aceptados.",
        "Se omitió la tabla de contenido: el borrador muestra su propio índice.",
    )


def zipped(files: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return stream.getvalue()


def docx_with(document_xml: bytes, base: docx.document.Document | None = None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(saved(base or docx.Document()))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["word/document.xml"] = document_xml
    return zipped(files)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "El archivo está vacío."),
        (b"\x00\x01garbage\xff" * 50, "El archivo no es un documento DOCX válido."),
        (
            "# Estrategia\n\nTexto plano con extensión .docx\n".encode(),
            "El archivo no es un documento DOCX válido.",
        ),
        (b"PK\x03\x04" + b"\x00" * 100, "El archivo no es un documento DOCX válido."),
        (zipped({"hola.txt": b"hola"}), "El archivo no es un documento DOCX válido."),
        (
            zipped({"[Content_Types].xml": b"<Types/>", "x.xml": b"<x/>"}),
            "El archivo no es un documento DOCX válido.",
        ),
        (docx_with(b"<w:document><not xml"), "El archivo no es un documento DOCX válido."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "El archivo está protegido con contraseña o es un documento de Word antiguo (.doc): "
            "quite la contraseña y guárdelo como .docx.",
        ),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
            "El archivo es un documento OpenDocument (.odt): guárdelo como .docx para importarlo.",
        ),
    ],
)
def test_not_a_docx(data: bytes, message: str) -> None:
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.message == message
    assert str(error.value) == message


def test_empty_docx_has_no_text() -> None:
    document = docx.Document()
    document.add_paragraph("")
    document.add_paragraph("   ")
    with pytest.raises(DraftFormatError) as error:
        read_docx(saved(document))
    assert error.value.message == "El documento no tiene texto."
    assert error.value.code == "empty"


def test_a_docx_that_inflates_too_much_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafttext, "MAX_XML_BYTES", 1_000_000)
    data = docx_with(b'<?xml version="1.0"?>' + b" " * 2_000_000 + b"<x/>")
    assert len(data) < 100_000
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.code == "too_large"
    assert error.value.message.startswith("El documento es demasiado grande")


def test_truncated_docx_files_are_refused_cleanly() -> None:
    data = spanish_docx()
    for size in (10, 100, len(data) // 2, len(data) - 30):
        with pytest.raises(DraftFormatError):
            read_docx(data[:size])


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mangled_document_xml_never_raises_a_raw_error(data: st.DataObject) -> None:
    with zipfile.ZipFile(io.BytesIO(spanish_docx_bytes)) as archive:
        xml = archive.read("word/document.xml")
    start = data.draw(st.integers(0, len(xml)))
    end = data.draw(st.integers(start, min(len(xml), start + 400)))
    filler = data.draw(st.sampled_from([b"", b"<w:p>", b"</w:p>", b"<w:r><w:t>x", b"w:val=", b'"0"', b"<"]))
    try:
        draft = read_docx(docx_with(xml[:start] + filler + xml[end:]))
    except DraftFormatError as error:
        assert error.message
    else:
        assert draft.sections


spanish_docx_bytes = spanish_docx()


# --- Limits: paragraphs, characters, Word paragraphs, and data that is not a draft -------------------


def test_a_text_of_the_most_paragraphs_reads_and_one_more_is_refused() -> None:
    most = "\n\n".join(f"Párrafo {n}." for n in range(drafttext.MAX_PARAGRAPHS))
    assert len(parse_markdown("## Sección\n\n" + most).sections[0].paragraphs) == drafttext.MAX_PARAGRAPHS
    with pytest.raises(DraftFormatError) as error:
        parse_markdown(most + "\n\nUno más.")
    assert error.value.code == "too_many_paragraphs"
    assert error.value.details == {"limit": drafttext.MAX_PARAGRAPHS}
    assert "5000 párrafos" in error.value.message


def test_headings_do_not_count_as_paragraphs() -> None:
    text = "\n\n".join(f"## Sección {n}\n\nTexto {n}." for n in range(drafttext.MAX_PARAGRAPHS))
    assert len(parse_markdown(text).sections) == drafttext.MAX_PARAGRAPHS


def test_a_text_too_long_is_refused_before_it_is_parsed() -> None:
    text = "Palabra " * (drafttext.MAX_TEXT_CHARS // 8 + 1)
    with pytest.raises(DraftFormatError) as error:
        parse_markdown(text)
    assert error.value.code == "text_too_long"
    assert error.value.details == {"limit": drafttext.MAX_TEXT_CHARS, "found": len(text)}
    assert parse_markdown(text[: drafttext.MAX_TEXT_CHARS]).sections


def word_paragraphs(count: int, paragraph: str = "<w:p/>") -> bytes:
    return body_xml(paragraph * count)


def test_a_docx_with_too_many_word_paragraphs_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the XML was parsed")

    limit = drafttext.MAX_DOCX_PARAGRAPHS
    data = docx_with(word_paragraphs(limit + 1))
    monkeypatch.setattr(drafttext.docx, "Document", no_parsing)
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.code == "docx_too_many_paragraphs"
    assert error.value.details == {"limit": limit}
    assert f"más de {limit} párrafos de Word" in error.value.message


@pytest.mark.parametrize(
    "paragraph",
    ["<w:p/>", "<w:p></w:p>", '<w:p w:rsidR="00A1">x</w:p>', "<w:p\n/>", "<x:p/>", "<p/>"],
)
def test_word_paragraph_tags_are_counted_whatever_their_form(
    monkeypatch: pytest.MonkeyPatch, paragraph: str
) -> None:
    monkeypatch.setattr(drafttext, "MAX_DOCX_PARAGRAPHS", 3)
    data = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": (paragraph * 4).encode()})
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.code == "docx_too_many_paragraphs"


def test_paragraph_properties_and_chunk_edges_are_not_miscounted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafttext, "_SCAN_CHUNK", 7)  # tags cut across the chunks read
    three = para("uno") + para("dos", "Quote") + "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    monkeypatch.setattr(drafttext, "MAX_DOCX_PARAGRAPHS", 3)
    assert read_docx(docx_with(body_xml(three))).sections  # <w:pPr>, <w:pStyle>: not paragraphs
    monkeypatch.setattr(drafttext, "MAX_DOCX_PARAGRAPHS", 2)
    with pytest.raises(DraftFormatError):
        read_docx(docx_with(body_xml(three)))


def test_a_docx_stops_being_read_past_the_most_paragraphs() -> None:
    data = docx_with(word_paragraphs(drafttext.MAX_PARAGRAPHS + 1, para("Texto")))
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.code == "too_many_paragraphs"


def test_a_docx_with_too_much_text_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drafttext, "MAX_TEXT_CHARS", 1_000)
    data = docx_with(word_paragraphs(60, para("Un párrafo de veinte.")))
    with pytest.raises(DraftFormatError) as error:
        read_docx(data)
    assert error.value.code == "text_too_long"
    assert error.value.details == {"limit": 1_000}


@pytest.mark.parametrize(
    "text",
    [
        "nombre,edad,ciudad\nAna,31,Antigua\nLuis,45,Cobán\nMaría,28,Xela\n",
        "fecha;monto;fuente\n2024-01-01;100,50;BID\n2024-02-01;200,00;BM\n2024-03-01;50,25;Fondos\n",
        "a\tb\n1\t2\n3\t4\n",
        'id,texto\n1,"Uno, con coma"\n2,"Dos"\n3,"Tres, y más"\n4,cuatro\n5,cinco\n',
        "\ufeffcódigo,indicador,meta,avance\n1.1,Tasa,10,5\n1.2,Índice,20,7\n",
        "x,y\n" + "\n".join(f"{n},{n * n}" for n in range(5000)),
    ],
    ids=["comma", "semicolon", "tab", "quoted", "bom", "long"],
)
def test_tables_of_data_are_recognised(text: str) -> None:
    assert drafttext.looks_tabular(text)


@pytest.mark.parametrize(
    "text",
    [
        DRAFT,
        "Una línea, con coma.",
        "Dos líneas, una coma.\nOtra línea, otra coma.\n",
        "Primero, un párrafo.\n\nSegundo, otro.\n\nTercero, el último.\n\nCuarto, y más.\n\nQuinto, fin.\n",
        "- uno, dos\n- tres, cuatro\n- cinco, seis\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n",
        "El plan, con metas claras,\nse publica cada año\ny se revisa, con la sociedad civil,\n"
        "en mesas técnicas.\nLa consulta es abierta.\n",
        "## Datos\n\nmonto,año\n100,2020\n200,2021\n",
    ],
    ids=["draft", "one-line", "two-lines", "paragraphs", "list", "pipe-table", "wrapped-prose", "heading"],
)
def test_drafts_are_not_taken_for_data(text: str) -> None:
    assert not drafttext.looks_tabular(text)


def test_the_sample_drafts_are_not_taken_for_data() -> None:
    from pathlib import Path

    import cocrea.drafts

    folder = Path(cocrea.drafts.__file__).parent / "data"
    drafts_found = sorted(folder.glob("*.md"))
    assert drafts_found
    for path in drafts_found:
        assert not drafttext.looks_tabular(path.read_text(encoding="utf-8")), path.name
