"""Shared HTTP endpoints of the core: a stored upload as a download, for its uploader and auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404

from cocrea.core.http import (
    attachment,
)
from cocrea.core.models import Upload


@login_required
def download_upload(request: HttpRequest, upload: str) -> FileResponse:
    stored = get_object_or_404(Upload, pk=upload)
    if stored.owner_id != request.user.pk and not request.user.has_perm("audit.view_auditentry"):
        raise PermissionDenied
    return attachment(stored.file.open("rb"), f"{stored.original_name}")
