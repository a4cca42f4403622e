#!/usr/bin/env python
"""Latency of the API on a database full of generated complaints.

Every request goes in-process through Django's test client with token authentication, so the
whole server side is measured (middleware, authentication, filters, serializers, JSON) but no
network and no web server. Each operation is run a few hundred times with random realistic
parameters, as a user of one branch (scoped) and as a group user (all branches), and reported
as p50/p95/p99 in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench \\
        .venv/bin/python bench/run.py --generate 100000 --explain --json bench/results/pg-100k.json

See docs/benchmarks.md for the measured figures and how they were made.
"""

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")
# One client asks as fast as it can: the API's rate limits (1,200 a minute per token by
# default) would answer most requests with 429. Latency is measured, not the limits.
os.environ.setdefault("KESU_API_RATE_PER_TOKEN", "")
os.environ.setdefault("KESU_API_RATE_PER_ADDRESS", "")

# p95 targets in milliseconds (docs/benchmarks.md).
TARGETS = {"create": 50, "detail": 50, "lookup_phone": 20}
LIST_TARGET = 100
STATES = [
    "registered",
    "confirmed",
    "investigating",
    "solution_proposed",
    "awaiting_approval",
    "in_progress",
    "resolved",
    "verified",
    "parked",
    "closed",
]
TITLES = [
    "保养后冷车启动异响",
    "变速箱换挡顿挫",
    "车机黑屏无法倒车影像",
    "服务顾问态度差",
    "收费不透明",
]
OPERATIONS = [
    "create",
    "detail",
    "list",
    "list_state_branch",
    "list_severity",
    "list_customer_phone",
    "list_overdue",
    "list_category",
    "list_received_range",
    "lookup_phone",
    "list_customers",
]


def target_for(op: str) -> int:
    return TARGETS.get(op, LIST_TARGET)


@dataclass
class Scope:
    """A user to measure as, and realistic parameters drawn from what that user may see."""

    name: str
    user: object
    token: str
    branch_ids: list[int]
    complaint_ids: list[int] = field(default_factory=list)
    customer_ids: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)


