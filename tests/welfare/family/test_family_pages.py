"""The family support page, the page that closes a referral duty, and the case
page's warning about children in a suspect's household."""

import re

import pytest

from tests.factories import PartyFactory
from tests.helpers import ACCESS_LOG_QUERIES
from tests.welfare.family.helpers import arrest, at, frozen, refer
from welfare.models import Duty, DutyKind, DutyStatus, FamilyPack
from welfare.services.family import family_pack_record

PAGE_QUERIES = 15 + ACCESS_LOG_QUERIES  # and the read's access-log entry
WARNING = "Children live in the household of"


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def arrested(officer_north, north_case, suspect, partner, child):
    return arrest(officer_north, north_case, suspect)


def test_the_family_support_page_shows_each_family_and_its_duties(
    officer_north, north_case, suspect, arrested, browser_for, django_assert_max_num_queries
):
    # given: a large family, and a pack recorded, cost no more queries
    for _ in range(3):
        PartyFactory(case=north_case, role="child_in_household", related_to=suspect)
    with frozen(at(2026, 3, 3, 9, 0)):
        family_pack_record(
            actor=officer_north.user,
            case=north_case,
            suspect=suspect,
            given=False,
            not_given_reason="Nobody was at home.",
        )
    client = browser_for(officer_north)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(f"/cases/{north_case.id}/family-support/")
    assert response.status_code == 200
    text = _text(response)
    assert "Sam Madeup's family" in text
    assert "Jo Madeup (partner)" in text
    assert "Kit Madeup (son)" in text
    assert "Not given: Nobody was at home." in text
    assert f"{WARNING} Sam Madeup" in text
    duty = Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_SUPPORT_OFFER)
    assert f'href="/duties/{duty.id}/referral/"' in text


def test_recording_a_pack_on_the_page(officer_north, north_case, suspect, arrested, browser_for):
    client = browser_for(officer_north)
    with frozen(at(2026, 3, 3, 9, 0)):
        response = client.post(
            f"/cases/{north_case.id}/family-support/",
            {
                "suspect": str(suspect.id),
                "given": "yes",
                "given_on": "2/3/2026",
                "given_to": "Jo",
                "accepted": "unknown",
                # Typed into the other half of the form, which does not apply.
                "not_given_reason": "ignored",
            },
        )
    assert response.status_code == 302
    pack = FamilyPack.objects.get()
    assert (pack.given, pack.accepted, pack.not_given_reason) == (True, None, "")
    assert Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_PACK).status == DutyStatus.MET


def test_a_pack_given_without_a_date_comes_back_with_the_error(
    officer_north, north_case, suspect, arrested, browser_for
):
    response = browser_for(officer_north).post(
        f"/cases/{north_case.id}/family-support/", {"suspect": str(suspect.id), "given": "yes"}
    )
    assert response.status_code == 200
    text = _text(response)
    assert "There is a problem" in text
    assert '<a href="#id_given_on">Enter the date the family pack was given.</a>' in text
    assert FamilyPack.objects.count() == 0


def test_the_case_page_warns_until_the_children_are_referred(
    officer_north, north_case, suspect, child, mash, arrested, browser_for
):
    client = browser_for(officer_north)
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    # given: the warning, with the link to close it (the arrest was in March: by
    # now the referral is overdue, and the warning says so)
    text = _text(client.get(f"/cases/{north_case.id}/welfare/"))
    assert f"{WARNING} Sam Madeup: a safeguarding referral to the hub was due by" in text
    assert "and is overdue" in text
    assert f'href="/duties/{duty.id}/referral/"' in text
    # when: the referral about the child is sent
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    # then: it meets the duty, and the warning goes
    met = Duty.objects.get(pk=duty.pk)
    assert (met.status, met.referral) == (DutyStatus.MET, referral)
    assert WARNING not in _text(client.get(f"/cases/{north_case.id}/welfare/"))


def test_a_referral_made_before_the_arrest_is_recorded_on_the_duty_page(
    officer_north, north_case, suspect, child, mash, browser_for
):
    # given: the children were referred before the arrest opened their duty
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    arrest(officer_north, north_case, suspect, moment=at(2026, 3, 2, 13, 0))
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    client = browser_for(officer_north)
    page = _text(client.get(f"/duties/{duty.id}/referral/"))
    assert "Safeguarding (to the hub or children&#x27;s services) to Northshire MASH" in page
    assert "The person declined support" not in page
    # when
    response = client.post(
        f"/duties/{duty.id}/referral/", {"resolution": "referral", "referral": str(referral.id)}
    )
    # then
    assert response.status_code == 302
    assert Duty.objects.get(pk=duty.pk).status == DutyStatus.MET
    assert WARNING not in _text(client.get(f"/cases/{north_case.id}/"))


def test_the_childrens_duty_closed_as_not_needed_on_its_page(
    officer_north, suspect, arrested, browser_for
):
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    response = browser_for(officer_north).post(
        f"/duties/{duty.id}/referral/",
        {
            "resolution": "not_needed",
            "not_needed_reason": "Already known to children's services.",
            "external_reference": "NCS-1",
            "declined_reason": "ignored",
        },
    )
    assert response.status_code == 302
    stored = Duty.objects.get(pk=duty.pk)
    assert (stored.status, stored.external_reference) == (DutyStatus.NOT_NEEDED, "NCS-1")


def test_a_declined_offer_needs_the_reason(officer_north, suspect, arrested, browser_for):
    duty = Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_SUPPORT_OFFER)
    response = browser_for(officer_north).post(
        f"/duties/{duty.id}/referral/", {"resolution": "declined"}
    )
    assert response.status_code == 200
    assert "There is a problem" in _text(response)
    assert Duty.objects.get(pk=duty.pk).status == DutyStatus.OPEN


@pytest.mark.parametrize(
    "persona", ["caseworker_harbour", "caseworker_lighthouse", "officer_south", "auditor_north"]
)
def test_no_one_outside_the_forces_casework_sees_the_pages_or_the_warning(
    request, persona, north_case, suspect, arrested, browser_for
):
    membership = request.getfixturevalue(persona)
    client = browser_for(membership)
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    assert client.get(f"/cases/{north_case.id}/family-support/").status_code == 404
    assert client.get(f"/duties/{duty.id}/referral/").status_code == 404
    case_page = client.get(f"/cases/{north_case.id}/")
    assert WARNING not in _text(case_page)


def test_the_case_panel_costs_two_queries_however_large_the_family(
    officer_north, north_case, suspect, arrested, django_assert_num_queries
):
    from agencies.access import membership_of
    from welfare.case_panels.family import family_panels

    for _ in range(5):
        PartyFactory(case=north_case, role="family_member", related_to=suspect, relationship="x")
    # The membership and content types are cached for the request, as on the case page.
    membership_of(officer_north.user)
    family_panels(officer_north.user, north_case)
    with django_assert_num_queries(2):
        panels = family_panels(officer_north.user, north_case)
    assert [panel.anchor for panel in panels] == ["children-in-household", "family-support"]
    assert panels[0].prominent and not panels[1].prominent


def test_the_case_panel_is_empty_for_readers_without_family_support(
    caseworker_lighthouse, social_worker, north_case, suspect, arrested
):
    from welfare.case_panels.family import family_panels

    for membership in (caseworker_lighthouse, social_worker):
        assert family_panels(membership.user, north_case) == []
