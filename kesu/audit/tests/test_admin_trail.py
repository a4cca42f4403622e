"""Changes made in /admin/ are in the audit trail (kesu/audit/admin_trail.py), through the real
admin pages over the test client."""

import json
from decimal import Decimal

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from kesu.audit.admin_trail import AuditedAdminMixin, AuditedAdminSite
from kesu.audit.models import AuditEntry
from kesu.audit.services import iter_chain_breaks
from kesu.complaints.models import SeverityRule
from kesu.organisation.choices import Role
from kesu.organisation.models import Branch, CompensationLimit, Organisation, User
from kesu.organisation.tests.factories import BranchFactory


@pytest.fixture
def staff(world, client):
    user = User.objects.create_superuser(
        username="root", password="x-Secret-42", organisation=world.org, role=Role.ADMIN
    )
    client.force_login(user)
    return user


def _entries(action=None, **filters):
    qs = AuditEntry.objects.filter(action__startswith="admin_", **filters).order_by("id")
    return list(qs.filter(action=action) if action else qs)


def form_data(response) -> dict:
    """What the admin page's form (and its inlines) would post unchanged."""
    ctx = response.context
    forms_ = [ctx["adminform"].form]
    for inline in ctx.get("inline_admin_formsets", []):
        forms_ += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_:
        for name, field in form.fields.items():
            key, value = form.add_prefix(name), form[name].value()
            if field.disabled or value is None or isinstance(field, forms.FileField):
                continue  # a browser sends no file for a file field left alone
            if isinstance(field, forms.SplitDateTimeField):
                if value:
                    data[f"{key}_0"], data[f"{key}_1"] = value.date(), value.time()
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            else:
                data[key] = value
    return data


def _change(client, url: str, **changes):
    page = client.get(url)
    assert page.status_code == 200
    data = {**form_data(page), **changes}
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in [response.context["adminform"].form]
    ]
    return data


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_registered_admin_records_its_changes():
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]
    assert unaudited == []
    assert isinstance(admin.site._wrapped, AuditedAdminSite)
    # A model admin registered later gets the mixin too, whatever class it is.
    site = AuditedAdminSite()
    site.register(Group, admin.ModelAdmin)
    assert isinstance(site._registry[Group], AuditedAdminMixin)


def test_adding_changing_and_deleting_a_branch(world, staff, client):
    response = client.post(
        _url(Branch, "add"),
        {
            "organisation": world.org.pk,
            "name": "北城店",
            "code": "north",
            "address": "",
            "phone": "010-1",
            "departments-TOTAL_FORMS": "1",
            "departments-INITIAL_FORMS": "0",
            "departments-0-name": "售后",
            "departments-0-code": "service",
        },
    )
    assert response.status_code == 302
    branch = Branch.objects.get(code="north")
    # The inline's rows are saved before the page's object is logged.
    department, added = _entries("admin_added")
    assert (department.object_type, department.data["changes"]["branch"]) == (
        "organisation.department",
        [None, branch.pk],
    )
    assert (added.object_type, added.object_id, added.actor_id) == (
        "organisation.branch",
        branch.pk,
        staff.pk,
    )
    assert added.organisation_id == world.org.pk
    assert added.data["changes"]["name"] == [None, "北城店"]
    assert added.data["changes"]["phone"] == [None, "010-1"]

    _change(client, _url(Branch, "change", branch.pk), name="北城旗舰店", phone="010-2")
    (changed,) = _entries("admin_changed")
    assert changed.object_id == branch.pk
    assert changed.data["changes"] == {
        "name": ["北城店", "北城旗舰店"],
        "phone": ["010-1", "010-2"],
    }

    spare = BranchFactory(organisation=world.org, code="spare", name="临时店")
    response = client.post(_url(Branch, "delete", spare.pk), {"post": "yes"})
    assert response.status_code == 302 and not Branch.objects.filter(pk=spare.pk).exists()
    (deleted,) = _entries("admin_deleted")
    assert (deleted.object_type, deleted.object_id) == ("organisation.branch", spare.pk)
    assert deleted.data["changes"]["code"] == ["spare", None]
    assert list(iter_chain_breaks()) == []


