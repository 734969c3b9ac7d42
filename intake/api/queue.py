"""The intake queue: the force's undecided items, critical first, then by when
action is due (held ones included, tagged by their state), a keyset page at a time."""

from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.views import APIView

from common.api.pagination import CursorPagination
from common.api.schema import errors
from intake.selectors.items import QUEUE_ORDER, intake_queue
from safeguarding.models import SharedLevel

# Written as text with its values (not an enum): the schema's enum names are the
# settings' to give (ENUM_NAME_OVERRIDES).
STATE_HELP = (
    "awaiting_decision; held: held for deconfliction until a supervisor records the "
    "coordination agreed; decided."
)


@extend_schema_serializer(component_name="IntakeQueueItem")
class QueueItemSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField(help_text=STATE_HELP)
    level = serializers.ChoiceField(choices=SharedLevel.choices)
    agency_grade = serializers.CharField(help_text="The force's own grade for the level.")
    band = serializers.IntegerField(help_text="0 for a critical item, 1 for any other.")
    triage_score = serializers.IntegerField()
    action_due_at = serializers.DateTimeField()
    preservation_due_at = serializers.DateTimeField()
    preservation_sent_at = serializers.DateTimeField(allow_null=True)
    report_count = serializers.IntegerField()
    youngest_age = serializers.IntegerField(
        allow_null=True, help_text="The youngest apparent age; null: not known."
    )
    received_at = serializers.DateTimeField()


class IntakeQueueApi(APIView):
    policy = {"GET": "intake.item.view"}
    pagination_class = CursorPagination.ordered_by(*QUEUE_ORDER)

    @extend_schema(responses={200: QueueItemSerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        """The caller's force's items awaiting a decision: critical first, then the
        moment action is due."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(intake_queue(actor=request.user), request, self)
        return paginator.get_paginated_response(QueueItemSerializer(page, many=True).data)


urlpatterns: list[URLPattern] = [
    path("intake/items/", IntakeQueueApi.as_view(), name="intake-items"),
]
