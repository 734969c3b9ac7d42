"""The iCalendar feed's secret address: made once, reset at will. The secret is
returned to be shown once and is never kept: only its SHA-256 is stored, so a reset
(a new hash in place of the old) makes the old address answer 404 at once."""

import secrets

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.services.tokens import secret_hash
from calendars.models import CalendarFeed
from common.errors import InvalidState

_ALREADY_MADE = "You already have a calendar link. Reset it to get a new one."


def _logged(*, actor: User, feed: CalendarFeed, action: str) -> None:
    membership = access.membership_of(actor)
    access_log_record(
        actor=actor,
        action=action,
        object_type="calendar_feed",
        object_id=feed.pk,
        object_agency_slug=membership.agency.slug if membership else "",
        justification="their own calendar",
    )


def calendar_feed_create(*, actor: User) -> tuple[CalendarFeed, str]:
    """The actor's feed and its secret; 409 `issued` when they have one already (its
    secret cannot be shown again: they reset it instead)."""
    access.require(actor, access.SIGNED_IN)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        with transaction.atomic():
            feed = CalendarFeed.objects.create(
                user=actor, secret_hash=secret_hash(raw), created_at=now, issued_at=now
            )
            _logged(actor=actor, feed=feed, action="calendars.feed.created")
    except IntegrityError as exc:
        raise InvalidState(_ALREADY_MADE, state="issued") from exc
    return feed, raw


def calendar_feed_reset(*, actor: User) -> tuple[CalendarFeed, str]:
    """A new secret for the actor's feed (made now if they had none): the old address
    stops working as this commits."""
    access.require(actor, access.SIGNED_IN)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user_id=actor.pk).first()
        if feed is None:
            feed = CalendarFeed.objects.create(
                user=actor, secret_hash=secret_hash(raw), created_at=now, issued_at=now
            )
            _logged(actor=actor, feed=feed, action="calendars.feed.created")
            return feed, raw
        feed.secret_hash = secret_hash(raw)
        feed.issued_at = now
        feed.save(update_fields=["secret_hash", "issued_at"])
        _logged(actor=actor, feed=feed, action="calendars.feed.reset")
    return feed, raw
