"""Every move of the procedure through the API, with the role that may make it."""

from datetime import timedelta

from django.utils import timezone

from kesu.audit.models import AuditEntry
from kesu.complaints.api.transitions import TRANSITION_INPUTS
from kesu.complaints.models import Complaint
from kesu.complaints.tests.api.helpers import complaint_url, error_of
from kesu.complaints.tests.helpers import tick_required, verification_day_come
from kesu.complaints.workflow import TRANSITIONS
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


class Walk:
    """Posts moves and remembers which ones were made, to prove every move is reachable."""

    def __init__(self, api):
        self.api = api
        self.made: set[str] = set()

    def move(self, complaint, name: str, role: str, expect_state: str | None = None, **body):
        response = self.api(role).post(complaint_url(complaint, f"transitions/{name}/"), body)
        assert response.status_code == 200, (name, role, response.content)
        data = response.json()
        assert response["ETag"] == f'"{data["version"]}"'
        if expect_state:
            assert data["state"] == expect_state, (name, data["state"])
        self.made.add(name)
        return data


def test_every_move_has_an_input_serializer():
    assert set(TRANSITION_INPUTS) == set(TRANSITIONS)


def test_every_move_is_reachable_through_the_api(world, api, monkeypatch):
    walk = Walk(api)
    customer = CustomerFactory(organisation=world.org)
    complaint = world.complaint(customer=customer)
    handler = world.user(Role.HANDLER)
    F, C, H, D, G = Role.FRONTLINE, Role.CALLBACK, Role.HANDLER, Role.DIRECTOR, Role.GENERAL_MANAGER

    # Stage 1: accept, confirm, hand over to the handling manager.
    walk.move(complaint, "confirm", F, "confirmed", method="recorded_consent", note="录音确认")
    data = walk.move(complaint, "hand_over", F, "confirmed", to_user=handler.pk, note="转售后")
    assert data["owner"]["id"] == handler.pk
    assert data["department"]["id"] == world.service.pk
    tick_required(complaint, "start_investigation", handler)
    walk.move(complaint, "start_investigation", H, "investigating")
    # Stage 3: compensation above the handler's limit waits for the director.
    data = walk.move(
        complaint,
        "propose_solution",
        H,
        "awaiting_approval",
        solution="更换正时链条",
        compensation_type="cash",
        compensation_amount="5000.00",
    )
    assert data["compensation_amount"] == "5000.00"
    walk.move(complaint, "reject_compensation", D, "investigating", reason="金额过高")
    walk.move(
        complaint,
        "propose_solution",
        H,
        "awaiting_approval",
        solution="更换正时链条并补偿",
        compensation_type="cash",
        compensation_amount="3000",
    )
    data = walk.move(complaint, "approve_compensation", D, "solution_proposed")
    assert data["compensation_approved_by"]["id"] == world.user(D).pk
    walk.move(
        complaint, "decline_solution", F, "investigating", reason="客户要求换车", escalate=True
    )
    walk.move(complaint, "propose_solution", H, "solution_proposed", solution="免费维修")
    walk.move(complaint, "accept_solution", F, "in_progress")
    # Side road: not solvable for now, then resumed.
    follow_up = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = walk.move(complaint, "park", H, "parked", reason="等待厂家配件", follow_up_on=follow_up)
    assert data["follow_up_on"] == follow_up
    walk.move(complaint, "resume", H, "investigating")
    walk.move(complaint, "propose_solution", H, "solution_proposed", solution="免费维修")
    walk.move(complaint, "accept_solution", F, "in_progress")
    # Actions that keep the state.
    data = walk.move(complaint, "escalate", H, "in_progress", level=3, reason="客户情绪激动")
    assert data["escalation_level"] == 3
    due = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    walk.move(complaint, "set_deadline", D, "in_progress", due_at=due.isoformat(), reason="配件")
    data = walk.move(
        complaint, "override_severity", F, "in_progress", severity="major", reason="涉及安全"
    )
    assert data["severity"] == "major"
    walk.move(
        complaint,
        "record_root_cause",
        H,
        "in_progress",
        root_cause="装配扭矩不足",
        preventive_action="增加扭矩复检",
        responsibility="internal",
    )
    # Stage 4: resolved, verified by callback, prevention verified, closed, reopened.
    walk.move(complaint, "resolve", H, "resolved", result="已更换并告知客户")
    data = walk.move(complaint, "verify", C, "verified", satisfaction="satisfied")
    assert data["satisfaction"] == "satisfied"
    verification_day_come(monkeypatch, complaint)
    data = walk.move(complaint, "verify_prevention", D, "verified", verification="三个月无复发")
    assert data["preventive_verified_by"]["id"] == world.user(D).pk
    tick_required(complaint, "close", world.user(D))
    walk.move(complaint, "close", D, "closed", summary="结案")
    data = walk.move(complaint, "reopen", F, "investigating", reason="客户仍不满意")
    assert data["reopen_count"] == 1
    assert data["owner"]["id"] == world.user(G).pk

    # The group level: escalated there, taken over, sent back with instructions.
    walk.move(complaint, "escalate", G, "investigating", level=4, reason="需集团协调")
    data = walk.move(complaint, "take_over", Role.GROUP, "investigating", note="集团接手")
    assert data["owner"]["id"] == world.user(Role.GROUP).pk
    data = walk.move(
        complaint, "send_back", Role.GROUP, "investigating", instructions="三日内面谈客户"
    )
    assert data["escalation_level"] == 3
    # The department's handling manager takes the case back on.
    data = walk.move(complaint, "take_on", H, "investigating", note="我来跟进")
    assert data["owner"]["id"] == handler.pk

    # Withdrawn and merged cases.
    withdrawn = world.complaint()
    walk.move(withdrawn, "withdraw", F, "withdrawn", reason="客户撤回")
    duplicate, survivor = world.complaint(customer=customer), world.complaint(customer=customer)
    data = walk.move(duplicate, "merge", F, "merged", into=survivor.number)
    assert data["merged_into"] == {"id": survivor.pk, "number": survivor.number}

    assert walk.made == set(TRANSITIONS)
    # Every move left an entry on the timeline.
    actions = set(
        AuditEntry.objects.filter(complaint_id=complaint.pk).values_list("action", flat=True)
    )
    assert actions >= walk.made - {"withdraw", "merge"}


