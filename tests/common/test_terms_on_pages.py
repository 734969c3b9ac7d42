"""Terms of art outside the case page carry their one-line explanation from the
glossary (issue 18): on the pages that show them and on the form fields that name
them, in the glossary's words."""

import pytest

from cases.forms.events import EventForm
from cases.models import EventKind
from cases.views.material import MaterialSummaryForm
from common.glossary import term_explanation
from safeguarding.risk_templates import SUSPECT_PRIORITISATION
from safeguarding.views.strategy import StrategyDiscussionForm
from safeguarding.views.strategy_planning import DecisionForm
from tests.factories import CaseFactory, PartyFactory
from welfare.models import IncidentStage
from welfare.views.suspects import IncidentForm


def test_the_caid_reference_is_explained_under_its_field():
    assert MaterialSummaryForm.base_fields["caid_reference"].help_text == term_explanation("caid")


def test_released_under_investigation_is_explained_under_its_radio():
    assert EventForm.base_fields["kind"].item_hints == {
        EventKind.RELEASED_UNDER_INVESTIGATION.value: term_explanation(
            "released_under_investigation"
        )
    }
    assert IncidentForm.base_fields["stage"].item_hints == {
        IncidentStage.UNDER_INVESTIGATION.value: term_explanation("released_under_investigation")
    }


def test_the_section_47_decisions_explain_section_47():
    explanation = term_explanation("section_47")
    assert StrategyDiscussionForm.base_fields["section_47_started"].help_text.startswith(
        explanation
    )
    assert DecisionForm.base_fields["section_47_started"].help_text == explanation


def test_the_suspect_template_explains_the_recommendations_its_purpose_names():
    assert "Recommendations 4 and 14" in SUSPECT_PRIORITISATION.purpose
    assert SUSPECT_PRIORITISATION.terms == ("recommendations_4_and_14",)


@pytest.mark.django_db
def test_the_vocabulary_page_explains_recommendations_4_and_14(browser_for, officer_north):
    html = browser_for(officer_north).get("/risk/").content.decode()
    assert term_explanation("recommendations_4_and_14") in html


@pytest.mark.django_db
def test_the_outcome_form_explains_outcome_21(browser_for, officer_north, north):
    # given
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    PartyFactory(case=case, role="suspect")
    # when
    html = browser_for(officer_north).get(f"/cases/{case.id}/outcomes/new/").content.decode()
    # then: beside the heading that names it
    assert (
        '<h2 class="govuk-heading-m">Outcome 21: youth-produced imagery</h2>\n'
        '      <p class="govuk-hint app-term-hint">A Home Office crime outcome'
    ) in html
