"""manage.py create_organisation: an organisation, its branches and its template in one go."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kesu.complaints.models import Category
from kesu.complaints.tests.test_bootstrap import _create
from kesu.organisation.models import Branch, Department, Organisation

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("create_organisation", *args, stdout=out)
    return out.getvalue()


def test_a_duplicate_code_and_a_bad_branch_are_refused():
    _create("general", code="dup")
    with pytest.raises(CommandError):
        _create("general", code="dup")
    with pytest.raises(CommandError):
        call_command("create_organisation", "--name", "x", "--code", "x2", "--branch", "nonsense")


def test_the_default_template_is_the_dealership_and_the_output_says_what_was_made():
    out = _run("--name", "宏达汽车", "--code", "hongda", "--branch", " east = 东区店 ")
    organisation = Organisation.objects.get(code="hongda")
    assert organisation.name == "宏达汽车" and organisation.number_prefix == "KS"
    branch = Branch.objects.get(organisation=organisation)
    assert (branch.code, branch.name) == ("east", "东区店")  # both sides of "=" are trimmed
    assert Category.objects.filter(organisation=organisation, name="发动机").exists()
    assert set(Department.objects.filter(branch=branch).values_list("code", flat=True)) == {
        "sales",
        "service",
        "value_added",
        "care",
    }
    assert "Created 宏达汽车 (hongda)" in out
    assert "car dealership template with 1 branch(es)" in out


def test_the_prefix_and_no_branches():
    out = _run("--name", "华信", "--code", "hx", "--template", "telecom", "--prefix", "HX")
    organisation = Organisation.objects.get(code="hx")
    assert organisation.number_prefix == "HX"
    assert not organisation.branches.exists()
    assert "telecom operator template with 0 branch(es)" in out


@pytest.mark.parametrize("entry", ["=东区店", "east=", "east= ", "east"])
def test_a_branch_without_both_code_and_name_is_refused_and_nothing_is_created(entry):
    with pytest.raises(CommandError, match="CODE=NAME"):
        _run("--name", "x", "--code", "x3", "--branch", entry)
    assert not Organisation.objects.filter(code="x3").exists()


def test_an_unknown_template_is_refused():
    with pytest.raises(CommandError):
        _run("--name", "x", "--code", "x4", "--template", "bakery")
    assert not Organisation.objects.filter(code="x4").exists()
