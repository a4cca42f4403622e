#!/usr/bin/env python
"""How long one deadline sweep takes over many open complaints.

Generates complaints (or reuses an organisation that has them), gives every open complaint
its milestones the way registration does — but in bulk — with next checks spread over the
coming weeks and a share of them due now, then times `sweep_due_milestones()`:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_sweep \\
        .venv/bin/python bench/sweep.py --open 100000 --due 500

Reported: the open complaints and live milestones in the database, how many were due, the
time of the sweep that handled them (reminders, breaches, escalation notifications and their
audit entries), and the time of an idle sweep that finds nothing due.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--open", type=int, default=100_000, help="open complaints wanted")
    parser.add_argument("--due", type=int, default=500, help="milestones due at the sweep")
    parser.add_argument("--organisation", default="sweep")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile", action="store_true", help="also print where the busy sweep spent its CPU"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from kesu.complaints.choices import OPEN_STATES, WAITING_STATES
    from kesu.complaints.models import Complaint
    from kesu.demo.generation import bench_organisation, generate_complaints
    from kesu.sla.choices import Clock, MilestoneKind, MilestoneStatus, Unit
    from kesu.sla.models import ComplaintMilestone
    from kesu.sla.reminders import sweep_due_milestones

    call_command("migrate", verbosity=0)
    org, _ = bench_organisation(args.organisation)
    running = sorted(OPEN_STATES - WAITING_STATES)
    total = Complaint.objects.filter(organisation=org).count()
    if total < args.open:
        print(f"generating {args.open - total} complaints …", flush=True)
        generate_complaints(
            count=args.open - total, organisation=org, seed=args.seed, timeline="register"
        )
    # Generated data spans two years, so most of it is closed; reopen enough of it, spread
    # over the open states, so that the sweep has a realistic open caseload to look at.
    ids = list(
        Complaint.objects.filter(organisation=org)
        .order_by("-id")
        .values_list("id", flat=True)[: args.open]
    )
    for i, state in enumerate(running):
        Complaint.objects.filter(id__in=ids[i :: len(running)]).update(state=state, closed_at=None)
    print(f"{len(ids)} open complaints", flush=True)

    now = timezone.now()
    rng = random.Random(args.seed)
    ComplaintMilestone.objects.filter(complaint__organisation=org).delete()
    due_ids = set(rng.sample(ids, min(args.due, len(ids))))
    batch = []
    started = time.perf_counter()
    for cid in ids:
        if cid in due_ids:
            due_at = now - timedelta(minutes=rng.randint(1, 600))
            next_check = due_at
        else:
            due_at = now + timedelta(hours=rng.randint(30, 24 * 30))
            next_check = due_at - timedelta(hours=24)
        batch.append(
            ComplaintMilestone(
                complaint_id=cid,
                kind=MilestoneKind.RESOLUTION,
                round=1,
                status=MilestoneStatus.RUNNING,
                amount=3,
                unit=Unit.DAYS,
                clock=Clock.WORKING,
                started_at=now - timedelta(days=2),
                due_at=due_at,
                next_check_at=next_check,
            )
        )
        if len(batch) == 10_000:
            ComplaintMilestone.objects.bulk_create(batch)
            batch = []
    ComplaintMilestone.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE sla_complaintmilestone")
    print(f"milestones written in {time.perf_counter() - started:.1f} s", flush=True)

    # Warm the calendar cache and the connection, as a running worker would have them.
    sweep_due_milestones(now=now - timedelta(days=365))

    from django.test.utils import CaptureQueriesContext

    handled_ids = list(
        ComplaintMilestone.objects.filter(
            complaint__organisation=org, status=MilestoneStatus.RUNNING, next_check_at__lte=now
        ).values_list("pk", flat=True)
    )
    started, cpu = time.perf_counter(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        handled = sweep_due_milestones(now=now)
    busy, cpu = time.perf_counter() - started, time.process_time() - cpu
    if args.profile:
        import cProfile
        import pstats

        ComplaintMilestone.objects.filter(pk__in=handled_ids).update(
            status=MilestoneStatus.RUNNING,
            breached_at=None,
            warned_at=None,
            escalation_step=0,
            next_check_at=F("due_at"),
        )
        profile = cProfile.Profile()
        profile.runcall(sweep_due_milestones, now=now)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
    started = time.perf_counter()
    idle_handled = sweep_due_milestones(now=now)
    idle = time.perf_counter() - started
    live = ComplaintMilestone.objects.filter(complaint__organisation=org).count()
    print(
        f"database: {connection.vendor}; open complaints: {len(ids)}; live milestones: {live}\n"
        f"sweep handling {handled} due milestones: {busy * 1000:.0f} ms "
        f"({busy * 1000 / max(handled, 1):.1f} ms each; {len(queries)} queries, "
        f"{cpu * 1000:.0f} ms CPU in Kesu's process)\n"
        f"idle sweep (nothing due, {idle_handled} handled): {idle * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
