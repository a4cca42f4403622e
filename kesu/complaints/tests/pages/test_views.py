"""The staff workspace through real HTTP (Django's test client)."""

import pytest

from kesu.audit.models import AuditEntry
from kesu.complaints.choices import State
from kesu.complaints.models import Complaint
from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role


@pytest.fixture
def as_user(client, world):
    def login(role, other_branch=False):
        user = (world.other_users if other_branch else world.users)[role]
        client.force_login(user)
        return client

    return login


def test_repeated_failed_logins_lock_the_account(client, world):
    for _ in range(5):
        client.post("/login/", {"username": "frontline-east", "password": "wrong"})
    response = client.post("/login/", {"username": "frontline-east", "password": "pw"})
    assert response.status_code == 429
    assert client.get("/").status_code == 302  # still signed out


def test_pages_need_a_login(client, world):
    response = client.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_my_work_counts_and_lists(as_user, world, django_assert_max_num_queries):
    for _ in range(3):
        world.complaint()
    client = as_user(Role.FRONTLINE)
    with django_assert_max_num_queries(20):
        response = client.get("/")
    assert response.status_code == 200
    queues = {q.code: q.count for q in response.context["queues"]}
    assert queues["assigned"] == 3
    assert queues["waiting"] == 3  # registered, to be confirmed by the owner


def test_my_work_query_count_does_not_grow_with_the_queue(
    as_user, world, django_assert_max_num_queries
):
    for _ in range(15):
        world.complaint()
    client = as_user(Role.DIRECTOR)
    # One of them the open crises first on the page (kesu/crises, one query), one the open
    # emerging issues (kesu/emerging, one query).
    with django_assert_max_num_queries(23):
        assert client.get("/").status_code == 200


