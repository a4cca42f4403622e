import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kesu.audit.models import AuditEntry
from kesu.complaints import workflow
from kesu.complaints.choices import THIRD_PARTY_CHANNELS, Channel, Severity, State
from kesu.complaints.models import Complaint
from kesu.complaints.services import (
    complaint_add_note,
    complaint_attach,
    complaint_register,
    complaint_update,
    manufacturer_answer,
    manufacturer_ask,
    manufacturer_feedback,
    manufacturer_feedback_owed,
    may_escalate_to_manufacturer,
)
from kesu.complaints.tests.factories import ManufacturerContactFactory
from kesu.core.errors import InvalidState, NotAllowed, NotFound, StaleVersion
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


def test_register_numbers_owner_and_audit(world):
    complaint = world.complaint()
    assert complaint.number.startswith("KS-")
    assert complaint.state == State.REGISTERED
    assert complaint.owner == world.user(Role.FRONTLINE)
    resolution = complaint.milestones.get(kind="resolution")
    assert complaint.due_at == resolution.due_at > complaint.received_at
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk).order_by("seq").first()
    assert entry.action == "register"
    assert entry.actor_id == world.user(Role.FRONTLINE).pk


def test_numbers_are_sequential_per_organisation(world):
    first, second = world.complaint(), world.complaint()
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


@pytest.mark.parametrize(
    ("field", "value", "expected", "crisis"),
    [
        ("account", "开车时仪表台冒烟后起火", Severity.MAJOR, True),
        ("account", "要求更换发动机", Severity.MAJOR, False),
        ("demand", "return", Severity.MAJOR, False),
        ("channel", "media", Severity.MAJOR, True),
        ("account", "再不处理我就去12315", Severity.MAJOR, True),
        ("account", "洗车没洗干净", Severity.GENERAL, False),
    ],
)
def test_default_severity_rules(world, field, value, expected, crisis):
    forwarded = {"third_party_reference": "媒体-1"} if value in THIRD_PARTY_CHANNELS else {}
    complaint = world.complaint(**{field: value}, **forwarded)
    assert complaint.suggested_severity == expected
    assert complaint.severity == expected
    assert complaint.is_crisis is crisis


def test_severity_override_needs_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        world.complaint(account="车辆起火", severity=Severity.GENERAL)
    assert "severity_override_reason" in exc.value.error_dict
    complaint = world.complaint(
        account="车辆起火", severity=Severity.GENERAL, severity_override_reason="误报，仅为烟味"
    )
    assert complaint.severity == Severity.GENERAL
    assert complaint.suggested_severity == Severity.MAJOR


def test_idempotent_register_returns_the_same_complaint(world):
    customer = CustomerFactory(organisation=world.org)
    actor = world.user(Role.FRONTLINE)
    kwargs = dict(
        actor=actor,
        customer=customer,
        channel="phone",
        title="异响",
        account="异响",
        idempotency_key="k-1",
    )
    first, created = complaint_register(**kwargs)
    again, created_again = complaint_register(**kwargs)
    assert created and not created_again
    assert again.pk == first.pk
    assert customer.complaints.count() == 1


def test_admin_may_not_register(world):
    with pytest.raises(NotAllowed):
        world.complaint(actor=world.user(Role.ADMIN))


def test_frontline_may_not_register_for_another_branch(world):
    with pytest.raises(ValidationError) as exc:
        world.complaint(branch=world.other_branch)
    assert "branch" in exc.value.error_dict


def test_update_records_changes_and_bumps_version(world):
    complaint = world.complaint()
    updated = complaint_update(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        expected_version=complaint.version,
        changes={"title": "冷车启动异响", "upset_level": 4},
    )
    assert updated.version == complaint.version + 1
    entry = AuditEntry.objects.filter(complaint_id=complaint.pk, action="update").get()
    assert entry.data["changes"]["title"] == ["保养后异响", "冷车启动异响"]
    assert entry.data["changes"]["upset_level"] == [None, 4]


