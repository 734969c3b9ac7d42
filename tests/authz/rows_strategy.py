"""Strategy discussions: every casework role that may see a case reads them; only
social workers and MASH coordinators record them and their steps, on their own
agency's cases and on cases granted to it."""

from datetime import date, timedelta

from django.utils import timezone

from agencies.models import Role
from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_case_pages import form_page
from tests.authz.rows_cases import CASEWORKERS
from tests.factories import CaseFactory, PartyFactory, UserFactory

RECORDERS = frozenset({Role.SOCIAL_WORKER, Role.MASH_COORDINATOR})


def a_case_with_a_child(owner, actor) -> dict:
    case = CaseFactory(owning_agency=owner, created_by=actor.user, received_on=date(2026, 3, 2))
    child = PartyFactory(
        case=case,
        created_by=case.created_by,
        person__created_by=case.created_by,
        role="victim",
        person__date_of_birth=date(2013, 6, 1),
    )
    PartyFactory(
        case=case, created_by=case.created_by, person__created_by=case.created_by, role="suspect"
    )
    return {"case": case.id, "child": child.id, "_case": case}


def a_strategy_discussion(owner, actor) -> dict:
    from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild
    from safeguarding.services.child_protection import strategy_deadlines

    values = a_case_with_a_child(owner, actor)
    held_at = timezone.now() - timedelta(days=3)
    conference_due_at, assessment_due_at = strategy_deadlines(
        held_at=held_at, referral_received_on=date(2026, 3, 2)
    )
    recorder = UserFactory()
    discussion = StrategyDiscussion.objects.create(
        case=values["_case"],
        held_at=held_at,
        agencies_present="Police, children's services, health",
        referral_received_on=date(2026, 3, 2),
        recorded_by=recorder,
    )
    StrategyDiscussionChild.objects.create(
        discussion=discussion,
        child_id=values["child"],
        section_47_started=True,
        rationale="Reasonable cause to suspect significant harm.",
        decided_at=held_at,
        decided_by=recorder,
        conference_due_at=conference_due_at,
        assessment_due_at=assessment_due_at,
    )
    return {**values, "discussion": discussion.id}


def a_planned_discussion(owner, actor) -> dict:
    """Planned for an hour ago, about the case's child: under way, its decision pending."""
    from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild

    values = a_case_with_a_child(owner, actor)
    discussion = StrategyDiscussion.objects.create(
        case=values["_case"],
        status="planned",
        planned_for=timezone.now() - timedelta(hours=1),
        invitees=[{"agency": "Northshire Police", "name": "DC Example"}],
        referral_received_on=date(2026, 3, 2),
        recorded_by=UserFactory(),
    )
    StrategyDiscussionChild.objects.create(discussion=discussion, child_id=values["child"])
    return {**values, "discussion": discussion.id}


def _a_decision(values) -> dict:
    return {
        "child": str(values["child"]),
        "section_47_started": True,
        "rationale": "Reasonable cause to suspect significant harm.",
    }


def _held(values) -> dict:
    return {
        "held_at": (timezone.now() - timedelta(minutes=10)).isoformat(),
        "attendees": "Police, children's services, school",
        "minutes": "Agreed: section 47 enquiries.",
        "decisions": [_a_decision(values)],
    }


def a_plan(values) -> dict:
    return {
        "planned_for": (timezone.now() + timedelta(days=1)).isoformat(),
        "invitees": [{"agency": "Northshire Police", "name": "DC Example"}],
        "children": [str(values["child"])],
    }


def a_discussion_to_record(values) -> dict:
    now = timezone.now()
    return {
        "child": str(values["child"]),
        "held_at": (now - timedelta(hours=1)).isoformat(),
        "agencies_present": "Police, children's services, school",
        "section_47_started": True,
        "rationale": "Reasonable cause to suspect significant harm.",
        "referral_received_on": (now - timedelta(days=2)).date().isoformat(),
    }


def _today(values) -> dict:
    return {"held_on": timezone.localdate().isoformat()}


def _completed_today(values) -> dict:
    return {"completed_on": timezone.localdate().isoformat()}


ROWS = [
    Endpoint(
        "case-strategy-discussions",
        "GET",
        "/api/v1/cases/{case}/strategy-discussions/",
        CASEWORKERS,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_strategy_discussion,
        listing=True,
        fields=frozenset(
            {
                "id",
                "status",
                "planned_for",
                "invitees",
                "held_at",
                "attendees",
                "minutes",
                "referral_received_on",
                "complete",
                "children",
                "recorded_by",
                "created_at",
                "version",
            }
        ),
    ),
    Endpoint(
        "case-strategy-discussions",
        "POST",
        "/api/v1/cases/{case}/strategy-discussions/",
        RECORDERS,
        ok=201,
        body=a_discussion_to_record,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_child,
    ),
    Endpoint(
        "case-strategy-conference-held",
        "POST",
        "/api/v1/cases/{case}/strategy-discussions/{discussion}/conference-held/",
        RECORDERS,
        body=_today,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_strategy_discussion,
    ),
    Endpoint(
        "case-strategy-assessment-completed",
        "POST",
        "/api/v1/cases/{case}/strategy-discussions/{discussion}/assessment-completed/",
        RECORDERS,
        body=_completed_today,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_strategy_discussion,
    ),
    Endpoint(
        "case-strategy-discussions",
        "POST",
        "/api/v1/cases/{case}/strategy-discussions/",
        RECORDERS,
        ok=201,
        body=a_plan,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_case_with_a_child,
    ),
    Endpoint(
        "strategy-discussion-decide",
        "POST",
        "/api/v1/strategy-discussions/{discussion}/decisions/",
        RECORDERS,
        body=_a_decision,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_planned_discussion,
    ),
    Endpoint(
        "strategy-discussion-hold",
        "POST",
        "/api/v1/strategy-discussions/{discussion}/hold/",
        RECORDERS,
        body=_held,
        targets=RECORD_TARGETS,
        granted_ok=True,
        setup=a_planned_discussion,
    ),
    *form_page(
        "case-strategy-plan",
        "/cases/{case}/strategy-discussions/plan/",
        RECORDERS,
        granted_ok=True,
        setup=a_case_with_a_child,
    ),
    *form_page(
        "case-strategy-decide",
        "/cases/{case}/strategy-discussions/{discussion}/decide/",
        RECORDERS,
        granted_ok=True,
        setup=a_planned_discussion,
    ),
    *form_page(
        "case-strategy-hold",
        "/cases/{case}/strategy-discussions/{discussion}/hold/",
        RECORDERS,
        granted_ok=True,
        setup=a_planned_discussion,
    ),
    *form_page(
        "case-strategy-create",
        "/cases/{case}/strategy-discussions/new/",
        RECORDERS,
        granted_ok=True,
        setup=a_case_with_a_child,
    ),
    *form_page(
        "case-strategy-conference-held",
        "/cases/{case}/strategy-discussions/{discussion}/conference-held/",
        RECORDERS,
        granted_ok=True,
        setup=a_strategy_discussion,
    ),
    *form_page(
        "case-strategy-assessment-completed",
        "/cases/{case}/strategy-discussions/{discussion}/assessment-completed/",
        RECORDERS,
        granted_ok=True,
        setup=a_strategy_discussion,
    ),
]
