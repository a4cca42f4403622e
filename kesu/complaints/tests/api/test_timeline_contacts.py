"""The timeline (page and API) masks the customer's phone numbers and e-mail addresses for roles
without the right to contact data, as the customer panel does; the others read them in full."""

import pytest

from kesu.audit.services import audit_record
from kesu.complaints.tests.api.helpers import complaint_url
from kesu.mailboxes.choices import MailAction
from kesu.organisation.choices import Role

PHONE = "+8613812345678"
EMAIL = "li.na@example.cn"


@pytest.fixture
def told(world):
    complaint = world.complaint()
    for action, to in ((MailAction.TOLD_BY_SMS, PHONE), (MailAction.TOLD_BY_EMAIL, EMAIL)):
        audit_record(
            organisation_id=complaint.organisation_id,
            actor=world.user(Role.DIRECTOR),
            action=action,
            obj=complaint,
            complaint_id=complaint.pk,
            data={"kind": "progress", "to": to, "text": f"Write to {EMAIL} any time."},
        )
    return complaint


def _data(api, role, complaint):
    response = api(role).get(complaint_url(complaint, "timeline/"))
    assert response.status_code == 200, response.content
    return [e["data"] for e in response.json()["results"] if e["action"].startswith("told_by")]


def test_the_api_masks_contacts_for_a_handler_and_not_for_the_director(world, api, told):
    handler = _data(api, Role.HANDLER, told)
    assert PHONE not in str(handler) and EMAIL not in str(handler)
    assert handler[0]["to"].startswith("138") and handler[0]["to"].endswith("5678")
    assert handler[1]["to"].endswith("@example.cn") and "Write to" in handler[1]["text"]
    director = _data(api, Role.DIRECTOR, told)
    assert [d["to"] for d in director] == [PHONE, EMAIL]


def test_the_page_masks_them_too_and_shows_the_number_as_people_write_it(world, client, told):
    client.force_login(world.user(Role.HANDLER))
    page = client.get(f"/complaints/{told.pk}/").content.decode()
    assert "13812345678" not in page and EMAIL not in page
    client.force_login(world.user(Role.DIRECTOR))
    page = client.get(f"/complaints/{told.pk}/").content.decode()
    assert "138 1234 5678" in page and EMAIL in page
