"""Property: whatever staff write between imports, an import never loses a row they wrote (#12, §1).

Each example runs rounds of random staff writes (meetings added and registered for, progress
reports, expenditures, agenda points, edits of imported and of staff-only fields, activities
added) followed by an import of the seed plan, unchanged or edited as a person would (meetings
and activities removed, renamed or added in the text), with or without confirming the removals.
After every import:

- every row staff created still exists, and nothing staff created was archived;
- every value staff set is still there (no ``--overwrite`` here);
- importing the same file once more creates, updates and removes nothing.

Run on SQLite by default and on PostgreSQL with ``DATABASE_URL``.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocrea.audit.context import acting_as
from cocrea.budget.services import record_expenditure
from cocrea.computations.planparse import PlanParseError
from cocrea.core.provenance import Origin
from cocrea.core.versioning import save_edit
from cocrea.participation.models import Meeting
from cocrea.participation.services import add_agenda_item, register_for_meeting
from cocrea.plans import services
from cocrea.plans.execution import record_progress
from cocrea.plans.models import Activity
from cocrea.plans.workflow import WorkflowError
from tests.factories import MeetingFactory, PersonFactory
from tests.hypothesis_profiles import examples

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


# --- the document, edited as a person would -----------------------------------------------------

SCHEDULE_ROW = re.compile(r"^\t?(Reunión [^\t]+)\t", re.MULTILINE)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def drop_meeting(text: str, k: int) -> str:
    titles = SCHEDULE_ROW.findall(text)
    if len(titles) < 3:
        return text
    title = titles[k % len(titles)]
    return "\n".join(line for line in _lines(text) if not line.lstrip("\t").startswith(f"{title}\t"))


def rename_meeting(text: str, k: int) -> str:
    titles = SCHEDULE_ROW.findall(text)
    title = titles[k % len(titles)]
    return re.sub(rf"^(\t?){re.escape(title)}\t", rf"\g<1>{title} (revisada)\t", text, count=1, flags=re.M)


def add_meeting(text: str, k: int) -> str:
    return text.replace("Reunión de Final\t", f"Reunión de Trabajo {16 + k}\tago-20\t\nReunión de Final\t", 1)


def _activity_numbers(text: str) -> list[int]:
    return [
        int(n)
        for n in re.findall(r"^(\d\d)\t", text.split("VI. RESPONSABILIDADES")[1].split("VII.")[0], re.M)
    ]


def drop_activity(text: str, k: int) -> str:
    numbers = _activity_numbers(text)
    if len(numbers) < 3:
        return text
    number = numbers[k % len(numbers)]
    head, rest = text.split("IV. ACTIVIDADES", 1)
    listed, rest = rest.split("V. ESTRATEGIAS", 1)
    letter = chr(ord("A") + number - 1)
    listed = "\n".join(line for line in _lines(listed) if not line.startswith(f"- {letter}. "))
    rest = "\n".join(line for line in _lines(rest) if not line.startswith(f"{number:02d}\t"))
    return f"{head}IV. ACTIVIDADES{listed}V. ESTRATEGIAS{rest}"


def rename_activity(text: str, k: int) -> str:
    numbers = _activity_numbers(text)
    letter = chr(ord("A") + numbers[k % len(numbers)] - 1)
    return re.sub(rf"^(- {letter}\. [^\n]*?)\.?$", r"\1 (revisada).", text, count=1, flags=re.M)


def add_activity(text: str, k: int) -> str:
    if "- N. " in text:
        return text
    text = re.sub(r"^(- M\. [^\n]*)$", r"\1\n- N. Evaluación de la primera fase.", text, count=1, flags=re.M)
    return re.sub(
        r"^(13\t[^\n]*)$",
        r"\1\n14\tEvaluación de la primera fase.\tINAP/GPAT\tAgosto 2020",
        text,
        count=1,
        flags=re.M,
    )


DOCUMENT_EDITS = {
    "drop_meeting": drop_meeting,
    "rename_meeting": rename_meeting,
    "add_meeting": add_meeting,
    "drop_activity": drop_activity,
    "rename_activity": rename_activity,
    "add_activity": add_activity,
}


# --- what staff write --------------------------------------------------------------------------------


@dataclass
class Written:
    """Rows staff created, and values staff set, to be found after every import."""

    rows: set[tuple[type[models.Model], int]] = field(default_factory=set)
    created: set[tuple[type[models.Model], int]] = field(default_factory=set)  # created by staff
    values: dict[tuple[type[models.Model], int, str], Any] = field(default_factory=dict)
    count: int = 0

    def row(self, obj: models.Model, *, created: bool = False) -> None:
        self.rows.add((type(obj), obj.pk))
        if created:
            self.created.add((type(obj), obj.pk))

    def value(self, obj: models.Model, name: str, value: Any) -> None:
        self.values[(type(obj), obj.pk, name)] = value


def _pick(queryset: Any, k: int) -> Any:
    rows = list(queryset)
    return rows[k % len(rows)] if rows else None


def staff_write(action: str, k: int, milestone: Any, staff: Any, written: Written) -> None:
    written.count += 1
    n = written.count
    meetings = milestone.meetings.order_by("position")
    if action == "meeting":
        with acting_as(staff, "web"):
            meeting = MeetingFactory(
                milestone=milestone,
                kind=("other", "working")[k % 2],
                number=None,
                title=f"Reunión del personal {n}",
                place="Sala 1",
            )
        written.row(meeting, created=True)
        written.row(register_for_meeting(meeting, PersonFactory(name=f"Persona {n}")), created=True)
    elif action == "register":
        meeting = _pick(meetings.exclude(status="cancelled"), k)
        if meeting is not None:
            registration = register_for_meeting(meeting, PersonFactory(name=f"Persona {n}"))
            written.row(registration, created=True)
    elif action == "progress":
        activity = _pick(milestone.activities.order_by("position"), k)
        with contextlib.suppress(WorkflowError, ValidationError):
            entry = record_progress(
                activity,
                day=date(2019, 1 + k % 12, 1 + n % 27),
                percent=Decimal(5 * (n % 20)),
                note="Avance",
                by=staff,
            )
            written.row(entry, created=True)
    elif action == "expense":
        line = _pick(milestone.budget_lines.order_by("position"), k)
        expense = record_expenditure(
            line, day=date(2019, 6, 1), amount=Decimal(100 + n), description="Gasto", by=staff
        )
        written.row(expense, created=True)
    elif action == "agenda":
        meeting = _pick(meetings, k)
        if meeting is not None:
            with acting_as(staff, "web"):
                written.row(add_agenda_item(meeting, title=f"Punto {n}", by=staff), created=True)
    elif action == "edit_title":
        activity = _pick(milestone.activities.order_by("position"), k)
        with acting_as(staff, "web"):
            edited = save_edit(
                Activity, activity.pk, activity.edit_version, {"title": f"Título del personal {n}"}
            )
        written.row(edited)
        written.value(edited, "title", f"Título del personal {n}")
    elif action == "edit_place":
        meeting = _pick(meetings, k)
        if meeting is not None:
            with acting_as(staff, "web"):
                edited = save_edit(Meeting, meeting.pk, meeting.edit_version, {"place": f"Lugar {n}"})
            written.row(edited)
            written.value(edited, "place", f"Lugar {n}")
    elif action == "activity":
        last = max(Activity.objects.filter(milestone=milestone).values_list("position", flat=True))
        with acting_as(staff, "web"):
            activity = Activity.objects.create(
                milestone=milestone, position=last + 1, title=f"Actividad del personal {n}"
            )
        written.row(activity, created=True)


def check(written: Written) -> None:
    for model, pk in written.rows:
        assert model._base_manager.filter(pk=pk).exists(), f"{model.__name__} {pk} was lost"
    for model, pk in written.created:
        row = model._base_manager.get(pk=pk)
        if hasattr(row, "origin"):
            assert row.origin == Origin.STAFF
        if hasattr(row, "archived_at"):
            assert row.archived_at is None, f"{model.__name__} {pk}, added by staff, was archived"
    for (model, pk, name), value in written.values.items():
        assert getattr(model._base_manager.get(pk=pk), name) == value, f"{model.__name__} {pk}.{name}"


# --- the property -------------------------------------------------------------------------------------

STAFF = st.lists(
    st.tuples(
        st.sampled_from(
            ["meeting", "register", "progress", "expense", "agenda", "edit_title", "edit_place", "activity"]
        ),
        st.integers(0, 40),
    ),
    max_size=5,
)
EDITS = st.lists(st.tuples(st.sampled_from(sorted(DOCUMENT_EDITS)), st.integers(0, 40)), max_size=3)
ROUNDS = st.lists(st.tuples(STAFF, EDITS, st.booleans()), min_size=2, max_size=3)


@settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rounds=ROUNDS)
def test_imports_never_lose_what_staff_wrote(milestone, staff, seed_text, rounds):
    with pytest.raises(Rollback), transaction.atomic():
        written = Written()
        for steps, edits, confirm in rounds:
            for action, k in steps:
                staff_write(action, k, milestone, staff, written)
            text = seed_text
            for edit, k in edits:
                text = DOCUMENT_EDITS[edit](text, k)
            try:
                with acting_as(staff, "web"):
                    services.import_plan(text.encode(), filename="plan.txt", allow_removals=confirm)
            except PlanParseError:
                continue  # the edit broke the document: it is refused whole, nothing is written
            check(written)
            again = services.import_plan(text.encode(), filename="plan.txt", allow_removals=confirm)
            assert again.totals() == {"created": 0, "updated": 0, "deleted": 0, "archived": 0}, again.removals
            check(written)
        raise Rollback
