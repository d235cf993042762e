"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser`` and skips, with the reason, when ``/usr/bin/chromium`` is
missing (CI installs it). Playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright() -> Iterator[None]:
    """Let the test thread use the ORM while Playwright's sync API runs its event loop there.

    Playwright keeps an asyncio loop running in the test thread, so Django would refuse the ORM
    calls the tests make themselves (importing the seed, flushing the database afterwards) with
    SynchronousOnlyOperation. Only these modules are affected; the setting is undone after them.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookies, so Spanish) with a desktop-sized page."""
    # bypass_csp lets the tests inject axe-core; the pages themselves run under the real policy.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-GT", bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def seeded_milestone(transactional_db, imported_seed):  # type: ignore[no-untyped-def]
    """The real seed, committed in the database the live server reads (see tests/conftest.py)."""
    return imported_seed.milestone


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core as shipped in the axe-playwright-python package (a dev dependency)."""
    import axe_playwright_python

    path = Path(axe_playwright_python.__file__).resolve().parent / "axe.min.js"
    assert path.exists(), f"axe.min.js not found in {path.parent}"
    return path
