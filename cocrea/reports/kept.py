"""Kept reports: every report file a person downloads is built by a worker and kept in storage
(``reports/`` in the default storage), under a name made of its key and a fingerprint of what it
shows. A request serves the kept file for the current fingerprint at once, or asks for a build
(:mod:`cocrea.reports.tasks`); no request builds a report.

* **Response report** (a version's contributions and responses): its fingerprint is
  :func:`cocrea.reports.responses.fingerprint`, three aggregate queries over what it prints.
* **Progress report** (a milestone at a date, as PDF, XLSX or DOCX): see :func:`progress_fingerprint`.

The files are not reachable by any address of their own: media are served only through views that
check who may read them (``deploy/nginx.conf``), and the report views check, before anything
else, that the person may see the milestone or the version. A newer file replaces the older ones
of the same key when it is stored (:meth:`KeptReport.store`); the daily job removes progress
reports from earlier days and the files of versions that no longer exist (:func:`prune`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import get_language

from cocrea.core import pagecache
from cocrea.plans.models import Milestone

FOLDER = "reports"
PROGRESS_PREFIX = "avance-"
RESPONSES_PREFIX = "respuestas-"


@dataclass(frozen=True)
class KeptReport:
    """One report file: ``reports/<prefix><fingerprint>.<extension>``. The prefix is the key
    (what report, in which language); the fingerprint says which content."""

    prefix: str
    fingerprint: str
    extension: str

    @property
    def name(self) -> str:
        return f"{FOLDER}/{self.prefix}{self.fingerprint}.{self.extension}"

    def exists(self) -> bool:
        return bool(default_storage.exists(self.name))

    def open(self) -> IO[bytes] | None:
        """The kept file, open for reading; ``None`` when it is not there (never built, or replaced
        by a newer one between the check and the opening)."""
        try:
            return default_storage.open(self.name, "rb")
        except (FileNotFoundError, OSError):
            return None

    def read(self) -> bytes | None:
        stream = self.open()
        if stream is None:
            return None
        with stream:
            return stream.read()

    def store(self, data: bytes) -> None:
        """Keep ``data`` under this name and remove the other files of the same key (older
        content). Storing what is already kept does nothing (a task run twice)."""
        if self.exists():
            return
        for old in _files():
            if old.startswith(self.prefix):
                default_storage.delete(f"{FOLDER}/{old}")
        saved = default_storage.save(self.name, ContentFile(data))
        if saved != self.name:  # another build stored the same content meanwhile: one copy
            default_storage.delete(saved)


def _files() -> list[str]:
    if not default_storage.exists(FOLDER):
        return []
    return list(default_storage.listdir(FOLDER)[1])


# -- The progress report -------------------------------------------------------------------------


def progress_scopes(milestone: Milestone) -> list[str]:
    """The page-cache scopes of what a milestone's progress report reads: the dashboard's (the
    milestone and everything beneath it, the names shown everywhere, people, organisations,
    catalogue), and its commitment's own (the participants behind indicator E, the responsible
    entities), which the dashboard reads too."""
    kwargs = {
        "plan": milestone.commitment.action_plan.slug,
        "number": milestone.commitment.number,
        "milestone": milestone.number,
    }
    commitment = {"plan": kwargs["plan"], "number": kwargs["number"]}
    return [pagecache.GENERATION, *pagecache.address(kwargs), pagecache.tree(commitment)]


def progress_fingerprint(milestone: Milestone) -> str:
    """What decides whether a kept progress report is still right, without reading the data.

    The public page cache already keeps a version of "what changed" for each part of the site
    (:mod:`cocrea.core.pagecache`): every write to a plan, its activities, progress reports,
    budget, meetings, people, organisations or catalogue replaces the versions of the scopes it
    touches when it commits, and the dashboard, which shows the same figures as the report, is
    served from the cache under those versions (tested as a property for every write service).
    So the fingerprint is a hash of:

    * the current versions of the dashboard's scopes (:func:`progress_scopes`): a few cache reads,
      whatever the plan's size, where hashing what the report reads would cost the report's own
      queries on every request;
    * the code release (:func:`cocrea.core.pagecache.release`): a new release may write the
      report differently;
    * the day it is generated: the report prints "generated on", so a report kept from an earlier
      day is made again (and a write that somehow sent no signal is out of date one day at most).

    The versions are read *before* the data (the worker computes the fingerprint first, then
    gathers), so a write committed meanwhile leaves a file no later request asks for, never an
    old file under a new fingerprint. They live in the shared ``versions`` cache (files under the
    data directory, or Redis with ``CACHE_URL``), so the web processes and the worker agree.
    """
    versions = pagecache.current_versions(progress_scopes(milestone))
    basis = "|".join([*versions, pagecache.release(), timezone.localdate().isoformat()])
    return hashlib.sha256(basis.encode()).hexdigest()[:24]


def progress_prefix(milestone: Milestone, day: date, fmt: str) -> str:
    return f"{PROGRESS_PREFIX}{milestone.pk}-{day.isoformat()}-{get_language() or 'es'}-{fmt}-"


def kept_progress_report(milestone: Milestone, day: date, fmt: str) -> KeptReport:
    """The kept file of ``milestone``'s progress report at ``day`` in ``fmt``, in the active
    language, for the data as it is now (it may not be built yet)."""
    return KeptReport(progress_prefix(milestone, day, fmt), progress_fingerprint(milestone), fmt)


# -- Pruning (the daily job) ---------------------------------------------------------------------


def prune(today: date | None = None) -> int:
    """Remove the kept files no request will ask for again: progress reports generated before
    yesterday (their fingerprint holds the day they were made), and response reports of versions
    that no longer exist; and the records of report builds finished a week ago. Returns how many
    files were removed."""
    from cocrea.drafts.models import DocumentVersion
    from cocrea.reports.tasks import forget_old_builds

    forget_old_builds()

    today = today or timezone.localdate()
    limit = today - timedelta(days=1)
    files = _files()
    asked = {_version_id(name) for name in files if name.startswith(RESPONSES_PREFIX)} - {None}
    existing = set(DocumentVersion.objects.filter(pk__in=asked).values_list("pk", flat=True))
    removed = 0
    for name in files:
        path = f"{FOLDER}/{name}"
        if name.startswith(PROGRESS_PREFIX):
            made = timezone.localtime(default_storage.get_modified_time(path)).date()
            gone = made < limit
        elif name.startswith(RESPONSES_PREFIX):
            gone = _version_id(name) not in existing
        else:
            gone = False
        if gone:
            default_storage.delete(path)
            removed += 1
    return removed


def _version_id(name: str) -> Any:
    part = name[len(RESPONSES_PREFIX) :].split("-", 1)[0]
    return int(part) if part.isdigit() else None
