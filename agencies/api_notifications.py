"""The caller's own notifications: the list, and marking one as read. Stored in
common; the endpoints sit here, above common, because they ask the access policy."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies.access import SIGNED_IN
from common import notifications
from common.api.pagination import CursorPagination
from common.api.schema import ERROR_RESPONSES
from common.models import Notification


@extend_schema_serializer(component_name="Notification")
class NotificationOutputSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)
    link = serializers.CharField(help_text="A page of this site, relative to its root.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "link", "created_at", "read_at", "is_read"]


class NotificationListApi(APIView):
    """Only ever the caller's own: unread first, then newest first."""

    policy = {"GET": SIGNED_IN}

    pagination_class = CursorPagination.ordered_by("-inbox_at", "-id")

    @extend_schema(
        responses={200: NotificationOutputSerializer(many=True), 401: ERROR_RESPONSES[401]}
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            notifications.notification_list(actor=request.user), request, self
        )
        return paginator.get_paginated_response(NotificationOutputSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    """Mark one of the caller's notifications as read. Anyone else's does not exist."""

    policy = {"POST": SIGNED_IN}

    @extend_schema(
        request=None,
        responses={
            200: NotificationOutputSerializer,
            401: ERROR_RESPONSES[401],
            404: ERROR_RESPONSES[404],
        },
    )
    def post(self, request, notification_id):
        notification = notifications.notification_get_for_actor(
            actor=request.user, notification_id=notification_id
        )
        notification = notifications.notifications_mark_read(
            actor=request.user, notification=notification
        )
        return Response(NotificationOutputSerializer(notification).data)


urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="notification-list"),
    path(
        "notifications/<uuid:notification_id>/read/",
        NotificationReadApi.as_view(),
        name="notification-read",
    ),
]
