"""Migration safeguarding 0003: a discussion recorded before discussions were planned
and about several children becomes a held discussion with one child, keeping its
decision, its rationale, its deadlines and the steps recorded; the child's row
keeps the discussion's id (the sweep's notification keys name it)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import CaseFactory, PartyFactory

BEFORE = [("safeguarding", "0002_queue_order_ends_in_the_case")]
AFTER = [("safeguarding", "0003_strategy_discussion_planned_and_per_child")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_old_discussion_becomes_a_held_discussion_with_one_child():
    # given: a case and a child (their tables are not this migration's), then the
    # schema before it, and a discussion as it was recorded then
    case = CaseFactory(received_on=date(2026, 12, 22))
    child = PartyFactory(case=case, role="victim")
    user = case.created_by
    old = _migrate(BEFORE)
    Discussion = old.get_model("safeguarding", "StrategyDiscussion")
    held_at = datetime(2026, 12, 22, 10, 0, tzinfo=UTC)
    discussion = Discussion.objects.create(
        case_id=case.pk,
        child_id=child.pk,
        held_at=held_at,
        agencies_present="Police, children's services",
        section_47_started=True,
        rationale="Significant harm suspected.",
        referral_received_on=date(2026, 12, 22),
        conference_due_at=datetime(2027, 1, 15, 17, 0, tzinfo=UTC),
        assessment_due_at=datetime(2027, 2, 26, 17, 0, tzinfo=UTC),
        conference_held_on=date(2027, 1, 14),
        recorded_by_id=user.pk,
    )
    try:
        # when
        new = _migrate(AFTER)
        # then
        migrated = new.get_model("safeguarding", "StrategyDiscussion").objects.get()
        (row,) = new.get_model("safeguarding", "StrategyDiscussionChild").objects.all()
        assert (
            migrated.pk,
            migrated.status,
            migrated.held_at,
            migrated.agencies_present,
            migrated.planned_for,
            migrated.invitees,
        ) == (discussion.pk, "held", held_at, "Police, children's services", None, [])
        assert (
            row.pk,
            row.discussion_id,
            row.child_id,
            row.section_47_started,
            row.rationale,
            row.decided_at,
            row.decided_by_id,
            row.conference_due_at,
            row.assessment_due_at,
            row.conference_held_on,
            row.assessment_completed_on,
        ) == (
            discussion.pk,
            discussion.pk,
            child.pk,
            True,
            "Significant harm suspected.",
            held_at,
            user.pk,
            datetime(2027, 1, 15, 17, 0, tzinfo=UTC),
            datetime(2027, 2, 26, 17, 0, tzinfo=UTC),
            date(2027, 1, 14),
            None,
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
