"""The preservation duty of an intake item: recording, once, that the preservation
request was sent to the service provider (intake.services.preservation)."""

from uuid import UUID

from django.urls import URLPattern, path, reverse
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import UserRefSerializer
from common.api.concurrency import etag_for
from common.api.fields import optional_date
from common.api.idempotency import idempotent_create
from common.api.schema import IDEMPOTENCY_KEY, errors
from intake.models import IntakeItem
from intake.selectors.items import item_get_for_actor
from intake.services.preservation import preservation_record


@extend_schema_serializer(component_name="IntakePreservation")
class PreservationSerializer(serializers.Serializer):
    item = serializers.UUIDField(source="id")
    due_at = serializers.DateTimeField(
        source="preservation_due_at",
        help_text="When the request is owed: 5 working days after the item's receipt.",
    )
    sent_at = serializers.DateTimeField(source="preservation_sent_at", allow_null=True)
    sent_by = UserRefSerializer(source="preservation_sent_by", allow_null=True)
    reference = serializers.CharField(
        source="preservation_reference", help_text="The service provider's reference."
    )
    version = serializers.IntegerField()


def _answer(item: IntakeItem, code: int) -> Response:
    response = Response(PreservationSerializer(item).data, status=code)
    response["ETag"] = etag_for(item.version)
    return response


class ItemPreservationApi(APIView):
    policy = {"POST": "intake.preservation.record"}

    @extend_schema_serializer(component_name="IntakePreservationRecord")
    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField(
            allow_blank=True, help_text="The service provider's reference for the request."
        )
        sent_on = optional_date(help_text="The day it was sent; left out: today.")

    @extend_schema(
        parameters=[IDEMPOTENCY_KEY],
        request=InputSerializer,
        responses={201: PreservationSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, item_id: UUID):
        """Record that the preservation request was sent to the service provider, with
        its reference. Once only: a second record answers 409
        `preservation_recorded`. An item of another force is 404."""
        item = item_get_for_actor(
            actor=request.user, item_id=item_id, action="intake.preservation.record", log=False
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = preservation_record(
            actor=request.user, item=item, reference=data["reference"], sent_on=data["sent_on"]
        )
        item = item_get_for_actor(
            actor=request.user, item_id=item_id, action="intake.preservation.record", log=False
        )
        response = _answer(item, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:intake-item", args=[item.pk])
        return response


urlpatterns: list[URLPattern] = [
    path(
        "intake/items/<uuid:item_id>/preservation/",
        ItemPreservationApi.as_view(),
        name="intake-item-preservation",
    ),
]
