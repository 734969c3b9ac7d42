"""What every referral service shares: who is told about a move, the timeline
event, and the access-log entry. Which side of a referral the actor is on is the
selector's (`referrals.selectors.sides`)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.models import Membership
from common.errors import NotFound
from common.notifications import notify
from referrals.models import Referral, ReferralEvent
from referrals.selectors.sides import RECEIVER, referral_side_of
from referrals.selectors.sides import SENDER as SENDER  # re-exported for the services

# Who works a receiving agency's inbox: the roles that may receive referrals.
RECEIVER_ROLES = access.CAPABILITIES["referrals.referral.receive"]


def referral_link(referral: Referral) -> str:
    return reverse("referral-page", kwargs={"referral_id": referral.pk})


def referrer_of(referral: Referral) -> User:
    """The person the feedback goes back to: whoever sent it (or, before it was
    sent, whoever drafted it)."""
    return referral.sent_by if referral.sent_by is not None else referral.created_by


def receivers_of(referral: Referral) -> list[User]:
    """The receiving team: the members of the team it was sent to who work the
    inbox, else everyone in the receiving agency who does."""
    members = (
        Membership.objects.filter(
            agency_id=referral.to_agency_id, user__is_active=True, role__in=RECEIVER_ROLES
        )
        .select_related("user")
        .order_by("user__username")
    )
    if referral.to_team_id:
        team = [m.user for m in members if m.team_id == referral.to_team_id]
        if team:
            return team
    return [m.user for m in members]


def people_tell(
    users: Iterable[User | None],
    *,
    actor: User | None,
    kind: str,
    message: str,
    link: str,
    dedupe_key: str,
) -> int:
    """Tell each active person once (never the actor), through the one notification
    path. Returns how many were told."""
    told = 0
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if actor is not None and user.pk == actor.pk:
            continue
        if notify(user=user, kind=kind, message=message, link=link, dedupe_key=dedupe_key):
            told += 1
    return told


def other_side_tell(
    referral: Referral, *, actor: User, side: str, action: str, message: str
) -> int:
    """Tell the side that did not make the move. Every move by the receiver goes
    back to the referrer; every move by the sender goes to the receiver (its owner
    once accepted, else the receiving team), and to the referrer too when a
    colleague made it. Called inside the move's transaction: emails go on commit."""
    kind = f"referrals.referral_{action}"
    key = f"referral:{referral.pk}:v{referral.version}:{action}"
    link = referral_link(referral)
    referrer = referrer_of(referral)
    if side == RECEIVER:
        people = [referrer]
    else:
        receivers = [referral.owner] if referral.owner_id else receivers_of(referral)
        people = [*receivers, referrer]
    return people_tell(people, actor=actor, kind=kind, message=message, link=link, dedupe_key=key)


def _membership(actor: User) -> Membership:
    """The actor's membership: whoever makes a move has one, since their side of
    the referral was found through it."""
    membership = access.membership_of(actor)
    if membership is None:
        raise NotFound()
    return membership


def event_record(
    referral: Referral,
    *,
    actor: User,
    action: str,
    from_state: str,
    note: str = "",
    at: datetime | None = None,
) -> ReferralEvent:
    membership = _membership(actor)
    at = at or timezone.now()
    # The timeline is read in the order of `at`. Two moves in one instant (a frozen
    # clock, a coarse one) would otherwise sort at random; the referral's row is
    # locked by the move, so nudging this one a microsecond on is safe.
    latest = referral.events.order_by("-at").values_list("at", flat=True).first()
    if latest is not None and at <= latest:
        at = latest + timedelta(microseconds=1)
    return ReferralEvent.objects.create(
        referral=referral,
        from_state=from_state,
        to_state=referral.state,
        action=action,
        by=actor,
        by_agency_id=membership.agency_id,
        at=at,
        note=note,
    )


def referral_access_log(*, actor: User, referral: Referral, action: str, note: str = "") -> None:
    """Every move is logged against the agency whose case it concerns."""
    membership = _membership(actor)
    side = referral_side_of(actor, referral)
    relation = (
        f"receiving agency ({membership.agency.slug})"
        if side == RECEIVER
        else f"referring agency ({membership.agency.slug})"
    )
    access_log_record(
        actor=actor,
        action=action,
        object_type="referral",
        object_id=referral.pk,
        object_agency_slug=referral.case.owning_agency.slug,
        justification=f"{relation}; {note}" if note else relation,
    )
