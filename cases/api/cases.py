"""Cases: list, open, read, change; their history (grants: cases.api.grants; closing,
reopening: cases.api.lifecycle; transfers: cases.api.transfers)."""

from typing import Any

from django.urls import path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import member_list_for_casework, team_get_for_actor
from cases import selectors
from cases.api.common import CaseNestedMixin, PagedMixin, UserRefSerializer
from cases.filters import (
    CASE_LIST_DEFAULT_ORDERING,
    CASE_LIST_ORDERINGS,
    CaseFilter,
    filter_parameters,
)
from cases.history import case_history
from cases.models import Case, CaseSource
from cases.services import cases as case_services
from cases.services.common import log_case_read
from common.api.concurrency import ETagMixin, etag_for, expected_version
from common.api.fields import optional_text
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IF_MATCH, errors
from common.errors import NotFound


@extend_schema_serializer(component_name="Case")
class CaseOutputSerializer(serializers.ModelSerializer):
    owning_agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    lead_officer = UserRefSerializer(allow_null=True)
    team = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "title",
            "summary",
            "status",
            "closing_reason",
            "closing_note",
            "owning_agency",
            "lead_officer",
            "team",
            "source",
            "source_reference",
            "received_on",
            "opened_on",
            "closed_on",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_team(self, case: Case) -> dict | None:
        return {"id": str(case.team.id), "name": case.team.name} if case.team else None


class _LeadAndTeamMixin:
    def resolve_lead_and_team(self, request, data: dict) -> dict:
        resolved: dict[str, Any] = {}
        if "lead_officer" in data:
            username = data.pop("lead_officer")
            if username:
                lead = (
                    member_list_for_casework(actor=request.user)
                    .filter(user__username=username)
                    .first()
                )
                if lead is None:
                    raise serializers.ValidationError(
                        {"lead_officer": ["Choose an active caseworker of your agency."]}
                    )
                resolved["lead_officer"] = lead.user
            else:
                resolved["lead_officer"] = None
        if "team" in data:
            team_id = data.pop("team")
            if team_id:
                try:
                    resolved["team"] = team_get_for_actor(actor=request.user, team_id=team_id)
                except NotFound as exc:
                    raise serializers.ValidationError(
                        {"team": ["Choose a team of your agency."]}
                    ) from exc
            else:
                resolved["team"] = None
        return resolved


class CaseListCreateApi(_LeadAndTeamMixin, PagedMixin, APIView):
    policy = {"GET": "cases.case.view", "POST": "cases.case.create"}

    @extend_schema_serializer(component_name="CaseCreate")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200)
        summary = optional_text()
        source = serializers.ChoiceField(choices=CaseSource.choices)  # type: ignore[assignment]
        source_reference = optional_text(max_length=100)
        received_on = serializers.DateField()
        opened_on = serializers.DateField(required=False)
        lead_officer = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, help_text="A username."
        )
        team = serializers.UUIDField(required=False, allow_null=True)

    pagination_class = CursorPagination.ordered_by(*CASE_LIST_ORDERINGS[CASE_LIST_DEFAULT_ORDERING])

    @extend_schema(
        parameters=[filter_parameters(CaseFilter, "CaseFilter")],
        responses={200: CaseOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        cases = selectors.case_list(actor=request.user, filters=request.query_params)
        # Paged in the order the selector chose (`ordering`), which the cursor holds.
        self.pagination_class = CursorPagination.ordered_by(*cases.query.order_by)
        return self.page_of(request, cases, CaseOutputSerializer)

    @extend_schema(
        request=InputSerializer,
        responses={201: CaseOutputSerializer, **errors(400, 401, 403, 422)},
    )
    @idempotent_create
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.update(self.resolve_lead_and_team(request, data))
        case = case_services.case_create(actor=request.user, **data)
        response = Response(CaseOutputSerializer(case).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:case-detail", args=[case.id])
        response["ETag"] = etag_for(case.version)
        return response


class CaseDetailApi(_LeadAndTeamMixin, ETagMixin, APIView):
    policy = {"GET": "cases.case.view", "PATCH": "cases.case.change"}

    @extend_schema_serializer(component_name="CaseChange")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=200, required=False)
        summary = serializers.CharField(required=False, allow_blank=True)
        source = serializers.ChoiceField(choices=CaseSource.choices, required=False)  # type: ignore[assignment]
        source_reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
        received_on = serializers.DateField(required=False)
        opened_on = serializers.DateField(required=False)
        lead_officer = serializers.CharField(required=False, allow_blank=True, allow_null=True)
        team = serializers.UUIDField(required=False, allow_null=True)
        # The history keeps 100 characters of a reason: a longer one is refused rather
        # than cut short without a word.
        reason = serializers.CharField(max_length=100, required=False, allow_blank=True)

    @extend_schema(responses={200: CaseOutputSerializer, **errors(401, 404)})
    def get(self, request, case_id):
        case = selectors.case_get_for_actor(actor=request.user, case_id=case_id)
        return self.with_etag(Response(CaseOutputSerializer(case).data), case.version)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: CaseOutputSerializer, **errors(400, 401, 403, 404, 409, 412, 428)},
    )
    def patch(self, request, case_id):
        case = selectors.case_get_for_actor(
            actor=request.user, case_id=case_id, action="cases.case.change", log=False
        )
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason = data.pop("reason", "")
        data.update(self.resolve_lead_and_team(request, data))
        updated = case_services.case_update(
            actor=request.user, case=case, expected_version=version, reason=reason, **data
        )
        return self.with_etag(Response(CaseOutputSerializer(updated).data), updated.version)


class CaseHistoryApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.history.view"}

    @extend_schema_serializer(component_name="HistoryEntry")
    class OutputSerializer(serializers.Serializer):
        at = serializers.DateTimeField()
        record_type = serializers.CharField()
        record_id = serializers.CharField()
        change = serializers.ChoiceField(choices=["created", "changed", "deleted"])
        changed_by = serializers.CharField(allow_null=True)
        reason = serializers.CharField(allow_null=True)
        fields = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]

    # The history is merged from several tables and capped (cases.history), so it is
    # one page: `results`, newest first.
    @extend_schema(
        responses={
            200: inline_serializer("CaseHistory", fields={"results": OutputSerializer(many=True)}),
            **errors(401, 404),
        }
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        entries = case_history(actor=request.user, case=case)
        log_case_read(actor=request.user, action="cases.history.viewed", case=case)
        return Response({"results": self.OutputSerializer(entries, many=True).data})


urlpatterns = [
    path("cases/", CaseListCreateApi.as_view(), name="case-list"),
    path("cases/<uuid:case_id>/", CaseDetailApi.as_view(), name="case-detail"),
    path("cases/<uuid:case_id>/history/", CaseHistoryApi.as_view(), name="case-history"),
]
