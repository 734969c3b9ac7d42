"""An agency admin of a police force changes the agency's rules of good practice for
staff who review abuse material: each bound, the reason, If-Match, that the next
session logged is judged by the new rules (and earlier ones keep their breaches),
who is refused, the page, and that reviewers are shown the configured numbers."""

import pytest

from agencies.models import Role
from common.errors import AccessDenied, PreconditionFailed, PreconditionRequired, ValidationError
from tests.factories import AgencyFactory, MembershipFactory, TOTPDeviceFactory
from tests.welfare.staff.conftest import NOW, at
from welfare.models import ExposureRules, ExposureSession
from welfare.selectors.staff_exposure import exposure_rules_get_or_create
from welfare.services.exposure_rules import exposure_rules_update
from welfare.services.staff_sessions import exposure_session_log

pytestmark = pytest.mark.django_db
RULES = "/api/v1/staff-exposure/rules/"
SUMMARY = "/api/v1/staff-exposure/summary/"
PAGE = "/staff-welfare/rules/"
DEFAULTS = {
    "max_review_minutes_per_day": 240,
    "no_review_final_minutes": 60,
    "debrief_every_months": 1,
    "welfare_review_every_months": 6,
}


def patch(api, body, version="1"):
    headers = {"HTTP_IF_MATCH": f'"{version}"'} if version is not None else {}
    return api.patch(RULES, body, format="json", **headers)


def update(actor, version=1, reason="Occupational health advice", **changes):
    return exposure_rules_update(
        actor=actor.user, expected_version=version, reason=reason, **{**DEFAULTS, **changes}
    )


def numbers(rules: ExposureRules) -> dict:
    return {name: getattr(rules, name) for name in DEFAULTS}


# --- Reading


def test_the_admin_reads_the_defaults_with_an_etag(admin_north, api_for):
    response = api_for(admin_north).get(RULES)
    assert response.status_code == 200
    assert response.json() == {**DEFAULTS, "version": 1}
    assert response["ETag"] == '"1"'


# --- Bounds


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("max_review_minutes_per_day", 30, True),
        ("max_review_minutes_per_day", 29, False),
        ("max_review_minutes_per_day", 720, True),
        ("max_review_minutes_per_day", 721, False),
        ("no_review_final_minutes", 0, True),
        ("no_review_final_minutes", -1, False),
        ("no_review_final_minutes", 240, True),
        ("no_review_final_minutes", 241, False),
        ("debrief_every_months", 1, True),
        ("debrief_every_months", 0, False),
        ("debrief_every_months", 12, True),
        ("debrief_every_months", 13, False),
        ("welfare_review_every_months", 1, True),
        ("welfare_review_every_months", 0, False),
        ("welfare_review_every_months", 24, True),
        ("welfare_review_every_months", 25, False),
    ],
)
def test_each_bound_is_allowed_and_one_past_it_is_refused(
    admin_north, api_for, field, value, allowed
):
    # when
    response = patch(api_for(admin_north), {field: value, "reason": "New guidance"})
    # then
    rules = exposure_rules_get_or_create(admin_north.agency_id)
    if allowed:
        assert response.status_code == 200, response.content
        assert response.json()[field] == value
        assert getattr(rules, field) == value
    else:
        assert response.status_code == 400
        assert list(response.json()["errors"]) == [field]
        assert "must be between" in response.json()["errors"][field][0]
        assert numbers(rules) == DEFAULTS and rules.version == 1


@pytest.mark.parametrize(
    ("field", "value", "allowed"),
    [
        ("max_review_minutes_per_day", 30, True),
        ("max_review_minutes_per_day", 29, False),
        ("max_review_minutes_per_day", 721, False),
        ("no_review_final_minutes", -1, False),
        ("no_review_final_minutes", 241, False),
        ("debrief_every_months", 0, False),
        ("debrief_every_months", 13, False),
        ("welfare_review_every_months", 24, True),
        ("welfare_review_every_months", 25, False),
    ],
)
def test_the_service_applies_the_same_bounds(admin_north, field, value, allowed):
    if allowed:
        assert getattr(update(admin_north, **{field: value}), field) == value
    else:
        with pytest.raises(ValidationError) as refused:
            update(admin_north, **{field: value})
        assert list(refused.value.message_dict) == [field]


