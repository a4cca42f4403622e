"""Fill a database with realistic complaints for benchmarks: `generate_complaints --count 100000`."""

from django.core.management.base import BaseCommand, CommandError

from kesu.demo.generation import BENCH_PASSWORD, WRITERS, generate_complaints


class Command(BaseCommand):
    help = (
        "Generate realistic complaints with customers, vehicles and timelines, in bulk. "
        "Numbers and the audit chain continue the organisation's own, so normal work can go on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="complaints to generate")
        parser.add_argument(
            "--organisation",
            default="bench",
            help="code of the organisation; created with branches and users if missing "
            "(default: bench)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="complaints per transaction"
        )
        parser.add_argument(
            "--method",
            choices=sorted(WRITERS),
            help="copy (PostgreSQL), insert (executemany) or orm (bulk_create); "
            "default: copy on PostgreSQL, insert otherwise",
        )
        parser.add_argument(
            "--timeline",
            choices=["full", "register"],
            default="full",
            help="audit entries for every move (full) or only the registration",
        )
        parser.add_argument(
            "--data", help="CSV of 12365auto complaints (default: ../shared/data/...)"
        )
        parser.add_argument(
            "--no-analyze", action="store_true", help="skip ANALYZE after generating"
        )

    def handle(self, *args, **options):
        try:
            result = generate_complaints(
                count=options["count"],
                organisation=options["organisation"],
                seed=options["seed"],
                batch_size=options["batch_size"],
                method=options["method"],
                data_path=options["data"],
                timeline=options["timeline"],
                analyze=not options["no_analyze"],
                progress=self.stdout.write if options["verbosity"] >= 1 else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        org = result.organisation
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.complaints:,} complaints, {result.customers:,} customers, "
                f"{result.audit_entries:,} audit entries in {result.seconds:.1f} s "
                f"({result.rate:,.0f} complaints/s, method {result.method}) "
                f"for {org.name} ({org.code})."
            )
        )
        self.stdout.write(f"Texts from: {result.source}")
        states = ", ".join(f"{s} {n}" for s, n in result.states.most_common())
        self.stdout.write(f"States: {states}")
        if org.code == options["organisation"]:
            self.stdout.write(
                f"Users of a created bench organisation log in as {org.code}-group, "
                f"{org.code}-<branch>-frontline1 ... with the password {BENCH_PASSWORD}."
            )
