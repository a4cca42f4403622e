"""The move forms on the complaint page: translated, merge by number, checklist, approval."""

import ast
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.utils import translation
from rest_framework import serializers

from kesu.complaints import move_forms as moves
from kesu.complaints.api.transitions import TRANSITION_INPUTS
from kesu.complaints.checklist import checklist_tick
from kesu.complaints.choices import EscalationLevel, Severity, State
from kesu.complaints.models import Complaint
from kesu.complaints.workflow import CASE_WORKING_ROLES, TRANSITIONS
from kesu.organisation.choices import Role
from kesu.organisation.models import Department

KESU = Path(__file__).resolve().parents[3]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _described(name, request, language):
    with translation.override(language):
        return [
            (f, TRANSITION_INPUTS[name](context={"request": request}).fields[f.name])
            for f in moves.describe(name, request)
        ]


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_every_field_of_every_move_form_is_translated(world, name):
    """A new move field without a translated label, help text or choice label fails here."""
    request = _request(world.user(Role.GENERAL_MANAGER))
    english = _described(name, request, "en")
    chinese = _described(name, request, "zh-hans")
    assert len(english) == len(chinese)
    for (en, field), (zh, _field) in zip(english, chinese, strict=True):
        assert field.label, f"{name}.{en.name} has no label"
        assert zh.label != en.label and CJK.search(zh.label), (name, en.name, zh.label)
        if en.help:
            assert zh.help != en.help and CJK.search(zh.help), (name, en.name, zh.help)
        if isinstance(field, serializers.ChoiceField):
            for (value, en_label), (_v, zh_label) in zip(en.choices, zh.choices, strict=True):
                assert zh_label != en_label and CJK.search(zh_label), (name, value, zh_label)


