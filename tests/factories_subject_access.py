"""Factories for subject access tests: a records manager, and a request recorded the
way the service records it (its deadline computed)."""

from datetime import date

from agencies.models import Role
from tests.factories import MembershipFactory, TOTPDeviceFactory


def records_manager(agency, username: str = "records.north"):
    membership = MembershipFactory(
        agency=agency, role=Role.RECORDS_MANAGER, user__username=username
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def a_request(manager, people, *, received_on: date, legal_basis: str = "uk_gdpr_article_15"):
    """A request recorded by `manager` about `people` (the agency's person records)."""
    from subject_access.services.requests import sar_create

    return sar_create(
        actor=manager.user,
        legal_basis=legal_basis,
        received_on=received_on,
        requester_name="Sam Requester",
        identity_check="documents_seen",
        subject_ids=[person.pk for person in people],
    )
