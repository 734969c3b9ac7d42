"""The page where a reviewer sets their own shift times (the API had it; the pages
did not): the final-hour rule reads the shift, so it must be settable without JS."""

from datetime import time

import pytest

from welfare.models import StaffShift

pytestmark = pytest.mark.django_db
SHIFT = "/staff-welfare/shift/"


def test_my_week_links_to_the_shift_page(clock, investigator_north, browser_for):
    page = browser_for(investigator_north).get("/staff-welfare/").content.decode()
    assert f'href="{SHIFT}"' in page


def test_a_reviewer_changes_their_shift(clock, investigator_north, browser_for):
    # given
    browser = browser_for(investigator_north)
    form = browser.get(SHIFT).content.decode()
    assert 'value="08:00"' in form and 'value="16:00"' in form
    # when
    done = browser.post(SHIFT, {"starts_at": "22:00", "ends_at": "06:00", "version": "1"})
    # then
    assert done.status_code == 302
    assert done["Location"] == "/staff-welfare/"
    shift = StaffShift.objects.get(user=investigator_north.user)
    assert (shift.starts_at, shift.ends_at, shift.version) == (time(22, 0), time(6, 0), 2)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"starts_at": "", "ends_at": "16:00"}, "starts_at"),
        ({"starts_at": "08:00", "ends_at": ""}, "ends_at"),
        ({"starts_at": "08:00", "ends_at": "08:00"}, "ends_at"),
        ({"starts_at": "25:00", "ends_at": "16:00"}, "starts_at"),
    ],
)
def test_bad_times_are_refused_on_the_field_and_nothing_changes(
    clock, investigator_north, browser_for, form, field
):
    browser = browser_for(investigator_north)
    browser.get(SHIFT)
    refused = browser.post(SHIFT, {**form, "version": "1"})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "govuk-error-summary" in page
    assert f'id="id_{field}-error"' in page
    shift = StaffShift.objects.get(user=investigator_north.user)
    assert (shift.starts_at, shift.ends_at, shift.version) == (time(8, 0), time(16, 0), 1)


def test_a_stale_form_is_refused(clock, investigator_north, browser_for):
    browser = browser_for(investigator_north)
    browser.get(SHIFT)
    refused = browser.post(SHIFT, {"starts_at": "09:00", "ends_at": "17:00", "version": "5"})
    assert "Someone else has changed this record" in refused.content.decode()
    assert StaffShift.objects.get(user=investigator_north.user).starts_at == time(8, 0)


@pytest.mark.parametrize(
    "who", ["coordinator_hub", "admin_north", "caseworker_harbour", "caseworker_lighthouse"]
)
def test_the_shift_page_is_not_found_for_those_who_do_not_review(clock, request, browser_for, who):
    member = request.getfixturevalue(who)
    browser = browser_for(member)
    assert browser.get(SHIFT).status_code == 404
    assert browser.post(SHIFT, {"starts_at": "09:00", "ends_at": "17:00"}).status_code == 404
    assert not StaffShift.objects.filter(user=member.user).exists()