def test_stale_update_changes_nothing(world):
    complaint = world.complaint()
    actor = world.user(Role.FRONTLINE)
    complaint_update(
        complaint_id=complaint.pk, actor=actor, expected_version=1, changes={"title": "第一次"}
    )
    with pytest.raises(StaleVersion):
        complaint_update(
            complaint_id=complaint.pk, actor=actor, expected_version=1, changes={"title": "第二次"}
        )
    complaint.refresh_from_db()
    assert complaint.title == "第一次"


def test_state_cannot_be_edited_directly(world):
    complaint = world.complaint()
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=complaint.pk,
            actor=world.user(Role.FRONTLINE),
            expected_version=None,
            changes={"state": "closed"},
        )
    assert "state" in exc.value.error_dict


def test_note_is_on_the_timeline(world):
    complaint = world.complaint()
    entry = complaint_add_note(
        complaint_id=complaint.pk,
        actor=world.user(Role.CALLBACK),
        text="已电话告知进度",
        shared_with_customer=True,
    )
    assert entry.complaint_id == complaint.pk
    assert entry.visibility == "shared"


def test_attachment_limits(world, settings):
    complaint = world.complaint()
    actor = world.user(Role.FRONTLINE)
    settings.KESU_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        complaint_attach(
            complaint_id=complaint.pk,
            actor=actor,
            upload=SimpleUploadedFile("a.jpg", b"x" * 11, "image/jpeg"),
        )
    with pytest.raises(ValidationError):
        complaint_attach(
            complaint_id=complaint.pk, actor=actor, upload=SimpleUploadedFile("a.exe", b"MZ", "x")
        )
    ok = complaint_attach(
        complaint_id=complaint.pk,
        actor=actor,
        upload=SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0x"),
    )
    assert ok.size == 5 and len(ok.sha256) == 64
    assert AuditEntry.objects.filter(complaint_id=complaint.pk, action="attach").exists()


def test_a_crisis_alerts_the_general_manager_at_once(world):
    from kesu.notifications.models import Notification

    complaint = world.complaint(account="再不解决我就找媒体曝光")
    assert complaint.is_crisis
    alert = Notification.objects.get(
        recipient=world.user(Role.GENERAL_MANAGER), channel="inbox", kind="crisis"
    )
    assert alert.payload["complaint_id"] == complaint.pk
    world.complaint(account="洗车没洗干净")
    # The general manager and the customer director, for the first complaint only.
    assert Notification.objects.filter(kind="crisis").count() == 2


# ---- The seed's demands, the staff member involved and who made the promise (issue 11) ------


@pytest.mark.parametrize(
    ("demand", "severity", "reason"),
    [
        ("price_reduction", Severity.MEDIUM, "price_reduction"),
        ("cancel_order", Severity.MEDIUM, "cancel_order"),
        ("improvement", Severity.GENERAL, None),
    ],
)
def test_the_seeds_demands_are_registered_and_graded(world, demand, severity, reason):
    complaint = world.complaint(demand=demand, account="交车后发现问题。")
    assert complaint.demand == demand and complaint.suggested_severity == severity
    assert (reason in complaint.severity_reasons) if reason else not complaint.severity_reasons


def test_staff_involved_and_who_promised_are_registered_and_recorded(world):
    complaint = world.complaint(
        cause="promise_not_kept",
        staff_involved=" 销售顾问 王强 ",
        promise_made_by="销售经理 李娜",
    )
    assert (complaint.staff_involved, complaint.promise_made_by) == (
        "销售顾问 王强",
        "销售经理 李娜",
    )
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert entry.data["fields"]["staff_involved"] == "销售顾问 王强"
    assert entry.data["fields"]["promise_made_by"] == "销售经理 李娜"


def test_staff_names_longer_than_their_limit_are_refused_whole(world):
    from kesu.complaints import limits

    with pytest.raises(ValidationError) as exc:
        world.complaint(staff_involved="王" * (limits.PERSON + 1), promise_made_by="李" * 101)
    assert set(exc.value.error_dict) == {"staff_involved", "promise_made_by"}
    assert not AuditEntry.objects.filter(action="register").exists()


