"""The child-focused template for a child in a suspect's household (issue 16): its
computation at each threshold, written as data beside the others, and a household
child assessed with it through the existing API and pages; who it fits follows the
party's role."""

from datetime import UTC, date, datetime

import pytest

from safeguarding.models import Assessment, SharedLevel
from safeguarding.risk_templates import (
    CHILD_IN_SUSPECT_HOUSEHOLD,
    COMPUTATION_RULE,
    TEMPLATES,
    level_compute,
    template_current,
    templates_for_subject,
)
from tests.factories import CaseFactory, PartyFactory

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TEMPLATE = CHILD_IN_SUSPECT_HOUSEHOLD

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _answers(yes=(), unknown=()) -> dict[str, str]:
    return {
        f.key: "yes" if f.key in yes else "unknown" if f.key in unknown else "no"
        for f in TEMPLATE.factors
    }


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 6, 1))


@pytest.fixture
def household_child(case):
    return PartyFactory(
        case=case,
        role="child_in_household",
        person__first_name="Ivy",
        person__last_name="Fictional",
        person__date_of_birth=date(2022, 2, 1),
    )


# --- The computation


def test_the_template_is_data_beside_the_others_with_its_rule():
    assert TEMPLATES[("child_in_suspect_household", 1)] is TEMPLATE
    assert template_current("child_in_suspect_household") is TEMPLATE
    assert TEMPLATE.explanation == COMPUTATION_RULE
    assert [f.key for f in TEMPLATE.factors] == [
        "unsupervised_access",
        "caring_role",
        "young_or_vulnerable",
        "online_contact_with_suspect",
        "disclosure_or_signs",
        "child_in_material",
        "carer_cannot_protect",
        "prior_concerns",
    ]
    assert (TEMPLATE.critical_score, TEMPLATE.high_score, TEMPLATE.medium_score) == (12, 5, 1)


@pytest.mark.parametrize(
    ("yes", "unknown", "level", "score"),
    [
        ((), (), SharedLevel.LOW, 0),
        (("prior_concerns",), (), SharedLevel.MEDIUM, 1),
        (("young_or_vulnerable", "caring_role"), (), SharedLevel.MEDIUM, 4),
        (("young_or_vulnerable", "online_contact_with_suspect", "prior_concerns"), (), "high", 5),
        (("unsupervised_access",), (), SharedLevel.HIGH, 3),
        (("carer_cannot_protect",), (), SharedLevel.HIGH, 3),
        (("unsupervised_access", "carer_cannot_protect"), (), SharedLevel.CRITICAL, 6),
        (("unsupervised_access", "disclosure_or_signs"), (), SharedLevel.CRITICAL, 6),
        (("unsupervised_access", "child_in_material"), (), SharedLevel.CRITICAL, 6),
        (
            (
                "caring_role",
                "young_or_vulnerable",
                "disclosure_or_signs",
                "child_in_material",
                "carer_cannot_protect",
            ),
            (),
            SharedLevel.CRITICAL,
            13,
        ),
        ((), ("unsupervised_access", "carer_cannot_protect", "prior_concerns"), "unknown", 0),
        ((), ("unsupervised_access", "carer_cannot_protect"), SharedLevel.LOW, 0),
    ],
)
def test_the_household_childs_level_at_each_threshold(yes, unknown, level, score):
    computed = level_compute(TEMPLATE, _answers(yes, unknown))
    assert (computed.level, computed.score) == (level, score)


def test_the_template_fits_a_household_child_and_no_one_else():
    assert [t.key for t in templates_for_subject("police", "child_in_household")] == [
        "child_in_suspect_household"
    ]
    assert [t.key for t in templates_for_subject("safeguarding_hub", "child_in_household")] == [
        "child_in_suspect_household",
        "child_safeguarding_concern",
    ]
    assert [t.key for t in templates_for_subject("police", "victim")] == ["victim_needs"]
    assert templates_for_subject("charity", "child_in_household") == []


# --- Through the existing API and pages


def test_an_officer_assesses_a_household_child_through_the_api(
    case, household_child, officer_north, api_for
):
    # when
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/assessments/",
        {
            "subject": str(household_child.id),
            "template": TEMPLATE.key,
            "answers": _answers(yes=["unsupervised_access", "carer_cannot_protect"]),
            "review_on": "2026-07-15",
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.json()
    assessment = Assessment.objects.get()
    assert (
        assessment.subject,
        assessment.template_key,
        assessment.template_version,
        assessment.computed_level,
    ) == (household_child, "child_in_suspect_household", 1, SharedLevel.CRITICAL)


def test_a_victim_is_not_assessed_with_the_household_template(case, officer_north, api_for):
    victim = PartyFactory(case=case, role="victim")
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/assessments/",
        {
            "subject": str(victim.id),
            "template": TEMPLATE.key,
            "answers": _answers(),
            "review_on": "2026-07-15",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "subject": ["'Child in a suspect's household' assesses a child in the suspect's household."]
    }
    assert Assessment.objects.count() == 0


def test_the_page_chooses_the_household_template_for_the_only_household_child(
    case, household_child, officer_north, browser_for
):
    # when: the case's only assessable person is the household child
    page = browser_for(officer_north).get(f"/cases/{case.id}/assessments/new/")
    # then: the one template that fits them is chosen already
    assert page.status_code == 200
    assert page.context["form"]["subject"].value() == str(household_child.id)
    assert page.context["form"]["template"].value() == "child_in_suspect_household"
