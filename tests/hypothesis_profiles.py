"""Hypothesis profiles: fewer examples on a developer's machine, the full count in CI.

``HYPOTHESIS_PROFILE=ci`` (``.ci/run`` sets it) runs every property test with the number of
examples it names, and the tests that name none with Hypothesis's default of 100. The default
profile, ``dev``, runs a quarter of them (never fewer than 10, or than the test names if that is
less), so that ``make test`` stays quick; a failure found either way is kept in ``.hypothesis/``
and replayed first on the next run.

Tests name their count through :func:`examples`, so that both profiles scale it::

    @settings(max_examples=examples(200), deadline=None)
"""

from __future__ import annotations

import os

from hypothesis import settings

SHARE = {"ci": 1.0, "dev": 0.25}
FLOOR = 10

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if PROFILE not in SHARE:
    raise RuntimeError(f"HYPOTHESIS_PROFILE={PROFILE!r}: use one of {', '.join(SHARE)}")


def examples(count: int) -> int:
    """How many of the ``count`` examples a test names run under the active profile."""
    return max(min(count, FLOOR), round(count * SHARE[PROFILE]))


settings.register_profile("ci", max_examples=examples(100), print_blob=True)
settings.register_profile("dev", max_examples=examples(100))
settings.load_profile(PROFILE)
