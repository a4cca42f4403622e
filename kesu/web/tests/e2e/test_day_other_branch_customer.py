"""The west branch takes a call from a number only the east branch knows (issue 8).

The lookup under the phone field shows nobody (no name, no vehicle of the east record), the
frontline enters the caller's name and the complaint saves as a west customer's.
"""

import re

from kesu.complaints.models import Complaint
from kesu.customers.models import Customer


def test_west_intake_of_an_east_only_phone(sign_in, demo):
    east = Customer.objects.get(phone="+8613812345678")
    assert east.branch.code == "east"

    page = sign_in("west_frontline")
    page.click("[data-shortcut=new]")
    page.fill("#id_phone", "138 1234 5678")
    page.wait_for_selector("#lookup .lookup-result")
    lookup = page.inner_text("#lookup")
    assert "张伟" not in lookup
    assert "朗逸" not in lookup and "京A·D1234" not in lookup
    assert "新客户" in lookup
    assert page.input_value("#id_customer") == ""

    page.fill("#id_customer_name", "张先生")
    page.select_option("#id_demand", "repair")
    page.fill("#id_title", "空调不制冷")
    page.fill("#id_account", "开了空调一直吹热风，已经一个星期了。")
    with page.expect_navigation():
        page.click("button[type=submit]")

    assert "readback=1" in page.url, page.inner_text("main")
    complaint = Complaint.objects.get(pk=int(re.search(r"/complaints/(\d+)/", page.url).group(1)))
    assert complaint.branch.code == "west"
    assert complaint.customer_id != east.pk
    assert complaint.customer.name == "张先生"
    assert complaint.customer.branch.code == "west"
    assert "张先生" in page.inner_text(".readback")
    assert "张伟" not in page.content()
    east.refresh_from_db()
    assert east.name == "张伟"
