"""The demo's retention work for records.north (Northshire Police): every closed
case scheduled, four of them due for review (their review brought forward), one of
those under a legal hold placed by supervisor.north. Idempotent."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from common.history import history_note
from records.models import CaseRetention, LegalHold, LegalHoldKind, RetentionState
from records.services.retention import legal_hold_place, retention_schedule_closed_cases

AGENCY = "northshire-police"
# Reference, days overdue. 000003 is MoPI group 1 (indecent images; the suspect born
# in 2011): due for review, but kept until the suspect would be 100. The others have
# no offence recorded, so group 3: due, and disposable once reviewed.
DUE = (
    ("NP-2026-000009", 40),
    ("NP-2026-000010", 21),
    ("NP-2026-000011", 7),
    ("NP-2026-000003", 3),
)
HELD = "NP-2026-000010"
HOLD_REASON = (
    "Civil claim against the force notified by the claimant's solicitors: keep every "
    "record until the claim is settled."
)


@transaction.atomic
def seed_retention_demo() -> str:
    scheduled = retention_schedule_closed_cases()
    today = timezone.localdate()
    due = 0
    for reference, overdue_days in DUE:
        retention = (
            CaseRetention.objects.select_for_update()
            .filter(reference=reference, agency__slug=AGENCY, state=RetentionState.SCHEDULED)
            .first()
        )
        if retention is None or retention.reviews.exists():
            continue  # disposed of or reviewed in the demo already: leave it as it is
        target = today - timedelta(days=overdue_days)
        if retention.next_review_on != target:
            retention.next_review_on = target
            retention.version += 1
            history_note(retention, actor=None, reason="demo: review brought forward")
            retention.save(update_fields=["next_review_on", "version"])
        due += 1
    held = CaseRetention.objects.filter(reference=HELD, agency__slug=AGENCY).first()
    if held is not None and not LegalHold.objects.filter(retention=held).exists():
        supervisor = User.objects.get(username="supervisor.north")
        legal_hold_place(
            actor=supervisor,
            case_id=held.case_id,
            kind=LegalHoldKind.LITIGATION,
            reason=HOLD_REASON,
        )
    return f"{scheduled} closed cases scheduled; {due} due for review, {HELD} under a legal hold"
