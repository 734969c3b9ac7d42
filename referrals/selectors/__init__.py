"""Every read of referrals a user can trigger, scoped by the access policy in the
database: the referring agency sees what it sent (drafts too), the receiving
agency what was sent to it (never a draft). Neither list is filtered in Python."""

from collections.abc import Mapping
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import F, OrderBy, OuterRef, QuerySet, Subquery

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from agencies.models import Membership
from cases.models import Case
from cases.selectors import refused_owner_slug
from common.errors import NotFound, ValidationError
from common.filters import FilterSet, filterset_qs
from referrals.filters import ReferralFilter, ReferralStateFilter
from referrals.models import Referral, ReferralEvent, ReferralState
from referrals.selectors.sides import RECEIVER, referral_side_of

# What every read of a referral shows with it, loaded in the same query.
REFERRAL_RELATED = (
    "from_agency",
    "to_agency",
    "to_team",
    "created_by",
    "sent_by",
    "owner",
    # The case's owner: the agency whose auditor sees who read its referrals.
    "case__owning_agency",
)
# What the receiver's view (the inbox API) shows of each referral: it names none of
# the sender's users, and the case only by its owning agency (for the access log, as
# `owner_agency_slug`, which `inbox_list` reads by a subquery). PostgreSQL's planning
# time grows with every join: at a million cases the ten of REFERRAL_RELATED took
# 10 ms to plan against 0.6 ms to run; these five and the subquery take 1.2 ms (the
# receiving agency is the caller's, set by the API from its membership). The inbox
# page joins fewer still (referrals.views.inbox): `inbox_list` joins nothing.
INBOX_RELATED = (
    "from_agency",
    "to_team",
    "owner",
)
# Each list's order: stored columns, never NULL, ending in the primary key, that an
# index of `Referral` holds in this order (ADR 0013), so that a page is read from the
# index without sorting and a keyset cursor can follow it. The inbox: by the first
# deadline the receiver still owes (so the overdue come first, the most overdue at
# the top), on the same deadline the most urgent first, then the oldest; then those
# it owes nothing on (`NOTHING_OWED`), the most urgent first, then the oldest.
INBOX_ORDER = ("receiver_due_at", "urgency_rank", "created_at", "id")
# The sent list: newest first.
SENT_ORDER = ("-created_at", "-id")


def referral_scope_qs(actor: User) -> QuerySet[Referral]:
    return access.referral_scope(actor, Referral.objects.all())


def referral_get_for_actor(
    *, actor: User, referral_id: UUID | str, logged: bool = True
) -> Referral:
    """The same NotFound for "does not exist" and "not yours". Every read is logged,
    and so is every refusal; except with `logged=False`, for a move or a change
    whose service logs the access itself (and a refusal answers NotFound unlogged,
    as the service's own would)."""
    try:
        referral = (referral_scope_qs(actor).select_related(*REFERRAL_RELATED)).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        if not logged:
            raise NotFound() from exc
        access_denial_record(
            actor=actor,
            action="referrals.referral.viewed",
            object_type="referral",
            object_id=referral_id,
            object_agency_slug=refused_owner_slug(
                Referral, referral_id, "case__owning_agency__slug"
            ),
            justification="not found or out of scope",
        )
        raise NotFound() from exc
    if not logged:
        return referral
    membership = cast(Membership, access.membership_of(actor))
    side = referral_side_of(actor, referral)
    relation = "receiving agency" if side == RECEIVER else "referring agency"
    access_read_record(
        actor=actor,
        action="referrals.referral.viewed",
        object_type="referral",
        object_id=referral.pk,
        object_agency_slug=referral.case.owning_agency.slug,
        justification=f"{relation} ({membership.agency.slug})",
    )
    return referral


def referral_locked_get(referral: Referral, *related: str) -> Referral:
    """The referral again, locked for the rest of the transaction (with `related`
    loaded), so that two changes at once are made one after the other; NotFound if
    it has gone."""
    try:
        return Referral.objects.select_for_update().select_related(*related).get(pk=referral.pk)
    except Referral.DoesNotExist as exc:
        raise NotFound() from exc


