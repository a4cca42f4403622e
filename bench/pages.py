#!/usr/bin/env python
"""Server-side time of the staff workspace's pages on a database of generated complaints.

In-process through Django's test client with a signed-in session, so the whole server side is
measured (middleware, session, queries, templates) but no network or browser:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench_1m \\
        .venv/bin/python bench/pages.py --organisation bench --runs 200

Pages: my work (frontline, handling manager, customer director), the complaint list (no
filter, open cases of a branch, overdue), a complaint page, and search by two and four Chinese
characters. Targets (p95): my work and list 150 ms, complaint page 100 ms, search 300 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

TARGETS = {"my_work": 150, "list": 150, "complaint": 100, "search": 300}
SEARCH_WORDS = ["异响", "顿挫", "漏油", "抖动", "发动机异响", "变速箱顿挫", "服务态度", "刹车"]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Organisation, User

    settings.ALLOWED_HOSTS = ["*"]
    org = Organisation.objects.get(code=args.organisation)
    total = Complaint.objects.filter(organisation=org).count()
    rng = random.Random(args.seed)
    users = {
        role: User.objects.filter(organisation=org, role=role, is_active=True)
        .order_by("pk")
        .first()
        for role in (Role.FRONTLINE, Role.HANDLER, Role.DIRECTOR)
    }
    director = users[Role.DIRECTOR]
    branch_ids = list(
        Complaint.objects.filter(branch_id=director.branch_id)
        .order_by("-id")
        .values_list("id", flat=True)[:5000]
    )
    clients = {}
    for role, user in users.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)
        clients[role] = client

    cases = {
        "my_work frontline": (Role.FRONTLINE, lambda: "/"),
        "my_work handler": (Role.HANDLER, lambda: "/"),
        "my_work director": (Role.DIRECTOR, lambda: "/"),
        "list": (Role.DIRECTOR, lambda: "/complaints/"),
        "list open": (Role.DIRECTOR, lambda: "/complaints/?state=investigating"),
        "list overdue": (Role.DIRECTOR, lambda: "/complaints/?overdue=true"),
        "list older page": (Role.DIRECTOR, lambda: f"/complaints/?before={rng.choice(branch_ids)}"),
        "complaint": (Role.DIRECTOR, lambda: f"/complaints/{rng.choice(branch_ids)}/"),
        "search": (Role.DIRECTOR, lambda: f"/complaints/?q={rng.choice(SEARCH_WORDS)}"),
    }
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {total:,} complaints; "
        f"{args.runs} requests per page; load {os.getloadavg()[0]:.2f}"
    )
    print("| page | p50 ms | p95 ms | p99 ms | target p95 | queries |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (role, url) in cases.items():
        client = clients[role]
        for _ in range(5):
            client.get(url())  # warm caches and the connection
        timings = []
        queries = 0
        for _ in range(args.runs):
            path = url()
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            queries = max(queries, len(ctx.captured_queries))
            if response.status_code != 200:
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        target = TARGETS[name.split()[0]]
        p95 = pct(timings, 95)
        mark = "" if p95 <= target else " ✗"
        print(
            f"| {name} | {statistics.median(timings):.1f} | {p95:.1f}{mark} | {pct(timings, 99):.1f} "
            f"| {target} | {queries} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
