"""The demo of partners working one case, built through the same services as real
work, after the duties of care (order 41):

* the NCMEC case's referral of the children to the hub was accepted by
  `coordinator.mash` (referrals.demo), so the hub holds the case for Finn and Gwen;
  the strategy discussion is left for the coordinator to record through the pages;
* the hub has referred the children on to `lighthouse-family-support`. Sent by an
  agency that holds the case, it met the police's duty to offer the family support,
  and `caseworker.lighthouse` has completed it with an outcome, which shows on the
  police case under "Agencies involved";
* the game-chat case has a strategy-discussion referral waiting for the hub to
  accept (the Done-when journey: accept it, then record the discussion).

Idempotent: nothing is made when the hub has already referred the NCMEC case on."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from agencies.selectors import agency_get_by_slug
from cases.models import Case
from referrals.models import Referral, default_fields_for
from referrals.services.casework import referral_complete, referral_start
from referrals.services.drafts import referral_create
from referrals.services.transitions import referral_accept, referral_send


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _case(key: str) -> Case | None:
    return Case.objects.filter(source_reference=key).first()


def _hub_refers_the_children_on(ncmec: Case) -> None:
    coordinator = _user("coordinator.mash")
    lighthouse = _user("caseworker.lighthouse")
    children = list(ncmec.parties.filter(role="child_in_household").order_by("created_at"))
    fields = default_fields_for("family_support")
    onward = referral_create(
        actor=coordinator,
        case=ncmec,
        to_agency=agency_get_by_slug(slug="lighthouse-family-support"),
        purpose="family_support",
        urgency="urgent",
        parties=children,
        shared_fields={str(child.pk): fields for child in children},
        summary_for_receiver=(
            "Two young children whose father was arrested at home this week. Their mother "
            "asks for help to explain it to them and to keep their routines going."
        ),
        lawful_basis="public_task",
        sensitive_condition="safeguarding",
        consent_status="given",
        consent_given_on=timezone.localdate(),
        consent_how="By phone, after the hub's call to the family",
        consent_given_by="Erin Example, their mother",
    )
    # Sent by an agency that holds the case: it meets the offer of support (welfare).
    referral_send(actor=coordinator, referral=onward)
    referral_accept(actor=lighthouse, referral=onward)
    referral_start(actor=lighthouse, referral=onward)
    referral_complete(
        actor=lighthouse,
        referral=onward,
        outcome="support_provided",
        summary=(
            "Two home visits with Erin, Finn and Gwen: a children's worker explained what "
            "happened in words for their ages, and the school knows whom to call. The family "
            "has our helpline; closed with us."
        ),
    )


def _strategy_referral_for_the_hub(game: Case) -> None:
    officer = _user("officer.north")
    noah = game.parties.get(role="victim")
    draft = referral_create(
        actor=officer,
        case=game,
        to_agency=agency_get_by_slug(slug="northshire-mash"),
        purpose="strategy_discussion",
        urgency="urgent",
        parties=[noah],
        shared_fields={str(noah.pk): default_fields_for("strategy_discussion")},
        summary_for_receiver=(
            "A 12-year-old asked for images by an adult in a game's chat. Please hold a "
            "strategy discussion: the adult may have contacted other children at his school."
        ),
        lawful_basis="law_enforcement",
        sensitive_condition="safeguarding",
        consent_status="given",
        consent_given_on=timezone.localdate() - timedelta(days=1),
        consent_how="By phone",
        consent_given_by="His father, for him",
    )
    referral_send(actor=officer, referral=draft)


def seed_partner_work() -> str:
    ncmec = _case("DEMO-NCMEC-0001")
    if ncmec is None:
        return "no demo cases"
    hub = agency_get_by_slug(slug="northshire-mash")
    if Referral.objects.filter(case=ncmec, from_agency=hub).exists():
        return "already there"
    _hub_refers_the_children_on(ncmec)
    game = _case("DEMO-GAME-0007")
    if game is not None:
        _strategy_referral_for_the_hub(game)
    return "the hub's onward referral (completed) and a strategy referral for the hub"
