"""Fixtures for the pure computations: the seed plan parsed once, and no database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cocrea.computations.planparse import ParsedPlan, parse_plan


@pytest.fixture(autouse=True, scope="session")
def _clear_cache() -> Iterator[None]:
    """Override the project-wide cache clearing: computations use no cache (and no Django).

    Being session-scoped also keeps Hypothesis from rejecting tests for a function-scoped fixture.
    """
    yield


@pytest.fixture(scope="session")
def seed_plan(seed_bytes: bytes) -> ParsedPlan:
    """The seed, parsed once. Tests read it and never change it."""
    return parse_plan(seed_bytes)
