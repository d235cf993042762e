"""Accepting uploads safely: a size limit, the type judged from the content, generated names.

The type a browser or the file name claims is ignored; :func:`sniff` reads the first bytes.
"""

from __future__ import annotations

import codecs
import hashlib
from typing import Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.core.models import Upload

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# What may be attached as evidence or as a meeting's document (served as downloads, never inline).
ATTACHMENT_KINDS = {"pdf", "png", "jpeg", "gif", "zip", "text"}

SIGNATURES = (
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),  # also DOCX and XLSX
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"\xd0\xcf\x11\xe0", "ole"),  # old Office formats
    (b"\x7fELF", "executable"),
    (b"MZ", "executable"),
)


class UploadRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sniff(data: bytes) -> str:
    """``pdf``, ``zip``, ``png``, …, ``text`` (UTF-8, Windows-1252, or UTF-16 with its byte-order
    mark: Excel's "Unicode text" and Notepad's "Unicode") or ``binary``."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    sample = data[:65536]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "text" if _utf16_text(sample) else "binary"
    if b"\x00" in sample:
        return "binary"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            try:
                sample.decode("cp1252")
            except UnicodeDecodeError:
                return "binary"
    return "text"


def _utf16_text(sample: bytes) -> bool:
    """UTF-16 text, judged on a sample that may end inside a character: no NUL, no bad sequence."""
    decoder = codecs.getincrementaldecoder("utf-16")()
    try:
        text = decoder.decode(sample, final=False)  # a character cut at the sample's end waits
    except UnicodeDecodeError:
        return False
    return "\x00" not in text


def read_upload(uploaded: Any, allowed: set[str], max_bytes: int | None = None) -> bytes:
    """The uploaded file's bytes, or :class:`UploadRejected` with a message for the person."""
    max_bytes = max_bytes or MAX_UPLOAD_BYTES
    if uploaded is None:
        raise UploadRejected(_("Elija un archivo."))
    if uploaded.size > max_bytes:
        raise UploadRejected(
            _("El archivo pesa %(size)s MB; el máximo es %(max)s MB.")
            % {"size": round(uploaded.size / 1_048_576, 1), "max": max_bytes // 1_048_576}
        )
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRejected(_("El archivo es demasiado grande."))
    if not data.strip():
        raise UploadRejected(_("El archivo está vacío."))
    data = bytes(data)
    kind = sniff(data)
    if kind not in allowed:
        raise UploadRejected(
            _("El contenido del archivo es de tipo «%(kind)s»; aquí se acepta: %(allowed)s.")
            % {"kind": kind, "allowed": ", ".join(sorted(allowed))}
        )
    return data


@transaction.atomic
def store_upload(data: bytes, *, original_name: str, owner: Any, purpose: str) -> Upload:
    upload = Upload(
        owner=owner if getattr(owner, "is_authenticated", False) else None,
        purpose=purpose,
        original_name=original_name[:255],
        kind=sniff(data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=timezone.now(),
    )
    upload.file.save(f"{upload.pk}.bin", ContentFile(data), save=False)
    upload.save()
    return upload


def _holding_fields() -> list[Any]:
    """Every foreign key that points at :class:`Upload` (evidence, meeting documents, …), found
    from the model registry so that ``core`` names no domain app."""

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_one and field.concrete and field.related_model is Upload
    ]


def holders(upload: Upload) -> list[Any]:
    """The objects that hold the upload: it may be served where every one of them may be read."""
    found: list[Any] = []
    for field in _holding_fields():
        found.extend(field.model._default_manager.filter(**{field.name: upload}))
    return found


def may_read_upload(user: Any, upload: Upload) -> bool:
    """A stored file is read through the objects that hold it, and only where *all* of them may be
    read: attaching another institution's unpublished meeting document to a public activity's
    evidence does not publish it. A file nothing holds is served to nobody here (its uploader
    gets it from the staff screens)."""
    found = holders(upload)
    return bool(found) and all(
        user.has_perm(f"{h._meta.app_label}.view_{h._meta.model_name}", h) for h in found
    )
