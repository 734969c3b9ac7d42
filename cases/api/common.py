"""Pieces shared by the cases API: reading the case a nested endpoint hangs off,
and small serializers for the people and users a record refers to."""

from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors
from cases.models import Case, CaseParty
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
