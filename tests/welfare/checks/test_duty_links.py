"""The duty API's own view of a welfare check: how late it was made, and where it is
met (the welfare check form, never the victim-update form)."""

from tests.welfare.checks.conftest import at
from tests.welfare.checks.test_pages_and_api import SPOKE
from welfare.services.welfare_checks import welfare_check_record


def test_the_duty_api_links_a_check_to_its_own_form_not_log_contact(officer_north, check, api_for):
    # when
    body = api_for(officer_north).get(f"/api/v1/duties/{check.pk}/").json()
    # then
    assert body["links"] == {
        "self": f"/api/v1/duties/{check.pk}/",
        "case_page": f"/cases/{check.case_id}/",
        "meet_page": f"/duties/{check.pk}/welfare-check/",
        "meet": f"/api/v1/duties/{check.pk}/welfare-check/",
    }
    assert body["made_late_by_hours"] is None


def test_the_duty_api_says_how_late_a_check_was_made(clock, officer_north, check, api_for):
    # given: due Wednesday 11 March at 18:00, made on Sunday 15 March at 14:00
    clock.move_to(at(2026, 3, 16, 12, 0))
    welfare_check_record(
        actor=officer_north.user, duty=check, **SPOKE, made_at=at(2026, 3, 15, 14, 0)
    )
    # when
    body = api_for(officer_north).get(f"/api/v1/duties/{check.pk}/").json()
    # then
    assert (body["status"], body["made_late_by_hours"]) == ("met", 92)


def test_the_home_page_links_a_check_to_its_own_form(supervisor_north, check, browser_for):
    # when
    page = browser_for(supervisor_north).get("/").content.decode()
    # then
    assert f"/duties/{check.pk}/welfare-check/" in page
    assert f"/duties/{check.pk}/log-contact/" not in page


def test_the_duty_lists_count_a_check_in_hours_never_working_days(clock, officer_north, check):
    # given: due Wednesday 11 March at 18:00
    from welfare.selectors.duties import duty_deadlines_annotate

    # when / then: open, past its due moment
    [missed] = duty_deadlines_annotate([check], now=at(2026, 3, 11, 20, 30))
    assert missed.due_text == "Missed by 2 hours"
    # when / then: made on Sunday at 14:00
    clock.move_to(at(2026, 3, 16, 12, 0))
    welfare_check_record(
        actor=officer_north.user, duty=check, **SPOKE, made_at=at(2026, 3, 15, 14, 0)
    )
    check.refresh_from_db()
    [made] = duty_deadlines_annotate([check], now=at(2026, 3, 16, 12, 0))
    assert made.due_text == "Made 92 hours late"


def test_a_check_without_its_moment_names_the_date_once(officer_north, check, browser_for):
    # when: a letter as "spoke with them", and no date or time
    html = (
        browser_for(officer_north)
        .post(f"/duties/{check.pk}/welfare-check/", {**SPOKE, "channel": "letter"})
        .content.decode()
    )
    # then: each refusal is said once, on its own field
    assert html.count('<a href="#id_made_on">Enter when the check was made.</a>') == 1
    # once in the summary and once above the field, never again at the top
    assert html.count("Enter when the check was made.") == 2
    assert html.count('href="#id_channel"') == 1


def test_the_victim_update_form_sends_a_check_to_its_own_form(officer_north, check, browser_for):
    # when
    response = browser_for(officer_north).get(f"/duties/{check.pk}/log-contact/")
    # then
    assert (response.status_code, response["Location"]) == (
        302,
        f"/duties/{check.pk}/welfare-check/",
    )
