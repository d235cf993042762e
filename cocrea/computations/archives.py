"""Zip containers inside uploads (DOCX, XLSX): refuse, before anything is unpacked, what would
inflate too much.

The sizes in a zip's central directory bound what :mod:`zipfile` produces: it stops reading a member
at its declared size and then checks the CRC, so a member that declares a few bytes and inflates to
gigabytes is cut short and refused as damaged (``BadZipFile``). Checking the declared sizes is
therefore enough to bound the memory and the time any parser can spend on the archive's contents.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

MARKUP_SUFFIXES = (".xml", ".rels")


@dataclass(frozen=True)
class ZipLimits:
    """The most an archive may hold, unpacked. ``None``: no limit of that kind."""

    entries: int  # members (files and folders) in the archive
    total: int  # bytes of all members together, unpacked
    member: int | None = None  # bytes of any one member, unpacked
    markup: int | None = None  # bytes of the ``.xml`` and ``.rels`` members together, unpacked


class ZipTooLarge(Exception):
    """The archive exceeds one of its :class:`ZipLimits`.

    ``reason`` is ``entries``, ``total``, ``member`` or ``markup``; ``limit`` the limit exceeded;
    ``found`` what the archive declares; ``member`` the member's name for ``member``.
    """

    def __init__(self, reason: str, limit: int, found: int, member: str = "") -> None:
        super().__init__(f"{reason}: {found} > {limit}" + (f" ({member})" if member else ""))
        self.reason = reason
        self.limit = limit
        self.found = found
        self.member = member


def check_zip_sizes(infos: Sequence[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Raise :class:`ZipTooLarge` when ``infos`` (``ZipFile.infolist()``) exceed ``limits``."""
    if len(infos) > limits.entries:
        raise ZipTooLarge("entries", limits.entries, len(infos))
    if limits.member is not None:
        biggest = max(infos, key=lambda info: info.file_size, default=None)
        if biggest is not None and biggest.file_size > limits.member:
            raise ZipTooLarge("member", limits.member, biggest.file_size, biggest.filename)
    total = sum(info.file_size for info in infos)
    if total > limits.total:
        raise ZipTooLarge("total", limits.total, total)
    if limits.markup is not None:
        markup = sum(info.file_size for info in infos if info.filename.endswith(MARKUP_SUFFIXES))
        if markup > limits.markup:
            raise ZipTooLarge("markup", limits.markup, markup)
