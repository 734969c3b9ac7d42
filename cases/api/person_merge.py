"""Person merge (issue 19, cases.services.person_merge): merge two records of one
person, read the merge, undo it within 20 working days; a person's possible
duplicates (cases.selectors.duplicates)."""

from django.urls import path, reverse
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.audit import access_read_record
from cases import selectors
from cases.api.common import UserRefSerializer
from cases.models import PersonMerge
from cases.models.merge import REASON_MAX_LENGTH
from cases.selectors.duplicates import person_duplicates
from cases.selectors.person_merges import (
    person_merge_get_for_actor,
    person_merge_is_undoable,
    person_merge_moves_summary,
)
from cases.services import person_merge as merge_services
from common.api.idempotency import idempotent_create
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import NotFound


@extend_schema_serializer(component_name="PersonMergePerson")
class MergedPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


@extend_schema_serializer(component_name="PersonMergeMoves")
class MovesSerializer(serializers.Serializer):
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="What kind of record: a part in a case, a flag..."
    )
    moved = serializers.IntegerField()
    restored = serializers.IntegerField(help_text="Put back by the undo.")
    gone = serializers.IntegerField(
        help_text="No longer with the survivor when the merge was undone: left as it was."
    )


@extend_schema_serializer(component_name="PersonMerge")
class PersonMergeOutputSerializer(serializers.ModelSerializer):
    survivor = MergedPersonSerializer()
    merged = MergedPersonSerializer()
    merged_by = UserRefSerializer()
    undone_by = UserRefSerializer(allow_null=True)
    undoable = serializers.SerializerMethodField()
    moves = serializers.SerializerMethodField()

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "survivor",
            "merged",
            "reason",
            "merged_by",
            "merged_at",
            "undo_until",
            "undoable",
            "undone_at",
            "undone_by",
            "undo_reason",
            "moves",
            "version",
        ]

    def get_undoable(self, merge: PersonMerge) -> bool:
        return person_merge_is_undoable(merge)

    @extend_schema_field(MovesSerializer(many=True))
    def get_moves(self, merge: PersonMerge) -> list[dict]:
        return [vars(count) for count in person_merge_moves_summary(merge)]


def _merge_response(merge: PersonMerge, code: int = status.HTTP_200_OK) -> Response:
    return Response(PersonMergeOutputSerializer(merge).data, status=code)


class PersonMergeCreateApi(APIView):
    policy = {"POST": "cases.person.merge"}

    @extend_schema_serializer(component_name="PersonMergeCreate")
    class InputSerializer(serializers.Serializer):
        other_person = serializers.UUIDField(
            help_text="The other record of the same person, of your own agency."
        )
        survivor = serializers.UUIDField(
            help_text="Which of the two records to keep: this one or the other."
        )
        reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: PersonMergeOutputSerializer, **errors(400, 401, 403, 404, 422)},
    )
    @idempotent_create
    def post(self, request, person_id):
        """Merge this record and `other_person` into `survivor`: every part in a case,
        identifier, flag and referral of the other moves to it. 400 names the field:
        another agency's record, the same record twice, a record already merged, no
        reason, two records holding the same part in one case."""
        person = selectors.person_get_for_actor(
            actor=request.user, person_id=person_id, log=False, include_merged=True
        )
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            other = selectors.person_get_for_actor(
                actor=request.user,
                person_id=data["other_person"],
                log=False,
                include_merged=True,
            )
        except NotFound as exc:
            raise serializers.ValidationError({"other_person": ["No such person."]}) from exc
        survivor = {person.pk: person, other.pk: other}.get(data["survivor"])
        if survivor is None:
            raise serializers.ValidationError(
                {"survivor": ["Choose which of the two records to keep."]}
            )
        merge = merge_services.person_merge(
            actor=request.user,
            person=person,
            other_person=other,
            survivor=survivor,
            reason=data["reason"],
        )
        merge = person_merge_get_for_actor(actor=request.user, merge_id=merge.pk, log=False)
        response = _merge_response(merge, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:person-merge-detail", args=[merge.pk])
        return response


class PersonMergeDetailApi(APIView):
    policy = {"GET": "cases.person.merge"}

    @extend_schema(responses={200: PersonMergeOutputSerializer, **errors(401, 403, 404)})
    def get(self, request, merge_id):
        merge = person_merge_get_for_actor(actor=request.user, merge_id=merge_id)
        return _merge_response(merge)


class PersonMergeUndoApi(APIView):
    policy = {"POST": "cases.person.merge"}

    @extend_schema_serializer(component_name="PersonMergeUndo")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=REASON_MAX_LENGTH, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        responses={200: PersonMergeOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, merge_id):
        """Undo the merge within 20 working days (400 naming `undo_until` after
        that; 409 `undone` if it already was, `survivor_merged` if the record kept
        has since been merged into another): every row it moved that is still with
        the survivor goes back; what was added to the survivor since stays."""
        merge = person_merge_get_for_actor(actor=request.user, merge_id=merge_id, log=False)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        merge_services.person_merge_undo(
            actor=request.user, merge=merge, reason=payload.validated_data["reason"]
        )
        merge = person_merge_get_for_actor(actor=request.user, merge_id=merge_id, log=False)
        return _merge_response(merge)


@extend_schema_serializer(component_name="PersonDuplicate")
class DuplicateOutputSerializer(serializers.Serializer):
    person = MergedPersonSerializer()
    date_of_birth = serializers.DateField(source="person.date_of_birth", allow_null=True)
    score = serializers.IntegerField(help_text="0 to 100: how likely the same person.")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why: same date of birth, same phone, name similarity 92%...",
    )


class PersonDuplicatesApi(APIView):
    policy = {"GET": "cases.person.view"}

    # Scored and capped (cases.selectors.duplicates), so one page: `results`, best first.
    @extend_schema(
        responses={
            200: inline_serializer(
                "PersonDuplicates", fields={"results": DuplicateOutputSerializer(many=True)}
            ),
            **errors(401, 404),
        }
    )
    def get(self, request, person_id):
        """Your agency's records that may be the same person, best first, with the
        score and why. Another agency's records are never offered."""
        person = selectors.person_get_for_actor(actor=request.user, person_id=person_id)
        found = person_duplicates(actor=request.user, person=person)
        access_read_record(
            actor=request.user,
            action="cases.person.duplicates_listed",
            object_type="person",
            justification="possible duplicates",
            records=[duplicate.person for duplicate in found],
        )
        return Response({"results": DuplicateOutputSerializer(found, many=True).data})


urlpatterns = [
    path(
        "persons/<uuid:person_id>/merge/",
        PersonMergeCreateApi.as_view(),
        name="person-merge-create",
    ),
    path(
        "persons/<uuid:person_id>/duplicates/",
        PersonDuplicatesApi.as_view(),
        name="person-duplicates",
    ),
    path(
        "person-merges/<uuid:merge_id>/", PersonMergeDetailApi.as_view(), name="person-merge-detail"
    ),
    path(
        "person-merges/<uuid:merge_id>/undo/",
        PersonMergeUndoApi.as_view(),
        name="person-merge-undo",
    ),
]
