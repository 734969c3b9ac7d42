"""Notifications: everyone signed in reads and marks their own; anyone else's (a
colleague's, another agency's, or one about a case granted to the caller's agency
but addressed to the granting agency's people) does not exist for them."""

import uuid

from agencies.models import Membership
from common.models import Notification
from tests.authz import ALL_ROLES, COLLEAGUE, GRANTED, OTHER, OWN, Endpoint
from tests.factories import MembershipFactory

TARGETS = (OWN, COLLEAGUE, OTHER, GRANTED)


def a_notification(owner, actor: Membership) -> dict:
    # The actor's own when the record is their agency's (for "colleague" the matrix
    # passes the colleague as the actor); else someone's in the owning agency.
    user = actor.user if owner == actor.agency else MembershipFactory(agency=owner).user
    notification = Notification.objects.create(
        user=user,
        kind="safeguarding.flag_review_due",
        message="A flag is due for review.",
        link="/notifications/",
        dedupe_key=f"matrix:{uuid.uuid4()}",
    )
    return {"notification": notification.id}


ROWS = [
    Endpoint(
        "notification-list",
        "GET",
        "/api/v1/notifications/",
        ALL_ROLES,
        setup=a_notification,
        per_actor=True,
        listing=True,
        fields=frozenset({"id", "kind", "message", "link", "is_read", "read_at", "created_at"}),
    ),
    Endpoint(
        "notification-read",
        "POST",
        "/api/v1/notifications/{notification}/read/",
        ALL_ROLES,
        targets=TARGETS,
        setup=a_notification,
        per_actor=True,
    ),
    # Pages
    Endpoint("notification-list-page", "GET", "/notifications/", ALL_ROLES, page=True),
    # Marked read, the page goes back to the list (302).
    Endpoint(
        "notification-read-page",
        "POST",
        "/notifications/{notification}/read/",
        ALL_ROLES,
        ok=302,
        page=True,
        targets=TARGETS,
        setup=a_notification,
        per_actor=True,
    ),
]
