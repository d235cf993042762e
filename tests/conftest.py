"""Shared fixtures: the real seed plan, imported into the test database once per test process.

Each test process (xdist worker) imports the seed through the real service right after creating
its test database, and commits it. Every database test still runs in its own transaction, rolled
back at its end, and sees what it saw when each test imported the seed itself:

* a test that asks for the seed (``imported_seed``, ``milestone`` or a fixture built on them)
  finds its rows, and gets its own copy of the import report;
* any other database test finds the database empty: the seed's rows are deleted inside its
  transaction (and come back with the rollback);
* the sample co-creation (``sample_cocreation``) is built once per process too, then put in place
  inside each test that asks for it;
* after a transactional test (``transactional_db``, ``live_server``), which Django ends by emptying
  the database, the seed goes back in when a test needs it.

Cache entries the builds wrote are put back as well. See :mod:`tests.layers` for how.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import tests.hypothesis_profiles  # noqa: F401  (registers and loads the Hypothesis profile)
from tests.layers import Layer, cache_contents, copies, restore_cache, rolled_back

REPO = Path(__file__).resolve().parent.parent
BUNDLED_SEED = REPO / "cocrea" / "plans" / "data" / "demo-plan.txt"
SHARED_SEED = REPO.parent / "shared" / "seed" / "plan-trabajo-hito1-compromiso11.txt"
SEED_PATH = SHARED_SEED if SHARED_SEED.exists() else BUNDLED_SEED
SEED_FILENAME = "plan-trabajo-hito1-compromiso11.txt"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The real work plan: ../shared/seed when present, else the copy bundled in the package."""
    return SEED_PATH


@pytest.fixture(scope="session")
def seed_bytes(seed_path: Path) -> bytes:
    return seed_path.read_bytes()


@pytest.fixture(scope="session")
def seed_text(seed_bytes: bytes) -> str:
    return seed_bytes.decode("utf-8")


# -- The seed and the sample co-creation, built once per process ---------------------------------


@dataclass
class Built:
    """A state built once: what it changed in the database, in the cache, and what the build returned."""

    layer: Layer
    objects: tuple[Any, ...]
    cache: Any


@dataclass
class DatabaseState:
    """What a test is given: its own copies of the objects the builds returned."""

    report: Any = None
    staff: Any = None
    sample: Any = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, seed_bytes):  # type: ignore[no-untyped-def]
    """pytest-django's test database, with the seed imported (published) and committed."""
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import translation

    from cocrea.plans import services
    from cocrea.plans.models import Milestone, Organization

    with django_db_blocker.unblock(), translation.override(settings.LANGUAGE_CODE):
        if Milestone.objects.exists() or Organization.objects.exists():  # kept by --reuse-db
            call_command("flush", interactive=False, verbosity=0)
        cache.clear()
        layer, report = Layer.record(
            lambda: services.import_plan(seed_bytes, filename=SEED_FILENAME, publish=True)
        )
        seed = Built(layer, (report,), cache_contents())
        cache.clear()
    return seed


