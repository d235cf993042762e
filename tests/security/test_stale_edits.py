"""Every staff edit form carries the version check: a stale save is refused, never silently lost.

The attack: two people edited the same agenda item (or membership); the later save overwrote the
earlier one without a word. Here every edit screen is opened, someone else saves meanwhile, and
the first person's save must come back 409 with the other person's value kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cocrea.budget.models import Expenditure
from cocrea.budget.services import edit_expenditure, record_expenditure
from cocrea.participation import services as participation
from cocrea.participation.models import AgendaItem, Agreement, Meeting, Membership
from cocrea.participation.services import register_person
from cocrea.plans.execution import correct_progress, record_progress
from cocrea.plans.models import Organization, ProgressEntry

pytestmark = pytest.mark.django_db

STAFF_NAMESPACES = ("staff", "drafts_staff", "catalogue_staff")
# Screens that edit an existing object from a form (beyond the ``edit_*`` names).
OTHER_EDIT_SCREENS = {"staff:meeting_minutes", "staff:reschedule_meeting", "drafts_staff:respond"}


class _Form(HTMLParser):
    """The fields of the page's form that holds ``edit_version``, with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._field: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif not self.forms:
            return
        elif tag == "input" and a.get("type") == "radio" and a.get("name"):
            if "checked" in a:
                self.forms[-1][a["name"]] = a.get("value") or ""
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox", "file"):
            self.forms[-1][a["name"]] = a.get("value") or ""
        elif tag == "textarea" and a.get("name"):
            self._field = a["name"]
            self.forms[-1][self._field] = ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1][self._select] = a.get("value") or ""

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "textarea":
            self._field = None
        if tag == "select":
            self._select = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._field:
            self.forms[-1][self._field] += data


def _edit_form(html: str) -> dict[str, str]:
    parser = _Form()
    parser.feed(html)
    found = [f for f in parser.forms if "edit_version" in f]
    assert found, "the edit form carries no edit_version"
    return found[0]


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names |= _names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name and namespace in STAFF_NAMESPACES:
            names.add(f"{namespace}:{entry.name}")
    return names