@dataclass
class Result:
    scope: str
    op: str
    timings_ms: list[float]
    queries: int
    rows: int
    errors: int
    first_error: str = ""
    slowest_path: str = ""
    slowest_request: tuple | None = None
    cpu_ms: list[float] = field(default_factory=list)
    load: float = 0.0

    def percentile(self, p: int) -> float:
        if len(self.timings_ms) < 2:
            return self.timings_ms[0] if self.timings_ms else float("nan")
        return statistics.quantiles(self.timings_ms, n=100, method="inclusive")[p - 1]

    def summary(self) -> dict:
        return {
            "scope": self.scope,
            "op": self.op,
            "n": len(self.timings_ms),
            "p50": round(self.percentile(50), 2),
            "p95": round(self.percentile(95), 2),
            "p99": round(self.percentile(99), 2),
            "max": round(max(self.timings_ms), 2) if self.timings_ms else None,
            "mean": round(statistics.fmean(self.timings_ms), 2) if self.timings_ms else None,
            # CPU time of this process (Django and the client, not the database server):
            # much less disturbed than wall time when other work shares the machine.
            "cpu_p50": round(statistics.median(self.cpu_ms), 2) if self.cpu_ms else None,
            "load": round(self.load, 2),
            "queries": self.queries,
            "rows": self.rows,
            "errors": self.errors,
            "target_p95": target_for(self.op),
            "slowest_path": self.slowest_path,
        }


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--organisation", default="bench", help="organisation code (bench)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per case")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--generate",
        type=int,
        metavar="N",
        help="first top the organisation up to N generated complaints (generate_complaints)",
    )
    parser.add_argument(
        "--only", help=f"comma-separated operations (default all: {', '.join(OPERATIONS)})"
    )
    parser.add_argument(
        "--scopes", default="branch,group", help="who to measure as: branch, group (default both)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="show the plan of the slowest query of each case's slowest request",
    )
    parser.add_argument(
        "--quiet-load",
        type=float,
        help="before each case, wait until the 1-minute load average is below this",
    )
    parser.add_argument(
        "--quiet-timeout", type=float, default=600, help="longest wait for quiet, seconds"
    )
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--label", default="", help="a note stored with the results")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import django

    django.setup()
    from django.db import connection

    from kesu.complaints.models import Complaint
    from kesu.organisation.models import Organisation

    rng = random.Random(args.seed)
    org = Organisation.objects.filter(code=args.organisation).first()
    if args.generate:
        from kesu.demo.generation import generate_complaints

        have = Complaint.objects.filter(organisation=org).count() if org else 0
        if have < args.generate:
            print(f"Generating {args.generate - have:,} complaints…", flush=True)
            result = generate_complaints(
                count=args.generate - have,
                organisation=args.organisation,
                seed=args.seed,
                progress=lambda line: print(line, flush=True),
            )
            print(f"Generated at {result.rate:,.0f} complaints/s ({result.method}).")
            org = result.organisation
    if org is None or not Complaint.objects.filter(organisation=org).exists():
        print(
            f"No complaints for organisation {args.organisation!r}: run "
            "`manage.py generate_complaints --count N` first, or pass --generate N.",
            file=sys.stderr,
        )
        return 2

    ops = args.only.split(",") if args.only else OPERATIONS
    unknown = set(ops) - set(OPERATIONS)
    if unknown:
        print(f"Unknown operations: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    meta = describe(org, connection, args)
    print_meta(meta)
    scopes = [make_scope(org, name, rng) for name in args.scopes.split(",")]
    results = []
    for scope in scopes:
        for op in ops:
            load = wait_for_quiet(args.quiet_load, args.quiet_timeout)
            result = measure(scope, op, args, rng, org)
            result.load = load
            results.append(result)
            s = result.summary()
            flag = "" if s["p95"] <= s["target_p95"] else "  (above target)"
            print(
                f"{scope.name:<7}{op:<22}p50 {s['p50']:7.1f}  p95 {s['p95']:7.1f}  "
                f"p99 {s['p99']:7.1f}  max {s['max']:7.1f} ms  {s['queries']} queries  "
                f"{s['rows']} rows  cpu p50 {s['cpu_p50']:.1f}  load {s['load']:.1f}  "
                f"errors {s['errors']}{flag}",
                flush=True,
            )
            if result.errors:
                print(f"        first error: {result.first_error[:300]}")
    meta["load_after"] = os.getloadavg()
    print()
    print(markdown_table(results))
    if args.explain:
        for result in results:
            if result.op.startswith("list") or result.op in ("detail", "lookup_phone"):
                explain(scopes, result, connection)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"meta": meta, "results": [r.summary() for r in results]},
                ensure_ascii=False,
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )
        print(f"\nResults written to {args.json}")
    return 0


# ---- Setting up -----------------------------------------------------------------------------


