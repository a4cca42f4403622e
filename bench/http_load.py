#!/usr/bin/env python
"""Kesu under load over real HTTP, served by the README's production command.

Starts gunicorn (DEBUG off, `gunicorn.conf.py`) on a free loopback port against DATABASE_URL,
usually a database filled by `manage.py generate_complaints`, and measures:

1. create     one client registering complaints one after the other (`POST /api/v1/complaints/`
              with a token): p50/p95 of a single create
2. intake     `--clients` clients registering at the same time for `--duration` seconds:
              complaints per second, p50/p95
3. pages      `--users` signed-in staff (front line, handling managers, customer directors of
              every branch) opening my work and the complaint list at the same time, each
              pausing `--think` seconds on average between pages: p50/p95 per page

Clients are processes (not threads), so the load generator is not held back by one GIL; each
opens a new connection per request, as gunicorn's sync workers close them anyway.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench_1m \\
        .venv/bin/python bench/http_load.py --workers 5 --clients 16 --users 20

Complaints registered by the run stay in the database (titles start with "HTTP load").
See docs/benchmarks.md.
"""

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import platform
import random
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

TARGETS = {"intake_per_second": 300, "pages_p95_ms": 100}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy (all processes, all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of gunicorn's master and workers (the children of `pid`)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(parts[1]) == pid:
            total += (int(parts[11]) + int(parts[12])) / ticks
    return total


class CpuMeter:
    """CPU spent per request during a phase: by Kesu's gunicorn and by the machine in all."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.machine = machine_cpu_seconds()
        self.server = tree_cpu_seconds(server_pid)

    def per_request_ms(self, requests: int) -> tuple[float, float]:
        machine = machine_cpu_seconds() - self.machine
        server = tree_cpu_seconds(self.server_pid) - self.server
        n = max(requests, 1)
        return server * 1000 / n, machine * 1000 / n


# ---- Clients (each in its own process) -------------------------------------------------------


def create_loop(port, token, customers, marker, n, until, seed, results):
    rng = random.Random(seed)
    headers = {
        "Authorization": f"Token {token}",
        "Content-Type": "application/json",
        "Accept-Language": "zh-hans",
    }
    timings, errors, i = [], 0, 0
    while (n is None or i < n) and (until is None or time.time() < until):
        i += 1
        body = {
            "customer": rng.choice(customers),
            "channel": rng.choice(["phone", "walk_in", "wechat"]),
            "title": f"HTTP load {marker} {seed}-{i} 保养后冷车启动异响",
            "account": "客户反映保养后第二天早上冷车启动时发动机舱有明显异响，持续约十秒。",
        }
        started = time.perf_counter()
        status, _ = request(port, "POST", "/api/v1/complaints/", headers, json.dumps(body).encode())
        elapsed = (time.perf_counter() - started) * 1000
        if status == 201:
            timings.append(elapsed)
        else:
            errors += 1
    results.put({"timings": timings, "errors": errors})


def page_loop(port, session_cookie, paths, until, think, seed, results):
    rng = random.Random(seed)
    headers = {"Cookie": f"sessionid={session_cookie}", "Accept-Language": "zh-hans"}
    timings: dict[str, list[float]] = {}
    errors = 0
    for _name, path in paths:  # untimed: the worker's first page of each kind
        request(port, "GET", path, headers)
    while time.time() < until:
        name, path = rng.choice(paths)
        started = time.perf_counter()
        status, _ = request(port, "GET", path, headers)
        elapsed = (time.perf_counter() - started) * 1000
        if status == 200:
            timings.setdefault(name, []).append(elapsed)
        else:
            errors += 1
            if errors == 1:
                print(f"{path}: HTTP {status}", file=sys.stderr, flush=True)
        if think:
            time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    results.put({"timings": timings, "errors": errors})


def run_processes(target, argument_lists) -> list[dict]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    procs = [context.Process(target=target, args=(*a, results)) for a in argument_lists]
    for p in procs:
        p.start()
    out = [results.get() for _ in procs]
    for p in procs:
        p.join()
    return out


# ---- Set-up -----------------------------------------------------------------------------------


def prepare(organisation: str, users: int):
    """A frontline user's token, customers of the user's branch, and signed-in staff."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from kesu.complaints.models import Complaint
    from kesu.customers.models import Customer
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Organisation, User

    org = Organisation.objects.get(code=organisation)
    total = Complaint.objects.filter(organisation=org).count()
    frontline = (
        User.objects.filter(organisation=org, role=Role.FRONTLINE, is_active=True)
        .order_by("pk")
        .first()
    )
    customers = list(
        Customer.objects.filter(organisation=org, branch_id=frontline.branch_id)
        .order_by("-pk")
        .values_list("pk", flat=True)[:500]
    )
    staff = list(
        User.objects.filter(
            organisation=org,
            is_active=True,
            role__in=[Role.FRONTLINE, Role.HANDLER, Role.DIRECTOR],
        ).order_by("role", "pk")
    )
    # Round-robin over the roles so every role is among the first `users`.
    by_role: dict[str, list] = {}
    for user in staff:
        by_role.setdefault(user.role, []).append(user)
    chosen = []
    while len(chosen) < users and any(by_role.values()):
        for role in list(by_role):
            if by_role[role] and len(chosen) < users:
                chosen.append(by_role[role].pop(0))
    # The first backend that can load a user from a session (django-axes' only refuses logins).
    backend = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    sessions = []
    for user in chosen:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user.role, store.session_key))
    vendor = connection.vendor
    connection.close()
    return frontline.username, customers, sessions, total, vendor