def test_transitions_list_offers_what_the_user_may_do(world, api):
    complaint = world.complaint()
    frontline = api(Role.FRONTLINE).get(complaint_url(complaint, "transitions/")).json()
    names = {t["name"] for t in frontline}
    assert {"confirm", "hand_over", "merge", "withdraw", "override_severity"} <= names
    assert "start_investigation" not in names and "close" not in names
    confirm = next(t for t in frontline if t["name"] == "confirm")
    assert confirm == {
        "name": "confirm",
        "label": "Customer confirmed the record",
        "target": "confirmed",
        "target_display": "Contacted / confirmed",
    }
    callback = {
        t["name"] for t in api(Role.CALLBACK).get(complaint_url(complaint, "transitions/")).json()
    }
    assert "confirm" not in callback


def test_refused_role_is_403_and_translated(world, api):
    complaint = world.complaint()
    url = complaint_url(complaint, "transitions/confirm/")
    english = api(Role.CALLBACK).post(url, {"method": "signature"})
    assert english.status_code == 403
    error = error_of(english)
    assert error["code"] == "role_not_allowed"
    assert "Callback specialist" in error["message"]
    chinese = api(Role.CALLBACK, language="zh-hans").post(url, {"method": "signature"})
    assert chinese.status_code == 403
    assert error_of(chinese)["code"] == "role_not_allowed"
    assert error_of(chinese)["message"] != error["message"]
    complaint.refresh_from_db()
    assert complaint.state == "registered" and complaint.version == 1


def test_wrong_state_is_409(world, api):
    complaint = world.complaint()
    response = api(Role.DIRECTOR).post(complaint_url(complaint, "transitions/close/"), {})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "invalid_state"
    assert "Registered" in error["message"]
    complaint.refresh_from_db()
    assert complaint.state == "registered"


def test_validation_messages_follow_the_request_language(world, api):
    complaint = world.complaint()
    url = complaint_url(complaint, "transitions/withdraw/")
    english = error_of(api().post(url, {}))
    chinese = error_of(api(language="zh-hans").post(url, {}))
    assert english["fields"]["reason"] == ["This field is required."]
    assert chinese["fields"]["reason"] != english["fields"]["reason"]
    assert chinese["message"] != english["message"]


