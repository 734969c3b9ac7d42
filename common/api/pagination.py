from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """`{"next", "previous", "results"}`, at most 100 a page. Each view sets `ordering`
    to an indexed column list that ends in a unique key, so pages never skip or repeat."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"
