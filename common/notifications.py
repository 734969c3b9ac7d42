"""The one notification path of the whole product.

A service that must tell someone something calls `notify(...)` inside its own
transaction. That stores an in-app notification, which is also its email's outbox
entry (`pending`, in the same transaction: see `common.outbox` and ADR 0006). Once
the transaction has committed, a Celery task is queued to send it at once; that is
only the fast path: if the broker is down or the worker dies, the outbox sweep
sends it. Nothing is sent for work that rolled back, and the same event told twice
to the same person (the same `dedupe_key`) is stored and sent once.

A notification carries no personal details: a short message about what kind of
thing needs attention, and a relative link to where it is. The page behind the
link applies the access policy as it does for anyone.
"""

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, DateTimeField, ExpressionWrapper, F, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from common.errors import NotFound
from common.models import Notification

logger = logging.getLogger(__name__)

# Unread notifications sort as if they were this much newer than they are, so
# that one descending date orders them first, and a cursor can page through it.
_UNREAD_LIFT = timedelta(days=365 * 1000)


def kind_label(kind: str) -> str:
    """`safeguarding.conference_due_soon` -> `Conference due soon`: the email's subject."""
    words = kind.rsplit(".", 1)[-1].replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _email_queue(notification_id: UUID) -> None:
    from common.outbox import notification_email_queue

    notification_email_queue(notification_id)


def notify(
    *, user: User, kind: str, message: str, link: str, dedupe_key: str
) -> Notification | None:
    """Tell `user` once about the event `dedupe_key`. Returns the new notification,
    or None when they were already told (nothing is stored or sent again)."""
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError("A notification links to a page of this site: a relative URL.")
    if Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
        return None
    try:
        # A savepoint: a concurrent twin that won the race leaves the caller's
        # transaction usable.
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, message=message, link=link, dedupe_key=dedupe_key
            )
    except IntegrityError:
        return None
    # Registered inside the caller's transaction: queued only if it commits. Robust,
    # so that nothing in the fast path can fail the work that was recorded.
    transaction.on_commit(lambda: _email_queue(notification.pk), robust=True)
    return notification


def notifications_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications as read. Reading it again changes
    nothing."""
    if notification.user_id != actor.pk:
        raise NotFound()
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notification.refresh_from_db(fields=["read_at"])
    return notification


# --- Reads: only ever the caller's own.


def notification_list(*, actor: User) -> QuerySet[Notification]:
    """The actor's notifications, unread first, each group newest first."""
    if not (actor and actor.is_authenticated):
        return Notification.objects.none()
    return (
        Notification.objects.filter(user=actor)
        .annotate(
            inbox_at=Case(
                When(
                    read_at__isnull=True,
                    then=ExpressionWrapper(
                        F("created_at") + _UNREAD_LIFT, output_field=DateTimeField()
                    ),
                ),
                default=F("created_at"),
                output_field=DateTimeField(),
            )
        )
        .order_by("-inbox_at", "-id")
    )


def notification_get_for_actor(*, actor: User, notification_id: UUID | str) -> Notification:
    try:
        return Notification.objects.get(pk=notification_id, user=actor)
    except (Notification.DoesNotExist, DjangoValidationError, ValueError) as exc:
        raise NotFound() from exc


def notification_unread_count(*, actor: User) -> int:
    if not (actor and actor.is_authenticated):
        return 0
    return Notification.objects.filter(user=actor, read_at__isnull=True).count()


# A team whose supervisors stand in: (agency id, agency kind, team id or None).
TeamKey = tuple[Any, str, Any]


@dataclass(frozen=True)
class Notice:
    """What a deadline sweep wants said, and about whom: the one notice of every
    sweep. Who is told is worked out by `agencies.selectors.supervision.Recipients`
    from the people it names."""

    kind: str
    message: str
    link: str
    dedupe_key: str
    # Who answers for it: told if they can still sign in.
    responsible: tuple[User, ...] = ()
    # Their supervisors are told too (a missed deadline).
    escalate: bool = False
    # Whose supervisors stand in when the responsible have none, or nobody is named.
    team: TeamKey | None = None
    # Told as well, if they can still sign in (a referrer, once a deadline is missed).
    also: tuple[User | None, ...] = ()


def named(*users: User | None) -> tuple[User, ...]:
    """The people a notice names as responsible, leaving out nobody (None)."""
    return tuple(user for user in users if user is not None)


def section_link(url_name: str, pk: Any, section: str) -> str:
    """A relative link to a section of a record's page: `/cases/<id>/#flags`."""
    return f"{reverse(url_name, args=[pk])}#{section}"


def sweep_counts(kinds: Iterable[str], created: Mapping[str, int]) -> dict[str, int]:
    """A sweep's answer: how many notifications of each kind it stored (the kind
    without its app prefix, zero for none), and their total as `notifications`."""
    result = {kind.split(".", 1)[1]: created.get(kind, 0) for kind in kinds}
    result["notifications"] = sum(result.values())
    return result


def moment_key(moment: datetime) -> str:
    """A due moment as it goes into a dedupe key (UTC, to the minute): a deadline
    that moves is a new event, told again; the same one is told once."""
    return f"{moment.astimezone(UTC):%Y%m%dT%H%MZ}"


def batches(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def notices_deliver(pairs: Iterable[tuple[Notice, User]], *, batch_size: int = 500) -> Counter:
    """Tell each user of each (notice, user) pair, once per dedupe key: the delivery
    of every deadline sweep. Returns how many notifications of each kind it stored
    (none on a second run). One query per batch finds who was already told;
    `notify()` stays the guarantee (a unique index) when two sweeps run at once."""
    created: Counter = Counter()
    for batch in batches(pairs, batch_size):
        already = set(
            Notification.objects.filter(
                dedupe_key__in={notice.dedupe_key for notice, _ in batch},
                user_id__in={user.pk for _, user in batch},
            ).values_list("user_id", "dedupe_key")
        )
        for notice, user in batch:
            if (user.pk, notice.dedupe_key) in already:
                continue
            sent = notify(
                user=user,
                kind=notice.kind,
                message=notice.message,
                link=notice.link,
                dedupe_key=notice.dedupe_key,
            )
            if sent is not None:
                created[notice.kind] += 1
    return created
