"""Shared fixtures: the real seed plan, imported into the test database."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUNDLED_SEED = REPO / "cocrea" / "plans" / "data" / "demo-plan.txt"
SHARED_SEED = REPO.parent / "shared" / "seed" / "plan-trabajo-hito1-compromiso11.txt"
SEED_PATH = SHARED_SEED if SHARED_SEED.exists() else BUNDLED_SEED


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


@pytest.fixture
def imported_seed(db, seed_bytes):  # type: ignore[no-untyped-def]
    """The seed imported (and published) through the real service; returns the import report."""
    from cocrea.plans import services

    return services.import_plan(seed_bytes, filename="plan-trabajo-hito1-compromiso11.txt", publish=True)


@pytest.fixture
def milestone(imported_seed):  # type: ignore[no-untyped-def]
    return imported_seed.milestone


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
def _clear_cache():  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def make_staff(django_user_model, email: str = "ana@inap.gob.gt", mfa: bool = True, **extra):  # type: ignore[no-untyped-def]
    """A superuser with a verified email and, unless ``mfa=False``, TOTP set up."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = django_user_model.objects.create_superuser(email.split("@")[0], email, "x-Strong-Pass-42", **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa:
        TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def staff(db, django_user_model):  # type: ignore[no-untyped-def]
    return make_staff(django_user_model)


@pytest.fixture
def staff_client(client, staff):  # type: ignore[no-untyped-def]
    client.force_login(staff)
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Hashing with PBKDF2 costs ~0.3 s a user; the tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
