"""Each child's threshold decision on a referral the caller already holds (found
through `referral_get_for_actor`, which scoped and logged the read): both sides read
them, named as the disclosure names the children."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from cases.models import PartyRole
from common.errors import NotFound
from referrals.models import Referral, ThresholdDecision
from referrals.models.threshold import THRESHOLD_ORDER

# The parties of a referral that take a threshold decision: the children it names
# (a victim of online child abuse is a child; so is a child in a suspect's
# household). A referral naming none of these (its subject recorded in another
# role) takes one decision for each person it names.
CHILD_ROLES = (PartyRole.CHILD_IN_HOUSEHOLD, PartyRole.VICTIM)


def threshold_children_of(referral: Referral) -> list[str]:
    """The party ids of the children the referral is about, in the order its
    disclosure lists them (what the receiver reads; the live parties before it is
    sent)."""
    if referral.disclosure:
        parties = [
            (str(party["party_id"]), party.get("role", ""))
            for party in referral.disclosure.get("parties", [])
        ]
    else:
        parties = [
            (str(pk), role)
            for pk, role in referral.parties.order_by("created_at", "id").values_list("pk", "role")
        ]
    return [pk for pk, role in parties if role in CHILD_ROLES] or [pk for pk, _ in parties]


def threshold_child_names(referral: Referral) -> dict[str, str]:
    """How each child is named to both sides: as the disclosure names them (their
    name where it was shared, else their part in the case, numbered when two would
    read the same). Read from the snapshot, never the live case."""
    shown: dict[str, str] = {}
    for party in (referral.disclosure or {}).get("parties", []):
        fields = party.get("fields", {})
        name = " ".join(
            str(fields[key]) for key in ("first_name", "last_name") if fields.get(key)
        ).strip()
        shown[str(party["party_id"])] = name or party.get("role_label", "") or "A child"
    counts: dict[str, int] = {}
    for name in shown.values():
        counts[name] = counts.get(name, 0) + 1
    seen: dict[str, int] = {}
    for party_id, name in shown.items():
        if counts[name] > 1:
            seen[name] = seen.get(name, 0) + 1
            shown[party_id] = f"{name} ({seen[name]})"
    return shown


@dataclass(frozen=True)
class ChildThreshold:
    """One child's decision as a page shows it."""

    row: ThresholdDecision
    name: str
    overdue: bool

    @property
    def decided(self) -> bool:
        return self.row.decided_at is not None


def threshold_decision_list(
    *, referral: Referral, now: datetime | None = None
) -> list[ChildThreshold]:
    """The referral's children, each with their decision owed or recorded, the
    soonest due first: one query, none for a referral that takes no decision."""
    if referral.threshold_due_at is None:
        return []
    now = now or timezone.now()
    rows = list(
        ThresholdDecision.objects.filter(referral=referral)
        .select_related("decided_by")
        .order_by(*THRESHOLD_ORDER)
    )
    if not rows:
        return []
    names = threshold_child_names(referral)
    return [
        ChildThreshold(
            row=row,
            name=names.get(str(row.child_id), "A child"),
            overdue=row.decided_at is None and row.due_at < now,
        )
        for row in rows
    ]


def threshold_decision_for_child(
    *, referral: Referral, child_id: UUID | str, now: datetime | None = None
) -> ChildThreshold:
    """One child's decision; NotFound for a child the referral is not about."""
    for child in threshold_decision_list(referral=referral, now=now):
        if str(child.row.child_id) == str(child_id):
            return child
    raise NotFound()
