"""The item page and the pages of its one decision: what they show, what they
pre-fill, where they go after, and what they refuse."""

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import CaseParty, Identifier, IdentifierKind
from intake.models import IntakeItem, ItemState
from tests.factories import AgencyFactory, CaseFactory, MembershipFactory, TOTPDeviceFactory
from tests.helpers import signed_in_client
from tests.intake.factories import identifier_make, item_with_reports

pytestmark = pytest.mark.django_db

FACTORS = [
    {
        "factor": "imminent_risk",
        "label": "Child at imminent risk",
        "weight": 40,
        "value": None,
        "points": 0,
    },
    {
        "factor": "youngest_age",
        "label": "Youngest apparent age",
        "weight": 20,
        "value": 13,
        "points": 12,
    },
]


@pytest.fixture
def home():
    return AgencyFactory(slug="pages-home-police", case_reference_prefix="PH")


def _member(agency, role=Role.GENERALIST_OFFICER):
    membership = MembershipFactory(agency=agency, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def officer(home):
    return _member(home)


@pytest.fixture
def item(home):
    return item_with_reports(
        agency=home,
        identifiers=((IdentifierKind.EMAIL, "Jo.Bloggs@Example.com"),),
        children=({"estimated_age": 12, "location": "Northshire"},),
        triage_factors=FACTORS,
        triage_score=12,
    )


def test_the_item_page_shows_its_reports_factors_and_suggestions(
    home, officer, item, django_assert_max_num_queries
):
    # given an open case of the force holding the item's email
    case = CaseFactory(owning_agency=home, title="Known account")
    identifier_make(
        kind=IdentifierKind.EMAIL, given="jo.bloggs@example.com", agency=home, case=case
    )
    report = item.reports.get()
    client = signed_in_client(officer)
    # when the officer opens the item
    with django_assert_max_num_queries(22):
        response = client.get(f"/intake/items/{item.pk}/")
    # then the page shows the factors with their weights, the report, the suggestion
    page = response.content.decode()
    assert response.status_code == 200
    assert "Child at imminent risk" in page and "Youngest apparent age" in page
    assert report.source_report_id in page
    assert "Jo.Bloggs@Example.com" in page
    assert case.reference in page and "email address" in page
    assert f'href="/intake/items/{item.pk}/preservation/"' in page
    assert f'href="/intake/items/{item.pk}/open-case/"' in page
    # and the read is logged as the item's
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.object_id) == ("intake.item.viewed", str(item.pk))


def test_a_held_item_page_links_to_the_coordination_and_offers_no_decision(home, officer):
    held = item_with_reports(agency=home, state=ItemState.HELD_FOR_DECONFLICTION)
    page = signed_in_client(officer).get(f"/intake/items/{held.pk}/").content.decode()
    assert "Held for deconfliction" in page
    assert f'href="/intake/items/{held.pk}/coordination/"' in page
    assert f'href="/intake/items/{held.pk}/open-case/"' not in page


def test_a_held_item_refuses_a_decision_page_with_409_and_nothing_changes(home, officer):
    held = item_with_reports(agency=home, state=ItemState.HELD_FOR_DECONFLICTION)
    client = signed_in_client(officer)
    response = client.post(f"/intake/items/{held.pk}/no-further-action/", {"reason": "None"})
    assert response.status_code == 409
    assert "held for deconfliction" in response.content.decode()
    assert IntakeItem.objects.get(pk=held.pk).state == ItemState.HELD_FOR_DECONFLICTION


def test_another_forces_officer_gets_no_item_page(item):
    stranger = _member(AgencyFactory(slug="pages-other-police"))
    client = signed_in_client(stranger)
    assert client.get(f"/intake/items/{item.pk}/").status_code == 404
    assert (
        client.post(f"/intake/items/{item.pk}/no-further-action/", {"reason": "x"}).status_code
        == 404
    )
    assert IntakeItem.objects.get(pk=item.pk).state == ItemState.AWAITING_DECISION