def test_complaint_page(as_user, world, django_assert_max_num_queries):
    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    with django_assert_max_num_queries(30):
        response = client.get(f"/complaints/{complaint.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert complaint.number in body
    names = [m["name"] for m in response.context["move_forms"]]
    assert "confirm" in names and "close" not in names


def test_another_branch_gets_404(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.DIRECTOR, other_branch=True)
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 404
    response = client.post(f"/complaints/{complaint.pk}/moves/confirm/", {"method": "signature"})
    assert response.status_code == 404


def test_a_move_from_the_page(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/confirm/",
        {"method": "recorded_consent", "version": complaint.version},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.CONFIRMED


def test_a_refused_move_keeps_what_was_typed(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/withdraw/", {"reason": "", "version": complaint.version}
    )
    assert response.status_code == 400
    form = next(m for m in response.context["move_forms"] if m["name"] == "withdraw")
    assert form["open"] and any(f.errors for f in form["fields"])
    # Park needs a future date: the reason typed stays in the form.
    client = as_user(Role.HANDLER)
    Complaint.objects.filter(pk=complaint.pk).update(state=State.INVESTIGATING)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/park/",
        {"reason": "等待厂家配件到货", "follow_up_on": "2001-01-01"},
    )
    assert response.status_code == 400
    assert "等待厂家配件到货" in response.content.decode()


def test_a_stale_form_is_refused(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/confirm/", {"method": "signature", "version": 99}
    )
    assert response.status_code == 400
    assert "changed" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == State.REGISTERED


def test_checklist_ticks_are_recorded(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    response = client.post(
        f"/complaints/{complaint.pk}/checklist/", {"item": "listened", "done": "1"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="checklist")
    assert entry.data == {"item": "listened", "done": True}
    assert (
        client.post(f"/complaints/{complaint.pk}/checklist/", {"item": "nope"}).status_code == 400
    )


def test_notes_and_uploads(as_user, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    complaint = world.complaint()
    client = as_user(Role.FRONTLINE)
    client.post(f"/complaints/{complaint.pk}/notes/", {"text": "已回电说明进度", "shared": "1"})
    assert AuditEntry.objects.filter(
        complaint_id=complaint.pk, action="note", visibility="shared"
    ).exists()
    client.post(
        f"/complaints/{complaint.pk}/files/",
        {"file": SimpleUploadedFile("dent.jpg", b"\xff\xd8\xff", "image/jpeg")},
    )
    assert complaint.attachments.count() == 1
    response = client.post(
        f"/complaints/{complaint.pk}/files/", {"file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert response.status_code == 302
    assert complaint.attachments.count() == 1


def test_intake_registers_a_new_customer_and_reads_back(as_user, world):
    client = as_user(Role.FRONTLINE)
    assert client.get("/complaints/new/").status_code == 200
    response = client.post("/complaints/new/", NEW_CALL)
    assert response.status_code == 302 and "readback=1" in response.url
    complaint = Complaint.objects.get(title="空调不制冷")
    assert complaint.customer.phone == "+8613900001111"
    page = client.get(response.url)
    assert "Read this back" in page.content.decode()


def test_intake_error_keeps_everything_typed(as_user, world):
    client = as_user(Role.FRONTLINE)
    response = client.post(
        "/complaints/new/",
        {
            "phone": "139 0000 1111",
            "customer_name": "赵六",
            "kind": "complaint",
            "channel": "phone",
            "demand": "repair",
            "title": "",
            "account": "夏天开空调一直吹热风。",
            "category": "不存在的类别",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "夏天开空调一直吹热风。" in body and "赵六" in body and "139 0000 1111" in body
    assert not Complaint.objects.exists()


def test_lookup_shows_the_customer_and_open_complaints(as_user, world):
    customer = CustomerFactory(organisation=world.org, name="钱七", phone="+8613700002222")
    open_one = world.complaint(customer=customer, title="刹车异响")
    client = as_user(Role.FRONTLINE)
    response = client.get("/customers/lookup/", {"phone": "137-0000-2222"})
    body = response.content.decode()
    assert "钱七" in body and open_one.number in body
    assert "same matter" in body


def test_list_filters_search_and_pages(as_user, world, django_assert_max_num_queries):
    customer = CustomerFactory(organisation=world.org, phone="+8613600003333")
    first = world.complaint(customer=customer, title="变速箱顿挫")
    for _ in range(26):
        world.complaint()
    client = as_user(Role.DIRECTOR)
    with django_assert_max_num_queries(15):
        response = client.get("/complaints/")
    assert len(response.context["complaints"]) == 25 and response.context["has_more"]
    older = client.get("/complaints/?" + response.context["next_query"])
    assert len(older.context["complaints"]) == 2
    assert [
        c.pk for c in client.get("/complaints/", {"q": first.number}).context["complaints"]
    ] == [first.pk]
    assert [
        c.pk for c in client.get("/complaints/", {"q": "136 0000 3333"}).context["complaints"]
    ] == [first.pk]
    assert [c.pk for c in client.get("/complaints/", {"q": "顿挫"}).context["complaints"]] == [
        first.pk
    ]
    assert client.get("/complaints/", {"state": "nonsense"}).status_code == 200
    assert client.get("/complaints/", {"queue": "assigned"}).status_code == 200


def test_free_text_is_rendered_inert(as_user, world):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    complaint = world.complaint(title=evil, account=evil)
    client = as_user(Role.FRONTLINE)
    for url in ["/", f"/complaints/{complaint.pk}/", "/complaints/"]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body
        assert "&lt;script&gt;" in body


def test_common_words_are_found_among_the_newest_first(world, monkeypatch):
    from kesu.complaints import views
    from kesu.complaints.selectors import complaint_list

    monkeypatch.setattr(views, "RECENT_WINDOW", 5)
    common = [world.complaint(title=f"发动机异响{i}", account="冷车启动") for i in range(6)]
    rare = world.complaint(title="天窗漏水", account="下雨漏水")
    for _ in range(3):
        world.complaint(title="洗车", account="没洗干净")
    scope = complaint_list(world.user(Role.DIRECTOR))
    # "洗车" fills the newest window: three of the newest five match.
    assert [c.title for c in views.recent_matches(scope, "洗车", "", 3)] == ["洗车"] * 3
    # Too few matches among the newest five: the caller asks the index instead.
    assert views.recent_matches(scope, "天窗", "", 3) is None
    assert views.recent_matches(scope, "异响", "", 2) is None
    older = views.recent_matches(scope, "异响", str(rare.pk), 2)
    assert [c.pk for c in older] == [common[-1].pk, common[-2].pk]


def test_every_search_box_has_a_maxlength_the_server_takes(as_user, world):
    """Each GET form's typed inputs are limited, so a long search in Chinese (9 bytes a
    character in the address) never reaches gunicorn's request-line limit."""
    import re
    import runpy
    from pathlib import Path

    from kesu.complaints.search import SEARCH_MAX_LENGTH

    conf = runpy.run_path(str(Path(__file__).resolve().parents[4] / "gunicorn.conf.py"))
    assert conf["limit_request_line"] == 8190
    client = as_user(Role.DIRECTOR)
    html = client.get("/complaints/").content.decode()
    forms = re.findall(r'<form [^>]*method="get".*?</form>', html, re.S)
    boxes = [i for f in forms for i in re.findall(r'<input [^>]*type="search"[^>]*>', f)]
    assert len(boxes) == 2  # the header's and the list's
    for box in boxes:
        assert f'maxlength="{SEARCH_MAX_LENGTH}"' in box, box
    address = "/complaints/?" + "&".join(f"q={'%E6%90%9C' * SEARCH_MAX_LENGTH}" for _ in "x")
    assert len(f"GET {address} HTTP/1.1") < conf["limit_request_line"] // 2
    response = client.get("/complaints/", {"q": "搜" * 460})
    assert response.status_code == 200


def test_the_admin_names_axes_in_chinese(client, world):
    from axes.admin import AccessAttemptAdmin
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(apps.get_app_config("axes").verbose_name) == "登录锁定"
        assert str(AccessAttemptAdmin.status.short_description) == "状态"
    admin = world.user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录锁定" in html and ">Axes<" not in html


# ---- Who is involved: at intake and afterwards on the complaint page ---------------------------


def test_intake_records_the_staff_member_involved_and_who_promised(as_user, world):
    client = as_user(Role.FRONTLINE)
    page = client.get("/complaints/new/").content.decode()
    assert 'name="staff_involved"' in page and 'name="promise_made_by"' in page
    response = client.post(
        "/complaints/new/",
        {
            **NEW_CALL,
            "demand": "price_reduction",
            "staff_involved": "销售顾问 王强",
            "promise_made_by": "销售经理 李娜",
        },
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get(title="空调不制冷")
    assert (complaint.demand, complaint.staff_involved, complaint.promise_made_by) == (
        "price_reduction",
        "销售顾问 王强",
        "销售经理 李娜",
    )
    body = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "销售顾问 王强" in body and "销售经理 李娜" in body
    # Too long: refused whole, the form comes back as typed.
    response = client.post("/complaints/new/", {**NEW_CALL, "staff_involved": "王" * 101})
    assert response.status_code == 400 and "王" * 101 in response.content.decode()


def test_who_is_involved_is_recorded_on_the_complaint_page(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.HANDLER)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'action="/complaints/{complaint.pk}/staff/"' in page
    response = client.post(
        f"/complaints/{complaint.pk}/staff/",
        {"version": complaint.version, "staff_involved": "服务顾问 周洋", "promise_made_by": ""},
    )
    assert response.status_code == 302 and response.url == f"/complaints/{complaint.pk}/"
    complaint.refresh_from_db()
    assert complaint.staff_involved == "服务顾问 周洋" and complaint.version == 2
    entry = AuditEntry.objects.get(complaint_id=complaint.pk, action="update")
    assert entry.data["changes"] == {"staff_involved": ["", "服务顾问 周洋"]}
    assert entry.actor == world.user(Role.HANDLER)
    assert "服务顾问 周洋" in client.get(f"/complaints/{complaint.pk}/").content.decode()


def test_the_staff_form_refuses_stale_long_and_foreign_posts(as_user, world):
    complaint = world.complaint()
    url = f"/complaints/{complaint.pk}/staff/"
    client = as_user(Role.FRONTLINE)
    response = client.post(url, {"version": 99, "staff_involved": "前台接待 张敏"})
    assert response.status_code == 409 and "changed" in response.content.decode()
    response = client.post(url, {"version": 1, "promise_made_by": "李" * 101})
    assert response.status_code == 400
    assert response.context["staff_form"].errors["promise_made_by"]
    assert "李" * 101 in response.content.decode()  # as typed
    assert client.post(url, {"staff_involved": "张敏"}).status_code == 400  # no version
    assert client.get(url).status_code == 302  # a GET goes back to the page
    assert as_user(Role.GROUP).post(url, {"version": 1}).status_code == 403
    other = as_user(Role.DIRECTOR, other_branch=True)
    assert other.post(url, {"version": 1, "staff_involved": "x"}).status_code == 404
    complaint.refresh_from_db()
    assert (complaint.staff_involved, complaint.promise_made_by, complaint.version) == ("", "", 1)


def test_a_closed_complaint_offers_no_staff_form(as_user, world):
    from kesu.complaints.workflow import complaint_withdraw

    complaint = world.complaint()
    frontline = world.user(Role.FRONTLINE)
    complaint_withdraw(complaint_id=complaint.pk, actor=frontline, reason="客户撤诉")
    client = as_user(Role.FRONTLINE)
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "/staff/" not in page
    response = client.post(
        f"/complaints/{complaint.pk}/staff/", {"version": 2, "staff_involved": "x"}
    )
    assert response.status_code == 409


def test_a_closed_complaint_shows_where_the_customer_may_still_turn(as_user, world):
    from kesu.complaints.tests.helpers import closed_complaint

    open_page = as_user(Role.FRONTLINE).get(f"/complaints/{world.complaint().pk}/")
    assert 'id="recourse"' not in open_page.content.decode()
    closed = closed_complaint(world)
    body = as_user(Role.FRONTLINE).get(f"/complaints/{closed.pk}/").content.decode()
    assert 'id="recourse"' in body and "If the customer is still not satisfied" in body
    assert "national 12315 platform" in body and f"/complaints/{closed.pk}/print/closure/" in body


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_hand_over_out_of_ones_view_lands_on_my_work(as_user, world, language):
    complaint = world.complaint()
    client = as_user(Role.HANDLER)  # of after-sales: sees its own department's cases
    response = client.post(
        f"/complaints/{complaint.pk}/moves/hand_over/",
        {"department": world.sales.pk, "version": complaint.version},
        HTTP_ACCEPT_LANGUAGE=language,
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    complaint.refresh_from_db()
    assert complaint.department == world.sales and complaint.owner_id is None
    text = response.content.decode()
    assert complaint.number in text and world.sales.name in text
    assert ("已交给" if language == "zh-hans" else "is now with") in text


def test_a_move_one_still_sees_stays_on_the_complaint(as_user, world):
    complaint = world.complaint()
    client = as_user(Role.DIRECTOR)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/hand_over/",
        {"department": world.sales.pk, "version": complaint.version},
    )
    assert response["Location"] == f"/complaints/{complaint.pk}/"


def test_a_complaint_one_was_told_of_but_no_longer_sees_says_so(as_user, world):
    from kesu.complaints import workflow
    from kesu.organisation.tests.factories import UserFactory

    complaint = world.complaint(demand="compensation")
    handler = world.user(Role.HANDLER)  # told: an urgent demand for after-sales
    UserFactory(
        organisation=world.org, branch=world.branch, department=world.sales, role=Role.HANDLER
    )
    workflow.complaint_hand_over(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), department=world.sales
    )
    client = as_user(Role.HANDLER)
    response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    text = response.content.decode()
    assert "已不在您的查看范围内" in text and 'href="/inbox/"' in text
    assert handler.pk  # the other branch's director, never told: the plain 404
    other = as_user(Role.DIRECTOR, other_branch=True)
    response = other.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "No longer in your view" not in response.content.decode()


@pytest.mark.parametrize(
    "language,error", [("zh-hans", "您无权查看该门店"), ("en", "You may not see")]
)
def test_another_branchs_list_export_and_register_are_refused(as_user, world, language, error):
    world.complaint()
    client = as_user(Role.HANDLER, other_branch=True)
    east = world.branch.pk
    for path in ("/complaints/", "/complaints/export.xlsx", "/complaints/print/register/"):
        response = client.get(f"{path}?branch={east}", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400, path
        assert error in response.content.decode(), path
    api = client.get(f"/api/v1/complaints/?branch={east}")
    assert api.status_code == 400 and "branch" in api.json()["error"]["fields"]
    own = client.get(f"/complaints/?branch={world.other_branch.pk}")
    assert own.status_code == 200
    # The list's branch filter offers only the branches the user may see.
    assert list(own.context["branches"]) == [world.other_branch]
    group = as_user(Role.GROUP)
    assert group.get(f"/complaints/?branch={east}").status_code == 200


def test_a_resolution_deadline_in_the_past_is_refused_on_the_page(as_user, world):
    from datetime import timedelta

    from django.utils import timezone

    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=State.INVESTIGATING)
    past = timezone.localtime() - timedelta(minutes=5)
    response = as_user(Role.DIRECTOR).post(
        f"/complaints/{complaint.pk}/moves/set_deadline/",
        {"due_at": past.strftime("%Y-%m-%dT%H:%M"), "reason": "客户同意"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "The due time cannot be in the past." in response.content.decode()
    assert not AuditEntry.objects.filter(complaint_id=complaint.pk, action="set_deadline")
