"""What safeguarding's case-nested list endpoints share: one page of a case's
records, read in the access log as a list of that case."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from rest_framework.request import Request

from cases.api.common import CaseNestedMixin
from cases.models import Case
from cases.services.common import log_case_read


class CaseRecordsMixin(CaseNestedMixin):
    def case_page(
        self, request: Request, case: Case, records: QuerySet[Any], *, action: str, object_type: str
    ) -> tuple[Any, list[Any]]:
        """The paginator and this request's page of `records`, the read logged."""
        paginator = self.pagination_class()  # type: ignore[attr-defined]
        page = paginator.paginate_queryset(records, request, self)
        # A signed-in member: the view's policy let the request in.
        actor = cast(User, request.user)
        log_case_read(actor=actor, action=action, case=case, object_type=object_type)
        return paginator, page