def describe(org, connection, args) -> dict:
    import django
    from django.db.models import Count

    from kesu.audit.models import AuditEntry
    from kesu.complaints.models import Complaint
    from kesu.customers.models import Customer

    complaints = Complaint.objects.filter(organisation=org)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            server = cursor.fetchone()[0].split(" on ")[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            server = "SQLite " + cursor.fetchone()[0]
    return {
        "label": args.label,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "database": connection.vendor,
        "server": server,
        "database_name": str(connection.settings_dict["NAME"]),
        "complaints": complaints.count(),
        "customers": Customer.objects.filter(organisation=org).count(),
        "audit_entries": AuditEntry.objects.filter(organisation_id=org.pk).count(),
        "states": dict(complaints.values_list("state").annotate(n=Count("id")).order_by("-n")),
        "requests": args.requests,
        "warmup": args.warmup,
        "seed": args.seed,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
    }


def print_meta(meta: dict) -> None:
    print(
        f"{meta['server']} ({meta['database_name']}): {meta['complaints']:,} complaints, "
        f"{meta['customers']:,} customers, {meta['audit_entries']:,} audit entries"
    )
    print(
        f"Python {meta['python']}, Django {meta['django']}, {meta['cpus']} CPUs, "
        f"load {meta['load_before'][0]:.2f}"
    )
    print()


def make_scope(org, name: str, rng: random.Random) -> Scope:
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Branch, User

    branches = list(
        Branch.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    if name == "branch":
        # The frontline of the busiest branch: sees that branch's complaints only.
        busiest = (
            Complaint.objects.filter(organisation=org)
            .values("branch_id")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()["branch_id"]
        )
        user = (
            User.objects.filter(organisation=org, branch_id=busiest, role=Role.FRONTLINE)
            .order_by("pk")
            .first()
        )
        branch_ids = [busiest]
    elif name == "group":
        user = User.objects.filter(organisation=org, role=Role.GROUP).order_by("pk").first()
        branch_ids = branches
    else:
        raise SystemExit(f"Unknown scope {name!r}: use branch or group.")
    if user is None:
        raise SystemExit(f"No {name} user in organisation {org.code}.")
    token, _ = Token.objects.get_or_create(user=user)
    scope = Scope(name, user, token.key, branch_ids)
    sample_scope(scope, org, rng)
    return scope


def sample_scope(scope: Scope, org, rng: random.Random, size: int = 400) -> None:
    """Complaints and customers this user may see, picked evenly over the id range."""
    from django.db.models import Max, Min

    from kesu.complaints.models import Complaint
    from kesu.customers.models import Customer

    visible = Complaint.objects.filter(organisation=org, branch_id__in=scope.branch_ids)
    bounds = visible.aggregate(lo=Min("id"), hi=Max("id"))
    seen = set()
    for _ in range(size * 2):
        pivot = rng.randint(bounds["lo"], bounds["hi"])
        row = visible.filter(id__gte=pivot).order_by("id").values("id", "customer_id").first()
        if row and row["id"] not in seen:
            seen.add(row["id"])
            scope.complaint_ids.append(row["id"])
            scope.customer_ids.append(row["customer_id"])
        if len(scope.complaint_ids) >= size:
            break
    phones = dict(Customer.objects.filter(pk__in=scope.customer_ids).values_list("pk", "phone"))
    scope.phones = [phones[c] for c in scope.customer_ids if c in phones]


def as_typed(phone: str, rng: random.Random) -> str:
    """A stored +86 mobile the way staff type it in: with spaces, dashes or a country code."""
    digits = phone[3:]
    style = rng.randrange(4)
    if style == 0:
        return digits
    if style == 1:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if style == 2:
        return f"+86 {digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return phone


def wait_for_quiet(threshold: float | None, timeout: float) -> float:
    """Wait (up to `timeout` s) for the machine to calm down; return the load we start at."""
    deadline = time.monotonic() + timeout
    while threshold is not None and os.getloadavg()[0] >= threshold:
        if time.monotonic() > deadline:
            break
        time.sleep(5)
    return os.getloadavg()[0]


# ---- Requests --------------------------------------------------------------------------------


def request_for(op: str, scope: Scope, rng: random.Random, org, ctx: dict):
    """(method, path, JSON body) of one request with random realistic parameters."""
    from urllib.parse import urlencode

    base = "/api/v1/complaints/"
    if op == "create":
        body = {
            "customer": rng.choice(scope.customer_ids),
            "channel": rng.choice(["phone", "phone", "walk_in", "wechat"]),
            "title": rng.choice(TITLES),
            "account": "客户来电反映：" + rng.choice(TITLES) + "，希望尽快处理。",
            "kind": "complaint",
            "demand": rng.choice(["repair", "explanation", "apology"]),
            "category": rng.choice(ctx["leaf_categories"]),
        }
        if scope.name == "group":
            body["branch"] = rng.choice(scope.branch_ids)
        return "post", base, body
    if op == "detail":
        return "get", f"{base}{rng.choice(scope.complaint_ids)}/", None
    if op == "lookup_phone":
        phone = as_typed(rng.choice(scope.phones), rng)
        if rng.random() < 0.1:  # a caller who is not a customer yet
            phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        return "get", "/api/v1/customers/?" + urlencode({"phone": phone}), None
    if op == "list_customers":  # the first page of the customers a branch deals with
        return "get", "/api/v1/customers/", None
    params = {}
    if op == "list_state_branch":
        params = {"state": rng.choice(STATES), "branch": rng.choice(scope.branch_ids)}
    elif op == "list_severity":
        params = {"severity": "major"}
    elif op == "list_customer_phone":
        params = {"customer_phone": as_typed(rng.choice(scope.phones), rng)}
    elif op == "list_overdue":
        params = {"overdue": "true"}
    elif op == "list_category":
        params = {"category": rng.choice(ctx["categories"])}
    elif op == "list_received_range":
        start = ctx["today"] - timedelta(days=rng.randrange(7, 720))
        days = rng.choice([1, 7, 7, 30])
        params = {
            "received_after": start.isoformat(),
            "received_before": (start + timedelta(days=days - 1)).isoformat(),
        }
    return "get", base + ("?" + urlencode(params) if params else ""), None


def measure(scope: Scope, op: str, args, rng: random.Random, org) -> Result:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kesu.complaints.models import Category

    categories = list(
        Category.objects.filter(organisation=org, is_active=True).values_list("pk", "path")
    )
    paths = [p for _, p in categories]
    ctx = {
        "categories": [pk for pk, _ in categories],
        "leaf_categories": [
            pk for pk, path in categories if not any(o.startswith(path + "/") for o in paths)
        ],
        "today": timezone.localdate(),
    }
    client = Client(HTTP_AUTHORIZATION=f"Token {scope.token}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    expected = 201 if op == "create" else 200

    def send(method, path, body):
        if method == "post":
            return client.post(path, data=json.dumps(body), content_type="application/json")
        return client.get(path)

    result = Result(scope.name, op, [], 0, 0, 0)
    slowest = -1.0
    for i in range(args.warmup + args.requests):
        method, path, body = request_for(op, scope, rng, org, ctx)
        cpu_started = time.process_time()
        started = time.perf_counter()
        response = send(method, path, body)
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.process_time() - cpu_started) * 1000
        if response.status_code != expected:
            result.errors += 1
            if not result.first_error:
                result.first_error = f"{response.status_code} {path} {response.content[:300]!r}"
            continue
        if i >= args.warmup:
            result.timings_ms.append(elapsed)
            result.cpu_ms.append(cpu)
            if elapsed > slowest:
                slowest = elapsed
                result.slowest_path = path if method == "get" else f"POST {path}"
                result.slowest_request = (method, path, body)
    # One more request to count the queries and the rows of a typical response.
    method, path, body = request_for(op, scope, rng, org, ctx)
    with CaptureQueriesContext(connection) as captured:
        response = send(method, path, body)
    result.queries = len(captured.captured_queries)
    data = response.json() if response.status_code in (200, 201) else {}
    result.rows = (
        len(data.get("results", [])) if isinstance(data, dict) and "results" in data else 1
    )
    return result


# ---- Reporting -------------------------------------------------------------------------------


def markdown_table(results: list[Result]) -> str:
    lines = [
        "| user | operation | p50 ms | p95 ms | p99 ms | max ms | target p95 | queries "
        "| CPU p50 ms | load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.summary()
        mark = "" if s["p95"] <= s["target_p95"] else " ✗"
        lines.append(
            f"| {s['scope']} | {s['op']} | {s['p50']:.1f} | {s['p95']:.1f}{mark} | "
            f"{s['p99']:.1f} | {s['max']:.1f} | {s['target_p95']} | {s['queries']} | "
            f"{s['cpu_p50']:.1f} | {s['load']:.1f} |"
        )
    return "\n".join(lines)


def explain(scopes: list[Scope], result: Result, connection) -> None:
    """Replay the slowest request, then show the plan of its slowest query."""
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    request = result.slowest_request
    if request is None:
        return
    method, path, body = request
    scope = next(s for s in scopes if s.name == result.scope)
    client = Client(HTTP_AUTHORIZATION=f"Token {scope.token}")
    with CaptureQueriesContext(connection) as captured:
        if method == "post":
            client.post(path, data=json.dumps(body), content_type="application/json")
        else:
            client.get(path)
    table = (
        '"customers_customer"'
        if result.op in ("lookup_phone", "list_customers")
        else '"complaints_complaint"'
    )
    queries = [
        q
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and f"FROM {table}" in q["sql"]
    ]
    if not queries:
        return
    slowest = max(queries, key=lambda q: float(q["time"]))
    print(f"\n### {result.scope} {result.op}: {path}")
    print(
        f"slowest: {result.percentile(100 - 1):.1f} ms p99; the query ({float(slowest['time']) * 1000:.1f} ms on replay):"
    )
    print(
        re.sub(r"^SELECT .*? FROM ", "SELECT … FROM ", slowest["sql"], count=1, flags=re.S)[:1500]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + slowest["sql"])
        for row in cursor.fetchall():
            print("  " + " | ".join(str(v) for v in row))


if __name__ == "__main__":
    sys.exit(main())
