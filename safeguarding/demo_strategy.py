"""The demo's planned strategy discussion about two children (issue 16): the NCMEC
case's children in the suspect's household, planned for earlier today with police,
children's services and the school invited; the decision about Gwen is recorded
(section 47 enquiries start, so her conference has a due date) and Finn's is
pending, so the discussion is not yet recorded as held. Runs after the safeguarding
demo; idempotent."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case
from safeguarding.models import StrategyDiscussion, StrategyStatus
from safeguarding.services.strategy_planning import strategy_decision_record, strategy_plan_store

INVITEES = [
    {"agency": "Northshire Police", "name": "DC Sam Example (online CSA team)"},
    {"agency": "Northshire Children's Services", "name": "Alex Example (social worker)"},
    {"agency": "Northshire MASH", "name": "Jo Example (coordinator)"},
    {"agency": "Northshire Primary School", "name": "Pat Example (designated lead)"},
]


def seed_strategy_plan() -> str:
    ncmec = Case.objects.filter(source_reference="DEMO-NCMEC-0001").first()
    if ncmec is None:
        return "no NCMEC case: skipped"
    if StrategyDiscussion.objects.filter(case=ncmec, status=StrategyStatus.PLANNED).exists():
        return "a planned strategy discussion already in place"
    social_worker = User.objects.get(username="social.worker")
    gwen = ncmec.parties.get(person__first_name="Gwen")
    finn = ncmec.parties.get(person__first_name="Finn")
    # Under way since an hour ago: planning would refuse a time already past, so the
    # checked plan is stored as it would have been the day before.
    discussion = strategy_plan_store(
        StrategyDiscussion(
            case=ncmec,
            status=StrategyStatus.PLANNED,
            planned_for=(timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0),
            invitees=INVITEES,
            referral_received_on=ncmec.received_on,
            recorded_by=social_worker,
        ),
        children=[gwen, finn],
        actor=social_worker,
    )
    strategy_decision_record(
        actor=social_worker,
        discussion=discussion,
        child=gwen,
        section_47_started=True,
        rationale="Images of a child are being shared from the home where Gwen lives; "
        "the suspect has unsupervised care of her.",
    )
    return "a planned strategy discussion for two children, one decision made, one pending"
