"""The service provider's data-retention clock, as a duty: a preservation request is
owed within 5 working days of an item's receipt (`preservation_due_at`, set at
bundling). Recording it is done once; the sweep tells the agency's intake
supervisors of requests due within a working day, and of those overdue, once each.
See docs/intake-triage.md."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.selectors.supervision import Recipients
from agencies.working_days import add_working_days
from common.errors import InvalidState, ValidationError
from common.history import history_note
from common.notifications import Notice, moment_key, notices_deliver, sweep_counts
from intake.models import IntakeDecision, IntakeItem

PRESERVATION_WORKING_DAYS = 5
RECORDED_STATE = "preservation_recorded"

PRESERVATION_DUE_SOON = "intake.preservation_due_soon"
PRESERVATION_OVERDUE = "intake.preservation_overdue"
SWEEP_KINDS = (PRESERVATION_DUE_SOON, PRESERVATION_OVERDUE)
_BATCH = 500
# A request overdue this long is told already (or its item is long gone from the
# queue): the sweep reads the owed requests of these days only, by its index.
CATCH_UP_DAYS = 14
# Decided so that the force no longer holds the work: nothing is owed.
_NOTHING_OWED = (IntakeDecision.NO_FURTHER_ACTION, IntakeDecision.PASS_TO_FORCE)


def preservation_due_at(received_at: datetime) -> datetime:
    """When the preservation request for an item received at `received_at` is owed."""
    return add_working_days(received_at, PRESERVATION_WORKING_DAYS)


def _sent_moment(sent_on: date | None, now: datetime) -> datetime:
    if sent_on is None or sent_on == timezone.localdate(now):
        return now
    # A request sent on an earlier day: the start of that working day.
    return timezone.make_aware(datetime.combine(sent_on, time(9, 0)))


@transaction.atomic
def preservation_record(
    *, actor: User, item: IntakeItem, reference: str, sent_on: date | None = None
) -> IntakeItem:
    """Record that the preservation request for `item` was sent to the service
    provider (today unless `sent_on` says another day), under the provider's
    `reference`. Once only: a second record is refused (409 `preservation_recorded`)
    and changes nothing."""
    access.require(actor, "intake.preservation.record", item)
    locked = IntakeItem.objects.select_for_update().select_related("agency").get(pk=item.pk)
    if locked.preservation_sent_at is not None:
        raise InvalidState(
            "The preservation request for this item is already recorded.",
            state=RECORDED_STATE,
        )
    errors: dict[str, list[str]] = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = ["Enter the service provider's reference for the request."]
    elif len(reference) > 100:
        errors["reference"] = ["Keep the reference to 100 characters or fewer."]
    now = timezone.now()
    if sent_on is not None:
        if sent_on > timezone.localdate(now):
            errors["sent_on"] = ["The date sent must be today or in the past."]
        elif sent_on < timezone.localdate(locked.received_at):
            errors["sent_on"] = ["The date sent cannot be before the item was received."]
    if errors:
        raise ValidationError(errors)
    locked.preservation_sent_at = _sent_moment(sent_on, now)
    locked.preservation_sent_by = actor
    locked.preservation_reference = reference
    locked.version += 1
    history_note(locked, actor=actor, reason="Preservation request recorded")
    locked.save(
        update_fields=[
            "preservation_sent_at",
            "preservation_sent_by",
            "preservation_reference",
            "version",
            "updated_at",
        ]
    )
    access_log_record(
        actor=actor,
        action="intake.preservation.recorded",
        object_type="intake_item",
        object_id=locked.pk,
        object_agency_slug=locked.agency.slug,
        justification=access.justification_for(actor, locked),
    )
    return locked


def _preservation_notices(now: datetime) -> Iterator[Notice]:
    # Due within a working day: the deadline is no later than one working day on.
    horizon = add_working_days(now, 1)
    owed = (
        IntakeItem.objects.filter(
            preservation_sent_at__isnull=True,
            preservation_due_at__lte=horizon,
            preservation_due_at__gt=now - timedelta(days=CATCH_UP_DAYS),
        )
        .exclude(decision__in=_NOTHING_OWED)
        .select_related("agency")
        .order_by("preservation_due_at", "id")
    )
    for item in owed.iterator(chunk_size=_BATCH):
        overdue = item.preservation_due_at < now
        notice = "overdue" if overdue else "due_soon"
        yield Notice(
            kind=PRESERVATION_OVERDUE if overdue else PRESERVATION_DUE_SOON,
            message=(
                "An intake item's preservation request to the service provider is overdue."
                if overdue
                else "An intake item's preservation request to the service provider is due "
                "within a working day."
            ),
            link=f"/intake/items/{item.pk}/preservation/",
            dedupe_key=(
                f"intake-item:{item.pk}:preservation_{notice}:{moment_key(item.preservation_due_at)}"
            ),
            team=(item.agency_id, item.agency.kind, None),
        )


def preservation_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Tell each agency's intake supervisors of every preservation request still owed
    (an item decided as no further action or passed on owes none) that is due within
    a working day, or overdue: once each (running it twice tells nobody twice).
    Returns how many notifications of each kind it stored."""
    moment = now or timezone.now()
    created = notices_deliver(Recipients().pairs(_preservation_notices(moment)), batch_size=_BATCH)
    return sweep_counts(SWEEP_KINDS, created)
