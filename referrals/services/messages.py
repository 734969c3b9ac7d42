"""The message thread of a referral: its two sides write to each other about it.
Only the authorised users of the two sides post or read; every post is kept in the
history, logged, and told to the other side, without its words (a notification
and its email carry no personal details)."""

from collections.abc import Sequence
from datetime import timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.models import Membership
from common.errors import InvalidState
from common.history import history_note
from referrals.models import Referral, ReferralMessage, ReferralState
from referrals.selectors import referral_locked_get
from referrals.selectors.sides import referral_side_require
from referrals.services.common import (
    RECEIVER,
    people_tell,
    receivers_of,
    referral_access_log,
    referrer_of,
)

MESSAGE_POSTED = "referrals.message_posted"


def thread_link(referral: Referral) -> str:
    return f"{reverse('referral-page', args=[referral.pk])}#messages"


def _other_side(referral: Referral, side: str) -> Sequence[User | None]:
    """Who hears of a message: from the receiver, the referrer and the case's lead
    officer (when the referrer's agency owns the case); from the sender, the
    receiver's owner of the referral, or its team until someone accepts it."""
    if side == RECEIVER:
        case = referral.case
        lead = case.lead_officer if case.owning_agency_id == referral.from_agency_id else None
        return [referrer_of(referral), lead]
    return [referral.owner] if referral.owner_id else receivers_of(referral)


@transaction.atomic
def message_post(*, actor: User, referral: Referral, body: str) -> ReferralMessage:
    """Post to the thread. NotFound off either side; InvalidState (409) on a draft,
    which the receiver cannot see yet; ValidationError naming `body` when empty."""
    # Locked, so that two posts at once cannot take the same place in the thread.
    found = referral_locked_get(referral)
    side = referral_side_require(actor, found)
    if found.state == ReferralState.DRAFT:
        raise InvalidState(
            "A draft referral has no thread yet: the receiver cannot see it until it is sent.",
            state=found.state,
        )
    access.require(actor, "referrals.message.post")
    membership = cast(Membership, access.membership_of(actor))
    # The thread is read in the order of `posted_at`: two posts in one instant (a
    # coarse or frozen clock) keep the order they were made in.
    posted_at = timezone.now()
    latest = found.messages.order_by("-posted_at").values_list("posted_at", flat=True).first()
    if latest is not None and posted_at <= latest:
        posted_at = latest + timedelta(microseconds=1)
    message = ReferralMessage(
        referral=found,
        author=actor,
        author_agency_id=membership.agency_id,
        side=side,
        body=body,
        posted_at=posted_at,
    )
    # Its own rules (`ReferralMessage.clean`): something written, not too long.
    message.full_clean(exclude=ReferralMessage.CLEANED_FIELDS)
    history_note(message, actor=actor, reason="message posted")
    message.save()
    referral_access_log(
        actor=actor, referral=found, action="referrals.message.posted", note=f"message {message.pk}"
    )
    direction = "sent to your agency" if side != RECEIVER else "your agency sent"
    people_tell(
        _other_side(found, side),
        actor=actor,
        kind=MESSAGE_POSTED,
        message=f"{membership.agency.name} has written to you about a referral {direction}.",
        link=thread_link(found),
        dedupe_key=f"referral-message:{message.pk}",
    )
    return message
