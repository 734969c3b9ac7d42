"""Tasks (cases.services.tasks): the caller's own tasks and a new one; one task;
marking it done, or cancelling it with a reason."""

from django.contrib.auth.models import User
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.selectors import member_list_for_casework
from cases import selectors as case_selectors
from cases.api.common import PagedMixin, UserRefSerializer
from cases.models import Task, TaskStatus
from cases.selectors import tasks as selectors
from cases.services import tasks as task_services
from common.api.concurrency import ETAG_PATTERN, etag_for, expected_version_if_sent
from common.api.idempotency import idempotent_create
from common.api.pagination import CursorPagination
from common.api.schema import IDEMPOTENCY_KEY, errors
from common.errors import NotFound

IF_MATCH_OPTIONAL = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": ETAG_PATTERN},
    location=OpenApiParameter.HEADER,
    required=False,
    description='The ETag of the version you last read, such as "3". Optional: sent, a '
    "version no longer current answers 412; `*` answers 428.",
)


@extend_schema_serializer(component_name="TaskCase")
class TaskCaseSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()


@extend_schema_serializer(component_name="Task")
class TaskOutputSerializer(serializers.ModelSerializer):
    case = TaskCaseSerializer()
    assignee = UserRefSerializer()
    created_by = UserRefSerializer()
    done_by = UserRefSerializer(allow_null=True)
    cancelled_by = UserRefSerializer(allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "case",
            "title",
            "note",
            "assignee",
            "due_on",
            "status",
            "done_at",
            "done_by",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "created_by",
            "created_at",
            "version",
        ]


def _assignee_named(actor: User, username: str) -> User | None:
    """The active caseworker of the caller's agency with this username, or None (the
    service then names the field)."""
    membership = member_list_for_casework(actor=actor).filter(user__username=username).first()
    return membership.user if membership else None


def _with_etag(task: Task, code: int = status.HTTP_200_OK) -> Response:
    response = Response(TaskOutputSerializer(task).data, status=code)
    response["ETag"] = etag_for(task.version)
    return response


class TaskListCreateApi(PagedMixin, APIView):
    policy = {"GET": "cases.task.view", "POST": "cases.task.add"}
    pagination_class = CursorPagination.ordered_by("due_on", "id")

    class QuerySerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=TaskStatus.choices, required=False, default=TaskStatus.OPEN
        )

    @extend_schema_serializer(component_name="TaskCreate")
    class InputSerializer(serializers.Serializer):
        case = serializers.UUIDField(help_text="The case the task is about.")
        title = serializers.CharField(max_length=200)
        assignee = serializers.CharField(
            help_text="The username of an active caseworker of your agency."
        )
        due_on = serializers.DateField(help_text="Today or later.")
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                {"type": "string", "enum": TaskStatus.values},
                required=False,
                description="The caller's tasks in this status; `open` by default.",
            )
        ],
        responses={200: TaskOutputSerializer(many=True), **errors(400, 401, 403)},
    )
    def get(self, request):
        """The caller's own tasks, soonest due first."""
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tasks = selectors.task_list_for_assignee(
            actor=request.user, status=query.validated_data["status"]
        )
        return self.page_of(request, tasks, TaskOutputSerializer)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: TaskOutputSerializer, **errors(400, 401, 403, 409, 422)},
    )
    @idempotent_create
    def post(self, request):
        """A task on a case the caller may see, for a caseworker of their agency (409
        `closed` for a closed case)."""
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            case = case_selectors.case_get_for_actor(
                actor=request.user, case_id=data["case"], log=False
            )
        except NotFound as exc:
            raise serializers.ValidationError({"case": ["Choose a case you may see."]}) from exc
        task = task_services.task_create(
            actor=request.user,
            case=case,
            title=data["title"],
            assignee=_assignee_named(request.user, data["assignee"]),
            due_on=data["due_on"],
            note=data["note"],
        )
        task = selectors.task_get_for_actor(actor=request.user, task_id=task.pk, log=False)
        response = _with_etag(task, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:task-detail", args=[task.id])
        return response


class TaskDetailApi(APIView):
    policy = {"GET": "cases.task.view"}

    @extend_schema(responses={200: TaskOutputSerializer, **errors(401, 404)})
    def get(self, request, task_id):
        task = selectors.task_get_for_actor(actor=request.user, task_id=task_id)
        return _with_etag(task)


class TaskCompleteApi(APIView):
    policy = {"POST": "cases.task.change"}

    @extend_schema(
        request=None,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: TaskOutputSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request, task_id):
        """The assignee, the task's creator or a supervisor marks it done (409 naming
        the state of a task no longer open)."""
        version = expected_version_if_sent(request)
        task = selectors.task_get_for_actor(actor=request.user, task_id=task_id, log=False)
        done = task_services.task_complete(actor=request.user, task=task, expected_version=version)
        return _with_etag(done)


class TaskCancelApi(APIView):
    policy = {"POST": "cases.task.change"}

    @extend_schema_serializer(component_name="TaskCancel")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=2000, allow_blank=True)

    @extend_schema(
        request=InputSerializer,
        parameters=[IF_MATCH_OPTIONAL],
        responses={200: TaskOutputSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request, task_id):
        """The assignee, the task's creator or a supervisor cancels it, for a reason
        (409 naming the state of a task no longer open)."""
        version = expected_version_if_sent(request)
        task = selectors.task_get_for_actor(actor=request.user, task_id=task_id, log=False)
        payload = self.InputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        cancelled = task_services.task_cancel(
            actor=request.user,
            task=task,
            reason=payload.validated_data["reason"],
            expected_version=version,
        )
        return _with_etag(cancelled)


urlpatterns = [
    path("tasks/", TaskListCreateApi.as_view(), name="task-list"),
    path("tasks/<uuid:task_id>/", TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<uuid:task_id>/complete/", TaskCompleteApi.as_view(), name="task-complete"),
    path("tasks/<uuid:task_id>/cancel/", TaskCancelApi.as_view(), name="task-cancel"),
]
