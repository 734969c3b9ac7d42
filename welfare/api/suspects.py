"""Suspect welfare: screenings, safety plans and incidents of a case, the IOPC
referral of an incident, and the 48-hour checks a supervisor watches. Police
casework of the owning force only; anyone else is answered 404 (403 for the
checks list, which names no record)."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyRefSerializer, UserRefSerializer, errors
from cases.api.outcomes import SuspectField
from common.api.concurrency import ETagMixin, expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from welfare.models import (
    Answer,
    Duty,
    IncidentKind,
    IncidentStage,
    SafetyPlan,
    SafetyPlanSupport,
    SafetyPlanTold,
    ScreeningResult,
    WelfareIncident,
    WelfareScreening,
)
from welfare.selectors import suspects as selectors
from welfare.services import suspect_welfare as services

VIEW = "welfare.suspect.view"
RECORD = "welfare.suspect.record"


def _answer(help_text: str):
    return serializers.ChoiceField(choices=Answer.choices, help_text=help_text)


# --- Screenings


@extend_schema_serializer(component_name="SuspectWelfareScreening")
class ScreeningOutputSerializer(serializers.ModelSerializer):
    suspect = PartyRefSerializer()
    screened_by = UserRefSerializer()
    result_label = serializers.CharField(source="get_result_display")
    flag_raised = serializers.SerializerMethodField()

    class Meta:
        model = WelfareScreening
        fields = [
            "id",
            "suspect",
            "event",
            "screened_at",
            "screened_by",
            "thoughts_of_suicide",
            "previous_attempts",
            "mental_health_concerns",
            "support_around_them",
            "impact_on_job_and_family",
            "result",
            "result_label",
            "notes",
            "flag_raised",
            "created_at",
        ]

    def get_flag_raised(self, screening: WelfareScreening) -> bool:
        return screening.flag_id is not None


class ScreeningListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": VIEW, "POST": RECORD}

    @extend_schema_serializer(component_name="SuspectWelfareScreeningCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        screened_at = serializers.DateTimeField()
        thoughts_of_suicide = _answer("Thoughts of suicide or self-harm.")
        previous_attempts = _answer("Previous attempts.")
        mental_health_concerns = _answer("Mental health concerns.")
        support_around_them = _answer("Support around them.")
        impact_on_job_and_family = serializers.CharField(
            required=False, allow_blank=True, default=""
        )
        result = serializers.ChoiceField(
            choices=ScreeningResult.choices,
            help_text="A yes to thoughts of suicide or previous attempts cannot be not_at_risk. "
            "at_risk or unknown raises the suicide-risk flag.",
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    class Pagination(CursorPagination):
        ordering = ("-screened_at", "-id")

    pagination_class = Pagination

    @extend_schema(responses={200: ScreeningOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.screening_list(actor=request.user, case=case), request, self
        )
        return paginator.get_paginated_response(ScreeningOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: ScreeningOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(
            data=request.data, context={"case": case, "actor": request.user}
        )
        payload.is_valid(raise_exception=True)
        screening = services.welfare_screening_record(
            actor=request.user, case=case, **payload.validated_data
        )
        return Response(ScreeningOutputSerializer(screening).data, status=status.HTTP_201_CREATED)


# --- Safety plans


@extend_schema_serializer(component_name="SafetyPlan")
class SafetyPlanOutputSerializer(serializers.ModelSerializer):
    suspect = PartyRefSerializer()
    created_by = UserRefSerializer()
    told = serializers.ListField(child=serializers.ChoiceField(choices=SafetyPlanTold.choices))
    support_offered = serializers.ListField(
        child=serializers.ChoiceField(choices=SafetyPlanSupport.choices)
    )

    class Meta:
        model = SafetyPlan
        fields = [
            "id",
            "suspect",
            "screening",
            "told",
            "next_of_kin_consent",
            "support_offered",
            "safe_release_arrangements",
            "notes",
            "released_at",
            "release_event",
            "created_by",
            "version",
            "created_at",
        ]


class SafetyPlanListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": VIEW, "POST": RECORD}

    @extend_schema_serializer(component_name="SafetyPlanCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        told = serializers.ListField(
            child=serializers.ChoiceField(choices=SafetyPlanTold.choices),
            required=False,
            default=list,
            help_text="Who was told. next_of_kin needs next_of_kin_consent true.",
        )
        next_of_kin_consent = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )
        support_offered = serializers.ListField(
            child=serializers.ChoiceField(choices=SafetyPlanSupport.choices),
            required=False,
            default=list,
        )
        safe_release_arrangements = serializers.CharField(allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True, default="")

    class Pagination(CursorPagination):
        ordering = ("-created_at", "-id")

    pagination_class = Pagination

    @extend_schema(responses={200: SafetyPlanOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.safety_plan_list(actor=request.user, case=case), request, self
        )
        return paginator.get_paginated_response(SafetyPlanOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: SafetyPlanOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(
            data=request.data, context={"case": case, "actor": request.user}
        )
        payload.is_valid(raise_exception=True)
        plan = services.safety_plan_record(actor=request.user, case=case, **payload.validated_data)
        return Response(SafetyPlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


# --- Incidents


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


class IncidentListCreateApi(CaseNestedMixin, APIView):
    policy = {"GET": VIEW, "POST": RECORD}

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
        iopc_reference = serializers.CharField(
            max_length=60, required=False, allow_blank=True, default=""
        )
        iopc_referred_on = serializers.DateField(required=False, allow_null=True, default=None)

    class Pagination(CursorPagination):
        ordering = ("-occurred_at", "-id")

    pagination_class = Pagination

    @extend_schema(responses={200: IncidentOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.incident_list(actor=request.user, case=case), request, self
        )
        return paginator.get_paginated_response(IncidentOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: IncidentOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(
            data=request.data, context={"case": case, "actor": request.user}
        )
        payload.is_valid(raise_exception=True)
        incident = services.welfare_incident_record(
            actor=request.user, case=case, **payload.validated_data
        )
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


# --- 48-hour checks


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
        return selectors.countdown(duty.due_at, self.context.get("now"))[1]

    def get_countdown(self, duty: Duty) -> str:
        return selectors.countdown(duty.due_at, self.context.get("now"))[0]


class WelfareCheckListApi(APIView):
    policy = {"GET": VIEW}

    class Pagination(CursorPagination):
        ordering = ("due_at", "id")

    pagination_class = Pagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=list(selectors.CHECK_STATUSES),
                description="due (not yet missed) or missed; both when left out.",
            ),
            OpenApiParameter(
                "whose",
                str,
                enum=list(selectors.CHECK_WHOSE),
                description="A supervisor's default is team; everyone else's mine.",
            ),
        ],
        responses={200: WelfareCheckOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        checks = selectors.welfare_check_list(
            actor=request.user,
            status=request.query_params.get("status") or None,
            whose=request.query_params.get("whose") or None,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(checks, request, self)
        return paginator.get_paginated_response(WelfareCheckOutputSerializer(page, many=True).data)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/suspect-welfare/screenings/",
        ScreeningListCreateApi.as_view(),
        name="case-suspect-welfare-screenings",
    ),
    path(
        "cases/<uuid:case_id>/suspect-welfare/safety-plans/",
        SafetyPlanListCreateApi.as_view(),
        name="case-suspect-welfare-safety-plans",
    ),
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
    path(
        "suspect-welfare/checks/",
        WelfareCheckListApi.as_view(),
        name="suspect-welfare-checks",
    ),
]
