#!/usr/bin/env python
"""Fault and load tests on private servers: does anything get lost or sent twice?

Each scenario runs the production set-up (README, Production) on servers of its own, so it can
kill and restart them freely: a PostgreSQL cluster in a temporary directory on a free port,
a redis-server on a free port, an SMTP server on loopback that keeps every message, gunicorn
with DEBUG off, Celery or `run_worker`. HTTP clients register complaints through the API with
an `Idempotency-Key` per intended complaint and retry with the same key after a connection
error or a 5xx, while the scenario breaks something:

1. intake      gunicorn workers killed with SIGKILL every few seconds (the master restarts them)
2. pg-restart  PostgreSQL restarted (`pg_ctl restart -m fast`) twice during the load
3. redis-down  the Celery broker stopped for a while, complaints that notify by e-mail keep
               coming; after Redis is back the outbox must drain, each message once
4. two-servers two gunicorn masters and two `run_worker`s on one database, clients alternating

Every scenario prints one line of counts; the exit status is 1 if any scenario lost or
duplicated a complaint or a message (or could not run). Everything started is stopped and the
temporary directories removed, also on failure or Ctrl-C (`--keep` keeps the directories,
with the servers' logs, for a look afterwards).

    .venv/bin/python bench/faults.py                          # the CI run, about 3 minutes
    .venv/bin/python bench/faults.py --scenario redis-down --redis-down-seconds 60

Needs PostgreSQL 15's programs (/usr/lib/postgresql/15/bin, or --pg-bin) and redis-server;
as root, PostgreSQL runs as the `postgres` user. See bench/README.md and docs/benchmarks.md.
"""

import argparse
import atexit
import contextlib
import itertools
import json
import os
import pwd
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import psycopg
import requests
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCENARIOS = ["intake", "pg-restart", "redis-down", "two-servers"]
# The organisation comes from create_organisation; a frontline user registers complaints and
# the general manager of the same branch gets the crisis alerts (e-mail + inbox).
# (A private cluster on loopback that lives for one run: a fixed password is enough.)
USER, PASSWORD = "frontline", "faults-frontline-2026"
GM_EMAIL = "gm@faults.test"
USERS = f"""
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, User
branch = Branch.objects.get(organisation__code="faults", code="east")
for username, role, email in [
    ({USER!r}, Role.FRONTLINE, ""), ("gm", Role.GENERAL_MANAGER, {GM_EMAIL!r})
]:
    User.objects.create_user(
        username, email=email, password={PASSWORD!r}, role=role,
        organisation=branch.organisation, branch=branch,
    )
"""
# A keyword of the common severity rules that makes a complaint a crisis (kesu/complaints/defaults.py).
CRISIS_WORD = "媒体"
# Complaint numbers: prefix, year, sequence (kesu/complaints/numbering.py).
NUMBER = re.compile(r"\b\w+-\d{4}-\d{6,}\b")


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# Processes and directories: everything started is registered here and stopped at the end.


class Cleanup:
    def __init__(self):
        self.actions: list = []
        self.lock = threading.Lock()

    def push(self, action) -> None:
        with self.lock:
            self.actions.append(action)

    def mark(self) -> int:
        with self.lock:
            return len(self.actions)

    def run(self, down_to: int = 0) -> None:
        """Undo everything registered since `down_to` (a `mark()`), newest first."""
        while True:
            with self.lock:
                if len(self.actions) <= down_to:
                    return
                action = self.actions.pop()
            try:
                action()
            except Exception as exc:  # cleaning up must go on
                log(f"cleanup: {type(exc).__name__}: {exc}")


CLEANUP = Cleanup()
atexit.register(CLEANUP.run)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


