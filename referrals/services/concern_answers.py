"""The sending side's answer to an urgent concern: acknowledging it, with what was
done (once: a second acknowledgement is 409), and then making the acknowledged
concern a flag or a contact on the case, each once, through the one flag and
contact services."""

from datetime import date, datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import CaseParty, ContactDirection, ContactLog
from cases.services.records import contact_log
from common.errors import InvalidState, NotFound, ValidationError
from common.history import history_note
from referrals.models import Concern, ConcernState
from referrals.selectors.sides import referral_side_require
from referrals.services.common import (
    SENDER,
    event_record,
    people_tell,
    receivers_of,
    referral_access_log,
)
from referrals.services.concerns import CONCERN_ACKNOWLEDGED, concern_link
from referrals.services.moves import text_required
from safeguarding.models import Flag
from safeguarding.services.flags import flag_raise


def _concern_locked(actor: User, concern: Concern, *, verb: str) -> Concern:
    """The concern, locked, once the actor is on the sending side of its referral."""
    locked = (
        Concern.objects.select_for_update()
        .select_related("referral", "referral__case", "referral__from_agency")
        .filter(pk=concern.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    if referral_side_require(actor, locked.referral) != SENDER:
        raise InvalidState(
            f"Only the referring agency can {verb} an urgent concern; the receiving "
            "agency raised it.",
            state=locked.state,
        )
    access.require(actor, "referrals.concern.acknowledge")
    return locked


def _must_be_acknowledged(concern: Concern, what: str) -> None:
    if concern.state != ConcernState.ACKNOWLEDGED:
        raise InvalidState(
            f"Acknowledge the concern, with what was done, before {what}.", state=concern.state
        )


@transaction.atomic
def concern_acknowledge(*, actor: User, concern: Concern, action_taken: str) -> Concern:
    """The sending side says what it has done. Once: a second acknowledgement is
    refused (409) and changes nothing. The receiving side is told."""
    locked = _concern_locked(actor, concern, verb="acknowledge")
    if locked.state != ConcernState.RAISED:
        raise InvalidState(
            "This concern is already acknowledged: what was done is on the concern.",
            state=locked.state,
        )
    action_taken = text_required(
        action_taken, field="action_taken", missing="Say what has been done about the concern."
    )
    now = timezone.now()
    locked.state = ConcernState.ACKNOWLEDGED
    locked.acknowledged_by = actor
    locked.acknowledged_at = now
    locked.action_taken = action_taken
    locked.version += 1
    history_note(locked, actor=actor, reason="urgent concern acknowledged")
    locked.save(
        update_fields=["state", "acknowledged_by", "acknowledged_at", "action_taken", "version"]
    )
    referral = locked.referral
    event_record(
        referral,
        actor=actor,
        action="concern_acknowledged",
        from_state=referral.state,
        note=action_taken,
        at=now,
    )
    referral_access_log(
        actor=actor,
        referral=referral,
        action="referrals.concern.acknowledged",
        note=f"concern {locked.pk}",
    )
    raiser = User.objects.filter(pk=locked.raised_by_id).first()
    owner = [referral.owner] if referral.owner_id else receivers_of(referral)
    people_tell(
        [raiser, *owner],
        actor=actor,
        kind=CONCERN_ACKNOWLEDGED,
        message="The urgent concern you raised on a referral has been acknowledged.",
        link=concern_link(locked),
        dedupe_key=f"concern:{locked.pk}:acknowledged",
    )
    return locked


def _case_party(concern: Concern, party: CaseParty | None) -> CaseParty:
    """The person a flag or contact is about: the one given, else the concern's."""
    chosen = party or concern.subject
    if chosen is None:
        raise ValidationError({"party": ["Choose the person this is about."]})
    return chosen


@transaction.atomic
def concern_flag_raise(
    *,
    actor: User,
    concern: Concern,
    kind: str,
    reason: str,
    review_on: date | None,
    party: CaseParty | None = None,
) -> Flag:
    """Raise a flag on the case from an acknowledged concern, through the one flag
    service (its checks and its access log). One flag per concern."""
    locked = _concern_locked(actor, concern, verb="raise a flag from")
    _must_be_acknowledged(locked, "raising a flag from it")
    if locked.flag_id is not None:
        raise InvalidState("A flag has already been raised from this concern.", state="flagged")
    flag = flag_raise(
        actor=actor,
        case=locked.referral.case,
        party=_case_party(locked, party),
        kind=kind,
        reason=reason,
        review_on=review_on,
    )
    locked.flag = flag
    locked.version += 1
    history_note(locked, actor=actor, reason="flag raised from the concern")
    locked.save(update_fields=["flag", "version"])
    return flag


@transaction.atomic
def concern_contact_record(
    *,
    actor: User,
    concern: Concern,
    channel: str,
    summary: str,
    contacted_at: datetime | None = None,
    direction: str = ContactDirection.OUTBOUND,
    party: CaseParty | None = None,
) -> ContactLog:
    """Log, on the case, the contact made because of an acknowledged concern,
    through the one contact service. One contact per concern."""
    locked = _concern_locked(actor, concern, verb="record a contact from")
    _must_be_acknowledged(locked, "recording a contact from it")
    if locked.contact_id is not None:
        raise InvalidState(
            "A contact has already been recorded from this concern.", state="contact_recorded"
        )
    contact = contact_log(
        actor=actor,
        case=locked.referral.case,
        party=_case_party(locked, party),
        channel=channel,
        summary=summary,
        contacted_at=contacted_at,
        direction=direction,
    )
    locked.contact = contact
    locked.version += 1
    history_note(locked, actor=actor, reason="contact recorded from the concern")
    locked.save(update_fields=["contact", "version"])
    return contact
