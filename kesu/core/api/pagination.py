from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.pagination import CursorPagination


class KesuCursorPagination(CursorPagination):
    """Newest first, by id: constant time at any depth of a million rows (no COUNT, no OFFSET).

    A page size that is not a number from 1 to `max_page_size` is refused with 400 rather
    than silently replaced, so a client learns its request was not what it got.
    """

    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            value = 0
        if not 1 <= value <= self.max_page_size:
            raise serializers.ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return value

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters


class OldestFirstPagination(KesuCursorPagination):
    """Timelines read from the first event on."""

    ordering = "seq"
    page_size = 100
    max_page_size = 500


class ByUsernamePagination(KesuCursorPagination):
    ordering = "username"
    page_size = 50
