"""/api/v1/reports/monthly/: the monthly analysis as JSON, the same figures as the page."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints.choices import Channel, Kind, Severity
from kesu.core.api.fields import MAX_ID
from kesu.core.api.filters import StrictBooleanField
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN
from kesu.reports.access import may_read_reports
from kesu.reports.api.serializers import ReportSerializer
from kesu.reports.cache import report_for
from kesu.reports.periods import period_from
from kesu.reports.selectors import check_scope, scope_from

TAG = "reports"
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
# The years a report may cover (kesu.reports.periods refuses earlier ones).
DAY = {"type": "string", "format": "date", "pattern": "^2[0-9]{3}-"}


def _pattern(pattern: str) -> dict:
    return {"type": "string", "pattern": pattern}


def _choice(choices) -> dict:
    return {"type": "string", "enum": list(choices.values)}


class MonthlyReportView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("The monthly analysis of the complaints received in a period"),
        description=_(
            "One of month, quarter, year or from and to; without any, the last complete month. "
            "The scope parameters are the complaint list's filters of the same names."
        ),
        parameters=[
            OpenApiParameter(
                "month",
                _pattern(r"^2[0-9]{3}-(0[1-9]|1[0-2])$"),
                description=_("YYYY-MM, e.g. 2026-11."),
            ),
            OpenApiParameter(
                "quarter", _pattern(r"^2[0-9]{3}-Q[1-4]$"), description=_("YYYY-Qn, e.g. 2026-Q4.")
            ),
            OpenApiParameter("year", _pattern(r"^2[0-9]{3}$"), description=_("YYYY.")),
            OpenApiParameter("from", DAY, description=_("First day of a range.")),
            OpenApiParameter("to", DAY, description=_("Last day of a range.")),
            OpenApiParameter("branch", ID),
            OpenApiParameter("department", ID),
            OpenApiParameter("category", ID, description=_("And everything under it.")),
            OpenApiParameter("product", {"type": "string", "maxLength": 200}),
            OpenApiParameter("kind", _choice(Kind)),
            OpenApiParameter("channel", _choice(Channel)),
            OpenApiParameter("severity", _choice(Severity)),
            OpenApiParameter(
                "fresh",
                OpenApiTypes.BOOL,
                description=_(
                    "Work the figures out now rather than take those kept for a few minutes."
                ),
            ),
        ],
        responses={200: ReportSerializer, 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def get(self, request):
        if not may_read_reports(request.user):
            raise PermissionDenied(_("Your role does not read the monthly analysis."))
        try:
            period = period_from(request.query_params)
            check_scope(request.user, scope_from(request.query_params))
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"month": exc.messages}
            ) from None
        try:
            # true or false only: `?fresh=2` was read as true.
            fresh = StrictBooleanField(required=False).clean(request.query_params.get("fresh"))
        except DjangoValidationError as exc:
            raise ValidationError({"fresh": exc.messages}) from None
        report = report_for(
            request.user, period, scope_from(request.query_params), request, fresh=bool(fresh)
        )
        return Response(ReportSerializer(report).data)
