"""The API: /api/v1/… for data, /api/schema/, /api/docs/ and /api/redoc/ for its description.

Object ids in paths are 1–18 digits (they fit a bigint); anything else under /api/v1/ that
matches no route gets the JSON 404 of every other API error, and so does any /api/ address
without its trailing slash (with a hint to add it), instead of Django's slash redirect.
"""

from django.urls import Resolver404, include, path, re_path, register_converter, resolve
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from kesu.api.auth import MeView, TokenView
from kesu.complaints.api import customer_views as customers
from kesu.complaints.api import duplicate_views as duplicates
from kesu.complaints.api import manufacturer_views as manufacturer
from kesu.complaints.api import reference_views as reference
from kesu.complaints.api import team_views as team
from kesu.complaints.api import triage_views as triage
from kesu.complaints.api import views as complaints
from kesu.core.api.responses import NoAllowHeaderMixin
from kesu.lessons.api import views as lessons
from kesu.reports.api import views as reports


class ObjectIdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(ObjectIdConverter, "kesu_id")


@extend_schema(exclude=True)
class NotFoundView(NoAllowHeaderMixin, APIView):
    """An address under /api/v1/ that matches no route: the JSON 404 for every method.

    Raised in `initial`, after authentication but before DRF picks a handler, so OPTIONS
    (which DRF would answer 200 with the view's metadata), HEAD and the rest get it too.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()


@extend_schema(exclude=True)
class MissingSlashView(NoAllowHeaderMixin, APIView):
    """An API address without its trailing slash: a JSON 404 that says so, for every method.

    Django's APPEND_SLASH would answer 301 to the slashed address, an HTML page that drops the
    body of a POST or PATCH; API clients get the error shape and the address to use instead.
    """

    authentication_classes: list = []
    permission_classes: list = []

    def initial(self, request, *args, **kwargs):
        # Before DRF picks a handler, so every method (OPTIONS and HEAD too) gets the 404.
        super().initial(request, *args, **kwargs)
        raise NotFound(self.hint(request))

    @staticmethod
    def hint(request) -> str:
        slashed = f"{request.path}/"
        try:
            match = resolve(f"{request.path_info}/")
        except Resolver404:
            match = None
        if match is None or match.url_name in {"not-found", "missing-slash"}:
            return _("Not found.")
        return _("API addresses end with a slash: use %(address)s") % {"address": slashed}


C = "v1/complaints/<kesu_id:pk>/"
v1 = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/complaints/", complaints.ComplaintListView.as_view(), name="complaint-list"),
    path(
        "v1/complaints/duplicates/",
        duplicates.DuplicateListView.as_view(),
        name="complaint-duplicates",
    ),
    path(C, complaints.ComplaintDetailView.as_view(), name="complaint-detail"),
    path(f"{C}transitions/", complaints.TransitionListView.as_view(), name="complaint-transitions"),
    *[
        path(f"{C}transitions/{name}/", view.as_view(), name=f"complaint-transition-{name}")
        for name, view in complaints.TRANSITION_VIEWS.items()
    ],
    path(
        f"{C}transitions/<str:name>/",
        complaints.UnknownTransitionView.as_view(),
        name="complaint-transition-unknown",
    ),
    path(f"{C}timeline/", complaints.TimelineView.as_view(), name="complaint-timeline"),
    path(f"{C}notes/", complaints.NoteView.as_view(), name="complaint-notes"),
    path(f"{C}attachments/", complaints.AttachmentListView.as_view(), name="complaint-attachments"),
    path(
        f"{C}attachments/<kesu_id:attachment_pk>/download/",
        complaints.AttachmentDownloadView.as_view(),
        name="complaint-attachment-download",
    ),
    path(
        f"{C}manufacturer/",
        manufacturer.ExchangeListView.as_view(),
        name="complaint-manufacturer-exchanges",
    ),
    path(
        f"{C}manufacturer/<kesu_id:exchange_pk>/answer/",
        manufacturer.ExchangeAnswerView.as_view(),
        name="complaint-manufacturer-answer",
    ),
    path(
        f"{C}manufacturer/feedback/",
        manufacturer.FeedbackView.as_view(),
        name="complaint-manufacturer-feedback",
    ),
    path(f"{C}team/", team.TeamView.as_view(), name="complaint-team"),
    path(
        f"{C}team/<kesu_id:user_pk>/", team.TeamMemberView.as_view(), name="complaint-team-member"
    ),
    path("v1/triage/", triage.TriageView.as_view(), name="triage"),
    path("v1/customers/", customers.CustomerListView.as_view(), name="customer-list"),
    path(
        "v1/customers/<kesu_id:pk>/", customers.CustomerDetailView.as_view(), name="customer-detail"
    ),
    path(
        "v1/customers/<kesu_id:pk>/purchases/",
        customers.PurchaseListView.as_view(),
        name="customer-purchases",
    ),
    path(
        "v1/customers/<kesu_id:pk>/key-persons/",
        customers.KeyPersonListView.as_view(),
        name="customer-key-persons",
    ),
    path("v1/categories/", reference.CategoryListView.as_view(), name="category-list"),
    path("v1/branches/", reference.BranchListView.as_view(), name="branch-list"),
    path("v1/departments/", reference.DepartmentListView.as_view(), name="department-list"),
    path("v1/users/", reference.UserListView.as_view(), name="user-list"),
    path(
        "v1/manufacturer-contacts/",
        manufacturer.ManufacturerContactListView.as_view(),
        name="manufacturer-contact-list",
    ),
    path("v1/inbox/", include("kesu.notifications.api.urls")),
    path("v1/callbacks/", include("kesu.callbacks.api.urls")),
    path("v1/improvements/", include("kesu.improvements.api.urls")),
    path("v1/crises/", include("kesu.crises.api.urls")),
    path("v1/emerging-issues/", include("kesu.emerging.api.urls")),
    path("v1/reports/monthly/", reports.MonthlyReportView.as_view(), name="report-monthly"),
    path("v1/lessons/", lessons.LessonListView.as_view(), name="lesson-list"),
    path("v1/", include("kesu.integrations.api.urls")),
    # Last: unknown paths and malformed ids (…/complaints/abc/) are a JSON 404.
    re_path(r"^v1/(?:.*/)?$", NotFoundView.as_view(), name="not-found"),
    # Any /api/ address without its trailing slash (…/complaints, schema, docs): a JSON 404
    # that names the address to use, not APPEND_SLASH's redirect (which loses a POST's body).
    re_path(r"^.*[^/]$", MissingSlashView.as_view(), name="missing-slash"),
]

urlpatterns = [
    path("", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