@pytest.mark.parametrize("value", ["60", 60.5, True, None])
def test_the_service_wants_whole_numbers(admin_north, value):
    with pytest.raises(ValidationError) as refused:
        update(admin_north, no_review_final_minutes=value)
    assert list(refused.value.message_dict) == ["no_review_final_minutes"]
    assert exposure_rules_get_or_create(admin_north.agency_id).version == 1


def test_the_api_names_every_bad_field_at_once(admin_north, api_for):
    response = patch(
        api_for(admin_north),
        {"max_review_minutes_per_day": "four hours", "debrief_every_months": 99, "reason": ""},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"max_review_minutes_per_day", "debrief_every_months", "reason"}
    assert errors["max_review_minutes_per_day"] == [
        "The daily limit of review must be a whole number of minutes."
    ]


# --- The reason and the history


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(admin_north, api_for, reason):
    api = api_for(admin_north)
    missing = patch(api, {"max_review_minutes_per_day": 180})
    blank = patch(api, {"max_review_minutes_per_day": 180, "reason": reason})
    assert missing.status_code == blank.status_code == 400
    assert missing.json()["errors"] == {"reason": ["Enter why you are changing the rules."]}
    assert list(blank.json()["errors"]) == ["reason"]
    with pytest.raises(ValidationError) as refused:
        update(admin_north, reason=reason, max_review_minutes_per_day=180)
    assert list(refused.value.message_dict) == ["reason"]
    assert exposure_rules_get_or_create(admin_north.agency_id).max_review_minutes_per_day == 240


def test_a_change_is_a_new_version_with_its_reason_in_the_history(admin_north, api_for):
    # when
    response = patch(
        api_for(admin_north),
        {"max_review_minutes_per_day": 180, "reason": "Occupational health advice"},
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json() == {**DEFAULTS, "max_review_minutes_per_day": 180, "version": 2}
    rules = exposure_rules_get_or_create(admin_north.agency_id)
    latest = rules.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        "Occupational health advice",
        admin_north.user,
    )
    assert latest.max_review_minutes_per_day == 180


def test_sending_the_same_numbers_changes_nothing(admin_north):
    unchanged = update(admin_north)
    assert unchanged.version == 1
    assert unchanged.history.count() == 1


# --- Concurrency


def test_a_change_without_if_match_is_428(admin_north, api_for):
    response = patch(
        api_for(admin_north), {"max_review_minutes_per_day": 180, "reason": "x"}, version=None
    )
    assert response.status_code == 428
    assert exposure_rules_get_or_create(admin_north.agency_id).version == 1
    with pytest.raises(PreconditionRequired):
        update(admin_north, version=None, max_review_minutes_per_day=180)


def test_a_change_from_a_stale_version_is_412(admin_north, api_for):
    # given someone else changed the rules
    update(admin_north, max_review_minutes_per_day=200)
    # when
    response = patch(api_for(admin_north), {"max_review_minutes_per_day": 180, "reason": "x"})
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    rules = exposure_rules_get_or_create(admin_north.agency_id)
    assert (rules.max_review_minutes_per_day, rules.version) == (200, 2)
    with pytest.raises(PreconditionFailed):
        update(admin_north, version=1, max_review_minutes_per_day=180)


# --- The rules apply to the next session


