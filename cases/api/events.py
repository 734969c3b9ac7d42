"""Investigation events of a case: what happened to each suspect. Listing them, and
recording one, which creates in the same transaction every duty that follows."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyRefSerializer, UserRefSerializer
from cases.api.outcomes import SuspectField
from cases.models import BailAuthority, EventKind, InvestigationEvent
from cases.selectors.events import event_list
from cases.services import events as event_services
from common.api.fields import optional_date, optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors

# Everything but "outcome recorded", which follows from recording the outcome itself
# (POST /api/v1/cases/{id}/outcomes/).
RECORDABLE_EVENT_KINDS = [
    (value, label) for value, label in EventKind.choices if value != EventKind.OUTCOME_RECORDED
]


@extend_schema_serializer(component_name="InvestigationEvent")
class EventOutputSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    suspect = PartyRefSerializer()
    bail_authority = serializers.ChoiceField(
        choices=BailAuthority.choices,
        allow_blank=True,
        help_text="For an extension of bail: who authorised it. Blank otherwise.",
    )
    recorded_by = UserRefSerializer()

    class Meta:
        model = InvestigationEvent
        fields = [
            "id",
            "kind",
            "kind_label",
            "suspect",
            "occurred_at",
            "bail_end_on",
            "bail_authority",
            "details",
            "recorded_by",
            "created_at",
        ]


class EventListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.event.view", "POST": "cases.event.add"}

    @extend_schema_serializer(component_name="InvestigationEventCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        kind = serializers.ChoiceField(
            choices=RECORDABLE_EVENT_KINDS,
            help_text=(
                "What happened. `outcome_recorded` is not accepted here: it is recorded "
                "with the outcome itself, through /api/v1/cases/{id}/outcomes/."
            ),
            error_messages={
                "invalid_choice": (
                    '"{input}" is not an event that can be recorded here; an outcome is '
                    "recorded through the case's outcomes."
                )
            },
        )
        occurred_at = serializers.DateTimeField(
            help_text="When it happened; not in the future, not before the case was received."
        )
        bail_end_on = optional_date(
            help_text=(
                "Pre-charge bail or its extension only: the day it ends. Bail runs at most "
                "3 months from release; an inspector may extend it to 6 months and a "
                "superintendent to 9 months from the first release; beyond that, only a "
                "magistrates' court."
            )
        )
        bail_authority = serializers.ChoiceField(
            choices=BailAuthority.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text="An extension of bail only: who authorised it.",
        )
        details = optional_text()

    class Pagination(CursorPagination):
        ordering = ("occurred_at", "created_at", "id")

    pagination_class = Pagination

    @extend_schema(responses={200: EventOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.page_of(
            request, event_list(actor=request.user, case=case), EventOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: EventOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        data = self.payload_for(request, case)
        event = event_services.investigation_event_record(actor=request.user, case=case, **data)
        return Response(EventOutputSerializer(event).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("cases/<uuid:case_id>/events/", EventListCreateApi.as_view(), name="case-events"),
]