class Proc:
    """A child in its own process group, stopped (group and all) when the scenario ends."""

    def __init__(
        self, name: str, args: list[str], *, env: dict, logfile: Path, register: bool = True
    ):
        self.name = name
        self.logfile = logfile
        self._log = open(logfile, "ab")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        if register:
            CLEANUP.push(self.stop)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        # Children that outlived their parent (a gunicorn worker, a Celery pool process).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        if not self._log.closed:
            self._log.close()

    def children(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.pid:
                found.append(int(entry.name))
        return found

    def tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class Workdir:
    """A temporary directory, owned by `postgres` when we are root (its cluster lives there)."""

    def __init__(self, label: str, keep: bool):
        self.path = Path(tempfile.mkdtemp(prefix=f"kesu-faults-{label}-"))
        self.path.chmod(0o755)
        if keep:
            CLEANUP.push(lambda: log(f"kept {self.path}"))
        else:
            CLEANUP.push(lambda: shutil.rmtree(self.path, ignore_errors=True))


class Postgres:
    """A private cluster: initdb once, then each scenario starts its own copy of it."""

    def __init__(self, pg_bin: Path, directory: Path):
        self.bin = pg_bin
        self.dir = directory
        self.data = directory / "data"
        self.port = 0
        self.as_postgres = os.geteuid() == 0
        self.started = False

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def _own(self) -> None:
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)

    def init(self) -> None:
        self._own()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8")

    def copy_from(self, other: "Postgres") -> None:
        self._own()
        subprocess.run(["cp", "-a", str(other.data), str(self.data)], check=True)

    @property
    def options(self) -> str:
        # Lock waits over a second are logged: a killed worker's transaction holding the
        # complaint counter would show there (postgres.log, with --keep).
        return (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c log_lock_waits=on"
        )

    def start(self) -> None:
        self.port = self.port or free_port()
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "-o",
            self.options,
            "start",
        )
        if not self.started:
            self.started = True
            CLEANUP.push(self.stop)

    def restart(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-w",
            "-m",
            "fast",
            "-o",
            self.options,
            "restart",
        )

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop", check=False)

    def url(self, database: str = "kesu") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "kesu"):
        return psycopg.connect(self.url(database), autocommit=True, connect_timeout=10)


class Redis:
    def __init__(self, directory: Path):
        self.dir = directory
        self.port = free_port()
        self.proc: Proc | None = None

    def start(self) -> None:
        args = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            str(self.dir),
        ]
        if self.proc is None:
            # Registered once, before the servers that use it: they stop first at the end.
            CLEANUP.push(self.stop)
        self.proc = Proc(
            "redis", args, env=dict(os.environ), logfile=self.dir / "redis.log", register=False
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 1),
            ):
                return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start:\n{self.proc.tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@dataclass
class Mail:
    to: tuple[str, ...]
    subject: str
    message_id: str


class SmtpCounter:
    """A real SMTP server (aiosmtpd in a thread) that keeps what it was sent."""

    def __init__(self):
        self.port = free_port()
        self.mails: list[Mail] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        CLEANUP.push(self.controller.stop)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=default_policy)
        mail = Mail(tuple(envelope.rcpt_tos), str(message["Subject"]), str(message["Message-ID"]))
        with self.lock:
            self.mails.append(mail)
        return "250 Message accepted"

    def received(self) -> list[Mail]:
        with self.lock:
            return list(self.mails)


# The application.


