"""A party's identifiers (emails, usernames, phones, IP addresses...) and a case's:
nested lists, adding one, and removing one for a reason."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.api.common import CaseNestedMixin
from cases.models import Case, CaseParty
from cases.models.identifier import PERSON_IDENTIFIER_KINDS, Identifier, IdentifierKind
from cases.selectors import identifiers as identifier_selectors
from cases.services import identifiers as identifier_services
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import errors


@extend_schema_serializer(component_name="Identifier")
class IdentifierOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Identifier
        fields = [
            "id",
            "party",
            "kind",
            "value",
            "given",
            "platform",
            "seen_at",
            "port",
            "created_at",
        ]
        extra_kwargs = {
            "party": {"help_text": "The party it is of; null for the case's own numbers."},
            "value": {"help_text": "Normalised: what searches and matches compare."},
            "given": {"help_text": "As it was given."},
        }


class _IdentifierListMixin(CaseNestedMixin):
    pagination_class = CursorPagination.ordered_by(*identifier_selectors.ORDER)

    def logged_page(self, request, case: Case, identifiers) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(identifiers, request, self)
        identifier_selectors.identifier_list_logged(actor=request.user, case=case, identifiers=page)
        return paginator.get_paginated_response(IdentifierOutputSerializer(page, many=True).data)

    def get_party(self, request, case: Case, party_id) -> CaseParty:
        return selectors.party_get_for_actor(
            actor=request.user, case=case, party_id=party_id, log=False
        )


class PartyIdentifierListCreateApi(_IdentifierListMixin, APIView):
    policy = {"GET": "cases.identifier.view", "POST": "cases.identifier.add"}

    @extend_schema_serializer(component_name="IdentifierCreate")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(
            choices=[(k.value, k.label) for k in IdentifierKind if k in PERSON_IDENTIFIER_KINDS]
        )
        value = serializers.CharField(
            max_length=300, help_text="As written: it is stored normalised beside it."
        )
        platform = serializers.CharField(
            max_length=100,
            required=False,
            allow_blank=True,
            help_text="For a username: the platform it is on (required).",
        )
        seen_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            help_text="For an IP address: the moment it was seen (required).",
        )
        port = serializers.IntegerField(
            required=False, allow_null=True, help_text="For an IP address: its port, if known."
        )
        reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    @extend_schema(responses={200: IdentifierOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id, party_id):
        case = self.get_case(request, case_id)
        party = self.get_party(request, case, party_id)
        return self.logged_page(
            request,
            case,
            identifier_selectors.identifier_list_of_party(actor=request.user, party=party),
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: IdentifierOutputSerializer, **errors(400, 401, 403, 404, 409, 422)},
    )
    @idempotent_create
    def post(self, request, case_id, party_id):
        case = self.get_case(request, case_id)
        party = self.get_party(request, case, party_id)
        data = self.payload_for(request, case)
        identifier = identifier_services.party_identifier_add(
            actor=request.user,
            party=party,
            kind=data["kind"],
            given=data["value"],
            platform=data.get("platform", ""),
            seen_at=data.get("seen_at"),
            port=data.get("port"),
            reason=data.get("reason", ""),
        )
        return Response(IdentifierOutputSerializer(identifier).data, status=status.HTTP_201_CREATED)


class PartyIdentifierRemoveApi(_IdentifierListMixin, APIView):
    policy = {"POST": "cases.identifier.remove"}

    @extend_schema_serializer(component_name="IdentifierRemove")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        request=InputSerializer,
        responses={204: None, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, case_id, party_id, identifier_id):
        """Remove one of the party's identifiers, for a reason: it matches nothing
        from then on, and the access log keeps who removed it and why."""
        case = self.get_case(request, case_id)
        party = self.get_party(request, case, party_id)
        identifier = identifier_selectors.party_identifier_get_for_actor(
            actor=request.user, party=party, identifier_id=identifier_id
        )
        data = self.payload_for(request, case)
        identifier_services.party_identifier_remove(
            actor=request.user, identifier=identifier, reason=data["reason"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseIdentifierListApi(_IdentifierListMixin, APIView):
    policy = {"GET": "cases.identifier.view"}

    @extend_schema(responses={200: IdentifierOutputSerializer(many=True), **errors(401, 404)})
    def get(self, request, case_id):
        """The case's identifiers the caller may see: those of the parties they may
        see, and the case's own report and package numbers."""
        case = self.get_case(request, case_id)
        return self.logged_page(
            request,
            case,
            identifier_selectors.identifier_list_of_case(actor=request.user, case=case),
        )


urlpatterns = [
    path(
        "cases/<uuid:case_id>/identifiers/",
        CaseIdentifierListApi.as_view(),
        name="case-identifiers",
    ),
    path(
        "cases/<uuid:case_id>/parties/<uuid:party_id>/identifiers/",
        PartyIdentifierListCreateApi.as_view(),
        name="case-party-identifiers",
    ),
    path(
        "cases/<uuid:case_id>/parties/<uuid:party_id>/identifiers/<uuid:identifier_id>/remove/",
        PartyIdentifierRemoveApi.as_view(),
        name="case-party-identifier-remove",
    ),
]
