"""Who supervises whom, for the notifications of every deadline sweep.

`supervisors_of(user)`: the police supervisors of their team, else of their agency;
in a safeguarding hub without a police supervisor, its MASH coordinators. Never the
user themselves; only people who can still sign in.

`Recipients` works out who is told of a `common.notifications.Notice`, looking up
each person's and each team's supervisors once per sweep."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.auth.models import User

from agencies.models import AgencyKind, Membership, Role
from common.notifications import Notice, TeamKey


def supervisors_for_team(
    *, agency_id: Any, agency_kind: str, team_id: Any, exclude_user_id: int | None
) -> list[User]:
    """The team's police supervisors, else the agency's; in a safeguarding hub
    without one, its MASH coordinators. Only people who can still sign in."""
    # The stubs refuse None in a lookup; exclude(user_id=None) excludes nobody.
    members = (
        Membership.objects.filter(agency_id=agency_id, user__is_active=True)  # type: ignore[misc]
        .exclude(user_id=exclude_user_id)
        .select_related("user")
        .order_by("user__username")
    )
    police_supervisors = [m for m in members if m.role == Role.POLICE_SUPERVISOR]
    if team_id is not None:
        same_team = [m.user for m in police_supervisors if m.team_id == team_id]
        if same_team:
            return same_team
    if police_supervisors:
        return [m.user for m in police_supervisors]
    if agency_kind == AgencyKind.SAFEGUARDING_HUB:
        return [m.user for m in members if m.role == Role.MASH_COORDINATOR]
    return []


def supervisors_of(user: User) -> list[User]:
    """Who supervises `user`, for deadline notifications: the police supervisors of
    their team, else of their agency; in a safeguarding hub without a police
    supervisor, its MASH coordinators. Never the user themselves; only people who
    can still sign in. Empty for someone with no agency."""
    membership = Membership.objects.select_related("agency").filter(user_id=user.pk).first()
    if membership is None:
        return []
    return supervisors_for_team(
        agency_id=membership.agency_id,
        agency_kind=membership.agency.kind,
        team_id=membership.team_id,
        exclude_user_id=user.pk,
    )


class Recipients:
    """Who is told of a notice, for every sweep: those responsible who can still
    sign in; their supervisors too when the notice escalates, or when none of them
    can act; when they have no supervisor (or nobody is responsible), the
    supervisors of the notice's team; then anyone else it names who can still
    sign in. Each person's and each team's supervisors are looked up once."""

    def __init__(self) -> None:
        self._by_user: dict[int, list[User]] = {}
        self._by_team: dict[TeamKey, list[User]] = {}

    def supervisors_of(self, user: User) -> list[User]:
        if user.pk not in self._by_user:
            self._by_user[user.pk] = supervisors_of(user)
        return self._by_user[user.pk]

    def team_supervisors(self, team: TeamKey) -> list[User]:
        if team not in self._by_team:
            agency_id, agency_kind, team_id = team
            self._by_team[team] = supervisors_for_team(
                agency_id=agency_id, agency_kind=agency_kind, team_id=team_id, exclude_user_id=None
            )
        return self._by_team[team]

    def of(self, notice: Notice) -> list[User]:
        people: dict[int, User] = {}
        for person in notice.responsible:
            if person.is_active:
                people.setdefault(person.pk, person)
        if notice.escalate or not people:
            supervisors = [
                supervisor
                for person in notice.responsible
                for supervisor in self.supervisors_of(person)
            ]
            if not supervisors and notice.team is not None:
                supervisors = self.team_supervisors(notice.team)
            for supervisor in supervisors:
                if supervisor.is_active:
                    people.setdefault(supervisor.pk, supervisor)
        for also in notice.also:
            if also is not None and also.is_active:
                people.setdefault(also.pk, also)
        return list(people.values())

    def pairs(self, notices: Iterable[Notice]) -> Iterator[tuple[Notice, User]]:
        """Each notice with each person told of it, for `notices_deliver`."""
        for notice in notices:
            for user in self.of(notice):
                yield notice, user
