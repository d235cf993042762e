"""The Django side of ``bench/load.py``, run in the server's environment as a subprocess.

    python bench/_load_django.py setup TARGETS.json --citizens N --staff K
    python bench/_load_django.py verify TARGETS.json JOURNAL.jsonl SINK.json

``setup`` adds to the seed demo what the scenario needs and writes the addresses and accounts the
load client uses: future meetings to register for (through the scheduling service), N verified
citizen accounts (one password hash for all: hashing it N times would take minutes), K coordinators
of the commitment with two-step verification (TOTP; the load client computes the codes), the
activities the coordinators report progress on, and every public page to read.

``verify`` compares what the load client was told was accepted (its journal) with the database
and what the SMTP sink received, and prints the result as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from datetime import time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "carga-Clave-Segura-2026"  # the load accounts' password (local database only)
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # the coordinators' authenticator key (base32)
CITIZEN_EMAIL = "carga-{:04d}@example.org"
STAFF_EMAIL = "coordina-carga-{}@example.org"
FUTURE_MEETINGS = 6
TOKEN = re.compile(r"\[(carga-[0-9a-z-]+)\]")


def start_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cocrea.settings")
    import django

    django.setup()


def setup(out: Path, citizens: int, staff: int) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from cocrea.accounts.models import Role
    from cocrea.accounts.services import grant_role
    from cocrea.drafts.models import DocumentVersion, VersionState
    from cocrea.participation.models import Meeting
    from cocrea.participation.services.schedule import create_meeting
    from cocrea.plans.models import Milestone

    User = get_user_model()
    milestone = Milestone.objects.select_related("commitment__action_plan").order_by("pk").first()
    assert milestone is not None, "the seed demo is not loaded"
    commitment = milestone.commitment
    today = timezone.localdate()
    with transaction.atomic():
        meetings = [
            create_meeting(
                milestone,
                title=f"Taller ciudadano de carga {n}",
                kind=Meeting.Kind.OTHER,
                day=today + timedelta(days=7 + n),
                starts=time(17, 0),
                ends=time(19, 0),
                place="Biblioteca Nacional, sala 2",
                capacity=40 if n % 3 == 0 else None,  # a full meeting puts people on its waiting list
                outside_period_confirmed=True,
            )
            for n in range(1, FUTURE_MEETINGS + 1)
        ]
        hashed = make_password(PASSWORD)
        users = User.objects.bulk_create(
            User(username=f"carga{n:04d}", email=CITIZEN_EMAIL.format(n), password=hashed)
            for n in range(1, citizens + 1)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
        )
        coordinators = []
        for n in range(1, staff + 1):
            user = User.objects.create_user(
                username=f"coordinacarga{n}", email=STAFF_EMAIL.format(n), password=PASSWORD
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            grant_role(user, Role.COORDINATOR, commitment=commitment)
            TOTP.activate(user, TOTP_SECRET)
            coordinators.append(user.email)

    # Activities whose next report today may say "in progress" (not done or cancelled, nothing later).
    activities = []
    for activity in milestone.activities.order_by("position"):
        last = activity.progress_entries.order_by("-day", "-pk").first()
        if last is None or (last.status in ("planned", "in_progress", "delayed") and last.day <= today):
            activities.append(activity.pk)
    version = DocumentVersion.objects.select_related("document").get(
        document__milestone=milestone, state=VersionState.OPEN
    )
    closed = DocumentVersion.objects.filter(document=version.document).exclude(pk=version.pk).order_by("-pk")
    held = milestone.meetings.filter(status="held").order_by("position").first()
    paragraphs = [p.get_absolute_url() for p in version.paragraphs.order_by("position")]
    pages = {
        "home": ["/"],
        "action plan": [commitment.action_plan.get_absolute_url()],
        "commitment": [commitment.get_absolute_url()],
        "work plan": [milestone.get_absolute_url()],
        "schedule": [milestone.get_schedule_url()],
        "dashboard": [milestone.get_dashboard_url()],
        "plan check": [milestone.get_check_url()],
        "change history": [milestone.get_history_url()],
        "participation": [commitment.get_participation_url()],
        "calendar feed": [
            reverse(
                "participation:commitment_calendar",
                kwargs={"plan": commitment.action_plan.slug, "number": commitment.number},
            )
        ],
        "meeting": [m.get_absolute_url() for m in [*meetings[:2], held] if m is not None],
        "draft document": [version.document.get_absolute_url()],
        "draft version": [version.get_absolute_url(), *(v.get_absolute_url() for v in closed)],
        "paragraph": paragraphs,
        "response report": [v.get_report_url() for v in closed] or [version.get_report_url()],
    }
    targets = {
        "password": PASSWORD,
        "totp_secret": TOTP_SECRET,
        "citizens": [CITIZEN_EMAIL.format(n) for n in range(1, citizens + 1)],
        "staff": coordinators,
        "pages": pages,
        "open_version": version.get_absolute_url(),
        "contribute": version.get_contribute_url(),
        "paragraph_keys": {p.get_absolute_url(): str(p.key) for p in version.paragraphs.all()},
        "meetings": [m.get_absolute_url() for m in meetings],
        "signup": {m.get_absolute_url(): reverse("participation:signup", args=[m.pk]) for m in meetings},
        "progress": [reverse("staff:record_progress", args=[pk]) for pk in activities],
        "staff_pages": {"staff: milestone hub": reverse("staff:milestone", args=[milestone.pk])},
        "today": today.isoformat(),
    }
    out.write_text(json.dumps(targets, indent=1))


def verify(targets_path: Path, journal: Path, sink_path: Path) -> None:
    from cocrea.core.models import OutboundEmail
    from cocrea.drafts.models import Contribution
    from cocrea.participation.models import Meeting, Registration
    from cocrea.plans.models import ProgressEntry

    targets = json.loads(targets_path.read_text())
    accepted = [json.loads(line) for line in journal.read_text().splitlines() if line.strip()]
    sink = json.loads(sink_path.read_text())

    def tokens(texts: list[str]) -> Counter[str]:
        return Counter(m for text in texts for m in TOKEN.findall(text))

    by_kind: dict[str, list[dict]] = {"comment": [], "registration": [], "progress": []}  # type: ignore[type-arg]
    for entry in accepted:
        by_kind[entry["kind"]].append(entry)
    stored_comments = tokens(
        list(Contribution.objects.filter(text__contains="[carga-").values_list("text", flat=True))
    )
    stored_progress = tokens(
        list(ProgressEntry.objects.filter(note__contains="[carga-").values_list("note", flat=True))
    )
    meeting_urls = {url: int(url.rstrip("/").rsplit("/", 1)[1]) for url in targets["meetings"]}
    stored_registrations = Counter(
        (email, pk)
        for email, pk in Registration.objects.filter(
            meeting__in=Meeting.objects.filter(pk__in=meeting_urls.values()),
            person__user__email__in=targets["citizens"],
        )
        .exclude(status="cancelled")
        .values_list("person__user__email", "meeting_id")
    )

    def compare(accepted_keys: list, stored: Counter) -> dict[str, int]:  # type: ignore[type-arg]
        wanted = Counter(accepted_keys)
        return {
            "accepted": len(accepted_keys),
            "stored": sum(min(stored[k], 1) for k in wanted),
            "lost": sum(1 for k in wanted if stored[k] == 0),
            "stored twice": sum(1 for k in wanted if stored[k] > 1),
            "stored, not reported as accepted": sum(1 for k in stored if k not in wanted),
        }

    writes = {
        "comment": compare([e["token"] for e in by_kind["comment"]], stored_comments),
        "registration": compare(
            [(e["email"], meeting_urls[e["meeting"]]) for e in by_kind["registration"]], stored_registrations
        ),
        "progress report": compare([e["token"] for e in by_kind["progress"]], stored_progress),
    }

    states = Counter(OutboundEmail.objects.values_list("state", flat=True))
    outbox_ids = set(OutboundEmail.objects.filter(state="sent").values_list("message_id", flat=True))
    received = Counter(message["message_id"] for message in sink)
    citizens = set(targets["citizens"])
    registration_mails = Counter(
        rcpt
        for message in sink
        for rcpt in message["to"]
        if rcpt in citizens and "carga" in message["subject"]
    )
    expected = Counter(e["email"] for e in by_kind["registration"])
    emails = {
        "outbox": dict(states),
        "expected (accepted registrations)": sum(expected.values()),
        "registration emails received": sum(registration_mails.values()),
        "received in all": len(sink),
        "received twice (same Message-ID)": sum(1 for n in received.values() if n > 1),
        "sent rows not received": len(outbox_ids - set(received)),
        "received, not in the outbox as sent": len(set(received) - outbox_ids),
        "recipients with a wrong count": sum(
            1
            for email in set(expected) | set(registration_mails)
            if expected[email] != registration_mails[email]
        ),
    }
    print(json.dumps({"writes": writes, "emails": emails}))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("setup")
    one.add_argument("out", type=Path)
    one.add_argument("--citizens", type=int, default=300)
    one.add_argument("--staff", type=int, default=2)
    two = sub.add_parser("verify")
    two.add_argument("targets", type=Path)
    two.add_argument("journal", type=Path)
    two.add_argument("sink", type=Path)
    args = parser.parse_args()
    start_django()
    if args.command == "setup":
        setup(args.out, args.citizens, args.staff)
    else:
        verify(args.targets, args.journal, args.sink)


if __name__ == "__main__":
    main()
