"""Writes to the plans domain. Views, admin actions and commands call these, never ``save()``."""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from cocrea.audit.context import acting_as, current_actor
from cocrea.computations.plancheck import Finding, check_plan
from cocrea.computations.planparse import ParsedPlan, PlanParseError, decode, parse_plan
from cocrea.plans.directory import load_directory
from cocrea.plans.importer import ImportReport
from cocrea.plans.importer.document import INDICATOR_UNITS
from cocrea.plans.importer.sync import Importer
from cocrea.plans.models import Milestone, PlanDocument

__all__ = [
    "INDICATOR_UNITS",
    "ImportReport",
    "check_plan_file",
    "import_plan",
    "plan_text",
    "preview_import",
]


def check_plan_file(data: bytes) -> tuple[ParsedPlan, list[Finding]]:
    """Read and check a plan without writing anything (raises ``PlanParseError``)."""
    plan = parse_plan(data)
    return plan, check_plan(plan)


def existing_milestone(plan: ParsedPlan) -> Milestone | None:
    """The milestone a parsed plan would import into, if it was imported before."""
    return (
        Milestone.objects.filter(
            commitment__action_plan__slug=slugify(plan.action_plan_name)[:120] or "plan",
            commitment__number=plan.commitment_number,
            number=plan.milestone_number,
        )
        .select_related("document")
        .first()
    )


def _previous_document(milestone: Milestone | None) -> ParsedPlan | None:
    """What the document said at the last import: the base against which staff edits are told
    from the document's own changes."""
    stored = getattr(milestone, "document", None) if milestone is not None else None
    if stored is None:
        return None
    try:
        return parse_plan(stored.content.encode("utf-8"))
    except PlanParseError:
        return None


@transaction.atomic
def import_plan(
    data: bytes,
    *,
    filename: str,
    publish: bool = False,
    allow_removals: bool | Collection[str] = False,
    overwrite: bool = False,
) -> ImportReport:
    """Create or update the action plan, commitment and milestone work plan that ``data`` holds.

    All or nothing: the file is parsed before anything is written, and the writes run in one
    transaction. Importing the same file again changes nothing. A re-import changes only what
    came from the document (see :mod:`cocrea.plans.importer.sync` for the rules):

    - a field staff changed keeps the staff value and is reported as a conflict, unless
      ``overwrite``;
    - an item the new document no longer lists is reported in ``report.removals`` and stays,
      unless ``allow_removals`` is true (all of them) or names it (the removals' ``token``); then
      it is deleted, or archived when something hangs from it. What staff added is never removed.

    New action plans, commitments and milestones are unpublished unless ``publish`` is true;
    existing ones keep their state unless ``publish``.
    """
    plan, findings = check_plan_file(data)
    report = ImportReport(plan=plan, findings=findings)
    # Every write of a plan import is recorded as an import (whoever runs it, from wherever): the
    # trail then tells the import's changes from staff edits (importer.sync.staff_edited).
    with acting_as(current_actor().user, "import"):
        old = _previous_document(existing_milestone(plan))
        importer = Importer(
            plan,
            report,
            load_directory(),
            old=old,
            publish=publish,
            overwrite=overwrite,
            allow_removals=allow_removals,
        )
        report.milestone = importer.run()
        PlanDocument.objects.update_or_create(
            milestone=report.milestone,
            defaults={
                "filename": filename[:300],
                "sha256": hashlib.sha256(data).hexdigest(),
                "content": plan_text(data),
                "imported_at": timezone.now(),
            },
        )
    return report


class _DryRun(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__("dry run")
        self.report = report


def preview_import(
    data: bytes, *, filename: str = "", publish: bool = False, overwrite: bool = False
) -> ImportReport:
    """What :func:`import_plan` would do, without writing anything: the import runs inside a
    transaction that is rolled back. The report's removals are those a confirmation would make
    (``applied`` is false); its ``milestone`` is not saved."""
    try:
        with transaction.atomic(), acting_as(None, "import"):
            raise _DryRun(import_plan(data, filename=filename, publish=publish, overwrite=overwrite))
    except _DryRun as done:
        done.report.dry_run = True
        return done.report


def plan_text(data: bytes) -> str:
    return decode(data)
