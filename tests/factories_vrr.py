"""Factories and helpers for the Victims' Right to Review (issue 19, docs/adr/0017)."""

from datetime import date

from cases.models import Outcome
from cases.services.outcomes import outcome_record
from tests.factories import MembershipFactory, TOTPDeviceFactory


def member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


def decision_record(actor, case, suspect, *, code="15", on=date(2026, 6, 10)) -> Outcome:
    """An outcome through the cases service (its event, and so its duties, follow)."""
    return outcome_record(
        actor=actor,
        case=case,
        suspect=suspect,
        code=code,
        outcome_on=on,
        rationale="The evidential test is not met: the device could not be attributed.",
    )
