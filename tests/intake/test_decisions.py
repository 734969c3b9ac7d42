"""Deciding an intake item (intake.services.decisions): one decision per item, with
the officer and the reason; an item held for deconfliction or decided already is
refused (409) and nothing changes."""

import pytest

from agencies.models import Role
from cases.models import Case, CaseParty, Identifier, IdentifierKind
from common.errors import InvalidState, NotFound, ValidationError
from common.models import Notification
from intake.models import IntakeDecision, IntakeItem, ItemState
from intake.selectors.items import item_case_proposal, item_reports
from intake.services.decisions import (
    HELD_MESSAGE,
    item_attach,
    item_no_further_action,
    item_open_case,
    item_pass_to_force,
)
from tests.factories import AgencyFactory, CaseFactory, MembershipFactory
from tests.intake.factories import identifier_make, item_with_reports

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return AgencyFactory(slug="decide-home-police", case_reference_prefix="DH")


@pytest.fixture
def officer(home):
    return MembershipFactory(agency=home, role=Role.GENERALIST_OFFICER).user


@pytest.fixture
def other_force():
    return AgencyFactory(slug="decide-other-police")


@pytest.fixture
def other_officer(other_force):
    return MembershipFactory(agency=other_force, role=Role.GENERALIST_OFFICER).user


def _item(home, **fields):
    return item_with_reports(
        agency=home,
        reports=2,
        identifiers=(
            (IdentifierKind.EMAIL, "Jo.Bloggs@Example.com"),
            (IdentifierKind.USERNAME, "JoB_99"),
        ),
        children=({"estimated_age": 13, "location": "Northshire"},),
        **fields,
    )


def _open(officer, item, keys=None):
    proposal = item_case_proposal(item=item, reports=item_reports(actor=officer, item=item))
    return item_open_case(
        actor=officer,
        item=item,
        title=proposal.title,
        reason="Local child, identifiable suspect",
        parties=proposal.parties_chosen(keys),
    )


def _unchanged(item):
    fresh = IntakeItem.objects.get(pk=item.pk)
    return (fresh.state, fresh.decision, fresh.decided_at, fresh.version) == (
        item.state,
        item.decision,
        item.decided_at,
        item.version,
    )


# --- Open a case


def test_opening_a_case_fills_in_its_parties_and_identifiers(home, officer):
    # given an item of two reports, each about one child of 13, sharing two identifiers
    item = _item(home)
    first = item.reports.order_by("received_at", "id").first()
    # when the officer opens a case from it, keeping every proposed party
    case = _open(officer, item)
    # then the case is an NCA / NCMEC report, referenced by the first report's number
    assert case.source == "nca_industry_report"
    assert case.source_reference == first.source_report_id
    assert case.received_on == item.received_at.date()
    assert case.owning_agency == home
    # two apparent children as victims, one account holder as a suspect
    parties = list(CaseParty.objects.filter(case=case).select_related("person"))
    victims = [p for p in parties if p.role == "victim"]
    suspects = [p for p in parties if p.role == "suspect"]
    assert len(victims) == 2
    assert {(p.person.first_name, p.person.last_name, p.person.estimated_age) for p in victims} == {
        ("Unknown", "child", 13)
    }
    assert all(p.person.estimated_age_on == first.received_at.date() for p in victims)
    assert len(suspects) == 1
    suspect = suspects[0]
    assert (suspect.person.first_name, suspect.person.last_name) == ("Unknown", "Unknown")
    # the suspect carries the reported identifiers, once each, in their compartment
    on_suspect = Identifier.objects.filter(party=suspect)
    assert sorted((i.kind, i.value, i.platform) for i in on_suspect) == [
        ("email", "jo.bloggs@example.com", ""),
        ("username", "job_99", "example social"),
    ]
    assert {(i.agency_id, i.case_id, i.person_id, i.compartment) for i in on_suspect} == {
        (home.pk, case.pk, suspect.person_id, "suspect")
    }
    # the case holds both reports' numbers and the package reference, at case level
    numbers = Identifier.objects.filter(case=case, party__isnull=True)
    assert sorted((i.kind, i.value) for i in numbers) == sorted(
        [("source_report", r.source_report_id) for r in item.reports.all()]
        + [("package_reference", "NCA-PKG-2026-0001")]
    )
    assert {i.compartment for i in numbers} == {"case"}
    # and the item is decided, with the officer and reason
    item.refresh_from_db()
    assert item.state == ItemState.DECIDED
    assert item.decision == IntakeDecision.OPEN_CASE
    assert item.case == case
    assert item.decided_by == officer
    assert item.decision_reason == "Local child, identifiable suspect"
    assert item.history.first().history_change_reason.startswith("decided: open a case")


def test_unticked_parties_are_not_recorded(home, officer):
    # given an item with two apparent children and an account holder
    item = _item(home)
    # when the officer keeps only the suspect
    case = _open(officer, item, keys=["suspect"])
    # then only the suspect is a party; the case's numbers are still held
    assert list(CaseParty.objects.filter(case=case).values_list("role", flat=True)) == ["suspect"]
    assert Identifier.objects.filter(case=case, kind=IdentifierKind.SOURCE_REPORT).count() == 2


def test_the_cybertip_number_finds_the_case(home, officer):
    # given a case opened from an item
    item = _item(home)
    case = _open(officer, item)
    number = item.reports.first().source_report_id
    # then the identifier index holds its CyberTip number against the case
    assert list(
        Identifier.objects.filter(kind=IdentifierKind.SOURCE_REPORT, value=number).values_list(
            "case_id", flat=True
        )
    ) == [case.pk]


# --- Refusals


def test_a_held_item_is_refused_and_nothing_changes(home, officer):
    # given an item held for deconfliction
    item = _item(home, state=ItemState.HELD_FOR_DECONFLICTION)
    cases_before = Case.objects.count()
    # when the officer tries each decision
    for decide in (
        lambda: _open(officer, item),
        lambda: item_no_further_action(actor=officer, item=item, reason="Nothing to go on"),
    ):
        with pytest.raises(InvalidState) as refused:
            decide()
        # then it is refused naming the state, and nothing changed
        assert refused.value.state == "held"
        assert refused.value.message == HELD_MESSAGE
    assert _unchanged(item)
    assert Case.objects.count() == cases_before


def test_a_decided_item_is_refused_a_second_decision(home, officer):
    # given an item already decided
    item = _item(home)
    item_no_further_action(actor=officer, item=item, reason="Duplicate of a known report")
    item.refresh_from_db()
    # when another decision is tried
    with pytest.raises(InvalidState) as refused:
        _open(officer, item)
    # then it is refused naming the state, and nothing changed
    assert refused.value.state == "decided"
    assert "decided already" in refused.value.message
    assert _unchanged(item)
    assert not Case.objects.filter(owning_agency=home).exists()


def test_another_forces_officer_cannot_decide(home, other_officer):
    # given an item of the home force
    item = _item(home)
    # when an officer of another force tries
    with pytest.raises(NotFound):
        item_no_further_action(actor=other_officer, item=item, reason="Not ours")
    # then nothing changed
    assert _unchanged(item)


def test_no_further_action_needs_a_reason(home, officer):
    item = _item(home)
    with pytest.raises(ValidationError) as refused:
        item_no_further_action(actor=officer, item=item, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    assert _unchanged(item)


def test_no_further_action_is_recorded_with_the_reason(home, officer):
    item = _item(home)
    item_no_further_action(actor=officer, item=item, reason="Adult content, no child")
    item.refresh_from_db()
    assert (item.state, item.decision, item.decision_reason, item.decided_by) == (
        "decided",
        "no_further_action",
        "Adult content, no child",
        officer,
    )


# --- Pass to another force


def test_pass_refuses_an_agency_that_is_not_police(home, officer):
    item = _item(home)
    hub = AgencyFactory(mash=True)
    with pytest.raises(ValidationError) as refused:
        item_pass_to_force(actor=officer, item=item, agency=hub, reason="Out of area")
    assert list(refused.value.message_dict) == ["agency"]
    assert _unchanged(item)


def test_pass_refuses_the_own_force(home, officer):
    item = _item(home)
    with pytest.raises(ValidationError) as refused:
        item_pass_to_force(actor=officer, item=item, agency=home, reason="Out of area")
    assert list(refused.value.message_dict) == ["agency"]


def test_passing_tells_the_receiving_forces_supervisors_nothing_more(home, officer, other_force):
    # given a supervisor of the other force
    supervisor = MembershipFactory(agency=other_force, role=Role.POLICE_SUPERVISOR).user
    item = _item(home)
    # when the item is passed to them
    item_pass_to_force(
        actor=officer, item=item, agency=other_force, reason="Resolved to their area"
    )
    # then it is decided, and their supervisor is told, without the report's details
    item.refresh_from_db()
    assert (item.decision, item.passed_to) == ("pass_to_force", other_force)
    told = Notification.objects.get(user=supervisor)
    assert told.kind == "intake.item.passed"
    received = IntakeItem.objects.get(agency=other_force)
    assert told.link == f"/intake/items/{received.pk}/"
    for secret in [r.source_report_id for r in item.reports.all()] + ["jo.bloggs", "JoB_99"]:
        assert secret not in told.message


# --- Attach


def test_attach_copies_the_identifiers_to_the_case(home, officer):
    # given an open case of the force holding the item's email on its suspect
    case = CaseFactory(owning_agency=home)
    item = _item(home)
    identifier_make(
        kind=IdentifierKind.EMAIL, given="jo.bloggs@example.com", agency=home, case=case
    )
    # when the item is attached to it
    item_attach(actor=officer, item=item, case=case, reason="Same account holder")
    # then the case holds the username (the email once), and both reports' numbers
    rows = Identifier.objects.filter(case=case, party__isnull=True)
    assert sorted((i.kind, i.value) for i in rows) == sorted(
        [
            ("email", "jo.bloggs@example.com"),
            ("username", "job_99"),
            ("package_reference", "NCA-PKG-2026-0001"),
        ]
        + [("source_report", r.source_report_id) for r in item.reports.all()]
    )
    item.refresh_from_db()
    assert (item.decision, item.case, item.decision_reason) == (
        "attach_to_case",
        case,
        "Same account holder",
    )


def test_attach_to_another_forces_case_is_not_found(home, officer, other_force):
    case = CaseFactory(owning_agency=other_force)
    item = _item(home)
    with pytest.raises(NotFound):
        item_attach(actor=officer, item=item, case=case, reason="")
    assert _unchanged(item)
    assert not Identifier.objects.filter(case=case).exists()
