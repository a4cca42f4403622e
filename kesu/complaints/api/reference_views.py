"""Reference data for forms and filters: categories, branches, departments, colleagues."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from kesu.complaints.api.filters import DepartmentFilter, UserFilter
from kesu.complaints.api.reference_serializers import (
    BranchSerializer,
    CategorySerializer,
    DepartmentSerializer,
    UserSerializer,
)
from kesu.complaints.selectors import categories_visible_to
from kesu.core.api.pagination import ByUsernamePagination
from kesu.organisation.selectors import (
    branches_visible_to,
    departments_visible_to,
    users_for_picker,
)

TAG = "reference"


@extend_schema_view(
    get=extend_schema(
        tags=[TAG], summary=_("The category tree, in path order (parents before children)")
    )
)
class CategoryListView(generics.ListAPIView):
    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return categories_visible_to(self.request.user)


@extend_schema_view(get=extend_schema(tags=[TAG], summary=_("Branches of your organisation")))
class BranchListView(generics.ListAPIView):
    serializer_class = BranchSerializer
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        return branches_visible_to(self.request.user)


@extend_schema_view(
    get=extend_schema(tags=[TAG], summary=_("Departments of your organisation's branches"))
)
class DepartmentListView(generics.ListAPIView):
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter
    pagination_class = None

    def get_queryset(self):
        return departments_visible_to(self.request.user)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Colleagues a complaint can be handed to"),
        description=_("Your branch and the organisation-wide roles; everyone for group users."),
    )
)
class UserListView(generics.ListAPIView):
    serializer_class = UserSerializer
    filterset_class = UserFilter
    pagination_class = ByUsernamePagination

    def get_queryset(self):
        return users_for_picker(self.request.user)