@pytest.fixture(scope="session")
def _sample_state(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The sample co-creation on the seed's milestone, by a staff member: recorded, then rolled back."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import override_settings
    from django.utils import translation

    from cocrea.drafts.sample import load_sample_cocreation

    seed = django_db_setup
    with (
        django_db_blocker.unblock(),
        translation.override(settings.LANGUAGE_CODE),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        rolled_back(),
    ):
        if not seed.layer.present():
            seed.layer.apply()
        cache.clear()
        restore_cache(seed.cache)
        (report,) = copies(*seed.objects)

        def build() -> tuple[Any, Any]:
            staff = make_staff(get_user_model())
            return staff, load_sample_cocreation(report.milestone, by=staff)

        layer, (staff, sample) = Layer.record(build)
        built = Built(layer, (report, staff, sample), cache_contents())
    cache.clear()
    return built


def _uses_database(request: pytest.FixtureRequest) -> bool:
    names = request.fixturenames
    return (
        request.node.get_closest_marker("django_db") is not None
        or "_django_db_helper" in names
        or "live_server" in names
    )


@pytest.fixture(autouse=True)
def _database_state(request, _clear_cache):  # type: ignore[no-untyped-def]
    """Put the database in the state the test asks for (see the module's docstring)."""
    if not _uses_database(request):
        return DatabaseState()
    request.getfixturevalue("_django_db_helper")  # the test's transaction (or transactional test) starts
    seed = request.getfixturevalue("django_db_setup")
    wants_sample = "sample_cocreation" in request.fixturenames
    wants_seed = wants_sample or "imported_seed" in request.fixturenames
    present = seed.layer.present()
    if wants_seed and not present:
        seed.layer.apply()
    elif present and not wants_seed:
        seed.layer.undo()
    if wants_sample:
        built = request.getfixturevalue("_sample_state")
        built.layer.apply()
    elif wants_seed:
        built = seed
    else:
        return DatabaseState()
    restore_cache(built.cache)
    return DatabaseState(*copies(*built.objects))


@pytest.fixture
def imported_seed(db, _database_state):  # type: ignore[no-untyped-def]
    """The seed imported (and published) through the real service; returns the import report.

    Imported once per process (see above); each test gets its own copy of the report, whose
    ``milestone`` is the instance the import created, with the related objects it holds."""
    assert _database_state.report is not None, "ask for imported_seed as an argument (or usefixtures)"
    return _database_state.report


@pytest.fixture
def milestone(imported_seed):  # type: ignore[no-untyped-def]
    return imported_seed.milestone


@pytest.fixture
def sample_cocreation(_sample_state, imported_seed, _database_state):  # type: ignore[no-untyped-def]
    """The sample co-creation (``cocrea.drafts.sample``) on the seed's milestone, loaded by ``staff``."""
    return _database_state.sample


@pytest.fixture(autouse=True)
def _site_language():  # type: ignore[no-untyped-def]
    """Each test starts in the site's language: a request in English earlier in the same worker
    leaves English active in the thread (LocaleMiddleware does not switch back)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _one_rate_window(monkeypatch):  # type: ignore[no-untyped-def]
    """Cocrea's rate limits count in fixed windows (``cocrea.core.ratelimit``): a test's requests
    either side of a minute's or an hour's turn would start a fresh count and pass a limit the
    test expects to hit. Each test's requests fall in one window."""
    import types

    from cocrea.core import ratelimit

    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_staff(django_user_model, email: str = "ana@inap.gob.gt", mfa: bool = True, **extra):  # type: ignore[no-untyped-def]
    """A superuser with a verified email and, unless ``mfa=False``, TOTP set up."""
    from tests.factories import StaffFactory

    return StaffFactory(username=email.split("@")[0], email=email, two_step=mfa, **extra)


@pytest.fixture
def staff(db, django_user_model, _database_state):  # type: ignore[no-untyped-def]
    """A superuser with TOTP; in a test with the sample co-creation, the one who loaded it."""
    return _database_state.staff or make_staff(django_user_model)


@pytest.fixture
def staff_client(client, staff):  # type: ignore[no-untyped-def]
    client.force_login(staff)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Hashing with PBKDF2 costs ~0.3 s a user; the tests create many users."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


# -- Background tasks (README "Background tasks"): run at once in the tests -------------------------


@pytest.fixture(scope="session", autouse=True)
def _tasks_run_at_once():  # type: ignore[no-untyped-def]
    """Tasks run when enqueued (django-tasks' immediate backend), so that tests not about the queue
    see their effect as before; job progress in local memory. Tests of the queue itself run a real
    worker in a subprocess (tests/tasks)."""
    from django.conf import settings
    from django.test.utils import override_settings

    jobs_cache = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cocrea-jobs"}
    override = override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        CACHES={**settings.CACHES, "jobs": jobs_cache},
    )
    override.enable()
    yield
    override.disable()


# -- The public page cache (README "Cache"): off in the tests, but for its own ------------------


@pytest.fixture(scope="session", autouse=True)
def _page_cache_off():  # type: ignore[no-untyped-def]
    """Tests run in a transaction rolled back at their end, whose on-commit hooks never run: a page
    cached in one would outlive what it showed. The page cache's own tests (tests/core/
    test_pagecache.py) turn it on and run the hooks; so with the public pages' kept blocks
    (test_content_cache.py). Versions in local memory, not files."""
    from django.conf import settings
    from django.test.utils import override_settings

    override = override_settings(
        PAGE_CACHE=False,
        CONTENT_CACHE=False,
        CACHES={
            **settings.CACHES,
            "versions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cocrea-v"},
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cocrea-p"},
        },
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture
def empty_page_caches():  # type: ignore[no-untyped-def]
    """The pages (and their kept blocks) and the versions emptied before and after the test, and
    no version bump left scheduled by an earlier one."""
    from django.core.cache import caches

    from cocrea.core import pagecache

    caches["pages"].clear()
    caches["versions"].clear()
    pagecache.forget_scheduled()
    yield
    caches["pages"].clear()
    caches["versions"].clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Run a write as if its transaction committed: the on-commit hooks (the version bumps) run."""
    import contextlib

    from cocrea.core import pagecache

    @contextlib.contextmanager
    def block():  # type: ignore[no-untyped-def]
        pagecache.forget_scheduled()
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return block


# -- Kept report files (cocrea/reports/kept.py): apart per test process and per test ---------------


@pytest.fixture(scope="session", autouse=True)
def _media_apart(tmp_path_factory):  # type: ignore[no-untyped-def]
    """Stored files (uploads, kept reports) under this test process's own temporary folder, not
    the repository's data folder, which other test processes and runs share."""
    from django.test.utils import override_settings

    override = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _kept_reports_apart():  # type: ignore[no-untyped-def]
    """A progress report is kept under the page-cache versions of what it reads, which only a
    committed write replaces; tests never commit, so each starts with new versions and never
    finds a report another test kept. A response report is kept under its content, which the
    session's sample co-creation gives every test alike: the kept files go too."""
    import shutil
    from pathlib import Path

    from django.conf import settings
    from django.core.cache import caches

    caches["versions"].clear()
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "reports", ignore_errors=True)
