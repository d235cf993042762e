"""The seed scenario: three drafts of the strategy, 60 contributions from people of several
organisations, their responses and resulting changes; the report's counts; indicators B–E."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from cocrea.drafts.models import Contribution, Paragraph, Response
from cocrea.drafts.queries import response_report
from cocrea.drafts.sample import EXPECTED

pytestmark = pytest.mark.django_db


def test_three_drafts_with_identity_carried(sample):
    v1, _v2, v3 = sample.versions
    assert [v.label for v in sample.versions] == ["Borrador 1", "Borrador 2", "Borrador 3"]
    assert [v.state for v in sample.versions] == ["closed", "closed", "open"]
    assert [v.paragraphs.count() for v in sample.versions] == [13, 15, 17]
    assert [v.sections.count() for v in sample.versions] == [5, 5, 5]
    # The first paragraph keeps its identity through the three drafts although its text changed.
    first = v1.paragraphs.get(position=1)
    history = list(Paragraph.objects.filter(key=first.key).order_by("version__number"))
    assert [p.version.number for p in history] == [1, 2, 3]
    assert "municipalidades" not in history[0].text and "municipalidades" in history[1].text
    # Every section keeps its key.
    assert {s.key for s in v1.sections.all()} == {s.key for s in v3.sections.all()}


def test_contributions_and_responses(sample):
    top = Contribution.objects.filter(parent=None)
    assert top.count() == EXPECTED["contributions"]
    assert Contribution.objects.exclude(parent=None).count() == EXPECTED["replies"]
    for number, count in EXPECTED["by_draft"].items():
        assert top.filter(version__number=number).count() == count
    assert top.values("person").distinct().count() == EXPECTED["persons"]
    assert (
        top.exclude(organization=None).values("organization").distinct().count() == EXPECTED["organizations"]
    )
    assert Response.objects.count() == EXPECTED["contributions"]
    assert Contribution.objects.exclude(hidden_at=None).count() == 1
    # Accepted and partly accepted contributions on a paragraph link to the next draft's paragraph.
    linked = Response.objects.filter(
        decision__in=["accepted", "partly"], contribution__paragraph__isnull=False
    )
    assert linked.exists()
    for response in linked:
        carried = list(response.resulting_paragraphs.all())
        assert carried, response.contribution_id
        assert all(p.version.number == response.contribution.version.number + 1 for p in carried)
        assert all(p.key == response.contribution.paragraph.key for p in carried)


def test_response_report_counts(sample):
    v1, v2, _v3 = sample.versions
    reports = [response_report(v1), response_report(v2)]
    assert [r.total for r in reports] == [36, 24]
    assert all(r.pending == 0 for r in reports)
    totals: dict[str, int] = {}
    for report in reports:
        for code, _label, count in report.by_decision:
            totals[code] = totals.get(code, 0) + count
    assert totals == {**EXPECTED["by_decision"], "pending": 0}
    # Draft 1: contributions 0..35 cycle through six decisions: six of each per cycle of six.
    assert {code: n for code, _l, n in reports[0].by_decision} == {
        "accepted": 12,
        "partly": 6,
        "not_accepted": 12,
        "out_of_scope": 6,
        "pending": 0,
    }
    kinds = {code: n for code, _l, n in reports[0].by_kind}
    assert sum(kinds.values()) == 36
    assert set(kinds) == {
        "government",
        "civil_society",
        "academia",
        "private_sector",
        "international",
        "individual",
    }


def test_indicators_b_to_e(sample, milestone):
    out = StringIO()
    call_command("indicators", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    rows = (
        {row["key"]: row for item in data for row in item["indicators"]} if isinstance(data, list) else None
    )
    if rows is None:
        rows = {row["key"]: row for row in data["milestones"][0]["indicators"]}
    concepts, standards, norms = EXPECTED["applied"][3]
    # The current version is the open draft 3 (no approved version yet).
    assert (rows["B"]["value"], rows["C"]["value"], rows["D"]["value"]) == (concepts, standards, norms)
    assert [h["count"] for h in rows["B"]["history"]] == [EXPECTED["applied"][n][0] for n in (1, 2, 3)]
    assert [h["count"] for h in rows["C"]["history"]] == [EXPECTED["applied"][n][1] for n in (1, 2, 3)]
    assert [h["count"] for h in rows["D"]["history"]] == [EXPECTED["applied"][n][2] for n in (1, 2, 3)]
    # Indicator E counts the commenters: 18 people, 10 organisations (no meetings recorded).
    assert rows["E"]["natural_persons"] == EXPECTED["persons"]
    assert rows["E"]["legal_persons"] == EXPECTED["organizations"]


def test_approved_version_is_the_current_one(sample, milestone):
    from cocrea.catalogue.figures import catalogue_indicators
    from cocrea.drafts.services import transition_version

    v1, _v2, v3 = sample.versions
    transition_version(v3, "closed")
    transition_version(v1, "approved")  # an older draft approved (unusual, but it must win)
    figures = catalogue_indicators(milestone.commitment)
    assert figures["concept"]["value"] == EXPECTED["applied"][1][0]
    assert figures["concept"]["version"] == "Borrador 1"
