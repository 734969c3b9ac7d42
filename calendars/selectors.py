"""The records a person's calendar is made of, each read scoped to them through the
selectors of the app that owns it (or, where none asks this question, the access
policy directly, in the same way as its neighbours). Each takes a span of local days
and returns only what is the reader's own to do in it."""

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies import access
from calendars.models import CalendarFeed
from calendars.weeks import Span
from cases.bail import ENDS_BAIL
from cases.models import CaseParty, EventKind, InvestigationEvent, Task
from cases.selectors import case_scope
from cases.selectors.tasks import task_list_for_assignee
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild, StrategyStatus
from welfare.models import Duty, DutyStatus
from welfare.selectors.duties import duty_scope


def duty_due_list(*, actor: User, span: Span) -> QuerySet[Duty]:
    """The open duties the reader is responsible for that fall due in the span, in
    the compartments they are cleared for (index duty_mine)."""
    return (
        duty_scope(actor)
        .filter(
            responsible_id=actor.pk,
            status=DutyStatus.OPEN,
            due_at__gte=span.starts_at,
            due_at__lt=span.ends_at,
        )
        .select_related("case__owning_agency")
        .order_by("due_at", "id")
    )


def task_due_list(*, actor: User, span: Span) -> QuerySet[Task]:
    """The reader's own open tasks due in the span (index task_assignee_due)."""
    return task_list_for_assignee(actor=actor).filter(
        due_on__gte=span.first_day, due_on__lte=span.last_day
    )


def strategy_discussion_due_list(*, actor: User, span: Span) -> QuerySet[StrategyDiscussion]:
    """Strategy discussions held or planned in the span, about a child the reader may
    see, on cases they may see, where the work is theirs: they recorded the
    discussion or lead the case."""
    if not access.can(actor, "safeguarding.strategy.view"):
        return StrategyDiscussion.objects.none()
    held = Q(status=StrategyStatus.HELD, held_at__gte=span.starts_at, held_at__lt=span.ends_at)
    planned = Q(
        status=StrategyStatus.PLANNED,
        planned_for__gte=span.starts_at,
        planned_for__lt=span.ends_at,
    )
    about_a_visible_child = StrategyDiscussionChild.objects.filter(
        discussion_id=OuterRef("pk"), child__in=access.party_scope(actor, CaseParty.objects.all())
    )
    cases = case_scope(actor, action="safeguarding.strategy.view")
    return (
        StrategyDiscussion.objects.filter(held | planned)
        .filter(Q(recorded_by_id=actor.pk) | Q(case__lead_officer_id=actor.pk))
        .filter(Exists(cases.filter(pk=OuterRef("case_id"))), Exists(about_a_visible_child))
        .select_related("case__owning_agency")
        .order_by("created_at", "id")
    )


def conference_due_list(*, actor: User, span: Span) -> QuerySet[StrategyDiscussionChild]:
    """Each child's initial child protection conference due in the span and not yet
    held, for a child the reader may see, where the work is theirs (as
    `strategy_discussion_due_list`; index strategy_child_conference_due)."""
    if not access.can(actor, "safeguarding.strategy.view"):
        return StrategyDiscussionChild.objects.none()
    cases = case_scope(actor, action="safeguarding.strategy.view")
    return (
        StrategyDiscussionChild.objects.filter(
            section_47_started=True,
            conference_held_on__isnull=True,
            conference_due_at__gte=span.starts_at,
            conference_due_at__lt=span.ends_at,
            child__in=access.party_scope(actor, CaseParty.objects.all()),
        )
        .filter(
            Q(discussion__recorded_by_id=actor.pk) | Q(discussion__case__lead_officer_id=actor.pk)
        )
        .filter(Exists(cases.filter(pk=OuterRef("discussion__case_id"))))
        .select_related("discussion__case__owning_agency")
        .order_by("conference_due_at", "id")
    )


def bail_end_list(*, actor: User, span: Span) -> QuerySet[InvestigationEvent]:
    """The pre-charge bail of suspects the reader may see that ends in the span, on
    cases they lead: each suspect's latest grant or extension of bail, when nothing
    later (a new date, a charge, a release) has replaced it."""
    if not access.can(actor, "cases.event.view"):
        return InvestigationEvent.objects.none()
    later = InvestigationEvent.objects.filter(
        Q(occurred_at__gt=OuterRef("occurred_at"))
        | Q(occurred_at=OuterRef("occurred_at"), created_at__gt=OuterRef("created_at")),
        suspect_id=OuterRef("suspect_id"),
        kind__in=sorted({*ENDS_BAIL, EventKind.BAILED, EventKind.BAIL_EXTENDED}),
    )
    suspects = access.party_scope(actor, CaseParty.objects.filter(pk=OuterRef("suspect_id")))
    cases = case_scope(actor, action="cases.event.view")
    return (
        InvestigationEvent.objects.filter(
            kind__in=[EventKind.BAILED, EventKind.BAIL_EXTENDED],
            bail_end_on__gte=span.first_day,
            bail_end_on__lte=span.last_day,
            case__lead_officer_id=actor.pk,
        )
        .filter(~Exists(later), Exists(suspects), Exists(cases.filter(pk=OuterRef("case_id"))))
        .select_related("case__owning_agency")
        .order_by("bail_end_on", "id")
    )


def calendar_feed_of(*, actor: User) -> CalendarFeed | None:
    """The reader's own feed, if they have made one (what the calendar page says of it)."""
    if access.membership_of(actor) is None:
        return None
    return CalendarFeed.objects.filter(user_id=actor.pk).first()


def calendar_feed_owner_get(*, secret_hash: str) -> User | None:
    """Whose feed this secret opens, while they may still sign in: an active member
    of an agency. None for any other secret, an old one included."""
    feed = CalendarFeed.objects.filter(secret_hash=secret_hash).select_related("user").first()
    if feed is None or access.membership_of(feed.user) is None:
        return None
    return feed.user
