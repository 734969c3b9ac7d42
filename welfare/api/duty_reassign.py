"""Reassigning a duty (welfare.services.duty_reassign): to someone else who may hold
it, with a reason, against the version last read (If-Match)."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.concurrency import etag_for, expected_version
from common.api.schema import IF_MATCH, errors
from welfare.api.duties import DutyOutputSerializer
from welfare.selectors import duties as duty_selectors
from welfare.services.duty_owners import duty_holder_list
from welfare.services.duty_reassign import duty_reassign


class DutyReassignApi(APIView):
    policy = {"POST": "welfare.duty.meet"}

    @extend_schema_serializer(component_name="DutyReassign")
    class InputSerializer(serializers.Serializer):
        responsible = serializers.CharField(
            max_length=150,
            help_text="The username of an active police caseworker of the force that owns "
            "the case.",
        )
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: DutyOutputSerializer, **errors(400, 401, 403, 404, 409, 412, 428)},
    )
    def post(self, request, duty_id):
        """Give an open duty to someone else: the person responsible, their
        supervisors or the case's lead officer may (403 for anyone else who sees it).
        The reason is required; both people are told."""
        version = expected_version(request)
        duty = duty_selectors.duty_get_for_actor(
            actor=request.user, duty_id=duty_id, action="welfare.duty.meet"
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        username = payload.validated_data["responsible"]
        to = next((u for u in duty_holder_list(duty.case) if u.get_username() == username), None)
        duty_reassign(
            actor=request.user,
            duty=duty,
            to=to,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        moved = duty_selectors.duty_get_for_actor(actor=request.user, duty_id=duty.pk)
        response = Response(DutyOutputSerializer(moved).data)
        response["ETag"] = etag_for(moved.version)
        return response


urlpatterns = [
    path("duties/<uuid:duty_id>/reassign/", DutyReassignApi.as_view(), name="duty-reassign"),
]
