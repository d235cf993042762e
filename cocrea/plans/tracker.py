"""Importing the tracking spreadsheet of a whole action plan (``cocrea import-tracker``).

:func:`~cocrea.computations.trackerparse.read_tracker` reads the sheet; this module writes what it
read into an action plan, in one transaction (all or nothing), as an import (the audit trail says
so):

- **Commitments** are found by the sheet's commitment id (an OGP id such as ``GT0095``, or the
  commitment's number), else by their title (compared without case, accents or punctuation); a
  commitment the plan does not have is created. Its period comes from the sheet.
- **Milestones** are found inside their commitment by number, else by title; new ones are created
  with their product, dates, weight and responsible institutions (matched to the registry, new
  institutions added to it). The institutions become the commitment's responsible entities.
- **Activities**: in a sheet with one row per activity under its milestone, each row is an
  activity of the milestone's work plan, found by the number or letter its title starts with
  (``05.``, ``b)``), else by its title, or added (with its dates, weight and responsible
  institutions). Activities are never removed, whoever made them (a work-plan import, staff).
- **Progress**: a milestone without a detailed work plan is tracked directly. When the sheet's
  completion or status differs from the milestone's latest report (an activity's, for an activity
  row), a report is recorded for the import's day, through the same workflow as a report entered
  on screen (what was done and the observations as its note, the links as its evidence). A
  milestone with a work plan reports through its activities: a milestone row of it is left as a
  warning. A milestone tracked directly is never given activities: its activity rows are an error.
- **Who may**: an import by a person (``by``, else the actor in scope) may change only the
  commitments they may change (their coordinator; the plan's point of contact) and add
  commitments only where they may (administrators, the plan's point of contact); any other
  commitment of the sheet is an error naming it and its lines. The system may do anything.
- **Nothing staff wrote is lost**: no commitment, milestone, activity, institution or report is
  ever removed; a field staff changed since the last import keeps the staff value and is listed as a
  conflict; importing the same file again changes nothing.

Every problem of the sheet, every commitment the importer may not touch, and every report the
workflow refuses, is an error with its line: then nothing is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cocrea.accounts.rules import permission
from cocrea.audit.context import acting_as, current_actor
from cocrea.computations.orgnames import InstitutionName, OrgRef
from cocrea.computations.text import fold
from cocrea.computations.trackerparse import (
    Finding,
    TrackerCommitment,
    TrackerMilestone,
    TrackerResult,
    TrackerRow,
    activity_code,
    read_tracker,
)
from cocrea.plans.directory import load_directory
from cocrea.plans.execution import record_progress
from cocrea.plans.importer.sync import Registry, staff_edited
from cocrea.plans.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    CommitmentEntity,
    Milestone,
    Organization,
)
from cocrea.plans.workflow import WorkflowError

LEADING_NUMBER = re.compile(r"\s*(\d{1,3})\s*[.)\-–]\s+(?=\S)")
OGP_ID = re.compile(r"[A-Z]{2,4}\d{3,5}", re.IGNORECASE)  # GT0095, USA0123
STATUSES = {
    "not_started": ActivityStatus.PLANNED,
    "in_progress": ActivityStatus.IN_PROGRESS,
    "complete": ActivityStatus.DONE,
    "delayed": ActivityStatus.DELAYED,
    "cancelled": ActivityStatus.CANCELLED,
}


@dataclass
class TrackerReport:
    """What an import did (or, for a check, would do)."""

    result: TrackerResult
    plan: ActionPlan | None = None
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    reports: int = 0  # progress reports recorded
    conflicts: list[str] = field(default_factory=list)  # fields staff changed, kept
    errors: list[Finding] = field(default_factory=list)  # the sheet's, and those found writing
    notes: list[Finding] = field(default_factory=list)  # warnings found writing
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan.slug if self.plan else None,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "progress_reports": self.reports,
            "conflicts": self.conflicts,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in (*self.result.warnings, *self.notes)],
            "dry_run": self.dry_run,
        }


class TrackerRefused(Exception):
    """The import wrote nothing: ``report.errors`` says why."""

    def __init__(self, report: TrackerReport) -> None:
        super().__init__(_("La hoja tiene errores: no se importó nada."))
        self.report = report


class _DryRun(Exception):
    def __init__(self, report: TrackerReport) -> None:
        super().__init__("dry run")
        self.report = report


def find_plan(slug: str | None) -> ActionPlan:
    """The plan ``slug`` names, or the only one there is; :class:`ValueError` says which exist."""
    if slug:
        found = ActionPlan.objects.filter(slug=slug).first()
        if found is None:
            raise ValueError(_("No hay un plan de acción «%(slug)s».") % {"slug": slug} + _plans_known())
        return found
    plans = list(ActionPlan.objects.all()[:2])
    if len(plans) == 1:
        return plans[0]
    if not plans:
        raise ValueError(_("No hay ningún plan de acción: créelo primero (o importe su plan de trabajo)."))
    raise ValueError(_("Hay varios planes de acción: diga cuál con --plan.") + _plans_known())


def _plans_known() -> str:
    slugs = list(ActionPlan.objects.order_by("slug").values_list("slug", flat=True)[:20])
    return " " + _("Planes: %(slugs)s.") % {"slugs": ", ".join(slugs) or "—"}


@transaction.atomic
def import_tracker(
    data: bytes,
    *,
    plan: ActionPlan,
    publish: bool = False,
    day: date | None = None,
    commitment: str | None = None,
    by: Any | None = None,
) -> TrackerReport:
    """Write the tracker sheet ``data`` into ``plan`` (see the module docstring) as ``by`` (by
    default the actor in scope; ``None`` there is the system, which may write anything). Raises
    :class:`~cocrea.computations.trackerparse.TrackerError` for a file that is not a table with a
    header, :class:`TrackerRefused` when the sheet, the permissions or the workflow find an error
    (nothing written)."""
    result = read_tracker(data, commitment=commitment)
    report = TrackerReport(result=result, plan=plan, errors=list(result.errors))
    if report.errors:
        raise TrackerRefused(report)
    user = by if by is not None else current_actor().user
    with acting_as(user, "import"):
        _Writer(report, plan, publish, day or timezone.localdate(), user).run()
    if report.errors:
        transaction.set_rollback(True)
        raise TrackerRefused(report)
    return report


def preview_tracker(
    data: bytes,
    *,
    plan: ActionPlan,
    publish: bool = False,
    day: date | None = None,
    commitment: str | None = None,
    by: Any | None = None,
) -> TrackerReport:
    """What :func:`import_tracker` would do (and refuse), written inside a transaction rolled back."""
    try:
        with transaction.atomic():
            raise _DryRun(
                import_tracker(data, plan=plan, publish=publish, day=day, commitment=commitment, by=by)
            )
    except _DryRun as done:
        done.report.dry_run = True
        return done.report
    except TrackerRefused as refused:
        refused.report.dry_run = True
        return refused.report


def commitment_keys(item: TrackerCommitment) -> tuple[str, str]:
    """The OGP id (``GT0095``) and the commitment number the sheet's commitment id gives, if any."""
    ogp_id = item.commitment_id.upper() if OGP_ID.fullmatch(item.commitment_id) else ""
    number = item.commitment_id if item.commitment_id.isdigit() and len(item.commitment_id) <= 10 else ""
    return ogp_id, number


