"""The world of the urgent-concern tests, beside tests/referrals/__init__.py's:
northshire's case led by officer.north in the online CSA team (with an
investigator and the team's supervisor), a supervisor of another team, an officer
of another team, and the victim-support referral harbour accepted. Test modules
take the fixtures with `from tests.referrals.concern_world import *`."""

from datetime import timedelta

import pytest

from agencies.models import AccessLogEntry, Role
from common.models import Notification
from referrals.services import referral_accept, referral_send
from tests.factories import MembershipFactory, TeamFactory, TOTPDeviceFactory
from tests.referrals import MONDAY_MORNING, draft, frozen

__all__ = [
    "concern_case",
    "duty_supervisor",
    "harbour_referral",
    "investigator_north",
    "response_officer",
]


def member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north, north_team):
    return member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def duty_supervisor(north):
    """A supervisor of another northshire team: told only when every supervisor is."""
    team = TeamFactory(agency=north, slug="response-north", name="North Response Team")
    return member(north, Role.POLICE_SUPERVISOR, "duty.supervisor", team)


@pytest.fixture
def response_officer(north):
    return member(north, Role.GENERALIST_OFFICER, "response.officer")


@pytest.fixture
def concern_case(north_case, north_team, officer_north, supervisor_north, investigator_north):
    """The case of tests/referrals, owned by the online CSA team."""
    north_case.team = north_team
    north_case.save(update_fields=["team"])
    return north_case


@pytest.fixture
def harbour_referral(concern_case, officer_north, caseworker_harbour, harbour, victim):
    """Sent to harbour on Monday morning and accepted an hour later."""
    with frozen(MONDAY_MORNING):
        referral = referral_send(
            actor=officer_north.user,
            referral=draft(
                officer_north,
                concern_case,
                harbour,
                [victim],
            ),
        )
    with frozen(MONDAY_MORNING + timedelta(hours=1)):
        return referral_accept(actor=caseworker_harbour.user, referral=referral)


def told(kind_prefix: str = "referrals.") -> list[tuple[str, str]]:
    """Who was notified of what, among the kinds of concerns and messages."""
    return sorted(
        (username, kind)
        for username, kind in Notification.objects.values_list("user__username", "kind")
        if kind.startswith(kind_prefix) and not kind.startswith("referrals.referral_")
    )


def logged(action: str) -> list[tuple[str, str]]:
    return list(
        AccessLogEntry.objects.filter(action=action)
        .order_by("sequence")
        .values_list("username", "outcome")
    )


def read_by(username: str, record: str) -> list[str]:
    """The actions of the access-log entries in which `username` read `record`
    (`type:id`): as the entry's own record, or among the others it names (a
    request's reads make one entry)."""
    return [
        entry.action
        for entry in AccessLogEntry.objects.filter(username=username, outcome="allowed")
        if f"{entry.object_type}:{entry.object_id}" == record or record in entry.record_ids
    ]
