"""The portal's pages through real HTTP (the test client): file, track, limits, no leaks."""

import pytest
from django.test import Client
from django.urls import reverse

from kesu.audit.models import AuditEntry
from kesu.complaints.models import Attachment, Complaint
from kesu.complaints.services import complaint_add_note
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.portal import human_check

from .conftest import OTHER_PHONE, PHONE, jpeg, last_code


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="10.1.1.1")


def _confirm_phone(client, branch="east", phone=PHONE):
    response = client.post(reverse("portal:start", args=[branch]), {"phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(reverse("portal:verify"), {"code": last_code(phone)})
    assert response.status_code == 302
    return response


def _file(client, **values):
    data = {"kind": "complaint", "name": "李女士", "title": "刹车异响", "account": "刹车时有响声。"}
    data.update(values)
    return client.post(reverse("portal:file", args=["east"]), data)


def _track(client, number, phone=PHONE):
    response = client.post(reverse("portal:track"), {"number": number, "phone": phone})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.post(reverse("portal:verify"), {"code": last_code(phone)})


def test_the_home_page_lists_the_branches_in_chinese(world, client):
    world.branch.display_name = "东城旗舰店"
    world.branch.hotline = "400-800-1234"
    world.branch.save()
    page = client.get(reverse("portal:home")).content.decode()
    assert "东城旗舰店" in page and reverse("portal:start", args=["east"]) in page
    assert "400-800-1234" in client.get(reverse("portal:start", args=["east"])).content.decode()
    assert "跟进我的投诉" in page or "查询" in page


def test_filing_with_a_photo_registers_through_the_service(
    world, client, texts, django_capture_on_commit_callbacks
):
    _confirm_phone(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(client, photos=[jpeg()])
    assert response.status_code == 302 and response.url == reverse("portal:case")
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.branch == world.branch
    assert complaint.customer.phone == PHONE and complaint.customer.name == "李女士"
    assert complaint.owner.role == Role.FRONTLINE and complaint.owner.is_active
    assert complaint.due_at is not None  # the deadlines were planned
    assert Attachment.objects.get().complaint == complaint
    register = AuditEntry.objects.get(complaint_id=complaint.pk, action="register")
    assert register.actor.username.startswith("portal-") and not register.actor.is_active
    page = client.get(response.url).content.decode()
    assert complaint.number in page
    assert any(complaint.number in text for to, text in texts if to == PHONE)


def test_an_existing_customer_is_found_by_phone(world, client):
    customer = CustomerFactory(organisation=world.org, phone=PHONE, name="王先生")
    _confirm_phone(client)
    _file(client, name="王")
    assert Complaint.objects.get().customer == customer


def test_bad_input_is_refused_in_the_customers_language(world, client):
    _confirm_phone(client)
    response = _file(
        client, title="", photos=[jpeg("fake.jpg").__class__("fake.jpg", b"not a jpeg")]
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert Complaint.objects.count() == 0


def test_filing_needs_a_confirmed_phone(world, client):
    response = _file(client)
    assert response.status_code == 302
    assert response.url == reverse("portal:start", args=["east"])
    assert Complaint.objects.count() == 0


def test_tracking_shows_shared_notes_but_no_internal_data(world, client):
    handler = world.users[Role.HANDLER]
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer, actor=world.users[Role.FRONTLINE])
    complaint_add_note(
        complaint_id=complaint.pk, actor=handler, text="我们已订好配件", shared_with_customer=True
    )
    complaint_add_note(complaint_id=complaint.pk, actor=handler, text="内部：客户难缠")
    _track(client, complaint.number)
    page = client.get(reverse("portal:case")).content.decode()
    assert "我们已订好配件" in page
    assert "内部：客户难缠" not in page
    assert str(handler) not in page and str(world.users[Role.FRONTLINE]) not in page
    assert "registered" not in page  # the state in the customer's words
    assert "已受理" in page or "收到" in page


def test_no_enumeration_a_missing_and_a_strangers_number_answer_alike(world, client):
    stranger = CustomerFactory(organisation=world.org, phone=OTHER_PHONE)
    theirs = world.complaint(customer=stranger)
    answers = []
    for number in (theirs.number, "KS-2099-999999"):
        response = _track(client, number)
        answers.append((response.status_code, _error_of(response)))
        client.cookies.clear()
        from kesu.core import counters

        counters.clear_all()
    assert answers[0] == answers[1] and answers[0][0] == 400
    assert client.get(reverse("portal:case")).status_code == 302


def _error_of(response) -> str:
    import re

    found = re.search(r"data-portal-error>(.*?)</p>", response.content.decode(), re.S)
    return found.group(1).strip() if found else ""


def test_a_tracking_session_is_bound_to_one_complaint(world, client):
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    first = world.complaint(customer=customer, title="第一件")
    second = world.complaint(customer=customer, title="第二件")
    _track(client, first.number)
    page = client.get(reverse("portal:case")).content.decode()
    assert first.number in page and second.number not in page and "第二件" not in page


def test_adding_information_is_on_the_timeline_and_the_owner_is_told(world, client):
    from kesu.notifications.models import Notification

    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer, actor=world.users[Role.FRONTLINE])
    _track(client, complaint.number)
    response = client.post(
        reverse("portal:case-add"), {"text": "补充：第二次又响了", "photos": [jpeg("again.jpg")]}
    )
    assert response.status_code == 302
    note = AuditEntry.objects.get(complaint_id=complaint.pk, action="note")
    assert note.data["text"] == "补充：第二次又响了" and note.actor.username.startswith("portal-")
    assert Attachment.objects.filter(complaint=complaint).count() == 1
    told = Notification.objects.filter(kind="customer_added")
    assert {n.recipient_id for n in told} == {complaint.owner_id}
    page = client.get(reverse("portal:case")).content.decode()
    assert "补充：第二次又响了" in page and "again.jpg" in page


def test_an_empty_addition_is_refused(world, client):
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    _track(client, complaint.number)
    response = client.post(reverse("portal:case-add"), {"text": " "})
    assert response.status_code == 400 and _field_error(response)


def _field_error(response) -> bool:
    return "pt-field-errors" in response.content.decode()


def test_a_flood_of_code_requests_is_refused_clearly(world, client, settings):
    settings.KESU_PORTAL_CODE_INTERVAL_SECONDS = 0
    settings.KESU_PORTAL_CODES_PER_ADDRESS = 3
    statuses = []
    for i in range(4):
        response = client.post(
            reverse("portal:start", args=["east"]), {"phone": f"+86138000000{i:02d}"}
        )
        statuses.append(response.status_code)
    assert statuses[:3] == [302, 302, 302] and statuses[3] == 429
    assert "请稍后再试" in _error_of(response) or "稍后" in _error_of(response)


def test_after_repeated_failures_the_human_check_is_asked_and_enforced(world, client):
    client.post(reverse("portal:start", args=["east"]), {"phone": PHONE})
    wrong = "000000" if last_code() != "000000" else "111111"
    for _i in range(3):
        client.post(reverse("portal:verify"), {"code": wrong})
    page = client.get(reverse("portal:track")).content.decode()
    assert 'name="check"' in page and "data:image/png;base64," in page
    response = client.post(
        reverse("portal:track"), {"number": "KS-1", "phone": OTHER_PHONE, "check": "1000"}
    )
    assert response.status_code == 400
    client.get(reverse("portal:track"))
    kept = client.session[human_check.SESSION_KEY]
    right = next(str(n) for n in range(4, 19) if human_check._digest(str(n)) == kept)
    response = client.post(
        reverse("portal:track"), {"number": "KS-1", "phone": OTHER_PHONE, "check": right}
    )
    assert response.status_code == 302


def test_rating_a_resolved_case_counts_in_the_report(world, client):
    from kesu.callbacks.models import SurveyResponse
    from kesu.complaints.choices import State

    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    _track(client, complaint.number)
    page = client.get(reverse("portal:case")).content.decode()
    assert 'name="score"' not in page  # not before it is resolved
    Complaint.objects.filter(pk=complaint.pk).update(state=State.RESOLVED)
    assert 'name="score"' in client.get(reverse("portal:case")).content.decode()
    response = client.post(reverse("portal:case-rate"), {"score": "6"})
    assert response.status_code == 400
    response = client.post(reverse("portal:case-rate"), {"score": "4", "comment": "还不错"})
    assert response.status_code == 302
    answer = SurveyResponse.objects.get(complaint=complaint)
    assert answer.answers == {"result": 4, "comment": "还不错"}
    assert client.post(reverse("portal:case-rate"), {"score": "5"}).status_code == 400


def test_the_english_pages_are_english(world, client):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("portal:track"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Follow my case" in page and "中文" in page


def test_an_unknown_branch_is_404(world, client):
    assert client.get(reverse("portal:start", args=["nowhere"])).status_code == 404


def test_leaving_ends_the_tracking_session(world, client):
    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    _track(client, complaint.number)
    client.post(reverse("portal:leave"))
    assert client.get(reverse("portal:case")).status_code == 302


def test_the_code_page_shows_the_masked_number_the_code_went_to(world, client):
    client.post(reverse("portal:start", args=["east"]), {"phone": PHONE})
    page = client.get(reverse("portal:verify")).content.decode()
    assert "<strong data-portal-phone>138****8000</strong>" in page
    assert "13800138000" not in page


def test_a_closed_case_offers_no_addition_and_refuses_one(world, client):
    from kesu.complaints.choices import State

    customer = CustomerFactory(organisation=world.org, phone=PHONE)
    complaint = world.complaint(customer=customer)
    _track(client, complaint.number)
    assert "data-portal-add" in client.get(reverse("portal:case")).content.decode()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.CLOSED)
    page = client.get(reverse("portal:case")).content.decode()
    assert "data-portal-add" not in page and 'name="text"' not in page
    assert "data-portal-closed" in page and "已结案" in page
    response = client.post(reverse("portal:case-add"), {"text": "再补充"})
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(complaint_id=complaint.pk, action="note").exists()


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Your verification code is"), ("zh-hans", "验证码")]
)
def test_the_code_is_texted_in_the_language_of_the_page_it_was_asked_on(
    world, texts, settings, language, words
):
    settings.KESU_CUSTOMER_LANGUAGE = "zh-hans" if language == "en" else "en"
    visitor = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="10.1.1.2")
    visitor.cookies["django_language"] = language
    response = visitor.post(reverse("portal:start", args=["east"]), {"phone": PHONE})
    assert response.status_code == 302
    (text,) = [text for to, text in texts if to == PHONE]
    assert words in text, text