def test_editing_who_is_involved_is_audited_and_searchable(world):
    from kesu.complaints.search import complaints_matching
    from kesu.complaints.selectors import complaints_visible_to

    complaint = world.complaint()
    actor = world.user(Role.HANDLER)
    updated = complaint_update(
        complaint_id=complaint.pk,
        actor=actor,
        expected_version=complaint.version,
        changes={"staff_involved": "服务顾问 周洋", "promise_made_by": "服务顾问 周洋"},
    )
    assert updated.version == complaint.version + 1
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="update")
    assert entry.data["changes"] == {
        "staff_involved": ["", "服务顾问 周洋"],
        "promise_made_by": ["", "服务顾问 周洋"],
    }
    found = complaints_matching(complaints_visible_to(actor), "周洋")
    assert list(found.values_list("pk", flat=True)) == [complaint.pk]
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=complaint.pk,
            actor=actor,
            expected_version=updated.version,
            changes={"promise_made_by": "x" * 101},
        )
    assert "promise_made_by" in exc.value.error_dict


def test_the_group_and_the_administrator_only_look_at_the_record(world):
    from kesu.complaints.services import may_edit

    assert {role for role in Role.values if not may_edit(world.user(role))} == {
        Role.GROUP,
        Role.ADMIN,
    }
    complaint = world.complaint()
    with pytest.raises(NotAllowed):
        complaint_update(
            complaint_id=complaint.pk,
            actor=world.user(Role.GROUP),
            expected_version=1,
            changes={"staff_involved": "前台接待 张敏"},
        )


# ---- Forwarded complaints and the manufacturer --------------------------------------------


def test_a_forwarded_complaint_keeps_the_third_partys_reference(world):
    complaint = world.complaint(
        channel=Channel.HOTLINE_12315,
        third_party_reference=" 12315-2026-0815 ",
        third_party_contact="市场监管局 李科员 010-12315",
    )
    assert complaint.third_party_reference == "12315-2026-0815"
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert entry.data["fields"]["third_party_reference"] == "12315-2026-0815"
    assert entry.data["fields"]["third_party_contact"] == "市场监管局 李科员 010-12315"


def test_a_complaint_not_forwarded_has_no_third_party(world):
    with pytest.raises(ValidationError) as exc:
        world.complaint(channel=Channel.PHONE, third_party_reference="CRM-1")
    assert set(exc.value.error_dict) == {"third_party_reference"}
    with pytest.raises(ValidationError) as exc:
        world.complaint(channel=Channel.WALK_IN, third_party_contact="厂家 王经理")
    assert set(exc.value.error_dict) == {"third_party_contact"}


@pytest.mark.parametrize("channel", sorted(THIRD_PARTY_CHANNELS))
def test_a_forwarded_complaint_needs_the_third_partys_reference(world, channel):
    """Issue 11: a complaint forwarded by 12315, the manufacturer, … is answered back under
    their case number, so it cannot be registered without it (blank counts as none)."""
    for missing in ("", "   "):
        with pytest.raises(ValidationError) as exc:
            world.complaint(channel=channel, third_party_reference=missing)
        assert set(exc.value.error_dict) == {"third_party_reference"}
    message = str(exc.value.error_dict["third_party_reference"][0].message)
    assert "reference number is required" in message and str(Channel(channel).label) in message
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        world.complaint(channel=channel)
    chinese = str(exc.value.error_dict["third_party_reference"][0].message)
    with translation.override("zh-hans"):
        assert "必须填写对方编号" in chinese and str(Channel(channel).label) in chinese
    assert world.complaint(channel=channel, third_party_reference="R-1").pk


