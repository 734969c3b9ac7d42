"""What the OpenAPI schema says about the shared conventions: the error bodies that
`common.api.errors` writes, and the If-Match and Idempotency-Key headers. Views use
these so that every endpoint documents the same responses the same way."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema_serializer(component_name="ValidationError")
class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each bad field, with what is wrong with it.",
    )


@extend_schema_serializer(component_name="InvalidStateError")
class InvalidStateErrorSerializer(ErrorSerializer):
    state = serializers.CharField(help_text="The record's current state.")


@extend_schema_serializer(component_name="StaleVersionError")
class StaleVersionErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(
        help_text="The record's current version, or -1 if If-Match was not a Tideline ETag."
    )


ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    400: OpenApiResponse(
        ValidationErrorSerializer, description="Invalid input; `errors` names each bad field."
    ),
    401: OpenApiResponse(ErrorSerializer, description="No valid credentials."),
    403: OpenApiResponse(ErrorSerializer, description="The caller's role may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="Missing, or outside the caller's scope."),
    409: OpenApiResponse(
        InvalidStateErrorSerializer,
        description="Not allowed in the record's current state, which `state` names.",
    ),
    412: OpenApiResponse(
        StaleVersionErrorSerializer,
        description="If-Match names a version that is no longer current. Nothing changed.",
    ),
    413: OpenApiResponse(ErrorSerializer, description="The upload is too large."),
    415: OpenApiResponse(ErrorSerializer, description="The file type is refused."),
    422: OpenApiResponse(
        ErrorSerializer,
        description="This Idempotency-Key was already used with a different request.",
    ),
    428: OpenApiResponse(ErrorSerializer, description="If-Match is missing. Nothing changed."),
}


def errors(*codes: int) -> dict:
    """The shared error answers, with their bodies, for an endpoint's schema."""
    return {code: ERROR_RESPONSES[code] for code in codes}


IF_MATCH = OpenApiParameter(
    name="If-Match",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the version you last read, such as "3".',
)

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type={"type": "string", "maxLength": 255},
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Makes a retry safe: the same key with the same body replays the first response "
        "(with `Idempotent-Replayed: true`) and creates nothing; with a different body, 422. "
        "At most 255 characters: a longer key answers 400."
    ),
)
