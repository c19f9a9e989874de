"""Cursor pagination: a page is found by where the last one ended, never by OFFSET or COUNT(*), so the
thousandth page of a large table costs what the first does."""

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"
