"""Pieces shared by the cases API: reading the case a nested endpoint hangs off,
and small serializers for the people and users a record refers to."""

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from cases import selectors
from cases.models import Case, CaseParty
from common.errors import NotFound


class CaseNestedMixin:
    """For endpoints under /cases/{case_id}/: the case, read through its selector,
    scoped by the action this method takes (404 when out of scope for it), without
    logging a whole-case read for each nested call."""

    policy: dict[str, str]  # the view's, read by the default permission class

    def get_case(self, request, case_id) -> Case:
        method = "GET" if request.method == "HEAD" else request.method
        return selectors.case_get_for_actor(
            actor=request.user, case_id=case_id, action=self.policy[method], log=False
        )


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
