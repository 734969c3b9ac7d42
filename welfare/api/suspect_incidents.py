"""Suspect welfare incidents: the self-harm, attempted suicide and deaths recorded on
a case, and the IOPC referral of an incident. Police casework of the owning force
only; anyone else is answered 404."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import PartyRefSerializer, UserRefSerializer
from cases.api.outcomes import SuspectField
from common.api.concurrency import ETagMixin, expected_version
from common.api.fields import optional_date, optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from welfare.api.suspects import RECORD, SuspectRecordListCreateApi
from welfare.models import IncidentKind, IncidentStage, WelfareIncident
from welfare.selectors import suspects as selectors
from welfare.services import suspect_incidents as services


@extend_schema_serializer(component_name="WelfareIncident")
class IncidentOutputSerializer(serializers.ModelSerializer):
    suspect = PartyRefSerializer()
    recorded_by = UserRefSerializer()
    kind = serializers.ChoiceField(choices=IncidentKind.choices)
    stage = serializers.ChoiceField(choices=IncidentStage.choices)
    iopc_referral_outstanding = serializers.SerializerMethodField(
        help_text="A referral to the IOPC is required and no reference is recorded yet."
    )

    class Meta:
        model = WelfareIncident
        fields = [
            "id",
            "suspect",
            "kind",
            "stage",
            "occurred_at",
            "serious_harm",
            "description",
            "iopc_referral_required",
            "iopc_reference",
            "iopc_referred_on",
            "iopc_referral_outstanding",
            "recorded_by",
            "version",
            "created_at",
        ]

    def get_iopc_referral_outstanding(self, incident: WelfareIncident) -> bool:
        return incident.iopc_referral_required and not incident.iopc_reference


class IncidentListCreateApi(SuspectRecordListCreateApi):
    @extend_schema_serializer(component_name="WelfareIncidentCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        kind = serializers.ChoiceField(choices=IncidentKind.choices)
        stage = serializers.ChoiceField(
            choices=IncidentStage.choices,
            help_text="Must agree with the suspect's recorded events at occurred_at.",
        )
        occurred_at = serializers.DateTimeField()
        serious_harm = serializers.BooleanField(required=False, default=False)
        description = serializers.CharField(allow_blank=True)
        iopc_reference = optional_text(max_length=60)
        iopc_referred_on = optional_date()

    pagination_class = CursorPagination.ordered_by("-occurred_at", "-id")

    @extend_schema(responses={200: IncidentOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        return self.record_page(request, case_id, selectors.incident_list, IncidentOutputSerializer)

    @extend_schema(
        request=InputSerializer,
        responses={201: IncidentOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case, data = self.record_input(request, case_id)
        incident = services.welfare_incident_record(actor=request.user, case=case, **data)
        response = Response(IncidentOutputSerializer(incident).data, status=status.HTTP_201_CREATED)
        response["ETag"] = f'"{incident.version}"'
        return response


class IopcReferralApi(ETagMixin, APIView):
    policy = {"POST": RECORD}

    @extend_schema_serializer(component_name="IopcReferral")
    class InputSerializer(serializers.Serializer):
        iopc_reference = serializers.CharField(max_length=60, allow_blank=True)
        iopc_referred_on = serializers.DateField(allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: IncidentOutputSerializer, **errors(400, 401, 404, 412, 428)},
    )
    def post(self, request, incident_id):
        incident = selectors.incident_get_for_actor(actor=request.user, incident_id=incident_id)
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referred = services.iopc_referral_record(
            actor=request.user,
            incident=incident,
            expected_version=version,
            **payload.validated_data,
        )
        return self.with_etag(Response(IncidentOutputSerializer(referred).data), referred.version)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/suspect-welfare/incidents/",
        IncidentListCreateApi.as_view(),
        name="case-suspect-welfare-incidents",
    ),
    path(
        "welfare-incidents/<uuid:incident_id>/iopc-referral/",
        IopcReferralApi.as_view(),
        name="welfare-incident-iopc-referral",
    ),
]
