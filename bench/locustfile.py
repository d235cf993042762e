"""The load scenario of ``bench/load.py`` (locust): readers, citizens and coordinators at once.

Run by ``bench/load.py``, which sets everything up and passes, in the environment, the targets
written by ``bench/_load_django.py setup`` (``LOAD_TARGETS``), where to write the journal of
accepted writes (``LOAD_JOURNAL``) and how many coordinators (``LOAD_STAFF_USERS``). It does not
import Django: it is a client, and sees the site as a browser does.

- **Readers** (anonymous) read the public pages: home, action plan, commitment, work plan,
  schedule, dashboard, plan check, change history, participation, the calendar feed, meetings, the
  draft document, its versions, paragraphs and response report.
- **Citizens** sign in with one of the verified accounts (each in turn, so that no account goes past
  the per-account limits), read the draft open for consultation, comment on it or on one of its
  paragraphs, register for upcoming meetings, and now and then sign out and come back as the next
  account.
- **Coordinators** sign in with their password and the authenticator's current code (the staff
  two-step gate), and report progress on the activities of the milestone through the staff form.

Every write the site accepts (a comment: 302 to the new contribution; a registration: the page
after it says it is confirmed or on the waiting list; a progress report: 302 back to the form and
"Avance registrado.") is written to the journal with a token that identifies it in the database.
Anything else is a failure in locust's statistics.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import itertools
import json
import os
import random
import re
import struct
import threading
import time
import uuid
from http.cookiejar import DefaultCookiePolicy
from typing import Any

from locust import HttpUser, between, events, task

TARGETS: dict[str, Any] = json.loads(open(os.environ["LOAD_TARGETS"]).read())  # noqa: SIM115
JOURNAL_PATH = os.environ["LOAD_JOURNAL"]
RUN = uuid.uuid4().hex[:8]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_lock = threading.Lock()
_journal: list[dict[str, Any]] = []
_accounts = itertools.cycle(TARGETS["citizens"])
_staff = itertools.cycle(TARGETS["staff"])
_registered: set[tuple[str, str]] = set()  # (account, meeting) claimed: each registers once
_tokens = itertools.count(1)
THINK = float(os.environ.get("LOAD_THINK_SCALE", "1"))  # shorter pauses between actions when below 1


def token(kind: str) -> str:
    return f"carga-{RUN}-{kind}-{next(_tokens)}"


def accepted(**entry: Any) -> None:
    with _lock:
        _journal.append(entry)


@events.quitting.add_listener
def write_journal(environment: Any, **_kwargs: Any) -> None:
    with open(JOURNAL_PATH, "w") as out:
        out.writelines(json.dumps(entry) + "\n" for entry in _journal)


def _send_secure_cookies_over_loopback(policy: Any, cookie: Any, request: Any) -> bool:
    """The server runs with ``DEBUG=0``: its session and CSRF cookies are ``Secure`` (``__Host-``),
    as behind a TLS proxy. This client talks plain HTTP to 127.0.0.1 and sends them back anyway.
    (Patched on the class: requests merges the session's cookies into a jar of its own making, with
    the default policy, for every request.)"""
    return True


DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_loopback  # type: ignore[method-assign]


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238: what an authenticator app shows now (30-second steps, six digits, SHA-1)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def csrf_of(page_html: str) -> str:
    found = CSRF.search(page_html)
    return html.unescape(found.group(1)) if found else ""


class Visitor(HttpUser):
    abstract = True

    def read(self, name: str, url: str | None = None) -> Any:
        """GET one page of the kind ``name`` (a random one of that kind unless ``url``)."""
        url = url or random.choice(TARGETS["pages"][name])
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            return response

    def sign_in(self, email: str, *, code: bool = False) -> bool:
        """The sign-in form (and, for staff, the authenticator's code); True when signed in."""
        self.client.cookies.clear()
        page = self.client.get("/cuenta/login/", name="sign-in form")
        with self.client.post(
            "/cuenta/login/",
            data={
                "csrfmiddlewaretoken": csrf_of(page.text),
                "login": email,
                "password": TARGETS["password"],
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if code:
                if "/2fa/authenticate/" not in response.url:
                    response.failure(f"no two-step page after the password ({response.url})")
                    return False
                response.success()
            elif response.status_code != 200 or "/cuenta/login/" in response.url:
                response.failure(f"not signed in (HTTP {response.status_code}, {response.url})")
                return False
        if not code:
            return True
        # As a person does when the app's countdown is nearly over: wait for the next code, so that
        # it is still the current one when the server checks it (allauth allows no other window).
        left = 30 - time.time() % 30
        if left < 8:
            time.sleep(left + 0.5)
        with self.client.post(
            response.url,
            data={"csrfmiddlewaretoken": csrf_of(response.text), "code": totp(TARGETS["totp_secret"])},
            name="two-step code",
            catch_response=True,
        ) as second:
            if second.status_code != 200 or "/2fa/authenticate/" in second.url:
                second.failure(f"two-step code refused (HTTP {second.status_code}, {second.url})")
                return False
        return True


class Reader(Visitor):
    """An anonymous person reading the public pages."""

    weight = 40
    wait_time = between(1 * THINK, 5 * THINK)

    @task(6)
    def home(self) -> None:
        self.read("home")

    @task(2)
    def action_plan(self) -> None:
        self.read("action plan")

    @task(3)
    def commitment(self) -> None:
        self.read("commitment")

    @task(5)
    def work_plan(self) -> None:
        self.read("work plan")

    @task(4)
    def schedule(self) -> None:
        self.read("schedule")

    @task(4)
    def dashboard(self) -> None:
        self.read("dashboard")

    @task(1)
    def plan_check(self) -> None:
        self.read("plan check")

    @task(2)
    def change_history(self) -> None:
        self.read("change history")

    @task(2)
    def participation(self) -> None:
        self.read("participation")

    @task(1)
    def calendar(self) -> None:
        self.read("calendar feed")

    @task(3)
    def meeting(self) -> None:
        self.read("meeting")

    @task(1)
    def draft_document(self) -> None:
        self.read("draft document")

    @task(4)
    def draft_version(self) -> None:
        self.read("draft version")

    @task(4)
    def paragraph(self) -> None:
        self.read("paragraph")

    @task(2)
    def response_report(self) -> None:
        self.read("response report")


class Citizen(Visitor):
    """A registered citizen: reads the open draft, comments, registers for meetings."""

    weight = 8
    wait_time = between(2 * THINK, 8 * THINK)

    def on_start(self) -> None:
        self.account = ""
        self.next_account()

    def next_account(self) -> None:
        if self.account:
            page = self.client.get("/cuenta/perfil/", name="citizen: profile")
            self.client.post(
                "/cuenta/logout/", data={"csrfmiddlewaretoken": csrf_of(page.text)}, name="sign out"
            )
        with _lock:
            self.account = next(_accounts)
        self.signed_in = self.sign_in(self.account)

    @task(5)
    def read_open_draft(self) -> None:
        self.read("citizen: draft version", TARGETS["open_version"])

    @task(3)
    def read_paragraph(self) -> None:
        self.read("citizen: paragraph", random.choice(list(TARGETS["paragraph_keys"])))

    @task(4)
    def comment(self) -> None:
        if not self.signed_in:
            return self.next_account()
        on_paragraph = random.random() < 0.5
        where = random.choice(list(TARGETS["paragraph_keys"])) if on_paragraph else TARGETS["open_version"]
        page = self.read("citizen: paragraph" if on_paragraph else "citizen: draft version", where)
        mark = token("c")
        data = {
            "csrfmiddlewaretoken": csrf_of(page.text),
            "kind": "comment",
            "text": f"Propongo precisar este punto con un ejemplo del país. [{mark}]",
        }
        if on_paragraph:
            data["paragraph"] = TARGETS["paragraph_keys"][where]
        with self.client.post(
            TARGETS["contribute"],
            data=data,
            name="write: comment",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "#aporte-" not in response.headers.get("Location", ""):
                response.failure(f"comment not accepted (HTTP {response.status_code})")
                return None
            accepted(kind="comment", token=mark, account=self.account)
        self.read("citizen: after comment", response.headers["Location"].split("#")[0])
        return None

    @task(2)
    def register(self) -> None:
        if not self.signed_in:
            return self.next_account()
        with _lock:
            open_ = [m for m in TARGETS["meetings"] if (self.account, m) not in _registered]
            meeting = random.choice(open_) if open_ else None
            if meeting is not None:
                _registered.add((self.account, meeting))
        if meeting is None:
            return self.next_account()
        page = self.read("citizen: meeting", meeting)
        with self.client.post(
            TARGETS["signup"][meeting],
            data={"csrfmiddlewaretoken": csrf_of(page.text)},
            name="write: meeting registration",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"registration refused (HTTP {response.status_code})")
                return None
        after = self.read("citizen: meeting", meeting)
        text = after.text if after.status_code == 200 else ""
        if "Inscripción confirmada." in text or "quedó en la lista de espera" in text:
            accepted(kind="registration", email=self.account, meeting=meeting)
        else:
            events.request.fire(
                request_type="POST",
                name="write: meeting registration",
                response_time=0,
                response_length=0,
                exception=RuntimeError("the page after registering does not confirm it"),
                context={},
            )
        return None

    @task(1)
    def switch_account(self) -> None:
        self.next_account()


class Coordinator(Visitor):
    """A coordinator of the commitment (two-step verification) reporting progress on activities."""

    fixed_count = int(os.environ.get("LOAD_STAFF_USERS", "2"))
    wait_time = between(10 * THINK, 30 * THINK)

    def on_start(self) -> None:
        with _lock:
            self.account = next(_staff)
        self.signed_in = self.sign_in(self.account, code=True)

    @task(1)
    def hub(self) -> None:
        for name, url in TARGETS["staff_pages"].items():
            self.read(name, url)

    @task(3)
    def report_progress(self) -> None:
        if not self.signed_in:
            time.sleep(31)  # the next code: allauth accepts each code once
            self.signed_in = self.sign_in(self.account, code=True)
            return
        url = random.choice(TARGETS["progress"])
        page = self.read("staff: progress form", url)
        mark = token("p")
        with self.client.post(
            url,
            data={
                "csrfmiddlewaretoken": csrf_of(page.text),
                "day": TARGETS["today"],  # the site's date (its time zone), from the setup
                "percent": str(random.randint(1, 99)),
                "status": "",
                "note": f"Avance de la semana, revisado con el equipo. [{mark}]",
            },
            name="write: progress report",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"progress report not accepted (HTTP {response.status_code})")
                return
            accepted(kind="progress", token=mark, account=self.account)
        self.read("staff: progress form", url)
