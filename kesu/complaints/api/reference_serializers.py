"""Small shapes for things other objects point at: users, branches, departments, categories."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kesu.complaints.models import Category
from kesu.complaints.selectors import branches_in_view
from kesu.core.api.fields import masked_phone
from kesu.organisation.models import Branch, Department, User


def category_label(category: Category) -> str:
    """The category's name in the request's language (Chinese unless English is asked for)."""
    return category.label


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return str(user)


class BranchRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name"]


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "branch_id"]


class CategoryRefSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = ["id", "code", "path", "label"]

    def get_label(self, category: Category) -> str:
        return category_label(category)


class CategorySerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    default_cause_display = serializers.CharField(source="get_default_cause_display")

    class Meta:
        model = Category
        fields = [
            "id",
            "code",
            "path",
            "name",
            "name_en",
            "label",
            "parent",
            "default_cause",
            "default_cause_display",
            "is_active",
            "sort_order",
        ]
        read_only_fields = fields

    def get_label(self, category: Category) -> str:
        return category_label(category)


class BranchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name", "address", "phone"]
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer):
    branch = BranchRefSerializer(read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "branch"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display")
    branch = BranchRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "role_display", "branch", "department"]
        read_only_fields = fields

    def get_name(self, user: User) -> str:
        return str(user)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class MeSerializer(UserSerializer):
    """Who the caller is. For an integration's token: its service user (an organisation-wide
    role) narrowed to the token's branches (User.acting_branch_ids), which
    `sees_whole_organisation` and `visible_branches` say."""

    organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    sees_contact_data = serializers.BooleanField(read_only=True)
    sees_whole_organisation = serializers.SerializerMethodField(
        help_text=_(
            "True when you see the complaints of every branch of the organisation; false for "
            "staff of one branch or department and for an integration's token limited to some "
            "branches."
        )
    )
    visible_branches = serializers.SerializerMethodField(
        help_text=_(
            "The branches whose complaints you may see: every branch of the organisation, your "
            "own branch, or the branches an integration's token may act in."
        )
    )
    language = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [
            *UserSerializer.Meta.fields,
            "email",
            "organisation",
            "sees_contact_data",
            "sees_whole_organisation",
            "visible_branches",
            "language",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_sees_whole_organisation(self, user: User) -> bool:
        return user.sees_whole_organisation and getattr(user, "acting_branch_ids", None) is None

    @extend_schema_field(BranchRefSerializer(many=True))
    def get_visible_branches(self, user: User) -> list:
        return BranchRefSerializer(branches_in_view(user), many=True).data

    @extend_schema_field(OpenApiTypes.STR)
    def get_language(self, user: User) -> str:
        return get_language() or ""


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)


class CustomerRefSerializer(serializers.Serializer):
    """Who a complaint is from; the phone is masked for roles that do not call customers."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    phone = masked_phone()
    is_company = serializers.BooleanField(read_only=True)


class ComplaintRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
