"""Importing a draft's file: the document found (or created) by its title, and its next version."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cocrea.drafts.models import Document, DocumentVersion, Paragraph
from cocrea.drafts.services.documents import (
    create_document,
    create_version,
    find_document,
    split_version_title,
)
from cocrea.drafts.services.reading import read_draft
from cocrea.plans.models import Milestone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@dataclass
class DraftImport:
    document: Document
    version: DocumentVersion
    created_document: bool
    warnings: tuple[str, ...]
    kept: int  # paragraphs that continue one of the previous version
    new: int


@transaction.atomic
def import_draft(
    milestone: Milestone,
    data: bytes,
    *,
    by: User | AnonymousUser | None,
    filename: str = "",
    document_title: str = "",
    label: str = "",
    notes: str = "",
) -> DraftImport:
    """Import a draft: the document is found by its title (``document_title``, else the file's own
    title, else the file name); each import of the same document adds its next version."""
    parsed = read_draft(data, filename)
    title = (
        document_title.strip() or (parsed.title or "").strip() or PurePath(filename).stem.replace("-", " ")
    )
    title, named = split_version_title(title)
    if not title.strip():
        raise ValidationError(_("Indique el título del documento: el archivo no lo dice."))
    label = label or named
    document = find_document(milestone, title)
    created = document is None
    if document is None:
        document = create_document(milestone, title)
    previous_keys = set(
        Paragraph.objects.filter(version__document=document).values_list("key", flat=True).distinct()
    )
    version = create_version(
        document, parsed, by=by, source=PurePath(filename).name if filename else "", label=label, notes=notes
    )
    keys = list(version.paragraphs.values_list("key", flat=True))
    kept = sum(1 for key in keys if key in previous_keys)
    return DraftImport(document, version, created, parsed.warnings, kept, len(keys) - kept)
