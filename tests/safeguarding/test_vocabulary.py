"""The shared language of risk: the shared levels, agencies' own scales (versioned,
every grade mapped), the templates as data, targets for first action, the pages
and the demo scales."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from agencies.demo import demo_seeders
from agencies.models import AccessLogEntry, Role
from safeguarding.demo import seed_scales
from safeguarding.models import (
    ActionTarget,
    Assessment,
    CasePriority,
    RiskScale,
    RiskScaleLevel,
    SharedLevel,
)
from safeguarding.risk_templates import COMPUTATION_RULE
from safeguarding.services.assessments import assessment_record
from safeguarding.services.queue import priority_refresh
from safeguarding.services.scales import agency_grade
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
)
from tests.safeguarding.pages import error_summary

LEVELS = "/api/v1/risk/levels/"
TEMPLATES = "/api/v1/risk/templates/"
SCALES = "/api/v1/risk/scales/"
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)

POLICE_GRADES = [
    ("Very high", "A child is at risk of contact abuse now.", "critical"),
    ("High", "Indicators of contact abuse or serious online harm.", "high"),
    ("Medium", "Some risk factors, no access to children.", "medium"),
    ("Low", "Enough is known to judge the risk low.", "low"),
]
RAG_GRADES = [
    ("Red", "A serious risk now.", "high"),
    ("Amber", "Needs, no immediate danger.", "medium"),
    ("Green", "Needs known and met.", "low"),
]


def a_scale(agency, name: str, grades, *, version: int = 1, current: bool = True) -> RiskScale:
    scale = RiskScale.objects.create(agency=agency, version=version, name=name, is_current=current)
    for position, (label, definition, shared_level) in enumerate(grades, start=1):
        RiskScaleLevel.objects.create(
            scale=scale,
            position=position,
            label=label,
            definition=definition,
            shared_level=shared_level,
        )
    return scale


def as_levels(grades) -> list[dict]:
    return [
        {"label": label, "definition": definition, "shared_level": shared_level}
        for label, definition, shared_level in grades
    ]


def scale_body(grades, *, name: str = "Suspect prioritisation", reason: str = "") -> dict:
    return {"name": name, "levels": as_levels(grades), "reason": reason}


def put_scale(client, slug: str, body: dict, *, version: int | None = None):
    headers = {"If-Match": f'"{version}"'} if version is not None else {}
    return client.put(f"{SCALES}{slug}/", body, format="json", headers=headers)


def scale_state(agency) -> list[tuple]:
    return list(
        RiskScale.objects.filter(agency=agency)
        .order_by("version")
        .values_list("version", "name", "is_current")
    ) + list(
        RiskScaleLevel.objects.filter(scale__agency=agency)
        .order_by("scale__version", "position")
        .values_list("scale__version", "position", "label", "shared_level")
    )


def a_member(agency, role):
    membership = MembershipFactory(agency=agency, role=role)
    TOTPDeviceFactory(user=membership.user)
    return membership


# --- The shared levels and the templates


def test_the_shared_levels_are_listed_with_their_definitions(officer_north, api_for):
    # when
    response = api_for(officer_north).get(LEVELS)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "level": "critical",
                "label": "Critical",
                "definition": "A child is, or children are, at risk of serious harm now: "
                "act the same working day.",
                "rank": 0,
            },
            {
                "level": "high",
                "label": "High",
                "definition": "Serious harm is likely without prompt action, including "
                "serious online harm such as coercion, sextortion or live-streamed abuse.",
                "rank": 1,
            },
            {
                "level": "medium",
                "label": "Medium",
                "definition": "Harm is possible; act within the normal course of work.",
                "rank": 3,
            },
            {
                "level": "low",
                "label": "Low",
                "definition": "Enough is known to judge the risk of harm low. "
                "Not the same as unknown.",
                "rank": 4,
            },
            {
                "level": "unknown",
                "label": "Unknown",
                "definition": "Too little is known to judge. Find out more: unknown is "
                "never treated as low.",
                "rank": 2,
            },
        ]
    }


def test_the_templates_are_listed_as_data_with_their_computation(caseworker_harbour, api_for):
    # when
    response = api_for(caseworker_harbour).get(TEMPLATES)
    # then
    assert response.status_code == 200
    templates = {t["key"]: t for t in response.json()["results"]}
    assert sorted(templates) == [
        "child_in_suspect_household",
        "child_safeguarding_concern",
        "online_csa_suspect",
        "victim_needs",
    ]
    suspect = templates["online_csa_suspect"]
    assert suspect["version"] == 1
    assert suspect["name"] == "Online CSA suspect prioritisation"
    assert suspect["subject_roles"] == ["suspect"]
    assert suspect["agency_kinds"] == ["police"]
    assert len(suspect["factors"]) == 12
    assert suspect["factors"][5] == {
        "key": "sextortion",
        "label": "Coercion or blackmail of children (sextortion)",
        "group": "Risk of serious online harm",
        "weight": 3,
        "triggers_high": True,
    }
    assert ["many_victims", "sextortion"] in suspect["critical_combinations"]
    assert suspect["thresholds"] == {"critical": 12, "high": 6, "medium": 2}
    assert suspect["computation_rule"] == COMPUTATION_RULE
    assert templates["victim_needs"]["agency_kinds"] == ["charity", "police"]


def test_the_vocabulary_is_for_signed_in_members_only(db, client):
    # when
    responses = [client.get(url) for url in (LEVELS, TEMPLATES, SCALES)]
    # then
    assert [r.status_code for r in responses] == [401, 401, 401]


# --- Every agency's scale


def test_the_scales_list_shows_every_agencys_current_scale(
    officer_south, north, harbour, api_for, django_assert_num_queries
):
    # given
    a_scale(north, "Old prioritisation", POLICE_GRADES[:2], version=1, current=False)
    a_scale(north, "Suspect prioritisation", POLICE_GRADES, version=2)
    a_scale(harbour, "Red, amber, green", RAG_GRADES)
    client = api_for(officer_south)
    # when
    with django_assert_num_queries(3):
        response = client.get(SCALES)
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert [(s["agency"]["slug"], s["version"]) for s in body["results"]] == [
        ("harbour-victim-support", 1),
        ("northshire-police", 2),
    ]
    north_scale = body["results"][1]
    assert north_scale["agency"] == {"slug": "northshire-police", "name": "Northshire Police"}
    assert north_scale["name"] == "Suspect prioritisation"
    assert north_scale["is_current"] is True
    assert north_scale["levels"] == [
        {"position": position, "label": label, "definition": definition, "shared_level": level}
        for position, (label, definition, level) in enumerate(POLICE_GRADES, start=1)
    ]


def test_any_member_reads_another_agencys_scale_with_its_version_as_etag(
    caseworker_harbour, north, api_for
):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    # when
    response = api_for(caseworker_harbour).get(f"{SCALES}northshire-police/")
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert [g["label"] for g in response.json()["levels"]] == ["Very high", "High", "Medium", "Low"]


@pytest.mark.parametrize("path", ["no-such-agency/", "northshire-police/?version=9"])
def test_a_missing_scale_or_version_is_not_found(officer_north, north, api_for, path):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    # when
    response = api_for(officer_north).get(f"{SCALES}{path}")
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_first_put_makes_version_1_without_if_match(admin_north, north, api_for):
    # when
    response = put_scale(api_for(admin_north), "northshire-police", scale_body(POLICE_GRADES))
    # then
    assert response.status_code == 201
    assert response["ETag"] == '"1"'
    assert response["Location"] == "/api/v1/risk/scales/northshire-police/"
    assert response.json()["version"] == 1
    assert scale_state(north)[0] == (1, "Suspect prioritisation", True)


def test_the_admins_put_makes_version_2_and_keeps_version_1_readable(admin_north, north, api_for):
    # given
    client = api_for(admin_north)
    put_scale(client, "northshire-police", scale_body(POLICE_GRADES))
    changed = [("Very high", "Same day.", "critical"), *POLICE_GRADES[1:3]]
    # when
    response = put_scale(
        client,
        "northshire-police",
        scale_body(changed, name="Suspect prioritisation (2026)", reason="Low merged into medium"),
        version=1,
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["version"], body["name"], body["reason"]) == (
        2,
        "Suspect prioritisation (2026)",
        "Low merged into medium",
    )
    assert [g["label"] for g in body["levels"]] == ["Very high", "High", "Medium"]
    old = client.get(f"{SCALES}northshire-police/?version=1")
    assert old.status_code == 200
    assert old["ETag"] == '"1"'
    assert old.json()["is_current"] is False
    assert [g["label"] for g in old.json()["levels"]] == ["Very high", "High", "Medium", "Low"]
    assert client.get(f"{SCALES}northshire-police/").json()["version"] == 2
    entry = (
        AccessLogEntry.objects.filter(action="safeguarding.scale.changed")
        .order_by("sequence")
        .last()
    )
    assert (entry.username, entry.justification) == ("admin.north", "Low merged into medium")


@time_machine.travel(NOW, tick=False)
def test_an_assessment_made_before_a_change_keeps_the_version_it_used(
    admin_north, north, north_team, api_for
):
    # given
    client = api_for(admin_north)
    put_scale(client, "northshire-police", scale_body(POLICE_GRADES))
    investigator = a_member(north, Role.SPECIALIST_INVESTIGATOR)
    case = CaseFactory(owning_agency=north)
    suspect = PartyFactory(case=case, role="suspect")
    answers = {
        "previous_sexual_offending": "no",
        "access_to_children": "yes",
        "grooming_now": "yes",
        "producing_images": "no",
        "other_risk_factors": "no",
        "sextortion": "no",
        "many_victims": "no",
        "first_generation_material": "no",
        "live_streamed_abuse": "no",
        "offender_community_role": "no",
        "category_a_material": "no",
        "evading_detection": "no",
    }
    assessment = assessment_record(
        actor=investigator.user,
        case=case,
        subject=suspect,
        template_key="online_csa_suspect",
        answers=answers,
        review_on=date(2026, 6, 10),
    )
    renamed = [("Immediate", "Same day.", "critical"), *POLICE_GRADES[1:]]
    # when
    response = put_scale(client, "northshire-police", scale_body(renamed), version=1)
    # then
    assert response.status_code == 200
    assessment = Assessment.objects.select_related("scale").get(pk=assessment.pk)
    assert (assessment.level, assessment.scale.version, assessment.agency_grade) == (
        "critical",
        1,
        "Very high",
    )
    assert RiskScale.objects.get(agency=north, version=1).levels.first().label == "Very high"


# --- Refusals: each names the field, and nothing changes


@pytest.mark.parametrize(
    ("levels", "errors"),
    [
        pytest.param(
            [POLICE_GRADES[0], ("High", "Serious harm likely.", "")],
            {
                "levels[2].shared_level": [
                    "Map this grade to a shared level: a scale cannot leave a grade unmapped."
                ]
            },
            id="unmapped grade",
        ),
        pytest.param(
            [POLICE_GRADES[0], ("High", "Serious harm likely.", "severe")],
            {"levels[2].shared_level": ["Choose one of: critical, high, medium, low, unknown."]},
            id="unknown shared level",
        ),
        pytest.param(
            [*POLICE_GRADES[:2], ("high", "Again.", "medium")],
            {"levels[3].label": ["Each grade needs its own name."]},
            id="duplicate labels",
        ),
        pytest.param([], {"levels": ["A scale needs at least one level."]}, id="no grades"),
        pytest.param(
            [("V" * 61, "Too long a name.", "critical")],
            {"levels[1].label": ["Keep the grade's name to 60 characters or fewer."]},
            id="label too long",
        ),
    ],
)
def test_a_bad_scale_is_refused_naming_the_field(admin_north, north, api_for, levels, errors):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    before = scale_state(north)
    # when
    response = put_scale(api_for(admin_north), "northshire-police", scale_body(levels), version=1)
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": errors}
    assert scale_state(north) == before


def test_a_grade_without_a_shared_level_at_all_is_refused(admin_north, north, api_for):
    # given
    body = {"name": "RAG", "levels": [{"label": "Red", "definition": "Serious."}]}
    # when
    response = put_scale(api_for(admin_north), "northshire-police", body)
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["levels[1].shared_level"]
    assert not RiskScale.objects.filter(agency=north).exists()


def test_another_agencys_admin_cannot_change_its_scale(admin_south, north, api_for):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    before = scale_state(north)
    # when
    response = put_scale(
        api_for(admin_south), "northshire-police", scale_body(RAG_GRADES), version=1
    )
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert scale_state(north) == before


def test_an_officer_cannot_change_the_scale(officer_north, north, api_for):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    before = scale_state(north)
    # when
    response = put_scale(
        api_for(officer_north), "northshire-police", scale_body(RAG_GRADES), version=1
    )
    # then
    assert response.status_code == 404
    assert scale_state(north) == before


def test_a_change_without_if_match_is_refused_with_428(admin_north, north, api_for):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    before = scale_state(north)
    # when
    response = put_scale(api_for(admin_north), "northshire-police", scale_body(RAG_GRADES))
    # then
    assert response.status_code == 428
    assert scale_state(north) == before


def test_a_change_based_on_a_stale_version_is_refused_with_412(admin_north, north, api_for):
    # given
    a_scale(north, "Old prioritisation", POLICE_GRADES, version=1, current=False)
    a_scale(north, "Suspect prioritisation", POLICE_GRADES, version=2)
    before = scale_state(north)
    # when
    response = put_scale(
        api_for(admin_north), "northshire-police", scale_body(RAG_GRADES), version=1
    )
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert scale_state(north) == before


# --- The agency's grade for a shared level


def test_a_charitys_critical_shows_as_its_nearest_more_severe_grade(harbour):
    # given
    levels = list(a_scale(harbour, "Red, amber, green", RAG_GRADES).levels.all())
    # then
    assert agency_grade(levels, SharedLevel.CRITICAL) == "Red"
    assert agency_grade(levels, SharedLevel.HIGH) == "Red"
    assert agency_grade(levels, SharedLevel.LOW) == "Green"
    assert agency_grade(levels, SharedLevel.UNKNOWN) == "Not yet graded"


def test_unknown_is_never_given_a_low_grade(north):
    # given
    levels = list(a_scale(north, "Suspect prioritisation", POLICE_GRADES).levels.all())
    # then
    assert agency_grade(levels, SharedLevel.UNKNOWN) == "Not yet graded"
    assert agency_grade([], SharedLevel.UNKNOWN) == ""


# --- Targets for first action


def _targets_url(slug: str) -> str:
    return f"/api/v1/risk/targets/{slug}/"


def test_a_member_reads_their_own_agencys_targets(officer_north, north, api_for):
    # given
    ActionTarget.objects.create(agency=north, level="low", working_days=15)
    # when
    response = api_for(officer_north).get(_targets_url("northshire-police"))
    # then
    assert response.status_code == 200
    assert response.json() == {
        "agency": "northshire-police",
        "targets": {"critical": 1, "high": 5, "medium": 10, "low": 15, "unknown": 5},
        "defaults": {"critical": 1, "high": 5, "unknown": 5, "medium": 10, "low": 20},
    }


@time_machine.travel(NOW, tick=False)
def test_changing_the_targets_moves_the_due_dates_of_waiting_cases(
    admin_north, north, south, api_for
):
    # given: two cases received on Monday 2 March 2026, at unknown (5 working days)
    waiting = CaseFactory(owning_agency=north)
    elsewhere = CaseFactory(owning_agency=south)
    priority_refresh(waiting)
    priority_refresh(elsewhere)
    monday_week = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert CasePriority.objects.get(case=waiting).action_due_at == monday_week
    targets = {"critical": 1, "high": 3, "unknown": 2, "medium": 8, "low": 15}
    # when
    response = api_for(admin_north).put(
        _targets_url("northshire-police"), {"targets": targets}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response.json()["targets"] == {
        "critical": 1,
        "high": 3,
        "medium": 8,
        "low": 15,
        "unknown": 2,
    }
    assert CasePriority.objects.get(case=waiting).action_due_at == datetime(
        2026, 3, 4, 17, 0, tzinfo=UTC
    )
    assert CasePriority.objects.get(case=elsewhere).action_due_at == monday_week


@pytest.mark.parametrize(
    ("targets", "errors"),
    [
        pytest.param(
            {"critical": -1, "high": "5", "unknown": 5, "medium": 10, "low": 20},
            {
                "targets.critical": ["Give a whole number of working days from 0 to 260."],
                "targets.high": ["Give a whole number of working days from 0 to 260."],
            },
            id="bad numbers",
        ),
        pytest.param(
            {"critical": 1, "high": 5, "unknown": 5, "medium": 10, "low": 20, "severe": 1},
            {"targets.severe": ["Choose one of: critical, high, medium, low, unknown."]},
            id="unknown level",
        ),
        pytest.param(
            {"critical": 1},
            {
                f"targets.{level}": [f"Give the target for {level}, in working days."]
                for level in ("high", "medium", "low", "unknown")
            },
            id="missing levels",
        ),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_bad_targets_are_refused_naming_the_level(admin_north, north, api_for, targets, errors):
    # given
    case = CaseFactory(owning_agency=north)
    due = priority_refresh(case).action_due_at
    # when
    response = api_for(admin_north).put(
        _targets_url("northshire-police"), {"targets": targets}, format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid input.", "errors": errors}
    assert not ActionTarget.objects.exists()
    assert CasePriority.objects.get(case=case).action_due_at == due


def test_only_the_agencys_admin_sets_its_targets(admin_south, officer_north, north, api_for):
    # given
    body = {"targets": {"critical": 0, "high": 1, "unknown": 1, "medium": 2, "low": 3}}
    url = _targets_url("northshire-police")
    # when
    responses = [api_for(m).put(url, body, format="json") for m in (admin_south, officer_north)]
    # then
    assert [r.status_code for r in responses] == [404, 404]
    assert not ActionTarget.objects.exists()


# --- Pages


def test_the_vocabulary_page_shows_levels_every_scale_and_the_rule(
    officer_north, north, harbour, browser_for
):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    a_scale(harbour, "Red, amber, green", RAG_GRADES)
    # when
    response = browser_for(officer_north).get("/risk/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enough is known to judge the risk of harm low. Not the same as unknown." in html
    assert "Northshire Police: Suspect prioritisation" in html
    assert "Harbour Victim Support: Red, amber, green" in html
    assert (
        '<th scope="row" class="govuk-table__header">Very high</th>\n'
        '      <td class="govuk-table__cell" data-label="What it means">'
        f"{POLICE_GRADES[0][1]}</td>\n"
        '      <td class="govuk-table__cell" data-label="Shared level">'
        '<strong class="govuk-tag govuk-tag--red">critical</strong></td>'
    ) in html
    assert "2. Otherwise each &quot;yes&quot; adds its factor&#x27;s weight to a score." in html
    assert "Online CSA suspect prioritisation (version 1)" in html
    assert "5 working days" in html
    assert "/risk/scales/northshire-police/edit/" not in html


def test_the_vocabulary_page_offers_the_admin_their_own_scale_and_targets(admin_north, browser_for):
    # when
    html = browser_for(admin_north).get("/risk/").content.decode()
    # then
    assert 'href="/risk/scales/northshire-police/edit/"' in html
    assert 'href="/risk/targets/northshire-police/edit/"' in html
    assert "Not yet set: Northshire Police." in html


def _scale_form(grades, *, version: int, name: str = "Suspect prioritisation", reason=""):
    data = {"name": name, "reason": reason, "version": str(version)}
    for number, (label, definition, shared_level) in enumerate(grades, start=1):
        data[f"label_{number}"] = label
        data[f"definition_{number}"] = definition
        data[f"shared_level_{number}"] = shared_level
    return data


def test_the_scale_page_saves_a_new_version_and_shows_it(admin_north, north, browser_for):
    # given
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    browser = browser_for(admin_north)
    page = browser.get("/risk/scales/northshire-police/edit/")
    assert page.context["form"]["label_1"].value() == "Very high"
    # when
    response = browser.post(
        "/risk/scales/northshire-police/edit/",
        _scale_form(RAG_GRADES, version=1, name="Red, amber, green", reason="Simpler"),
        follow=True,
    )
    # then
    assert response.redirect_chain == [("/risk/scales/northshire-police/edit/", 302)]
    html = response.content.decode()
    assert "Version 2 of Northshire Police&#x27;s scale is saved." in html
    assert "Version 2: Red, amber, green (current)" in html
    assert "Version 1: Suspect prioritisation" in html
    assert scale_state(north)[:2] == [
        (1, "Suspect prioritisation", False),
        (2, "Red, amber, green", True),
    ]


def test_the_scale_page_names_the_row_of_an_unmapped_grade(admin_north, north, browser_for):
    # given: rows 1 and 2 filled, row 3 left empty, row 4 without a shared level
    a_scale(north, "Suspect prioritisation", POLICE_GRADES)
    before = scale_state(north)
    data = _scale_form(POLICE_GRADES[:2], version=1)
    data.update({"label_4": "Low", "definition_4": "Known to be low.", "shared_level_4": ""})
    # when
    response = browser_for(admin_north).post("/risk/scales/northshire-police/edit/", data)
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "shared_level_4": [
            "Map this grade to a shared level: a scale cannot leave a grade unmapped."
        ]
    }
    assert 'href="#id_shared_level_4"' in response.content.decode()
    assert scale_state(north) == before


def test_the_scale_page_refuses_a_stale_version(admin_north, north, browser_for):
    # given: someone saved version 2 since this admin opened version 1
    a_scale(north, "Old", POLICE_GRADES, version=1, current=False)
    a_scale(north, "Suspect prioritisation", POLICE_GRADES, version=2)
    before = scale_state(north)
    # when
    response = browser_for(admin_north).post(
        "/risk/scales/northshire-police/edit/", _scale_form(RAG_GRADES, version=1)
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Someone else has changed this record since you read it (it is now at version 2). "
        "Reload it and make your change again."
    ]
    assert scale_state(north) == before


@time_machine.travel(NOW, tick=False)
def test_the_targets_page_saves_the_five_targets(admin_north, north, browser_for):
    # given
    case = CaseFactory(owning_agency=north)
    priority_refresh(case)
    browser = browser_for(admin_north)
    assert browser.get("/risk/targets/northshire-police/edit/").context["form"]["low"].value() == 20
    data = {"critical": "0", "high": "2", "unknown": "2", "medium": "8", "low": "15"}
    # when
    response = browser.post("/risk/targets/northshire-police/edit/", data)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/risk/#targets"
    assert dict(ActionTarget.objects.filter(agency=north).values_list("level", "working_days")) == {
        "critical": 0,
        "high": 2,
        "unknown": 2,
        "medium": 8,
        "low": 15,
    }
    assert CasePriority.objects.get(case=case).action_due_at == datetime(
        2026, 3, 4, 17, 0, tzinfo=UTC
    )


def test_the_targets_page_refuses_a_number_that_is_not_whole(admin_north, north, browser_for):
    # given
    data = {"critical": "one", "high": "5", "unknown": "5", "medium": "10", "low": "261"}
    # when
    response = browser_for(admin_north).post("/risk/targets/northshire-police/edit/", data)
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "critical": ["Enter a whole number of working days, from 0 to 260."],
        "low": ["Enter a whole number of working days, from 0 to 260."],
    }
    assert not ActionTarget.objects.exists()


def test_an_empty_scale_asks_for_its_name(admin_north, north, browser_for):
    # when: the page sent as it first opens for an agency without a scale
    response = browser_for(admin_north).post(
        "/risk/scales/northshire-police/edit/", {"name": "", "reason": "", "version": "0"}
    )
    # then
    assert response.status_code == 200
    assert error_summary(response) == [("id_name", "Enter the scale's name.")]
    assert scale_state(north) == []


def test_empty_targets_ask_for_each_level(admin_north, north, browser_for):
    # when
    response = browser_for(admin_north).post(
        "/risk/targets/northshire-police/edit/",
        dict.fromkeys(("critical", "high", "unknown", "medium", "low"), ""),
    )
    # then
    assert response.status_code == 200
    assert error_summary(response) == [
        (f"id_{level}", f"Enter the target for {level}, in working days.")
        for level in ("critical", "high", "unknown", "medium", "low")
    ]
    assert not ActionTarget.objects.exists()


# --- The demo


def _demo_agencies():
    AgencyFactory(slug="northshire-police", name="Northshire Police")
    AgencyFactory(slug="southshire-police", name="Southshire Police")
    AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )
    AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)
    AgencyFactory(slug="harbour-victim-support", name="Harbour Victim Support", victim_support=True)
    AgencyFactory(
        slug="lighthouse-family-support", name="Lighthouse Family Support", family_support=True
    )


def _all_scales() -> list[tuple]:
    return list(
        RiskScaleLevel.objects.order_by("scale__agency__slug", "position").values_list(
            "scale__agency__slug", "scale__name", "scale__version", "label", "shared_level"
        )
    )


def test_the_demo_scales_are_seeded_once_with_the_agreed_mappings(db):
    # given
    _demo_agencies()
    seed_scales()
    first = _all_scales()
    # when
    summary = seed_scales()
    # then
    assert summary == "0 new; 6 of 6 demo agencies have a scale."
    assert _all_scales() == first
    by_agency: dict[str, list] = {}
    for slug, _, version, label, shared_level in first:
        assert version == 1
        by_agency.setdefault(slug, []).append((label, shared_level))
    police = [("Very high", "critical"), ("High", "high"), ("Medium", "medium"), ("Low", "low")]
    thresholds = [
        ("Child protection (s47)", "critical"),
        ("Child in need (s17)", "high"),
        ("Early help", "medium"),
        ("Universal", "low"),
    ]
    rag = [("Red", "high"), ("Amber", "medium"), ("Green", "low")]
    assert by_agency == {
        "harbour-victim-support": rag,
        "lighthouse-family-support": rag,
        "northshire-childrens-services": thresholds,
        "northshire-mash": thresholds,
        "northshire-police": police,
        "southshire-police": police,
    }
    assert not RiskScaleLevel.objects.filter(definition="").exists()


def test_the_demo_keeps_a_scale_an_admin_changed(admin_north, north):
    # given
    a_scale(north, "Our own", RAG_GRADES)
    # when
    summary = seed_scales()
    # then
    assert summary == "0 new; 1 of 6 demo agencies have a scale."
    assert RiskScale.objects.get(agency=north).name == "Our own"


def test_the_scales_seed_before_the_demo_cases():
    names = [name for name, _ in demo_seeders()]
    assert names.index("risk scales") < names.index("cases")
