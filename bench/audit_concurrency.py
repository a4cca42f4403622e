"""How many complaints (and notes) per second 16 concurrent writers get through the services.

Each writer is a thread with its own database connection and its own user, calling the
service layer as the intake form and the complaint page do: `complaint_register` for a new
complaint, `complaint_add_note` on a complaint of its own. Every call appends to the audit
trail, so this shows how much the trail's chain serialises writers. PostgreSQL only (SQLite
takes one writer at a time whatever the application does).

    createdb -h 127.0.0.1 -U postgres kesu_h1
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_h1 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kesu_h1 \
        .venv/bin/python bench/audit_concurrency.py [--threads 16] [--seconds 20]
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesu.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--hold-ms",
        type=float,
        default=0.0,
        help="Keep each transaction open this long after the call (the rest of a request's "
        "work, network round trips): shows how long locks taken inside it make others wait.",
    )
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run this on PostgreSQL (DATABASE_URL=postgres://…).")

    import kesu

    print(f"code: {Path(kesu.__file__).parent}")
    users, customers = _organisation(args.threads)
    for workload in ("register", "note"):
        done, errors, elapsed = _run(workload, users, customers, args.seconds, args.hold_ms)
        print(
            f"{workload}: {args.threads} threads, hold {args.hold_ms:g} ms, {elapsed:.1f} s: "
            f"{done} done, "
            f"{done / elapsed:.1f}/s, {errors} errors"
        )
    from kesu.audit.services import iter_chain_breaks

    breaks = list(iter_chain_breaks())
    print("chain verifies" if not breaks else f"chain breaks: {breaks}")


def _organisation(threads: int):
    from kesu.complaints.defaults import install_defaults
    from kesu.customers.tests.factories import CustomerFactory
    from kesu.organisation.choices import Role
    from kesu.organisation.tests.factories import (
        BranchFactory,
        DepartmentFactory,
        OrganisationFactory,
        UserFactory,
    )

    stamp = f"{int(time.time())}"
    org = OrganisationFactory(code=f"bench-audit-{stamp}", name=f"并发测试 {stamp}")
    install_defaults(org)
    branch = BranchFactory(organisation=org, code="east")
    department = DepartmentFactory(branch=branch, code="service")
    users = [
        UserFactory(
            username=f"audit-bench-{stamp}-{i}",
            role=Role.FRONTLINE,
            branch=branch,
            organisation=org,
            department=department,
        )
        for i in range(threads)
    ]
    customers = [CustomerFactory(organisation=org, branch=branch) for _ in range(threads)]
    return users, customers


def _run(workload: str, users, customers, seconds: float, hold_ms: float):
    from django.db import connection, transaction

    from kesu.complaints.services import complaint_add_note, complaint_register

    counts = [0] * len(users)
    errors = [0] * len(users)
    start = threading.Barrier(len(users) + 1)
    stop = threading.Event()

    def writer(i: int) -> None:
        user, customer = users[i], customers[i]
        mine, _ = complaint_register(
            actor=user, customer=customer, channel="phone", title="并发", account="并发写入"
        )
        start.wait()
        while not stop.is_set():
            try:
                with transaction.atomic():
                    if workload == "register":
                        complaint_register(
                            actor=user,
                            customer=customer,
                            channel="phone",
                            title="保养后异响",
                            account="做完保养以后冷车启动有异响。",
                        )
                    else:
                        complaint_add_note(complaint_id=mine.pk, actor=user, text="回访客户")
                    if hold_ms:
                        time.sleep(hold_ms / 1000)
                counts[i] += 1
            except Exception as exc:  # noqa: BLE001 - counted and shown, the run goes on
                errors[i] += 1
                if errors[i] == 1:
                    print(f"thread {i}: {exc!r}")
        connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts), sum(errors), time.monotonic() - began


if __name__ == "__main__":
    main()
