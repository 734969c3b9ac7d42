"""The purposes of a referral, as one table: whom each goes to, what it shares of
each person by default, whom it is usually about, and what its consent rule asks.
Nothing else restates them: the disclosure check, the form and the model's own
rules read this table."""

from dataclasses import dataclass

from django.db import models

from agencies.models import Agency, AgencyKind, CharityService
from cases.models import PartyRole
from cases.models.person import PERSON_FIELDS_WITH_AGE


class ReferralPurpose(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding (to the hub or children's services)"
    VICTIM_SUPPORT = "victim_support", "Victim support"
    FAMILY_SUPPORT = "family_support", "Support for a suspect's family"
    SUSPECT_SUPPORT = "suspect_support", "Support for a suspect (help to stop offending)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    REQUEST_FOR_INFORMATION = "request_for_information", "Request for information"


# Enough to recognise the person and to reach them safely; no address by default,
# because a safe way to make contact matters more than where someone lives.
_IDENTIFY = ("first_name", "last_name", "age")
# How to reach them safely: the phone, and every person field from whether it is
# safe to phone on (the ways, the times, the language and adjustments).
_SAFE_CONTACT = (
    "phone",
    *PERSON_FIELDS_WITH_AGE[PERSON_FIELDS_WITH_AGE.index("safe_to_phone") :],
)
_FORMAL = (*_IDENTIFY, "date_of_birth", "gender", "address")
_HUB_OR_CHILDRENS_SERVICES = frozenset({AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES})


@dataclass(frozen=True)
class Purpose:
    """One purpose of a referral. `receivers` are receiver kinds (`receiver_kind`),
    None for any agency; `receivers_text` names them in the refusal."""

    receivers: frozenset[str] | None
    receivers_text: str
    default_fields: tuple[str, ...]
    usual_roles: frozenset[str]
    # The message when consent was refused or not sought and no reason is recorded,
    # where the purpose asks more than the general rule.
    consent_reason_required: str = ""


PURPOSES: dict[str, Purpose] = {
    ReferralPurpose.SAFEGUARDING: Purpose(
        receivers=_HUB_OR_CHILDRENS_SERVICES,
        receivers_text="a safeguarding hub or children's services",
        default_fields=_FORMAL,
        usual_roles=frozenset({PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD}),
    ),
    ReferralPurpose.VICTIM_SUPPORT: Purpose(
        receivers=frozenset({CharityService.VICTIM_SUPPORT}),
        receivers_text="a victim-support charity",
        default_fields=(*_IDENTIFY, *_SAFE_CONTACT),
        usual_roles=frozenset({PartyRole.VICTIM}),
        # Every Tideline case concerns a sexual offence against a child: a
        # victim-support referral needs explicit consent or a recorded reason.
        consent_reason_required=(
            "A victim-support referral for a sexual offence needs the victim's "
            "explicit consent (for a child, a parent's), or the reason why not."
        ),
    ),
    ReferralPurpose.FAMILY_SUPPORT: Purpose(
        receivers=frozenset({CharityService.FAMILY_SUPPORT}),
        receivers_text="a family-support charity",
        default_fields=(*_IDENTIFY, *_SAFE_CONTACT),
        usual_roles=frozenset({PartyRole.FAMILY_MEMBER, PartyRole.CHILD_IN_HOUSEHOLD}),
    ),
    ReferralPurpose.SUSPECT_SUPPORT: Purpose(
        receivers=frozenset(
            {CharityService.VICTIM_SUPPORT, CharityService.FAMILY_SUPPORT, AgencyKind.POLICE}
        ),
        receivers_text="a charity or a police force",
        default_fields=(*_IDENTIFY, *_SAFE_CONTACT),
        usual_roles=frozenset({PartyRole.SUSPECT}),
    ),
    ReferralPurpose.STRATEGY_DISCUSSION: Purpose(
        receivers=_HUB_OR_CHILDRENS_SERVICES,
        receivers_text="a safeguarding hub or children's services",
        default_fields=_FORMAL,
        usual_roles=frozenset({PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD}),
    ),
    ReferralPurpose.REQUEST_FOR_INFORMATION: Purpose(
        receivers=None,
        receivers_text="any agency",
        default_fields=_IDENTIFY,
        usual_roles=frozenset(),
    ),
}


def receiver_kind(agency: Agency) -> str:
    """What kind of receiver an agency is: its kind, or for a charity, its service."""
    return str(agency.charity_service if agency.kind == AgencyKind.CHARITY else agency.kind)


def default_fields_for(purpose: str) -> list[str]:
    """The fields a new referral for `purpose` shares of each party unless the
    sender changes them: the least that lets the receiver act."""
    row = PURPOSES.get(purpose)
    chosen = set(row.default_fields if row else _IDENTIFY)
    return [name for name in PERSON_FIELDS_WITH_AGE if name in chosen]


def purpose_fits(agency: Agency, purpose: str) -> bool:
    """Whether `agency` is the kind of agency that takes referrals for `purpose`."""
    row = PURPOSES.get(purpose)
    if row is None:
        return False
    return row.receivers is None or receiver_kind(agency) in row.receivers
