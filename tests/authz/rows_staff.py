"""Staff exposure: reviewers of material log and read their own; police supervisors
read their team's compliance and record debriefs and welfare reviews. Everyone else
is refused. These are collections of the caller's own, so there is no other agency
or granted target: another agency's member is a 404 (tests/welfare/staff)."""

from agencies.access import MATERIAL_READERS
from agencies.models import Role
from tests.authz import Endpoint
from tests.factories import MembershipFactory, TeamFactory

SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})


def a_team_member(owner, actor) -> dict:
    """Puts the actor in a team with a reviewer of material, whose member id the
    supervisor's meeting is recorded for."""
    team = TeamFactory(agency=owner)
    actor.team = team
    actor.save(update_fields=["team"])
    member = MembershipFactory(agency=owner, team=team, role=Role.SPECIALIST_INVESTIGATOR)
    return {"_member": str(member.pk)}


ROWS = [
    Endpoint(
        "staff-exposure-sessions", "GET", "/api/v1/staff-exposure/sessions/", MATERIAL_READERS
    ),
    Endpoint(
        "staff-exposure-sessions",
        "POST",
        "/api/v1/staff-exposure/sessions/",
        MATERIAL_READERS,
        ok=201,
        body={
            "started_at": "2026-03-02T09:00:00Z",
            "ended_at": "2026-03-02T10:00:00Z",
            "review_kind": "grading",
        },
    ),
    Endpoint("staff-exposure-summary", "GET", "/api/v1/staff-exposure/summary/", MATERIAL_READERS),
    Endpoint(
        "staff-exposure-summary",
        "GET",
        "/api/v1/staff-exposure/summary/?team=1",
        SUPERVISORS,
    ),
    Endpoint(
        "staff-exposure-meetings",
        "POST",
        "/api/v1/staff-exposure/meetings/",
        SUPERVISORS,
        ok=201,
        body=lambda values: {
            "user": values["_member"],
            "kind": "debrief",
            "held_on": "2026-03-02",
        },
        setup=a_team_member,
    ),
    Endpoint("staff-exposure-shift", "GET", "/api/v1/staff-exposure/shift/", MATERIAL_READERS),
    Endpoint(
        "staff-exposure-shift",
        "PUT",
        "/api/v1/staff-exposure/shift/",
        MATERIAL_READERS,
        body={"starts_at": "07:00", "ends_at": "15:00"},
        needs_version=True,
    ),
    # Pages
    Endpoint("staff-exposure", "GET", "/staff-welfare/", MATERIAL_READERS, page=True),
    Endpoint("staff-exposure-team", "GET", "/staff-welfare/team/", SUPERVISORS, page=True),
]
