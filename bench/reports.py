#!/usr/bin/env python
"""How long the monthly analysis takes on a database of generated complaints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_bench_1m \\
        .venv/bin/python bench/reports.py --organisation bench --runs 5 [--fill]

`generate_complaints` writes complaints and their timelines but no deadlines and no
questionnaires, so the report's compliance, durations, CSAT and NPS would have nothing to
read. `--fill` adds them once, in SQL, the way the procedure would have left them: first
contact, solution, resolution and satisfaction-callback milestones (round 1) for every
complaint (met on time for most, late for some, still running for the open ones), and a
questionnaire answer for about a third of the resolved complaints.

Measured, as the group user and as one branch's customer director, for the last complete
month: `monthly_report()` itself (the figures worked out now), the HTML page as kept for
KESU_REPORT_CACHE_SECONDS once worked out (what a reader gets, the worker working the common
reports out ahead), and the Excel export of the month's
complaints (`/complaints/export.xlsx` with the month's received dates). Targets: the group's
report 2 s, a branch's 1 s, the Excel of a month 10 s.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")

TARGETS = {"group": 2.0, "branch": 1.0, "xlsx": 10.0}

# Per kind: hours after receipt it is due, and the share (of 100, by id) that was late.
MILESTONES = {
    "first_contact": (2, 8),
    "solution": (26, 15),
    "resolution": (120, 20),
    "satisfaction_callback": (168, 10),
}


def fill(org_id: int) -> None:
    from django.db import connection, transaction

    from kesu.callbacks.models import Survey

    with connection.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM sla_complaintmilestone m JOIN complaints_complaint c "
            "ON c.id = m.complaint_id WHERE c.organisation_id = %s LIMIT 1",
            [org_id],
        )
        if cur.fetchone():
            print("milestones present: not filled again")
            return
    survey = Survey.objects.filter(organisation_id=org_id, code="satisfaction").first()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        for kind, (hours, late) in MILESTONES.items():
            # Met: resolved cases, or any case for first contact; met late for `late` % of ids.
            cur.execute(
                f"""
                INSERT INTO sla_complaintmilestone
                  (complaint_id, kind, round, status, amount, unit, clock, started_at, due_at,
                   pauses, met_at, breached_at, escalation_step, override_reason)
                SELECT c.id, %s, 1,
                  CASE WHEN c.resolved_at IS NULL AND %s <> 'first_contact' THEN 'running'
                       WHEN c.id %% 100 < %s THEN 'breached' ELSE 'met' END,
                  %s, 'hours', 'calendar', c.received_at,
                  c.received_at + interval '{hours} hours', '[]'::jsonb,
                  CASE WHEN c.resolved_at IS NULL AND %s <> 'first_contact' THEN NULL
                       WHEN c.id %% 100 < %s THEN c.received_at + interval '{hours * 3 // 2} hours'
                       ELSE c.received_at + interval '{max(1, hours // 2)} hours' END,
                  CASE WHEN c.id %% 100 < %s AND (c.resolved_at IS NOT NULL
                       OR %s = 'first_contact') THEN c.received_at + interval '{hours} hours'
                       ELSE NULL END,
                  0, ''
                FROM complaints_complaint c
                WHERE c.organisation_id = %s AND c.state <> 'merged'
                """,
                [kind, kind, late, hours, kind, late, late, kind, org_id],
            )
        if survey is not None:
            cur.execute(
                """
                INSERT INTO callbacks_surveyresponse
                  (organisation_id, branch_id, survey_id, customer_id, complaint_id, channel,
                   answered_at, answers)
                SELECT c.organisation_id, c.branch_id, %s, c.customer_id, c.id, 'phone',
                  c.resolved_at + interval '3 days',
                  jsonb_build_object('result', 1 + c.id %% 5, 'nps', c.id %% 11)
                FROM complaints_complaint c
                WHERE c.organisation_id = %s AND c.resolved_at IS NOT NULL AND c.id %% 3 = 0
                """,
                [survey.pk, org_id],
            )
        cur.execute("ANALYZE sla_complaintmilestone")
        cur.execute("ANALYZE callbacks_surveyresponse")
    print(f"filled in {time.perf_counter() - started:.0f} s")


def timed(fn, runs: int) -> tuple[float, float]:
    fn()  # warm the connection and caches
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--organisation", default="bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--month", help="YYYY-MM (default: the newest complete month)")
    parser.add_argument("--fill", action="store_true", help="add milestones and answers first")
    parser.add_argument("--no-xlsx", action="store_true")
    args = parser.parse_args()

    import logging

    import django

    django.setup()
    logging.getLogger("kesu.request").setLevel(logging.WARNING)
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max
    from django.test import Client
    from django.utils import translation

    from kesu.complaints.models import Complaint
    from kesu.organisation.choices import Role
    from kesu.organisation.models import Organisation, User
    from kesu.reports.periods import month, period_from
    from kesu.reports.selectors import monthly_report

    settings.ALLOWED_HOSTS = ["*"]
    org = Organisation.objects.get(code=args.organisation)
    if args.fill:
        fill(org.pk)
    newest = Complaint.objects.filter(organisation=org).aggregate(m=Max("received_at"))["m"]
    label = args.month or month(newest.date()).previous().label
    period = period_from({"month": label})
    group = User.objects.filter(organisation=org, role=Role.GROUP, is_active=True).first()
    director = (
        User.objects.filter(organisation=org, role=Role.DIRECTOR, is_active=True)
        .order_by("pk")
        .first()
    )
    total = Complaint.objects.filter(organisation=org).count()
    start, end = period.bounds()
    in_month = Complaint.objects.filter(
        organisation=org, received_at__gte=start, received_at__lt=end
    )
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {total:,} complaints; "
        f"{label}: {in_month.count():,} for the group, "
        f"{in_month.filter(branch_id=director.branch_id).count():,} for {director.branch}; "
        f"{args.runs} runs; load {os.getloadavg()[0]:.2f}"
    )
    print("| what | median s | max s | target s |")
    print("|---|---:|---:|---:|")

    def row(name, target, fn):
        median, worst = timed(fn, args.runs)
        mark = "" if worst <= target else " ✗"
        print(f"| {name} | {median:.2f} | {worst:.2f}{mark} | {target:g} |", flush=True)

    translation.activate("zh-hans")
    for scope, user in (("group", group), ("branch", director)):
        row(f"monthly_report() · {scope}", TARGETS[scope],
            lambda user=user: monthly_report(user, period, {}))  # fmt: skip
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(user)

        def page(client=client):
            response = client.get(f"/reports/monthly/?month={label}")
            assert response.status_code == 200, response.status_code

        # The first request works the report out and keeps it (kesu/reports/cache.py); the
        # timed ones are served as kept, as the worker's warm_reports leaves them.
        row(f"/reports/monthly/ as kept · {scope}", TARGETS[scope], page)
    if not args.no_xlsx:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(group)
        query = f"received_after={period.start}&received_before={period.last_day}"

        def xlsx():
            response = client.get(f"/complaints/export.xlsx?{query}")
            assert response.status_code == 200, response.status_code
            b"".join(response.streaming_content) if response.streaming else response.content

        row("Excel of the month · group", TARGETS["xlsx"], xlsx)


if __name__ == "__main__":
    main()
