#!/usr/bin/env python
"""How fast the complaint list's Excel export writes, in rows a second (issue 12).

    DATABASE_URL=sqlite:////tmp/xlsx.sqlite3 .venv/bin/python bench/xlsx_export.py --fill

Calls `write_complaints_xlsx` (kesu/complaints/exports.py) as the organisation's group user
for its newest `--rows` complaints or those received in `--month` (all of them by default, up
to the export's cap), `--runs`
times, and prints the median and best time, the rows a second and the file's size. The same
function exists on every version of Kesu since the export was written, so the script measures
an older checkout too (PYTHONPATH=<its folder>).

`generate_complaints` writes no deadlines, which give the export eight of its columns:
`--fill` adds the four milestones of round 1 to every complaint that has none (through the
ORM, so on SQLite as on PostgreSQL; bench/reports.py --fill does it in SQL on PostgreSQL).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(os.environ.get("PYTHONPATH", "").split(os.pathsep)[0] or Path(__file__).parent.parent)
sys.path.insert(0, str(ROOT.resolve()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

# Per kind: hours after receipt it is due.
MILESTONES = {"first_contact": 2, "solution": 26, "resolution": 120, "satisfaction_callback": 168}


def fill(org_id: int) -> None:
    from kesu.complaints.models import Complaint
    from kesu.sla.models import ComplaintMilestone

    complaints = Complaint.objects.filter(organisation_id=org_id, milestones__isnull=True)
    made = []
    for pk, received_at, resolved_at in complaints.values_list("id", "received_at", "resolved_at"):
        for kind, hours in MILESTONES.items():
            due = received_at + timedelta(hours=hours)
            met = resolved_at or (
                received_at + timedelta(hours=1) if kind == "first_contact" else None
            )
            made.append(
                ComplaintMilestone(
                    complaint_id=pk,
                    kind=kind,
                    round=1,
                    status="met" if met else "running",
                    amount=hours,
                    unit="hours",
                    clock="calendar",
                    started_at=received_at,
                    due_at=due,
                    met_at=met,
                )
            )
    ComplaintMilestone.objects.bulk_create(made, batch_size=2000)
    print(f"filled: {len(made):,} milestones")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, help="the newest N complaints (default: all)")
    parser.add_argument("--month", help="YYYY-MM: the complaints received in that month")
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument("--fill", action="store_true", help="add milestones first")
    parser.add_argument("--keep", help="write the last workbook to this path")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from kesu.complaints import exports
    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Organisation, User

    org = Organisation.objects.get(code=args.organisation)
    if args.fill:
        fill(org.pk)
    user = User.objects.filter(organisation=org, role=Role.GROUP, is_active=True).first()
    qs = Complaint.objects.filter(organisation=org)
    if args.rows:
        newest = list(qs.order_by("-id").values_list("id", flat=True)[: args.rows])
        qs = qs.filter(id__gte=min(newest))
    if args.month:
        from kesu.reports.periods import period_from

        start, end = period_from({"month": args.month}).bounds()
        qs = qs.filter(received_at__gte=start, received_at__lt=end)
    translation.activate(args.language)
    times, rows, size = [], 0, 0
    for run in range(args.runs + 1):  # the first warms the connection and caches
        started = time.perf_counter()
        out, rows, _capped = exports.write_complaints_xlsx(user, qs, filters=[])
        elapsed = time.perf_counter() - started
        size = os.fstat(out.fileno()).st_size
        if args.keep:
            Path(args.keep).write_bytes(out.read())
        out.close()
        if run:
            times.append(elapsed)
    median = statistics.median(times)
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']} · {ROOT}: {rows:,} rows, "
        f"median {median:.2f} s, best {min(times):.2f} s, {rows / median:,.0f} rows/s, "
        f"{size / 1e6:.1f} MB; {args.runs} runs; load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
