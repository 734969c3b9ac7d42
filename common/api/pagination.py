import re
from functools import reduce

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from common.access_hooks import access_list_record

_WHOLE_NUMBER = re.compile(r"^[0-9]+$")


class CursorPagination(pagination.CursorPagination):
    """`{"next", "previous", "results"}`, at most 100 a page. Each view sets `ordering`
    to an indexed column list that ends in a unique key, so pages never skip or repeat.

    A bad `page_size` or `cursor` answers 400 naming it: silently falling back to the
    default page, as DRF does, hides a client's bug."""

    page_size = 25
    page_size_query_param = "page_size"
    page_size_query_description = "How many results a page holds: 1 to 100; 25 if not given."
    cursor_query_description = "Where the page starts: the `next` or `previous` link's cursor."
    max_page_size = 100
    ordering: str | list[str] | tuple[str, ...] = "-created_at"
    page_size_error = "Give a whole number from 1 to 100."
    invalid_cursor_message = "This cursor is not one Tideline gave: follow `next` or `previous`."

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
        try:
            page = super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            # DRF answers a cursor it cannot decode with 404; it is bad input.
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        except (DjangoValidationError, ValueError, TypeError) as exc:
            # A cursor that decodes but whose position does not fit the ordering column
            # (not a date, not a UUID) fails when the page is read.
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from exc
        # Every page of personal data names what it held in the access log (DPA 2018
        # s.62): the one place every list endpoint passes through.
        access_list_record(actor=request.user, records=page, model=getattr(queryset, "model", None))
        return page

    def _get_position_from_instance(self, instance, ordering):
        # The stock method reads `getattr(instance, "user__username")`, which fails for an
        # ordering across a relation; the cursor's filter (`user__username__gt`) already
        # works, so only the read of the position needs to follow the relation.
        field_name = ordering[0].lstrip("-")
        if isinstance(instance, dict):
            return str(instance[field_name])
        return str(reduce(getattr, field_name.split("__"), instance))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters
