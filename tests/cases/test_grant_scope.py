"""The scope of a grant: parties and compartments. A grant scoped to parties lets
the grantee see the case, only those parties (and only in the compartments its
role is cleared for), and their records; it records only about them; it never
reaches the case's documents. A whole-case grant shows every party the grantee is
cleared for. Bad grants (a charity, no reason) are refused naming the field, and
nothing changes. The lead officer may grant; other generalist officers may not."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from agencies import access
from agencies.models import Compartment, Role
from cases.models import (
    CaseGrant,
    CaseGroupObjectPermission,
    CasePartyGroupObjectPermission,
    ContactLog,
    Document,
)
from cases.selectors import (
    case_get_for_actor,
    case_list,
    contact_list,
    document_list,
    party_list,
    person_search,
)
from cases.services.grants import case_grant, case_grant_revoke
from cases.services.records import contact_log
from common.errors import AccessDenied, NotFound, ValidationError
from safeguarding.models import Assessment, StrategyDiscussion
from safeguarding.risk_templates import template_current
from safeguarding.services.assessments import assessment_record
from safeguarding.services.child_protection import strategy_discussion_record
from tests.factories import MembershipFactory, PartyFactory, TOTPDeviceFactory
from tests.referrals import *  # noqa: F403 (the fixtures)


@pytest.fixture
def investigator_north(north):
    membership = MembershipFactory(
        agency=north, role=Role.SPECIALIST_INVESTIGATOR, user__username="investigator.north"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def world(north_case, victim, suspect, partner, child, officer_north):
    """The police case with a contact logged with each of its people and a document."""
    for party in (victim, suspect, partner, child):
        contact_log(
            actor=officer_north.user, case=north_case, party=party, channel="phone", summary="Hi."
        )
    Document.objects.create(
        case=north_case,
        title="Statement",
        original_name="statement.pdf",
        stored_name="x" * 32,
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=officer_north.user,
    )
    return north_case


@pytest.fixture
def child_only(world, investigator_north, mash, child):
    return case_grant(
        actor=investigator_north.user,
        case=world,
        agency=mash,
        reason="The hub leads the strategy discussion about Kit.",
        parties=[child],
    )


def _state(case) -> dict:
    return {
        "grants": list(
            CaseGrant.objects.filter(case=case).values_list("agency__slug", "revoked_at")
        ),
        "case_permissions": CaseGroupObjectPermission.objects.filter(content_object=case).count(),
        "party_permissions": CasePartyGroupObjectPermission.objects.filter(
            content_object__case=case
        ).count(),
    }


# --- Parties


def test_a_grant_scoped_to_a_child_shows_the_case_and_only_that_child(
    child_only, coordinator_mash, world, child
):
    actor = coordinator_mash.user
    assert case_get_for_actor(actor=actor, case_id=world.pk, log=False) == world
    assert list(party_list(actor=actor, case=world)) == [child]
    assert [c.party for c in contact_list(actor=actor, case=world)] == [child]
    assert list(case_list(actor=actor)) == [world]


def test_a_whole_case_grant_shows_every_party(
    world, investigator_north, mash, coordinator_mash, victim, suspect, partner, child
):
    case_grant(actor=investigator_north.user, case=world, agency=mash, reason="Joint work.")
    assert set(party_list(actor=coordinator_mash.user, case=world)) == {
        victim,
        suspect,
        partner,
        child,
    }
    assert document_list(actor=coordinator_mash.user, case=world).count() == 1


def test_a_search_by_the_name_of_someone_outside_the_scope_finds_nothing(
    child_only, coordinator_mash, world
):
    actor = coordinator_mash.user
    assert list(case_list(actor=actor, filters={"q": "Kit Madeup"})) == [world]
    assert list(case_list(actor=actor, filters={"q": "Robin Fictional"})) == []
    assert list(person_search(actor=actor, text="Robin")) == []


def test_the_grantee_records_about_its_child_and_nobody_else(
    child_only, coordinator_mash, world, child, victim
):
    actor = coordinator_mash.user
    before = ContactLog.objects.count()
    # when: about someone outside the grant
    with pytest.raises(ValidationError) as refused:
        contact_log(actor=actor, case=world, party=victim, channel="phone", summary="Hello.")
    # then
    assert list(refused.value.message_dict) == ["party"]
    assert ContactLog.objects.count() == before
    # and about the child it holds, it may
    contact = contact_log(actor=actor, case=world, party=child, channel="visit", summary="Seen.")
    assert contact.made_by == actor


def test_the_grantee_assesses_and_discusses_only_the_child_it_holds(
    child_only, coordinator_mash, world, child, victim
):
    actor = coordinator_mash.user
    template = template_current("child_safeguarding_concern")
    answers = {factor.key: "unknown" for factor in template.factors}
    review_on = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        assessment_record(
            actor=actor,
            case=world,
            subject=victim,
            template_key=template.key,
            answers=answers,
            review_on=review_on,
        )
    assert list(refused.value.message_dict) == ["subject"]
    assert Assessment.objects.count() == 0
    assessed = assessment_record(
        actor=actor,
        case=world,
        subject=child,
        template_key=template.key,
        answers=answers,
        review_on=review_on,
    )
    assert assessed.subject == child
    discussion = strategy_discussion_record(
        actor=actor,
        case=world,
        child=child,
        held_at=timezone.now() - timedelta(hours=1),
        agencies_present="Police, hub",
        section_47_started=False,
        rationale="No significant harm.",
        referral_received_on=date(2026, 2, 26),
    )
    assert StrategyDiscussion.objects.get().pk == discussion.pk


def test_a_grant_scoped_to_parties_never_reaches_the_documents(child_only, coordinator_mash, world):
    assert document_list(actor=coordinator_mash.user, case=world).count() == 0
    assert not access.can(coordinator_mash.user, "cases.document.view", world)


# --- Compartments


def test_a_named_party_in_a_compartment_the_role_is_not_cleared_for_stays_hidden(
    child_only, coordinator_mash, world, child, monkeypatch
):
    # given: a hub role cleared for no family records (a child in the household is one)
    narrowed = {
        **access.ROLE_CLEARANCES,
        Role.MASH_COORDINATOR: access.ROLE_CLEARANCES[Role.MASH_COORDINATOR] - {Compartment.FAMILY},
    }
    monkeypatch.setattr(access, "ROLE_CLEARANCES", narrowed)
    # then
    assert list(party_list(actor=coordinator_mash.user, case=world)) == []
    assert not access.party_visible(coordinator_mash.user, child)


def test_material_stays_with_the_police_whatever_the_grant(
    world, investigator_north, mash, coordinator_mash
):
    case_grant(actor=investigator_north.user, case=world, agency=mash, reason="Joint work.")
    assert not access.can(coordinator_mash.user, "cases.material.view", world)
    assert Compartment.MATERIAL not in access.clearances(coordinator_mash.user)


# --- Who may grant, and the bad grants


def test_the_lead_officer_may_grant_and_another_generalist_officer_may_not(
    world, officer_north, mash, north, child
):
    # given: officer_north leads the case; a colleague does not
    colleague = MembershipFactory(agency=north, role=Role.GENERALIST_OFFICER)
    with pytest.raises(AccessDenied):
        case_grant(actor=colleague.user, case=world, agency=mash, reason="Joint work.")
    assert _state(world)["grants"] == []
    # when
    grant = case_grant(
        actor=officer_north.user, case=world, agency=mash, reason="Joint work.", parties=[child]
    )
    # then
    assert grant.source_kind == "named"
    assert (
        grant.source_label == f"Named by {officer_north.user.get_full_name()} (Northshire Police)"
    )


def test_a_grant_to_a_charity_is_refused_naming_the_agency_and_nothing_changes(
    world, investigator_north, lighthouse
):
    before = _state(world)
    with pytest.raises(ValidationError) as refused:
        case_grant(actor=investigator_north.user, case=world, agency=lighthouse, reason="Support.")
    assert refused.value.message_dict == {
        "agency": ["A charity cannot be granted a case; send a referral instead."]
    }
    assert _state(world) == before


def test_a_grant_with_no_reason_is_refused_naming_the_reason_and_nothing_changes(
    world, investigator_north, mash
):
    before = _state(world)
    with pytest.raises(ValidationError) as refused:
        case_grant(actor=investigator_north.user, case=world, agency=mash, reason="   ")
    assert list(refused.value.message_dict) == ["reason"]
    assert _state(world) == before


def test_a_grant_naming_someone_of_another_case_is_refused_naming_the_parties(
    world, investigator_north, mash
):
    stranger = PartyFactory(role="victim")
    before = _state(world)
    with pytest.raises(ValidationError) as refused:
        case_grant(
            actor=investigator_north.user,
            case=world,
            agency=mash,
            reason="Joint work.",
            parties=[stranger],
        )
    assert list(refused.value.message_dict) == ["parties"]
    assert _state(world) == before


def test_revoking_a_scoped_grant_takes_every_permission_it_gave(
    child_only, investigator_north, coordinator_mash, world
):
    case_grant_revoke(actor=investigator_north.user, grant=child_only, reason="Work done.")
    assert _state(world)["case_permissions"] == 0
    assert _state(world)["party_permissions"] == 0
    with pytest.raises(NotFound):
        case_get_for_actor(actor=coordinator_mash.user, case_id=world.pk, log=False)


def test_nothing_of_another_agency_is_seen_without_a_grant(world, coordinator_mash):
    actor = coordinator_mash.user
    assert list(case_list(actor=actor)) == []
    assert list(access.party_scope(actor, world.parties.all())) == []
