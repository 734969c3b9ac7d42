from functools import reduce

from rest_framework import pagination

from agencies.audit import access_list_record


class CursorPagination(pagination.CursorPagination):
    """`{"next", "previous", "results"}`, at most 100 a page. Each view sets `ordering`
    to an indexed column list that ends in a unique key, so pages never skip or repeat."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-created_at"

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # Every page of personal data names what it held in the access log (DPA 2018
        # s.62): the one place every list endpoint passes through.
        access_list_record(
            actor=request.user, records=page, model=getattr(queryset, "model", None)
        )
        return page

    def _get_position_from_instance(self, instance, ordering):
        # The stock method reads `getattr(instance, "user__username")`, which fails for an
        # ordering across a relation; the cursor's filter (`user__username__gt`) already
        # works, so only the read of the position needs to follow the relation.
        field_name = ordering[0].lstrip("-")
        if isinstance(instance, dict):
            return str(instance[field_name])
        return str(reduce(getattr, field_name.split("__"), instance))