def test_compensation_limits_through_the_organisation_page(world, staff, client):
    CompensationLimit.objects.filter(organisation=world.org).delete()
    handler = CompensationLimit.objects.create(
        organisation=world.org, role=Role.HANDLER, max_amount=Decimal("2000")
    )
    director = CompensationLimit.objects.create(
        organisation=world.org, role=Role.DIRECTOR, max_amount=Decimal("10000")
    )
    url = _url(Organisation, "change", world.org.pk)
    page = client.get(url)
    data = form_data(page)
    prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model is CompensationLimit
    )
    forms_ = {data[f"{prefix}-{i}-id"]: i for i in range(int(data[f"{prefix}-TOTAL_FORMS"]))}
    new = int(data[f"{prefix}-TOTAL_FORMS"])
    data |= {
        f"{prefix}-{forms_[handler.pk]}-max_amount": "3000.00",
        f"{prefix}-{forms_[director.pk]}-DELETE": "on",
        f"{prefix}-TOTAL_FORMS": str(new + 1),
        f"{prefix}-{new}-organisation": world.org.pk,
        f"{prefix}-{new}-role": Role.GENERAL_MANAGER,
        f"{prefix}-{new}-max_amount": "50000",
    }
    response = client.post(url, data)
    assert response.status_code == 302

    limits = {e.action: e for e in _entries(object_type="organisation.compensationlimit")}
    assert set(limits) == {"admin_added", "admin_changed", "admin_deleted"}
    assert limits["admin_changed"].object_id == handler.pk
    assert limits["admin_changed"].data["changes"] == {"max_amount": ["2000.00", "3000.00"]}
    assert limits["admin_deleted"].object_id == director.pk
    assert limits["admin_deleted"].data["changes"]["max_amount"] == ["10000.00", None]
    gm = CompensationLimit.objects.get(organisation=world.org, role=Role.GENERAL_MANAGER)
    assert limits["admin_added"].object_id == gm.pk
    assert limits["admin_added"].data["changes"]["max_amount"] == [None, "50000.00"]
    assert all(e.organisation_id == world.org.pk for e in limits.values())


def test_a_users_role_and_branch(world, staff, client):
    user = world.user(Role.FRONTLINE)
    _change(
        client,
        _url(User, "change", user.pk),
        role=Role.DIRECTOR,
        branch=world.other_branch.pk,
        department="",
        groups=[str(Group.objects.create(name="审计").pk)],
    )
    (entry,) = _entries("admin_changed")
    assert (entry.object_type, entry.object_id) == ("organisation.user", user.pk)
    changes = entry.data["changes"]
    assert changes["role"] == [Role.FRONTLINE, Role.DIRECTOR]
    assert changes["branch"] == [world.branch.pk, world.other_branch.pk]
    assert changes["department"] == [world.service.pk, None]
    assert changes["groups"][0] == []
    assert "password" not in changes and "secrets_changed" not in entry.data


def test_a_password_change_records_no_hash(world, staff, client):
    user = world.user(Role.HANDLER)
    old_hash = user.password
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password != old_hash
    (entry,) = _entries("admin_changed")
    assert entry.object_id == user.pk
    assert entry.data == {"changes": {}, "secrets_changed": ["password"]}
    text = json.dumps(entry.data)
    assert old_hash not in text and user.password not in text and "N3w" not in text


def test_a_new_user_records_that_a_password_was_set_not_the_hash(world, staff, client):
    response = client.post(
        _url(User, "add"),
        {
            "username": "newbie",
            "password1": "Fresh-pass-77",
            "password2": "Fresh-pass-77",
            "usable_password": "true",
            "role": Role.CALLBACK,
            "organisation": world.org.pk,
            "branch": world.branch.pk,
            "display_name": "新人",
        },
    )
    assert response.status_code == 302
    new = User.objects.get(username="newbie")
    (entry,) = _entries("admin_added", object_type="organisation.user")
    assert entry.object_id == new.pk and entry.data["changes"]["role"] == [None, Role.CALLBACK]
    assert entry.data["secrets_changed"] == ["password"]
    assert new.password not in json.dumps(entry.data)


