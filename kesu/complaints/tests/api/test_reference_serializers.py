"""Small reference shapes: category labels per language, users, branches, the signed-in user."""

from django.test import RequestFactory
from django.utils import translation

from kesu.complaints.api.reference_serializers import (
    CategoryRefSerializer,
    CategorySerializer,
    ComplaintRefSerializer,
    CustomerRefSerializer,
    DepartmentSerializer,
    MeSerializer,
    UserRefSerializer,
    UserSerializer,
    category_label,
)
from kesu.complaints.models import Category
from kesu.core.phones import mask_phone
from kesu.customers.tests.factories import CustomerFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import OrganisationFactory


def _context(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return {"request": request}


def test_a_category_is_labelled_in_english_only_when_english_is_asked_and_known(db):
    org = OrganisationFactory()
    engine = Category(organisation=org, code="engine", name="发动机", name_en="Engine")
    untranslated = Category(organisation=org, code="x", name="其他", name_en="")
    with translation.override("en"):
        assert category_label(engine) == "Engine"
        assert category_label(untranslated) == "其他"
    with translation.override("zh-hans"):
        assert category_label(engine) == "发动机"
    with translation.override(None):
        assert category_label(engine) == "发动机"


def test_category_shapes_carry_the_path_and_the_label(world):
    category = Category.objects.filter(organisation=world.org).exclude(parent=None).first()
    with translation.override("en"):
        ref = CategoryRefSerializer(category).data
        full = CategorySerializer(category).data
    assert ref == {
        "id": category.pk,
        "code": category.code,
        "path": category.path,
        "label": category.name_en or category.name,
    }
    assert full["parent"] == category.parent_id and full["name"] == category.name
    assert full["default_cause_display"] == str(category.get_default_cause_display())


def test_users_are_named_as_they_read(world):
    handler = world.user(Role.HANDLER)
    assert UserRefSerializer(handler).data == {"id": handler.pk, "name": str(handler)}
    with translation.override("en"):
        data = UserSerializer(handler).data
    assert data["role"] == "handler" and data["role_display"] == "Handling manager"
    assert data["branch"] == {
        "id": world.branch.pk,
        "code": world.branch.code,
        "name": world.branch.name,
    }
    assert data["department"]["branch_id"] == world.branch.pk
    assert "password" not in data


def test_a_department_names_its_branch(world):
    data = DepartmentSerializer(world.service).data
    assert data["code"] == "service" and data["branch"]["code"] == "east"


def test_me_says_what_the_user_sees_and_the_language(world):
    with translation.override("zh-hans"):
        group = MeSerializer(world.user(Role.GROUP)).data
    assert group["organisation"] == {
        "id": world.org.pk,
        "code": world.org.code,
        "name": world.org.name,
    }
    assert group["sees_whole_organisation"] is True and group["branch"] is None
    assert group["language"] == "zh-hans"
    handler = MeSerializer(world.user(Role.HANDLER)).data
    assert handler["sees_whole_organisation"] is False
    assert handler["sees_contact_data"] is False
    assert MeSerializer(world.user(Role.FRONTLINE)).data["sees_contact_data"] is True


def test_a_complaints_customer_phone_is_masked_for_who_does_not_call(world):
    customer = CustomerFactory(organisation=world.org, phone="+8613812345678")
    frontline = CustomerRefSerializer(customer, context=_context(world.user(Role.FRONTLINE)))
    handler = CustomerRefSerializer(customer, context=_context(world.user(Role.HANDLER)))
    assert frontline.data["phone"] == "+8613812345678"
    assert handler.data["phone"] == mask_phone("+8613812345678")
    assert handler.data["name"] == customer.name


def test_a_complaint_reference_has_its_number_and_state_label(world):
    complaint = world.complaint(title="异响")
    with translation.override("en"):
        data = ComplaintRefSerializer(complaint).data
    assert data["number"] == complaint.number and data["title"] == "异响"
    assert (data["state"], data["state_display"]) == ("registered", "Registered")
