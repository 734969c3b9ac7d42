"""Which side of a referral a person is on: the referring agency (`sender`) or the
receiving one (`receiver`). One answer, read by the services, the pages and the API
alike (ADR 0009)."""

from typing import Final, Literal

from django.contrib.auth.models import User

from agencies import access
from common.errors import NotFound
from referrals.models import Referral, ReferralState

Side = Literal["sender", "receiver"]
SENDER: Final = "sender"
RECEIVER: Final = "receiver"


def referral_side_of(actor: User, referral: Referral) -> Side | None:
    """`sender` for the referring agency, `receiver` for the receiving one (never
    for a draft, which the receiver does not know exists), else None."""
    membership = access.membership_of(actor)
    if membership is None:
        return None
    if membership.agency_id == referral.from_agency_id:
        return SENDER
    if membership.agency_id == referral.to_agency_id and referral.state != ReferralState.DRAFT:
        return RECEIVER
    return None


def referral_side_require(actor: User, referral: Referral) -> Side:
    """The actor's side of the referral. NotFound for anyone on neither side, or
    whose role may not see referrals at all: to them it does not exist."""
    side = referral_side_of(actor, referral)
    if side is None or not access.can(actor, "referrals.referral.view"):
        raise NotFound()
    return side
