"""Notifications: everyone signed in reads and marks their own; anyone else's does
not exist. (Marking one read from the page is a POST-only form, tested in
tests/common/test_notifications.py.)"""

from agencies.models import Membership
from common.models import Notification
from tests.authz import ALL_ROLES, Endpoint
from tests.factories import MembershipFactory


def a_notification(owner, actor: Membership) -> dict:
    # "own": the caller's; "other": someone's in another agency.
    user = actor.user if owner == actor.agency else MembershipFactory(agency=owner).user
    notification = Notification.objects.create(
        user=user,
        kind="safeguarding.flag_review_due",
        message="A flag is due for review.",
        link="/notifications/",
        dedupe_key="matrix",
    )
    return {"notification": notification.id}


ROWS = [
    Endpoint("notification-list", "GET", "/api/v1/notifications/", ALL_ROLES),
    Endpoint(
        "notification-read",
        "POST",
        "/api/v1/notifications/{notification}/read/",
        ALL_ROLES,
        targets=("own", "other"),
        setup=a_notification,
    ),
    Endpoint("notification-list-page", "GET", "/notifications/", ALL_ROLES, page=True),
]
