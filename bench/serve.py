"""The production server under load: gunicorn and granian, Cocrea's seed pages against a bare app.

    .venv/bin/python bench/serve.py                       # PostgreSQL (cocrea_server), both servers
    .venv/bin/python bench/serve.py --sqlite              # the embedded SQLite database instead
    .venv/bin/python bench/serve.py --servers gunicorn --duration 5 --workers 3
    .venv/bin/python bench/serve.py --sqlite --servers granian --page-cache off   # pages built
    .venv/bin/python bench/serve.py --sqlite --servers granian --page-cache off --content-cache off
    .venv/bin/python bench/serve.py --sqlite --servers granian --accept-encoding ''   # uncompressed

Each server serves, in turn, the bare Django app (``bench/bare``: a 20-byte response and a 50-row
template, no middleware, no database) and Cocrea with the seed demo loaded (``cocrea load-demo
--sample-execution --sample-cocreation``), both with ``DEBUG=0``, the same number of worker processes
and one blocking thread per worker. For every page it prints the median latency with one connection
(c1 p50) and the throughput with 32 (c32 req/s), the failed requests, and the ratios to the bare
app measured the same way in the same run: c1 p50 / the bare 50-row page's, c32 req/s / the bare
20-byte page's, and ("beside") c32 req/s / the bare 20-byte page's measured right before and
right after that page (on a machine shared with other work, the load changes within a round: this
ratio moves least). The load generator is wrk (Debian: ``apt-get install wrk``) when it is installed,
else a small Python client (threads, ``http.client``), which is itself slower: compare only figures
made with the same one. Every request carries the ``Accept-Encoding`` header a browser sends
(``--accept-encoding`` sets another, ``''`` none): cached pages are then sent gzip-compressed, and
the table says the size and encoding of each page's body as sent. It asserts nothing. Everything
runs on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COCREA = [sys.executable, "-m", "cocrea.cli"]  # the checkout beside this file, whatever is installed
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "cocrea_server"
SECRET = "bench-serve-" + "k3y" * 20  # a strong-looking key for DEBUG=0 on 127.0.0.1 only

# server name -> how it serves a WSGI application (module:attribute) on a port with N workers.
SERVERS = {
    # gunicorn's sync worker: one request at a time per process.
    "gunicorn": lambda app, port, workers: [
        str(BIN / "gunicorn"),
        app,
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--no-control-socket",
        "--log-level=warning",
    ],
    # granian with one blocking thread per worker (what gunicorn's sync worker does).
    "granian": lambda app, port, workers: [
        str(BIN / "granian"),
        "--interface=wsgi",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        "--blocking-threads=1",
        "--no-ws",
        "--log-level=warning",
        app,
    ],
    # granian's default number of blocking threads (for reference: it lost requests on PostgreSQL).
    "granian-threads": lambda app, port, workers: [
        str(BIN / "granian"),
        "--interface=wsgi",
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        "--no-ws",
        "--log-level=warning",
        app,
    ],
}


@dataclass
class Figure:
    p50_ms: float
    rps: float
    errors: int  # connection errors, timeouts and non-2xx/3xx responses, both runs together
    body: str = ""  # the size of one response's body as sent, and its Content-Encoding if any
    # c32 req/s / the bare 20-byte page's c32 req/s measured right before and right after it
    # (their mean): the ratio least moved by the rest of the machine's load, which changes
    # between the start of a round and its end.
    beside: float = math.nan
    spread: str = ""  # the lowest and highest of the rounds' ``beside``


# -- load generators -------------------------------------------------------------------------


# The headers every request carries: Accept-Encoding as a browser sends it unless --accept-encoding
# says otherwise (main() sets it).
HEADERS: dict[str, str] = {}


def wrk(url: str, connections: int, seconds: float) -> tuple[float, float, int]:
    """(p50 ms, req/s, errors) from one wrk run."""
    threads = min(connections, 2)
    proc = subprocess.run(
        # A 60 s timeout: a slow page queued behind 31 others is slow, not lost (wrk's default is 2 s).
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout=60s",
            "--latency",
            *(f"--header={name}: {value}" for name, value in HEADERS.items()),
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    out = proc.stdout
    p50 = re.search(r"^\s*50%\s+([\d.]+)(us|ms|s)\b", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"^\s*(\d+) requests in", out, re.M)
    if p50 is None or rps is None or done is None:
        raise RuntimeError(f"wrk output not understood:\n{out}\n{proc.stderr}")
    if int(done.group(1)) == 0:  # wrk prints a 0.00us median when no request finished
        return math.nan, 0.0, 1
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors += int(non2xx.group(1)) if non2xx else 0
    return float(p50.group(1)) * scale, float(rps.group(1)), errors


def python_client(url: str, connections: int, seconds: float) -> tuple[float, float, int]:
    """The same figures from threads with keep-alive connections (when wrk is not installed)."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    assert match is not None
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    deadline = time.perf_counter() + seconds

    def loop() -> tuple[list[float], int]:
        times: list[float] = []
        errors = 0
        conn = http.client.HTTPConnection(host, port, timeout=30)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                conn.request("GET", path, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                if response.status >= 400:
                    errors += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            times.append((time.perf_counter() - start) * 1000)
        conn.close()
        return times, errors

    began = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        results = list(pool.map(lambda _: loop(), range(connections)))
    elapsed = time.perf_counter() - began
    times = [t for chunk, _ in results for t in chunk]
    return (statistics.median(times) if times else 0.0), len(times) / elapsed, sum(e for _, e in results)


def settle(url: str, connections: int = 4) -> None:
    """Requests on fresh connections, each answered before this returns (no time limit).

    wrk stops at the end of its duration without waiting for the answers it asked for: the
    requests still queued in the server (up to 32 after a slow page) are served afterwards, and
    used to fill the next measurement with the previous page's work (the "version of a draft" row,
    measured after the slowest page, read 0 ms and a few req/s). Queued behind them, these return
    when the server is free again; on a cold page they also give every worker its first request
    (templates, translations), which can take longer than the 1 s warm-up run."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    assert match is not None
    host, port, path = match.group(1), int(match.group(2)), match.group(3)

    def fetch(_: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=300)
        try:
            conn.request("GET", path, headers=HEADERS)
            conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()

    with concurrent.futures.ThreadPoolExecutor(connections) as pool:
        list(pool.map(fetch, range(connections)))


def body_sent(url: str) -> str:
    """One response's body as sent: its size, and its Content-Encoding when it has one."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    assert match is not None
    conn = http.client.HTTPConnection(match.group(1), int(match.group(2)), timeout=300)
    try:
        conn.request("GET", match.group(3), headers=HEADERS)
        response = conn.getresponse()
        size = len(response.read())
        encoding = response.getheader("Content-Encoding")
    finally:
        conn.close()
    return f"{size / 1024:.1f} KB" + (f" {encoding}" if encoding else "")


def measure(url: str, seconds: float) -> Figure:
    load = wrk if shutil.which("wrk") else python_client
    settle(url)  # what the previous page left queued is served; every worker has this page warm
    load(url, 4, 1)  # warm-up: every worker loads its templates, URL resolver and translations
    settle(url)
    p50, _rps, errors_c1 = load(url, 1, seconds)
    settle(url)
    _p50, rps, errors_c32 = load(url, 32, seconds)
    settle(url)
    return Figure(p50, rps, errors_c1 + errors_c32, body_sent(url))


def throughput(url: str, seconds: float) -> float:
    """c32 req/s alone (the bare page measured beside each of Cocrea's)."""
    load = wrk if shutil.which("wrk") else python_client
    settle(url)
    _p50, rps, _errors = load(url, 32, seconds)
    settle(url)
    return rps


# -- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer in time")


def serve(command: list[str], env: dict[str, str], port: int, probe: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)
    try:
        wait_until_up(port, probe, proc)
    except BaseException:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # the master stops its workers itself
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# -- Cocrea with the seed demo ---------------------------------------------------------------


def cocrea_env(data_dir: str, postgres: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # the bench speaks plain HTTP to the server, as a proxy would
        COCREA_DATA_DIR=data_dir,
        DJANGO_SETTINGS_MODULE="cocrea.settings",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    if postgres:
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        env.pop("DATABASE_URL", None)
    env.pop("SENTRY_DSN", None)
    return env


def prepare_cocrea(env: dict[str, str], postgres: bool) -> dict[str, str]:
    """A fresh database with the seed demo, the static files collected; the pages' addresses."""
    if postgres:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
    for args in (
        ["migrate", "--noinput", "-v0"],
        ["load-demo", "--sample-execution", "--sample-cocreation"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([*COCREA, *args], env=env, cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    script = """
import json, django
django.setup()
from django.urls import reverse
from cocrea.plans.models import Milestone
from cocrea.drafts.models import DocumentVersion
m = Milestone.objects.order_by("pk").first()
v = DocumentVersion.objects.order_by("pk").first()
pages = {
    "home": reverse("portal:home"),
    "work plan": m.get_absolute_url(),
    "schedule": m.get_schedule_url(),
    "dashboard": m.get_dashboard_url(),
    "plan check": m.get_check_url(),
    "change history": m.get_history_url(),
}
if v is not None:
    pages["version of a draft"] = v.get_absolute_url()
    pages["response report (web)"] = v.get_report_url()
print(json.dumps(pages))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# -- the run ---------------------------------------------------------------------------------

BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chrome and Firefox send over HTTPS
BARE_PAGES = {"bare: 20-byte response": "/bytes/", "bare: 50-row template": "/rows/"}


def citizen_session(env: dict[str, str]) -> str:
    """The session cookie of a citizen signed in without a role (an account made for the bench)."""
    script = """
import django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user, _ = get_user_model().objects.get_or_create(username="bench-citizen", email="bench@example.org")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
from django.conf import settings
print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
"""
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return out.strip().splitlines()[-1]


def start_all(names: list[str], workers: int, env: dict[str, str], pages: dict[str, str]) -> dict:  # type: ignore[type-arg]
    """Every server with both apps, all up at once: (server, app) -> (process, port)."""
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
    running = {}
    for name in names:
        for app, app_env, probe in (
            ("bench.bare.wsgi:application", bare_env, "/bytes/"),
            ("cocrea.wsgi:application", env, pages["home"]),
        ):
            port = free_port()
            running[name, app] = (serve(SERVERS[name](app, port, workers), app_env, port, probe), port)
    return running


def run(
    names: list[str], workers: int, seconds: float, rounds: int, env: dict[str, str], pages: dict[str, str]
) -> dict[str, dict[str, Figure]]:
    """Page by page, each server in turn, ``rounds`` times (the order reversed every other round):
    the servers meet the same load from the rest of the machine. The median of the rounds. After
    each of Cocrea's pages the bare 20-byte page's c32 throughput is measured again, so that each
    page has a ratio to the bare page measured beside it (``Figure.beside``)."""
    running = start_all(names, workers, env, pages)
    samples: dict[str, dict[str, list[Figure]]] = {name: {} for name in names}
    bare_app, bare_bytes = "bench.bare.wsgi:application", BARE_PAGES["bare: 20-byte response"]
    try:
        everything = [(bare_app, label, path) for label, path in BARE_PAGES.items()]
        everything += [("cocrea.wsgi:application", label, path) for label, path in pages.items()]
        for round_ in range(rounds):
            bare_before: dict[str, float] = {}
            for app, label, path in everything:
                for name in names if round_ % 2 == 0 else names[::-1]:
                    port = running[name, app][1]
                    figure = measure(f"http://127.0.0.1:{port}{path}", seconds)
                    if path == bare_bytes and app == bare_app:
                        bare_before[name] = figure.rps
                    elif app != bare_app:
                        bare_port = running[name, bare_app][1]
                        bare_after = throughput(f"http://127.0.0.1:{bare_port}{bare_bytes}", seconds)
                        figure.beside = figure.rps / ((bare_before[name] + bare_after) / 2)
                        bare_before[name] = bare_after
                    samples[name].setdefault(label, []).append(figure)
                print(f"  round {round_ + 1}/{rounds}: {label}", file=sys.stderr)
    finally:
        for proc, _port in running.values():
            stop(proc)
    return {
        name: {
            label: Figure(
                statistics.median(f.p50_ms for f in figs),
                statistics.median(f.rps for f in figs),
                sum(f.errors for f in figs),
                figs[-1].body,
                statistics.median(f.beside for f in figs),
                f"{min(f.beside for f in figs):.2f}–{max(f.beside for f in figs):.2f}",
            )
            for label, figs in by_label.items()
        }
        for name, by_label in samples.items()
    }


def print_table(name: str, workers: int, figures: dict[str, Figure]) -> None:
    bytes_rps = figures["bare: 20-byte response"].rps
    rows_p50 = figures["bare: 50-row template"].p50_ms
    threads = "its default blocking threads" if name == "granian-threads" else "one blocking thread each"
    print(f"\n## {name.split('-')[0]}, {workers} workers, {threads}")
    print(
        f"{'page':<28}{'c1 p50':>10}{'c32 req/s':>11}{'errors':>8}"
        f"{'p50 / bare rows':>17}{'req/s / bare 20 B':>19}{'beside':>8}{'rounds':>12}  body"
    )
    for label, fig in figures.items():
        print(
            f"{label:<28}{fig.p50_ms:>8.2f}ms{fig.rps:>11,.0f}{fig.errors:>8}"
            f"{fig.p50_ms / rows_p50:>16.1f}×{fig.rps / bytes_rps:>18.2f}×"
            f"{'' if math.isnan(fig.beside) else f'{fig.beside:.2f}×':>8}"
            f"{'' if math.isnan(fig.beside) else fig.spread:>12}  {fig.body}"
        )


def print_comparison(names: list[str], results: dict[str, dict[str, Figure]]) -> None:
    if len(names) < 2:
        return
    first, *others = names
    for other in others:
        print(f"\n## {other} / {first}, same page (below 1: {other} is faster on p50, slower on req/s)")
        print(f"{'page':<28}{'c1 p50':>10}{'c32 req/s':>11}")
        for label, fig in results[first].items():
            theirs = results[other][label]
            print(f"{label:<28}{theirs.p50_ms / fig.p50_ms:>9.2f}×{theirs.rps / fig.rps:>10.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--servers", default="gunicorn,granian", help="comma-separated: " + ", ".join(SERVERS)
    )
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: as cocrea serve)")
    parser.add_argument("--duration", type=float, default=5, help="seconds per measurement (default 5)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measurements of each figure; the median is shown"
    )
    parser.add_argument("--sqlite", action="store_true", help="the embedded SQLite database, not PostgreSQL")
    parser.add_argument(
        "--page-cache",
        choices=("on", "off"),
        default="on",
        help="Cocrea's public page cache (PAGE_CACHE): on, as deployed (anonymous pages are served "
        "from it), or off to measure the pages as built (default on)",
    )
    parser.add_argument(
        "--content-cache",
        choices=("on", "off"),
        default="on",
        help="the public pages' kept blocks (CONTENT_CACHE, cocrea/core/content.py): on, as deployed "
        "(a page the page cache misses is built around them, without its queries), or off to "
        "measure every page built whole (default on)",
    )
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="every request to Cocrea carries the session of a citizen signed in without a role "
        "(never served by the page cache; served the kept blocks inside their own header)",
    )
    parser.add_argument(
        "--accept-encoding",
        default=BROWSER_ACCEPT_ENCODING,
        help="the Accept-Encoding header of every request (default: a browser's, "
        f"{BROWSER_ACCEPT_ENCODING!r}: cached pages are then sent gzip-compressed); '' sends none",
    )
    parser.add_argument(
        "--pages",
        default="",
        help="comma-separated: only the Cocrea pages whose names start so (e.g. 'work plan,schedule'); "
        "the bare pages are always measured",
    )
    args = parser.parse_args()
    if args.accept_encoding:
        HEADERS["Accept-Encoding"] = args.accept_encoding
    postgres = not args.sqlite
    names = args.servers.split(",")
    sys.path.insert(0, str(REPO))
    from cocrea.core.server import default_workers

    workers = args.workers or default_workers()
    data_dir = tempfile.mkdtemp(prefix="cocrea-bench-serve-")
    try:
        env = cocrea_env(data_dir, postgres)
        env["PAGE_CACHE"] = "1" if args.page_cache == "on" else "0"
        env["CONTENT_CACHE"] = "1" if args.content_cache == "on" else "0"
        pages = prepare_cocrea(env, postgres)
        if args.signed_in:
            HEADERS["Cookie"] = citizen_session(env)  # the bare app reads no cookie
        if args.pages:
            wanted = [name.strip() for name in args.pages.split(",")]
            pages = {label: path for label, path in pages.items() if label.startswith(tuple(wanted))}
        print(
            f"# bench/serve.py: {'PostgreSQL' if postgres else 'SQLite'}, DEBUG=0, "
            f"{os.cpu_count()} CPUs, {workers} workers, {args.duration:g} s per figure, "
            f"median of {args.rounds} rounds, page cache {args.page_cache}, "
            f"kept blocks {args.content_cache}, "
            f"{'a citizen signed in' if args.signed_in else 'visitors not signed in'}, "
            f"Accept-Encoding {args.accept_encoding!r}, "
            f"load generator: {'wrk' if shutil.which('wrk') else 'Python threads'}, "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        results = run(names, workers, args.duration, args.rounds, env, pages)
        for name in names:
            print_table(name, workers, results[name])
        print_comparison(names, results)
        print(f"\n# load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
