"""The agencies API: tokens, the caller, their agency's people, the access log.
Thin: parse, call a service or selector, render."""

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import selectors
from agencies.access import SIGNED_IN, SignInEndpoint
from agencies.filters import AccessLogFilter
from agencies.models import AccessLogEntry, Agency, Membership, Role, Team
from agencies.services import members as member_services
from agencies.services.sign_in import SignInFailed
from agencies.services.tokens import token_issue, token_revoke
from common.api.concurrency import ETagMixin, expected_version
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import ERROR_RESPONSES as ERRORS
from common.api.schema import IDEMPOTENCY_KEY, IF_MATCH, errors, filter_parameters


class AgencySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["slug", "name", "kind"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "slug"]


class TokenCreateApi(APIView):
    authentication_classes = []
    permission_classes = [SignInEndpoint]

    @extend_schema_serializer(component_name="TokenCreate")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=4096, trim_whitespace=False)
        otp = serializers.CharField(max_length=12)

    @extend_schema_serializer(component_name="Token")
    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 400: ERRORS[400], 401: ERRORS[401], 429: ERRORS[429]},
        auth=[],
        summary="Exchange a username, password and TOTP code for a bearer token",
    )
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            token, raw = token_issue(request=request._request, **payload.validated_data)
        except SignInFailed as failure:
            return Response(
                {"detail": failure.message},
                status=status.HTTP_429_TOO_MANY_REQUESTS
                if failure.locked
                else status.HTTP_401_UNAUTHORIZED,
                headers={"Retry-After": "1800"}
                if failure.locked
                else {"WWW-Authenticate": 'Bearer realm="api"'},
            )
        return Response(
            self.OutputSerializer({"token": raw, "expires_at": token.expires_at}).data,
            status=status.HTTP_201_CREATED,
        )


class LogoutApi(APIView):
    policy = {"POST": SIGNED_IN}

    @extend_schema(request=None, responses={204: None, 401: ERRORS[401]})
    def post(self, request):
        if request.auth is not None and hasattr(request.auth, "key_hash"):
            token_revoke(actor=request.user, token=request.auth, reason="logged out")
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    policy = {"GET": SIGNED_IN}

    @extend_schema_serializer(component_name="Me")
    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField(source="user.username")
        full_name = serializers.CharField()
        agency = AgencySummarySerializer()
        role = serializers.ChoiceField(choices=Role.choices)
        team = TeamSerializer(allow_null=True)

    @extend_schema(responses={200: OutputSerializer, 401: ERRORS[401]})
    def get(self, request):
        membership = selectors.member_get_self(actor=request.user)
        return Response(self.OutputSerializer(membership).data)


@extend_schema_serializer(component_name="Member")
class MemberOutputSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    full_name = serializers.CharField()
    email = serializers.EmailField(source="user.email", allow_blank=True)
    is_active = serializers.BooleanField()
    team = TeamSerializer(allow_null=True)
    agency = AgencySummarySerializer()
    last_sign_in = serializers.DateTimeField(source="user.last_login", allow_null=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "role",
            "team",
            "agency",
            "is_active",
            "last_sign_in",
            "version",
        ]


@extend_schema_serializer(component_name="MemberWithEnrolmentLink")
class MemberWithEnrolmentLinkSerializer(MemberOutputSerializer):
    """A person just created, or whose authenticator was just reset, with the
    one-time enrolment link to pass on. The link is in this response only: Tideline
    keeps its hash, and a replay of the request (Idempotency-Key) answers null."""

    enrolment_link = serializers.SerializerMethodField()
    enrolment_expires_at = serializers.SerializerMethodField()

    class Meta(MemberOutputSerializer.Meta):
        fields = [*MemberOutputSerializer.Meta.fields, "enrolment_link", "enrolment_expires_at"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_enrolment_link(self, membership) -> str | None:
        issued = self.context.get("issued")
        return issued.url if issued else None

    @extend_schema_field(serializers.DateTimeField())
    def get_enrolment_expires_at(self, membership) -> str:
        return serializers.DateTimeField().to_representation(self.context["issued"].expires_at)


def _team_or_error(actor, team_id):
    if team_id is None:
        return None
    try:
        return selectors.team_get_for_actor(actor=actor, team_id=team_id)
    except Exception as exc:
        raise serializers.ValidationError({"team": ["Choose a team of your own agency."]}) from exc


class MemberListCreateApi(APIView):
    policy = {"GET": "agencies.member.view", "POST": "agencies.member.manage"}

    @extend_schema_serializer(component_name="MemberCreate")
    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        first_name = serializers.CharField(max_length=150)
        last_name = serializers.CharField(max_length=150)
        email = serializers.EmailField(required=False, allow_blank=True, default="")
        role = serializers.ChoiceField(choices=Role.choices)
        team = serializers.UUIDField(required=False, allow_null=True, default=None)

        def validate(self, attrs):
            # Said out loud rather than ignored: a client still sending the password it
            # chose would otherwise believe the account can sign in with it.
            if "password" in self.initial_data:
                raise serializers.ValidationError(
                    {
                        "password": [
                            "Admins do not set passwords. The person creates their own "
                            "through the enrolment link in the response."
                        ]
                    }
                )
            return attrs

    # Read by drf-spectacular, so that the schema shows the page envelope and its
    # `cursor` and `page_size` parameters rather than a bare array.
    pagination_class = CursorPagination.ordered_by("user__username")
    idempotency_unkept_fields = ("enrolment_link",)

    @extend_schema(
        responses={200: MemberOutputSerializer(many=True), 401: ERRORS[401], 403: ERRORS[403]}
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.member_list(actor=request.user), request, self)
        return paginator.get_paginated_response(MemberOutputSerializer(page, many=True).data)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: MemberWithEnrolmentLinkSerializer, **errors(400, 401, 403, 422)},
        description=(
            "Creates the account without a usable password or authenticator. The answer "
            "carries a one-time `enrolment_link`, valid for 72 hours, through which the "
            "person sets their own password and enrols their authenticator; until then "
            "they cannot sign in."
        ),
    )
    @idempotent_create
    def post(self, request):
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        team = _team_or_error(request.user, data.pop("team"))
        membership, issued = member_services.member_create(actor=request.user, team=team, **data)
        response = Response(
            MemberWithEnrolmentLinkSerializer(membership, context={"issued": issued}).data,
            status=status.HTTP_201_CREATED,
        )
        response["Location"] = reverse("api:member-detail", args=[membership.id])
        response["ETag"] = f'"{membership.version}"'
        return response