def referral_list(*, actor: User, filters: Mapping[str, Any]) -> QuerySet[Referral]:
    """Both sides' referrals, narrowed by `filters` (`ReferralFilter`: state, purpose,
    and the direction, sent or received by the actor's agency); ValidationError
    naming each field that is wrong."""
    referrals, chosen = filterset_qs(ReferralFilter, filters, referral_scope_qs(actor))
    direction = chosen.get("direction")
    if direction == "sent":
        return _sent(actor, referrals)
    if direction == "received":
        return _received(actor, referrals)
    return referrals


def _received(actor: User, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "referrals.referral.receive"):
        return Referral.objects.none()
    # Never a draft (the scope says so too, inside an OR): said here on its own, it
    # lets PostgreSQL read the inbox's index, which leaves drafts out.
    return referrals.filter(to_agency_id=membership.agency_id).exclude(state=ReferralState.DRAFT)


def _in_order(names: tuple[str, ...]) -> list[OrderBy]:
    """`names` as an ORDER BY, a nullable column's NULLs last going up (first going
    down) as PostgreSQL puts them, and its index holds them, on SQLite too."""
    order: list[OrderBy] = []
    for name in names:
        column = name.lstrip("-")
        nullable = bool(getattr(Referral._meta.get_field(column), "null", False))
        if name.startswith("-"):
            order.append(F(column).desc(nulls_first=True if nullable else None))
        else:
            order.append(F(column).asc(nulls_last=True if nullable else None))
    return order


def _sent(actor: User, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    membership = access.membership_of(actor)
    if membership is None:
        return Referral.objects.none()
    return referrals.filter(from_agency_id=membership.agency_id)


def inbox_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    filterset_class: type[FilterSet] = ReferralStateFilter,
) -> QuerySet[Referral]:
    """What was sent to the actor's agency, narrowed by `filters` (the API's
    `ReferralStateFilter` or the page's `InboxPageFilter`), in `INBOX_ORDER`: by the
    first deadline it still owes, so the overdue first; on the same deadline the
    most urgent first; then those it owes nothing on. ValidationError naming each
    field that is wrong. It joins nothing: each reader joins what it shows (the API
    INBOX_RELATED, the page fewer), since every join costs planning time."""
    received, _ = filterset_qs(filterset_class, filters or {}, referral_scope_qs(actor))
    case_owner = Case.objects.filter(pk=OuterRef("case_id")).values("owning_agency__slug")
    return (
        _received(actor, received)
        .annotate(owner_agency_slug=Subquery(case_owner[:1]))
        .order_by(*_in_order(INBOX_ORDER))
    )


def inbox_received(*, actor: User) -> QuerySet[Referral]:
    """Every referral sent to the actor's agency that it may receive, unordered and
    unjoined: what the inbox's counts count. One plain filter on (to_agency, state),
    the leading columns of the `referral_inbox` index, so that a capped count is an
    index-only scan that stops at its cap (issue 15). `_received` is the receiving
    side of `access.referral_scope` on its own, without the scope's OR (sent or
    received), which sends PostgreSQL to the table."""
    return _received(actor, Referral.objects.all())


def sent_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    filterset_class: type[FilterSet] = ReferralStateFilter,
) -> QuerySet[Referral]:
    """What the actor's agency sent or is drafting, narrowed by `filters` (the API's
    `ReferralStateFilter` or the page's `SentPageFilter`), newest first."""
    sent, _ = filterset_qs(filterset_class, filters or {}, referral_scope_qs(actor))
    return _sent(actor, sent).select_related(*REFERRAL_RELATED).order_by(*_in_order(SENT_ORDER))


def referral_list_for_case(*, actor: User, case: Case) -> QuerySet[Referral]:
    """A case's referrals that the actor's agency sent or received, with their
    outcomes: the feedback the referrer sees on the case."""
    return (
        referral_scope_qs(actor)
        .filter(case_id=case.pk)
        .select_related(*REFERRAL_RELATED)
        .order_by("-created_at", "-id")
    )


def referral_event_list(*, referral: Referral) -> QuerySet[ReferralEvent]:
    """The referral's timeline, oldest first. Takes a referral already read through
    `referral_get_for_actor`."""
    return referral.events.select_related("by", "by_agency").order_by("at", "id")