def start_gunicorn(port: int, workers: int, workdir: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        KESU_DEBUG="0",
        KESU_ALLOWED_HOSTS="127.0.0.1,localhost",
        KESU_API_RATE_PER_TOKEN="",
        KESU_API_RATE_PER_ADDRESS="",
        KESU_ACCESS_LOG_LEVEL="WARNING",
        KESU_LOG_LEVEL="WARNING",
        KESU_VAR_DIR=str(workdir),
    )
    args = [
        str(BIN / "gunicorn"),
        "kesu.wsgi",
        "-c",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--control-socket",
        str(workdir / "gunicorn.ctl"),
    ]
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "GET", "/healthz", {})[0] == 200:
                return proc
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit(f"gunicorn did not come up:\n{(workdir / 'gunicorn.log').read_text()[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count() + 1)
    parser.add_argument("--creates", type=int, default=300, help="single-client creates (300)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent intake clients (16)")
    parser.add_argument("--users", type=int, default=20, help="concurrent page users (20)")
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="a page user's mean pause between pages in seconds, 0 for none (1.0)",
    )
    parser.add_argument("--duration", type=float, default=30, help="seconds per load phase (30)")
    parser.add_argument("--phase", action="append", choices=["create", "intake", "pages"])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    phases = args.phase or ["create", "intake", "pages"]

    # Sessions are signed with the secret key: this process and the server share one.
    os.environ["KESU_SECRET_KEY"] = os.environ.get("KESU_SECRET_KEY") or secrets.token_urlsafe(50)
    username, customers, sessions, total, vendor = prepare(args.organisation, args.users)
    from kesu.demo.generation import BENCH_PASSWORD

    workdir = ROOT / "var" / f"http-load-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_gunicorn(port, args.workers, workdir)
    figures: dict = {
        "database": vendor,
        "complaints": total,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
    }
    try:
        status, body = request(
            port,
            "POST",
            "/api/v1/auth/token/",
            {"Content-Type": "application/x-www-form-urlencoded"},
            f"username={username}&password={BENCH_PASSWORD}".encode(),
        )
        if status != 200:
            raise SystemExit(f"no token: HTTP {status} {body[:300]!r}")
        token = json.loads(body)["token"]
        marker = secrets.token_hex(3)
        print(
            f"{vendor}: {total:,} complaints; gunicorn --workers {args.workers} on "
            f"{os.cpu_count()} CPUs; load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        # Warm every worker's imports and caches.
        run_processes(
            create_loop, [(port, token, customers, marker, 10, None, 900 + i) for i in range(4)]
        )

        if "create" in phases:
            meter = CpuMeter(server.pid)
            (result,) = run_processes(
                create_loop, [(port, token, customers, marker, args.creates, None, 1)]
            )
            t = result["timings"]
            server_ms, machine_ms = meter.per_request_ms(len(t))
            figures["create"] = {
                "n": len(t),
                "p50": pct(t, 50),
                "p95": pct(t, 95),
                "errors": result["errors"],
                "cpu_ms_gunicorn": server_ms,
                "cpu_ms_machine": machine_ms,
            }
            print(
                f"create, 1 client: {len(t)} complaints, p50 {pct(t, 50):.1f} ms, "
                f"p95 {pct(t, 95):.1f} ms, errors {result['errors']}; CPU per create "
                f"{server_ms:.1f} ms in gunicorn, {machine_ms:.1f} ms on the machine",
                flush=True,
            )

        if "intake" in phases:
            until = time.time() + args.duration
            started = time.time()
            meter = CpuMeter(server.pid)
            results = run_processes(
                create_loop,
                [
                    (port, token, customers, marker, None, until, 100 + i)
                    for i in range(args.clients)
                ],
            )
            seconds = time.time() - started
            t = [x for r in results for x in r["timings"]]
            errors = sum(r["errors"] for r in results)
            rate = len(t) / seconds
            server_ms, machine_ms = meter.per_request_ms(len(t))
            figures["intake"] = {
                "cpu_ms_gunicorn": server_ms,
                "cpu_ms_machine": machine_ms,
                "clients": args.clients,
                "complaints": len(t),
                "seconds": seconds,
                "per_second": rate,
                "p50": pct(t, 50),
                "p95": pct(t, 95),
                "errors": errors,
            }
            mark = "" if rate >= TARGETS["intake_per_second"] else " ✗"
            print(
                f"intake, {args.clients} clients: {len(t)} complaints in {seconds:.1f} s = "
                f"{rate:.0f}/s{mark} (target {TARGETS['intake_per_second']}), "
                f"p50 {pct(t, 50):.0f} ms, p95 {pct(t, 95):.0f} ms, errors {errors}; CPU per "
                f"create {server_ms:.1f} ms in gunicorn, {machine_ms:.1f} ms on the machine",
                flush=True,
            )

        if "pages" in phases:
            paths = [("my_work", "/"), ("list", "/complaints/")]
            until = time.time() + args.duration
            results = run_processes(
                page_loop,
                [
                    (port, key, paths, until, args.think, 200 + i)
                    for i, (_role, key) in enumerate(sessions)
                ],
            )
            roles = [role for role, _ in sessions]
            figures["pages"] = {"users": len(sessions), "roles": roles, "think": args.think}
            print(
                f"pages, {len(sessions)} users at once ({', '.join(sorted(set(roles)))}), "
                f"pausing {args.think:g} s on average between pages:",
                flush=True,
            )
            errors = sum(r["errors"] for r in results)
            for name, _ in paths:
                t = [x for r in results for x in r["timings"].get(name, [])]
                figures["pages"][name] = {"n": len(t), "p50": pct(t, 50), "p95": pct(t, 95)}
                mark = "" if pct(t, 95) <= TARGETS["pages_p95_ms"] else " ✗"
                print(
                    f"  {name}: {len(t)} requests, p50 {pct(t, 50):.0f} ms, "
                    f"p95 {pct(t, 95):.0f} ms{mark} (target {TARGETS['pages_p95_ms']})",
                    flush=True,
                )
            figures["pages"]["errors"] = errors
            print(f"  errors {errors}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
