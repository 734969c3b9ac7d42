"""The demo's conditional caution (issue 16): an adult cautioned on condition that
he attends a course for people who have viewed indecent images of children
(Recommendations 13 and 18), on a case officer.north leads. The conditions fall due
on the Thursday of the week the demo is seeded, so their compliance duty is
officer.north's this week: on the duties lists and on their calendar. Built through
the services, like the rest of the demo. Idempotent: nothing is done when the case
exists."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case
from cases.services.cases import case_create
from cases.services.outcomes import outcome_record
from cases.services.people import party_add_for_person

SOURCE_REFERENCE = "DEMO-CAUTION-0001"
CONDITIONS = (
    "Attend the whole of a course for people who have viewed indecent images of children "
    "(ten weekly sessions) and give the officer in charge the provider's certificate."
)


def caution_due_on(today: date) -> date:
    """The Thursday of today's week (Monday to Sunday): in the week whatever the day."""
    return today - timedelta(days=today.weekday()) + timedelta(days=3)


def seed_caution_demo() -> str:
    if Case.objects.filter(source_reference=SOURCE_REFERENCE).exists():
        return "already seeded"
    officer = User.objects.select_related("membership").get(username="officer.north")
    today = timezone.localdate()
    cautioned_on = today - timedelta(days=75)
    case = case_create(
        actor=officer,
        title="Indecent images of children: conditional caution (course)",
        source="nca_industry_report",
        source_reference=SOURCE_REFERENCE,
        received_on=cautioned_on - timedelta(days=60),
        opened_on=cautioned_on - timedelta(days=60),
        summary=(
            "A first offence of viewing; no contact offending or access to children found. "
            "Diverted with a conditional caution."
        ),
        lead_officer=officer,
        team=officer.membership.team,
    )
    suspect = party_add_for_person(
        actor=officer,
        case=case,
        person=None,
        new_person={"first_name": "Colin", "last_name": "Caution"},
        role="suspect",
    )
    outcome_record(
        actor=officer,
        case=case,
        suspect=suspect,
        code="3",
        outcome_on=cautioned_on,
        rationale=(
            "Admitted the offence in interview; low risk on assessment; the CPS agreed a "
            "conditional caution with a course."
        ),
        caution_conditions=CONDITIONS,
        conditions_due_on=caution_due_on(today),
    )
    return f"{case.reference}: conditions due {caution_due_on(today):%d %b %Y}"
