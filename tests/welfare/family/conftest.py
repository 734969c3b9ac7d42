"""Family-support fixtures: those of the referral tests (`tests.referrals`): the
northshire-police case with a victim, a suspect, the suspect's partner and (on
request) a child in the household; the hub and its coordinator; a social worker."""

from tests.referrals import (
    child,
    childrens_services,
    coordinator_mash,
    mash,
    north_case,
    partner,
    social_worker,
    suspect,
    victim,
)

__all__ = [
    "child",
    "childrens_services",
    "coordinator_mash",
    "mash",
    "north_case",
    "partner",
    "social_worker",
    "suspect",
    "victim",
]
