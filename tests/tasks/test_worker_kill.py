"""A real worker (``cocrea worker`` in a subprocess) killed with SIGKILL in the middle of a batch,
then started again: every task runs, no email is lost, none is sent twice. On the database of the
run (a SQLite file, or a PostgreSQL database ``cocrea_tasks_…``), with a tiny SMTP server here
counting what it receives. Also: the daily job's lock under concurrent workers, and ``cocrea start``
stopping both of its processes."""

from __future__ import annotations

import asyncio
import contextlib
import email
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from aiosmtpd.controller import Controller
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent
BATCH = 12
BLOCK_AT = 5  # the SMTP server holds the 5th message at RCPT: the worker is killed right there
pytestmark = pytest.mark.slow


class Sink:
    """An SMTP server's handler that records each message's Message-ID and can hold one message."""

    def __init__(self, block_at: int) -> None:
        self.ids: list[str] = []
        self.rcpts = 0
        self.block_at = block_at
        self.blocked = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        self.rcpts += 1
        if self.rcpts == self.block_at:
            self.blocked.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
            return "451 held by the test"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.ids.append(email.message_from_bytes(envelope.original_content)["Message-ID"])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what: str, limit: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def environment(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A migrated database of the run's kind, outside pytest's test database, and its environment."""
    data = tmp_path_factory.mktemp("tasks")
    env = {k: v for k, v in os.environ.items() if k not in ("TASKS_URL", "EMAIL_URL", "CACHE_URL")}
    env.update(COCREA_DATA_DIR=str(data), PYTHONPATH=str(ROOT), DEBUG="1", LOG_LEVEL="WARNING")
    if connection.vendor == "postgresql":
        server = urlsplit(os.environ["DATABASE_URL"])
        admin = server._replace(path="/postgres").geturl()
        name = "cocrea_tasks_" + os.environ.get("PYTEST_XDIST_WORKER", "main")  # one per test process
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            pg.execute(f"CREATE DATABASE {name}")
        env["DATABASE_URL"] = server._replace(path=f"/{name}").geturl()
    else:
        env.pop("DATABASE_URL", None)
    run(env, "migrate", "--noinput")
    yield env
    if connection.vendor == "postgresql":
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def cocrea(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cocrea.cli", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run(env: dict[str, str], *args: str) -> str:
    process = cocrea(env, *args)
    out, _ = process.communicate(timeout=300)
    assert process.returncode == 0, out
    return out


def shell(env: dict[str, str], code: str) -> str:
    return run(env, "shell", "-c", code)


def test_a_worker_killed_mid_batch_then_restarted_runs_every_task_and_sends_each_email_once(environment):
    sink = Sink(BLOCK_AT)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**environment, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "EMAIL_TIMEOUT": "120"}
    try:
        shell(
            env,
            "from django.core.mail import send_mail\n"
            "from cocrea.staff.tasks import run_daily\n"
            f"for n in range({BATCH}):\n"
            "    send_mail(f'Mensaje {n}', 'Cuerpo', None, [f'p{n}@example.org'])\n"
            "run_daily.enqueue()\n",
        )
        worker = cocrea(env, "worker", "--no-schedule", "--interval", "0.2")
        wait_for(sink.blocked.is_set, "the worker to reach the held message")
        assert worker.poll() is None
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        assert worker.returncode == -signal.SIGKILL
        sink.release.set()
        held = len(sink.ids)
        assert held == BLOCK_AT - 1  # those before the held one went out; the rest are waiting
        state = shell(
            env,
            "from django_tasks_db.models import DBTaskResult\n"
            "print(sorted(DBTaskResult.objects.values_list('status', flat=True)))",
        )
        assert "RUNNING" in state and "READY" in state  # killed mid-task, with tasks still queued

        out = run(
            env, "worker", "--burst", "--no-schedule", "--interval", "0.2"
        )  # started again: runs all, then stops
        report = shell(
            env,
            "from collections import Counter\n"
            "from django_tasks_db.models import DBTaskResult\n"
            "from cocrea.core.models import OutboundEmail\n"
            "print(dict(Counter(DBTaskResult.objects.values_list('status', flat=True))))\n"
            "print(dict(Counter(OutboundEmail.objects.values_list('state', flat=True))))\n"
            "print(sorted(OutboundEmail.objects.values_list('message_id', flat=True)))\n",
        )
    finally:
        sink.release.set()
        controller.stop()
    lines = report.strip().splitlines()
    assert lines[-3] == str({"SUCCESSFUL": BATCH + 1}), out  # every email task and the daily job ran
    assert lines[-2] == str({"sent": BATCH})
    received = Counter(sink.ids)
    assert len(received) == BATCH and set(received.values()) == {1}  # none lost, none twice
    assert sorted(received) == sorted(eval(lines[-1]))


def test_concurrent_workers_enqueue_the_daily_job_once(environment):
    out = shell(
        environment,
        "import threading\n"
        "from django.db import connection\n"
        "from cocrea.core.schedule import enqueue_once_a_day\n"
        "from cocrea.core.models import ScheduledRun\n"
        "from cocrea.staff.tasks import run_daily\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "ScheduledRun.objects.all().delete()\n"
        "DBTaskResult.objects.filter(task_path='cocrea.staff.tasks.run_daily').delete()\n"
        "barrier = threading.Barrier(6)\n"
        "won = []\n"
        "def worker():\n"
        "    barrier.wait()\n"
        "    try:\n"
        "        won.append(enqueue_once_a_day('daily', run_daily, 0))\n"
        "    finally:\n"
        "        connection.close()\n"
        "threads = [threading.Thread(target=worker) for _ in range(6)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(sorted(won), ScheduledRun.objects.count(),\n"
        "      DBTaskResult.objects.filter(task_path='cocrea.staff.tasks.run_daily').count())\n",
    )
    assert out.strip().splitlines()[-1] == "[False, False, False, False, False, True] 1 1"


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def descendants(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] == "Z"


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL])
def test_cocrea_start_runs_server_and_worker_and_one_signal_stops_both(environment, stop):
    port = free_port()
    start = cocrea({**environment, "PORT": str(port)}, "start")
    try:
        wait_for(lambda: len(children_of(start.pid)) == 2, "the server and the worker")
        children = children_of(start.pid)

        def answers() -> bool:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).status < 500
            except urllib.error.HTTPError as error:
                return error.code < 500
            except OSError:
                return False

        wait_for(answers, "the server to answer")
        # granian's own worker processes too: none may outlive the command (orphans were seen)
        everyone = descendants(start.pid)
        assert set(children) < set(everyone)
        start.send_signal(stop)
        start.wait(timeout=90)
        wait_for(
            lambda: all(gone(pid) for pid in everyone), "the server, its workers and the task worker to stop"
        )
    finally:
        if start.poll() is None:
            start.kill()
            start.wait()


@contextlib.contextmanager
def redis_database() -> Iterator[str]:
    """A Redis database of its own for this run (one of 11–15, claimed with a key that expires, then
    emptied): two test runs on one machine never share RQ's queue."""
    import redis

    for number in range(11, 16):
        url = f"redis://127.0.0.1:6379/{number}"
        try:
            client = redis.Redis.from_url(url)
            claimed = client.set("cocrea-test-claim", os.getpid(), nx=True, ex=600)
        except redis.exceptions.ConnectionError:
            pytest.skip("no Redis on 127.0.0.1:6379")
        if claimed:
            client.flushdb()
            client.set("cocrea-test-claim", os.getpid(), ex=600)
            try:
                yield url
            finally:
                client.flushdb()
            return
    pytest.skip("every Redis database for tests (11–15) is in use by other runs")


def test_the_same_tasks_run_on_redis_with_rq(environment):
    """TASKS_URL=redis://… (a Redis database of its own): the same API, RQ's worker, the email
    delivered."""
    stack = contextlib.ExitStack()
    tasks_url = stack.enter_context(redis_database())
    sink = Sink(block_at=0)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    stack.callback(controller.stop)
    env = {**environment, "TASKS_URL": tasks_url, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    with stack:
        shell(
            env,
            "from django.core.mail import send_mail\n"
            "send_mail('Por RQ', 'Cuerpo', None, ['rq@example.org'])\n",
        )
        worked = run(env, "worker", "--burst", "--no-schedule")
        state = shell(
            env,
            "from cocrea.core.models import OutboundEmail\n"
            "row = OutboundEmail.objects.get(subject='Por RQ')\n"
            "print(row.attempts, repr(row.last_error))\n"
            "print(row.state)",
        )
    # On a failure, what the row and the worker said (a CI run once found the row still pending).
    said = f"row: {state.strip()}\nworker: {worked.strip()[-2000:]}"
    assert state.strip().splitlines()[-1] == "sent" and len(sink.ids) == 1, said
