"""What the retention part of records registers with the apps below it at start-up:
the schedule set when a case closes and lifted when it reopens (cases.events, in
the lifecycle service's own transaction), and the demo's cases due for review."""

from agencies.demo import demo_seeder_register
from cases.events import CASE_CLOSED, CASE_REOPENED, handler_register


def _case_closed(*, case, actor, **_payload) -> None:
    from records.services.retention import retention_schedule

    retention_schedule(case=case, actor=actor)


def _case_reopened(*, case, actor, reason: str = "", **_payload) -> None:
    from records.services.retention import retention_schedule_lift

    retention_schedule_lift(case=case, actor=actor, reason=reason)


def _seed() -> str:
    from records.services.retention_demo import seed_retention_demo

    return seed_retention_demo()


def register() -> None:
    """Called once from RecordsConfig.ready()."""
    handler_register(CASE_CLOSED, "records.retention", _case_closed)
    handler_register(CASE_REOPENED, "records.retention", _case_reopened)
    # After the closed cases (90): every closed case is scheduled, some fall due.
    demo_seeder_register(order=95, name="retention reviews", seeder=_seed)
