"""Load and soak: readers, citizens and coordinators at once against the production setup (#14).

    .venv/bin/python bench/load.py                                  # 50 users, 10 minutes
    .venv/bin/python bench/load.py --users 10 --run-time 1m         # a short run while working
    .venv/bin/python bench/load.py --run-time 30m                   # the soak
    .venv/bin/python bench/load.py --tasks database                 # the database queue, not RQ

Sets everything up from nothing, on this machine only (127.0.0.1): a fresh PostgreSQL database
(``cocrea_load``) with the seed demo (``cocrea load-demo --sample-execution --sample-cocreation``),
what the scenario needs (``bench/_load_django.py setup``: upcoming meetings, verified citizen
accounts, coordinators with two-step verification), Redis DB 9 as the cache (this run's own key
prefix) and DB 10 as the task queue (RQ; its keys removed first, and the run refused when another
worker is registered there), a small SMTP server in this process that records every message it
receives, then ``cocrea serve`` (granian, ``--web-workers`` processes, ``DEBUG=0``) and one
``cocrea worker``. Then locust runs the scenario (``bench/locustfile.py``) headless.

Afterwards it waits for the worker to deliver every email, stops the server and the worker, and
prints p50/p95 per page and the errors, then checks that every write the site accepted is in the
database (comments, meeting registrations and progress reports, each identified by a token; none
lost) and that every email task ran once (the outbox all sent; each Message-ID received once; one
email per accepted registration). The exit status is 0 when there were no errors, nothing was
lost and the emails add up, else 1. ``--json FILE`` also writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import ctypes
import email
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COCREA = [sys.executable, "-m", "cocrea.cli"]  # the checkout beside this file
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-load-" + "k3y" * 20  # a strong-looking key for DEBUG=0 on 127.0.0.1 only
DRAIN_SECONDS = 300


class Sink:
    """aiosmtpd handler: every message received (Message-ID, recipients, subject)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content)
        subject = str(email.header.make_header(email.header.decode_header(parsed["Subject"] or "")))
        with self.lock:
            self.messages.append(
                {"message_id": parsed["Message-ID"], "to": list(envelope.rcpt_tos), "subject": subject}
            )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")


def empty_queue(url: str) -> None:
    """RQ's keys in the queue's Redis database, removed, unless a worker is using it (another load
    run: its worker would take this run's tasks, and this run's worker its tasks)."""
    import redis

    client = redis.Redis.from_url(url)
    if client.scard("rq:workers"):
        raise SystemExit(
            f"RQ workers are registered in {url} (another load run, or one whose worker was left "
            "running): stop them, wait for their registration to expire, or use --tasks database."
        )
    for key in client.scan_iter("rq:*"):
        client.delete(key)


