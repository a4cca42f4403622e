"""/api/v1/complaints/duplicates/: other customers' complaints that may be the same matter."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.complaints import limits
from kesu.complaints.duplicates import possible_duplicates
from kesu.complaints.services import may_register
from kesu.core.api.responses import BAD_REQUEST, FORBIDDEN
from kesu.core.phones import mask_phone

TAG = "complaints"


class DuplicateQuerySerializer(serializers.Serializer):
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=32, help_text=_("The caller's number.")
    )
    vin = serializers.CharField(required=False, allow_blank=True, max_length=17)
    plate = serializers.CharField(required=False, allow_blank=True, max_length=16)
    reference = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text=_("An order's reference.")
    )
    name = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text=_("The caller's name.")
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=limits.TITLE)
    account = serializers.CharField(required=False, allow_blank=True, max_length=limits.ACCOUNT)
    exclude_customer = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=999_999_999_999_999_999,
        help_text=_("The caller's customer id: their own complaints are left out."),
    )


class DuplicateReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["vin", "plate", "reference", "same_person", "key_person", "account"]
    )
    detail = serializers.CharField()
    text = serializers.CharField()


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    customer_name = serializers.CharField()
    customer_phone = serializers.CharField(help_text=_("Masked unless your role sees contacts."))
    url = serializers.CharField(help_text=_("The complaint's page in the workspace."))
    reasons = DuplicateReasonSerializer(many=True)


class DuplicateListView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Possible duplicates of a complaint being registered"),
        description=_(
            "Open complaints (and those closed in the last days) of other customers that you "
            "may see and that share the vehicle (VIN or plate), the order reference, a key "
            "person's phone, or a near-identical summary and account received in the last days."
        ),
        parameters=[DuplicateQuerySerializer],
        responses={200: DuplicateSerializer(many=True), 400: BAD_REQUEST, 403: FORBIDDEN},
    )
    def get(self, request):
        if not may_register(request.user):
            raise PermissionDenied(_("Your role may not register complaints."))
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        user = request.user
        found = possible_duplicates(
            user,
            phone=data.get("phone", ""),
            vin=data.get("vin", ""),
            plate=data.get("plate", ""),
            reference=data.get("reference", ""),
            name=data.get("name", ""),
            title=data.get("title", ""),
            account=data.get("account", ""),
            exclude_customer_id=data.get("exclude_customer"),
        )
        rows = []
        for duplicate in found:
            complaint = duplicate.complaint
            customer = complaint.customer if complaint.customer_id else None
            phone = customer.phone if customer is not None else ""
            rows.append(
                {
                    "id": complaint.pk,
                    "number": complaint.number,
                    "title": complaint.title,
                    "state": complaint.state,
                    "customer_name": customer.name if customer is not None else "",
                    "customer_phone": phone if user.sees_contact_data else mask_phone(phone),
                    "url": reverse("complaints:complaint", args=[complaint.pk]),
                    "reasons": [
                        {"code": code, "detail": detail, "text": text}
                        for (code, detail), text in zip(
                            duplicate.reasons, duplicate.reason_texts, strict=True
                        )
                    ],
                }
            )
        return Response(DuplicateSerializer(rows, many=True).data)