def match_commitment(item: TrackerCommitment, existing: Sequence[Commitment]) -> Commitment | None:
    """The commitment of ``existing`` the sheet's commitment is: by OGP id, number or folded title."""
    ogp_id, number = commitment_keys(item)
    return next(
        (
            c
            for c in existing
            if (ogp_id and c.ogp_id.upper() == ogp_id)
            or (number and c.number == number)
            or fold(c.title) == item.key
        ),
        None,
    )


def rows_of(item: TrackerCommitment) -> list[TrackerRow]:
    """The sheet's rows of a commitment: each milestone's row, or its activities' rows."""
    return [r for m in item.milestones for r in (m.activities or ((m.row,) if m.row else ()))]


def line_runs(item: TrackerCommitment, result: TrackerResult) -> list[dict[str, Any]]:
    """Where a commitment's rows are, as runs of lines (``{"sheet", "first", "last"}``) that no
    other commitment's row interrupts; its heading row opens the first run."""
    order = {title: index for index, title in enumerate(result.sheets)}
    mine = sorted({(r.sheet, r.line) for r in rows_of(item)}, key=lambda p: (order.get(p[0], 0), p[1]))
    others = {(r.sheet, r.line) for c in result.commitments if c is not item for r in rows_of(c)}
    runs: list[dict[str, Any]] = []
    for sheet, line in mine:
        last = runs[-1] if runs else None
        if (
            last is not None
            and last["sheet"] == sheet
            and not any(s == sheet and last["last"] < n < line for s, n in others)
        ):
            last["last"] = line
        else:
            runs.append({"sheet": sheet, "first": line, "last": line})
    if runs and item.line < runs[0]["first"]:
        runs[0]["first"] = item.line
    return runs


