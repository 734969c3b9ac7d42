"""Retention of closed cases (issue 19, docs/adr/0015): the rules and their dates, the
schedule set on closing and lifted on reopening, the review queue, keep decisions
and legal holds. Disposal is in test_disposal.py."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from agencies.models import Role
from cases.models import Case, CaseStatus
from cases.services.lifecycle import case_reopen
from common.errors import InvalidState, NotFound
from records.models import CaseRetention, LegalHold, RetentionReview, RetentionRule, RetentionState
from records.selectors.retention import retention_queue
from records.selectors.retention_rules import (
    AgeUnknown,
    first_review_on,
    keep_until,
    rule_for_case,
    years_after,
)
from records.services.retention import (
    legal_hold_lift,
    legal_hold_place,
    retention_review_record,
)
from tests.factories import CaseFactory
from tests.factories_retention import case_with, closed, member

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)  # a Monday

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def records_north(north):
    return member(north, Role.RECORDS_MANAGER, "records.north")


@pytest.fixture
def records_south(south):
    return member(south, Role.RECORDS_MANAGER, "records.south")


def _rule(code: str) -> RetentionRule:
    return RetentionRule.objects.get(code=code)


# --- The rules and their dates


@pytest.mark.django_db
def test_every_agency_kind_has_one_default_rule_and_every_rule_cites_its_source():
    rules = list(RetentionRule.objects.all())
    assert {rule.agency_kind for rule in rules if rule.is_default} == {
        "police",
        "childrens_services",
        "safeguarding_hub",
        "charity",
    }
    assert all(rule.source.strip() for rule in rules)
    assert _rule("mopi-group-1").keep_until_age == 100


def test_a_year_after_29_february_is_1_march():
    assert years_after(date(2000, 2, 29), 100) == date(2100, 3, 1)
    assert years_after(date(2000, 2, 29), 4) == date(2004, 2, 29)
    assert years_after(date(2026, 6, 1), 6) == date(2032, 6, 1)


@pytest.mark.django_db
def test_mopi_group_1_is_reviewed_every_10_years_and_kept_until_the_subject_would_be_100():
    group_1 = _rule("mopi-group-1")
    assert first_review_on(group_1, closed_on=date(2026, 6, 1), born_on=date(1980, 5, 4)) == date(
        2036, 6, 1
    )
    assert keep_until(group_1, born_on=date(1980, 5, 4)) == date(2080, 5, 4)
    with pytest.raises(AgeUnknown):
        keep_until(group_1, born_on=None)


@pytest.mark.django_db
def test_mopi_group_2_is_reviewed_after_10_years_and_group_3_after_6():
    assert first_review_on(_rule("mopi-group-2"), closed_on=date(2026, 6, 1), born_on=None) == date(
        2036, 6, 1
    )
    assert first_review_on(_rule("mopi-group-3"), closed_on=date(2026, 6, 1), born_on=None) == date(
        2032, 6, 1
    )
    assert keep_until(_rule("mopi-group-3"), born_on=None) is None


@pytest.mark.django_db
def test_a_childrens_record_is_kept_to_the_25th_birthday_or_6_years_whichever_is_later():
    rule = _rule("childrens-standard")
    # A child of 12: the 25th birthday is later than 6 years after closing.
    assert first_review_on(rule, closed_on=date(2026, 6, 1), born_on=date(2014, 9, 3)) == date(
        2039, 9, 3
    )
    # A child of 22 at closing: 6 years after closing is later.
    assert first_review_on(rule, closed_on=date(2026, 6, 1), born_on=date(2004, 1, 1)) == date(
        2032, 6, 1
    )
    looked_after = _rule("childrens-looked-after")
    assert keep_until(looked_after, born_on=date(2014, 9, 3)) == date(2089, 9, 3)


@pytest.mark.django_db
def test_the_group_follows_the_offences(north):
    assert rule_for_case(case_with(north, offences=("iioc_possessing",))).code == "mopi-group-1"
    assert rule_for_case(case_with(north, offences=("prohibited_images",))).code == "mopi-group-2"
    assert rule_for_case(case_with(north, offences=("other",))).code == "mopi-group-3"
    assert rule_for_case(case_with(north)).code == "mopi-group-3"
    # The worst offence decides.
    both = case_with(north, offences=("prohibited_images", "sexual_extortion"))
    assert rule_for_case(both).code == "mopi-group-1"


# --- The schedule


@pytest.mark.django_db
def test_closing_a_case_gives_it_its_group_and_next_review(north, supervisor_north):
    # given: an indecent images case whose suspect was born in 1980
    case = case_with(north, offences=("iioc_making",), suspect_born=date(1980, 5, 4))
    # when
    closed(case, supervisor_north, on=date(2026, 6, 1))
    # then
    retention = CaseRetention.objects.get(case_id=case.pk)
    assert retention.rule.code == "mopi-group-1"
    assert retention.next_review_on == date(2036, 6, 1)
    assert retention.state == RetentionState.SCHEDULED
    assert (retention.reference, retention.closed_on) == (case.reference, date(2026, 6, 1))
    assert retention.agency == north
    assert retention.history.first().history_user == supervisor_north.user


@pytest.mark.django_db
def test_reopening_lifts_the_schedule_and_closing_again_sets_a_new_one(
    north, supervisor_north, records_north, clock
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 6, 1))
    # when: reopened
    case_reopen(actor=supervisor_north.user, case=case, reason="New evidence from the platform.")
    # then: no review is due while it is open
    retention = CaseRetention.objects.get(case_id=case.pk)
    assert retention.state == RetentionState.REOPENED
    clock.move_to(datetime(2033, 1, 1, tzinfo=UTC))
    assert list(retention_queue(actor=records_north.user)) == []
    # when: closed again, later
    closed(Case.objects.get(pk=case.pk), supervisor_north, on=date(2032, 12, 1))
    retention.refresh_from_db()
    assert (retention.state, retention.next_review_on) == ("scheduled", date(2038, 12, 1))


@pytest.mark.django_db
def test_the_command_schedules_cases_closed_before_retention_once(north):
    # given: a case closed without the lifecycle service (as before this change)
    case = CaseFactory(
        owning_agency=north,
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=date(2026, 4, 1),
    )
    # when: the command runs twice
    call_command("retention_schedule")
    call_command("retention_schedule")
    # then: scheduled once, group 3
    retention = CaseRetention.objects.get(case_id=case.pk)
    assert (retention.rule.code, retention.next_review_on) == ("mopi-group-3", date(2032, 4, 1))
    assert retention.history.count() == 1


# --- The queue


def _due(case, on: date) -> CaseRetention:
    CaseRetention.objects.filter(case_id=case.pk).update(next_review_on=on)
    return CaseRetention.objects.get(case_id=case.pk)


@pytest.mark.django_db
def test_the_queue_shows_the_agencys_cases_due_longest_overdue_first(
    north, south, supervisor_north, records_north, records_south, django_assert_max_num_queries
):
    south_supervisor = member(south, Role.POLICE_SUPERVISOR, "supervisor.south")
    first = _due(closed(case_with(north), supervisor_north, on=date(2026, 4, 6)), date(2026, 6, 1))
    second = _due(
        closed(case_with(north), supervisor_north, on=date(2026, 4, 6)), date(2026, 6, 15)
    )
    _due(closed(case_with(north), supervisor_north, on=date(2026, 4, 6)), date(2026, 6, 16))
    _due(closed(case_with(south), south_supervisor, on=date(2026, 4, 6)), date(2026, 6, 1))
    with django_assert_max_num_queries(2):
        due = list(retention_queue(actor=records_north.user))
        assert [item.rule.code for item in due] == ["mopi-group-3", "mopi-group-3"]
    assert [item.pk for item in due] == [first.pk, second.pk]
    assert [item.agency.slug for item in retention_queue(actor=records_south.user)] == [
        "southshire-police"
    ]
    # A supervisor sees a case's retention record, not the queue.
    assert list(retention_queue(actor=supervisor_north.user)) == []


# --- Keeping


@pytest.mark.django_db
def test_keeping_sets_the_next_review_and_keeps_the_decision(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case, date(2026, 6, 1))
    # when
    review = retention_review_record(
        actor=records_north.user,
        case_id=case.pk,
        decision="keep",
        reason="Linked to a live investigation in another force.",
        next_review_on=date(2028, 6, 1),
    )
    # then
    retention = CaseRetention.objects.get(case_id=case.pk)
    assert retention.next_review_on == date(2028, 6, 1)
    assert (review.decision, review.was_due_on, review.decided_by) == (
        "keep",
        date(2026, 6, 1),
        records_north.user,
    )
    assert list(retention_queue(actor=records_north.user)) == []
    assert retention.history.first().history_change_reason == "kept: review 2028-06-01"


@pytest.mark.django_db
def test_keeping_may_move_the_case_to_another_rule_of_its_agency_kind(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case, date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        retention_review_record(
            actor=records_north.user,
            case_id=case.pk,
            decision="keep",
            reason="Looked after.",
            next_review_on=date(2030, 1, 1),
            rule_code="childrens-looked-after",
        )
    assert list(refused.value.message_dict) == ["rule"]
    retention_review_record(
        actor=records_north.user,
        case_id=case.pk,
        decision="keep",
        reason="A serious offence found on review.",
        next_review_on=date(2036, 1, 1),
        rule_code="mopi-group-2",
    )
    assert CaseRetention.objects.get(case_id=case.pk).rule.code == "mopi-group-2"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("next_review_on", "message"),
    [
        (None, "Enter the date of the next review, for example 27/03/2032."),
        (date(2026, 6, 15), "The next review must be after today."),
    ],
)
def test_a_keep_decision_without_a_future_review_date_is_refused_naming_it(
    north, supervisor_north, records_north, next_review_on, message
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    before = _due(case, date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        retention_review_record(
            actor=records_north.user,
            case_id=case.pk,
            decision="keep",
            reason="Still needed.",
            next_review_on=next_review_on,
        )
    assert refused.value.message_dict == {"next_review_on": [message]}
    after = CaseRetention.objects.get(case_id=case.pk)
    assert (after.next_review_on, after.version) == (before.next_review_on, before.version)
    assert not RetentionReview.objects.exists()


@pytest.mark.django_db
def test_a_review_without_a_reason_is_refused_naming_it(north, supervisor_north, records_north):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case, date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        retention_review_record(
            actor=records_north.user,
            case_id=case.pk,
            decision="keep",
            reason="  ",
            next_review_on=date(2030, 1, 1),
        )
    assert list(refused.value.message_dict) == ["reason"]
    assert not RetentionReview.objects.exists()


@pytest.mark.django_db
def test_another_agencys_case_and_a_reopened_one_are_not_reviewed(
    north, south, supervisor_north, records_north, records_south
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case, date(2026, 6, 1))
    with pytest.raises(NotFound):
        retention_review_record(
            actor=records_south.user,
            case_id=case.pk,
            decision="keep",
            reason="x",
            next_review_on=date(2030, 1, 1),
        )
    case_reopen(actor=supervisor_north.user, case=case, reason="New evidence.")
    with pytest.raises(InvalidState) as refused:
        retention_review_record(
            actor=records_north.user,
            case_id=case.pk,
            decision="keep",
            reason="x",
            next_review_on=date(2030, 1, 1),
        )
    assert refused.value.state == "reopened"


# --- Legal holds


@pytest.mark.django_db
def test_a_legal_hold_stops_review_until_it_is_lifted_with_a_reason(
    north, supervisor_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    _due(case, date(2026, 6, 1))
    # given: a supervisor placed a hold for litigation
    legal_hold_place(
        actor=supervisor_north.user, case_id=case.pk, kind="litigation", reason="Civil claim."
    )
    retention = CaseRetention.objects.get(case_id=case.pk)
    assert retention.on_hold
    # when: a keep decision is attempted
    with pytest.raises(ValidationError) as refused:
        retention_review_record(
            actor=records_north.user,
            case_id=case.pk,
            decision="keep",
            reason="Still needed.",
            next_review_on=date(2030, 1, 1),
        )
    assert list(refused.value.message_dict) == ["decision"]
    assert "legal hold" in refused.value.message_dict["decision"][0]
    # and: a lift without a reason is refused naming it, nothing changed
    with pytest.raises(ValidationError) as no_reason:
        legal_hold_lift(actor=records_north.user, case_id=case.pk, reason="")
    assert list(no_reason.value.message_dict) == ["reason"]
    assert CaseRetention.objects.get(case_id=case.pk).on_hold
    assert LegalHold.objects.get().lifted_at is None
    # when: lifted with a reason
    legal_hold_lift(actor=records_north.user, case_id=case.pk, reason="The claim was settled.")
    # then: reviewable again, and the hold's history kept
    hold = LegalHold.objects.get()
    assert (hold.lift_reason, hold.lifted_by) == ("The claim was settled.", records_north.user)
    assert [h.history_change_reason for h in hold.history.order_by("history_date")] == [
        "legal hold placed",
        "legal hold lifted",
    ]
    retention_review_record(
        actor=records_north.user,
        case_id=case.pk,
        decision="keep",
        reason="Still needed.",
        next_review_on=date(2030, 1, 1),
    )


@pytest.mark.django_db
def test_one_hold_at_a_time_and_only_the_roles_that_may(
    north, supervisor_north, officer_north, records_north
):
    case = closed(case_with(north), supervisor_north, on=date(2026, 4, 6))
    with pytest.raises(NotFound):
        legal_hold_place(actor=officer_north.user, case_id=case.pk, kind="inquiry", reason="x")
    legal_hold_place(actor=records_north.user, case_id=case.pk, kind="inquiry", reason="Inquiry.")
    with pytest.raises(InvalidState) as again:
        legal_hold_place(actor=records_north.user, case_id=case.pk, kind="inquiry", reason="y")
    assert again.value.state == "on_hold"
    with pytest.raises(ValidationError) as bad_kind:
        legal_hold_lift(actor=records_north.user, case_id=case.pk, reason="Over.")
        legal_hold_place(actor=records_north.user, case_id=case.pk, kind="whim", reason="z")
    assert list(bad_kind.value.message_dict) == ["kind"]
    assert LegalHold.objects.count() == 1