def test_a_lower_limit_applies_to_the_next_session_logged(
    clock, admin_north, investigator_north, api_for
):
    # given
    assert (
        patch(api_for(admin_north), {"max_review_minutes_per_day": 120, "reason": "Pilot"}).json()[
            "version"
        ]
        == 2
    )

    def log(start, end, confirm=False):
        return exposure_session_log(
            actor=investigator_north.user,
            started_at=start,
            ended_at=end,
            review_kind="grading",
            confirm_breach=confirm,
            now=NOW,
        )

    # then exactly 120 minutes is allowed
    assert log(at(2, 9), at(2, 11)).breaches == []
    # and 121 minutes is a breach that must be confirmed
    with pytest.raises(ValidationError) as warned:
        log(at(3, 9), at(3, 11, 1))
    assert "2 hours of review" in warned.value.message_dict["confirm_breach"][0]
    assert log(at(3, 9), at(3, 11, 1), confirm=True).breaches == ["daily_limit"]


def test_sessions_already_logged_keep_their_breaches(clock, admin_north, investigator_north):
    # given a session in the final hour of the 08:00-16:00 shift, logged with its breach
    session = exposure_session_log(
        actor=investigator_north.user,
        started_at=at(2, 15, 30),
        ended_at=at(2, 16),
        review_kind="grading",
        confirm_breach=True,
        now=NOW,
    )
    # when the rule is turned off
    update(admin_north, no_review_final_minutes=0)
    # then the old session keeps its breach, and a new one like it has none
    assert ExposureSession.objects.get(pk=session.pk).breaches == ["final_hour"]
    fresh = exposure_session_log(
        actor=investigator_north.user,
        started_at=at(3, 15, 30),
        ended_at=at(3, 16),
        review_kind="grading",
        now=NOW,
    )
    assert fresh.breaches == []


def test_a_longer_final_stretch_catches_what_the_final_hour_did_not(
    clock, admin_north, investigator_north
):
    update(admin_north, no_review_final_minutes=90)
    with pytest.raises(ValidationError) as warned:
        exposure_session_log(
            actor=investigator_north.user,
            started_at=at(3, 14),
            ended_at=at(3, 14, 45),
            review_kind="grading",
            now=NOW,
        )
    assert "final 1 hour 30 minutes of your shift" in warned.value.message_dict["confirm_breach"][0]


# --- Reviewers see the rules applied to them


def test_the_summary_shows_a_reviewer_the_rules_that_apply(
    clock, admin_north, investigator_north, api_for
):
    update(
        admin_north,
        max_review_minutes_per_day=180,
        no_review_final_minutes=90,
        debrief_every_months=2,
        welfare_review_every_months=12,
    )
    item = api_for(investigator_north).get(SUMMARY).json()["results"][0]
    assert (
        item["limit_minutes"],
        item["no_review_final_minutes"],
        item["debrief_every_months"],
        item["welfare_review_every_months"],
    ) == (180, 90, 2, 12)


def test_my_week_and_the_shift_page_name_the_configured_minutes(
    clock, admin_north, investigator_north, browser_for
):
    browser = browser_for(investigator_north)
    assert "final 60 minutes" in browser.get("/staff-welfare/").content.decode()
    update(admin_north, no_review_final_minutes=90)
    week = browser.get("/staff-welfare/").content.decode()
    shift = browser.get("/staff-welfare/shift/").content.decode()
    assert "final 90 minutes" in week and "final hour" not in week
    assert "final 90 minutes" in shift and "final hour" not in shift


# --- Who may


@pytest.mark.parametrize(
    "who",
    [
        "officer_north",
        "investigator_north",
        "supervisor_north",
        "auditor_north",
        "caseworker_harbour",
        "caseworker_lighthouse",
    ],
)
def test_nobody_but_the_admin_reads_or_changes_the_rules(request, api_for, browser_for, who):
    member = request.getfixturevalue(who)
    api = api_for(member)
    assert api.get(RULES).status_code == 403
    assert patch(api, {"max_review_minutes_per_day": 30, "reason": "x"}).status_code == 403
    assert browser_for(member).get(PAGE).status_code == 404
    with pytest.raises(AccessDenied):
        update(member, max_review_minutes_per_day=30)
    assert not ExposureRules.objects.filter(max_review_minutes_per_day=30).exists()


