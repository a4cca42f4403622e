"""Notifications the complaints app has sent through its hooks (kesu/complaints/hooks.py)."""

from kesu.complaints.models import Complaint
from kesu.notifications.services import notify
from kesu.organisation.choices import Role
from kesu.organisation.models import User


def alert_crisis(complaint: Complaint) -> None:
    """A crisis (media, regulator, court, fire) reaches the general manager at once (DOMAIN §7).

    Registered with complaints' `after_registration`: runs in the registration's transaction.
    """
    if not complaint.is_crisis:
        return
    managers = User.objects.filter(
        organisation_id=complaint.organisation_id,
        branch_id=complaint.branch_id,
        role=Role.GENERAL_MANAGER,
        is_active=True,
    )
    notify(
        organisation_id=complaint.organisation_id,
        branch_id=complaint.branch_id,
        recipients=list(managers),
        kind="crisis",
        payload={
            "complaint_id": complaint.pk,
            "complaint_number": complaint.number,
            "title": complaint.title,
            "reasons": complaint.severity_reasons,
        },
        dedupe_key=f"c{complaint.pk}:crisis",
    )
