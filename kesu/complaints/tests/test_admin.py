"""The complaints admin: its pages load for a superuser and show what they customise."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kesu.complaints.models import Category, ChecklistRequirement, RoutingRule, SeverityRule
from kesu.complaints.services import complaint_attach
from kesu.organisation.admin import OrganisationAdmin
from kesu.organisation.choices import Role
from kesu.organisation.models import Organisation

PAGES = ["category", "severityrule", "checklistrequirement", "complaint"]


@pytest.mark.parametrize("model", PAGES)
def test_changelist_and_change_page_load(admin_client, world, model):
    objects = {
        "category": lambda: Category.objects.filter(organisation=world.org).first(),
        "severityrule": lambda: SeverityRule.objects.filter(organisation=world.org).first(),
        "checklistrequirement": lambda: ChecklistRequirement.objects.first(),
        "complaint": world.complaint,
    }
    obj = objects[model]()
    assert admin_client.get(reverse(f"admin:complaints_{model}_changelist")).status_code == 200
    change = admin_client.get(reverse(f"admin:complaints_{model}_change", args=[obj.pk]))
    assert change.status_code == 200


def test_a_categorys_path_is_shown_but_not_editable(admin_client, world):
    category = Category.objects.filter(organisation=world.org).exclude(parent=None).first()
    body = admin_client.get(reverse("admin:complaints_category_change", args=[category.pk]))
    body = body.content.decode()
    assert category.path in body
    assert 'name="path"' not in body
    assert 'name="name"' in body


def test_the_changelists_search_and_filter(admin_client, world):
    complaint = world.complaint(title="找得到的投诉")
    other = world.complaint(title="另一件")
    url = reverse("admin:complaints_complaint_changelist")
    body = admin_client.get(url, {"q": complaint.number}).content.decode()
    assert "找得到的投诉" in body and "另一件" not in body
    # "=number" searches the exact number, not a part of it.
    body = admin_client.get(url, {"q": other.number[:-1]}).content.decode()
    assert "另一件" not in body
    rule = SeverityRule.objects.filter(organisation=world.org).first()
    body = admin_client.get(
        reverse("admin:complaints_severityrule_changelist"), {"q": rule.value}
    ).content.decode()
    assert rule.value in body


def test_complaints_are_read_only_with_their_files_listed(admin_client, world):
    complaint = world.complaint()
    complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile("维修单.txt", "车辆异响记录".encode(), content_type="text/plain"),
    )
    assert admin_client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    delete = reverse("admin:complaints_complaint_delete", args=[complaint.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    body = admin_client.get(
        reverse("admin:complaints_complaint_change", args=[complaint.pk])
    ).content.decode()
    assert "维修单.txt" in body
    # The inline shows the files; it offers neither a new row nor a delete box.
    assert '-DELETE"' not in body
    assert 'name="attachments-0-original_name"' not in body
    assert complaint.attachments.count() == 1


def test_checklist_requirements_are_ordered_by_organisation_move_and_item(admin_client, world):
    body = admin_client.get(
        reverse("admin:complaints_checklistrequirement_changelist")
    ).content.decode()
    rows = list(
        ChecklistRequirement.objects.order_by("organisation", "move", "item").values_list(
            "pk", flat=True
        )
    )
    positions = [body.index(f"/checklistrequirement/{pk}/change/") for pk in rows]
    assert positions == sorted(positions)


def test_the_organisation_admin_offers_one_install_action_per_template(admin_client, world):
    names = [getattr(a, "__name__", a) for a in OrganisationAdmin.actions]
    for template in ("dealership", "telecom", "general"):
        assert names.count(f"install_{template}_template") == 1
    body = admin_client.get(reverse("admin:organisation_organisation_changelist"))
    assert "install_general_template" in body.content.decode()


def test_the_install_action_says_what_it_did(admin_client, db):
    org = Organisation.objects.create(name="手工建的公司二", code="manual2")
    with translation.override("en"):
        response = admin_client.post(
            "/admin/organisation/organisation/",
            {"action": "install_general_template", "_selected_action": [org.pk]},
        )
    assert response.status_code == 302
    assert Category.objects.filter(organisation=org).exists()
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("general service" in t for t in texts), texts


def test_the_admin_action_installs_the_template(admin_client):
    org = Organisation.objects.create(name="手工建的公司", code="manual")
    response = admin_client.post(
        "/admin/organisation/organisation/",
        {"action": "install_telecom_template", "_selected_action": [org.pk]},
    )
    assert response.status_code == 302
    assert Category.objects.filter(organisation=org, name="通信质量").exists()


def test_admin_lists_the_requirements_with_translated_labels(world, admin_client):
    with translation.override("zh-hans"):
        rule = ChecklistRequirement.objects.filter(organisation=world.org, move="close").first()
        assert "关闭" in str(rule)
    response = admin_client.get("/admin/complaints/checklistrequirement/")
    assert response.status_code == 200
    response = admin_client.get("/admin/complaints/checklistrequirement/add/")
    assert response.status_code == 200
    assert "read_back" in response.content.decode()


def test_routing_rules_are_edited_in_the_admin(world, client):
    admin_user = world.user(Role.ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get("/admin/complaints/routingrule/").status_code == 200
    response = client.post(
        "/admin/complaints/routingrule/add/",
        {
            "organisation": world.org.pk,
            "name": "12315 → 销售部",
            "channel": "12315",
            "department_code": "sales",
            "priority": 0,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:1500]
    rule = RoutingRule.objects.get(name="12315 → 销售部")
    assert world.complaint(channel="12315", third_party_reference="GD-1").routed_by == rule


def test_manufacturer_contacts_are_configured_in_the_admin_in_chinese(admin_client, world):
    from kesu.complaints.models import ManufacturerContact

    add = reverse("admin:complaints_manufacturercontact_add")
    with translation.override("zh-hans"):
        page = admin_client.get(add, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "厂家联系人" in page and "职务" in page and "区域" in page
    response = admin_client.post(
        add,
        {
            "organisation": world.org.pk,
            "branch": world.branch.pk,
            "name": "王磊",
            "title": "区域服务经理",
            "region": "华北区",
            "brand": "一汽-大众",
            "phone": "010-65001234",
            "email": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:500]
    contact = ManufacturerContact.objects.get(name="王磊")
    assert contact.branch == world.branch
    changelist = admin_client.get(reverse("admin:complaints_manufacturercontact_changelist"))
    assert "王磊" in changelist.content.decode()


def test_a_complaints_exchanges_with_the_manufacturer_show_on_its_admin_page(admin_client, world):
    from kesu.complaints.services import manufacturer_ask
    from kesu.complaints.tests.factories import ManufacturerContactFactory

    complaint = world.complaint()
    contact = ManufacturerContactFactory(organisation=world.org)
    manufacturer_ask(
        complaint_id=complaint.pk, actor=world.user(Role.DIRECTOR), contact=contact, asked="问题X"
    )
    page = admin_client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert "问题X" in page.content.decode()
