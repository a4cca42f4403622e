import pytest
from django.urls import reverse

CHANGELISTS = [
    "organisation_organisation",
    "organisation_branch",
    "organisation_department",
    "organisation_user",
    "complaints_category",
    "complaints_severityrule",
    "complaints_complaint",
    "customers_customer",
    "audit_auditentry",
]


@pytest.fixture
def admin_client_(admin_client_, world):
    """The administrator's client (conftest), with a complaint for the lists to show."""
    world.complaint()
    return admin_client_


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_changelists_render(admin_client_, name):
    response = admin_client_.get(reverse(f"admin:{name}_changelist"))
    assert response.status_code == 200


def test_complaints_cannot_be_edited_in_the_admin(admin_client_, world):
    complaint = world.complaint()
    response = admin_client_.post(
        reverse("admin:complaints_complaint_change", args=[complaint.pk]), {"title": "x"}
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.title != "x"
