"""A case with one of everything the chronology lists, at known moments (issue 19)."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import (
    Case,
    CaseGrant,
    CaseParty,
    ContactLog,
    InvestigationEvent,
    KeyDecision,
    MaterialSummary,
    Outcome,
    Task,
)
from referrals.models import ReferralEvent
from safeguarding.models import Assessment, Flag, StrategyDiscussion, StrategyDiscussionChild
from tests.authz.rows_referrals import make_referral
from tests.factories import CaseFactory, PartyFactory, UserFactory
from welfare.models import Duty

# The first moment of the story; every record is a whole number of hours after it.
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def hour(n: int) -> datetime:
    return START + timedelta(hours=n)


@dataclass
class StoryCase:
    case: Case
    victim: CaseParty
    suspect: CaseParty
    child: CaseParty
    records: dict[str, Any] = field(default_factory=dict)


def grant_parties(case: Case, agency, parties, *, by=None) -> CaseGrant:
    """A grant of some parties of a case only, as a referral's acceptance leaves it."""
    grant = CaseGrant.objects.create(
        case=case,
        agency=agency,
        reason="Accepted referral",
        granted_by=by or UserFactory(),
        granted_at=timezone.now(),
        party_scoped=True,
    )
    grant.parties.set(parties)
    assign_perm("view_case", agency.grant_group, case)
    for party in parties:
        assign_perm("view_caseparty", agency.grant_group, party)
    return grant


def story_case(owner, lead, *, mash=None) -> StoryCase:
    """A case of `owner` led by `lead` (a user), with, an hour apart from START:
    0 the case opened, 1 a contact with the victim, 2 a key decision, 3 the suspect
    arrested, 4 a risk assessment of the child, 5 a flag on the suspect, 6 a referral
    about the child sent to `mash` (if given), 7 the victim's update met, 8 the
    material summary recorded, 9 a strategy discussion about the child, 10 an outcome
    for the suspect, 11 a task set; the family pack's deadline missed at 12."""
    lead.first_name, lead.last_name = "Olivia", "Northam"
    lead.save(update_fields=["first_name", "last_name"])
    case = CaseFactory(owning_agency=owner, lead_officer=lead, created_by=lead)
    Case.objects.filter(pk=case.pk).update(created_at=hour(0))
    case.refresh_from_db()
    victim = PartyFactory(case=case, role="victim", person__first_name="Vera", created_by=lead)
    suspect = PartyFactory(case=case, role="suspect", person__first_name="Sam", created_by=lead)
    child = PartyFactory(
        case=case, role="child_in_household", person__first_name="Cory", created_by=lead
    )
    story = StoryCase(case=case, victim=victim, suspect=suspect, child=child)
    r = story.records
    r["contact"] = ContactLog.objects.create(
        case=case,
        party=victim,
        contacted_at=hour(1),
        channel="phone",
        made_by=lead,
        summary="Explained what happens next.\nSecond line not shown.",
    )
    r["decision"] = KeyDecision.objects.create(
        case=case,
        decision="Arrest the suspect today",
        rationale="Risk to children in the household.",
        decided_by=lead,
        decided_at=hour(2),
    )
    r["event"] = InvestigationEvent.objects.create(
        case=case, suspect=suspect, kind="arrested", occurred_at=hour(3), recorded_by=lead
    )
    r["assessment"] = Assessment.objects.create(
        case=case,
        subject=child,
        template_key="child_online_harm",
        template_version=1,
        answers={},
        computed_level="high",
        known_factors=5,
        total_factors=8,
        assessor=lead,
        assessed_at=hour(4),
        review_on=date(2026, 6, 1),
    )
    r["flag"] = Flag.objects.create(
        case=case,
        party=suspect,
        person=suspect.person,
        kind="suicide_self_harm",
        reason="Said so in custody.",
        raised_by=lead,
        raised_at=hour(5),
        review_on=date(2026, 6, 1),
    )
    if mash is not None:
        referral = make_referral(
            from_agency=owner,
            to_agency=mash,
            case=case,
            created_by=lead,
            sent_at=hour(6),
            party_role="child_in_household",
        )
        referral.parties.set([child])
        r["referral"] = referral
        r["referral_event"] = ReferralEvent.objects.get(referral=referral, action="sent")
    r["duty_met"] = Duty.objects.create(
        case=case,
        party=victim,
        kind="victim_update",
        compartment="victim",
        trigger="event",
        reason="Suspect arrested",
        source_key=f"test-victim-update-{case.pk}",
        due_at=hour(30),
        agency=owner,
        responsible=lead,
        status="met",
        resolved_at=hour(7),
        resolved_by=lead,
    )
    material = MaterialSummary(case=case, category_a_count=2, category_b_count=3, updated_by=lead)
    material._history_user = lead  # type: ignore[attr-defined]
    material.save()
    MaterialSummary.history.filter(case_id=case.pk).update(history_date=hour(8))  # type: ignore[attr-defined]
    r["material"] = material
    discussion = StrategyDiscussion.objects.create(
        case=case, held_at=hour(9), referral_received_on=date(2026, 5, 4), recorded_by=lead
    )
    StrategyDiscussion.objects.filter(pk=discussion.pk).update(created_at=hour(9))
    StrategyDiscussionChild.objects.create(
        discussion=discussion,
        child=child,
        section_47_started=True,
        rationale="Significant harm suspected.",
        decided_at=hour(9),
        decided_by=lead,
    )
    r["strategy"] = discussion
    r["outcome"] = Outcome.objects.create(
        case=case,
        suspect=suspect,
        code="1",
        outcome_on=date(2026, 5, 4),
        rationale="Charged.",
        recorded_by=lead,
    )
    Outcome.objects.filter(pk=r["outcome"].pk).update(created_at=hour(10))
    r["task"] = Task.objects.create(
        case=case,
        agency=owner,
        title="Ask the school about devices",
        assignee=lead,
        due_on=date(2026, 5, 8),
        created_by=lead,
    )
    Task.objects.filter(pk=r["task"].pk).update(created_at=hour(11))
    r["duty_missed"] = Duty.objects.create(
        case=case,
        party=suspect,
        kind="family_pack",
        compartment="family",
        trigger="event",
        reason="Suspect arrested",
        source_key=f"test-family-pack-{case.pk}",
        due_at=hour(12),
        agency=owner,
        responsible=lead,
    )
    return story