def test_the_open_case_page_is_pre_filled(officer, item):
    page = signed_in_client(officer).get(f"/intake/items/{item.pk}/open-case/").content.decode()
    report = item.reports.get()
    # the title, each party ticked, and the identifiers they will carry
    assert f"CyberTip {report.source_report_id}" in page
    assert 'value="child-1" checked' in page
    assert 'value="suspect" checked' in page
    assert "Apparent child 1, about 12" in page
    assert "Jo.Bloggs@Example.com" in page
    assert "NCA-PKG-2026-0001" in page


def test_opening_a_case_from_the_page_goes_to_the_case(officer, item):
    client = signed_in_client(officer)
    # when the officer unticks the child and opens the case
    response = client.post(
        f"/intake/items/{item.pk}/open-case/",
        {"title": "Account sharing images", "parties": ["suspect"], "reason": "Local suspect"},
    )
    item.refresh_from_db()
    # then the case is opened with the suspect alone, and the page goes to it
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{item.case_id}/"
    assert item.case.title == "Account sharing images"
    assert list(CaseParty.objects.filter(case=item.case).values_list("role", flat=True)) == [
        "suspect"
    ]


def test_the_open_case_page_names_a_missing_title(officer, item):
    response = signed_in_client(officer).post(
        f"/intake/items/{item.pk}/open-case/", {"title": "", "parties": ["suspect"]}
    )
    assert response.status_code == 200
    assert "Enter a title for the case." in response.content.decode()
    assert IntakeItem.objects.get(pk=item.pk).state == ItemState.AWAITING_DECISION


def test_attaching_from_the_page_by_reference(home, officer, item):
    case = CaseFactory(owning_agency=home)
    response = signed_in_client(officer).post(
        f"/intake/items/{item.pk}/attach/", {"case_reference": case.reference.lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert Identifier.objects.filter(case=case, kind=IdentifierKind.EMAIL).count() == 1


def test_attach_page_refuses_another_forces_reference(officer, item):
    foreign = CaseFactory(owning_agency=AgencyFactory(slug="pages-foreign-police"))
    response = signed_in_client(officer).post(
        f"/intake/items/{item.pk}/attach/", {"case_reference": foreign.reference}
    )
    assert response.status_code == 200
    assert "No open case of your force" in response.content.decode()
    assert IntakeItem.objects.get(pk=item.pk).state == ItemState.AWAITING_DECISION


def test_passing_from_the_page_goes_back_to_the_queue_with_a_banner(officer, item):
    other = AgencyFactory(slug="pages-south-police", name="Pages South Police")
    client = signed_in_client(officer)
    response = client.post(
        f"/intake/items/{item.pk}/pass/", {"agency": other.slug, "reason": "Resolved to their area"}
    )
    assert (response.status_code, response["Location"]) == (302, "/intake/")
    assert "passed to Pages South Police" in client.get("/intake/").content.decode()


def test_pass_page_offers_no_agency_that_is_not_police(officer, item):
    hub = AgencyFactory(mash=True, slug="pages-hub")
    response = signed_in_client(officer).post(
        f"/intake/items/{item.pk}/pass/", {"agency": hub.slug, "reason": "Theirs"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert IntakeItem.objects.get(pk=item.pk).state == ItemState.AWAITING_DECISION


def test_no_further_action_page_needs_a_reason(officer, item):
    client = signed_in_client(officer)
    refused = client.post(f"/intake/items/{item.pk}/no-further-action/", {"reason": ""})
    assert refused.status_code == 200
    assert "Enter the reason." in refused.content.decode()
    done = client.post(f"/intake/items/{item.pk}/no-further-action/", {"reason": "Adult only"})
    assert (done.status_code, done["Location"]) == (302, "/intake/")
    item.refresh_from_db()
    assert (item.decision, item.decision_reason) == ("no_further_action", "Adult only")
    # a decided item's decision pages answer 409
    assert client.get(f"/intake/items/{item.pk}/pass/").status_code == 409
