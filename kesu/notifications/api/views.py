"""The inbox API: a signed-in user's own notifications, rendered in the request's language."""

import django_filters.rest_framework as filters
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kesu.core.api.filters import StrictBooleanFilter
from kesu.core.api.pagination import KesuCursorPagination
from kesu.core.api.responses import BAD_REQUEST, NOT_FOUND
from kesu.notifications import selectors, services
from kesu.notifications.models import Notification
from kesu.notifications.rendering import render

TAG = "inbox"


class InboxItemSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    complaint_id = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "subject",
            "body",
            "complaint_id",
            "payload",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def _message(self, obj):
        cache = self.context.setdefault("_messages", {})
        if obj.pk not in cache:
            cache[obj.pk] = render(obj.kind, obj.payload, get_language())
        return cache[obj.pk]

    def get_subject(self, obj) -> str:
        return self._message(obj).subject

    def get_body(self, obj) -> str:
        return self._message(obj).body

    def get_complaint_id(self, obj) -> int | None:
        value = (obj.payload or {}).get("complaint_id")
        return value if isinstance(value, int) else None

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many items were marked read."))


class InboxFilter(filters.FilterSet):
    unread = StrictBooleanFilter(
        method="filter_unread",
        label=_("true: only unread items; false: only read ones"),
    )

    class Meta:
        model = Notification
        fields = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary=_("Your inbox, newest first"),
        responses={200: InboxItemSerializer(many=True), 400: BAD_REQUEST},
    )
)
class InboxListView(generics.ListAPIView):
    serializer_class = InboxItemSerializer
    filterset_class = InboxFilter
    pagination_class = KesuCursorPagination

    def get_queryset(self):
        return selectors.inbox_of(self.request.user)


class InboxReadView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Mark one item of your inbox read"),
        request=None,
        responses={200: InboxItemSerializer, 404: NOT_FOUND},
    )
    def post(self, request, pk: int):
        notification = services.inbox_mark_read(user=request.user, notification_id=pk)
        return Response(InboxItemSerializer(notification).data)


class InboxReadAllView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("Mark your whole inbox read"),
        request=None,
        responses={200: MarkedSerializer},
    )
    def post(self, request):
        return Response({"marked": services.inbox_mark_all_read(user=request.user)})


class InboxUnreadCountView(APIView):
    @extend_schema(
        tags=[TAG],
        summary=_("How many items of your inbox are unread"),
        responses={200: UnreadCountSerializer},
    )
    def get(self, request):
        return Response({"unread": selectors.inbox_unread_count(request.user)})