class MemberDetailApi(ETagMixin, APIView):
    policy = {"GET": "agencies.member.view", "PATCH": "agencies.member.manage"}

    @extend_schema_serializer(component_name="MemberChange")
    class InputSerializer(serializers.Serializer):
        first_name = serializers.CharField(max_length=150, required=False)
        last_name = serializers.CharField(max_length=150, required=False)
        email = serializers.EmailField(required=False, allow_blank=True)
        role = serializers.ChoiceField(choices=Role.choices, required=False)
        team = serializers.UUIDField(required=False, allow_null=True)
        reason = serializers.CharField(max_length=500)

    @extend_schema(responses={200: MemberOutputSerializer, 401: ERRORS[401], 404: ERRORS[404]})
    def get(self, request, member_id):
        membership = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        return self.with_etag(Response(MemberOutputSerializer(membership).data), membership.version)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH],
        responses={200: MemberOutputSerializer, **errors(400, 401, 404, 412, 428)},
    )
    def patch(self, request, member_id):
        membership = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        version = expected_version(request)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        clear_team = "team" in data and data["team"] is None
        team = _team_or_error(request.user, data.pop("team", None))
        updated = member_services.member_update(
            actor=request.user,
            membership=membership,
            expected_version=version,
            team=team,
            clear_team=clear_team,
            **data,
        )
        return self.with_etag(Response(MemberOutputSerializer(updated).data), updated.version)


class _MemberActionApi(APIView):
    """POST /members/{id}/<action>/ with {"reason": "..."}."""

    policy = {"POST": "agencies.member.manage"}
    service: Callable[..., Any] | None = None

    @extend_schema_serializer(component_name="Reason")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    def post(self, request, member_id):
        membership = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        type(self).service(actor=request.user, membership=membership, **payload.validated_data)
        refreshed = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        return Response(MemberOutputSerializer(refreshed).data)


_action_schema = extend_schema(
    request=_MemberActionApi.InputSerializer,
    responses={200: MemberOutputSerializer, **errors(400, 401, 404, 409)},
)


@_action_schema
class MemberDeactivateApi(_MemberActionApi):
    service = staticmethod(member_services.member_deactivate)


@_action_schema
class MemberReactivateApi(_MemberActionApi):
    service = staticmethod(member_services.member_reactivate)


@extend_schema(
    request=_MemberActionApi.InputSerializer,
    responses={200: MemberWithEnrolmentLinkSerializer, **errors(400, 401, 404, 409)},
    description=(
        "Removes the person's authenticator, deletes their sessions and revokes their "
        "tokens. The answer carries a new one-time `enrolment_link` (72 hours); earlier "
        "links stop working. The person cannot sign in until they use it. An admin's "
        "own authenticator is reset by another admin (409)."
    ),
)
class MemberMfaResetApi(_MemberActionApi):
    def post(self, request, member_id):
        membership = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        issued = member_services.member_mfa_reset(
            actor=request.user, membership=membership, **payload.validated_data
        )
        refreshed = selectors.member_get_for_actor(actor=request.user, member_id=member_id)
        return Response(
            MemberWithEnrolmentLinkSerializer(refreshed, context={"issued": issued}).data
        )


@_action_schema
class MemberUnlockApi(_MemberActionApi):
    service = staticmethod(member_services.member_unlock)


class TeamListApi(APIView):
    policy = {"GET": SIGNED_IN}

    pagination_class = CursorPagination.ordered_by("name", "id")

    @extend_schema(responses={200: TeamSerializer(many=True), 401: ERRORS[401]})
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.team_list(actor=request.user), request, self)
        return paginator.get_paginated_response(TeamSerializer(page, many=True).data)


class AccessLogListApi(APIView):
    policy = {"GET": "audit.access_log.view"}

    @extend_schema_serializer(component_name="AccessLogEntry")
    class OutputSerializer(serializers.ModelSerializer):
        record_ids = serializers.ListField(
            child=serializers.CharField(),
            read_only=True,
            help_text='What a list or page showed, each as "type:id".',
        )
        object_agency_slugs = serializers.ListField(
            child=serializers.CharField(),
            read_only=True,
            help_text="Every agency whose records the entry names, when more than one.",
        )

        class Meta:
            model = AccessLogEntry
            fields = [
                "sequence",
                "at",
                "username",
                "agency_slug",
                "action",
                "outcome",
                "object_type",
                "object_id",
                "object_agency_slug",
                "endpoint",
                "method",
                "ip_address",
                "justification",
                "query",
                "record_ids",
                "object_agency_slugs",
                "previous_hash",
                "entry_hash",
            ]

    pagination_class = CursorPagination.ordered_by("-sequence")

    @extend_schema(
        parameters=filter_parameters(AccessLogFilter),
        responses={200: OutputSerializer(many=True), 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request):
        entries = selectors.access_log_list(actor=request.user, filters=request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, self)
        return paginator.get_paginated_response(self.OutputSerializer(page, many=True).data)
