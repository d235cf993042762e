"""Documents, their versions and the text of each version (sections and paragraphs)."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.dispatch import Signal
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cocrea.audit.context import operation
from cocrea.computations.draftdiff import match_paragraphs
from cocrea.computations.drafttext import (
    MAX_PARAGRAPHS,
    MAX_TEXT_CHARS,
    DraftFormatError,
    ParsedDraft,
    parse_markdown,
    render_markdown,
    to_markdown,
)
from cocrea.core import pagecache
from cocrea.core.actors import acting_user
from cocrea.core.versioning import StaleEdit
from cocrea.drafts.models import Document, DocumentVersion, Paragraph, Section, VersionState
from cocrea.drafts.services.reading import _translated, draft_error_message
from cocrea.plans.models import Activity, Milestone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Sent with {old paragraph pk: new paragraph pk} when a paragraph's text is carried into a new
# version or into a rewritten draft; the catalogue copies its links along.
paragraphs_carried = Signal()

OFFSET = 1_000_000


# --- documents and their text ------------------------------------------------------------------


def _unique_slug(milestone: Milestone, title: str) -> str:
    base = slugify(title)[:70] or "documento"
    slug, n = base, 2
    while Document.objects.filter(milestone=milestone, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _kind_from_title(title: str) -> str:
    words = slugify(title)
    if "marco" in words and "conceptual" in words:
        return Document.Kind.CONCEPTUAL_FRAMEWORK
    if "implementacion" in words or "implementation" in words:
        return Document.Kind.IMPLEMENTATION_PLAN
    if "estrategia" in words or "strategy" in words:
        return Document.Kind.STRATEGY
    return Document.Kind.OTHER


@transaction.atomic
def create_document(
    milestone: Milestone,
    title: str,
    *,
    kind: str | None = None,
    description: str = "",
    activity: Activity | None = None,
    sample: bool = False,
) -> Document:
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("El documento necesita un título."))
    with operation("web"):
        return Document.objects.create(
            milestone=milestone,
            title=title[:300],
            slug=_unique_slug(milestone, title),
            kind=kind or _kind_from_title(title),
            description=description,
            activity=activity,
            sample=sample,
        )


# "Estrategia … — Borrador 2", "Marco conceptual (versión final)", "Strategy, draft 3": the
# document's title, and the version's name.
VERSION_SUFFIX = re.compile(
    r"[\s\-–—:,.(\[]*\b((?:borrador|versi[oó]n|draft|version)\s*(?:n[oº°]?\.?\s*)?(?:\d+|final|preliminar))"
    r"[)\]]?\s*$",
    re.IGNORECASE,
)


def split_version_title(title: str) -> tuple[str, str]:
    """A file's title without the version it names, and that version's name ("" when none)."""
    title = " ".join(title.split())
    found = VERSION_SUFFIX.search(title)
    if not found or not title[: found.start()].strip():
        return title, ""
    label = found.group(1)
    return title[: found.start()].strip(), label[:1].upper() + label[1:]


def find_document(milestone: Milestone, title: str) -> Document | None:
    """The milestone's document with this title (case, accents and spacing ignored)."""
    wanted = slugify(title)
    for document in milestone.documents.all():
        if slugify(document.title) == wanted:
            return document
    return None


@dataclass
class _Block:
    section: int  # index into the parsed sections
    text: str


def _blocks(parsed: ParsedDraft) -> list[_Block]:
    return [_Block(i, text) for i, section in enumerate(parsed.sections) for text in section.paragraphs]


