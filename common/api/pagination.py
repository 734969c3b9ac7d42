import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.encoding import force_str
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from common.access_hooks import access_list_record
from common.keyset import InvalidCursor, KeysetPage, keyset_page

_WHOLE_NUMBER = re.compile(r"^[0-9]+$")


class CursorPagination(pagination.BasePagination):
    """`{"next", "previous", "results"}`, at most 100 a page, paged by keyset
    (common.keyset): the cursor holds the whole ordering tuple of the row a page
    follows, so a deep page costs what the first costs and nothing counts the list.
    Each view names its ordering with `ordered_by`: indexed columns, ending in a
    unique key (the primary key is added when the last one is not unique).

    A bad `page_size` or `cursor` answers 400 naming it: silently falling back to the
    default page, as DRF does, hides a client's bug."""

    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "How many results a page holds: 1 to 100; 25 if not given."
    cursor_query_param = "cursor"
    cursor_query_description = "Where the page starts: the `next` or `previous` link's cursor."
    max_page_size = 100
    ordering: str | list[str] | tuple[str, ...] = "-created_at"
    page_size_error = "Give a whole number from 1 to 100."
    invalid_cursor_message = "This cursor is not one Tideline gave: follow `next` or `previous`."

    page: KeysetPage | None = None

    @classmethod
    def ordered_by(cls, *ordering: str) -> type["CursorPagination"]:
        """This pagination, in `ordering`: indexed columns ending in a unique key."""
        return type("Pagination", (cls,), {"ordering": ordering})

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _WHOLE_NUMBER.match(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [self.page_size_error]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.base_url = request.build_absolute_uri()
        ordering = (self.ordering,) if isinstance(self.ordering, str) else tuple(self.ordering)
        cursor = request.query_params.get(self.cursor_query_param)
        page_size = self.get_page_size(request)
        try:
            self.page = keyset_page(queryset, cursor=cursor, page_size=page_size, ordering=ordering)
        except InvalidCursor as exc:
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        except (DjangoValidationError, ValueError, TypeError) as exc:
            # A signed cursor whose values no longer fit the ordering's columns (the
            # ordering's types changed under it) fails when the page is read.
            if cursor is None:
                raise
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        rows = self.page.object_list
        # Every page of personal data names what it held in the access log (DPA 2018
        # s.62): the one place every list endpoint passes through.
        access_list_record(actor=request.user, records=rows, model=getattr(queryset, "model", None))
        return rows

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)

    def get_next_link(self) -> str | None:
        return self._link(self.page.next_cursor if self.page else None)

    def get_previous_link(self) -> str | None:
        return self._link(self.page.previous_cursor if self.page else None)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": f'http://api.example.org/accounts/?{self.cursor_query_param}=cD00ODY%3D"',
                },
                "previous": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "example": f"http://api.example.org/accounts/?{self.cursor_query_param}=cj0xJnA9NDg3",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.cursor_query_description),
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": force_str(self.page_size_query_description),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]

    def get_results(self, data):
        return data["results"]