class _Writer:
    def __init__(
        self, report: TrackerReport, plan: ActionPlan, publish: bool, day: date, user: Any | None = None
    ) -> None:
        self.report = report
        self.plan = plan
        self.publish = publish
        self.day = day
        self.user = user
        directory = load_directory()
        self.registry = Registry(directory, report.created, report.updated)

    def run(self) -> None:
        self._authorise()
        if self.report.errors:
            return  # refused: nothing is written
        if self.publish and not self.plan.is_published:
            self.plan.is_published = True
            self.plan.save(update_fields=["is_published", "updated_at"])
            self.report.updated["actionplan"] += 1
        existing = list(self.plan.commitments.all())
        for item in self.report.result.commitments:
            commitment = self._commitment(item, existing)
            milestones = list(commitment.milestones.all())
            for position, milestone_item in enumerate(item.milestones, start=1):
                milestone = self._milestone(commitment, milestone_item, milestones, position)
                if any(row.activity for row in milestone_item.activities):
                    self._activities(commitment, milestone, milestone_item)
                else:
                    self._progress(milestone, milestone_item)

    # -- who may -----------------------------------------------------------------------------

    def _authorise(self) -> None:
        """Every commitment the sheet changes must be one the user may change, and every one it
        adds one the user may add to the plan (administrators, the plan's point of contact);
        otherwise an error per commitment, with its lines. The system (no user) may do anything."""
        user = self.user
        if user is None:
            return
        result = self.report.result
        existing = list(
            self.plan.commitments.select_related("action_plan").prefetch_related("entities", "milestones")
        )
        may_add = user.has_perm(permission("commitment", "add"), self.plan)
        change = permission("commitment", "change")
        for item in result.commitments:
            found = match_commitment(item, existing)
            if (found is None and may_add) or (found is not None and user.has_perm(change, found)):
                continue
            runs = line_runs(item, result)
            first: dict[str, Any] = runs[0] if runs else {"sheet": "", "first": item.line}
            self.report.errors.append(
                Finding(
                    "commitment_add_refused" if found is None else "commitment_change_refused",
                    first["first"],
                    "commitment",
                    item.title,
                    "a commitment this account may add to the plan (administrators, the plan's "
                    "point of contact)"
                    if found is None
                    else "a commitment this account may change (its coordinator, the plan's point "
                    "of contact, administrators)",
                    {
                        "commitment": found.title if found is not None else item.title,
                        "number": found.number if found is not None else "",
                        "runs": runs,
                    },
                    sheet=first["sheet"],
                )
            )
        if (
            self.publish
            and not self.plan.is_published
            and not user.has_perm(permission("actionplan", "publish"), self.plan)
        ):
            self.report.errors.append(
                Finding(
                    "plan_publish_refused",
                    result.header_line,
                    "",
                    "",
                    "an import that does not publish the action plan (its point of contact or an "
                    "administrator publishes it)",
                    {"plan": self.plan.name},
                )
            )

    # -- commitments -------------------------------------------------------------------------

    def _commitment(self, item: TrackerCommitment, existing: list[Commitment]) -> Commitment:
        ogp_id, number = commitment_keys(item)
        found = match_commitment(item, existing)
        values: dict[str, Any] = {"title": item.title[:500]}
        if ogp_id:
            values["ogp_id"] = ogp_id
        if item.start:
            values["period_start"] = item.start
        if item.end:
            values["period_end"] = item.end
        if item.description:
            values["description"] = item.description
        if found is None:
            found = Commitment.objects.create(
                action_plan=self.plan,
                number=number or _next_number(existing),
                is_published=self.publish,
                **values,
            )
            existing.append(found)
            self.report.created["commitment"] += 1
        else:
            self._update(found, values, label=_("Compromiso %(number)s") % {"number": found.number})
        for position, institution in enumerate(item.institutions):
            organization = self._organization(institution, item.line)
            if organization is None:
                continue
            _entity, created = CommitmentEntity.objects.get_or_create(
                commitment=found,
                organization=organization,
                role=CommitmentEntity.Role.RESPONSIBLE,
                defaults={"position": position},
            )
            if created:
                self.report.created["commitmententity"] += 1
        return found

    # -- milestones --------------------------------------------------------------------------

    def _milestone(
        self, commitment: Commitment, item: TrackerMilestone, existing: list[Milestone], position: int
    ) -> Milestone:
        number = item.milestone_id.strip().rstrip(".") if item.milestone_id else ""
        number = number.rpartition(".")[2] if number.count(".") == 1 else number  # "11.3" → "3"
        number = number if len(number) <= 10 else ""  # not a milestone's number: found by title
        title = item.title
        if numbered := LEADING_NUMBER.match(title):  # "3. Socializar la estrategia": milestone 3
            number = number or numbered.group(1)
            title = title[numbered.end(1) :].lstrip(" .)-–\t")
        by_title = next((m for m in existing if fold(m.title) in (item.key, fold(title))), None)
        by_number = next((m for m in existing if number and m.number == number), None)
        found = by_number or by_title
        values: dict[str, Any] = {"title": title}
        if found is not None and found is not by_title:
            # Found by its number under another title (a work plan's, or staff's): the title stays.
            del values["title"]
            self.report.notes.append(
                Finding(
                    "milestone_title_differs",
                    item.line,
                    "milestone",
                    item.title,
                    "the milestone keeps its title; the sheet names it differently",
                    {"milestone": found.number, "title": found.title},
                    "warning",
                )
            )
        if item.product:
            values["deliverable"] = item.product
        if item.start:
            values["starts_on"] = item.start
        if item.end:
            values["ends_on"] = item.end
        if item.weight is not None:
            values["weight"] = Decimal(str(item.weight)).quantize(Decimal("0.01"))
        if found is None:
            taken = {m.number for m in existing}
            if not number or number in taken:
                number = _next_number(existing, start=position)
            found = Milestone.objects.create(
                commitment=commitment, number=number, is_published=self.publish, **values
            )
            existing.append(found)
            self.report.created["milestone"] += 1
        else:
            self._update(
                found,
                values,
                label=_("Hito %(commitment)s.%(number)s")
                % {"commitment": commitment.number, "number": found.number},
            )
        found_organizations = [self._organization(i, item.line) for i in item.institutions]
        organizations = [o for o in found_organizations if o is not None]
        present = set(found.responsible.values_list("pk", flat=True))
        missing = [o for o in organizations if o.pk not in present]
        if missing:
            found.responsible.add(*missing)  # never removed: staff may have added some
            self.report.updated["milestone_institutions"] += len(missing)
        return found

    def _progress(self, milestone: Milestone, item: TrackerMilestone) -> None:
        if item.completion is None and not STATUSES.get(item.status, ""):
            return
        if milestone.activities.exists():
            self.report.notes.append(
                Finding(
                    "milestone_has_work_plan",
                    item.line,
                    "completion",
                    item.title,
                    "a milestone with a detailed work plan reports through its activities; "
                    "its completion in the sheet was not recorded",
                    {"milestone": milestone.number},
                    "warning",
                )
            )
            return
        refused = self._report(milestone, item)
        if refused is not None:
            self.report.errors.append(
                Finding(
                    "progress_refused",
                    item.line,
                    "completion",
                    item.row.completion_written if item.row else str(item.completion),
                    "a report the status workflow allows after the milestone's latest one",
                    {"milestone": milestone.number, "reason": refused},
                )
            )

    def _report(self, subject: Milestone | Activity, item: TrackerMilestone | TrackerRow) -> str | None:
        """Record the sheet's completion and status of ``subject`` for the import's day when they
        differ from its latest report; the workflow's reason when it refuses (else ``None``)."""
        status = STATUSES.get(item.status, "")
        if item.completion is None and not status:
            return None
        # Its state at the import's day (a later report, or one returned by the point of contact,
        # is not what the sheet is compared with).
        latest = (
            subject.progress_entries.in_effect().filter(day__lte=self.day).order_by("-day", "-pk").first()
        )
        if item.completion is not None:
            percent = Decimal(str(item.completion)).quantize(Decimal("0.01"))
        else:
            percent = latest.percent_complete if latest else Decimal(0)
        if (
            latest is not None
            and latest.percent_complete == percent
            and (not status or latest.status == status)
        ):
            return None  # nothing new: the same file again records nothing
        evidence = [(_("Evidencia %(n)s") % {"n": n}, url) for n, url in enumerate(item.evidence, start=1)]
        kept = [(title, url) for title, url in evidence if _storable_url(url)]
        other_links = "\n".join(url for _title, url in evidence if not _storable_url(url))
        parts = (item.description, item.observations, item.evidence_text, other_links)
        note = "\n\n".join(text for text in parts if text)
        try:
            with transaction.atomic():
                record_progress(
                    subject,
                    day=self.day,
                    percent=percent,
                    status=status or None,
                    actual_start=item.actual_start,
                    actual_end=item.actual_end,
                    note=note,
                    reason=(item.observations or _("Según la hoja de seguimiento"))
                    if status in (ActivityStatus.DELAYED, ActivityStatus.CANCELLED)
                    else "",
                    evidence=kept,
                    by=current_actor().user,
                    check_permission=False,
                )
        except WorkflowError as refused:
            return str(refused.message)
        self.report.reports += 1
        return None

    # -- activities --------------------------------------------------------------------------

    def _activities(self, commitment: Commitment, milestone: Milestone, item: TrackerMilestone) -> None:
        """The milestone's rows are its activities: each found in the milestone's work plan (by its
        number or letter, else its title) or added to it, and its progress recorded on it. A
        milestone whose progress is tracked directly is refused: it is tracked one way or the other."""
        existing = list(milestone.activities.prefetch_related("responsible"))
        label = f"{commitment.number}.{milestone.number}"
        if not existing and milestone.progress_entries.exists():
            self.report.errors.append(
                Finding(
                    "milestone_tracked_directly",
                    item.line,
                    "activity",
                    item.title,
                    "a milestone tracked by its activities; this one records its progress directly",
                    {
                        "milestone": label,
                        "title": milestone.title,
                        "reports": milestone.progress_entries.count(),
                        "lines": [row.line for row in item.activities],
                    },
                    sheet=item.activities[0].sheet,
                )
            )
            return
        taken = Activity.objects.filter(milestone=milestone).aggregate(last=models.Max("position"))["last"]
        next_position = (taken or 0) + 1
        rows_of_activity: dict[int, int] = {}  # activity → the sheet's first row of it
        for row in (r for r in item.activities if r.activity):  # a row naming only the milestone: none
            code = activity_code(row.activity)
            title = code.title or row.activity
            by_code = next(
                (
                    a
                    for a in existing
                    if (code.number is not None and a.number == code.number)
                    or (code.letter and a.letter.lower() == code.letter)
                ),
                None,
            )
            by_title = next((a for a in existing if fold(a.title) in (fold(title), fold(row.activity))), None)
            found = by_code or by_title
            if found is not None and found.pk in rows_of_activity:
                self.report.errors.append(
                    Finding(
                        "duplicate_activity",
                        row.line,
                        "activity",
                        row.activity,
                        f"one row per activity: this activity is also on line {rows_of_activity[found.pk]}",
                        {
                            "milestone": label,
                            "activity": found.code,
                            "first_line": rows_of_activity[found.pk],
                        },
                        sheet=row.sheet,
                    )
                )
                continue
            values: dict[str, Any] = {"title": title}
            if found is not None and found is not by_title:
                del values["title"]  # found by its number under another title: the title stays
                self.report.notes.append(
                    Finding(
                        "activity_title_differs",
                        row.line,
                        "activity",
                        row.activity,
                        "the activity keeps its title; the sheet names it differently",
                        {"milestone": label, "activity": found.code, "title": found.title},
                        "warning",
                        row.sheet,
                    )
                )
            if row.start:
                values["planned_start"] = row.start
            if row.end:
                values["planned_end"] = row.end
            if row.weight is not None:
                values["weight"] = Decimal(str(row.weight)).quantize(Decimal("0.01"))
            if found is None:
                found = Activity.objects.create(
                    milestone=milestone,
                    position=next_position,
                    number=code.number,
                    letter=code.letter,
                    **values,
                )
                next_position += 1
                existing.append(found)
                self.report.created["activity"] += 1
            else:
                self._update(
                    found,
                    values,
                    label=_("Actividad %(activity)s del hito %(milestone)s")
                    % {"activity": found.code, "milestone": label},
                )
            rows_of_activity[found.pk] = row.line
            organizations = [o for o in (self._organization(i, row.line) for i in row.institutions) if o]
            present = {o.pk for o in found.responsible.all()}
            missing = [o for o in organizations if o.pk not in present]
            if missing:
                found.responsible.add(*missing)  # never removed: staff may have added some
                self.report.updated["activity_institutions"] += len(missing)
            refused = self._report(found, row)
            if refused is not None:
                self.report.errors.append(
                    Finding(
                        "activity_progress_refused",
                        row.line,
                        "completion",
                        row.completion_written or str(row.completion),
                        "a report the status workflow allows after the activity's latest one",
                        {"milestone": label, "activity": found.code, "reason": refused},
                        sheet=row.sheet,
                    )
                )

    # -- shared ------------------------------------------------------------------------------

    def _organization(self, institution: InstitutionName, line: int) -> Organization | None:
        """The registry's organisation; ``None`` (and an error) for a name longer than the registry
        keeps, which is no institution's name (a paragraph pasted in the cell)."""
        name_limit = Organization._meta.get_field("name").max_length or 300
        acronym_limit = Organization._meta.get_field("acronym").max_length or 30
        if len(institution.name) > name_limit or len(institution.acronym) > acronym_limit:
            refused = Finding(
                "institution_too_long",
                line,
                "institutions",
                institution.written[:80] + "…",
                f"an institution's name of at most {name_limit} characters "
                f"(and an acronym of at most {acronym_limit})",
                {"limit": name_limit, "acronym_limit": acronym_limit},
            )
            if refused not in self.report.errors:  # named by the commitment and its milestone
                self.report.errors.append(refused)
            return None
        found = self.registry.find(OrgRef(institution.name, institution.acronym), create=True)
        assert found is not None
        return found

    def _update(self, row: models.Model, values: dict[str, Any], *, label: str) -> None:
        changed = {name: value for name, value in values.items() if getattr(row, name) != value}
        if not changed:
            return
        kept = staff_edited(row) & set(changed)
        for name in sorted(kept):
            self.report.conflicts.append(
                _("%(label)s: «%(field)s» lo cambió el personal; se conserva su valor.")
                % {"label": label, "field": row._meta.get_field(name).verbose_name}
            )
        updates = {name: value for name, value in changed.items() if name not in kept}
        if updates:
            for name, value in updates.items():
                setattr(row, name, value)
            row.edit_version += 1  # type: ignore[attr-defined]  # a form opened before sees it changed
            row.save(update_fields=[*updates, "edit_version", "updated_at"])
            self.report.updated[row._meta.model_name or ""] += 1


def _next_number(rows: list[Any], start: int = 1) -> str:
    taken = {row.number for row in rows}
    number = max(start, 1)
    while str(number) in taken:
        number += 1
    return str(number)


def _storable_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and len(url) <= 200