def forget_cache(url: str, prefix: str) -> None:
    """This run's keys in the default cache (rate limits, MFA, jobs), deleted at the end. The page
    cache has prefixes of its own; its entries are keyed by host and port, so runs never share one."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):  # Django's keys are "prefix:version:key"
        client.delete(key)


def environment(args: argparse.Namespace, data_dir: str, smtp_port: int, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SENTRY_DSN", "TASKS_URL", "CACHE_URL")}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP to the server, as from a TLS proxy on the machine
        COCREA_DATA_DIR=data_dir,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{args.database}",
        CACHE_URL=f"{args.cache_url}?key_prefix={args.cache_prefix}",  # its own keys: nothing flushed
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        SITE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="cocrea.settings",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    if args.tasks == "redis":
        env["TASKS_URL"] = args.tasks_url
    return env


def run(env: dict[str, str], *command: str) -> str:
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # in the child, between fork and exec (as `cocrea start` does)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(env: dict[str, str], log: Path, *command: str) -> subprocess.Popen[bytes]:
    """The server or the worker, told to stop (SIGTERM) if this script dies, even by SIGKILL."""
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )


def stop(proc: subprocess.Popen[bytes], wait: float = 40) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the server finishes its requests; the worker its task
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server was not ready in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def outbox_states(database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}") as conn:
        rows = conn.execute("SELECT state, count(*) FROM core_outboundemail GROUP BY state").fetchall()
    return dict(rows)


def drain(database: str, sink: Sink, worker: subprocess.Popen[bytes]) -> float:
    """Wait until the worker has delivered every email (nothing pending or being sent, and the sink
    has at least as many messages as rows are sent); the seconds it took."""
    began = time.monotonic()
    while time.monotonic() - began < DRAIN_SECONDS and worker.poll() is None:
        states = outbox_states(database)
        if (
            not states.get("pending")
            and not states.get("sending")
            and len(sink.messages) >= states.get("sent", 0)
        ):
            break
        time.sleep(1)
    return time.monotonic() - began


def logged_errors(log: Path) -> int:
    """Lines at ERROR or above in a JSON-lines log (tracebacks of a crash count once each line)."""
    count = 0
    for line in log.read_text(errors="replace").splitlines():
        try:
            count += json.loads(line).get("level") in ("ERROR", "CRITICAL")
        except (ValueError, AttributeError):
            count += "Traceback" in line
    return count


def read_stats(prefix: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    with open(f"{prefix}_failures.csv", newline="") as failures:
        return rows, list(csv.DictReader(failures))


def print_report(
    args: argparse.Namespace,
    rows: list[dict[str, str]],
    failures: list[dict[str, str]],
    checked: dict[str, Any],
) -> dict[str, Any]:
    print(f"\n{'page or action':<34}{'requests':>9}{'p50':>9}{'p95':>9}{'errors':>8}")
    pages: dict[str, Any] = {}
    total = None
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        pages[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "errors": int(row["Failure Count"]),
        }
    for name in sorted(pages, key=lambda n: (n.startswith(("citizen", "staff", "write", "sign", "two")), n)):
        page = pages[name]
        print(
            f"{name:<34}{page['requests']:>9,}{page['p50_ms']:>7.0f}ms{page['p95_ms']:>7.0f}ms{page['errors']:>8}"
        )
    assert total is not None
    errors = int(total["Failure Count"])
    print(
        f"{'all':<34}{int(total['Request Count']):>9,}{float(total['50%']):>7.0f}ms"
        f"{float(total['95%']):>7.0f}ms{errors:>8}   ({float(total['Requests/s']):.1f} req/s)"
    )
    for failure in failures:
        print(
            f"  error: {failure['Method']} {failure['Name']}: {failure['Error']} × {failure['Occurrences']}"
        )

    print(f"\n{'accepted writes':<18}{'accepted':>9}{'stored':>8}{'lost':>6}{'twice':>7}{'unreported':>12}")
    lost = 0
    for kind, figures in checked["writes"].items():
        lost += figures["lost"]
        print(
            f"{kind:<18}{figures['accepted']:>9}{figures['stored']:>8}{figures['lost']:>6}"
            f"{figures['stored twice']:>7}{figures['stored, not reported as accepted']:>12}"
        )
    mails = checked["emails"]
    print("\nemails: " + ", ".join(f"{k} {v}" for k, v in mails.items()))
    emails_ok = (
        set(mails["outbox"]) <= {"sent"}
        and mails["expected (accepted registrations)"] == mails["registration emails received"]
        and mails["received twice (same Message-ID)"] == 0
        and mails["sent rows not received"] == 0
        and mails["received, not in the outbox as sent"] == 0
        and mails["recipients with a wrong count"] == 0
    )
    print(
        f"\nerrors {errors}, lost writes {lost}, emails "
        f"{'each sent once' if emails_ok else 'DO NOT ADD UP'}: "
        f"{'target met' if errors == 0 and lost == 0 and emails_ok else 'TARGET NOT MET'}"
    )
    return {
        "pages": pages,
        "requests": int(total["Request Count"]),
        "rps": float(total["Requests/s"]),
        "errors": errors,
        "failures": failures,
        "lost": lost,
        "emails_ok": emails_ok,
        **checked,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=50, help="simultaneous users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument(
        "--run-time", default="10m", help="how long, as locust says it: 90s, 10m, 1h (default 10m)"
    )
    parser.add_argument("--web-workers", type=int, default=2, help="cocrea serve's processes (default 2)")
    parser.add_argument("--staff-users", type=int, default=2, help="coordinators among the users (default 2)")
    parser.add_argument(
        "--think-scale", type=float, default=1, help="scales the pauses between a user's actions (default 1)"
    )
    parser.add_argument("--citizens", type=int, default=300, help="citizen accounts created (default 300)")
    parser.add_argument("--tasks", choices=["redis", "database"], default="redis", help="the task queue")
    parser.add_argument("--database", default="cocrea_load", help="PostgreSQL database (dropped first)")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--tasks-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    args.cache_prefix = f"load{os.getpid()}x{int(time.time())}"

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the server and worker first
    # lazy: aiosmtpd is a development dependency, needed only when the script runs
    from aiosmtpd.controller import Controller

    work = Path(tempfile.mkdtemp(prefix="cocrea-load-"))
    sink = Sink()
    smtp_port, port = free_port(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = environment(args, str(work / "data"), smtp_port, port)
    server = worker = None
    try:
        print(
            f"# bench/load.py: {args.users} users ({args.staff_users} coordinators), "
            f"spawn {args.spawn_rate:g}/s, {args.run_time}; cocrea serve × {args.web_workers} + 1 worker; "
            f"PostgreSQL {args.database}; cache {args.cache_url}; tasks "
            f"{args.tasks_url + ' (RQ)' if args.tasks == 'redis' else 'in the database'}; "
            f"{os.cpu_count()} CPUs, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            flush=True,
        )
        fresh_database(args.database)
        if args.tasks == "redis":
            empty_queue(args.tasks_url)
        began = time.monotonic()
        # collectstatic (compressing every file: seconds of CPU) needs no database: beside the rest.
        collecting = subprocess.Popen(
            [*COCREA, "collectstatic", "--noinput", "-v0"], env=env, cwd=REPO, stdout=subprocess.DEVNULL
        )
        run(env, *COCREA, "migrate", "--noinput", "-v0")
        run(env, *COCREA, "load-demo", "--sample-execution", "--sample-cocreation")
        if collecting.wait() != 0:
            raise SystemExit("collectstatic failed")
        targets = work / "targets.json"
        run(
            env,
            sys.executable,
            str(REPO / "bench" / "_load_django.py"),
            "setup",
            str(targets),
            f"--citizens={args.citizens}",
            f"--staff={args.staff_users}",
        )
        print(f"# set up in {time.monotonic() - began:.0f} s; work files in {work}", flush=True)

        server = start(
            env, work / "server.log", *COCREA, "serve", f"--workers={args.web_workers}", f"--port={port}"
        )
        worker = start(env, work / "worker.log", *COCREA, "worker")
        wait_ready(port, server, work / "server.log")

        prefix = str(work / "locust")
        journal = work / "journal.jsonl"
        locust_env = {
            **env,
            "LOAD_TARGETS": str(targets),
            "LOAD_JOURNAL": str(journal),
            "LOAD_STAFF_USERS": str(args.staff_users),
            "LOAD_THINK_SCALE": str(args.think_scale),
        }
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(REPO / "bench" / "locustfile.py"),
                "--headless",
                f"--users={args.users}",
                f"--spawn-rate={args.spawn_rate}",
                f"--run-time={args.run_time}",
                f"--host=http://127.0.0.1:{port}",
                f"--csv={prefix}",
                "--only-summary",
                "--stop-timeout=30",
                "--loglevel=WARNING",
                "--exit-code-on-error=0",
            ],
            env=locust_env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=open(work / "locust.log", "wb"),  # noqa: SIM115
            check=False,
        )
        if locust.returncode != 0 or not journal.exists():
            raise SystemExit(
                f"locust failed ({locust.returncode}):\n{(work / 'locust.log').read_text()[-3000:]}"
            )
        waited = drain(args.database, sink, worker)
        print(f"# the worker delivered the last emails {waited:.0f} s after the load stopped", flush=True)
        stop(server)
        stop(worker)
        sink_file = work / "sink.json"
        with sink.lock:
            sink_file.write_text(json.dumps(sink.messages))
        checked = json.loads(
            run(
                env,
                sys.executable,
                str(REPO / "bench" / "_load_django.py"),
                "verify",
                str(targets),
                str(journal),
                str(sink_file),
            )
            .strip()
            .splitlines()[-1]
        )
        rows, failures = read_stats(prefix)
        result = print_report(args, rows, failures, checked)
        result["logged errors"] = {name: logged_errors(work / f"{name}.log") for name in ("server", "worker")}
        print("# errors logged: " + ", ".join(f"{k} {v}" for k, v in result["logged errors"].items()))
        print(f"# load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if args.json:
            args.json.write_text(json.dumps(result, indent=1))
        ok = result["errors"] == 0 and result["lost"] == 0 and result["emails_ok"]
        if ok:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"# logs kept in {work}")
        return 0 if ok else 1
    finally:
        for proc in (server, worker):
            if proc is not None:
                stop(proc)
        controller.stop()
        with contextlib.suppress(Exception):
            forget_cache(args.cache_url, args.cache_prefix)


if __name__ == "__main__":
    sys.exit(main())
