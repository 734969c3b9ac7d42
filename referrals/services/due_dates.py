"""When each referral deadline falls: set once, when its event is recorded, and
stored on the referral. See `referrals.deadlines` for the rules and the sweep."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

from agencies.models import AgencyKind
from agencies.working_days import add_working_days
from referrals.models import ConsentStatus, Referral, ReferralPurpose, Urgency

DECISION_WORKING_DAYS: dict[str, int] = {
    Urgency.IMMEDIATE: 0,
    Urgency.URGENT: 1,
    Urgency.ROUTINE: 3,
}
THRESHOLD_WORKING_DAYS = 1
VICTIM_SUPPORT_WORKING_DAYS = 2
STALE_AFTER_WORKING_DAYS = 20
# The crime counts as recorded from the start of the day it was received.
RECORDED_AT = time(9, 0)
THRESHOLD_PURPOSES = frozenset({ReferralPurpose.SAFEGUARDING, ReferralPurpose.STRATEGY_DISCUSSION})
THRESHOLD_RECEIVERS = frozenset({AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES})


def decision_due_at_compute(urgency: str, moment: datetime) -> datetime:
    return add_working_days(moment, DECISION_WORKING_DAYS[urgency])


def threshold_applies(referral: Referral) -> bool:
    return referral.purpose in THRESHOLD_PURPOSES and referral.to_agency.kind in THRESHOLD_RECEIVERS


def threshold_due_at_compute(moment: datetime) -> datetime:
    return add_working_days(moment, THRESHOLD_WORKING_DAYS)


def victim_support_due_at_compute(referral: Referral) -> datetime | None:
    """Due 2 working days after the crime was recorded; none when the victim refused."""
    if referral.purpose != ReferralPurpose.VICTIM_SUPPORT:
        return None
    if referral.consent_status == ConsentStatus.REFUSED:
        return None
    recorded = datetime.combine(
        referral.case.received_on, RECORDED_AT, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    return add_working_days(recorded, VICTIM_SUPPORT_WORKING_DAYS)


def stale_at_compute(moment: datetime) -> datetime:
    return add_working_days(moment, STALE_AFTER_WORKING_DAYS)
