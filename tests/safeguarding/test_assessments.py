"""Risk assessments: each template's computation at its boundaries (above all, the
rule that too little known is `unknown`, never `low`), the refusals that name their
field and store nothing, supersession, the agency's grade from its scale version,
the queue, the access log, and the pages."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AccessLogEntry, Role
from cases.models import CaseParty
from common.errors import NotFound, ValidationError
from safeguarding.models import Assessment, CasePriority, SharedLevel
from safeguarding.risk_templates import (
    CHILD_SAFEGUARDING,
    COMPUTATION_RULE,
    SUSPECT_PRIORITISATION,
    TEMPLATES,
    VICTIM_NEEDS,
    Template,
    level_compute,
    templates_for_agency_kind,
)
from safeguarding.services.assessments import assessment_record
from safeguarding.services.scales import scale_put
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.safeguarding.pages import error_summary

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TODAY = date(2026, 6, 15)
REVIEW_ON = "2026-09-15"

YES, NO, UNKNOWN = "yes", "no", "unknown"


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _member(agency, role, username):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north")


@pytest.fixture
def childrens(db):
    return AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )


@pytest.fixture
def social_worker(childrens):
    return _member(childrens, Role.SOCIAL_WORKER, "social.worker")


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 6, 1))


@pytest.fixture
def suspect(case):
    return PartyFactory(
        case=case, role="suspect", person__first_name="Gideon", person__last_name="Fictional"
    )


@pytest.fixture
def victim(case):
    return PartyFactory(
        case=case, role="victim", person__first_name="Ffion", person__last_name="Fictional"
    )


def _answers(template: Template, yes=(), unknown=(), notes=None) -> dict[str, str]:
    """Every factor answered: "no" unless named."""
    assert set(yes) | set(unknown) <= {f.key for f in template.factors}
    return {
        f.key: YES if f.key in yes else UNKNOWN if f.key in unknown else NO
        for f in template.factors
    }


def _body_answers(template: Template, yes=(), unknown=(), notes=None) -> dict:
    notes = notes or {}
    return {
        key: {"answer": answer, "note": notes.get(key, "")}
        for key, answer in _answers(template, yes, unknown).items()
    }


def _keys(template: Template, count: int, *, skip=()) -> list[str]:
    return [f.key for f in template.factors if f.key not in skip][:count]


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/assessments/"


def _body(subject, template=SUSPECT_PRIORITISATION, yes=(), unknown=(), **extra) -> dict:
    return {
        "subject": str(subject.id),
        "template": template.key,
        "answers": _body_answers(template, yes, unknown),
        "review_on": REVIEW_ON,
        **extra,
    }


def _assert_nothing_stored(case) -> None:
    assert Assessment.objects.count() == 0
    assert not AccessLogEntry.objects.filter(action="safeguarding.assessment.recorded").exists()
    priority = CasePriority.objects.filter(case=case).first()
    assert priority is None or priority.level == SharedLevel.UNKNOWN


# --- The computation: the unknown rule at its boundary


def test_the_suspect_template_has_twelve_factors():
    assert len(SUSPECT_PRIORITISATION.factors) == 12


def test_a_third_unknown_and_no_yes_is_low():
    # given: 4 of 12 not known, exactly a third
    answers = _answers(SUSPECT_PRIORITISATION, unknown=_keys(SUSPECT_PRIORITISATION, 4))
    # when
    computed = level_compute(SUSPECT_PRIORITISATION, answers)
    # then
    assert (computed.level, computed.known_factors, computed.total_factors, computed.score) == (
        SharedLevel.LOW,
        8,
        12,
        0,
    )


def test_more_than_a_third_unknown_and_no_yes_is_unknown_never_low():
    # given: 5 of 12 not known
    answers = _answers(SUSPECT_PRIORITISATION, unknown=_keys(SUSPECT_PRIORITISATION, 5))
    # when
    computed = level_compute(SUSPECT_PRIORITISATION, answers)
    # then
    assert (computed.level, computed.known_factors, computed.total_factors) == (
        SharedLevel.UNKNOWN,
        7,
        12,
    )
    assert computed.reasons == ("No factor is yes and 5 of 12 are not known (more than a third).",)


def test_everything_unknown_is_unknown():
    answers = _answers(SUSPECT_PRIORITISATION, unknown=_keys(SUSPECT_PRIORITISATION, 12))
    computed = level_compute(SUSPECT_PRIORITISATION, answers)
    assert (computed.level, computed.known_factors) == (SharedLevel.UNKNOWN, 0)


@pytest.mark.parametrize(
    ("template", "at_a_third_or_less", "more_than_a_third"),
    [(CHILD_SAFEGUARDING, 1, 2), (VICTIM_NEEDS, 1, 2)],
    ids=["child safeguarding (5 factors)", "victim needs (4 factors)"],
)
def test_the_unknown_rule_in_the_smaller_templates(template, at_a_third_or_less, more_than_a_third):
    low = level_compute(template, _answers(template, unknown=_keys(template, at_a_third_or_less)))
    unknown = level_compute(
        template, _answers(template, unknown=_keys(template, more_than_a_third))
    )
    assert (low.level, unknown.level) == (SharedLevel.LOW, SharedLevel.UNKNOWN)


def test_with_a_yes_many_unknowns_still_compute_from_the_score():
    # given: one yes worth 2 (medium) and 9 of 12 not known
    template = SUSPECT_PRIORITISATION
    answers = _answers(
        template, yes=["many_victims"], unknown=_keys(template, 9, skip=["many_victims"])
    )
    # when
    computed = level_compute(template, answers)
    # then
    assert (computed.level, computed.score, computed.known_factors) == (SharedLevel.MEDIUM, 2, 3)


def test_with_a_trigger_and_everything_else_unknown_the_level_is_high():
    template = SUSPECT_PRIORITISATION
    answers = _answers(
        template, yes=["sextortion"], unknown=_keys(template, 11, skip=["sextortion"])
    )
    computed = level_compute(template, answers)
    assert (computed.level, computed.known_factors) == (SharedLevel.HIGH, 1)


def test_a_score_below_medium_with_more_than_a_third_unknown_is_unknown_not_low():
    # given: one yes worth 1 (below medium's 2), and 5 of 12 not known. The rule as
    # first written made this low: a low read off what is not known.
    template = SUSPECT_PRIORITISATION
    answers = _answers(
        template,
        yes=["other_risk_factors"],
        unknown=_keys(template, 5, skip=["other_risk_factors"]),
    )
    # when
    computed = level_compute(template, answers)
    # then
    assert (computed.level, computed.score) == (SharedLevel.UNKNOWN, 1)


def test_a_score_below_medium_with_a_third_unknown_is_low():
    template = SUSPECT_PRIORITISATION
    answers = _answers(
        template,
        yes=["other_risk_factors"],
        unknown=_keys(template, 4, skip=["other_risk_factors"]),
    )
    computed = level_compute(template, answers)
    assert (computed.level, computed.score) == (SharedLevel.LOW, 1)


def test_a_factor_left_out_counts_as_unknown_and_a_stray_key_counts_for_nothing():
    template = VICTIM_NEEDS
    answers = {"self_harm_risk": NO, "unsafe_at_home": NO, "made_up": YES}
    computed = level_compute(template, answers)
    assert (computed.level, computed.known_factors, computed.total_factors) == (
        SharedLevel.UNKNOWN,
        2,
        4,
    )


# --- The computation: each template's triggers, combinations and thresholds

TEMPLATE_IDS = [t.key for t in (SUSPECT_PRIORITISATION, CHILD_SAFEGUARDING, VICTIM_NEEDS)]


def _triggers():
    for template in (SUSPECT_PRIORITISATION, CHILD_SAFEGUARDING, VICTIM_NEEDS):
        for factor in template.factors:
            if factor.triggers_high:
                yield pytest.param(template, factor.key, id=f"{template.key}: {factor.key}")


def _combinations():
    for template in (SUSPECT_PRIORITISATION, CHILD_SAFEGUARDING, VICTIM_NEEDS):
        for combination in template.critical_combinations:
            keys = sorted(combination)
            yield pytest.param(template, keys, id=f"{template.key}: {' + '.join(keys)}")


@pytest.mark.parametrize(("template", "trigger"), list(_triggers()))
def test_each_trigger_on_its_own_is_high(template, trigger):
    computed = level_compute(template, _answers(template, yes=[trigger]))
    assert computed.level == SharedLevel.HIGH
    assert computed.reasons == (f"High because of: {template.factor(trigger).label}.",)


@pytest.mark.parametrize(("template", "combination"), list(_combinations()))
def test_each_critical_combination_is_critical(template, combination):
    computed = level_compute(template, _answers(template, yes=combination))
    assert computed.level == SharedLevel.CRITICAL


@pytest.mark.parametrize(("template", "combination"), list(_combinations()))
def test_a_critical_combination_with_everything_else_unknown_is_still_critical(
    template, combination
):
    others = [f.key for f in template.factors if f.key not in combination]
    computed = level_compute(template, _answers(template, yes=combination, unknown=others))
    assert computed.level == SharedLevel.CRITICAL


def test_the_suspect_template_lists_every_trigger_and_combination_of_the_issue():
    triggers = {f.key for f in SUSPECT_PRIORITISATION.factors if f.triggers_high}
    assert triggers == {
        "access_to_children",
        "grooming_now",
        "producing_images",
        "sextortion",
        "first_generation_material",
        "live_streamed_abuse",
    }
    assert len(SUSPECT_PRIORITISATION.critical_combinations) == 4


# Scores at and just below each threshold, from factors chosen to avoid any critical
# combination (and, for medium and high, any single-factor trigger).
THRESHOLDS = [
    # Online CSA suspect: medium 2, high 6, critical 12.
    (SUSPECT_PRIORITISATION, ["previous_sexual_offending"], 2, SharedLevel.MEDIUM),
    (SUSPECT_PRIORITISATION, ["other_risk_factors"], 1, SharedLevel.LOW),
    (
        SUSPECT_PRIORITISATION,
        ["previous_sexual_offending", "many_victims", "offender_community_role"],
        6,
        SharedLevel.HIGH,
    ),
    (
        SUSPECT_PRIORITISATION,
        ["previous_sexual_offending", "many_victims", "other_risk_factors"],
        5,
        SharedLevel.MEDIUM,
    ),
    (
        SUSPECT_PRIORITISATION,
        [
            "grooming_now",
            "producing_images",
            "first_generation_material",
            "live_streamed_abuse",
        ],
        12,
        SharedLevel.CRITICAL,
    ),
    (
        SUSPECT_PRIORITISATION,
        [
            "grooming_now",
            "producing_images",
            "first_generation_material",
            "previous_sexual_offending",
        ],
        11,
        SharedLevel.HIGH,
    ),
    # Child safeguarding concern: medium 1, high 5 (only reachable with a trigger),
    # critical 8.
    (CHILD_SAFEGUARDING, ["wishes_and_feelings"], 1, SharedLevel.MEDIUM),
    (CHILD_SAFEGUARDING, [], 0, SharedLevel.LOW),
    (CHILD_SAFEGUARDING, ["wishes_and_feelings", "online_risks"], 3, SharedLevel.MEDIUM),
    (CHILD_SAFEGUARDING, ["exposure", "contact_with_suspect", "online_risks"], 8, "critical"),
    (CHILD_SAFEGUARDING, ["exposure", "contact_with_suspect", "wishes_and_feelings"], 7, "high"),
    # Victim needs: medium 1, high 4 and critical 6 (only reachable with triggers).
    (VICTIM_NEEDS, ["communication_needs"], 1, SharedLevel.MEDIUM),
    (VICTIM_NEEDS, [], 0, SharedLevel.LOW),
    (VICTIM_NEEDS, ["no_support_in_place", "communication_needs"], 2, SharedLevel.MEDIUM),
    (
        VICTIM_NEEDS,
        ["self_harm_risk", "no_support_in_place", "communication_needs"],
        5,
        SharedLevel.HIGH,
    ),
]


@pytest.mark.parametrize(
    ("template", "yes", "score", "level"),
    THRESHOLDS,
    ids=[f"{t.key}: score {s} is {lvl}" for t, _, s, lvl in THRESHOLDS],
)
def test_scores_at_and_just_below_each_threshold(template, yes, score, level):
    computed = level_compute(template, _answers(template, yes=yes))
    assert (computed.score, computed.level) == (score, level)


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=[t.key for t in TEMPLATES.values()])
def test_each_template_is_well_formed_and_writes_its_rule_down(template):
    keys = [f.key for f in template.factors]
    assert len(keys) == len(set(keys))
    for combination in template.critical_combinations:
        assert combination <= set(keys)
    assert template.medium_score <= template.high_score <= template.critical_score
    assert template.explanation == COMPUTATION_RULE
    assert "never low" in template.explanation


def test_templates_for_each_kind_of_agency():
    assert [t.key for t in templates_for_agency_kind("police")] == [
        "child_in_suspect_household",
        "online_csa_suspect",
        "victim_needs",
    ]
    assert [t.key for t in templates_for_agency_kind("childrens_services")] == [
        "child_in_suspect_household",
        "child_safeguarding_concern",
    ]
    assert [t.key for t in templates_for_agency_kind("safeguarding_hub")] == [
        "child_in_suspect_household",
        "child_safeguarding_concern",
    ]
    assert [t.key for t in templates_for_agency_kind("charity")] == ["victim_needs"]


# --- Recording through the API


def test_recording_an_assessment(case, suspect, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _url(case),
        {
            **_body(
                suspect,
                yes=["many_victims"],
                unknown=["evading_detection", "category_a_material", "other_risk_factors"],
            ),
            "answers": {
                **_body_answers(
                    SUSPECT_PRIORITISATION,
                    yes=["many_victims"],
                    unknown=["evading_detection", "category_a_material", "other_risk_factors"],
                    notes={"many_victims": "  Eleven accounts in the NCMEC report.  "},
                )
            },
        },
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get()
    answers = _body_answers(
        SUSPECT_PRIORITISATION,
        yes=["many_victims"],
        unknown=["evading_detection", "category_a_material", "other_risk_factors"],
        notes={"many_victims": "Eleven accounts in the NCMEC report."},
    )
    assert response.json() == {
        "id": str(assessment.id),
        "subject": {"id": str(suspect.id), "role": "suspect", "full_name": "Gideon Fictional"},
        "template": {
            "key": "online_csa_suspect",
            "version": 1,
            "name": "Online CSA suspect prioritisation",
        },
        "answers": answers,
        "computed_level": "medium",
        "override_level": "",
        "override_rationale": "",
        "level": "medium",
        "agency_grade": "",
        "scale": None,
        "completeness": {"known": 9, "total": 12, "text": "9 of 12 factors known"},
        "assessor": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "assessed_at": "2026-06-15T10:30:00+01:00",
        "review_on": REVIEW_ON,
        "supersedes": None,
        "superseded_by": None,
    }
    assert assessment.answers == answers
    assert (assessment.known_factors, assessment.total_factors) == (9, 12)


def test_more_than_a_third_unknown_is_recorded_as_unknown(case, suspect, officer_north, api_for):
    unknown = _keys(SUSPECT_PRIORITISATION, 5)
    response = api_for(officer_north).post(
        _url(case), _body(suspect, unknown=unknown), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["computed_level"], body["level"], body["completeness"]["text"]) == (
        "unknown",
        "unknown",
        "7 of 12 factors known",
    )


def test_a_police_officer_assesses_a_victims_needs(case, victim, officer_north, api_for):
    response = api_for(officer_north).post(
        _url(case), _body(victim, VICTIM_NEEDS, yes=["self_harm_risk"]), format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["template"]["key"], response.json()["computed_level"]) == (
        "victim_needs",
        "high",
    )


def test_a_social_worker_assesses_a_child_with_the_child_safeguarding_template(
    childrens, social_worker, api_for
):
    # given
    case = CaseFactory(owning_agency=childrens)
    child = PartyFactory(case=case, role="child_in_household")
    # when
    response = api_for(social_worker).post(
        _url(case),
        _body(child, CHILD_SAFEGUARDING, yes=["contact_with_suspect", "parents_cannot_protect"]),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assert (response.json()["computed_level"], response.json()["completeness"]["text"]) == (
        "critical",
        "5 of 5 factors known",
    )


# --- Overrides


def test_a_supervisors_override_never_hides_the_computed_level(
    case, suspect, supervisor_north, api_for
):
    # when
    response = api_for(supervisor_north).post(
        _url(case),
        _body(
            suspect,
            yes=["previous_sexual_offending"],
            override_level="critical",
            override_rationale="  Intelligence that he is travelling to meet a child.  ",
        ),
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (
        body["computed_level"],
        body["override_level"],
        body["override_rationale"],
        body["level"],
    ) == ("medium", "critical", "Intelligence that he is travelling to meet a child.", "critical")
    assessment = Assessment.objects.get()
    assert (assessment.computed_level, assessment.level) == ("medium", "critical")


@pytest.mark.parametrize("rationale", ["", "   "], ids=["empty", "blank"])
def test_an_override_without_a_rationale_is_refused(
    case, suspect, supervisor_north, api_for, rationale
):
    response = api_for(supervisor_north).post(
        _url(case),
        _body(suspect, override_level="high", override_rationale=rationale),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["override_rationale"]
    _assert_nothing_stored(case)


def test_a_generalist_officer_may_not_override(case, suspect, officer_north, api_for):
    response = api_for(officer_north).post(
        _url(case),
        _body(suspect, override_level="high", override_rationale="I think it is high."),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "override_level": [
            "Only a specialist investigator, supervisor, social worker or MASH "
            "coordinator may override the computed level."
        ]
    }
    _assert_nothing_stored(case)


def test_a_rationale_without_an_override_level_is_refused(
    case, suspect, investigator_north, api_for
):
    response = api_for(investigator_north).post(
        _url(case), _body(suspect, override_rationale="Because."), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["override_level"]
    _assert_nothing_stored(case)


def test_an_override_to_a_level_that_does_not_exist_is_refused(
    case, suspect, investigator_north, api_for
):
    response = api_for(investigator_north).post(
        _url(case),
        _body(suspect, override_level="severe", override_rationale="Because."),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["override_level"]
    _assert_nothing_stored(case)


# --- Bad input: each refused, naming the field, and nothing stored


def test_an_answer_to_a_factor_the_template_lacks_is_refused(case, suspect, officer_north, api_for):
    body = _body(suspect)
    body["answers"]["owns_a_boat"] = {"answer": "yes", "note": ""}
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "answers.owns_a_boat": [
            "The template 'Online CSA suspect prioritisation' has no factor 'owns_a_boat'."
        ]
    }
    _assert_nothing_stored(case)


def test_a_missing_factor_is_named(case, suspect, officer_north, api_for):
    body = _body(suspect)
    del body["answers"]["category_a_material"]
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "answers.category_a_material": ["Answer 'Category A material': yes, no or not known."]
    }
    _assert_nothing_stored(case)


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"answer": "maybe"}, "answers.sextortion"),
        ({"answer": "yes", "note": 7}, "answers.sextortion"),
        ({"answer": "yes", "note": "x" * 1001}, "answers.sextortion"),
        ({"note": "no answer"}, "answers.sextortion"),
    ],
    ids=["not yes, no or unknown", "note not text", "note too long", "no answer"],
)
def test_a_bad_answer_is_named(case, suspect, officer_north, api_for, answer, field):
    body = _body(suspect)
    body["answers"]["sextortion"] = answer
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    _assert_nothing_stored(case)


def test_answers_that_are_not_an_object_are_refused(case, suspect, officer_north, api_for):
    body = {**_body(suspect), "answers": ["yes", "no"]}
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["answers"]
    _assert_nothing_stored(case)


def test_a_template_of_another_kind_of_agency_is_refused(case, victim, officer_north, api_for):
    response = api_for(officer_north).post(
        _url(case), _body(victim, CHILD_SAFEGUARDING), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "template": ["'Child safeguarding concern' is not used by your kind of agency."]
    }
    _assert_nothing_stored(case)


def test_a_template_that_does_not_exist_is_refused(case, suspect, officer_north, api_for):
    body = {**_body(suspect), "template": "horoscope"}
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["template"]
    _assert_nothing_stored(case)


def test_a_subject_the_template_does_not_assess_is_refused(case, victim, officer_north, api_for):
    response = api_for(officer_north).post(
        _url(case), _body(victim, SUSPECT_PRIORITISATION), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "subject": ["'Online CSA suspect prioritisation' assesses a suspect."]
    }
    _assert_nothing_stored(case)


def test_a_party_of_another_case_is_refused(case, north, officer_north, api_for):
    # given: a suspect in another force's case, and one in another of our own
    other_force_suspect = PartyFactory(case=CaseFactory(), role="suspect")
    own_other_suspect = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    for party in (other_force_suspect, own_other_suspect):
        # when
        response = api_for(officer_north).post(_url(case), _body(party), format="json")
        # then
        assert response.status_code == 400
        assert response.json()["errors"] == {"subject": ["Choose a party to this case."]}
    _assert_nothing_stored(case)


def test_the_service_refuses_a_party_of_another_case(case, officer_north):
    stranger = PartyFactory(case=CaseFactory(), role="suspect")
    with pytest.raises(ValidationError) as refused:
        assessment_record(
            actor=officer_north.user,
            case=case,
            subject=stranger,
            template_key=SUSPECT_PRIORITISATION.key,
            answers=_body_answers(SUSPECT_PRIORITISATION),
            review_on=date(2026, 9, 15),
        )
    assert list(refused.value.message_dict) == ["subject"]
    _assert_nothing_stored(case)


def test_a_review_date_in_the_past_is_refused(case, suspect, officer_north, api_for):
    body = {**_body(suspect), "review_on": "2026-06-14"}
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"review_on": ["Set a review date from today onwards."]}
    _assert_nothing_stored(case)


def test_a_review_date_of_today_is_accepted(case, suspect, officer_north, api_for):
    body = {**_body(suspect), "review_on": TODAY.isoformat()}
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 201, response.content


def test_every_problem_is_named_at_once(case, victim, officer_north, api_for):
    body = {
        **_body(victim, SUSPECT_PRIORITISATION),
        "review_on": "2026-01-01",
        "override_level": "high",
    }
    del body["answers"]["sextortion"]
    response = api_for(officer_north).post(_url(case), body, format="json")
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == [
        "answers.sextortion",
        "override_level",
        "override_rationale",
        "review_on",
        "subject",
    ]
    _assert_nothing_stored(case)


# --- Never edited: a new assessment supersedes the last


def test_a_second_assessment_supersedes_the_first_and_both_stay_listed(
    case, suspect, victim, officer_north, api_for, clock
):
    client = api_for(officer_north)
    first = client.post(_url(case), _body(suspect), format="json").json()
    clock.shift(timedelta(hours=2))
    needs = client.post(_url(case), _body(victim, VICTIM_NEEDS), format="json").json()
    clock.shift(timedelta(hours=2))
    # when
    second = client.post(_url(case), _body(suspect, yes=["sextortion"]), format="json").json()
    # then
    assert second["supersedes"] == first["id"]
    # The victim's needs are another template: they supersede nothing and are not superseded.
    assert needs["supersedes"] is None
    listed = client.get(_url(case)).json()["results"]
    assert [(a["id"], a["supersedes"], a["superseded_by"], a["level"]) for a in listed] == [
        (second["id"], first["id"], None, "high"),
        (needs["id"], None, None, "low"),
        (first["id"], None, second["id"], "low"),
    ]
    stored = Assessment.objects.get(pk=first["id"])
    assert (stored.computed_level, stored.answers) == ("low", first["answers"])


def test_a_retry_with_the_same_idempotency_key_records_once(case, suspect, officer_north, api_for):
    client = api_for(officer_north)
    first = client.post(_url(case), _body(suspect), format="json", HTTP_IDEMPOTENCY_KEY="assess-1")
    again = client.post(_url(case), _body(suspect), format="json", HTTP_IDEMPOTENCY_KEY="assess-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Assessment.objects.count() == 1


# --- Who may see and record


def test_another_force_gets_404(case, suspect, officer_north, officer_south, api_for):
    api_for(officer_north).post(_url(case), _body(suspect), format="json")
    client = api_for(officer_south)
    assert client.get(_url(case)).status_code == 404
    response = client.post(_url(case), _body(suspect), format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert Assessment.objects.count() == 1


def test_a_granted_agency_reads_assessments_and_records_its_own(
    case, suspect, south, officer_north, officer_south, api_for
):
    """A partner that holds the case assesses the people it holds (#13: the hub
    assesses the children named in the referral it accepted)."""
    # given
    grant_case(case, south)
    recorded = api_for(officer_north).post(_url(case), _body(suspect), format="json").json()
    client = api_for(officer_south)
    # when
    listed = client.get(_url(case))
    added = client.post(_url(case), _body(suspect, yes=["sextortion"]), format="json")
    # then
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == [recorded["id"]]
    assert added.status_code == 201
    assert Assessment.objects.count() == 2


def test_the_service_refuses_an_agency_that_does_not_hold_the_case(
    case, suspect, south, officer_south
):
    # The API never gets this far (the case is 404 for this action); the service
    # refuses on its own too.
    with pytest.raises(NotFound):
        assessment_record(
            actor=officer_south.user,
            case=case,
            subject=suspect,
            template_key=SUSPECT_PRIORITISATION.key,
            answers=_body_answers(SUSPECT_PRIORITISATION),
            review_on=date(2026, 9, 15),
        )
    assert Assessment.objects.count() == 0


# --- The agency's grade, from the version of its scale in use


def _police_scale(admin, agency, labels, expected_version=None):
    levels = [
        {"label": label, "definition": f"{label} priority.", "shared_level": shared}
        for label, shared in zip(labels, ["critical", "high", "medium", "low"], strict=True)
    ]
    return scale_put(
        actor=admin.user,
        agency=agency,
        name="Suspect prioritisation",
        levels=levels,
        expected_version=expected_version,
        reason="test",
    )


def test_the_grade_comes_from_the_assessors_agency_scale_and_keeps_its_version(
    case, suspect, north, admin_north, officer_north, api_for, clock
):
    # given
    _police_scale(admin_north, north, ["Very high", "High", "Medium", "Low"])
    client = api_for(officer_north)
    first = client.post(_url(case), _body(suspect, yes=["sextortion"]), format="json").json()
    # when: the scale changes
    _police_scale(admin_north, north, ["P1", "P2", "P3", "P4"], expected_version=1)
    clock.shift(timedelta(hours=1))
    second = client.post(_url(case), _body(suspect, yes=["sextortion"]), format="json").json()
    # then
    assert (first["agency_grade"], first["scale"]) == (
        "High",
        {"agency": "northshire-police", "version": 1},
    )
    assert (second["agency_grade"], second["scale"]) == (
        "P2",
        {"agency": "northshire-police", "version": 2},
    )
    listed = {a["id"]: a for a in client.get(_url(case)).json()["results"]}
    assert (listed[first["id"]]["agency_grade"], listed[first["id"]]["scale"]["version"]) == (
        "High",
        1,
    )


def test_an_override_takes_the_grade_of_the_override(
    case, suspect, north, admin_north, supervisor_north, api_for
):
    _police_scale(admin_north, north, ["Very high", "High", "Medium", "Low"])
    body = (
        api_for(supervisor_north)
        .post(
            _url(case),
            _body(suspect, override_level="critical", override_rationale="Travelling to a child."),
            format="json",
        )
        .json()
    )
    assert (body["computed_level"], body["level"], body["agency_grade"]) == (
        "low",
        "critical",
        "Very high",
    )


def test_unknown_is_never_given_the_grade_of_low(
    case, suspect, north, admin_north, officer_north, api_for
):
    _police_scale(admin_north, north, ["Very high", "High", "Medium", "Low"])
    body = (
        api_for(officer_north)
        .post(_url(case), _body(suspect, unknown=_keys(SUSPECT_PRIORITISATION, 6)), format="json")
        .json()
    )
    assert (body["level"], body["agency_grade"]) == ("unknown", "Not yet graded")


# --- The queue and the access log


def test_the_cases_queue_entry_takes_the_new_level(
    case, suspect, north, admin_north, officer_north, api_for
):
    _police_scale(admin_north, north, ["Very high", "High", "Medium", "Low"])
    response = api_for(officer_north).post(
        _url(case), _body(suspect, yes=["access_to_children", "grooming_now"]), format="json"
    )
    assert response.status_code == 201, response.content
    priority = CasePriority.objects.get(case=case)
    assert (priority.level, priority.band, priority.agency_grade) == (
        "critical",
        0,
        "Very high",
    )


def test_recording_and_listing_are_in_the_access_log(case, suspect, officer_north, api_for):
    client = api_for(officer_north)
    recorded = client.post(_url(case), _body(suspect), format="json").json()
    client.get(_url(case))
    entries = AccessLogEntry.objects.filter(action__startswith="safeguarding.assessment.")
    assert list(
        entries.order_by("sequence").values_list(
            "action", "username", "object_type", "object_id", "object_agency_slug", "outcome"
        )
    ) == [
        (
            "safeguarding.assessment.recorded",
            "officer.north",
            "assessment",
            recorded["id"],
            "northshire-police",
            "allowed",
        ),
        (
            "safeguarding.assessment.listed",
            "officer.north",
            "assessment",
            str(case.id),
            "northshire-police",
            "allowed",
        ),
    ]


def test_the_list_takes_the_same_number_of_queries_for_2_or_10_assessments(
    case, officer_north, api_for, clock
):
    client = api_for(officer_north)

    def assess(count: int) -> None:
        for _ in range(count):
            party = PartyFactory(case=case, role="suspect")
            assessment_record(
                actor=officer_north.user,
                case=case,
                subject=party,
                template_key=SUSPECT_PRIORITISATION.key,
                answers=_body_answers(SUSPECT_PRIORITISATION),
                review_on=date(2026, 9, 15),
            )
            clock.shift(timedelta(minutes=1))

    def queries_to_list() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(case))
        assert response.status_code == 200
        return len(queries)

    client.get(_url(case))  # caches what every request shares (content types)
    assess(2)
    with_two = queries_to_list()
    assess(8)
    with_ten = queries_to_list()
    assert len(client.get(_url(case)).json()["results"]) == 10
    # The case, one page of assessments, and the access log entry (with its savepoint;
    # on PostgreSQL, one more to serialise the log's chain).
    assert with_ten == with_two <= 7


# --- The pages


def _page(case) -> str:
    return f"/cases/{case.id}/assessments/new/"


def test_step_one_offers_the_agencys_templates_and_the_parties_they_fit(
    case, suspect, victim, officer_north, browser_for
):
    # given: a witness, whom no police template assesses
    witness = PartyFactory(
        case=case, role="witness", person__first_name="Wanda", person__last_name="Fictional"
    )
    # when
    response = browser_for(officer_north).get(_page(case))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gideon Fictional (suspect)" in html
    assert "Ffion Fictional (victim)" in html
    assert str(witness.id) not in html
    assert 'value="online_csa_suspect"' in html
    assert 'value="victim_needs"' in html
    assert 'value="child_safeguarding_concern"' not in html


def test_step_one_shows_no_errors_before_continue(
    case, suspect, victim, officer_north, browser_for
):
    response = browser_for(officer_north).get(_page(case))
    assert response.status_code == 200
    assert error_summary(response) == []
    assert response.context["form"]["subject"].value() is None
    assert response.context["form"]["template"].value() is None


def test_continue_with_nothing_chosen_names_both_questions(
    case, suspect, victim, officer_north, browser_for
):
    # when: the chooser submitted as it is (the button sends continue=1)
    response = browser_for(officer_north).get(_page(case), {"continue": "1"})
    # then
    assert response.status_code == 200
    assert error_summary(response) == [
        ("id_subject", "Select who you are assessing."),
        ("id_template", "Select the assessment."),
    ]
    assert 'name="continue" value="1"' in response.content.decode()
    assert Assessment.objects.count() == 0


def test_continue_with_only_a_person_asks_for_the_assessment(
    case, suspect, victim, officer_north, browser_for
):
    response = browser_for(officer_north).get(
        _page(case), {"subject": str(suspect.id), "template": "", "continue": "1"}
    )
    assert error_summary(response) == [("id_template", "Select the assessment.")]
    assert response.context["form"]["subject"].value() == str(suspect.id)


def test_the_only_person_and_the_only_assessment_are_chosen_already(
    childrens, social_worker, browser_for
):
    # given: children's services have one template, and the case one child
    case = CaseFactory(owning_agency=childrens)
    child = PartyFactory(case=case, role="victim")
    client = browser_for(social_worker)
    # when
    page = client.get(_page(case))
    submitted = client.get(_page(case), {"continue": "1"})
    # then: both are checked before anything is chosen, and continuing goes on
    assert error_summary(page) == []
    assert page.context["form"]["subject"].value() == str(child.id)
    assert page.context["form"]["template"].value() == "child_safeguarding_concern"
    assert '<h1 class="govuk-heading-l">Child safeguarding concern</h1>' in (
        submitted.content.decode()
    )


def test_an_empty_assessment_names_every_factor_and_the_review_date(
    case, suspect, officer_north, browser_for
):
    # when: nothing answered, no review date typed
    query = f"?subject={suspect.id}&template=online_csa_suspect&continue=1"
    response = browser_for(officer_north).post(_page(case) + query, {"review_on": ""})
    # then
    assert response.status_code == 200
    assert error_summary(response) == [
        (f"id_answer_{factor.key}", f"Answer '{factor.label}': yes, no or not known.")
        for factor in SUSPECT_PRIORITISATION.factors
    ] + [("id_review_on", "Set a review date from today onwards.")]
    assert Assessment.objects.count() == 0


def test_a_subject_the_template_does_not_fit_stays_on_step_one(
    case, victim, officer_north, browser_for
):
    response = browser_for(officer_north).get(
        _page(case), {"subject": str(victim.id), "template": "online_csa_suspect"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Online CSA suspect prioritisation&#x27; is not for a victim" in html


def test_step_two_shows_the_factors_in_groups_and_the_rule(
    case, suspect, officer_north, supervisor_north, browser_for
):
    # when
    query = {"subject": str(suspect.id), "template": "online_csa_suspect"}
    officer_page = browser_for(officer_north).get(_page(case), query).content.decode()
    supervisor_page = browser_for(supervisor_north).get(_page(case), query).content.decode()
    # then
    assert '<h2 class="govuk-heading-m">Risk of contact abuse</h2>' in officer_page
    assert '<h2 class="govuk-heading-m">Risk of serious online harm</h2>' in officer_page
    assert officer_page.count('<fieldset class="govuk-fieldset"') == 12
    assert officer_page.count(">Not known</label>") == 12
    assert "How the level is computed" in officer_page
    assert "it is never low" in officer_page
    assert 'name="review_on"' in officer_page
    assert "Professional judgement" not in officer_page
    assert 'name="override_level"' in supervisor_page
    assert 'name="override_rationale"' in supervisor_page


def _form(template: Template, yes=(), unknown=(), **extra) -> dict:
    data = {f"answer_{k}": v for k, v in _answers(template, yes, unknown).items()}
    data.update({"review_on": "15/9/2026", **extra})
    return data


def test_submitting_the_form_records_the_assessment_and_shows_the_result(
    case, suspect, supervisor_north, browser_for
):
    # given
    client = browser_for(supervisor_north)
    query = f"?subject={suspect.id}&template=online_csa_suspect"
    form = _form(
        SUSPECT_PRIORITISATION,
        yes=["many_victims"],
        unknown=["evading_detection"],
        note_many_victims="Eleven accounts.",
        override_level="high",
        override_rationale="He has been seen outside a school.",
    )
    # when
    response = client.post(_page(case) + query, form)
    # then
    assessment = Assessment.objects.get()
    detail = f"/cases/{case.id}/assessments/{assessment.id}/"
    assert response.status_code == 302
    assert response["Location"] == detail
    assert (assessment.computed_level, assessment.override_level, assessment.review_on) == (
        "medium",
        "high",
        date(2026, 9, 15),
    )
    assert assessment.answers["many_victims"] == {"answer": "yes", "note": "Eleven accounts."}
    html = client.get(detail).content.decode()
    assert '<h2 class="govuk-heading-m">Computed level</h2>' in html
    assert '<strong class="govuk-tag govuk-tag--yellow">medium</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--orange">high</strong>' in html
    assert "He has been seen outside a school." in html
    assert "11 of 12 factors known" in html
    assert "Eleven accounts." in html
    assert "15 September 2026" in html
    assert "Nothing: the first assessment" in html


def test_a_form_with_problems_shows_them_and_stores_nothing(
    case, suspect, officer_north, browser_for
):
    query = f"?subject={suspect.id}&template=online_csa_suspect"
    form = _form(SUSPECT_PRIORITISATION, review_on="1/1/2026")
    del form["answer_sextortion"]
    response = browser_for(officer_north).post(_page(case) + query, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert '<a href="#id_answer_sextortion">' in html
    assert "Set a review date from today onwards." in html
    assert Assessment.objects.count() == 0


def test_the_result_page_shows_what_it_superseded(case, suspect, officer_north, browser_for, clock):
    client = browser_for(officer_north)
    query = f"?subject={suspect.id}&template=online_csa_suspect"
    client.post(_page(case) + query, _form(SUSPECT_PRIORITISATION))
    clock.shift(timedelta(minutes=5))
    client.post(_page(case) + query, _form(SUSPECT_PRIORITISATION, yes=["sextortion"]))
    first, second = Assessment.objects.order_by("assessed_at")
    newer = client.get(f"/cases/{case.id}/assessments/{second.id}/").content.decode()
    older = client.get(f"/cases/{case.id}/assessments/{first.id}/").content.decode()
    assert f'href="/cases/{case.id}/assessments/{first.id}/"' in newer
    assert "A newer assessment replaced this one" in older


def test_a_social_workers_form_shows_the_child_template(childrens, social_worker, browser_for):
    case = CaseFactory(owning_agency=childrens)
    child = PartyFactory(case=case, role="victim")
    client = browser_for(social_worker)
    html = client.get(_page(case), {"subject": str(child.id)}).content.decode()
    # Only one template: it is chosen for them.
    assert '<h1 class="govuk-heading-l">Child safeguarding concern</h1>' in html
    assert '<h2 class="govuk-heading-m">The child</h2>' in html
    response = client.post(
        f"{_page(case)}?subject={child.id}&template=child_safeguarding_concern",
        _form(CHILD_SAFEGUARDING, yes=["exposure"]),
    )
    assert response.status_code == 302
    assert Assessment.objects.get().computed_level == "high"


def test_the_pages_for_another_force_are_404_and_for_a_granted_one_are_shown(
    case, suspect, south, officer_north, officer_south, browser_for
):
    assessment = assessment_record(
        actor=officer_north.user,
        case=case,
        subject=suspect,
        template_key=SUSPECT_PRIORITISATION.key,
        answers=_body_answers(SUSPECT_PRIORITISATION),
        review_on=date(2026, 9, 15),
    )
    detail = f"/cases/{case.id}/assessments/{assessment.id}/"
    assert browser_for(officer_south).get(detail).status_code == 404
    assert browser_for(officer_south).get(_page(case)).status_code == 404
    grant_case(case, south)
    assert browser_for(officer_south).get(detail).status_code == 200
    # and holding the case, it may assess (#13)
    assert browser_for(officer_south).get(_page(case)).status_code == 200
    assert AccessLogEntry.objects.filter(
        action="safeguarding.assessment.viewed", username="officer.south"
    ).exists()


def test_the_summary_include_shows_grade_level_and_completeness(
    case, suspect, north, admin_north, supervisor_north
):
    from django.template.loader import render_to_string

    _police_scale(admin_north, north, ["Very high", "High", "Medium", "Low"])
    assessment = assessment_record(
        actor=supervisor_north.user,
        case=case,
        subject=suspect,
        template_key=SUSPECT_PRIORITISATION.key,
        answers=_answers(SUSPECT_PRIORITISATION, unknown=_keys(SUSPECT_PRIORITISATION, 2)),
        review_on=date(2026, 9, 15),
        override_level="high",
        override_rationale="Seen near a school.",
    )
    html = render_to_string(
        "safeguarding/includes/assessment_summary.html", {"assessment": assessment}
    )
    assert "Very high" not in html
    assert "High</span>" in html
    assert '<strong class="govuk-tag govuk-tag--orange">high</strong>' in html
    assert "computed level:" in html
    assert '<strong class="govuk-tag govuk-tag--green">low</strong>' in html
    assert "10 of 12 factors known" in html


def test_a_party_that_no_longer_exists_in_scope_is_refused_on_the_page(
    case, officer_north, browser_for
):
    stranger = PartyFactory(case=CaseFactory(), role="suspect")
    response = browser_for(officer_north).get(
        _page(case), {"subject": str(stranger.id), "template": "online_csa_suspect"}
    )
    assert response.status_code == 200
    assert "Select a person in this case." in response.content.decode()
    assert CaseParty.objects.filter(pk=stranger.pk).exists()
