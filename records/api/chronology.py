"""GET /api/v1/cases/{id}/chronology/: the case chronology (records.selectors.chronology)
as the caller may see it, filtered by kind and by person, in pages of `{next,
previous, results}` by cursor."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from agencies.models import Compartment
from cases.api.common import CaseNestedMixin
from common.api.schema import errors
from records.selectors.chronology import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    ChronologyKind,
    InvalidCursor,
    case_chronology,
)

_BAD_CURSOR = "This cursor is not one Tideline gave: follow `next` or `previous`."


@extend_schema_serializer(component_name="ChronologyParty")
class ChronologyPartySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    role = serializers.CharField(help_text="The person's part in the case, in words.")


@extend_schema_serializer(component_name="ChronologyWho")
class ChronologyWhoSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Empty when nobody acted (a deadline passed).")
    agency = serializers.CharField()


@extend_schema_serializer(component_name="ChronologyEntry")
class ChronologyEntrySerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ChronologyKind.choices)
    summary = serializers.CharField(help_text="One line, in British English.")
    who = serializers.SerializerMethodField()
    party = ChronologyPartySerializer(allow_null=True, help_text="The person it concerns.")
    compartment = serializers.ChoiceField(choices=Compartment.choices)
    url = serializers.SerializerMethodField(help_text="The case page that shows the record.")

    @extend_schema_field(ChronologyWhoSerializer)
    def get_who(self, entry) -> dict:
        return {"name": entry.who_name, "agency": entry.who_agency}

    def get_url(self, entry) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(entry.url) if request else entry.url


@extend_schema_serializer(component_name="ChronologyPage")
class ChronologyPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ChronologyEntrySerializer(many=True)


class CaseChronologyApi(CaseNestedMixin, APIView):
    policy = {"GET": "cases.case.view"}

    class QuerySerializer(serializers.Serializer):
        kind = serializers.ListField(
            child=serializers.ChoiceField(choices=ChronologyKind.choices), required=False
        )
        party = serializers.UUIDField(required=False)
        cursor = serializers.CharField(required=False)
        page_size = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "kind",
                {"type": "array", "items": {"type": "string", "enum": ChronologyKind.values}},
                required=False,
                explode=True,
                description="Only these kinds of entry (repeat the parameter for several); "
                "all when not given.",
            ),
            OpenApiParameter(
                "party",
                OpenApiTypes.UUID,
                required=False,
                description="Only the entries about this person of the case (a party id).",
            ),
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                required=False,
                description="Where the page starts: the `next` or `previous` link's cursor.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                required=False,
                description=f"How many entries a page holds: 1 to {MAX_LIMIT}.",
            ),
        ],
        responses={200: ChronologyPageSerializer, **errors(400, 401, 404)},
    )
    def get(self, request, case_id):
        """Everything on the case that the caller may see, newest first (ties by
        source, then record): events, contacts, key decisions, assessments,
        referrals and their moves, duties met or missed, flags, outcomes, grants,
        transfers, tasks, strategy discussions and, for a reader cleared for it, the
        material summary's changes. Each with when, who (name and agency), the person
        it concerns and its compartment."""
        case = self.get_case(request, case_id)
        # A repeated `kind` is read as a list (a QueryDict, read by the ListField).
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        given = query.validated_data
        try:
            page = case_chronology(
                actor=request.user,
                case=case,
                kinds=given.get("kind") or None,
                party=given.get("party"),
                cursor=given.get("cursor"),
                limit=given["page_size"],
            )
        except InvalidCursor as exc:
            raise ValidationError({"cursor": [_BAD_CURSOR]}) from exc
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        here = request.build_absolute_uri()

        def link(cursor: str | None) -> str | None:
            return replace_query_param(here, "cursor", cursor) if cursor else None

        return Response(
            {
                "next": link(page.next_cursor),
                "previous": link(page.previous_cursor),
                "results": ChronologyEntrySerializer(
                    page.entries, many=True, context={"request": request}
                ).data,
            }
        )
