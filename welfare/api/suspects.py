"""Suspect welfare at the time of the investigation: the suicide-risk screenings and
the safety plans of a case. Police casework of the owning force only; anyone else
is answered 404."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyRefSerializer, UserRefSerializer
from cases.api.outcomes import SuspectField
from cases.models import Case
from common.api.fields import optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from welfare.models import (
    Answer,
    SafetyPlan,
    SafetyPlanSupport,
    SafetyPlanTold,
    ScreeningResult,
    WelfareScreening,
)
from welfare.selectors import suspects as selectors
from welfare.services import suspect_screenings as services

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


class SuspectRecordListCreateApi(CaseNestedMixin, APIView):
    """The base of a case's list of one kind of suspect-welfare record (screenings,
    safety plans, incidents), and of recording one."""

    policy = {"GET": VIEW, "POST": RECORD}
    InputSerializer: type[serializers.Serializer]
    pagination_class: type[CursorPagination]

    def record_page(
        self,
        request: Request,
        case_id: UUID,
        records: Callable[..., QuerySet[Any]],
        output: type[serializers.Serializer],
    ) -> Response:
        case = self.get_case(request, case_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(records(actor=request.user, case=case), request, self)
        return paginator.get_paginated_response(output(page, many=True).data)

    def record_input(self, request: Request, case_id: UUID) -> tuple[Case, dict[str, Any]]:
        """The case and the request's valid input (400 naming each field otherwise)."""
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(
            data=request.data, context={"case": case, "actor": request.user}
        )
        payload.is_valid(raise_exception=True)
        return case, dict(payload.validated_data)


class ScreeningListCreateApi(SuspectRecordListCreateApi):
    @extend_schema_serializer(component_name="SuspectWelfareScreeningCreate")
    class InputSerializer(serializers.Serializer):
        suspect = SuspectField(help_text="The id of a suspect party of this case.")
        screened_at = serializers.DateTimeField()
        thoughts_of_suicide = _answer("Thoughts of suicide or self-harm.")
        previous_attempts = _answer("Previous attempts.")
        mental_health_concerns = _answer("Mental health concerns.")
        support_around_them = _answer("Support around them.")
        impact_on_job_and_family = optional_text()
        result = serializers.ChoiceField(
            choices=ScreeningResult.choices,
            help_text="A yes to thoughts of suicide or previous attempts cannot be not_at_risk. "
            "at_risk or unknown raises the suicide-risk flag.",
        )
        notes = optional_text()

    pagination_class = CursorPagination.ordered_by("-screened_at", "-id")

    @extend_schema(responses={200: ScreeningOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        return self.record_page(
            request, case_id, selectors.screening_list, ScreeningOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ScreeningOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case, data = self.record_input(request, case_id)
        screening = services.welfare_screening_record(actor=request.user, case=case, **data)
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


class SafetyPlanListCreateApi(SuspectRecordListCreateApi):
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
        notes = optional_text()

    pagination_class = CursorPagination.ordered_by("-created_at", "-id")

    @extend_schema(responses={200: SafetyPlanOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        return self.record_page(
            request, case_id, selectors.safety_plan_list, SafetyPlanOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: SafetyPlanOutputSerializer, **errors(400, 401, 404, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case, data = self.record_input(request, case_id)
        plan = services.safety_plan_record(actor=request.user, case=case, **data)
        return Response(SafetyPlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


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
]
