"""Duty routing (issue 16): reassigning a duty and a supervisor's Team duties.

Police casework of the force that owns the case reassigns a duty it holds (never
through a grant: the force that owns the case owes its duties); another force's
duty, or a granted case's, is not there. Only a police supervisor has Team duties:
the API answers anyone else 403, the page is not there (404). Every police
caseworker has My duties."""

from agencies.models import Membership, Role
from tests.authz import OWN, RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_victims import DUTY_FIELDS, a_victim_with_an_update_owed
from welfare.models import Duty

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})


def a_duty_held_by_the_caller(owner, actor) -> dict:
    """A victim's update owed, held by the caller on their own force's case, and a
    colleague of the owning force who may hold it instead."""
    values = a_victim_with_an_update_owed(owner, actor)
    colleague = (
        Membership.objects.filter(agency=owner, role__in=sorted(POLICE_CASEWORKERS))
        .exclude(user=actor.user)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    values["_to"] = colleague.user if colleague else None
    values["_version"] = 1
    return values


def _reassign_body(values: dict) -> dict:
    to = values["_to"]
    return {"responsible": to.username if to else "nobody", "reason": "On leave from today."}


def _moved_only_when_allowed(values, column, target) -> str | None:
    holder = Duty.objects.values_list("responsible_id", flat=True).get(pk=values["duty"])
    moved = target == OWN and column.role in POLICE_CASEWORKERS
    if moved:
        wanted = values["_to"].pk
    else:
        first = Duty.history.filter(id=values["duty"]).order_by("history_id").first()
        wanted = first.responsible_id
    return None if holder == wanted else f"the duty is held by user {holder}, not {wanted}"


def _not_moved(values, column, target) -> str | None:
    versions = Duty.objects.values_list("version", flat=True).get(pk=values["duty"])
    return None if versions == 1 else "a page left the duty changed"


ROWS = [
    Endpoint(
        "duty-reassign",
        "POST",
        "/api/v1/duties/{duty}/reassign/",
        POLICE_CASEWORKERS,
        body=_reassign_body,
        needs_version=True,
        targets=RECORD_TARGETS,
        setup=a_duty_held_by_the_caller,
        per_actor=True,
        then=_moved_only_when_allowed,
    ),
    Endpoint(
        "team-duties",
        "GET",
        "/api/v1/team-duties/",
        SUPERVISORS,
        setup=a_duty_held_by_the_caller,
        per_actor=True,
        listing=True,
        fields=DUTY_FIELDS,
    ),
    # Pages
    Endpoint("team-duties", "GET", "/team-duties/", SUPERVISORS, page=True),
    Endpoint("my-duties", "GET", "/my-duties/", POLICE_CASEWORKERS, page=True),
    *form_page(
        "duty-reassign-page",
        "/duties/{duty}/reassign/",
        POLICE_CASEWORKERS,
        setup=a_duty_held_by_the_caller,
        per_actor=True,
        then=_not_moved,
    ),
]