def test_an_admin_of_an_agency_that_is_not_the_police_is_refused(api_for):
    charity = AgencyFactory(slug="harbour-2", victim_support=True)
    admin = MembershipFactory(agency=charity, role=Role.AGENCY_ADMIN)
    TOTPDeviceFactory(user=admin.user)
    assert api_for(admin).get(RULES).status_code == 403
    assert not ExposureRules.objects.exists()


def test_each_admin_changes_only_their_own_agencys_rules(admin_north, admin_south, api_for):
    # when
    response = patch(
        api_for(admin_south), {"welfare_review_every_months": 3, "reason": "Southern policy"}
    )
    # then
    assert response.status_code == 200
    south = exposure_rules_get_or_create(admin_south.agency_id)
    north = exposure_rules_get_or_create(admin_north.agency_id)
    assert (south.welfare_review_every_months, south.version) == (3, 2)
    assert numbers(north) == DEFAULTS and north.version == 1
    assert api_for(admin_north).get(RULES).json()["welfare_review_every_months"] == 6


# --- The page


def test_the_page_shows_the_form_with_the_defaults_as_hints(
    admin_north, browser_for, django_assert_max_num_queries
):
    browser = browser_for(admin_north)
    browser.get(PAGE)
    with django_assert_max_num_queries(12):
        response = browser.get(PAGE)
    page = response.content.decode()
    assert response.status_code == 200
    for field, value in DEFAULTS.items():
        assert f'name="{field}"' in page
        assert f'value="{value}"' in page
        assert f'id="id_{field}-hint"' in page
    assert "The default is 240 minutes (4 hours)." in page
    assert "The default is 6 months." in page
    assert 'type="hidden" name="version" value="1"' in page
    assert '<label class="govuk-label" for="id_reason">' in page


def test_the_page_saves_the_rules_with_a_success_banner(admin_north, browser_for):
    browser = browser_for(admin_north)
    response = browser.post(
        PAGE,
        {
            "max_review_minutes_per_day": "180",
            "no_review_final_minutes": "90",
            "debrief_every_months": "2",
            "welfare_review_every_months": "12",
            "reason": "Occupational health advice",
            "version": "1",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain == [(PAGE, 302)]
    assert "govuk-notification-banner--success" in page
    assert "The rules are saved." in page
    rules = exposure_rules_get_or_create(admin_north.agency_id)
    assert numbers(rules) == {
        "max_review_minutes_per_day": 180,
        "no_review_final_minutes": 90,
        "debrief_every_months": 2,
        "welfare_review_every_months": 12,
    }
    assert rules.version == 2
    assert 'name="version" value="2"' in page


def test_the_page_names_every_bad_field_in_the_error_summary(admin_north, browser_for):
    response = browser_for(admin_north).post(
        PAGE,
        {
            "max_review_minutes_per_day": "29",
            "no_review_final_minutes": "an hour",
            "debrief_every_months": "1",
            "welfare_review_every_months": "25",
            "reason": "",
            "version": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "govuk-error-summary" in page
    for field in (
        "max_review_minutes_per_day",
        "no_review_final_minutes",
        "welfare_review_every_months",
        "reason",
    ):
        assert f'href="#id_{field}"' in page
        assert f'id="id_{field}-error"' in page
    assert 'id="id_debrief_every_months-error"' not in page
    assert "The daily limit of review must be between 30 and 720 minutes." in page
    assert "Enter why you are changing the rules." in page
    assert exposure_rules_get_or_create(admin_north.agency_id).version == 1


def test_the_page_refuses_a_stale_form(admin_north, browser_for):
    update(admin_north, max_review_minutes_per_day=200)
    response = browser_for(admin_north).post(
        PAGE, {**{k: str(v) for k, v in DEFAULTS.items()}, "reason": "Late", "version": "1"}
    )
    page = response.content.decode()
    assert "Someone else has changed this record" in page
    assert exposure_rules_get_or_create(admin_north.agency_id).max_review_minutes_per_day == 200
