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


def test_the_group_chooses_among_the_departments_of_the_branch_chosen(client, world):
    """Issue 11: registering for a branch, the group sees that branch's departments only —
    none before a branch is chosen, the list swapped in (htmx, out of band) on a change —
    and a department of another branch is refused with a clear error."""
    west_sales = DepartmentFactory(branch=world.other_branch, code="sales", name="西区销售部")
    client.force_login(world.user(Role.GROUP))
    page = client.get("/complaints/new/").content.decode()
    select = page[
        page.index('id="id_department"') : page.index("</select>", page.index('id="id_department"'))
    ]
    assert west_sales.name not in select and world.sales.name not in select
    # The branch changes: the preview answers with that branch's department list.
    for branch, present, absent in (
        (world.other_branch, west_sales.name, world.sales.name),
        (world.branch, world.sales.name, west_sales.name),
    ):
        body = client.post(
            "/complaints/new/route/", {**NEW_CALL, "branch": branch.pk}
        ).content.decode()
        assert 'hx-swap-oob="true"' in body and 'id="id_department"' in body
        assert present in body and absent not in body
    # The preview follows the branch too: a department of another branch is not "chosen".
    body = client.post(
        "/complaints/new/route/",
        {**NEW_CALL, "branch": world.branch.pk, "department": west_sales.pk},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "(chosen here)" not in body
    for language, words in (("en", "belongs to another branch"), ("zh-hans", "属于其他门店")):
        refused = client.post(
            "/complaints/new/",
            {**NEW_CALL, "branch": world.branch.pk, "department": west_sales.pk},
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert refused.status_code == 400
        assert words in str(refused.context["form"].errors["department"])
    assert not Complaint.objects.filter(title=NEW_CALL["title"]).exists()
    # The west branch's own department is accepted for the west branch.
    done = client.post(
        "/complaints/new/",
        {**NEW_CALL, "branch": world.other_branch.pk, "department": west_sales.pk},
    )
    assert done.status_code == 302, done.context["form"].errors if done.context else ""
    assert Complaint.objects.get(title=NEW_CALL["title"]).department == west_sales


def test_branch_staff_keep_their_own_branchs_departments(client, world):
    client.force_login(world.user(Role.FRONTLINE))
    body = client.post("/complaints/new/route/", NEW_CALL).content.decode()
    assert "hx-swap-oob" not in body  # their list does not change