def test_an_edit_may_not_leave_a_forwarded_complaint_without_its_reference(world):
    actor = world.user(Role.DIRECTOR)
    complaint = world.complaint(channel=Channel.MANUFACTURER, third_party_reference="CRM-1")
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=complaint.pk,
            actor=actor,
            expected_version=complaint.version,
            changes={"third_party_reference": " "},
        )
    assert set(exc.value.error_dict) == {"third_party_reference"}
    phone = world.complaint(channel=Channel.PHONE)
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=phone.pk,
            actor=actor,
            expected_version=phone.version,
            changes={"channel": Channel.HOTLINE_12315},
        )
    assert set(exc.value.error_dict) == {"third_party_reference"}
    moved = complaint_update(
        complaint_id=phone.pk,
        actor=actor,
        expected_version=phone.version,
        changes={"channel": Channel.HOTLINE_12315, "third_party_reference": "GD-2026-1"},
    )
    assert (moved.channel, moved.third_party_reference) == (Channel.HOTLINE_12315, "GD-2026-1")
    # An old forwarded complaint saved without one (before the rule) stays editable otherwise.
    Complaint.objects.filter(pk=complaint.pk).update(third_party_reference="")
    edited = complaint_update(
        complaint_id=complaint.pk,
        actor=actor,
        expected_version=complaint.version,
        changes={"title": "厂家转来：发动机故障灯常亮"},
    )
    assert edited.title == "厂家转来：发动机故障灯常亮"


def test_the_reference_has_a_limit(world):
    with pytest.raises(ValidationError) as exc:
        world.complaint(channel=Channel.COURT, third_party_reference="案" * 101)
    assert "third_party_reference" in exc.value.error_dict


def test_the_reference_is_edited_later_and_audited(world):
    complaint = world.complaint(channel=Channel.MANUFACTURER, third_party_reference="CRM")
    actor = world.user(Role.DIRECTOR)
    updated = complaint_update(
        complaint_id=complaint.pk,
        actor=actor,
        expected_version=complaint.version,
        changes={"third_party_reference": "CRM-20260815", "third_party_contact": "王经理"},
    )
    assert updated.third_party_reference == "CRM-20260815"
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="update")
    assert entry.data["changes"]["third_party_reference"] == ["CRM", "CRM-20260815"]
    # The reference is searched like the other texts.
    assert "crm" in Complaint.objects.get(pk=complaint.pk).search_grams.split()


def test_a_reference_needs_a_forwarding_channel_in_edits_too(world):
    complaint = world.complaint(channel=Channel.MANUFACTURER, third_party_reference="CRM-9")
    actor = world.user(Role.DIRECTOR)
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=complaint.pk,
            actor=actor,
            expected_version=complaint.version,
            changes={"channel": Channel.PHONE},
        )
    assert set(exc.value.error_dict) == {"channel"}
    plain = world.complaint()
    with pytest.raises(ValidationError) as exc:
        complaint_update(
            complaint_id=plain.pk,
            actor=actor,
            expected_version=plain.version,
            changes={"third_party_reference": "X-1"},
        )
    assert set(exc.value.error_dict) == {"third_party_reference"}
    # Cleared in the same edit, the channel may change.
    changed = complaint_update(
        complaint_id=complaint.pk,
        actor=actor,
        expected_version=complaint.version,
        changes={"channel": Channel.PHONE, "third_party_reference": ""},
    )
    assert (changed.channel, changed.third_party_reference) == (Channel.PHONE, "")


@pytest.fixture
def contact(world):
    return ManufacturerContactFactory(organisation=world.org)


def test_escalating_to_the_manufacturer_records_what_was_asked(world, contact):
    complaint = world.complaint()
    handler = world.user(Role.HANDLER)
    exchange = manufacturer_ask(
        complaint_id=complaint.pk, actor=handler, contact=contact, asked="  请协助判断是否批次问题 "
    )
    assert (exchange.asked, exchange.asked_by, exchange.answered_at) == (
        "请协助判断是否批次问题",
        handler,
        None,
    )
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="manufacturer_asked")
    assert entry.data == {
        "exchange_id": exchange.pk,
        "contact_id": contact.pk,
        "contact": str(contact),
        "text": "请协助判断是否批次问题",
    }
    assert Complaint.objects.get(pk=complaint.pk).version == complaint.version  # not an edit


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.CALLBACK, Role.GROUP, Role.ADMIN])
def test_only_the_roles_that_escalate_deal_with_the_manufacturer(world, contact, role):
    complaint = world.complaint()
    with pytest.raises(NotAllowed):
        manufacturer_ask(
            complaint_id=complaint.pk, actor=world.user(role), contact=contact, asked="问"
        )
    assert not may_escalate_to_manufacturer(world.user(role))
    assert may_escalate_to_manufacturer(world.user(Role.DIRECTOR))


