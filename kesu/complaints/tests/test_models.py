"""The complaint models' own behaviour: category paths, names shown, where files are kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils import translation

from kesu.complaints.choices import Channel, Severity
from kesu.complaints.models import (
    Attachment,
    Category,
    ChecklistRequirement,
    ComplaintCounter,
    IdempotencyKey,
    SeverityRule,
    attachment_path,
)
from kesu.complaints.services import complaint_attach
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory


@pytest.fixture
def org(db):
    return OrganisationFactory()


def test_a_category_path_is_the_codes_from_the_root(org):
    root = Category.objects.create(organisation=org, code="quality", name="产品质量")
    engine = Category.objects.create(organisation=org, parent=root, code="engine", name="发动机")
    leak = Category.objects.create(organisation=org, parent=engine, code="leak", name="漏油")
    assert (root.path, engine.path, leak.path) == (
        "quality",
        "quality/engine",
        "quality/engine/leak",
    )
    assert str(engine) == "发动机"
    # Moving a leaf to the top recomputes its own path on save.
    leak.parent = None
    leak.save()
    assert Category.objects.get(pk=leak.pk).path == "leak"


def test_categories_are_listed_in_path_order_and_codes_are_unique_per_organisation(org):
    b = Category.objects.create(organisation=org, code="b", name="乙")
    Category.objects.create(organisation=org, code="a", name="甲")
    Category.objects.create(organisation=org, parent=b, code="a1", name="乙一")
    assert [c.path for c in Category.objects.filter(organisation=org)] == ["a", "b", "b/a1"]
    Category.objects.create(organisation=OrganisationFactory(), code="a", name="别家")
    with pytest.raises(IntegrityError):
        Category.objects.create(organisation=org, code="a", name="重复")


def test_renaming_a_parent_moves_its_children_along(org):
    root = Category.objects.create(organisation=org, code="quality", name="产品质量")
    engine = Category.objects.create(organisation=org, parent=root, code="engine", name="发动机")
    tyres = Category.objects.create(organisation=org, parent=engine, code="tyres", name="轮胎")
    root.code = "product"
    root.save()
    assert Category.objects.get(pk=engine.pk).path == "product/engine"
    assert Category.objects.get(pk=tyres.pk).path == "product/engine/tyres"


def test_a_severity_rule_reads_as_staff_say_it(org):
    rule = SeverityRule(
        organisation=org,
        match=SeverityRule.Match.CHANNEL,
        value=Channel.HOTLINE_12315,
        severity=Severity.MAJOR,
    )
    assert rule.value_display() == str(Channel.HOTLINE_12315.label)
    unknown = SeverityRule(match=SeverityRule.Match.CHANNEL, value="pigeon", severity="minor")
    assert unknown.value_display() == "pigeon"  # a value that is no channel stays as typed
    with translation.override("en"):
        assert str(rule) == "Channel is 12315 hotline → Major"


def test_a_checklist_requirement_names_its_move_and_item(org):
    requirement = ChecklistRequirement(organisation=org, move="close", item="summary")
    with translation.override("en"):
        assert str(requirement) == (
            f"{requirement.get_move_display()}: {requirement.get_item_display()}"
        )
        assert str(requirement).startswith("Close: ")
    ChecklistRequirement.objects.create(organisation=org, move="close", item="summary")
    with pytest.raises(IntegrityError):
        ChecklistRequirement.objects.create(organisation=org, move="close", item="summary")


def test_one_counter_per_organisation_and_year(org):
    counter = ComplaintCounter.objects.create(organisation=org, year=2026, last_value=41)
    assert str(counter) == f"{org.pk}/2026: 41"
    ComplaintCounter.objects.create(organisation=org, year=2027)
    with pytest.raises(IntegrityError):
        ComplaintCounter.objects.create(organisation=org, year=2026)


def test_a_complaint_reads_as_its_number_and_title(world):
    complaint = world.complaint(title="空调不制冷")
    assert str(complaint) == f"{complaint.number} 空调不制冷"


def test_files_are_kept_under_the_organisation_and_the_complaint_number(world):
    complaint = world.complaint()
    attachment = Attachment(complaint=complaint, original_name="维修单.pdf")
    expected = f"complaints/{world.org.pk}/{complaint.number}/x.pdf"
    assert attachment_path(attachment, "x.pdf") == expected
    stored = complaint_attach(
        complaint_id=complaint.pk,
        actor=world.user(Role.FRONTLINE),
        upload=SimpleUploadedFile("维修单.txt", "记录".encode(), content_type="text/plain"),
    )
    assert stored.file.name.startswith(f"complaints/{world.org.pk}/{complaint.number}/")
    assert str(stored) == "维修单.txt"


def test_an_idempotency_key_is_unique_per_user(world):
    complaint = world.complaint()
    user = world.user(Role.FRONTLINE)
    key = IdempotencyKey.objects.create(user=user, key="k-1", complaint=complaint)
    assert str(key) == "k-1"
    IdempotencyKey.objects.create(user=world.user(Role.HANDLER), key="k-1", complaint=complaint)
    with pytest.raises(IntegrityError):
        IdempotencyKey.objects.create(user=user, key="k-1", complaint=complaint)


def test_in_subtree_takes_a_node_and_what_is_under_it_not_a_namesake():
    from kesu.complaints.models import in_subtree

    assert in_subtree("sales", "sales")
    assert in_subtree("sales/sales.promise", "sales")
    assert not in_subtree("salesforce", "sales")
    assert not in_subtree("", "sales")


def test_a_manufacturer_contact_reads_as_staff_name_it_and_can_be_reached(world):
    from django.core.exceptions import ValidationError

    from kesu.complaints.tests.factories import ManufacturerContactFactory

    contact = ManufacturerContactFactory.build(
        organisation=world.org, name="王磊", title="区域服务经理", region="华北区", brand=""
    )
    assert str(contact) == "王磊 (区域服务经理 · 华北区)"
    contact.full_clean()
    contact.phone = contact.email = ""
    with pytest.raises(ValidationError) as exc:
        contact.full_clean()
    assert "phone" in exc.value.error_dict
    elsewhere = ManufacturerContactFactory.build(
        organisation=OrganisationFactory(), branch=world.branch
    )
    with pytest.raises(ValidationError) as exc:
        elsewhere.full_clean()
    assert "branch" in exc.value.error_dict
    assert (
        str(ManufacturerContactFactory.build(name="李娜", title="", region="", brand="")) == "李娜"
    )


def test_a_category_reads_in_the_active_language(org):
    from django.utils import translation

    from kesu.complaints.models import Category

    named = Category.objects.create(organisation=org, code="x1", name="发动机", name_en="Engine")
    chinese_only = Category.objects.create(organisation=org, code="x2", name="车身")
    with translation.override("en"):
        assert (str(named), str(chinese_only)) == ("Engine", "车身")
    with translation.override("zh-hans"):
        assert str(named) == "发动机"
