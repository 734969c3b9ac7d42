"""Suspect welfare 48-hour checks: the open checks a supervisor watches (their
team's) or an officer owes (their own), due or missed. Police casework only; anyone
else is answered 403, as the list names no record."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from cases.api.common import PartyRefSerializer, UserRefSerializer
from common.api.pagination import CursorPagination
from common.api.schema import errors
from welfare.api.suspects import VIEW
from welfare.check_lateness import countdown
from welfare.filters import CHECK_STATUSES, CHECK_WHOSE
from welfare.models import Duty
from welfare.selectors import suspects as selectors


@extend_schema_serializer(component_name="WelfareCheck")
class WelfareCheckOutputSerializer(serializers.ModelSerializer):
    case = serializers.SerializerMethodField()
    suspect = PartyRefSerializer(source="party")
    responsible = UserRefSerializer(allow_null=True)
    released_at = serializers.DateTimeField(source="event.occurred_at", allow_null=True)
    missed = serializers.SerializerMethodField()
    countdown = serializers.SerializerMethodField(
        help_text='"31 hours left" or "Missed by 3 hours".'
    )

    class Meta:
        model = Duty
        fields = [
            "id",
            "case",
            "suspect",
            "released_at",
            "due_at",
            "missed",
            "countdown",
            "responsible",
            "version",
        ]

    def get_case(self, duty: Duty) -> dict:
        return {"id": str(duty.case_id), "reference": duty.case.reference}

    def get_missed(self, duty: Duty) -> bool:
        return countdown(duty.due_at, self.context.get("now"))[1]

    def get_countdown(self, duty: Duty) -> str:
        return countdown(duty.due_at, self.context.get("now"))[0]


class WelfareCheckListApi(APIView):
    policy = {"GET": VIEW}

    pagination_class = CursorPagination.ordered_by("due_at", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=list(CHECK_STATUSES),
                description="due (not yet missed) or missed; both when left out.",
            ),
            OpenApiParameter(
                "whose",
                str,
                enum=list(CHECK_WHOSE),
                description="A supervisor's default is team; everyone else's mine.",
            ),
        ],
        responses={200: WelfareCheckOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        checks = selectors.welfare_check_list(actor=request.user, filters=request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(checks, request, self)
        return paginator.get_paginated_response(WelfareCheckOutputSerializer(page, many=True).data)


urlpatterns = [
    path(
        "suspect-welfare/checks/",
        WelfareCheckListApi.as_view(),
        name="suspect-welfare-checks",
    ),
]
