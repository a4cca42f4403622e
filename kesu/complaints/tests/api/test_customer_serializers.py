"""Customer shapes of the API: contact data masked by role, phones normalised, masks ignored."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from kesu.complaints.api.customer_serializers import (
    CustomerDetailSerializer,
    CustomerSerializer,
    CustomerWriteSerializer,
    KeyPersonSerializer,
    KeyPersonWriteSerializer,
    PurchaseSerializer,
)
from kesu.core.phones import mask_phone
from kesu.customers.models import KeyPerson
from kesu.customers.tests.factories import CustomerFactory, PurchaseFactory
from kesu.organisation.choices import Role
from kesu.organisation.tests.factories import BranchFactory, OrganisationFactory

PHONE = "+8613812345678"


def _context(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    return {"request": request}


@pytest.fixture
def zhang(world):
    return CustomerFactory(
        organisation=world.org,
        branch=world.branch,
        name="张先生",
        phone=PHONE,
        email="zhang@example.com",
        wechat_id="zhang_wx_2024",
        id_number="110101199001011234",
    )


def test_contact_data_is_shown_to_who_calls_customers_and_masked_for_others(world, zhang):
    full = CustomerSerializer(zhang, context=_context(world.user(Role.FRONTLINE))).data
    assert (full["phone"], full["email"]) == (PHONE, "zhang@example.com")
    assert full["id_number"] == "110101199001011234"
    masked = CustomerSerializer(zhang, context=_context(world.user(Role.HANDLER))).data
    assert masked["phone"] == mask_phone(PHONE) != PHONE
    assert masked["email"] != "zhang@example.com" and "@" in masked["email"]
    assert masked["wechat_id"] != "zhang_wx_2024"
    assert masked["id_number"] != "110101199001011234"
    assert masked["name"] == "张先生" and masked["branch"]["id"] == world.branch.pk
    # Without a request nobody is known to see contact data.
    assert CustomerSerializer(zhang).data["phone"] == mask_phone(PHONE)


def test_the_detail_has_the_purchases_key_persons_and_complaints_the_reader_may_see(world, zhang):
    PurchaseFactory(customer=zhang, branch=world.branch, product="朗逸")
    PurchaseFactory(customer=zhang, branch=world.other_branch, product="帕萨特")
    KeyPerson.objects.create(customer=zhang, name="李经理", phone=PHONE)
    mine = world.complaint(customer=zhang)
    world.complaint(actor=world.other_users[Role.FRONTLINE], customer=zhang)
    data = CustomerDetailSerializer(zhang, context=_context(world.user(Role.DIRECTOR))).data
    assert [p["product"] for p in data["purchases"]] == ["朗逸"]
    assert [k["name"] for k in data["key_persons"]] == ["李经理"]
    assert [c["id"] for c in data["recent_complaints"]] == [mine.pk]
    assert data["recent_complaints"][0]["number"] == mine.number
    handler = CustomerDetailSerializer(zhang, context=_context(world.user(Role.HANDLER))).data
    assert handler["key_persons"][0]["phone"] == mask_phone(PHONE)


def test_a_customer_is_written_with_the_phone_normalised(world):
    write = CustomerWriteSerializer(
        data={"name": "王女士", "phone": "138 1234 5678"},
        context=_context(world.user(Role.FRONTLINE)),
    )
    assert write.is_valid(), write.errors
    assert write.validated_data["phone"] == PHONE


def test_every_refusal_comes_back_at_once(world):
    write = CustomerWriteSerializer(
        data={"name": "", "phone": "12", "tier": "platinum-plus", "colour": "red"},
        context=_context(world.user(Role.FRONTLINE)),
    )
    assert not write.is_valid()
    assert set(write.errors) == {"colour"}  # unknown fields first, as StrictInputMixin says
    write = CustomerWriteSerializer(
        data={"name": "", "phone": "12", "tier": "platinum-plus"},
        context=_context(world.user(Role.FRONTLINE)),
    )
    assert not write.is_valid()
    assert {"name", "phone", "tier"} <= set(write.errors)


def test_a_masked_value_sent_back_changes_nothing(world, zhang):
    handler = _context(world.user(Role.HANDLER))
    shown = CustomerSerializer(zhang, context=handler).data
    write = CustomerWriteSerializer(
        zhang,
        data={"phone": shown["phone"], "email": shown["email"], "notes": "已回访"},
        partial=True,
        context=handler,
    )
    assert write.is_valid(), write.errors
    assert write.validated_data.get("phone", PHONE) == PHONE
    assert "email" not in write.validated_data
    assert write.validated_data["notes"] == "已回访"


def test_a_user_who_sees_contact_data_may_type_what_looks_like_a_mask(world, zhang):
    frontline = _context(world.user(Role.FRONTLINE))
    masked_email = CustomerSerializer(zhang).data["email"]
    write = CustomerWriteSerializer(
        zhang, data={"email": masked_email}, partial=True, context=frontline
    )
    assert write.is_valid(), write.errors
    assert write.validated_data["email"] == masked_email  # a real change for this user


def test_a_key_person_phone_is_optional_and_normalised():
    blank = KeyPersonWriteSerializer(data={"name": "李经理", "phone": "  "})
    assert blank.is_valid(), blank.errors
    assert blank.validated_data["phone"] == ""
    typed = KeyPersonWriteSerializer(data={"name": "李经理", "phone": "+86 138-1234-5678"})
    assert typed.is_valid(), typed.errors
    assert typed.validated_data["phone"] == PHONE
    assert not KeyPersonWriteSerializer(data={"name": "李经理", "phone": "abc"}).is_valid()


def test_key_persons_read_masked_without_a_request(world, zhang):
    person = KeyPerson.objects.create(customer=zhang, name="李经理", phone=PHONE)
    assert KeyPersonSerializer(person).data["phone"] == mask_phone(PHONE)


def test_a_purchase_is_at_a_visible_branch_with_no_negative_amount(world, zhang):
    stranger = BranchFactory(organisation=OrganisationFactory())
    context = _context(world.user(Role.FRONTLINE))
    ok = PurchaseSerializer(
        data={"kind": "vehicle", "product": "朗逸", "branch": world.branch.pk}, context=context
    )
    assert ok.is_valid(), ok.errors
    with translation.override("en"):
        elsewhere = PurchaseSerializer(
            data={"kind": "vehicle", "product": "朗逸", "branch": stranger.pk},
            context=context,
        )
        assert not elsewhere.is_valid() and "branch" in elsewhere.errors
    negative = PurchaseSerializer(
        data={"kind": "vehicle", "product": "朗逸", "amount": "-1"}, context=context
    )
    assert not negative.is_valid() and "amount" in negative.errors
    assert not PurchaseSerializer(data={"kind": "vehicle", "id": 5}, context=context).is_valid()