def _fit(text: str, limit: int) -> str:
    """A title that fits its column (PostgreSQL refuses longer ones), cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _previous(document: Document, before: int) -> DocumentVersion | None:
    return document.versions.filter(number__lt=before).order_by("-number").first()


def _write_content(version: DocumentVersion, parsed: ParsedDraft) -> None:
    """Make the version's sections and paragraphs those of ``parsed``, keeping identities.

    A block takes the key of the paragraph it matches, first among this version's own paragraphs
    (a draft being rewritten), then among the previous version's (a new version); otherwise it is
    new. Sections match by title, else by where most of their paragraphs came from.
    """
    own = list(version.paragraphs.select_related("section").order_by("position"))
    previous_version = _previous(version.document, version.number)
    earlier = (
        list(previous_version.paragraphs.select_related("section").order_by("position"))
        if previous_version
        else []
    )
    blocks = _blocks(parsed)
    texts = [b.text for b in blocks]
    keys: list[uuid.UUID | None] = [None] * len(blocks)
    origin: dict[int, Paragraph] = {}  # block index -> the paragraph it continues
    for new_index, old_index in match_paragraphs([p.text for p in own], texts).items():
        keys[new_index] = own[old_index].key
        origin[new_index] = own[old_index]
    taken = {k for k in keys if k is not None}
    rest = [i for i, k in enumerate(keys) if k is None]
    candidates = [p for p in earlier if p.key not in taken]
    if rest and candidates:
        found = match_paragraphs([p.text for p in candidates], [texts[i] for i in rest])
        for local, old_index in found.items():
            keys[rest[local]] = candidates[old_index].key
            origin[rest[local]] = candidates[old_index]
    final_keys = [k or uuid.uuid4() for k in keys]

    # Sections: by title among this version's, then the previous one's; else by majority of origin.
    own_sections = list(version.sections.all())
    earlier_sections = list(previous_version.sections.all()) if previous_version else []
    section_keys: list[uuid.UUID] = []
    used: set[uuid.UUID] = set()
    for index, parsed_section in enumerate(parsed.sections):
        title = " ".join(parsed_section.title.split()).casefold()
        key = next(
            (
                s.key
                for s in [*own_sections, *earlier_sections]
                if s.key not in used and " ".join(s.title.split()).casefold() == title
            ),
            None,
        )
        if key is None:
            votes = Counter(
                origin[i].section.key
                for i, b in enumerate(blocks)
                if b.section == index and i in origin and origin[i].section.key not in used
            )
            key = votes.most_common(1)[0][0] if votes else uuid.uuid4()
        used.add(key)
        section_keys.append(key)

    # Move the existing rows out of the way of the unique positions, then upsert (in bulk: no
    # signals, so the page cache is told here).
    pagecache.touched(version)
    version.sections.update(position=F("position") + OFFSET)
    version.paragraphs.update(position=F("position") + OFFSET)
    existing_sections = {s.key: s for s in own_sections}
    sections: list[Section] = []
    for position, (parsed_section, key) in enumerate(zip(parsed.sections, section_keys, strict=True), 1):
        section = existing_sections.get(key) or Section(version=version, key=key)
        section.position, section.level = position, parsed_section.level
        section.title = _fit(parsed_section.title, Section._meta.get_field("title").max_length or 500)
        sections.append(section)
    Section.objects.bulk_update([s for s in sections if s.pk], ["position", "level", "title"])
    Section.objects.bulk_create([s for s in sections if not s.pk])
    sections = list(version.sections.filter(key__in=section_keys))
    by_key = {s.key: s for s in sections}

    existing = {p.key: p for p in own}
    numbers: Counter[int] = Counter()
    paragraphs: list[Paragraph] = []
    for position, (block, key) in enumerate(zip(blocks, final_keys, strict=True), 1):
        section = by_key[section_keys[block.section]]
        numbers[block.section] += 1
        paragraph = existing.get(key) or Paragraph(version=version, key=key)
        paragraph.section, paragraph.position, paragraph.number = section, position, numbers[block.section]
        if paragraph.text != block.text or not paragraph.html:
            paragraph.text, paragraph.html = block.text, render_markdown(block.text)
        paragraphs.append(paragraph)
    Paragraph.objects.bulk_update(
        [p for p in paragraphs if p.pk], ["section", "position", "number", "text", "html"], batch_size=500
    )
    Paragraph.objects.bulk_create([p for p in paragraphs if not p.pk], batch_size=500)
    version.paragraphs.exclude(key__in=final_keys).delete()
    version.sections.exclude(key__in=section_keys).delete()

    carried = {}
    new_ids = dict(version.paragraphs.values_list("key", "pk"))
    for index, source in origin.items():
        if source.version_id != version.pk:
            carried[source.pk] = new_ids[final_keys[index]]
    if carried:
        paragraphs_carried.send(sender=Paragraph, carried=carried)


def _next_label(document: Document, number: int) -> str:
    """Stored data, so in the site's language whatever language the request is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Borrador %(number)s") % {"number": number}


@transaction.atomic
def create_version(
    document: Document,
    parsed: ParsedDraft,
    *,
    by: User | AnonymousUser | None,
    source: str = "",
    label: str = "",
    notes: str = "",
) -> DocumentVersion:
    """The document's next version, in draft, with its text; identities carried from the last one."""
    if not parsed.sections or not any(s.paragraphs or s.title for s in parsed.sections):
        raise ValidationError(_("El texto no tiene secciones ni párrafos."))
    if sum(len(s.paragraphs) for s in parsed.sections) > MAX_PARAGRAPHS:
        error = DraftFormatError("", "too_many_paragraphs", {"limit": MAX_PARAGRAPHS})
        raise ValidationError(draft_error_message(error), code=error.code)
    markdown = to_markdown(parsed)
    if len(markdown) > MAX_TEXT_CHARS:
        error = DraftFormatError("", "text_too_long", {"limit": MAX_TEXT_CHARS, "found": len(markdown)})
        raise ValidationError(draft_error_message(error), code=error.code)
    Document.objects.select_for_update().filter(pk=document.pk).first()  # one numbering at a time
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    with operation("web"):
        version = DocumentVersion.objects.create(
            document=document,
            number=number,
            label=(label or _next_label(document, number))[:120],
            markdown=markdown,
            notes=notes,
            source=source[:120],
            created_by=acting_user(by),
        )
        _write_content(version, parsed)
    return version


@transaction.atomic
def revise_draft(version: DocumentVersion, markdown: str, *, expected_version: int | None = None) -> None:
    """Rewrite a version that is still being drafted, from the editor's Markdown."""
    current = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if expected_version is not None and current.edit_version != expected_version:
        raise StaleEdit(current, [])
    if current.state != VersionState.DRAFT:
        raise ValidationError(_("Solo se edita el texto de una versión en redacción."))
    try:
        parsed = parse_markdown(markdown)  # DraftFormatError for a text without blocks, or too long
    except DraftFormatError as error:
        raise _translated(error) from error
    with operation("web"):
        current.markdown = markdown
        current.edit_version += 1
        current.save()
        _write_content(current, parsed)
    version.refresh_from_db()
