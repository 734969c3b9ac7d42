"""Closing and reopening a case (cases.services.lifecycle)."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.cases import CaseOutputSerializer
from cases.api.common import CaseNestedMixin
from cases.models import CLOSING_REASONS_CHOSEN_BY_HAND
from cases.services import lifecycle
from common.api.concurrency import ETagMixin
from common.api.fields import optional_text
from common.api.schema import InvalidStateErrorSerializer, errors


@extend_schema_serializer(component_name="OpenDuty")
class OpenDutySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    label = serializers.CharField(help_text="What is owed, and to whom.")  # type: ignore[assignment]
    due_at = serializers.DateTimeField()
    responsible = serializers.CharField(help_text="The username of who owes it, or empty.")


@extend_schema_serializer(component_name="CaseCloseRefusedError")
class CloseRefusedSerializer(InvalidStateErrorSerializer):
    duties = OpenDutySerializer(
        many=True,
        required=False,
        help_text="With state `duties_open`: the duties of care still open on the case.",
    )


class CaseCloseApi(CaseNestedMixin, ETagMixin, APIView):
    policy = {"POST": "cases.case.close"}

    @extend_schema_serializer(component_name="CaseClose")
    class InputSerializer(serializers.Serializer):
        # "Transferred" is not offered: a transfer moves the case to the other force.
        closing_reason = serializers.ChoiceField(choices=CLOSING_REASONS_CHOSEN_BY_HAND)
        note = optional_text()
        closed_on = serializers.DateField(required=False)
        duty_reasons = serializers.DictField(
            child=serializers.CharField(max_length=2000, allow_blank=True),
            required=False,
            help_text="A supervisor closing over open duties of care: for each open duty's "
            "id, the reason it ends. Without it, a case with open duties is refused (409, "
            "state `duties_open`, with the `duties`).",
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            200: CaseOutputSerializer,
            **errors(400, 401, 403, 404),
            409: OpenApiResponse(
                CloseRefusedSerializer,
                description="Already closed (`closed`), a transfer waiting (`transfer_requested`), "
                "or duties of care still open (`duties_open`, listed in `duties`).",
            ),
        },
    )
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        closed = lifecycle.case_close(actor=request.user, case=case, **payload.validated_data)
        return self.with_etag(Response(CaseOutputSerializer(closed).data), closed.version)


class CaseReopenApi(CaseNestedMixin, ETagMixin, APIView):
    policy = {"POST": "cases.case.reopen"}

    @extend_schema_serializer(component_name="CaseReopen")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: CaseOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id):
        """A supervisor reopens a closed case, for a reason (409 `open` if it is open)."""
        case = self.get_case(request, case_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reopened = lifecycle.case_reopen(
            actor=request.user, case=case, reason=payload.validated_data["reason"]
        )
        return self.with_etag(Response(CaseOutputSerializer(reopened).data), reopened.version)


urlpatterns = [
    path("cases/<uuid:case_id>/close/", CaseCloseApi.as_view(), name="case-close"),
    path("cases/<uuid:case_id>/reopen/", CaseReopenApi.as_view(), name="case-reopen"),
]
