"""A case another force accepted (cases.events.CASE_TRANSFERRED): the referrals the
sending force still has open about it are now the receiving force's to follow up.
Their feedback, returns, messages and urgent concerns reach the force that owns the
case. Referrals that ended stay as the sender's record of what it did (the new
owner sees them as the case's metadata)."""

from django.contrib.auth.models import User

from cases.models import Case, CaseTransfer
from common.history import history_note
from referrals.models import Referral, ReferralState

# A referral still in motion: its sending side still has something to do or hear.
_OPEN_STATES = (
    ReferralState.DRAFT,
    ReferralState.SENT,
    ReferralState.ACCEPTED,
    ReferralState.RETURNED,
    ReferralState.IN_PROGRESS,
)


def on_case_transferred(*, case: Case, transfer: CaseTransfer, actor: User) -> None:
    moving = Referral.objects.select_for_update(of=("self",)).filter(
        case=case, from_agency_id=transfer.from_agency_id, state__in=_OPEN_STATES
    )
    for referral in moving:
        referral.from_agency_id = case.owning_agency_id
        history_note(referral, actor=actor, reason=f"case transferred to {case.owning_agency.slug}")
        referral.save(update_fields=["from_agency"])
