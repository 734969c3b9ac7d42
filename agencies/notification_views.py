"""The notifications page: the signed-in person's own notifications, unread first,
each with its link and a button to mark it as read (a form: no JavaScript needed).
Notifications are stored in common; their pages sit here, above common, because
they ask the access policy who is signed in."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from agencies.access import SIGNED_IN
from common import notifications
from common.keyset import keyset_page_for_request
from common.pages import capability_required

NOTIFICATIONS_PER_PAGE = 25


@capability_required(SIGNED_IN)
@require_GET
def notification_list_page(request):
    page = keyset_page_for_request(
        request,
        notifications.notification_list(actor=request.user),
        page_size=NOTIFICATIONS_PER_PAGE,
    )
    context = {
        "page": page,
        "notifications": list(page.object_list),
        "unread_count": notifications.notification_unread_count(actor=request.user),
    }
    return render(request, "common/notification_list.html", context)


@capability_required(SIGNED_IN)
@require_POST
def notification_read_page(request, notification_id):
    notification = notifications.notification_get_for_actor(
        actor=request.user, notification_id=notification_id
    )
    notifications.notifications_mark_read(actor=request.user, notification=notification)
    # "Open" marks it as read and goes where it points; "Mark as read" stays here.
    # The link is the one stored with the notification, never one from the form.
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts=None
    ):
        return redirect(notification.link)
    messages.success(request, "Marked as read.")
    return redirect("notification-list-page")


urlpatterns = [
    path("notifications/", notification_list_page, name="notification-list-page"),
    path(
        "notifications/<uuid:notification_id>/read/",
        notification_read_page,
        name="notification-read-page",
    ),
]
