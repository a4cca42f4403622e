"""The call-centre pop-up (来电弹屏): a call reported for agent A's extension shows in A's tab
only; Alt+N opens the intake with the caller's number, Esc closes it."""

import json
import re
import time
import urllib.request

from kesu.integrations.services import integration_create
from kesu.organisation.models import Organisation
from kesu.web.tests.e2e.conftest import screenshot


def _report_call(demo, caller: str, extension: str) -> dict:
    integration, key = integration_create(
        organisation=Organisation.objects.get(code="demo"),
        name="呼叫中心测试",
        may_read=False,
        may_report_calls=True,
        all_branches=True,
    )
    request = urllib.request.Request(
        f"{demo.url}/api/v1/telephony/calls/",
        data=json.dumps({"caller": caller, "extension": extension}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # a real HTTP request to the live server
        assert response.status == 201
        return json.loads(response.read())


def test_the_call_pops_up_for_its_agent_only_and_starts_the_intake(sign_in, demo):
    agent = sign_in("frontline")  # extension 8001
    colleague = sign_in("callback")  # extension 8002, same branch
    answer = _report_call(demo, "13812345678", "8001")  # 张伟, a demo customer
    assert answer["extension"] == "8001"

    agent.wait_for_selector(".call-popup", timeout=8_000)
    box = agent.inner_text(".call-popup")
    assert "来电" in box and "张伟" in box and "Alt+N" in box and "Esc" in box
    screenshot(agent, "call-popup")

    # The colleague's tab polls too, and shows nothing for someone else's extension.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert colleague.query_selector(".call-popup") is None
        colleague.wait_for_timeout(500)

    agent.keyboard.press("Alt+n")
    agent.wait_for_url(re.compile(r".*/complaints/new/\?phone=.+"))
    assert agent.input_value("#id_phone") == "+8613812345678"
    agent.wait_for_selector("#lookup .lookup-result")
    assert "张伟" in agent.inner_text("#lookup")
    # Dismissed by starting the intake: it does not come back.
    agent.wait_for_timeout(2_500)
    assert agent.query_selector(".call-popup") is None


def test_a_new_caller_and_esc(sign_in, demo):
    agent = sign_in("frontline", locale="en-US")
    _report_call(demo, "13900007777", "8001")
    agent.wait_for_selector(".call-popup", timeout=8_000)
    assert "New caller" in agent.inner_text(".call-popup")
    agent.keyboard.press("Escape")
    agent.wait_for_selector(".call-popup", state="detached")
    agent.wait_for_timeout(2_500)
    assert agent.query_selector(".call-popup") is None
