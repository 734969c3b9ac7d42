"""A case's grants: who else holds it, why, from what source, for whom, until when;
granting it to a partner (the lead officer, investigators and supervisors of the
owning agency), revoking and renewing a grant. Only the owner sees them."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import agency_get_by_slug
from cases import selectors
from cases.api.common import CaseNestedMixin, CaseRecordsApi, PartyRefSerializer, UserRefSerializer
from cases.models import CaseGrant, GrantSource
from cases.services import grants as grant_services
from common.api.pagination import CursorPagination
from common.api.schema import errors
from common.errors import NotFound


@extend_schema_serializer(component_name="CaseGrantSource")
class GrantSourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=GrantSource.choices)
    referral_id = serializers.UUIDField(
        allow_null=True, help_text="The accepted referral, for a referral grant."
    )
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="For example 'Safeguarding referral from Northshire Police', or "
        "'Named by Ivy Investigator (Northshire Police)'."
    )


@extend_schema_serializer(component_name="CaseGrant")
class GrantOutputSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)  # type: ignore[var-annotated]
    granted_by = UserRefSerializer()
    revoked_by = UserRefSerializer(allow_null=True)
    renewed_by = UserRefSerializer(allow_null=True)
    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    scope = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()

    class Meta:
        model = CaseGrant
        fields = [
            "id",
            "agency",
            "reason",
            "source",
            "scope",
            "parties",
            "granted_by",
            "granted_at",
            "expires_at",
            "renewed_at",
            "renewed_by",
            "renew_reason",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
            "expired",
        ]

    def get_source(self, grant: CaseGrant) -> GrantSourceSerializer:
        return {  # type: ignore[return-value]
            "kind": grant.source_kind,
            "referral_id": grant.source_id if grant.source_kind == GrantSource.REFERRAL else None,
            "label": grant.source_label,
        }

    def get_scope(self, grant: CaseGrant) -> serializers.ChoiceField(  # type: ignore[valid-type]
        choices=[("whole_case", "whole_case"), ("parties", "parties")]
    ):
        return "parties" if grant.party_scoped else "whole_case"

    def get_parties(self, grant: CaseGrant) -> PartyRefSerializer(many=True):  # type: ignore[valid-type]
        """For a grant scoped to parties: who (of those the reader may see)."""
        if not grant.party_scoped:
            return []
        parties = getattr(grant, "scope_parties", None)
        if parties is None:
            parties = list(grant.parties.select_related("person"))
        return PartyRefSerializer(parties, many=True).data


class CaseGrantListCreateApi(CaseRecordsApi):
    policy = {"GET": "cases.grant.view", "POST": "cases.grant.manage"}
    output_serializer = GrantOutputSerializer
    list_errors = (401, 403, 404)
    create_errors = (400, 401, 403, 404, 409, 422)

    @extend_schema_serializer(component_name="CaseGrantCreate")
    class InputSerializer(serializers.Serializer):
        agency = serializers.SlugField(help_text="The slug of the agency to grant the case to.")
        reason = serializers.CharField(max_length=2000, allow_blank=True)
        parties = serializers.ListField(
            child=serializers.UUIDField(),
            required=False,
            allow_null=True,
            help_text="Only these parties; leave out (or null) to grant the whole case.",
        )

    pagination_class = CursorPagination.ordered_by("-granted_at", "-id")

    def records(self, request, case):
        return selectors.grant_list(actor=request.user, case=case)

    def record(self, request, case, data):
        try:
            agency = agency_get_by_slug(slug=data["agency"])
        except NotFound as exc:
            raise serializers.ValidationError({"agency": ["No agency has this slug."]}) from exc
        return grant_services.case_grant(
            actor=request.user,
            case=case,
            agency=agency,
            reason=data["reason"],
            parties=data.get("parties"),
        )


class _GrantActionApi(CaseNestedMixin, APIView):
    policy = {"POST": "cases.grant.manage"}

    @extend_schema_serializer(component_name="CaseGrantReason")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    def _act(self, request, case_id, grant_id, service):
        case = self.get_case(request, case_id)
        grant = selectors.grant_get_for_actor(actor=request.user, case=case, grant_id=grant_id)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        changed = service(actor=request.user, grant=grant, reason=payload.validated_data["reason"])
        return Response(GrantOutputSerializer(changed).data)


class CaseGrantRevokeApi(_GrantActionApi):
    @extend_schema(
        request=_GrantActionApi.InputSerializer,
        responses={200: GrantOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, grant_id):
        return self._act(request, case_id, grant_id, grant_services.case_grant_revoke)


class CaseGrantRenewApi(_GrantActionApi):
    @extend_schema(
        request=_GrantActionApi.InputSerializer,
        responses={200: GrantOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, grant_id):
        """Another 20 working days from now, for a reason: only a grant that ends by
        itself (a referral grant whose referral was completed) can be renewed."""
        return self._act(request, case_id, grant_id, grant_services.case_grant_renew)


urlpatterns = [
    path("cases/<uuid:case_id>/grants/", CaseGrantListCreateApi.as_view(), name="case-grants"),
    path(
        "cases/<uuid:case_id>/grants/<uuid:grant_id>/revoke/",
        CaseGrantRevokeApi.as_view(),
        name="case-grant-revoke",
    ),
    path(
        "cases/<uuid:case_id>/grants/<uuid:grant_id>/renew/",
        CaseGrantRenewApi.as_view(),
        name="case-grant-renew",
    ),
]
