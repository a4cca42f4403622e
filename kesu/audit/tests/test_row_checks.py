"""kesu/audit/row_checks.py: the apps' row checks, registered once each, in order."""

import pytest

from kesu.audit import row_checks as module
from kesu.audit.row_checks import RowCheck, register_row_check


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(module, "row_checks", [])
    return module


def _check(label):
    return RowCheck(mismatches=lambda: [], verified=lambda: label, failed=lambda n: f"{n}")


def test_checks_are_kept_in_registration_order(empty_registry):
    first, second = _check("first"), _check("second")
    register_row_check(first)
    register_row_check(second)
    assert empty_registry.row_checks == [first, second]


def test_registering_a_check_twice_keeps_one(empty_registry):
    check = _check("once")
    register_row_check(check)
    register_row_check(check)
    assert empty_registry.row_checks == [check]


@pytest.mark.django_db
def test_the_complaints_app_registers_its_check():
    assert any("Complaints verified" in check.verified() for check in module.row_checks)