@pytest.fixture
def edits(milestone, staff):  # type: ignore[no-untyped-def]
    """One object behind each edit screen, and how someone else changes it meanwhile."""
    from django.utils import timezone

    from cocrea.catalogue.services import create_entry
    from cocrea.computations.drafttext import parse_markdown
    from cocrea.drafts import services as drafts

    meeting = Meeting.objects.filter(milestone=milestone).first()
    dated = Meeting.objects.filter(milestone=milestone).exclude(pk=meeting.pk).first()
    dated = participation.reschedule_meeting(
        dated, expected_version=dated.edit_version, day=date(2019, 5, 20)
    )
    item = participation.add_agenda_item(meeting, title="Bienvenida", by=staff)
    agreement = participation.add_agreement(meeting, text="Enviar el borrador", owner_text="GPAT", by=staff)
    person = register_person(name="Ana Pérez")
    membership = participation.add_membership(person, organization=Organization.objects.get(acronym="INAP"))
    entry = create_entry(kind="concept", name="Gobierno abierto")
    document = drafts.create_document(milestone, "Estrategia")
    draft = drafts.create_version(document, parse_markdown("## Uno\n\nUn párrafo.\n"), by=None)
    opened = drafts.create_version(document, parse_markdown("## Uno\n\nOtro párrafo.\n"), by=None)
    now = timezone.now()
    drafts.transition_version(opened, "open", opens_at=now, closes_at=now + timezone.timedelta(days=5))
    comment = drafts.contribute(opened, register_person(name="Luis Batz"), "Un comentario")
    drafts.respond_to_contribution(comment, decision="not_accepted", reason="Primera razón", by=staff)
    next_draft = drafts.create_version(document, parse_markdown("## Uno\n\nOtro párrafo.\n"), by=None)
    del next_draft
    expense = record_expenditure(
        milestone.budget_lines.get(number=1),
        day=date(2019, 4, 30),
        amount=Decimal("32000.00"),
        description="Asesores, abril",
        by=staff,
    )
    report = record_progress(milestone.activities.get(number=2), day=date(2019, 5, 20), percent=40, by=staff)
    return {
        "staff:edit_agenda_item": (
            reverse("staff:edit_agenda_item", args=[item.pk]),
            "title",
            lambda: participation.edit_agenda_item(item, title="Cambiado por otra persona", by=staff),
            lambda: AgendaItem.objects.get(pk=item.pk).title,
        ),
        "staff:edit_agreement": (
            reverse("staff:edit_agreement", args=[agreement.pk]),
            "text",
            lambda: participation.edit_agreement(
                agreement,
                expected_version=agreement.edit_version,
                text="Cambiado por otra persona",
                owner_text="GPAT",
                by=staff,
            ),
            lambda: Agreement.objects.get(pk=agreement.pk).text,
        ),
        "staff:edit_membership": (
            reverse("staff:edit_membership", args=[membership.pk]),
            "role",
            lambda: participation.edit_membership(
                membership, role="Cambiado por otra persona", since=date(2019, 1, 1), until=None, by=staff
            ),
            lambda: Membership.objects.get(pk=membership.pk).role,
        ),
        "staff:meeting_minutes": (
            reverse("staff:meeting_minutes", args=[meeting.pk]),
            "minutes",
            lambda: participation.record_minutes(
                meeting, text="Cambiado por otra persona", expected_version=meeting.edit_version, by=staff
            ),
            lambda: Meeting.objects.get(pk=meeting.pk).minutes,
        ),
        "staff:edit_meeting": (
            reverse("staff:edit_meeting", args=[meeting.pk]),
            "title",
            lambda: participation.edit_meeting(
                meeting,
                expected_version=Meeting.objects.get(pk=meeting.pk).edit_version,
                title="Cambiado por otra persona",
                kind=meeting.kind,
                by=staff,
            ),
            lambda: Meeting.objects.get(pk=meeting.pk).title,
        ),
        "staff:reschedule_meeting": (
            reverse("staff:reschedule_meeting", args=[dated.pk]),
            "reason",
            lambda: participation.reschedule_meeting(
                dated,
                expected_version=Meeting.objects.get(pk=dated.pk).edit_version,
                day=date(2019, 5, 21),
                reason="Cambiado por otra persona",
                by=staff,
            ),
            lambda: Meeting.objects.get(pk=dated.pk).status_reason,
        ),
        "catalogue_staff:edit_entry": (
            reverse("catalogue_staff:edit_entry", args=[entry.pk]),
            "name",
            lambda: __import__("cocrea.catalogue.services", fromlist=["edit_entry"]).edit_entry(
                entry, expected_version=entry.edit_version, name="Cambiado por otra persona"
            ),
            lambda: type(entry).objects.get(pk=entry.pk).name,
        ),
        "drafts_staff:edit_version": (
            reverse("drafts_staff:edit_version", args=[draft.pk]),
            "markdown",
            lambda: drafts.revise_draft(draft, "## Uno\n\nCambiado por otra persona\n"),
            lambda: type(draft).objects.get(pk=draft.pk).markdown,
        ),
        "staff:edit_expenditure": (
            reverse("staff:edit_expenditure", args=[expense.pk]),
            "reason",
            lambda: edit_expenditure(
                expense,
                expected_version=expense.edit_version,
                day=expense.day,
                amount=expense.amount,
                description="Cambiado por otra persona",
                reason="Otra persona corrige",
                by=staff,
            ),
            lambda: Expenditure.objects.get(pk=expense.pk).description,
        ),
        "staff:edit_progress": (
            reverse("staff:edit_progress", args=[report.pk]),
            "correction_reason",
            lambda: correct_progress(
                report,
                expected_version=report.edit_version,
                day=report.day,
                percent=report.percent_complete,
                note="Cambiado por otra persona",
                correction_reason="Otra persona corrige",
                by=staff,
            ),
            lambda: ProgressEntry.objects.get(pk=report.pk).note,
        ),
        "drafts_staff:respond": (
            reverse("drafts_staff:respond", args=[comment.pk]),
            "reason",
            lambda: drafts.respond_to_contribution(
                comment, decision="not_accepted", reason="Cambiado por otra persona", by=staff
            ),
            lambda: type(comment).objects.get(pk=comment.pk).response.reason,
        ),
    }


def test_every_edit_screen_is_walked(edits):
    names = _names(get_resolver())
    edit_screens = {n for n in names if n.split(":")[1].startswith("edit_")} | OTHER_EDIT_SCREENS
    assert edit_screens <= names
    assert edit_screens == set(edits), "an edit screen without a stale-save check in this test"


def test_a_stale_save_is_refused_on_every_edit_screen(staff_client, edits):
    for name, (url, field, other_saves, current) in edits.items():
        form = _edit_form(staff_client.get(url).content.decode())
        other_saves()  # someone else saves after the page was opened
        form[field] = "Mi cambio, sobre una copia vieja"
        if field == "markdown":
            form[field] = "## Uno\n\nMi cambio, sobre una copia vieja\n"
        response = staff_client.post(url, form)
        assert response.status_code == 409, (name, response.status_code)
        assert "Cambiado por otra persona" in current(), name
        assert "Otra persona guardó" in response.content.decode(), name
