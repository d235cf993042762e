"""Accounts and protections: two-step verification for staff, lockout, no account enumeration,
rate limits, security headers, production settings, CSRF on every unsafe route."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "x-Strong-Pass-42"


@pytest.fixture(autouse=True)
def _fresh_axes_and_limits(settings):
    from django.core.cache import cache

    cache.clear()
    settings.AXES_ENABLED = True


def test_staff_without_two_step_verification_are_sent_to_set_it_up(client, django_user_model):
    user = make_staff(django_user_model, "sin-mfa@inap.gob.gt", mfa=False)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_two_step_verification_reach_the_admin(staff_client):
    assert staff_client.get("/admin/").status_code == 200


def test_staff_sessions_end_after_30_idle_minutes(staff_client):
    staff_client.get("/")
    assert staff_client.session.get_expiry_age() == 30 * 60


def test_a_staff_session_row_is_written_at_most_once_a_minute(staff_client, monkeypatch):
    """The idle window slides without an UPDATE of the session row on every staff request."""
    import time

    from django.contrib.sessions.models import Session

    from cocrea.accounts import middleware

    start = time.time()
    monkeypatch.setattr(middleware.time, "time", lambda: start)
    staff_client.get("/gestion/")
    key = staff_client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    monkeypatch.setattr(middleware.time, "time", lambda: start + 30)
    staff_client.get("/gestion/")
    assert Session.objects.get(session_key=key).expire_date == first  # not written again
    monkeypatch.setattr(middleware.time, "time", lambda: start + middleware.REFRESH_EVERY + 1)
    staff_client.get("/gestion/")
    assert Session.objects.get(session_key=key).expire_date > first  # the window moved on


def test_participants_keep_ordinary_sessions(client, django_user_model):
    user = django_user_model.objects.create_user("p", "p@example.org", PASSWORD)
    client.force_login(user)
    client.get("/")
    assert client.session.get_expiry_age() > 30 * 60


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_an_account_ip_pair_is_locked_after_five_failures(client, staff):
    statuses = [login(client, staff.email, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = login(client, staff.email, PASSWORD)
    assert locked.status_code == 429
    assert "Acceso bloqueado temporalmente" in locked.content.decode()
    assert "_auth_user_id" not in client.session, "the right password does not open a locked pair"
    assert login(Client(REMOTE_ADDR="10.9.9.9"), staff.email, PASSWORD).status_code == 302


def test_login_answers_are_the_same_for_unknown_emails(client, staff):
    known = login(client, staff.email, "wrong").content.decode()
    unknown = login(Client(), "nadie@example.org", "wrong").content.decode()

    def errors(html):
        return re.findall(r'<ul class="errorlist[^"]*"[^>]*>.*?</ul>', html, re.S)

    assert errors(known) and errors(known) == errors(unknown)


def test_password_reset_answers_are_the_same_for_unknown_emails(client, staff):
    known = client.post(reverse("account_reset_password"), {"email": staff.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nadie@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The unknown address gets a "no account" mail, the known one a reset link: both get one mail.
    assert len(mail.outbox) == 2


def test_password_reset_is_rate_limited(client, staff, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "3/h/key"}
    statuses = [
        client.post(reverse("account_reset_password"), {"email": staff.email}).status_code for _ in range(4)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert statuses[3] == 429
    assert len(mail.outbox) == 3


def test_sign_up_is_rate_limited_and_the_refused_request_saves_nothing(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/h/ip"}
    statuses = []
    for n in range(4):
        statuses.append(
            client.post(
                reverse("account_signup"),
                {"email": f"persona{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
            ).status_code
        )
        client.logout()
    assert statuses[3] == 429
    assert get_user_model().objects.count() == 3
    assert not get_user_model().objects.filter(email="persona3@example.org").exists()


def test_sign_up_requires_email_verification(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "nueva@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert "_auth_user_id" not in client.session


def test_security_headers_on_every_response(client, milestone):
    for url in ("/", milestone.get_absolute_url(), reverse("account_login")):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_scripts_or_event_handlers(client, milestone):
    for url in ("/", milestone.get_absolute_url(), milestone.get_schedule_url(), reverse("account_login")):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url


def run_cocrea(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "cocrea.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


STRONG_KEY = "a-strong-secret-key-" + "x9Q!" * 12


def test_production_refuses_to_start_without_a_secret_key():
    result = run_cocrea("check", DEBUG="0", ALLOWED_HOSTS="cocrea.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    result = run_cocrea("check", DEBUG="0", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "django-insecure-development-only-key-never-use-in-production",  # the development key
        "django-insecure-" + "Zq8#Lm2$" * 6,  # a key Django generated for development
        "Zq8#Lm2$Vb7&" * 4,  # 48 characters
        "abcd" * 20,  # 4 distinct characters
    ],
    ids=["development-key", "django-insecure", "short", "few-distinct"],
)
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    result = run_cocrea("check", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="cocrea.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is too weak for DEBUG=0" in result.stderr
    assert key not in result.stderr, "the message does not repeat the key"


def test_production_refuses_to_start_with_a_wildcard_host():
    result = run_cocrea("check", DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="cocrea.example.org,*")
    assert result.returncode != 0
    assert "ImproperlyConfigured: ALLOWED_HOSTS must not contain '*' when DEBUG=0" in result.stderr


def test_development_keeps_its_defaults():
    result = run_cocrea("check", DEBUG="1", SECRET_KEY="dev", ALLOWED_HOSTS="*")
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_passes_in_production_settings():
    result = run_cocrea(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="cocrea.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


SAMPLE = {"slug": "x", "str": "x", "int": "1", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def all_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from all_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def concrete(route):
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + route.replace("\\", "")


def test_every_unsafe_route_refuses_a_request_without_a_csrf_token(staff):
    routes = sorted({concrete(r) for r in all_routes()})
    assert len(routes) > 50
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    accepted = []
    for url in routes:
        if "(" in url or "[" in url:
            continue
        response = client.post(url, {"x": "1"})
        if url == "/i18n/setlang/":  # exempt on purpose: it only sets the language (cocrea/urls.py)
            continue
        if response.status_code not in (403, 404, 405):
            accepted.append((url, response.status_code))
        if response.status_code == 404:
            continue
    assert not accepted, accepted
