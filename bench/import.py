#!/usr/bin/env python
"""How fast the Excel import of historical complaints checks and imports a file.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_import_bench \\
        .venv/bin/python bench/import.py --rows 20000 [--organisation bench] [--runs 2]

Generates an N-row workbook the way a director's old register would look (closed cases of past
years mostly, some open ones; a customer in every few rows seen before; every column of the
template filled in where it applies), then times, as the organisation's group user (or
`--user`): reading and checking every row (`open_rows` + `check_rows`), and importing them in
one transaction (`import_checked`: customers, numbers, complaints, timeline entries). Prints
rows/s of each phase and of both together. The target (issue 12) is 2,000 rows/s at a million
complaints on PostgreSQL. The organisation is made like `generate_complaints` makes it when it
does not exist. `--rollback` leaves the database as it was. On PostgreSQL the two phases overlap
as an import job's do (`import_overlapped`: a forked process checks while this one imports), so
only their sum is timed; `--no-overlap` checks first and times each. CPU seconds are printed
for each process, and for the database server's (read from /proc when it runs here).
"""

import argparse
import io
import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

TARGET = 2000.0  # rows per second, checking and importing together


def server_cpu() -> float | None:
    """CPU seconds the database server's process of this connection has used (PostgreSQL on
    this machine only: read from /proc), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_note(before: float | None) -> str:
    after = server_cpu()
    return "" if before is None or after is None else f", database server {after - before:.1f}"


def workbook(rows: int, branches: list[str], seed: int) -> bytes:
    """An .xlsx of `rows` complaints with English headers and a mix of labels and codes."""
    from django.utils import translation
    from openpyxl import Workbook

    from kesu.complaints.choices import CauseClass, Channel, Demand, Severity
    from kesu.complaints.imports import BY_KEY

    rng = random.Random(seed)
    keys = [
        "number", "kind", "received_at", "channel", "channel_detail", "branch", "customer",
        "phone", "title", "account", "demand", "demand_detail", "cause", "severity", "state",
        "staff_involved", "solution", "satisfaction", "root_cause", "corrective_action",
        "close_reason", "close_note", "confirmed_at", "resolved_at", "closed_at", "due_at",
    ]  # fmt: skip
    channels = [c for c in Channel.values if c not in ("manufacturer", "consumer_assoc", "12315", "media", "court")]  # fmt: skip
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Complaints")
    with translation.override("en"):
        ws.append([str(BY_KEY[k].title) for k in keys])
        start = datetime(2019, 1, 1, 8, 0)  # noqa: DTZ001 - Excel has wall-clock times
        for i in range(rows):
            received = start + timedelta(minutes=rng.randrange(0, 60 * 24 * 365 * 6))
            closed = rng.random() < 0.85
            resolved_at = received + timedelta(hours=rng.randrange(2, 240))
            row = {
                "number": f"OLD-{i:07d}",
                "kind": rng.choice(["Complaint", "complaint", "投诉", "Grievance"]),
                "received_at": received,
                "channel": rng.choice(channels),
                "channel_detail": "400 热线",
                "branch": rng.choice(branches),
                "customer": f"客户{i % (rows // 3 + 1)}",
                "phone": f"139{(i % (rows // 3 + 1)):08d}",
                "title": rng.choice(["保养后异响", "交车延误", "销售承诺未兑现", "维修质量问题"]),
                "account": "客户来电反映："
                + "车辆在保养后出现异响，要求尽快处理。" * rng.randrange(1, 6),
                "demand": rng.choice(Demand.values),
                "demand_detail": "希望免费检修",
                "cause": rng.choice(CauseClass.values),
                "severity": rng.choice(Severity.values[:3]),
                "state": "Closed" if closed else rng.choice(["Investigating", "Registered"]),
                "staff_involved": "服务顾问 张三",
                "solution": "免费更换皮带并做四轮定位" if closed else "",
                "satisfaction": "satisfied" if closed else "",
                "root_cause": "装配时未紧固" if closed else "",
                "corrective_action": "复查同批次车辆" if closed else "",
                "close_reason": "completed" if closed else "",
                "close_note": "客户认可" if closed else "",
                "confirmed_at": received + timedelta(hours=1),
                "resolved_at": resolved_at if closed else None,
                "closed_at": resolved_at + timedelta(hours=24) if closed else None,
                "due_at": received + timedelta(days=5),
            }
            ws.append([row[k] for k in keys])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--user", default="", help="user name (default: the group user)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--rollback", action="store_true")
    parser.add_argument(
        "--no-overlap",
        action="store_true",
        help="check every row first, then import (on PostgreSQL the two overlap by default)",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import translation

    from kesu.complaints.import_jobs import import_checked, import_overlapped, overlaps
    from kesu.complaints.imports import check_rows, column_keys, open_rows
    from kesu.complaints.models import Complaint
    from kesu.demo.generation import bench_organisation
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Branch, User

    settings.KESU_IMPORT_MAX_ROWS = max(settings.KESU_IMPORT_MAX_ROWS, args.rows)
    org, _created = bench_organisation(args.organisation)
    users = User.objects.filter(organisation=org)
    user = users.get(username=args.user) if args.user else users.filter(role=Role.GROUP).first()
    assert user is not None, "the organisation has no group user: name one with --user"
    branches = list(Branch.objects.filter(organisation=org).values_list("code", flat=True))
    existing = Complaint.objects.filter(organisation=org).count()
    print(
        f"{connection.vendor}: organisation {org.code} with {existing:,} complaints, "
        f"{args.rows:,} rows, as {user.username}"
    )
    translation.activate("en")
    settings.KESU_IMPORT_OVERLAP = not args.no_overlap
    for run in range(1, args.runs + 1):
        data = workbook(args.rows, branches, args.seed + run)
        if overlaps(args.rows):
            overlapped(run, data, user, args, import_overlapped, open_rows, column_keys)
            continue
        server = server_cpu()
        started, cpu_started = time.perf_counter(), time.process_time()
        header, rows = open_rows(data)
        checked = check_rows(user, column_keys(header, user), rows)
        checked_at, cpu_checked = time.perf_counter(), time.process_time()
        assert checked.error_count == 0, checked.errors[:5]
        with transaction.atomic():
            numbers = import_checked(user, checked, file_name="bench.xlsx")
            imported_at = time.perf_counter()
            if args.rollback:
                transaction.set_rollback(True)
        done, cpu_done = time.perf_counter(), time.process_time()
        check_s, import_s, total_s = checked_at - started, done - checked_at, done - started
        print(
            f"run {run}: {len(data) / 1e6:.1f} MB; checked {args.rows / check_s:,.0f} rows/s "
            f"({check_s:.1f} s), imported {len(numbers) / import_s:,.0f} rows/s "
            f"({import_s:.1f} s, commit {done - imported_at:.1f} s); "
            f"together {args.rows / total_s:,.0f} rows/s "
            f"({'meets' if args.rows / total_s >= TARGET else 'misses'} {TARGET:,.0f}); "
            f"CPU s checking {cpu_checked - cpu_started:.1f}, importing "
            f"{cpu_done - cpu_checked:.1f}{server_note(server)}; load {os.getloadavg()[0]:.1f}"
        )


def overlapped(run, data, user, args, import_overlapped, open_rows, column_keys) -> None:
    """One run checking and importing at once: the two phases are not timed apart; the forked
    checking process's CPU time is counted when it has ended (RUSAGE_CHILDREN)."""
    import resource

    from django.db import transaction

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server = server_cpu()
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        header, rows = open_rows(data)
        checked, numbers = import_overlapped(
            user, column_keys(header, user), rows, file_name="bench.xlsx"
        )
        imported_at = time.perf_counter()
        if args.rollback:
            transaction.set_rollback(True)
    done, cpu_done = time.perf_counter(), time.process_time()
    ended = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (ended.ru_utime + ended.ru_stime) - (children.ru_utime + children.ru_stime)
    total_s = done - started
    print(
        f"run {run}: {len(data) / 1e6:.1f} MB; checked and imported at once "
        f"{len(numbers) / total_s:,.0f} rows/s ({total_s:.1f} s, commit {done - imported_at:.1f}"
        f" s) ({'meets' if len(numbers) / total_s >= TARGET else 'misses'} {TARGET:,.0f}); "
        f"CPU s importing process {cpu_done - cpu_started:.1f}, checking process "
        f"{child_cpu:.1f}{server_note(server)}; load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