def test_the_contact_must_serve_the_complaints_branch(world, contact):
    complaint = world.complaint()
    director = world.user(Role.DIRECTOR)
    elsewhere = ManufacturerContactFactory(organisation=world.org, branch=world.other_branch)
    retired = ManufacturerContactFactory(organisation=world.org, is_active=False)
    stranger = ManufacturerContactFactory()  # another organisation's
    for wrong in (elsewhere, retired, stranger, None):
        with pytest.raises(ValidationError) as exc:
            manufacturer_ask(complaint_id=complaint.pk, actor=director, contact=wrong, asked="问")
        assert set(exc.value.error_dict) == {"contact"}
    own = ManufacturerContactFactory(organisation=world.org, branch=world.branch)
    assert manufacturer_ask(complaint_id=complaint.pk, actor=director, contact=own, asked="问")


def test_a_closed_complaint_is_not_escalated_and_another_branch_is_not_found(world, contact):
    complaint = world.complaint()
    workflow.complaint_withdraw(
        complaint_id=complaint.pk, actor=world.user(Role.FRONTLINE), reason="客户撤诉"
    )
    with pytest.raises(InvalidState):
        manufacturer_ask(
            complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), contact=contact, asked="问"
        )
    other = world.complaint()
    with pytest.raises(NotFound):
        manufacturer_ask(
            complaint_id=other.pk,
            actor=world.other_users[Role.DIRECTOR],
            contact=contact,
            asked="问",
        )
    with pytest.raises(ValidationError):
        manufacturer_ask(
            complaint_id=other.pk, actor=world.user(Role.DIRECTOR), contact=contact, asked=" "
        )


def test_the_answer_is_recorded_once(world, contact):
    complaint = world.complaint()
    director = world.user(Role.DIRECTOR)
    exchange = manufacturer_ask(
        complaint_id=complaint.pk, actor=director, contact=contact, asked="能否提供升级包"
    )
    answered = manufacturer_answer(
        complaint_id=complaint.pk,
        exchange_id=exchange.pk,
        actor=director,
        answer="下月发布，请安装后反馈",
        feedback_expected=True,
    )
    assert answered.answer == "下月发布，请安装后反馈" and answered.feedback_expected
    assert answered.answered_by == director and answered.answered_at is not None
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="manufacturer_answered")
    assert entry.data["text"] == "下月发布，请安装后反馈"
    assert entry.data["feedback_expected"] is True
    with pytest.raises(InvalidState):
        manufacturer_answer(
            complaint_id=complaint.pk, exchange_id=exchange.pk, actor=director, answer="再答"
        )
    # Another complaint's exchange is not found through this one.
    with pytest.raises(NotFound):
        manufacturer_answer(
            complaint_id=world.complaint().pk, exchange_id=exchange.pk, actor=director, answer="答"
        )


def test_feedback_is_for_complaints_the_manufacturer_is_concerned_with(world, contact):
    director = world.user(Role.DIRECTOR)
    unrelated = world.complaint()
    assert not manufacturer_feedback_owed(unrelated)
    with pytest.raises(ValidationError):
        manufacturer_feedback(complaint_id=unrelated.pk, actor=director, text="已反馈")
    forwarded = world.complaint(channel=Channel.MANUFACTURER, third_party_reference="CRM-7")
    entry = manufacturer_feedback(complaint_id=forwarded.pk, actor=director, text="原因与处理结果")
    assert (entry.action, entry.data) == ("manufacturer_feedback", {"text": "原因与处理结果"})
    manufacturer_ask(complaint_id=unrelated.pk, actor=director, contact=contact, asked="问")
    assert manufacturer_feedback_owed(unrelated)
