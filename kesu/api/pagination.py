from rest_framework.pagination import CursorPagination


class KesuCursorPagination(CursorPagination):
    """Newest first, by id: constant time at any depth of a million rows (no COUNT, no OFFSET)."""

    ordering = "-id"
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200