@dataclass
class Env:
    """The environment of every Kesu process of one scenario."""

    workdir: Path
    db_url: str
    redis_url: str = "redis://127.0.0.1:1/0"
    smtp_port: int = 1
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(50))
    preload: bool = True

    def vars(self) -> dict:
        env = dict(os.environ)
        for name in list(env):
            if name.startswith("KESU_") or name == "DATABASE_URL":
                del env[name]
        env.update(
            DJANGO_SETTINGS_MODULE="kesu.settings",
            DATABASE_URL=self.db_url,
            KESU_SECRET_KEY=self.secret,
            KESU_DEBUG="0",
            KESU_VAR_DIR=str(self.workdir / "var"),
            # Load, not the limits, is what is tested (kesu/core/api/throttling.py: empty = off).
            KESU_API_RATE_PER_TOKEN="",
            KESU_API_RATE_PER_ADDRESS="",
            KESU_CELERY_BROKER_URL=self.redis_url,
            KESU_EMAIL_HOST="127.0.0.1",
            KESU_EMAIL_PORT=str(self.smtp_port),
            KESU_DEFAULT_FROM_EMAIL="kesu@faults.test",
            KESU_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env


def manage(env: Env, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env.vars(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def gunicorn(env: Env, workers: int, name: str = "gunicorn") -> tuple[Proc, str]:
    """README's production command on a free loopback port; returns it and its base URL."""
    port = free_port()
    args = [
        str(BIN / "gunicorn"),
        "kesu.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        # gunicorn's control socket defaults to one path in $HOME: one per server here.
        "--control-socket",
        str(env.workdir / f"{name}.ctl"),
    ]
    if env.preload:
        args.append("--preload")
    proc = Proc(name, args, env=env.vars(), logfile=env.workdir / f"{name}.log")
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not proc.alive():
            break
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return proc, base
        time.sleep(0.2)
    raise RuntimeError(f"{name} did not come up:\n{proc.tail()}")


def run_worker(env: Env, name: str, interval: float) -> Proc:
    args = [
        sys.executable,
        "manage.py",
        "run_worker",
        "--interval",
        str(interval),
        "--worker-id",
        name,
    ]
    return Proc(name, args, env=env.vars(), logfile=env.workdir / f"{name}.log")


def celery(env: Env, concurrency: int) -> list[Proc]:
    worker = Proc(
        "celery-worker",
        [
            str(BIN / "celery"),
            "-A",
            "kesu.celery",
            "worker",
            "--loglevel=WARNING",
            f"--concurrency={concurrency}",
            "-n",
            f"faults-{os.getpid()}@%h",
        ],
        env=env.vars(),
        logfile=env.workdir / "celery-worker.log",
    )
    beat = Proc(
        "celery-beat",
        [
            str(BIN / "celery"),
            "-A",
            "kesu.celery",
            "beat",
            "--loglevel=WARNING",
            "-s",
            str(env.workdir / "celerybeat-schedule"),
        ],
        env=env.vars(),
        logfile=env.workdir / "celery-beat.log",
    )
    return [worker, beat]


def api_token(base: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/",
        data={"username": USER, "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return response.json()["token"]


def a_customer(base: str, token: str) -> int:
    response = requests.post(
        f"{base}/api/v1/customers/",
        json={"name": "故障测试客户", "phone": "13800138000"},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    if response.status_code != 201:
        raise RuntimeError(f"customer not created: {response.status_code} {response.text[:300]}")
    return response.json()["id"]


# The load: clients that each register complaints one after the other, retrying with the key.


@dataclass
class Item:
    index: int
    key: str
    title: str
    attempts: int = 0
    ok: bool = False
    status: int = 0
    complaint_id: int | None = None
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)


class Load:
    def __init__(
        self,
        bases: list[str],
        token: str,
        customer: int,
        marker: str,
        *,
        clients: int,
        crisis: bool,
        give_up: float,
    ):
        self.bases = bases
        self.headers = {"Authorization": f"Token {token}"}
        self.customer = customer
        self.marker = marker
        self.clients = clients
        self.crisis = crisis
        self.give_up = give_up
        self.items: list[Item] = []
        self.lock = threading.Lock()
        self.counter = itertools.count()
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.request_ms: list[float] = []
        self.failures: dict[str, int] = {}
        self.started = self.finished = 0.0

    def title(self, index: int) -> str:
        words = f"{CRISIS_WORD}曝光 " if self.crisis else ""
        return f"{words}{self.marker}-{index:06d} 保养后异响"

    def start(self) -> None:
        self.started = time.monotonic()
        for n in range(self.clients):
            thread = threading.Thread(target=self._client, args=(n,), daemon=True)
            thread.start()
            self.threads.append(thread)

    def finish(self, timeout: float) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        self.finished = time.monotonic()

    def _fail(self, kind: str, item: Item) -> None:
        item.errors.append(kind)
        with self.lock:
            self.failures[kind] = self.failures.get(kind, 0) + 1

    def _client(self, n: int) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            index = next(self.counter)
            item = Item(index, str(uuid.uuid4()), self.title(index))
            with self.lock:
                self.items.append(item)
            self._create(session, item, self.bases[index % len(self.bases)])

    def _create(self, session: requests.Session, item: Item, base: str) -> None:
        body = {
            "customer": self.customer,
            "channel": "phone",
            "title": item.title,
            "account": f"故障测试 {self.marker} 第 {item.index} 条：保养后冷车启动有异响。",
        }
        headers = {**self.headers, "Idempotency-Key": item.key}
        first = time.monotonic()
        delay = 0.1
        while True:
            item.attempts += 1
            t0 = time.monotonic()
            try:
                response = session.post(
                    f"{base}/api/v1/complaints/", json=body, headers=headers, timeout=(5, 30)
                )
            except requests.RequestException as exc:
                self._fail(type(exc).__name__, item)
                session.close()
                session = requests.Session()
            else:
                item.status = response.status_code
                if response.status_code in (200, 201):
                    with self.lock:
                        self.request_ms.append((time.monotonic() - t0) * 1000)
                    item.ok = True
                    item.complaint_id = response.json().get("id")
                    item.seconds = time.monotonic() - first
                    return
                self._fail(f"HTTP {response.status_code}", item)
                if response.status_code < 500 and response.status_code != 429:
                    item.errors.append(response.text[:300])
                    return  # refused: retrying would not change it
            if time.monotonic() - first > self.give_up:
                return
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    # Results.

    def summary(self) -> dict:
        items = list(self.items)
        latencies = sorted(self.request_ms)
        elapsed = max(self.finished - self.started, 1e-9)
        ok = [i for i in items if i.ok]
        return {
            "intended": len(items),
            "acknowledged": len(ok),
            "retried": sum(1 for i in items if i.attempts > 1),
            "gave_up": sum(1 for i in items if not i.ok),
            "failures": dict(sorted(self.failures.items())),
            "per_second": round(len(ok) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p95_ms": round(percentile(latencies, 95), 1),
            "refusals": [e for i in items for e in i.errors if e.startswith("{")][:3],
        }


def stored_counts(pg: Postgres, load: Load) -> dict:
    """Complaints in the database for the load's titles: lost and duplicated ones."""
    with pg.connect() as conn:
        rows = conn.execute(
            "SELECT title, count(*) FROM complaints_complaint WHERE title LIKE %s GROUP BY title",
            [f"%{load.marker}-%"],
        ).fetchall()
    stored = {title: count for title, count in rows}
    intended = {item.title for item in load.items}
    total = sum(stored.values())
    distinct = len(stored)
    # A client's acknowledgement must point at a stored row: otherwise that complaint is lost.
    acknowledged_ids = {i.complaint_id for i in load.items if i.ok}
    with pg.connect() as conn:
        present = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM complaints_complaint WHERE id = ANY(%s)", [list(acknowledged_ids)]
            )
        }
    return {
        "stored": total,
        "lost": len(intended - set(stored)),
        "duplicates": total - distinct,
        "strangers": len(set(stored) - intended),
        "acknowledged_missing": len(acknowledged_ids - present),
    }


# Scenarios.


@dataclass
class Base:
    """The migrated cluster with the organisation and its users, which each scenario copies."""

    pg: Postgres
    keep: bool
    pg_bin: Path


def prepare_base(args) -> Base:
    if args.base:
        # A base kept by an earlier run (--keep): its cluster is stopped and seeded already.
        pg = Postgres(args.pg_bin, args.base)
        if not (pg.data / "PG_VERSION").exists():
            raise RuntimeError(f"no cluster in {args.base}/data")
        return Base(pg, args.keep, args.pg_bin)
    started = time.monotonic()
    work = Workdir("base", args.keep)
    pg = Postgres(args.pg_bin, work.path)
    pg.init()
    pg.start()
    with pg.connect("postgres") as conn:
        conn.execute("CREATE DATABASE kesu")
    env = Env(work.path, pg.url())
    manage(env, "migrate", "--noinput", "-v0")
    manage(
        env,
        "create_organisation",
        "--name",
        "故障测试",
        "--code",
        "faults",
        "--template",
        "dealership",
        "--branch",
        "east=东城店",
    )
    manage(env, "shell", "-c", USERS)
    pg.stop("fast")
    log(f"base cluster migrated and set up in {time.monotonic() - started:.0f} s")
    return Base(pg, args.keep, args.pg_bin)


class Scenario:
    """The private servers of one scenario."""

    def __init__(self, name: str, base: Base, args):
        self.name = name
        self.work = Workdir(name, base.keep)
        self.pg = Postgres(base.pg_bin, self.work.path)
        self.pg.copy_from(base.pg)
        self.pg.start()
        self.env = Env(self.work.path, self.pg.url(), preload=args.preload)
        self.marker = f"FT{os.getpid()}{name.replace('-', '')[:6].upper()}"

    def load(self, bases: list[str], args, *, crisis: bool = False) -> Load:
        token = api_token(bases[0])
        customer = a_customer(bases[0], token)
        return Load(
            bases,
            token,
            customer,
            self.marker,
            clients=args.clients,
            crisis=crisis,
            give_up=args.give_up,
        )


def result_line(name: str, counts: dict, extra: str = "") -> tuple[bool, str]:
    ok = (
        counts["lost"] == 0
        and counts["duplicates"] == 0
        and counts["acknowledged_missing"] == 0
        and counts.get("mail_lost", 0) == 0
        and counts.get("mail_duplicates", 0) == 0
        and counts.get("gave_up", 0) == 0
        # A 500 is a bug even when the retry succeeds (the database away is a 503).
        and counts["failures"].get("HTTP 500", 0) == 0
    )
    line = (
        f"{'ok  ' if ok else 'FAIL'} {name}: intended {counts['intended']}, stored "
        f"{counts['stored']}, lost {counts['lost']}, duplicates {counts['duplicates']}, "
        f"retried {counts['retried']}, {counts['per_second']}/s, "
        f"p50 {counts['p50_ms']} ms, p95 {counts['p95_ms']} ms{extra}"
    )
    return ok, line


def failures_text(counts: dict) -> str:
    if not counts["failures"]:
        return ""
    return "; failed tries: " + ", ".join(f"{k} {v}" for k, v in counts["failures"].items())


def scenario_intake(base: Base, args) -> tuple[bool, str, dict]:
    s = Scenario("intake", base, args)
    server, url = gunicorn(s.env, args.workers)
    load = s.load([url], args)
    kills = 0
    load.start()
    deadline = time.monotonic() + args.duration
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(args.kill_every, left))
        if time.monotonic() >= deadline:
            break
        workers = server.children()
        if workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(random.choice(workers), signal.SIGKILL)
                kills += 1
    load.finish(args.give_up + 40)
    if not server.alive():
        raise RuntimeError(f"the gunicorn master died:\n{server.tail()}")
    counts = {**load.summary(), **stored_counts(s.pg, load), "kills": kills}
    ok, line = result_line(
        "intake", counts, f"; {kills} workers killed (of {args.workers}){failures_text(counts)}"
    )
    return ok, line, counts


def scenario_pg_restart(base: Base, args) -> tuple[bool, str, dict]:
    s = Scenario("pg-restart", base, args)
    server, url = gunicorn(s.env, args.workers)
    load = s.load([url], args)
    load.start()
    restarts = []
    step = args.duration / (args.pg_restarts + 1)
    for _ in range(args.pg_restarts):
        time.sleep(step)
        t0 = time.monotonic()
        s.pg.restart()
        restarts.append(round(time.monotonic() - t0, 1))
    time.sleep(step)
    load.finish(args.give_up + 40)
    counts = {**load.summary(), **stored_counts(s.pg, load), "restarts_s": restarts}
    ok, line = result_line(
        "pg-restart",
        counts,
        f"; PostgreSQL restarted {len(restarts)}× ({', '.join(map(str, restarts))} s)"
        f"{failures_text(counts)}",
    )
    return ok, line, counts


def mail_counts(s: Scenario, load: Load, smtp: SmtpCounter) -> dict:
    """Expected crisis e-mails (one per stored complaint) against what the SMTP server got."""
    with s.pg.connect() as conn:
        numbers = [
            row[0]
            for row in conn.execute(
                "SELECT number FROM complaints_complaint WHERE title LIKE %s AND is_crisis",
                [f"%{load.marker}-%"],
            )
        ]
        outbox = dict(
            conn.execute(
                "SELECT n.status, count(*) FROM notifications_notification n "
                "JOIN complaints_complaint c ON n.dedupe_key = 'c' || c.id || ':crisis' "
                "WHERE c.title LIKE %s AND n.channel = 'email' GROUP BY n.status",
                [f"%{load.marker}-%"],
            ).fetchall()
        )
        delays = conn.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "
            "n.sent_at - n.created_at)), max(extract(epoch FROM n.sent_at - n.created_at)) "
            "FROM notifications_notification n JOIN complaints_complaint c "
            "ON n.dedupe_key = 'c' || c.id || ':crisis' WHERE c.title LIKE %s "
            "AND n.channel = 'email' AND n.sent_at IS NOT NULL",
            [f"%{load.marker}-%"],
        ).fetchone()
    expected = {(GM_EMAIL, number) for number in numbers}
    seen: dict[tuple[str, str], int] = {}
    for mail in smtp.received():
        # The subject names the complaint ("Crisis: KS-2026-000123"): one message each.
        number = next(iter(NUMBER.findall(mail.subject)), mail.subject)
        for to in mail.to:
            seen[(to, number)] = seen.get((to, number), 0) + 1
    delivered = set(seen) & expected
    return {
        "mail_expected": len(expected),
        "mail_received": sum(seen.values()),
        "mail_delivered": len(delivered),
        "mail_lost": len(expected - delivered),
        "mail_duplicates": sum(count - 1 for key, count in seen.items() if key in expected),
        # Anything else, e.g. deadline reminders: not counted against the scenario.
        "mail_other": sum(count for key, count in seen.items() if key not in expected),
        "mail_other_subjects": sorted({key[1] for key in seen if key not in expected})[:5],
        "outbox": outbox,
        "delay_p50_s": round(delays[0] or 0, 1),
        "delay_max_s": round(delays[1] or 0, 1),
    }


def drain(s: Scenario, load: Load, smtp: SmtpCounter, timeout: float) -> tuple[dict, float]:
    """Wait until every expected message arrived and nothing of the load is left in the outbox."""
    t0 = time.monotonic()
    while True:
        counts = mail_counts(s, load, smtp)
        pending = sum(v for k, v in counts["outbox"].items() if k != "sent")
        if (counts["mail_lost"] == 0 and pending == 0) or time.monotonic() - t0 > timeout:
            # A moment longer: a second copy would arrive now if one were on its way.
            time.sleep(2)
            return mail_counts(s, load, smtp), time.monotonic() - t0
        time.sleep(1)


def mail_text(counts: dict) -> str:
    text = (
        f"; mail expected {counts['mail_expected']}, delivered {counts['mail_delivered']}, "
        f"lost {counts['mail_lost']}, duplicates {counts['mail_duplicates']}"
    )
    if counts["mail_other"]:
        text += f" (and {counts['mail_other']} other)"
    return text + f", delay p50 {counts['delay_p50_s']} s max {counts['delay_max_s']} s"


def scenario_redis_down(base: Base, args) -> tuple[bool, str, dict]:
    s = Scenario("redis-down", base, args)
    redis = Redis(s.work.path)
    redis.start()
    smtp = SmtpCounter()
    s.env.redis_url, s.env.smtp_port = redis.url, smtp.port
    server, url = gunicorn(s.env, args.workers)
    background = celery(s.env, args.celery_concurrency)
    load = s.load([url], args, crisis=True)
    load.start()
    time.sleep(args.redis_up_seconds)
    redis.stop()
    log(f"redis-server stopped for {args.redis_down_seconds:g} s")
    time.sleep(args.redis_down_seconds)
    redis.start()
    back = time.monotonic()
    log("redis-server started again")
    time.sleep(args.redis_up_seconds)
    load.finish(args.give_up + 40)
    counts, waited = drain(s, load, smtp, args.drain_timeout)
    dead = [p.name for p in background if not p.alive()]
    counts.update(load.summary(), **stored_counts(s.pg, load))
    counts["drained_after_redis_s"] = round(time.monotonic() - back, 1)
    counts["dead"] = dead
    ok, line = result_line(
        "redis-down",
        counts,
        f"{mail_text(counts)}; Redis down {args.redis_down_seconds:g} s, outbox empty "
        f"{counts['drained_after_redis_s']} s after it was back{failures_text(counts)}",
    )
    if dead:
        ok, line = False, line.replace("ok  ", "FAIL", 1) + f"; died: {', '.join(dead)}"
    return ok, line, counts


def scenario_two_servers(base: Base, args) -> tuple[bool, str, dict]:
    s = Scenario("two-servers", base, args)
    smtp = SmtpCounter()
    s.env.smtp_port = smtp.port
    per_server = (args.workers + 1) // 2
    servers = [gunicorn(s.env, per_server, f"gunicorn-{n}") for n in (1, 2)]
    workers = [run_worker(s.env, f"worker-{n}", args.worker_interval) for n in (1, 2)]
    load = s.load([url for _, url in servers], args, crisis=True)
    load.start()
    time.sleep(args.duration)
    load.finish(args.give_up + 40)
    counts, waited = drain(s, load, smtp, args.drain_timeout)
    counts.update(load.summary(), **stored_counts(s.pg, load))
    with s.pg.connect() as conn:
        by_worker = dict(
            conn.execute(
                "SELECT a.worker_id, count(*) FROM notifications_deliveryattempt a "
                "JOIN notifications_notification n ON n.id = a.notification_id "
                "WHERE n.channel = 'email' AND a.ok GROUP BY a.worker_id"
            ).fetchall()
        )
    counts["sent_by_worker"] = by_worker
    dead = [p.name for p in workers if not p.alive()]
    ok, line = result_line(
        "two-servers",
        counts,
        f"{mail_text(counts)}; {len(servers)} servers × {per_server} workers, sent by "
        + ", ".join(f"{k} {v}" for k, v in sorted(by_worker.items()))
        + failures_text(counts),
    )
    if dead:
        ok, line = False, line.replace("ok  ", "FAIL", 1) + f"; died: {', '.join(dead)}"
    return ok, line, counts


RUNNERS = {
    "intake": scenario_intake,
    "pg-restart": scenario_pg_restart,
    "redis-down": scenario_redis_down,
    "two-servers": scenario_two_servers,
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="run only this scenario (repeat for more; default: all, in order)",
    )
    parser.add_argument("--duration", type=float, default=15, help="seconds of load (15)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (16)")
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="gunicorn workers (3; two-servers: half each, rounded up)",
    )
    parser.add_argument(
        "--preload",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="gunicorn --preload: a killed worker is forked again in milliseconds instead of "
        "loading Django anew (seconds on a busy machine); --no-preload is README's command",
    )
    parser.add_argument(
        "--kill-every", type=float, default=2, help="intake: SIGKILL a worker every N s (2)"
    )
    parser.add_argument(
        "--pg-restarts", type=int, default=2, help="pg-restart: restarts during the load (2)"
    )
    parser.add_argument(
        "--redis-down-seconds", type=float, default=20, help="redis-down: Redis stopped (20 s)"
    )
    parser.add_argument(
        "--redis-up-seconds",
        type=float,
        default=5,
        help="redis-down: load before the stop and after the restart (5 s)",
    )
    parser.add_argument(
        "--celery-concurrency", type=int, default=2, help="redis-down: Celery processes (2)"
    )
    parser.add_argument(
        "--worker-interval", type=float, default=1, help="two-servers: run_worker interval (1 s)"
    )
    parser.add_argument(
        "--drain-timeout", type=float, default=90, help="wait for the outbox at most (90 s)"
    )
    parser.add_argument(
        "--give-up", type=float, default=60, help="a client stops retrying a complaint after (60 s)"
    )
    parser.add_argument(
        "--pg-bin", type=Path, default=Path("/usr/lib/postgresql/15/bin"), help="initdb, pg_ctl"
    )
    parser.add_argument(
        "--base",
        type=Path,
        help="reuse the migrated, seeded base directory an earlier run kept (--keep)",
    )
    parser.add_argument("--json", type=Path, help="write every scenario's counts to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _on_signal)
    chosen = args.scenario or SCENARIOS
    started = time.monotonic()
    results, all_ok = {}, True
    try:
        base = prepare_base(args)
        mark = CLEANUP.mark()
        for name in chosen:
            t0 = time.monotonic()
            try:
                ok, line, counts = RUNNERS[name](base, args)
            except Exception as exc:
                ok, line, counts = False, f"FAIL {name}: {type(exc).__name__}: {exc}", {}
            finally:
                # The scenario's servers stop before the next one starts; the base stays.
                CLEANUP.run(down_to=mark)
            counts["seconds"] = round(time.monotonic() - t0, 1)
            results[name] = counts
            all_ok &= ok
            print(f"{line} [{counts['seconds']:.0f} s]", flush=True)
    finally:
        CLEANUP.run()
    total = time.monotonic() - started
    print(f"{'ok' if all_ok else 'FAILED'}: {len(results)} scenarios in {total:.0f} s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
