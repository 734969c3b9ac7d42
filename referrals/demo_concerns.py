"""The demo's urgent concerns and message threads, built through the same services
as real work, after the referrals demo:

* caseworker.harbour heard something new from the sextortion victim and raised an
  urgent concern on the referral harbour is working; officer.north acknowledged it
  within the two hours, with what was done, and the two wrote to each other;
* officer.north asked lighthouse-family-support, in a request for information,
  whether the NCMEC suspect's partner is known to them, and caseworker.lighthouse
  accepted it: the referral on which the issue's done-when journey raises a concern
  that reaches officer.north and supervisor.north marked urgent.

Idempotent: a referral that already has a concern, or a request that was already
made, is left alone."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors import agency_get_by_slug
from cases.models import Case
from referrals.models import Concern, Referral, ReferralPurpose, ReferralState, default_fields_for
from referrals.services.concern_answers import concern_acknowledge
from referrals.services.concerns import concern_raise
from referrals.services.drafts import referral_create
from referrals.services.messages import message_post
from referrals.services.transitions import referral_accept, referral_send

LIGHTHOUSE_QUESTION = (
    "Is Erin Example, or are her two young children, already known to Lighthouse? "
    "Her partner was arrested for image offences."
)


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _case(key: str) -> Case | None:
    return Case.objects.filter(source_reference=key).first()


def _harbour_concern() -> str:
    sextortion = _case("DEMO-SEXT-0002")
    to_harbour = (
        Referral.objects.filter(
            case=sextortion,
            to_agency__slug="harbour-victim-support",
            state=ReferralState.IN_PROGRESS,
        ).first()
        if sextortion
        else None
    )
    if to_harbour is None:
        return "no harbour referral"
    if Concern.objects.filter(referral=to_harbour).exists():
        return "harbour's concern already there"
    harbour = _user("caseworker.harbour")
    officer = _user("officer.north")
    victim = to_harbour.parties.get(role="victim")
    now = timezone.now()
    concern = concern_raise(
        actor=harbour,
        referral=to_harbour,
        kind="new_disclosure",
        heard=(
            "In today's session Holly said the same account has found her on another app "
            "and sent her a message last night demanding money again."
        ),
        heard_at=now - timedelta(hours=1),
        heard_from="Holly, in a support session with her mother present",
        subject_id=victim.pk,
    )
    concern_acknowledge(
        actor=officer,
        concern=concern,
        action_taken=(
            "Called Holly's mother: the new messages are preserved and screenshots are "
            "not to be taken. A preservation request is going to the second platform today."
        ),
    )
    message_post(
        actor=officer,
        referral=to_harbour,
        body=(
            "Thank you for raising this so quickly. Please tell us at once if he makes "
            "contact again."
        ),
    )
    message_post(
        actor=harbour,
        referral=to_harbour,
        body="We will. Holly's next session is on Thursday after school.",
    )
    return "harbour's concern, acknowledged by officer.north"


def _lighthouse_request() -> str:
    ncmec = _case("DEMO-NCMEC-0001")
    if ncmec is None:
        return "no NCMEC case"
    lighthouse = agency_get_by_slug(slug="lighthouse-family-support")
    asked = Referral.objects.filter(
        case=ncmec, to_agency=lighthouse, purpose=ReferralPurpose.REQUEST_FOR_INFORMATION
    )
    if asked.exists():
        return "lighthouse's request already there"
    officer = _user("officer.north")
    partner = ncmec.parties.get(role="family_member")
    request_purpose = ReferralPurpose.REQUEST_FOR_INFORMATION
    request = referral_create(
        actor=officer,
        case=ncmec,
        to_agency=lighthouse,
        purpose=request_purpose,
        urgency="routine",
        parties=[partner],
        shared_fields={
            str(partner.pk): default_fields_for(ReferralPurpose.REQUEST_FOR_INFORMATION)
        },
        summary_for_receiver=LIGHTHOUSE_QUESTION,
        lawful_basis="law_enforcement",
        sensitive_condition="safeguarding",
        consent_status="not_sought",
        consent_reason="Safeguarding children: asking first could place the children at risk.",
    )
    referral_send(actor=officer, referral=request)
    referral_accept(actor=_user("caseworker.lighthouse"), referral=request)
    return "lighthouse's request for information, accepted"


def seed_concerns() -> str:
    return "; ".join((_harbour_concern(), _lighthouse_request()))
