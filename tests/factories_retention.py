"""Factories for retention, review and disposal (issue 19): closed cases with the
offences and people that decide their group, closed through the lifecycle service so
that the schedule is set as in use."""

from datetime import date

from agencies.models import Role
from cases.models import Case, CaseParty, Offence
from cases.services.lifecycle import case_close
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, TOTPDeviceFactory


def member(agency, role: Role, username: str):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


def case_with(
    agency,
    *,
    offences: tuple[str, ...] = (),
    suspect_born: date | None = None,
    child_born: date | None = None,
    reference: str | None = None,
) -> Case:
    """An open case of the agency, with these offences, a suspect and a victim child."""
    extra = {"reference": reference} if reference else {}
    case = CaseFactory(owning_agency=agency, **extra)
    suspect = PartyFactory(case=case, role="suspect", person__date_of_birth=suspect_born)
    PartyFactory(case=case, role="victim", person__date_of_birth=child_born)
    for offence_type in offences:
        offence = Offence.objects.create(
            case=case,
            offence_type=offence_type,
            committed_from=date(2026, 1, 5),
            created_by=case.created_by,
        )
        offence.parties.add(suspect)
    return case


def closed(case: Case, closer, *, on: date) -> Case:
    """The case closed through the lifecycle service (its retention scheduled)."""
    return case_close(actor=closer.user, case=case, closing_reason="no_crime", closed_on=on)


def party_of(case: Case, role: str) -> CaseParty:
    return CaseParty.objects.get(case=case, role=role)
