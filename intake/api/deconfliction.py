"""Deconfliction (intake.services.deconfliction): an item's hits as its own force
sees them (another force holds a matching identifier, and whom to contact: nothing
that names the holding case or the identifier); the supervisor recording the
coordination agreed, which releases a held item to its decision; and the hits on
the caller's force's own cases."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.audit import access_read_context
from cases.api.common import UserRefSerializer
from common.api.pagination import CursorPagination
from common.api.schema import errors
from intake.selectors import deconfliction as selectors
from intake.selectors.items import item_get_for_actor
from intake.services.deconfliction import deconfliction_coordination_record


@extend_schema_serializer(component_name="IntakeItemHit")
class ItemHitOutputSerializer(serializers.Serializer):
    """What the item's force learns of a hit: which force holds a matching identifier
    and whom to contact there. Never that force's case, reference, people or
    identifier values, nor which kind of identifier matched."""

    id = serializers.UUIDField()
    message = serializers.CharField(
        help_text='"Another force holds a matching identifier: contact <team> (<force>)".'
    )
    holding_agency = serializers.CharField(help_text="The name of the force that holds it.")
    contact = serializers.CharField(
        help_text="Whom to contact: the holding case's team, else the force."
    )
    found_at = serializers.DateTimeField()
    coordinated_at = serializers.DateTimeField(allow_null=True)
    coordinated_by = UserRefSerializer(allow_null=True)
    coordination_note = serializers.CharField()


_ItemHitPagination = CursorPagination.ordered_by("found_at", "id")


class ItemHitListApi(APIView):
    """The item's deconfliction hits, oldest first."""

    policy = {"GET": "intake.deconfliction.view"}
    pagination_class = _ItemHitPagination

    @extend_schema(responses={200: ItemHitOutputSerializer(many=True), **errors(400, 401, 404)})
    def get(self, request, item_id):
        item = item_get_for_actor(
            actor=request.user, item_id=item_id, action="intake.deconfliction.view", log=False
        )
        access_read_context(
            actor=request.user,
            object_type="intake_item",
            object_id=item.pk,
            object_agency_slug=item.agency.slug,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.item_hits(actor=request.user, item=item), request, self
        )
        shown = [selectors.hit_for_item(hit) for hit in page]
        return paginator.get_paginated_response(ItemHitOutputSerializer(shown, many=True).data)


@extend_schema_serializer(component_name="IntakeItemCoordinated")
class CoordinationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.CharField()
    version = serializers.IntegerField()
    hits = serializers.SerializerMethodField()

    def get_hits(self, item) -> ItemHitOutputSerializer(many=True):  # type: ignore[valid-type]
        return self.context["hits"]


class ItemCoordinationApi(APIView):
    policy = {"POST": "intake.deconfliction.record"}

    @extend_schema_serializer(component_name="IntakeCoordinationRecord")
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(
            max_length=2000,
            allow_blank=True,
            help_text="The coordination agreed with the other force: who, what and when.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={200: CoordinationOutputSerializer, **errors(400, 401, 404, 409)},
    )
    def post(self, request, item_id):
        """A police supervisor of the item's force records the coordination agreed
        with the force(s) holding a matching identifier: the item then awaits its
        decision (409 naming the state when it is not held for deconfliction)."""
        item = item_get_for_actor(
            actor=request.user, item_id=item_id, action="intake.deconfliction.record", log=False
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        item = deconfliction_coordination_record(
            actor=request.user, item=item, note=payload.validated_data["note"]
        )
        hits = ItemHitOutputSerializer(
            selectors.hits_for_item(actor=request.user, item=item, log=False), many=True
        ).data
        return Response(CoordinationOutputSerializer(item, context={"hits": hits}).data)


@extend_schema_serializer(component_name="DeconflictionHitCase")
class HolderCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()


@extend_schema_serializer(component_name="DeconflictionHitOnMyCase")
class HolderHitOutputSerializer(serializers.Serializer):
    """A hit on one of the caller's force's cases: which force's intake matched an
    identifier on it, and whom to contact there. Nothing of that force's report."""

    id = serializers.UUIDField()
    case = HolderCaseSerializer(help_text="Your force's case holding the identifier.")
    requesting_agency = serializers.CharField(
        help_text="The name of the force whose intake matched."
    )
    contact = serializers.CharField(help_text="Whom to contact: that force's intake.")
    found_at = serializers.DateTimeField()
    coordinated = serializers.BooleanField(
        help_text="Whether that force's supervisor has recorded the coordination agreed."
    )
    coordinated_at = serializers.DateTimeField(allow_null=True)


class HolderHitListApi(APIView):
    """The deconfliction hits on the caller's force's cases, newest first."""

    policy = {"GET": "intake.deconfliction.view"}
    pagination_class = CursorPagination.ordered_by(*selectors.HOLDER_ORDER)

    @extend_schema(responses={200: HolderHitOutputSerializer(many=True), **errors(400, 401, 403)})
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.hits_on_my_cases(actor=request.user), request, self
        )
        rows = [selectors.hit_holder_row(hit) for hit in page]
        return paginator.get_paginated_response(HolderHitOutputSerializer(rows, many=True).data)


urlpatterns = [
    path("intake/items/<uuid:item_id>/hits/", ItemHitListApi.as_view(), name="intake-item-hits"),
    path(
        "intake/items/<uuid:item_id>/coordination/",
        ItemCoordinationApi.as_view(),
        name="intake-item-coordination",
    ),
    path("intake/deconfliction/", HolderHitListApi.as_view(), name="intake-deconfliction"),
]
