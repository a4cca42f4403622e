"""Customer shapes. Contact data (phone, e-mail, WeChat, ID number) is masked on output for
roles that do not talk to customers."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.complaints.api.reference_serializers import BranchRefSerializer, ComplaintRefSerializer
from kesu.complaints.selectors import customer_recent_complaints
from kesu.core.api.fields import (
    ScopedPrimaryKeyRelatedField,
    StrictInputMixin,
    mask_email,
    masked_email,
    masked_phone,
    masked_text,
    request_user,
    sees_contact_data,
)
from kesu.core.phones import mask_phone, mask_text, normalise_phone
from kesu.customers.models import Customer, KeyPerson, Purchase
from kesu.customers.selectors import customer_purchases
from kesu.customers.services import CUSTOMER_FIELDS, PURCHASE_FIELDS
from kesu.organisation.models import Branch, User
from kesu.organisation.selectors import branches_visible_to

PHONE_INPUT_LENGTH = 40  # As typed: spaces, dashes, +86 …; stored normalised (E.164).


def _normalised_phone(value: str) -> str:
    """Checked here so every field's error comes back at once; the service normalises too."""
    try:
        return normalise_phone(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


def _display(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


def _branch_field(**kwargs):
    return ScopedPrimaryKeyRelatedField(
        scope=branches_visible_to, queryset=Branch.objects.all(), **kwargs
    )


class KeyPersonSerializer(serializers.ModelSerializer):
    phone = masked_phone()
    email = masked_email()

    class Meta:
        model = KeyPerson
        fields = ["id", "name", "title", "phone", "email", "birthday"]
        read_only_fields = fields


class KeyPersonWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    phone = serializers.CharField(max_length=PHONE_INPUT_LENGTH, required=False, allow_blank=True)

    class Meta:
        model = KeyPerson
        fields = ["name", "title", "phone", "email", "birthday"]

    def validate_phone(self, value: str) -> str:
        return _normalised_phone(value) if value.strip() else ""


def _colleagues(user):
    """Whom a purchase's sales advisor may be looked up among (the service checks the rest)."""
    return User.objects.filter(organisation_id=user.organisation_id)


class PurchaseSerializer(StrictInputMixin, serializers.ModelSerializer):
    kind_display = _display("kind")
    branch = _branch_field(required=False, allow_null=True)
    sales_advisor = ScopedPrimaryKeyRelatedField(
        scope=_colleagues, queryset=User.objects.all(), required=False, allow_null=True
    )
    sales_advisor_name = serializers.SerializerMethodField()

    class Meta:
        model = Purchase
        # What the customer service writes (customers.services), with the display and stamps.
        fields = ["id", *PURCHASE_FIELDS, "sales_advisor_name", "kind_display", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"amount": {"min_value": 0}}

    def get_sales_advisor_name(self, purchase: Purchase) -> str:
        return str(purchase.sales_advisor) if purchase.sales_advisor_id else ""


class CustomerSerializer(serializers.ModelSerializer):
    phone = masked_phone()
    email = masked_email()
    wechat_id = masked_text()
    id_number = masked_text()
    tier_display = _display("tier")
    personality_type_display = _display("personality_type")
    branch = BranchRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            *CUSTOMER_FIELDS,
            "tier_display",
            "personality_type_display",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerDetailSerializer(CustomerSerializer):
    purchases = serializers.SerializerMethodField()
    key_persons = serializers.SerializerMethodField()
    recent_complaints = serializers.SerializerMethodField()

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "purchases", "key_persons", "recent_complaints"]
        read_only_fields = fields

    @extend_schema_field(PurchaseSerializer(many=True))
    def get_purchases(self, customer: Customer):
        purchases = customer_purchases(request_user(self.context), customer)
        return PurchaseSerializer(purchases, many=True, context=self.context).data

    @extend_schema_field(KeyPersonSerializer(many=True))
    def get_key_persons(self, customer: Customer):
        people = customer.key_persons.order_by("id")
        return KeyPersonSerializer(people, many=True, context=self.context).data

    @extend_schema_field(ComplaintRefSerializer(many=True))
    def get_recent_complaints(self, customer: Customer):
        complaints = customer_recent_complaints(request_user(self.context), customer.pk)
        return ComplaintRefSerializer(complaints, many=True).data


# What a user who sees masked contact data would send back unchanged.
_MASKS = {
    "phone": mask_phone,
    "email": mask_email,
    "wechat_id": mask_text,
    "id_number": mask_text,
}


class CustomerWriteSerializer(StrictInputMixin, serializers.ModelSerializer):
    phone = serializers.CharField(
        max_length=PHONE_INPUT_LENGTH,
        help_text=_("As typed, e.g. 138 1234 5678 or +86 138 1234 5678; stored normalised."),
    )
    branch = _branch_field(required=False, allow_null=True)

    class Meta:
        model = Customer
        fields = CUSTOMER_FIELDS

    def validate_phone(self, value: str) -> str:
        if self._echoes_mask("phone", value):
            return self.instance.phone
        return _normalised_phone(value)

    def _echoes_mask(self, name: str, value) -> bool:
        if self.instance is None or sees_contact_data(self.context):
            return False
        current = getattr(self.instance, name) or ""
        return value != current and value == _MASKS[name](current)

    def validate(self, attrs):
        # A masked value echoed back by a form is "unchanged", never a new value.
        for name in _MASKS:
            if name in attrs and self._echoes_mask(name, attrs[name]):
                del attrs[name]
        return attrs
