"""Keyset pagination (common.keyset), the one way every list is paged: pages follow
one another by the whole ordering tuple of a row, never by COUNT or OFFSET, so ties
on the leading field never skip or repeat a row, in either direction."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from common.keyset import InvalidCursor, keys_for, keyset_cursor_after, keyset_page
from tests.factories import CaseFactory, UserFactory

CASES = "/api/v1/cases/"
CURSOR_ERROR = {"cursor": ["This cursor is not one Tideline gave: follow `next` or `previous`."]}


@pytest.fixture
def sixty_on_one_day(north):
    """60 cases received on the same day: the list's leading field ties throughout."""
    author = UserFactory()
    return CaseFactory.create_batch(
        60, owning_agency=north, created_by=author, received_on=date(2026, 3, 2)
    )


def _walk_forward(queryset, ordering, page_size=25):
    pages, cursor = [], None
    while True:
        page = keyset_page(queryset, cursor=cursor, page_size=page_size, ordering=ordering)
        pages.append(page)
        if not page.has_next:
            return pages
        cursor = page.next_cursor


def _ids(page) -> list:
    return [row.pk for row in page.object_list]


# --- The keyset itself


def test_sixty_rows_tied_on_the_leading_field_page_25_25_10_without_skip_or_repeat(
    sixty_on_one_day,
):
    # given
    ordering = ("-received_on", "-id")
    everything = list(Case.objects.order_by(*ordering).values_list("pk", flat=True))
    # when
    pages = _walk_forward(Case.objects.all(), ordering)
    # then
    assert [len(page) for page in pages] == [25, 25, 10]
    assert [pk for page in pages for pk in _ids(page)] == everything
    assert not pages[0].has_previous and pages[0].has_next
    assert pages[1].has_previous and pages[1].has_next
    assert pages[2].has_previous and not pages[2].has_next


def test_previous_goes_back_to_exactly_the_page_before(sixty_on_one_day):
    # given
    ordering = ("-received_on", "-id")
    first, second, third = _walk_forward(Case.objects.all(), ordering)
    # when
    back_to_second = keyset_page(
        Case.objects.all(), cursor=third.previous_cursor, page_size=25, ordering=ordering
    )
    back_to_first = keyset_page(
        Case.objects.all(), cursor=back_to_second.previous_cursor, page_size=25, ordering=ordering
    )
    # then
    assert _ids(back_to_second) == _ids(second)
    assert back_to_second.has_next and back_to_second.has_previous
    assert _ids(back_to_first) == _ids(first)
    assert back_to_first.has_next and not back_to_first.has_previous


def test_mixed_directions_and_a_nullable_field_across_a_relation(north):
    # given: leads with names that tie, and cases with no lead (NULL sorts last going
    # up, as PostgreSQL sorts it, on SQLite too)
    author = UserFactory()
    leads = [UserFactory(username=f"lead-{n}") for n in range(3)]
    for n in range(31):
        CaseFactory(
            owning_agency=north,
            created_by=author,
            lead_officer=leads[n % 3] if n % 4 else None,
            received_on=date(2026, 3, n % 5 + 1),
        )
    ordering = ("lead_officer__username", "-received_on", "id")
    # when
    pages = _walk_forward(Case.objects.all(), ordering, page_size=4)
    walked = [pk for page in pages for pk in _ids(page)]
    # then: the same rows, in the order the database gives without a cursor
    keys = keys_for(Case.objects.all(), ordering)
    expected = list(
        Case.objects.order_by(*[key.order() for key in keys]).values_list("pk", flat=True)
    )
    assert walked == expected
    assert len(set(walked)) == 31
    assert Case.objects.get(pk=walked[-1]).lead_officer is None
    # and back again, page by page
    back, cursor = [], pages[-1].previous_cursor
    while cursor:
        page = keyset_page(Case.objects.all(), cursor=cursor, page_size=4, ordering=ordering)
        back = _ids(page) + back
        cursor = page.previous_cursor
    assert back + _ids(pages[-1]) == expected


def test_an_ordering_that_does_not_end_in_a_unique_key_gets_the_primary_key(north):
    # when
    keys = keys_for(Case.objects.all(), ("-received_on",))
    # then
    assert [(key.path, key.descending) for key in keys] == [("received_on", True), ("id", True)]


def test_a_page_is_one_query_whatever_its_depth(sixty_on_one_day):
    # given
    ordering = ("-received_on", "-id")
    _, _, third = _walk_forward(Case.objects.all(), ordering)
    # when
    with CaptureQueriesContext(connection) as queries:
        keyset_page(
            Case.objects.all(), cursor=third.previous_cursor, page_size=25, ordering=ordering
        )
    # then: no COUNT, no OFFSET
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "COUNT(" not in sql and "OFFSET" not in sql


