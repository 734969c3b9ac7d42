"""The work queue, and recording the first action that takes a case out of it."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, UserRefSerializer
from common.api.pagination import CursorPagination
from common.api.schema import errors
from safeguarding import selectors
from safeguarding.models import SharedLevel
from safeguarding.queue_view_model import queue_rows
from safeguarding.services.queue import case_actioned


@extend_schema_serializer(component_name="QueueEntry")
class QueueEntrySerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.id")
    reference = serializers.CharField(source="case.reference")
    title = serializers.CharField(source="case.title")
    lead_officer = UserRefSerializer(source="case.lead_officer", allow_null=True)
    team = serializers.CharField(source="case.team.name", allow_null=True, default=None)
    received_on = serializers.DateField(source="case.received_on")
    level = serializers.ChoiceField(choices=SharedLevel.choices)
    agency_grade = serializers.CharField(source="entry.agency_grade")
    action_due_at = serializers.DateTimeField(source="entry.action_due_at")
    action_due_on = serializers.DateField(source="due_on")
    working_days_late = serializers.IntegerField()
    overdue = serializers.BooleanField()
    conference_due_at = serializers.DateTimeField(
        source="entry.conference_due_at", allow_null=True, default=None
    )
    assessment_due_at = serializers.DateTimeField(
        source="entry.assessment_due_at", allow_null=True, default=None
    )


QUEUE_PARAMETERS = [
    OpenApiParameter(
        name="lead",
        type={"type": "string", "minLength": 1},
        required=False,
        description="The lead officer's username.",
    ),
    OpenApiParameter(name="team", type=OpenApiTypes.UUID, required=False),
]


class QueueApi(APIView):
    policy = {"GET": "safeguarding.queue.view"}

    pagination_class = CursorPagination.ordered_by(*selectors.QUEUE_ORDER)

    @extend_schema(
        parameters=QUEUE_PARAMETERS,
        responses={200: QueueEntrySerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        entries = selectors.queue_list(actor=request.user, filters=request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, self)
        return paginator.get_paginated_response(
            QueueEntrySerializer(queue_rows(page), many=True).data
        )


class CaseActionedApi(CaseNestedMixin, APIView):
    policy = {"POST": "safeguarding.case.action"}

    @extend_schema_serializer(component_name="FirstActionCreate")
    class InputSerializer(serializers.Serializer):
        description = serializers.CharField(help_text="What was done.")

    @extend_schema_serializer(component_name="FirstAction")
    class OutputSerializer(serializers.Serializer):
        case = serializers.UUIDField(source="case_id")
        description = serializers.CharField()
        done_by = UserRefSerializer()
        done_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        action = case_actioned(
            actor=request.user, case=case, description=payload.validated_data["description"]
        )
        return Response(self.OutputSerializer(action).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("queue/", QueueApi.as_view(), name="queue"),
    path("cases/<uuid:case_id>/actioned/", CaseActionedApi.as_view(), name="case-actioned"),
]