def test_service_validation_reaches_the_client(world, api):
    complaint = world.complaint()
    response = api().post(
        complaint_url(complaint, "transitions/merge/"), {"into": str(complaint.pk)}
    )
    assert response.status_code == 400
    assert "into" in error_of(response)["fields"]
    response = api(Role.DIRECTOR).post(
        complaint_url(complaint, "transitions/escalate/"), {"level": 0, "reason": "降级"}
    )
    assert response.status_code == 400
    assert "level" in error_of(response)["fields"]


def test_hand_over_to_another_branch_user_is_refused(world, api):
    complaint = world.complaint()
    stranger = world.other_users[Role.HANDLER]
    response = api().post(
        complaint_url(complaint, "transitions/hand_over/"), {"to_user": stranger.pk}
    )
    assert response.status_code == 400
    assert "to_user" in error_of(response)["fields"]
    complaint.refresh_from_db()
    assert complaint.owner == world.user(Role.FRONTLINE)


def test_stale_version_on_a_move(world, api):
    complaint = world.complaint()
    url = complaint_url(complaint, "transitions/confirm/")
    response = api().post(url, {"method": "signature", "version": 7})
    assert response.status_code == 409
    assert error_of(response)["code"] == "stale_version"
    response = api().post(url, {"method": "signature"}, HTTP_IF_MATCH='"7"')
    assert response.status_code == 412
    complaint.refresh_from_db()
    assert complaint.state == "registered" and complaint.version == 1
    assert api().post(url, {"method": "signature", "version": 1}).status_code == 200


def test_unknown_move_is_a_json_404(world, api):
    complaint = world.complaint()
    response = api().post(complaint_url(complaint, "transitions/teleport/"), {})
    assert response.status_code == 404
    error = error_of(response)
    assert error["code"] == "unknown_transition"
    assert "teleport" in error["message"]
    for method in ("options", "head", "put", "delete"):
        response = getattr(api(), method)(complaint_url(complaint, "transitions/teleport/"))
        assert response.status_code == 404, method
    # A complaint you cannot see is not found before the move's name is looked at.
    response = api().options(f"/api/v1/complaints/{complaint.pk + 1000}/transitions/teleport/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_handing_a_case_away_still_returns_it(world, api):
    """A handler who hands a case to another department no longer sees it, but gets its state."""
    complaint = world.complaint()
    handler = api(Role.HANDLER)
    response = handler.post(
        complaint_url(complaint, "transitions/hand_over/"), {"department": world.sales.pk}
    )
    assert response.status_code == 200
    assert response.json()["department"]["id"] == world.sales.pk
    assert handler.get(complaint_url(complaint)).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).department == world.sales


def test_verifying_a_preventive_action_too_early_is_a_clear_409(world, api):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state="closed")
    record = api(Role.DIRECTOR).post(
        complaint_url(complaint, "transitions/record_root_cause/"),
        {"preventive_action": "增加扭矩复检"},
    )
    assert record.status_code == 200, record.content
    day = record.json()["preventive_verify_on"]
    assert day == str(timezone.localdate() + timedelta(days=30))
    for language, words in (("en", "can be verified from"), ("zh-hans", "起才能验证")):
        response = api(Role.DIRECTOR, language=language).post(
            complaint_url(complaint, "transitions/verify_prevention/"),
            {"verification": "三个月无复发"},
        )
        assert response.status_code == 409
        error = error_of(response)
        assert error["code"] == "too_early"
        assert day in error["message"] and words in error["message"], error["message"]
    bad = api(Role.DIRECTOR).post(
        complaint_url(complaint, "transitions/record_root_cause/"),
        {"preventive_verify_on": str(timezone.localdate())},
    )
    assert bad.status_code == 400
    assert set(error_of(bad)["fields"]) == {"preventive_verify_on"}


def test_a_resolution_deadline_in_the_past_is_refused(world, api):
    complaint = Complaint.objects.get(pk=world.complaint().pk)
    Complaint.objects.filter(pk=complaint.pk).update(state="investigating")
    past = (timezone.now() - timedelta(minutes=5)).isoformat()
    response = api(Role.DIRECTOR).post(
        complaint_url(complaint, "transitions/set_deadline/"),
        {"due_at": past, "reason": "客户同意"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "截止时间不能早于现在" in str(error_of(response)["fields"]["due_at"])
    assert Complaint.objects.get(pk=complaint.pk).due_at == complaint.due_at
