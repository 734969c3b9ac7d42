"""What the OpenAPI schema says about the shared conventions: the error bodies that
`common.api.errors` writes, and the If-Match and Idempotency-Key headers. Views use
these so that every endpoint documents the same responses the same way.

`AutoSchema` adds the errors an endpoint gives by construction (401 and 403 when it
needs credentials, 404 under a path parameter, 400 for its query, headers or body,
413 and 415 for a body, 412 and 428 with If-Match, 422 with Idempotency-Key), so that no
endpoint forgets one; views name only the errors their own logic adds, such as 409.
`.ci/schemathesis.sh` checks that the served API answers nothing else."""

from typing import cast

from django import forms
from django_filters import FilterSet
from drf_spectacular import openapi
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers

from common.api.concurrency import ETAG_PATTERN


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema_serializer(component_name="ValidationError")
class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each bad field, with what is wrong with it.",
    )


@extend_schema_serializer(component_name="InvalidStateError")
class InvalidStateErrorSerializer(ErrorSerializer):
    state = serializers.CharField(help_text="The record's current state.")


@extend_schema_serializer(component_name="StaleVersionError")
class StaleVersionErrorSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(help_text="The record's current version.")


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
    413: OpenApiResponse(
        ErrorSerializer, description="The body, or an uploaded file, is too large."
    ),
    415: OpenApiResponse(ErrorSerializer, description="The file type is refused."),
    422: OpenApiResponse(
        ErrorSerializer,
        description="This Idempotency-Key was already used with a different request.",
    ),
    428: OpenApiResponse(
        ErrorSerializer,
        description="If-Match is missing, or is `*` rather than a version. Nothing changed.",
    ),
    429: OpenApiResponse(
        ErrorSerializer,
        description="Locked after too many failed sign-ins; `Retry-After` says for how long.",
    ),
}


def errors(*codes: int) -> dict:
    """The shared error answers, with their bodies, for an endpoint's schema."""
    return {code: ERROR_RESPONSES[code] for code in codes}


def _if_match(*, required: bool, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name="If-Match",
        type={"type": "string", "pattern": ETAG_PATTERN},
        location=OpenApiParameter.HEADER,
        required=required,
        description='The ETag of the version you last read, such as "3". ' + description,
    )


IF_MATCH = _if_match(
    required=True,
    description="Without it, or with `*`, 428; a value that is not such an ETag, 400; a "
    "version no longer current, 412.",
)

# For a record made by its first PUT: that one needs no If-Match; every later one does.
IF_MATCH_ONCE_IT_EXISTS = _if_match(
    required=False,
    description="Not needed by the first PUT, which creates the record; needed by every "
    "later one (without it 428).",
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


def results_of(component_name: str, serializer) -> serializers.Serializer:
    """An unpaginated list answered as `{"results": [...]}`, for lists that are
    small by nature (a case's outcomes)."""
    return inline_serializer(component_name, fields={"results": serializer(many=True)})


def filter_parameters(filterset_class: type[FilterSet]) -> list[OpenApiParameter]:
    """The query parameters of a list's FilterSet (common/filters.py), for its schema:
    text filters default to empty (no filter); other values may be left out."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        schema: dict = {"type": "string"}
        if isinstance(field, forms.CharField):
            schema["default"] = ""
        else:
            if isinstance(field, forms.DateField):
                schema["format"] = "date"
            elif isinstance(field, forms.UUIDField):
                schema["format"] = "uuid"
            elif isinstance(field, forms.IntegerField):
                schema["type"] = "integer"
            elif isinstance(field, forms.ChoiceField):
                choices = cast(list[tuple[str, str]], field.choices)
                schema["enum"] = [value for value, _ in choices if value != ""]
            schema["nullable"] = True
        parameters.append(
            OpenApiParameter(
                name=name,
                type=schema,
                location=OpenApiParameter.QUERY,
                required=False,
                description=str(field.help_text or ""),
            )
        )
    return parameters


_BODY_METHODS = {"POST", "PUT", "PATCH"}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, plus the errors every endpoint gives by construction."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in sorted(self._errors_by_construction(operation)):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(ERROR_RESPONSES[code], str(code))
        return operation

    def _errors_by_construction(self, operation: dict) -> set[int]:
        codes: set[int] = set()
        parameters = operation.get("parameters", [])
        where = {parameter["in"] for parameter in parameters}
        headers = {parameter["name"] for parameter in parameters if parameter["in"] == "header"}
        if any(requirement for requirement in operation.get("security", [])):
            codes.add(401)
            # A role refused a collection, a service refused the action, or a signed-in
            # browser sent no CSRF token (on any change).
            action = getattr(self.view, "policy", {}).get(self.method)
            if self.method in _BODY_METHODS or self.method == "DELETE" or action != "signed_in":
                codes.add(403)
        if "path" in where:
            codes.add(404)
        if "query" in where or headers & {"If-Match", "Idempotency-Key"}:
            codes.add(400)
        if "requestBody" in operation:
            # 413 past the size limit (common.api.middleware), whatever the view.
            codes |= {400, 413, 415}
        if "If-Match" in headers:
            codes |= {412, 428}
        if "Idempotency-Key" in headers:
            codes.add(422)
        if self._writes_on_a_case():
            # A closed case refuses every write (cases.services.common.case_open_require).
            codes.add(409)
        return codes

    def _writes_on_a_case(self) -> bool:
        return (self.method in _BODY_METHODS or self.method == "DELETE") and "{case_id}" in (
            self.path or ""
        )
