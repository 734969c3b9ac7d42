"""Staff exposure: everyone who views material (every police casework role,
generalists included) logs and reads their own; police supervisors
read their team's compliance and record debriefs and welfare reviews. Everyone else
is refused. These are collections of the caller's own, so there is no other agency
or granted target: another agency's member is a 404 (tests/welfare/staff)."""

from agencies.models import Role
from tests.authz import Endpoint
from tests.authz.rows_case_pages import form_page
from tests.factories import MembershipFactory, TeamFactory

# Those who view material (and so log their exposure to it): the generalist officer
# too, who views it in the force's grading tools (issue 16). Written out, not taken
# from agencies.access, so that the matrix checks the policy rather than repeats it.
REVIEWERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})


def a_session_reviewed(owner, actor) -> dict:
    """An hour of grading the caller logged, when they are of the owning agency."""
    from datetime import UTC, datetime

    from welfare.models import ExposureSession

    if owner == actor.agency:
        ExposureSession.objects.create(
            user=actor.user,
            agency=owner,
            team=actor.team,
            started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
            ended_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
            minutes=60,
            review_kind="grading",
        )
    return {}


def a_team_member(owner, actor) -> dict:
    """Puts the actor in a team with a reviewer of material, whose member id the
    supervisor's meeting is recorded for."""
    team = TeamFactory(agency=owner)
    actor.team = team
    actor.save(update_fields=["team"])
    member = MembershipFactory(agency=owner, team=team, role=Role.SPECIALIST_INVESTIGATOR)
    return {"_member": str(member.pk)}


def a_team_member_with_a_private_note(owner, actor) -> dict:
    """The actor's team has a reviewer who logged a session with a private note."""
    from datetime import UTC, datetime

    from welfare.models import ExposureSession

    values = a_team_member(owner, actor)
    member = MembershipFactory._meta.model.objects.get(pk=values["_member"])
    ExposureSession.objects.create(
        user=member.user,
        agency=owner,
        team=member.team,
        started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        ended_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        minutes=60,
        review_kind="grading",
        private_note="Found today hard.",
    )
    return values


ROWS = [
    Endpoint(
        "staff-exposure-sessions",
        "GET",
        "/api/v1/staff-exposure/sessions/",
        REVIEWERS,
        setup=a_session_reviewed,
        per_actor=True,
        listing=True,
        fields=frozenset(
            {
                "id",
                "started_at",
                "ended_at",
                "minutes",
                "review_kind",
                "breaches",
                "has_breach",
                "private_note",
                "created_at",
            }
        ),
    ),
    Endpoint(
        "staff-exposure-sessions",
        "POST",
        "/api/v1/staff-exposure/sessions/",
        REVIEWERS,
        ok=201,
        body={
            "started_at": "2026-03-02T09:00:00Z",
            "ended_at": "2026-03-02T10:00:00Z",
            "review_kind": "grading",
        },
    ),
    Endpoint(
        "staff-exposure-summary",
        "GET",
        "/api/v1/staff-exposure/summary/",
        REVIEWERS,
        fields=frozenset({"results"}),
    ),
    Endpoint(
        "staff-exposure-summary",
        "GET",
        "/api/v1/staff-exposure/summary/?team=true",
        SUPERVISORS,
        setup=a_team_member_with_a_private_note,
        per_actor=True,
        fields=frozenset({"results"}),
        # A supervisor sees their team's compliance, never anyone's private notes.
        never=frozenset({"private_note"}),
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
        per_actor=True,
    ),
    Endpoint(
        "staff-exposure-shift",
        "GET",
        "/api/v1/staff-exposure/shift/",
        REVIEWERS,
        fields=frozenset({"starts_at", "ends_at", "version"}),
    ),
    Endpoint(
        "staff-exposure-shift",
        "PUT",
        "/api/v1/staff-exposure/shift/",
        REVIEWERS,
        body={"starts_at": "07:00", "ends_at": "15:00"},
        needs_version=True,
    ),
    # Pages
    *form_page("staff-exposure", "/staff-welfare/", REVIEWERS, targets=("own",), setup=None),
    *form_page(
        "staff-shift-change", "/staff-welfare/shift/", REVIEWERS, targets=("own",), setup=None
    ),
    *form_page(
        "staff-exposure-team",
        "/staff-welfare/team/",
        SUPERVISORS,
        targets=("own",),
        setup=a_team_member,
        per_actor=True,
    ),
]
