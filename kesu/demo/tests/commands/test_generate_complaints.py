"""The generate_complaints command: generates what it is asked for and says so; bad arguments
are refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.complaints.models import Complaint
from kesu.demo.generation import BENCH_PASSWORD
from kesu.organisation.models import Organisation


@pytest.mark.django_db
def test_command_reports_what_it_made():
    out = StringIO()
    call_command("generate_complaints", "--count", "25", "--seed", "5", stdout=out)
    assert "Generated 25 complaints" in out.getvalue()
    assert Complaint.objects.count() == 25


@pytest.mark.django_db
def test_the_report_names_the_organisation_its_sources_states_and_logins(tmp_path):
    out = StringIO()
    call_command(
        "generate_complaints",
        "--count",
        "12",
        "--seed",
        "2",
        "--organisation",
        "perf",
        "--timeline",
        "register",
        "--data",
        str(tmp_path / "missing.csv"),
        stdout=out,
    )
    text = out.getvalue()
    org = Organisation.objects.get(code="perf")
    assert Complaint.objects.filter(organisation=org).count() == 12
    assert f"for {org.name} (perf)." in text
    assert "Texts from: built-in phrases" in text
    states = text.split("States: ", 1)[1].splitlines()[0]
    assert sum(int(part.rsplit(" ", 1)[1]) for part in states.split(", ")) == 12
    assert "perf-group" in text and BENCH_PASSWORD in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["--count", "-1"], ["--batch-size", "0"]],
)
def test_bad_arguments_are_refused(args):
    with pytest.raises(CommandError, match="count must be"):
        call_command("generate_complaints", *args, stdout=StringIO())
    assert not Complaint.objects.exists()