def _msgids(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        return [
            node.args[0].value
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in ("_", "gettext", "gettext_lazy")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ]
    found = re.findall(r'{%\s*translate\s+"([^"]+)"', text)
    for block in re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate", text, re.S):
        found.append(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", block))
    return found


@pytest.mark.parametrize(
    "path",
    [
        "complaints/workflow.py",
        "complaints/checklist.py",
        "complaints/api/transitions.py",
        "complaints/templates/complaints/_field.html",
        "complaints/templates/complaints/_checklist.html",
        "complaints/templates/complaints/complaint.html",
    ],
)
def test_every_message_of_the_procedure_has_a_chinese_translation(path):
    """Labels, errors and refusals of the moves: each msgid is in the zh-Hans catalogue."""
    msgids = _msgids(KESU / path)
    assert msgids
    with translation.override("zh-hans"):
        untranslated = [m for m in msgids if translation.gettext(m) == m]
    assert untranslated == []


def _in(world, state, **fields):
    complaint = world.complaint()
    Complaint.objects.filter(pk=complaint.pk).update(state=state, **fields)
    complaint.refresh_from_db()
    return complaint


def _moves_section(html: str) -> str:
    start = html.index(">", html.index('id="moves"')) + 1
    section = html[start : html.index('<section class="card" id="checklist"')]
    section = re.sub(r"<option[^>]*>.*?</option>", "", section, flags=re.S)
    section = re.sub(r"<[^>]+>", " ", section)
    return section


def test_the_page_in_chinese_has_no_english_in_any_move_form(client, world):
    seen = set()
    # The general manager makes every move but the group's; the group's on what it was sent.
    for role, escalated in ((Role.GENERAL_MANAGER, 0), (Role.GROUP, EscalationLevel.GROUP)):
        client.force_login(world.user(role))
        for state in State.values:
            complaint = _in(
                world,
                state,
                compensation_type="cash",
                compensation_amount=Decimal("100"),
                preventive_action="保养时检查",
                escalation_level=escalated,
            )
            response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
            assert response.status_code == 200
            seen |= {m["name"] for m in response.context["move_forms"]}
            if not response.context["move_forms"]:
                continue
            section = _moves_section(response.content.decode())
            for user in world.users.values():  # the test's people are named in Latin letters
                section = section.replace(str(user), "")
            english = re.findall(r"[A-Za-z]{3,}", section)
            assert english == [], (state, english)
    assert seen == set(TRANSITIONS)


def test_merge_offers_the_customers_other_open_complaints(client, world):
    duplicate = world.complaint()
    older = world.complaint(customer=duplicate.customer, title="更早的投诉")
    closed = _in(world, State.CLOSED)
    Complaint.objects.filter(pk=closed.pk).update(customer=duplicate.customer)
    world.complaint()  # another customer's
    client.force_login(world.user(Role.FRONTLINE))
    response = client.get(f"/complaints/{duplicate.pk}/")
    form = next(m for m in response.context["move_forms"] if m["name"] == "merge")
    (into,) = form["fields"]
    assert into.widget == "complaint"
    assert into.choices == [(older.number, f"{older.number} · 更早的投诉")]
    body = response.content.decode()
    assert (
        'name="into_other"' in body
        and 'type="number"' not in body.split('id="move-merge"')[1][:2000]
    )

    response = client.post(
        f"/complaints/{duplicate.pk}/moves/merge/", {"into": older.number, "into_other": ""}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == older.pk


def test_merge_by_a_typed_number_and_a_refused_one(client, world):
    duplicate = _in(world, State.REGISTERED, severity=Severity.MAJOR)
    older = world.complaint(customer=duplicate.customer)
    closed = world.complaint(customer=duplicate.customer)
    Complaint.objects.filter(pk=closed.pk).update(state=State.CLOSED)
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post(
        f"/complaints/{duplicate.pk}/moves/merge/",
        {"into": "", "into_other": closed.number},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    form = next(m for m in response.context["move_forms"] if m["name"] == "merge")
    assert form["open"]
    (into,) = form["fields"]
    assert into.other_value == closed.number  # what was typed stays
    assert "只能合并到未结的投诉" in into.errors[0]

    response = client.post(
        f"/complaints/{duplicate.pk}/moves/merge/", {"into": "", "into_other": older.number}
    )
    assert response.status_code == 302
    older.refresh_from_db()
    assert older.severity == Severity.MAJOR
    page = client.get(f"/complaints/{older.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert duplicate.number in page.content.decode()
    page = client.get(f"/complaints/{duplicate.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "已合并到" in page.content.decode() and older.number in page.content.decode()


def test_a_move_refused_for_the_checklist_says_what_is_missing(client, world):
    complaint = _in(world, State.VERIFIED)
    client.force_login(world.user(Role.DIRECTOR))
    page = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    close = next(m for m in page.context["move_forms"] if m["name"] == "close")
    assert [str(m["text"]) for m in close["missing"]] == ["将结果告知客户", "撰写案例总结"]
    body = page.content.decode()
    assert "请先勾选以下检查清单项" in body and "以下操作前必须完成" in body

    response = client.post(
        f"/complaints/{complaint.pk}/moves/close/",
        {"summary": "结案", "version": complaint.version},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        follow=False,
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "执行“关闭”之前，请先勾选以下检查清单项：将结果告知客户；撰写案例总结。" in body
    assert Complaint.objects.get(pk=complaint.pk).state == State.VERIFIED

    for item in ("told_result", "summary"):
        checklist_tick(complaint=complaint, actor=world.user(Role.DIRECTOR), item=item, done=True)
    response = client.post(
        f"/complaints/{complaint.pk}/moves/close/",
        {"summary": "结案", "version": complaint.version},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).state == State.CLOSED


def test_a_director_above_the_limit_is_told_who_can_approve(client, world):
    complaint = _in(
        world,
        State.AWAITING_APPROVAL,
        compensation_type="cash",
        compensation_amount=Decimal("20000"),
    )
    gm = world.user(Role.GENERAL_MANAGER)
    gm.display_name = "总经理 王总"
    gm.save()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    names = {m["name"] for m in response.context["move_forms"]}
    assert "approve_compensation" not in names and "reject_compensation" not in names
    note = response.content.decode().split('id="approval-note"')[1].split("</div>")[0]
    assert "¥20000.00 的补偿超出您的审批额度" in note
    assert "总经理 王总" in note

    client.force_login(gm)
    response = client.get(f"/complaints/{complaint.pk}/")
    assert "approve_compensation" in {m["name"] for m in response.context["move_forms"]}
    assert 'id="approval-note"' not in response.content.decode()


@pytest.mark.parametrize("role", [Role.DIRECTOR, Role.GENERAL_MANAGER])
def test_the_hand_over_form_offers_only_this_branch_and_the_organisation_wide(client, world, role):
    complaint = world.complaint()
    client.force_login(world.user(role))
    response = client.get(f"/complaints/{complaint.pk}/")
    form = next(m for m in response.context["move_forms"] if m["name"] == "hand_over")
    fields = {f.name: f for f in form["fields"]}
    departments = {value for value, _label in fields["department"].choices}
    people = {value for value, _label in fields["to_user"].choices}
    assert str(world.service.pk) in departments
    elsewhere = Department.objects.get(branch=world.other_branch, code="service")
    assert str(elsewhere.pk) not in departments
    assert str(world.user(Role.HANDLER).pk) in people
    assert not people & {str(u.pk) for u in world.other_users.values()}


def test_the_hand_over_offers_only_roles_that_can_work_a_case(client, world):
    """Handed to a role with no move but passing the case on (the administrator), a complaint
    would sit unworked: such people are not offered, in the complaint's form or in the list's
    bulk hand-over. The group customer centre may hold a case (it takes over and sends back)."""
    workers = CASE_WORKING_ROLES
    complaint = world.complaint()
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/")
    form = next(m for m in response.context["move_forms"] if m["name"] == "hand_over")
    people = next(f for f in form["fields"] if f.name == "to_user").choices
    offered = {world.users[role].pk: role for role in world.users}
    roles = {offered[int(value)] for value, _label in people if int(value) in offered}
    assert roles == workers & set(world.users)
    assert Role.ADMIN not in roles and Role.GROUP in roles

    listed = client.get("/complaints/").context["hand_over_to"]
    assert {u.role for u in listed} <= workers and world.user(Role.HANDLER) in listed
    response = client.post(
        "/complaints/bulk/hand-over/",
        {"ids": [complaint.pk], "to_user": world.user(Role.ADMIN).pk},
    )
    complaint.refresh_from_db()
    assert complaint.owner != world.user(Role.ADMIN)


@pytest.mark.parametrize("required", [True, False])
def test_the_close_summary_is_marked_as_the_organisation_requires_it(client, world, required):
    from kesu.complaints.models import ChecklistRequirement

    if not required:
        ChecklistRequirement.objects.filter(
            organisation=world.org, move="close", item="summary"
        ).delete()
    complaint = _in(world, State.VERIFIED)
    client.force_login(world.user(Role.DIRECTOR))
    response = client.get(f"/complaints/{complaint.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    close = next(m for m in response.context["move_forms"] if m["name"] == "close")
    summary = next(f for f in close["fields"] if f.name == "summary")
    assert summary.required is required
    html = response.content.decode()
    box = re.search(r'<textarea id="close-summary"[^>]*>', html).group(0)
    label = re.search(r'<label for="close-summary">(.*?)</label>', html, re.S).group(1)
    assert ("required" in box) is required
    assert ("选填" in label) is not required


def test_a_too_long_move_text_is_refused_in_kesus_words(client, world):
    complaint = _in(world, State.INVESTIGATING)
    client.force_login(world.user(Role.DIRECTOR))
    limit = TRANSITION_INPUTS["propose_solution"]().fields["solution"].max_length
    response = client.post(
        f"/complaints/{complaint.pk}/moves/propose_solution/",
        {"solution": "换" * (limit + 1), "version": complaint.version},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"请缩短到 {limit} 个字符以内（现有 {limit + 1} 个）。" in body
    assert "确保" not in body and "Ensure" not in body


def test_every_move_form_keeps_a_draft_and_an_accepted_one_is_cleared(client, world):
    complaint = _in(world, State.INVESTIGATING)
    client.force_login(world.user(Role.DIRECTOR))
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    forms = re.findall(r"<form [^>]*>", html)
    # The complaint's own forms that take typed text (a tick of the checklist takes none).
    posting = [
        f
        for f in forms
        if 'method="post"' in f
        and f"/complaints/{complaint.pk}/" in f
        and "checklist" not in f
        and "/remove/" not in f  # a button, nothing typed
    ]
    assert posting and all("data-draft=" in f for f in posting), posting
    assert f'data-draft="move-{complaint.pk}-propose_solution"' in html

    response = client.post(
        f"/complaints/{complaint.pk}/moves/propose_solution/",
        {"solution": "更换刹车片", "version": complaint.version},
        follow=True,
    )
    html = response.content.decode()
    assert f'data-clear-draft="move-{complaint.pk}-propose_solution"' in html
    # Once only: the next page keeps the drafts.
    html = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "data-clear-draft=" not in html


def test_the_escalation_form_offers_only_the_levels_above_the_current_one(world):
    complaint = world.complaint()
    request = _request(world.user(Role.HANDLER))
    levels = [v for f in moves.describe("escalate", request, complaint=complaint)
              if f.name == "level" for v, _label in f.choices]  # fmt: skip
    assert levels == ["1", "2", "3", "4"]  # not "not escalated": the first offered is the next
    Complaint.objects.filter(pk=complaint.pk).update(
        escalation_level=EscalationLevel.CUSTOMER_DIRECTOR
    )
    complaint.refresh_from_db()
    levels = [v for f in moves.describe("escalate", request, complaint=complaint)
              if f.name == "level" for v, _label in f.choices]  # fmt: skip
    assert levels == ["3", "4"]
