from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from kesu.improvements.choices import Status
from kesu.improvements.models import ImprovementAction, PreventionCheck


def test_the_change_and_its_share():
    action = ImprovementAction(title="整改", before_value=Decimal("4.00"))
    assert str(action) == "整改"
    assert action.change is None and action.change_pct is None
    action.after_value = Decimal("3.00")
    assert action.change == Decimal("-1.00") and action.change_pct == -25
    action.before_value = Decimal("0")
    assert action.change == Decimal("3.00") and action.change_pct is None


def test_overdue_is_a_working_action_past_its_date():
    yesterday = timezone.localdate() - timedelta(days=1)
    action = ImprovementAction(status=Status.IN_PROGRESS, due_on=yesterday)
    assert action.is_overdue
    action.status = Status.DONE
    assert not action.is_overdue
    action.status, action.due_on = Status.OPEN, timezone.localdate()
    assert not action.is_overdue


def test_a_prevention_check_reads_as_its_complaint_and_date():
    check = PreventionCheck(complaint_id=5, verify_on=timezone.localdate())
    assert str(check) == f"5 → {check.verify_on}"
