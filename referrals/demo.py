"""The demo's referrals, one in every state, built through the same services as
real work: the hub's threshold decisions (one child decided, one owed), a
victim-support handoff in progress, a family-support referral awaiting a decision,
and one completed with feedback.
Idempotent: a case that already has demo referrals is left alone."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors import agency_get_by_slug
from cases.models import Case
from referrals.models import Referral, default_fields_for
from referrals.services.casework import referral_complete, referral_start, referral_update_note
from referrals.services.drafts import referral_create
from referrals.services.threshold import threshold_decision_record
from referrals.services.transitions import (
    referral_accept,
    referral_decline,
    referral_return,
    referral_send,
    referral_withdraw,
)


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _case(key: str) -> Case | None:
    return Case.objects.filter(source_reference=key).first()


def _draft(actor, case, to, purpose, urgency, parties, summary, **consent):
    fields = default_fields_for(purpose)
    return referral_create(
        actor=actor,
        case=case,
        to_agency=agency_get_by_slug(slug=to),
        purpose=purpose,
        urgency=urgency,
        parties=parties,
        shared_fields={str(p.pk): fields for p in parties},
        summary_for_receiver=summary,
        lawful_basis="law_enforcement",
        sensitive_condition="safeguarding",
        **(
            consent
            or {
                "consent_status": "not_sought",
                "consent_reason": "Safeguarding children: "
                "seeking consent could place the children at risk.",
            }
        ),
    )


def seed_referrals() -> str:
    ncmec = _case("DEMO-NCMEC-0001")
    if ncmec is None or Referral.objects.filter(case=ncmec).exists():
        return "already there" if ncmec else "no demo cases to refer"
    investigator = _user("investigator.north")
    officer = _user("officer.north")
    coordinator = _user("coordinator.mash")
    harbour = _user("caseworker.harbour")
    lighthouse = _user("caseworker.lighthouse")
    given_by_mother = {
        "consent_status": "given",
        "consent_given_on": timezone.localdate() - timedelta(days=5),
        "consent_how": "In person, at the statement visit",
        "consent_given_by": "Her mother, for her",
    }

    # To the hub about the two children in the NCMEC household (Finn and Gwen), each
    # owed a threshold decision: accepted, Finn's decided (a strategy discussion, as
    # safeguarding's demo holds), Gwen's still owed.
    children = list(ncmec.parties.filter(role="child_in_household").order_by("created_at"))
    to_hub = _draft(
        investigator,
        ncmec,
        "northshire-mash",
        "safeguarding",
        "urgent",
        children,
        "Two children live with a suspect who shares indecent images of children.",
    )
    referral_send(actor=investigator, referral=to_hub)
    referral_accept(actor=coordinator, referral=to_hub)
    threshold_decision_record(
        actor=coordinator,
        referral=to_hub,
        child=children[0].pk,
        decision="strategy_discussion",
        rationale="Reasonable cause to suspect significant harm: strategy discussion today.",
    )

    # To victim support for the sextortion victim: accepted, in progress.
    sextortion = _case("DEMO-SEXT-0002")
    victim = sextortion.parties.get(role="victim")
    to_harbour = _draft(
        officer,
        sextortion,
        "harbour-victim-support",
        "victim_support",
        "urgent",
        [victim],
        "A 15-year-old coerced into sending images; she would like support.",
        **given_by_mother,
    )
    referral_send(actor=officer, referral=to_harbour)
    referral_accept(actor=harbour, referral=to_harbour)
    referral_start(actor=harbour, referral=to_harbour)
    referral_update_note(
        actor=harbour, referral=to_harbour, note="First session held with Holly and her mother."
    )

    # To victim support for the boy groomed in a game's chat: sent, for harbour to accept.
    game = _case("DEMO-GAME-0007")
    if game is not None:
        noah = game.parties.get(role="victim")
        to_accept = _draft(
            officer,
            game,
            "harbour-victim-support",
            "victim_support",
            "urgent",
            [noah],
            "A 12-year-old asked for images in a game's chat; his father "
            "would like support for him.",
            consent_status="given",
            consent_given_on=timezone.localdate() - timedelta(days=1),
            consent_how="By phone",
            consent_given_by="His father, for him",
        )
        referral_send(actor=officer, referral=to_accept)

    # To family support for the suspect's partner: sent, awaiting a decision.
    partner = ncmec.parties.get(role="family_member")
    to_lighthouse = _draft(
        investigator,
        ncmec,
        "lighthouse-family-support",
        "family_support",
        "urgent",
        [partner],
        "The partner of a man arrested for image offences, with two young "
        "children; she has agreed to be contacted.",
        consent_status="given",
        consent_given_on=timezone.localdate(),
        consent_how="At the door, on the day of the search",
        consent_given_by="Erin Example",
    )
    referral_send(actor=investigator, referral=to_lighthouse)

    # To the hub about the sextortion victim: returned with a question.
    to_hub_info = _draft(
        officer,
        sextortion,
        "northshire-mash",
        "safeguarding",
        "routine",
        [victim],
        "Is the family known to children's services?",
    )
    referral_send(actor=officer, referral=to_hub_info)
    referral_return(
        actor=coordinator,
        referral=to_hub_info,
        question="Please give the school the victim attends.",
    )

    # Southshire: victim support, completed with feedback to the referrer.
    south = _case("DEMO-SOUTH-0006")
    if south is not None:
        south_officer = _user("officer.south")
        mia = south.parties.get(role="victim")
        completed = _draft(
            south_officer,
            south,
            "harbour-victim-support",
            "victim_support",
            "routine",
            [mia],
            "A 13-year-old contacted by an adult online.",
            consent_status="given",
            consent_given_on=timezone.localdate() - timedelta(days=6),
            consent_how="By phone",
            consent_given_by="Her father, for her",
        )
        referral_send(actor=south_officer, referral=completed)
        referral_accept(actor=harbour, referral=completed)
        referral_start(actor=harbour, referral=completed)
        referral_complete(
            actor=harbour,
            referral=completed,
            outcome="support_provided",
            summary="Four sessions with Mia and her father; she feels safer "
            "online and knows who to call. Case closed with us.",
        )

    # The activist case: declined, and a withdrawn request for information.
    activist = _case("DEMO-ACT-0004")
    suspect = activist.parties.get(role="suspect")
    declined = _draft(
        investigator,
        activist,
        "lighthouse-family-support",
        "suspect_support",
        "routine",
        [suspect],
        "A man confronted by an activist group who has asked for help to stop.",
    )
    referral_send(actor=investigator, referral=declined)
    referral_decline(
        actor=lighthouse,
        referral=declined,
        reason="We support families, not suspects: please refer to a service "
        "for people worried about their own thoughts.",
    )
    withdrawn = _draft(
        investigator,
        activist,
        "northshire-mash",
        "request_for_information",
        "routine",
        [suspect],
        "Any children known to live with this man?",
    )
    referral_send(actor=investigator, referral=withdrawn)
    referral_withdraw(
        actor=investigator, referral=withdrawn, reason="Answered by the council tax record."
    )

    # A draft, not yet sent.
    caution = _case("DEMO-CC-0005")
    _draft(
        investigator,
        caution,
        "lighthouse-family-support",
        "suspect_support",
        "routine",
        [caution.parties.get(role="suspect")],
        "Draft: support while the caution runs.",
    )
    return "referrals in every state"
