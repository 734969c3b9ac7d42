"""Investigation events of a case: what happened to each suspect. Listing them, and
recording one, which creates in the same transaction every duty that follows."""

from django.urls import path
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from cases.api.common import CaseRecordsApi, PartyRefSerializer, UserRefSerializer
from cases.api.outcomes import SuspectField
from cases.models import BailAuthority, EventKind, InvestigationEvent
from cases.selectors.events import event_list
from cases.services import events as event_services
from common.api.fields import optional_date, optional_text
from common.api.pagination import CursorPagination

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


class EventListCreateApi(CaseRecordsApi):
    policy = {"GET": "cases.event.view", "POST": "cases.event.add"}
    output_serializer = EventOutputSerializer

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

    pagination_class = CursorPagination.ordered_by("occurred_at", "created_at", "id")

    def records(self, request, case):
        return event_list(actor=request.user, case=case)

    def record(self, request, case, data):
        return event_services.investigation_event_record(actor=request.user, case=case, **data)


urlpatterns = [
    path("cases/<uuid:case_id>/events/", EventListCreateApi.as_view(), name="case-events"),
]
