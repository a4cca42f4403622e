"""Intake shows where a complaint will go and lets staff send it elsewhere (issue 11, routing)."""

from kesu.complaints.models import Category, Complaint, RoutingRule
from kesu.complaints.queues import waiting_for_me
from kesu.complaints.tests.pages.helpers import NEW_CALL
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import DepartmentFactory, UserFactory


def _sales_manager(world):
    return UserFactory(
        organisation=world.org,
        branch=world.branch,
        department=world.sales,
        role=Role.HANDLER,
        username="sales-director",
        display_name="销售经理王",
    )


def _sales_label(world) -> str:
    return Category.objects.get(organisation=world.org, code="sales").name


def test_the_preview_names_the_department_its_rule_and_who_sees_it(client, world):
    _sales_manager(world)
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "category": _sales_label(world)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert world.sales.name in body
    assert "销售事项 → 销售部" in body  # the rule's name
    assert "销售经理王" in body
    body = client.get(
        "/complaints/new/route/", {"category": "no such"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert world.service.name in body  # the registering user's own department
    assert "没有匹配的分派规则" in body


def test_a_sales_complaint_waits_for_the_sales_manager_at_once(client, world):
    manager = _sales_manager(world)
    client.force_login(world.user(Role.FRONTLINE))
    response = client.post("/complaints/new/", {**NEW_CALL, "category": _sales_label(world)})
    assert response.status_code == 302
    complaint = Complaint.objects.get(title=NEW_CALL["title"])
    assert complaint.department == world.sales and complaint.routed_by is not None
    assert complaint in waiting_for_me(manager)


def test_staff_may_choose_another_department_of_their_branch_only(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    page = client.get("/complaints/new/").content.decode()
    assert 'name="department"' in page and world.sales.name in page
    elsewhere = DepartmentFactory(branch=world.other_branch, code="sales", name="西区销售部")
    assert elsewhere.name not in page
    refused = client.post(
        "/complaints/new/", {**NEW_CALL, "department": elsewhere.pk}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 400
    assert "选择一个有效的选项" in refused.content.decode()
    assert NEW_CALL["account"] in refused.content.decode()  # nothing typed is lost
    client.post("/complaints/new/", {**NEW_CALL, "department": world.sales.pk})
    complaint = Complaint.objects.get(title=NEW_CALL["title"])
    assert complaint.department == world.sales and complaint.routed_by is None
    preview = client.post("/complaints/new/route/", {**NEW_CALL, "department": world.sales.pk})
    assert world.sales.name in preview.content.decode()


def test_the_group_previews_for_the_branch_it_chose(client, world):
    client.force_login(world.user(Role.GROUP))
    body = client.post("/complaints/new/route/", NEW_CALL, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose the branch first." in body.content.decode()
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "branch": world.other_branch.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Choose the branch first." not in body


def test_roles_that_may_not_register_get_no_preview(client, world):
    client.force_login(world.user(Role.ADMIN))
    assert client.get("/complaints/new/route/").status_code == 404


def test_a_rule_naming_a_person_shows_who_handles_it_and_it_waits_in_their_queue(client, world):
    manager = _sales_manager(world)
    RoutingRule.objects.create(
        organisation=world.org, name="销售 → 王", category=Category.objects.get(
            organisation=world.org, code="sales"), owner=manager, priority=10,
    )  # fmt: skip
    client.force_login(world.user(Role.FRONTLINE))
    for language, label in (("zh-hans", "处理人："), ("en", "Handled by:")):
        body = client.post(
            "/complaints/new/route/",
            {**NEW_CALL, "category": _sales_label(world)},
            HTTP_ACCEPT_LANGUAGE=language,
        ).content.decode()
        assert label in body and "销售经理王" in body, language
    client.post("/complaints/new/", {**NEW_CALL, "category": _sales_label(world)})
    complaint = Complaint.objects.get(title=NEW_CALL["title"])
    assert complaint.owner == manager
    assert complaint in waiting_for_me(manager)


def test_a_department_nobody_manages_previews_the_director_who_gets_it(client, world):
    DepartmentFactory(branch=world.branch, code="value_added", name="增值业务部")
    insurance = Category.objects.get(organisation=world.org, code="value_added.insurance")
    director = world.user(Role.DIRECTOR)
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "category": f"{insurance.parent.name} › {insurance.name}"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "增值业务部" in body
    assert str(director) in body and "该部门还没有处理投诉的人员；" in body
    assert "该部门还没有处理投诉的人员。" not in body


def test_a_rule_naming_a_person_never_says_nobody_handles_it(client, world):
    director = world.user(Role.DIRECTOR)
    RoutingRule.objects.create(
        organisation=world.org, name="销售 → 总监", category=Category.objects.get(
            organisation=world.org, code="sales"), owner=director, priority=10,
    )  # fmt: skip
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "category": _sales_label(world)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()
    assert "处理人：" in body and str(director) in body
    assert "该部门还没有处理投诉的人员。" not in body


def test_english_pages_name_the_routing_rule_in_english(client, world):
    _sales_manager(world)
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "category": _sales_label(world)},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Sales matters → Sales" in body and "销售事项 → 销售部" not in body
    rule = RoutingRule.objects.get(organisation=world.org, name="销售事项 → 销售部")
    rule.name_en = ""
    rule.save()
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "category": _sales_label(world)},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "销售事项 → 销售部" in body  # no English name: the Chinese one
