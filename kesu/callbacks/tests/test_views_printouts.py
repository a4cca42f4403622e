"""The printed callback record's pages: what they show, scope, roles, PDF and the audit entry."""

import pytest

from kesu.audit.models import AuditEntry
from kesu.callbacks.services import task_not_reached, task_record_outcome
from kesu.callbacks.tests.conftest import resolve, welcome_call
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def called(anytime):
    world = anytime
    customer = CustomerFactory(organisation=world.org, name="王建国", phone="+8613812345678")
    complaint = resolve(world, world.complaint(customer=customer, title="变速箱换挡顿挫"))
    task = complaint.callback_tasks.get()
    caller = world.user(Role.CALLBACK)
    task_not_reached(task_id=task.pk, actor=caller, result="busy", note="<b>占线</b>")
    task_record_outcome(
        task_id=task.pk, actor=caller, satisfaction="dissatisfied", score=2, notes="还是有顿挫"
    )
    task.refresh_from_db()
    return complaint, task


def test_the_complaint_record_shows_each_call(client, anytime, called):
    complaint, task = called
    client.force_login(anytime.user(Role.DIRECTOR))
    response = client.get(f"/callbacks/complaints/{complaint.pk}/print/", **ZH)
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "客户回访记录",
        complaint.number,
        "变速箱换挡顿挫",
        "王建国",
        "138 1234 5678",  # a director sees the phone in full
        "不满意",
        "2 / 5",
        "还是有顿挫",
        "占线或被挂断",
        "已接通",
        str(anytime.user(Role.CALLBACK)),
        "回访人（签字）",
        "data-print",
    ]:
        assert text in body, text
    assert "<b>占线</b>" not in body and "&lt;b&gt;占线&lt;/b&gt;" in body
    assert f'href="/callbacks/complaints/{complaint.pk}/print.pdf"' in body


def test_the_task_record_and_its_pdf(client, anytime, called):
    complaint, task = called
    client.force_login(anytime.user(Role.CALLBACK))
    body = client.get(f"/callbacks/tasks/{task.pk}/print/", **ZH).content.decode()
    assert "还是有顿挫" in body and complaint.number in body
    assert "138 1234 5678" in body  # the specialist calls the customer
    client.force_login(anytime.user(Role.GROUP))
    body = client.get(f"/callbacks/tasks/{task.pk}/print/").content.decode()
    assert "138****5678" in body and "13812345678" not in body  # masked for the group
    response = client.get(f"/callbacks/tasks/{task.pk}/print.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    response = client.get(f"/callbacks/complaints/{complaint.pk}/print.pdf")
    assert response.content.startswith(b"%PDF")


def test_a_complaint_without_callbacks_prints_an_empty_record(client, anytime):
    complaint = anytime.complaint()
    client.force_login(anytime.user(Role.DIRECTOR))
    response = client.get(f"/callbacks/complaints/{complaint.pk}/print/")
    assert response.status_code == 200
    assert "No callbacks of this complaint yet." in response.content.decode()


def test_a_welcome_call_prints_without_a_complaint(client, anytime):
    task = welcome_call(anytime, name="李明")
    client.force_login(anytime.user(Role.CALLBACK))
    body = client.get(f"/callbacks/tasks/{task.pk}/print/").content.decode()
    assert "李明" in body and "No calls recorded." in body
    assert f'href="/callbacks/tasks/{task.pk}/"' in body  # back to the task


def test_every_print_is_recorded_as_an_export(client, anytime, called):
    complaint, task = called
    user = anytime.user(Role.DIRECTOR)
    client.force_login(user)
    client.get(f"/callbacks/complaints/{complaint.pk}/print/")
    client.get(f"/callbacks/tasks/{task.pk}/print.pdf")
    entries = AuditEntry.objects.filter(action="export").order_by("seq")
    assert [(e.data["document"], e.data["format"], e.object_type) for e in entries] == [
        ("callback_record", "html", "complaints.complaint"),
        ("callback_record", "pdf", "callbacks.callbacktask"),
    ]
    assert all(e.complaint_id == complaint.pk and e.actor_id == user.pk for e in entries)


def test_another_branch_gets_404_and_nothing_is_recorded(client, anytime, called):
    complaint, task = called
    client.force_login(anytime.other_users[Role.DIRECTOR])
    for url in [
        f"/callbacks/complaints/{complaint.pk}/print/",
        f"/callbacks/complaints/{complaint.pk}/print.pdf",
        f"/callbacks/tasks/{task.pk}/print/",
        f"/callbacks/tasks/{task.pk}/print.pdf",
    ]:
        assert client.get(url).status_code == 404, url
    assert not AuditEntry.objects.filter(action="export").exists()


def test_roles_outside_the_workspace_are_refused(client, anytime, called):
    complaint, task = called
    client.force_login(anytime.user(Role.HANDLER))
    assert client.get(f"/callbacks/complaints/{complaint.pk}/print/").status_code == 403
    assert client.get(f"/callbacks/tasks/{task.pk}/print/").status_code == 403


def test_bad_ids_are_404_and_a_login_is_needed(client, anytime, called):
    complaint, _task = called
    assert client.get(f"/callbacks/complaints/{complaint.pk}/print/").status_code == 302
    client.force_login(anytime.user(Role.DIRECTOR))
    assert client.get("/callbacks/complaints/99999999999999999999/print/").status_code == 404
    assert client.get("/callbacks/tasks/99999999999999999999/print.pdf").status_code == 404
    assert client.get("/callbacks/tasks/0/print/").status_code == 404


def test_the_pages_link_to_the_record(client, anytime, called):
    complaint, task = called
    client.force_login(anytime.user(Role.DIRECTOR))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert f'href="/callbacks/complaints/{complaint.pk}/print/"' in page
    task_page = client.get(f"/callbacks/tasks/{task.pk}/").content.decode()
    assert f'href="/callbacks/tasks/{task.pk}/print/"' in task_page
    assert f'href="/callbacks/complaints/{complaint.pk}/print/"' in task_page
    client.force_login(anytime.user(Role.HANDLER))
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "/callbacks/complaints/" not in page  # a handler does not work with callbacks
