"""Brute-force lockout by account, not by address (django-axes), the client address behind trusted
proxies, and two-step codes limited per account (allauth's ``login_failed`` rate).

The attacks these reproduce: five failed sign-ins against made-up emails from one address used to
lock every account behind that address (a ministry's NAT; behind a reverse proxy, the whole site),
and two-step codes were limited only per address, so an attacker who had the password could guess
codes without end by changing address.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "x-Strong-Pass-42"
OFFICE = "10.1.1.1"  # one address shared by many people (a ministry's NAT)


@pytest.fixture(autouse=True)
def _axes_on(settings):
    settings.AXES_ENABLED = True


def sign_in(email, password, address=OFFICE, client=None, **headers):
    client = client or Client(REMOTE_ADDR=address)
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.wsgi_request.session


def locked(response):
    return response.status_code == 429 and "Acceso bloqueado temporalmente" in response.content.decode()


def make_participant(django_user_model, email):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(email.split("@")[0], email, PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def participant(django_user_model):
    return make_participant(django_user_model, "maria@minfin.gob.gt")


def test_failures_against_made_up_emails_do_not_lock_a_real_account_at_the_same_address(participant):
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(f"nadie{n}@example.org", "wrong")
    # The attack used to lock the address: the next person behind the same NAT was refused.
    assert signed_in(sign_in(participant.email, PASSWORD))


def test_failures_against_one_email_never_lock_another_email_at_the_same_address(participant):
    for _ in range(2 * django_settings.AXES_FAILURE_LIMIT):
        sign_in("nadie@example.org", "wrong")
    assert signed_in(sign_in(participant.email, PASSWORD))


def test_five_failures_lock_the_account_from_that_address(participant):
    statuses = [sign_in(participant.email, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    assert locked(sign_in(participant.email, PASSWORD)), "the right password does not open a locked pair"
    # The email is normalised: changing its case or padding it is the same account.
    assert locked(sign_in("  Maria@MINFIN.gob.gt ", PASSWORD))
    # From another address the owner still signs in: five failures lock the account + address pair;
    # the account itself is locked from every address after AXES_ACCOUNT_FAILURE_LIMIT failures.
    assert signed_in(sign_in(participant.email, PASSWORD, address="10.2.2.2"))


def refused(response):
    """Refused by the lock (axes' page) or by allauth's per-account rate limit (a form error)."""
    content = response.content.decode()
    return "_auth_user_id" not in response.wsgi_request.session and (
        locked(response) or "Demasiados intentos fallidos" in content
    )


@pytest.mark.parametrize("allauth_account_rate", [True, False], ids=["as-configured", "axes-alone"])
def test_failures_spread_over_addresses_lock_the_account_everywhere(
    participant, django_user_model, settings, allauth_account_rate
):
    if not allauth_account_rate:
        # Without allauth's per-account rate (a cache, per process with local memory) axes locks alone.
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "1000/m/ip"}
    limit = settings.AXES_ACCOUNT_FAILURE_LIMIT
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock a pair
    addresses = [f"10.3.0.{n + 1}" for n in range(-(-limit // per_address))]
    answers = [
        sign_in(participant.email, "wrong", address=addresses[n // per_address]).status_code
        for n in range(limit)
    ]
    assert answers == [200] * (limit - 1) + [429], "the last failure locks the account"
    for fresh in ("10.4.4.4", "10.4.4.5"):
        answer = sign_in(participant.email, PASSWORD, address=fresh)
        assert refused(answer)
        assert locked(answer) or allauth_account_rate
    # Other accounts at those addresses are not affected.
    other = make_participant(django_user_model, "otra@minfin.gob.gt")
    assert signed_in(sign_in(other.email, PASSWORD, address=addresses[0]))


def test_a_success_clears_the_pair_only(participant):
    for _ in range(4):
        sign_in(participant.email, "wrong", address="10.5.5.5")
    for _ in range(4):
        sign_in(participant.email, "wrong")
    assert signed_in(sign_in(participant.email, PASSWORD))
    rows = AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    assert list(rows) == [("maria@minfin.gob.gt", "10.5.5.5", 4)]


def test_access_attempts_record_the_email_typed_normalised(participant):
    sign_in(" MARIA@minfin.gob.gt", "wrong")
    sign_in("nadie@example.org", "wrong")
    rows = set(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start"))
    assert rows == {("maria@minfin.gob.gt", OFFICE, 1), ("nadie@example.org", OFFICE, 1)}


def test_the_forwarded_address_is_ignored_when_no_proxy_is_trusted(participant, settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0
    for n in range(5):
        # An attacker cannot blame someone else's address (nor escape the lock) with the header.
        sign_in(participant.email, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}
    assert locked(sign_in(participant.email, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_the_forwarded_address_is_used_behind_one_trusted_proxy(participant, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "172.16.0.1"
    for _ in range(5):
        # The client sent a forged entry first; the proxy appended the real address last.
        sign_in(participant.email, "wrong", address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.5")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    assert locked(sign_in(participant.email, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.5"))
    # Another person behind the same proxy is a different address.
    assert signed_in(sign_in(participant.email, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.6"))


def test_trusted_proxy_count_comes_from_one_variable():
    environment = {**os.environ, "TRUSTED_PROXY_COUNT": "2", "DJANGO_SETTINGS_MODULE": "cocrea.settings"}
    code = (
        "from django.conf import settings as s; "
        "print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.AXES_IPWARE_PROXY_COUNT, s.AXES_CLIENT_IP_CALLABLE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "2", "cocrea.accounts.lockout.client_ip"]


# --- Two-step codes --------------------------------------------------------------------------


def current_code(user):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
    from allauth.mfa.utils import decrypt

    secret = decrypt(Authenticator.objects.get(user=user, type="totp").data["secret"])
    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def test_two_step_codes_are_limited_per_account_whatever_the_address(django_user_model, settings):
    staff = make_staff(django_user_model, "jefa@inap.gob.gt")
    client = Client(REMOTE_ADDR="10.6.0.1")
    response = sign_in(staff.email, PASSWORD, client=client)
    assert response["Location"] == reverse("mfa_authenticate")
    limit = int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[-1].split("/")[0])
    for n in range(limit):
        # Each wrong code from a new address: the per-address limit never applies.
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"}, REMOTE_ADDR=f"10.7.{n}.1")
        assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    refused = client.post(reverse("mfa_authenticate"), {"code": current_code(staff)}, REMOTE_ADDR="10.8.0.1")
    assert refused.status_code == 200
    assert "Demasiados intentos fallidos" in refused.content.decode()
    assert "_auth_user_id" not in client.session, (
        "the right code is refused once the account's limit is spent"
    )


def test_the_right_two_step_code_still_signs_in_and_clears_the_pair(django_user_model):
    staff = make_staff(django_user_model, "jefe@inap.gob.gt")
    client = Client(REMOTE_ADDR="10.6.0.2")
    for _ in range(3):
        sign_in(" Jefe@INAP.gob.gt", "wrong", client=client)
    sign_in(staff.email, "wrong", address="10.6.0.3")  # from elsewhere: still counts afterwards
    sign_in(staff.email, PASSWORD, client=client)
    client.post(reverse("mfa_authenticate"), {"code": "000000"})
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(staff)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)
    # The sign-in completes at the two-step stage (no email in that form): the pair is cleared all
    # the same, and the failure from the other address still counts.
    rows = AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    assert list(rows) == [("jefe@inap.gob.gt", "10.6.0.3", 1)]


def test_the_lock_answers_the_same_for_unknown_emails(participant):
    known = [sign_in(participant.email, "wrong").status_code for _ in range(5)]
    unknown = [sign_in("nadie@minfin.gob.gt", "wrong").status_code for _ in range(5)]
    assert known == unknown == [200, 200, 200, 200, 429]
    assert locked(sign_in(participant.email, PASSWORD)) and locked(sign_in("nadie@minfin.gob.gt", PASSWORD))
