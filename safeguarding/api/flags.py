"""Flags on the people in a case: list (wherever each was raised: a flag follows
the person), raise, and clear with a reason."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.common import CaseNestedMixin, PartyField, PartyRefSerializer, UserRefSerializer
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors
from safeguarding import selectors
from safeguarding.api.common import CaseRecordsMixin
from safeguarding.models import Flag, FlagKind
from safeguarding.models.flag import REASON_MAX_LENGTH
from safeguarding.selectors.flags import flag_origins
from safeguarding.services import flags as flag_services


@extend_schema_serializer(component_name="FlaggedPerson")
class FlaggedPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


@extend_schema_serializer(component_name="Flag")
class FlagOutputSerializer(serializers.Serializer):
    """Needs `origins` (`flag_origins` for the case in the URL) in its context."""

    id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=FlagKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    person = FlaggedPersonSerializer()
    party = serializers.SerializerMethodField(
        help_text="The person's part in this case (the case in the URL)."
    )
    raised_on_this_case = serializers.SerializerMethodField()
    raised_on_case = serializers.SerializerMethodField(
        help_text=(
            "The reference of the other case the flag was raised on, when the caller "
            "may see that case; null when raised on this case or on a case the caller "
            "may not see."
        )
    )
    raised_on_agency = serializers.SerializerMethodField(
        help_text="The agency whose case the flag was raised on, when it is another case."
    )
    reason = serializers.CharField()
    raised_by = UserRefSerializer()
    raised_at = serializers.DateTimeField()
    review_on = serializers.DateField()
    is_live = serializers.BooleanField()
    cleared_at = serializers.DateTimeField(allow_null=True)
    cleared_by = UserRefSerializer(allow_null=True)
    clear_reason = serializers.CharField()

    @extend_schema_field(PartyRefSerializer(allow_null=True))
    def get_party(self, flag: Flag) -> dict | None:
        part = self.context["origins"].part_of(flag)
        return PartyRefSerializer(part).data if part is not None else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_raised_on_this_case(self, flag: Flag) -> bool:
        return self.context["origins"].raised_here(flag)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_raised_on_case(self, flag: Flag) -> str | None:
        return self.context["origins"].raised_on_reference(flag)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_raised_on_agency(self, flag: Flag) -> str | None:
        return self.context["origins"].raised_on_agency(flag)


def _context(actor, case, flags: list[Flag]) -> dict:
    return {"origins": flag_origins(actor=actor, case=case, flags=flags)}


LIVE_PARAMETER = OpenApiParameter(
    name="live",
    type=OpenApiTypes.BOOL,
    required=False,
    description="`true`: only live flags; `false`: only cleared ones. All when left out.",
)


class FlagListCreateApi(CaseRecordsMixin, APIView):
    """The flags of every person the caller may see in this case, wherever each
    flag was raised."""

    policy = {"GET": "safeguarding.flag.view", "POST": "safeguarding.flag.raise"}

    @extend_schema_serializer(component_name="FlagRaise")
    class InputSerializer(serializers.Serializer):
        party = PartyField(help_text="The id of the person's part in this case.")
        kind = serializers.ChoiceField(choices=FlagKind.choices)
        reason = serializers.CharField(max_length=REASON_MAX_LENGTH)
        review_on = serializers.DateField(help_text="Today or later.")

    pagination_class = CursorPagination.ordered_by("-raised_at", "-id")

    @extend_schema(
        parameters=[LIVE_PARAMETER],
        responses={200: FlagOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        flags = selectors.flag_list(
            actor=request.user, case=case, include_cleared=True, filters=request.query_params
        )
        paginator, page = self.case_page(
            request, case, flags, action="safeguarding.flag.listed", object_type="flag"
        )
        context = _context(request.user, case, page)
        return paginator.get_paginated_response(
            FlagOutputSerializer(page, many=True, context=context).data
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: FlagOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        payload = self.payload_for(request, case)
        flag = flag_services.flag_raise(actor=request.user, case=case, **payload)
        flag = selectors.flag_get_for_actor(actor=request.user, case=case, flag_id=flag.pk)
        return Response(
            FlagOutputSerializer(flag, context=_context(request.user, case, [flag])).data,
            status=status.HTTP_201_CREATED,
        )


class FlagClearApi(CaseNestedMixin, APIView):
    """Clear a flag on the case it was raised on. It stays on the record, with who
    cleared it, when and why."""

    policy = {"POST": "safeguarding.flag.raise"}

    @extend_schema_serializer(component_name="FlagClear")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=REASON_MAX_LENGTH)

    @extend_schema(
        request=InputSerializer,
        responses={200: FlagOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, flag_id):
        case = self.get_case(request, case_id)
        flag = selectors.flag_get_for_actor(actor=request.user, case=case, flag_id=flag_id)
        payload = self.payload_for(request, case)
        flag_services.flag_clear(actor=request.user, flag=flag, **payload)
        flag = selectors.flag_get_for_actor(actor=request.user, case=case, flag_id=flag.pk)
        return Response(
            FlagOutputSerializer(flag, context=_context(request.user, case, [flag])).data
        )


urlpatterns = [
    path("cases/<uuid:case_id>/flags/", FlagListCreateApi.as_view(), name="case-flags"),
    path(
        "cases/<uuid:case_id>/flags/<uuid:flag_id>/clear/",
        FlagClearApi.as_view(),
        name="case-flag-clear",
    ),
]