def test_bulk_delete_records_every_row(world, staff, client):
    rules = [
        SeverityRule.objects.create(
            organisation=world.org, match="keyword", value=v, severity="major", reason_code="x"
        )
        for v in ("起火", "冒烟")
    ]
    response = client.post(
        _url(SeverityRule, "changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in rules], "post": "yes"},
    )
    assert response.status_code == 302
    assert not SeverityRule.objects.filter(pk__in=[r.pk for r in rules]).exists()
    deleted = _entries("admin_deleted")
    assert sorted(e.object_id for e in deleted) == sorted(r.pk for r in rules)
    assert {e.data["changes"]["value"][0] for e in deleted} == {"起火", "冒烟"}


def test_a_custom_action_is_recorded(world, staff, client):
    response = client.post(
        _url(Organisation, "changelist"),
        {"action": "install_general_template", "_selected_action": [world.org.pk]},
    )
    assert response.status_code == 302
    (entry,) = _entries("admin_action")
    assert (entry.object_type, entry.object_id) == ("organisation.organisation", world.org.pk)
    assert entry.data["name"] == "install_general_template"


def test_a_change_of_something_no_organisation_owns_goes_to_the_actors(world, staff, client):
    group = Group.objects.create(name="客服")
    _change(client, _url(Group, "change", group.pk), name="客服中心")
    (entry,) = _entries("admin_changed")
    assert entry.organisation_id == world.org.pk
    assert entry.data["changes"]["name"] == ["客服", "客服中心"]


def test_saving_without_a_change_records_nothing(world, staff, client):
    _change(client, _url(Branch, "change", world.branch.pk))
    assert _entries() == []


def test_the_trail_lists_admin_changes_by_action_and_type(world, staff, client):
    _change(client, _url(Branch, "change", world.branch.pk), name="东城旗舰店")
    response = client.get(
        _url(AuditEntry, "changelist"),
        {"action": "admin_changed", "object_type": "organisation.branch"},
    )
    assert response.status_code == 200
    (row,) = response.context["cl"].result_list
    assert row.action == "admin_changed" and row.object_id == world.branch.pk
    assert response.context["cl"].model_admin.changed_fields(row) == "name"
    detail = client.get(_url(AuditEntry, "change", row.pk))
    assert detail.status_code == 200 and "东城旗舰店" in detail.content.decode()


def test_calendars_and_the_category_tree(world, staff, client):
    from kesu.complaints.models import Category
    from kesu.sla.models import BusinessCalendar, CalendarDay

    other = Organisation.objects.create(name="别的集团", code="other")
    calendar = BusinessCalendar.objects.create(organisation=other, name="默认日历")
    response = client.post(
        _url(CalendarDay, "add"),
        {"calendar": calendar.pk, "date": "2026-10-08", "is_working": "", "name": "国庆节"},
    )
    assert response.status_code == 302
    (day,) = _entries("admin_added", object_type="sla.calendarday")
    # The organisation comes from the object (through its calendar), not from the admin.
    assert day.organisation_id == other.pk
    assert day.data["changes"]["date"] == [None, "2026-10-08"]
    assert day.data["changes"]["is_working"] == [None, False]

    _change(client, _url(BusinessCalendar, "change", calendar.pk), morning_start="08:30")
    (cal,) = _entries("admin_changed", object_type="sla.businesscalendar")
    assert cal.data["changes"]["morning_start"] == ["09:00:00", "08:30:00"]

    category = Category.objects.filter(organisation=world.org).order_by("pk").first()
    _change(client, _url(Category, "change", category.pk), name="新名称")
    (cat,) = _entries("admin_changed", object_type="complaints.category")
    assert cat.object_id == category.pk and cat.organisation_id == world.org.pk
    assert cat.data["changes"] == {"name": [category.name, "新名称"]}
