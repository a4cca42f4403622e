"""Create a new organisation from an industry template (categories, severity rules, deadline
policies, the business calendar, callback plans, compensation limits, departments)."""

from django.core.management.base import BaseCommand, CommandError

from kesu.complaints.bootstrap import TEMPLATE_LABELS, organisation_bootstrap
from kesu.organisation.models import Organisation


class Command(BaseCommand):
    help = "Create an organisation from an industry template."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="e.g. 华信通信 北京分公司")
        parser.add_argument("--code", required=True, help="a short code, e.g. huaxin")
        parser.add_argument(
            "--template",
            choices=sorted(TEMPLATE_LABELS),
            default="dealership",
            help="dealership, telecom or general (default dealership)",
        )
        parser.add_argument(
            "--branch",
            action="append",
            default=[],
            metavar="CODE=NAME",
            help="a branch, e.g. --branch chaoyang=朝阳营业部 (repeat for more)",
        )
        parser.add_argument("--prefix", default="KS", help="complaint number prefix (default KS)")

    def handle(self, *args, **options):
        if Organisation.objects.filter(code=options["code"]).exists():
            raise CommandError(f"An organisation with code {options['code']!r} exists already.")
        branches = []
        for entry in options["branch"]:
            branch_code, sep, branch_name = entry.partition("=")
            if not sep or not branch_code.strip() or not branch_name.strip():
                raise CommandError(f"--branch takes CODE=NAME, not {entry!r}.")
            branches.append((branch_code.strip(), branch_name.strip()))
        organisation = organisation_bootstrap(
            name=options["name"],
            code=options["code"],
            template=options["template"],
            branches=branches,
            prefix=options["prefix"],
        )
        self.stdout.write(
            f"Created {organisation.name} ({organisation.code}) from the "
            f"{TEMPLATE_LABELS[options['template']]} template with {len(branches)} branch(es). "
            "Add users in /admin/."
        )