@pytest.mark.parametrize("cursor", ["junk", "e30:1abc:xyz"])
def test_a_cursor_it_did_not_give_is_refused(north, cursor):
    with pytest.raises(InvalidCursor):
        keyset_page(Case.objects.all(), cursor=cursor, page_size=25, ordering=("-received_on",))


def test_a_cursor_of_another_list_is_refused(sixty_on_one_day):
    # given: a cursor of the list by date
    first = keyset_page(Case.objects.all(), cursor=None, page_size=25, ordering=("-received_on",))
    # when / then: used on a list in another order
    with pytest.raises(InvalidCursor):
        keyset_page(Case.objects.all(), cursor=first.next_cursor, page_size=25, ordering=("title",))


# --- The API


def test_the_api_pages_sixty_tied_cases_both_ways(sixty_on_one_day, officer_north, api_for):
    # given
    client = api_for(officer_north)
    expected = [
        str(pk) for pk in Case.objects.order_by("-received_on", "-id").values_list("pk", flat=True)
    ]
    # when: forward by `next`
    pages, url = [], CASES
    while url:
        pages.append(client.get(url).json())
        url = pages[-1]["next"]
    # then
    assert [len(page["results"]) for page in pages] == [25, 25, 10]
    assert [case["id"] for page in pages for case in page["results"]] == expected
    assert pages[0]["previous"] is None
    # when: back by `previous` from the last page
    middle = client.get(pages[2]["previous"]).json()
    first = client.get(middle["previous"]).json()
    # then
    assert middle["results"] == pages[1]["results"]
    assert first["results"] == pages[0]["results"]
    assert first["previous"] is None


def test_the_api_keeps_page_size_and_filters_in_its_links(sixty_on_one_day, officer_north, api_for):
    # when
    page = api_for(officer_north).get(CASES, {"page_size": 7, "status": "open"}).json()
    # then
    assert len(page["results"]) == 7
    assert "page_size=7" in page["next"] and "status=open" in page["next"]


@pytest.mark.parametrize("page_size", ["0", "101"])
def test_the_api_refuses_a_page_size_out_of_bounds(officer_north, api_for, north, page_size):
    response = api_for(officer_north).get(CASES, {"page_size": page_size})
    assert response.status_code == 400


def test_the_api_refuses_a_cursor_it_did_not_give_with_400(officer_north, api_for, north):
    response = api_for(officer_north).get(CASES, {"cursor": "bogus"})
    assert response.status_code == 400
    assert response.json()["errors"] == CURSOR_ERROR


# --- The case list page


def test_the_case_list_page_has_next_then_previous_links_and_no_count(
    sixty_on_one_day, officer_north, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    first = client.get("/cases/", {"status": "open"})
    html = first.content.decode()
    # then: Next only, keeping the filter; no page numbers or total
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "Page 1 of" not in html and "60 cases" not in html
    next_page = first.context["page"]
    assert f"cursor={next_page.next_cursor}".replace(":", "%3A") in html
    assert "status=open" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
    # when: following Next
    second = client.get("/cases/", {"status": "open", "cursor": next_page.next_cursor})
    # then
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' in second.content.decode()
    first_ids = {case.id for case in first.context["cases"]}
    assert first_ids.isdisjoint(case.id for case in second.context["cases"])


def test_a_page_with_a_broken_cursor_shows_the_first_page(
    sixty_on_one_day, officer_north, browser_for
):
    # when
    response = browser_for(officer_north).get("/cases/", {"cursor": "cut-short"})
    # then: a stale or truncated link lands on the list, not on an error
    assert response.status_code == 200
    assert len(response.context["cases"]) == 25
    assert not response.context["page"].has_previous


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row comparison")
def test_on_postgresql_a_page_starts_the_index_scan_at_its_position(sixty_on_one_day):
    # given
    ordering = ("-received_on", "-id")
    first = keyset_page(Case.objects.all(), cursor=None, page_size=25, ordering=ordering)
    # when
    with CaptureQueriesContext(connection) as queries:
        keyset_page(Case.objects.all(), cursor=first.next_cursor, page_size=25, ordering=ordering)
    # then: one row comparison, which the index on (received_on, id) bounds
    sql = queries[0]["sql"]
    assert '("cases_case"."received_on", "cases_case"."id") < (' in sql


def test_a_cursor_made_for_a_row_opens_the_page_after_it(sixty_on_one_day):
    # given: the 40th case of the list, as the benchmark opens a deep page
    ordering = ("-received_on", "-id")
    everything = list(Case.objects.order_by(*ordering))
    # when
    cursor = keyset_cursor_after(Case.objects.order_by(*ordering), everything[39])
    page = keyset_page(Case.objects.all(), cursor=cursor, page_size=25, ordering=ordering)
    # then
    assert _ids(page) == [case.pk for case in everything[40:]]
