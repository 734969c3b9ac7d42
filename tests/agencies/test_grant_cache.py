"""`can()` asks the permission tables once per granted record and request (issue 15):
a page asks it of the same granted case for each panel and action. A grant given or
taken away while the request lives is seen at once: the cache never answers for a
grant that has changed."""

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.access import can, is_granted
from cases.services.grants import case_grant, case_grant_revoke
from tests.factories import CaseFactory, grant_case


def _fresh(user: User) -> User:
    # What a new request holds: the user read again, nothing cached on it.
    return User.objects.get(pk=user.pk)


def test_a_granted_case_is_asked_of_the_permission_tables_once(officer_north, officer_south):
    # given: a Southshire case granted whole to Northshire
    case = CaseFactory(owning_agency=officer_south.agency)
    grant_case(case, officer_north.agency)
    reader = _fresh(officer_north.user)
    assert can(reader, "cases.case.view", case)  # reads the membership and the grants
    # when: the page asks again and again, of reading and of writing
    with CaptureQueriesContext(connection) as queries:
        answers = [
            can(reader, "cases.case.view", case),
            is_granted(reader, case, whole=True),
            can(reader, "cases.contact.add", case),
            can(reader, "cases.case.view", case),
        ]
    # then: the same answers as the tables give, and not one more query
    assert answers[:2] == [True, True]
    assert answers[2] is can(_fresh(officer_north.user), "cases.contact.add", case)
    assert len(queries) == 0


def test_a_case_not_granted_stays_refused_and_is_asked_once(officer_north, officer_south):
    case = CaseFactory(owning_agency=officer_south.agency)
    reader = _fresh(officer_north.user)
    assert not can(reader, "cases.case.view", case)
    with CaptureQueriesContext(connection) as queries:
        assert not can(reader, "cases.case.view", case)
    assert len(queries) == 0


def test_a_grant_revoked_while_the_request_lives_refuses_at_once(
    officer_north, officer_south, supervisor_north
):
    # given: a Northshire case granted to Southshire, and Southshire's reader has
    # asked (and so cached) that they may see it
    case = CaseFactory(owning_agency=officer_north.agency)
    grant = case_grant(
        actor=supervisor_north.user,
        case=case,
        agency=officer_south.agency,
        reason="joint investigation",
    )
    reader = _fresh(officer_south.user)
    assert can(reader, "cases.case.view", case)
    # when: the grant ends
    case_grant_revoke(actor=supervisor_north.user, grant=grant, reason="investigation handed back")
    # then: the same user object is refused, without waiting for a new request
    assert not can(reader, "cases.case.view", case)


def test_a_grant_given_while_the_request_lives_is_seen_at_once(
    officer_north, officer_south, supervisor_north
):
    case = CaseFactory(owning_agency=officer_north.agency)
    reader = _fresh(officer_south.user)
    assert not can(reader, "cases.case.view", case)
    case_grant(
        actor=supervisor_north.user,
        case=case,
        agency=officer_south.agency,
        reason="joint investigation",
    )
    assert can(reader, "cases.case.view", case)


def test_the_cache_is_per_user_object(officer_north, officer_south):
    # A grant cached for one reader says nothing about another agency's reader.
    case = CaseFactory(owning_agency=officer_south.agency)
    grant_case(case, officer_north.agency)
    assert can(_fresh(officer_north.user), "cases.case.view", case)
    other = CaseFactory()
    assert not can(_fresh(officer_north.user), "cases.case.view", other)
