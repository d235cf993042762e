"""The states the tests share (tests/layers.py, tests/conftest.py) are exactly what the builds wrote.

The seed is imported once per test process and the sample co-creation built once; each test then
gets them by a few INSERT/UPDATE/DELETE statements inside its own transaction. These tests check
that what a test finds is what the build left: row for row, with the cache entries it wrote, and an
empty database for a test that asks for neither.
"""

from __future__ import annotations

from typing import Any

import pytest

from cocrea.plans import services
from tests.conftest import SEED_FILENAME
from tests.layers import Layer, cache_contents, every_row

pytestmark = pytest.mark.django_db


def _rows_after(*layers: Layer) -> dict[Any, dict[Any, dict[str, Any]]]:
    """The rows an empty database holds once ``layers`` are applied in order."""
    rows: dict[Any, dict[Any, dict[str, Any]]] = {}
    for layer in layers:
        for model, added in layer.added.items():
            table = rows.setdefault(model, {})
            for row in added:
                table[row[model._meta.pk.attname]] = row
        for model, pairs in layer.changed.items():
            for _before, after in pairs:
                rows[model][after[model._meta.pk.attname]] = after
        for model, removed in layer.removed.items():
            for row in removed:
                del rows[model][row[model._meta.pk.attname]]
    return {model: table for model, table in rows.items() if table}


def _non_empty(rows: dict[Any, dict[Any, Any]]) -> dict[Any, dict[Any, Any]]:
    return {model: table for model, table in rows.items() if table}


def test_a_test_that_asks_for_no_seed_finds_an_empty_database():
    assert _non_empty(every_row()) == {}


def test_a_test_with_the_seed_finds_exactly_what_the_import_wrote(imported_seed, django_db_setup):
    seed = django_db_setup
    assert _non_empty(every_row()) == _rows_after(seed.layer)
    assert cache_contents() == seed.cache
    shared = seed.objects[0]
    # The test's own copy, with the related objects the import left on it (copied too):
    assert imported_seed is not shared and imported_seed.milestone is not shared.milestone
    assert "commitment" in imported_seed.milestone._state.fields_cache
    assert imported_seed.milestone.commitment is not shared.milestone.commitment
    assert imported_seed.milestone.pk == shared.milestone.pk
    assert (imported_seed.created, imported_seed.updated, imported_seed.deleted) == (
        shared.created,
        shared.updated,
        shared.deleted,
    )
    assert imported_seed.created["activity"] == 13 and imported_seed.created["meeting"] == 17


def test_the_seed_imported_in_a_test_writes_what_the_shared_one_holds(seed_bytes, django_db_setup):
    """The import as each test used to run it, in this test's empty database: the same rows."""
    shared = django_db_setup.objects[0]
    report = services.import_plan(seed_bytes, filename=SEED_FILENAME, publish=True)
    assert report.created == shared.created and not report.updated and not report.deleted
    fresh = {model: len(table) for model, table in _non_empty(every_row()).items()}
    assert fresh == {model: len(table) for model, table in _rows_after(django_db_setup.layer).items()}


def test_a_test_with_the_sample_finds_exactly_what_the_build_left(
    sample_cocreation, staff, milestone, django_db_setup, _sample_state
):
    assert _non_empty(every_row()) == _rows_after(django_db_setup.layer, _sample_state.layer)
    assert cache_contents() == _sample_state.cache
    _report, shared_staff, shared_sample = _sample_state.objects
    assert staff.pk == shared_staff.pk and staff is not shared_staff
    assert sample_cocreation.document.milestone.pk == milestone.pk
    assert [v.pk for v in sample_cocreation.versions] == [v.pk for v in shared_sample.versions]
