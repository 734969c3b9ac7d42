"""What a referral's moves do to who holds its case (ADR 0002).

A statutory partner, the safeguarding hub or children's services, that accepts a
safeguarding, strategy-discussion or request-for-information referral is granted
the case at once: it must work the case (record the strategy discussion, assess
the children, refer on), not only read the disclosure. The grant is scoped to the
parties named in the referral, reasoned by it, and ends by itself 20 working days
after the receiver completes it (or the referrer withdraws it), unless renewed.
Charities never hold a case: they work from the disclosure."""

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.models import AgencyKind
from cases.models import CaseGrant
from cases.services.grants import case_grant_expiry_start, case_grant_for_referral
from referrals.models import Referral, ReferralPurpose
from referrals.services.common import referrer_of

GRANTING_RECEIVERS = frozenset({AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES})
GRANTING_PURPOSES = frozenset(
    {
        ReferralPurpose.SAFEGUARDING,
        ReferralPurpose.STRATEGY_DISCUSSION,
        ReferralPurpose.REQUEST_FOR_INFORMATION,
    }
)
_REASON_SUMMARY_LENGTH = 300


def case_grant_applies(referral: Referral) -> bool:
    return (
        referral.purpose in GRANTING_PURPOSES
        and referral.to_agency.kind in GRANTING_RECEIVERS
        and referral.to_agency_id != referral.case.owning_agency_id
    )


def grant_source_label_get(referral: Referral) -> str:
    return (
        f"{referral.get_purpose_display().split(' (')[0]} referral from {referral.from_agency.name}"
    )


def case_grant_on_accept(*, actor: User, referral: Referral) -> CaseGrant | None:
    """Called by the acceptance, inside its transaction: the receiver's agency now
    holds the case, for the people the referral names."""
    if not case_grant_applies(referral):
        return None
    summary = referral.summary_for_receiver.strip()
    if len(summary) > _REASON_SUMMARY_LENGTH:
        summary = summary[: _REASON_SUMMARY_LENGTH - 1].rstrip() + "…"
    label = grant_source_label_get(referral)
    return case_grant_for_referral(
        actor=actor,
        case=referral.case,
        agency=referral.to_agency,
        parties=referral.parties.all(),
        granted_by=referrer_of(referral),
        source_id=referral.pk,
        source_label=label,
        reason=f"Accepted the {label[:1].lower()}{label[1:]}"
        + (f": {summary}" if summary else "."),
    )


def case_grant_on_close(*, referral: Referral) -> CaseGrant | None:
    """The referral was completed or withdrawn: the grant it made, if it still
    lasts for it, now ends by itself 20 working days from now."""
    if not case_grant_applies(referral):
        return None
    return case_grant_expiry_start(
        source_id=referral.pk, completed_at=referral.completed_at or timezone.now()
    )
