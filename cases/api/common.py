"""Pieces shared by the cases API: reading the case a nested endpoint hangs off,
and small serializers for the people and users a record refers to."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_serializer, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.models import Case, CaseParty
from common.api.idempotency import idempotent_create
from common.api.schema import errors
from common.errors import NotFound


class PagedMixin:
    # For a list endpoint: one page of its records (the view's `pagination_class`).
    # (A comment, not a docstring: the schema would describe every endpoint with it.)

    def page_of(
        self, request: Request, records: QuerySet, serializer: type[serializers.Serializer]
    ) -> Response:
        paginator = self.pagination_class()  # type: ignore[attr-defined]
        page = paginator.paginate_queryset(records, request, self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


class CaseNestedMixin(PagedMixin):
    """For endpoints under /cases/{case_id}/: the case, read through its selector,
    scoped by the action this method takes (404 when out of scope for it), without
    logging a whole-case read for each nested call."""

    policy: dict[str, str]  # the view's, read by the default permission class

    def get_case(self, request, case_id) -> Case:
        method = "GET" if request.method == "HEAD" else request.method
        return selectors.case_get_for_actor(
            actor=request.user, case_id=case_id, action=self.policy[method], log=False
        )

    def payload_for(self, request: Request, case: Case) -> dict[str, Any]:
        """The request's body, read by the view's InputSerializer for this case."""
        payload = self.InputSerializer(  # type: ignore[attr-defined]
            data=request.data, context={"case": case, "actor": request.user}
        )
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)


class CaseRecordsApi(CaseNestedMixin, APIView):
    # One kind of a case's records under /cases/{case_id}/: GET, a page of them in the
    # order of the view's `Pagination`; POST, record one (idempotent, 201 with it).
    # A subclass says what differs: its policy, InputSerializer, `output_serializer`,
    # `records()` (the selector) and `record()` (the service); the schema follows from
    # them when the class is made. (Comments, not docstrings: the schema would show them.)

    output_serializer: type[serializers.Serializer]
    list_errors: tuple[int, ...] = (401, 404)
    create_errors: tuple[int, ...] = (400, 401, 403, 404, 422)
    create_request: Any = None  # the POST body's schema; the InputSerializer by default
    create_responses: dict[int, Any] = {}  # more documented answers to a POST
    create_description: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        extend_schema_view(
            get=extend_schema(
                responses={200: cls.output_serializer(many=True), **errors(*cls.list_errors)}
            ),
            post=extend_schema(
                request=cls.create_request or cls.InputSerializer,  # type: ignore[attr-defined]
                responses={
                    201: cls.output_serializer,
                    **errors(*cls.create_errors),
                    **cls.create_responses,
                },
                description=cls.create_description,
            ),
        )(cls)

    def records(self, request: Request, case: Case) -> QuerySet:
        raise NotImplementedError

    def record(self, request: Request, case: Case, data: dict[str, Any]) -> Model:
        raise NotImplementedError

    def created(self, record: Model) -> Response:
        return Response(self.output_serializer(record).data, status=status.HTTP_201_CREATED)

    def get(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.page_of(request, self.records(request, case), self.output_serializer)

    @idempotent_create
    def post(self, request, case_id):
        case = self.get_case(request, case_id)
        return self.created(self.record(request, case, self.payload_for(request, case)))


@extend_schema_serializer(component_name="UserRef")
class UserRefSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.SerializerMethodField()

    def get_full_name(self, user: User) -> str:
        return user.get_full_name() or user.get_username()


@extend_schema_serializer(component_name="PartyRef")
class PartyRefSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="person.full_name")

    class Meta:
        model = CaseParty
        fields = ["id", "role", "full_name"]


class PartyField(serializers.UUIDField):
    """A party of the case in the serializer's context, that the caller may see."""

    def to_internal_value(self, data):
        party_id = super().to_internal_value(data)
        case = self.context["case"]
        try:
            return selectors.party_get_for_actor(
                actor=self.context["actor"], case=case, party_id=party_id, log=False
            )
        except NotFound as exc:
            raise serializers.ValidationError("Choose a party to this case.") from exc
