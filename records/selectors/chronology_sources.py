"""The sources of the case chronology (records.selectors.chronology): for each, the
records the reader may see, read by their own app's scoped selector (or the access
policy's scope), the moment each happened, and what the chronology says of it.

A record with two moments (a flag raised and cleared, a grant given and ended, a
duty's deadline missed and later met) is two sources, one per moment, so that each
is read in the order of that moment alone. Every source is narrowed to the case, so
the database reads it from the case's index of that table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, UUIDField
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator

from agencies import access
from agencies.models import Compartment
from cases import selectors as case_selectors
from cases.models import CaseStatus, CaseTransfer, MaterialSummary, TransferState
from cases.selectors.events import event_list
from cases.selectors.tasks import task_list_for_case
from common.keyset_cursor import Position
from records.selectors.chronology import (
    ChronologyKind,
    Reading,
    Row,
    Said,
    rows_of,
    seek,
    seek_in_memory,
)
from referrals.models import Referral, ReferralEvent
from referrals.models.purposes import ReferralPurpose
from referrals.selectors.involvement import involved_referral_list
from safeguarding.models import SharedLevel
from safeguarding.selectors import assessment_list, flag_list, strategy_discussion_list
from welfare.models import DutyStatus
from welfare.models.duty import FAMILY_DUTIES, SUSPECT_DUTIES, VICTIM_DUTIES
from welfare.selectors.duties import duty_scope

_LINE = 120


def _day(moment: Any) -> str:
    """`3 March 2026`, in Europe/London for a moment."""
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return date_format(moment, "j F Y")


def _line(text: str) -> str:
    """The first line of free text, cut to fit one line of the chronology."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return Truncator(first).chars(_LINE)


@dataclass(frozen=True)
class Source:
    """One kind of moment on the case. `records(reading)`: the scoped queryset, or
    None when the reader may see none of them. `party_path`: how a record names the
    party it concerns (None: it concerns no one party, and the party filter leaves it
    out). `describe(reading, row)`: what the chronology says of a row on the page."""

    name: str
    kind: ChronologyKind
    when: str
    records: Callable[[Reading], QuerySet[Any] | None]
    describe: Callable[[Reading, Row], Said]
    party_path: str | None = None
    key: str = "id"

    def rows_after(
        self,
        reading: Reading,
        position: Position | None,
        descending: bool,
        party_id: Any,
        limit: int,
    ) -> list[Row]:
        records = self.records(reading)
        if records is None:
            return []
        if party_id is not None and self.party_path is not None:
            records = records.filter(**{self.party_path: party_id})
        beyond = seek(self.name, position, descending, self.when, self.key)
        if beyond is not None:
            records = records.filter(beyond)
        return rows_of(
            records,
            name=self.name,
            when=self.when,
            key=self.key,
            descending=descending,
            limit=limit,
        )


@dataclass(frozen=True)
class CaseOpened:
    """The case's own opening: the one moment that is not a row of its own to read."""

    name: str = "case.opened"
    kind: ChronologyKind = ChronologyKind.CASE
    party_path: str | None = None

    def rows_after(
        self,
        reading: Reading,
        position: Position | None,
        descending: bool,
        party_id: Any,
        limit: int,
    ) -> list[Row]:
        row = Row(when=self.moment(reading), source=self.name, key=reading.case.pk, record=None)
        return [row] if seek_in_memory(row, position, descending) else []

    @staticmethod
    def moment(reading: Reading) -> datetime:
        """When the case was opened: the moment it was recorded, or, for a case
        recorded after the day it was opened (a case brought in from elsewhere, or
        written up later), the start of that day in Europe/London."""
        case = reading.case
        if timezone.localdate(case.created_at) <= case.opened_on:
            return case.created_at
        return timezone.make_aware(datetime.combine(case.opened_on, time.min))

    def describe(self, reading: Reading, row: Row) -> Said:
        case = reading.case
        state = "" if case.status == CaseStatus.OPEN else f"; closed on {_day(case.closed_on)}"
        return Said(
            summary=f"Case opened ({case.get_source_display()}), received on "
            f"{_day(case.received_on)}{state}",
            who=case.created_by,
            section="summary",
        )


# --- Investigation


def _events(reading: Reading) -> QuerySet[Any]:
    return event_list(actor=reading.actor, case=reading.case, parties=reading.parties.values())


def _event_said(reading: Reading, row: Row) -> Said:
    event = row.record
    summary = event.get_kind_display()
    if event.bail_end_on:
        summary += f", until {_day(event.bail_end_on)}"
    return Said(summary=summary, who=event.recorded_by, section="events", party_id=event.suspect_id)


def _outcomes(reading: Reading) -> QuerySet[Any]:
    return case_selectors.outcome_list(
        actor=reading.actor, case=reading.case, parties=reading.parties.values()
    )


def _outcome_said(reading: Reading, row: Row) -> Said:
    outcome = row.record
    caution = " (a conditional caution)" if outcome.is_conditional_caution else ""
    return Said(
        summary=f"Outcome {outcome.get_code_display()}{caution}, dated {_day(outcome.outcome_on)}",
        who=outcome.recorded_by,
        section="outcomes",
        party_id=outcome.suspect_id,
    )


def _material(reading: Reading) -> QuerySet[Any] | None:
    # The material is its own compartment: only a reader cleared for it, in a role
    # that reads it, sees that it changed (as cases.selectors.material_get_for_actor).
    actor, case = reading.actor, reading.case
    if not (
        access.can(actor, "cases.material.view", case) and access.is_cleared_for(actor, "material")
    ):
        return None
    history: Any = MaterialSummary.history.model
    changes: QuerySet[Any] = history.objects.filter(case_id=case.pk).select_related("history_user")
    return changes


def _material_said(reading: Reading, row: Row) -> Said:
    change = row.record
    verb = "recorded" if change.history_type == "+" else "changed"
    total = change.category_a_count + change.category_b_count + change.category_c_count
    first = {True: "; first generation", False: "; none first generation"}.get(
        change.first_generation, ""
    )
    return Said(
        summary=f"Material summary {verb}: {total} item{'s' if total != 1 else ''} "
        f"(A {change.category_a_count}, B {change.category_b_count}, "
        f"C {change.category_c_count}){first}",
        who=change.history_user,
        section="material",
        compartment=Compartment.MATERIAL,
    )


# --- Contacts and decisions


def _contacts(reading: Reading) -> QuerySet[Any]:
    return case_selectors.contact_list(
        actor=reading.actor, case=reading.case, parties=reading.parties.values()
    )


def _contact_said(reading: Reading, row: Row) -> Said:
    contact = row.record
    channel, direction = contact.get_channel_display(), contact.get_direction_display().lower()
    return Said(
        summary=f"{channel} ({direction}): {_line(contact.summary)}",
        who=contact.made_by,
        section="contacts",
        party_id=contact.party_id,
    )


def _decisions(reading: Reading) -> QuerySet[Any]:
    return case_selectors.decision_list(actor=reading.actor, case=reading.case)


def _decision_said(reading: Reading, row: Row) -> Said:
    decision = row.record
    corrects = " (corrects an earlier decision)" if decision.corrects_id else ""
    return Said(
        summary=f"Decision{corrects}: {_line(decision.decision)}",
        who=decision.decided_by,
        section=f"decision-{decision.pk}",
    )


# --- Risk


def _assessments(reading: Reading) -> QuerySet[Any]:
    return (
        assessment_list(actor=reading.actor, case=reading.case)
        .select_related(None)
        .select_related("assessor")
    )


def _assessment_said(reading: Reading, row: Row) -> Said:
    assessment = row.record
    level = SharedLevel(assessment.level).label.lower()
    judged = " by professional judgement" if assessment.override_level else ""
    return Said(
        summary=f"Risk assessed as {level}{judged}, {assessment.known_factors} of "
        f"{assessment.total_factors} factors known; review by {_day(assessment.review_on)}",
        who=assessment.assessor,
        section="risk",
        party_id=assessment.subject_id,
    )


def _flags(reading: Reading) -> QuerySet[Any]:
    # Flags follow the person across cases: the chronology keeps those raised on this
    # case, on a part of it the reader may see.
    return flag_list(actor=reading.actor, case=reading.case, include_cleared=True).filter(
        case_id=reading.case.pk, party_id__in=list(reading.parties)
    )


def _cleared_flags(reading: Reading) -> QuerySet[Any]:
    return _flags(reading).filter(cleared_at__isnull=False)


def _flag_raised_said(reading: Reading, row: Row) -> Said:
    flag = row.record
    return Said(
        summary=f"Flag raised: {flag.get_kind_display()}; review by {_day(flag.review_on)}",
        who=flag.raised_by,
        section=f"flag-{flag.pk}",
        party_id=flag.party_id,
    )


def _flag_cleared_said(reading: Reading, row: Row) -> Said:
    flag = row.record
    return Said(
        summary=f"Flag cleared: {flag.get_kind_display()}",
        who=flag.cleared_by,
        section=f"flag-{flag.pk}",
        party_id=flag.party_id,
    )


def _strategy(reading: Reading) -> QuerySet[Any]:
    return strategy_discussion_list(actor=reading.actor, case=reading.case).prefetch_related(None)


def _strategy_said(reading: Reading, row: Row) -> Said:
    discussion = row.record
    if discussion.held_at:
        summary = f"Strategy discussion held on {_day(discussion.held_at)}"
    elif discussion.planned_for:
        summary = f"Strategy discussion planned for {_day(discussion.planned_for)}"
    else:
        summary = f"Strategy discussion: {discussion.get_status_display().lower()}"
    return Said(
        summary=summary,
        who=discussion.recorded_by,
        section="strategy-discussions",
        compartment=Compartment.CHILD_SAFEGUARDING,
    )


# --- Referrals and their moves

_MOVES = {
    "created": "drafted",
    "sent": "sent",
    "accepted": "accepted",
    "declined": "declined",
    "returned": "returned with a question",
    "answered": "answered and sent again",
    "started": "work started",
    "progress_noted": "progress noted",
    "completed": "completed",
    "withdrawn": "withdrawn",
    "threshold_decided": "threshold decision recorded",
    "concern_raised": "urgent concern raised",
    "concern_acknowledged": "urgent concern acknowledged",
}


def _referral_moves(reading: Reading) -> QuerySet[Any]:
    # The referral's metadata, as the case shows it to every agency that holds the
    # case (never its disclosure): what `involved_referral_list` answers.
    referrals = involved_referral_list(actor=reading.actor, case=reading.case)
    through: Any = Referral.parties.through
    # The person a move concerns: the referral's first party the reader may see.
    first_party = (
        through.objects.filter(
            referral_id=OuterRef("referral_id"), caseparty_id__in=list(reading.parties)
        )
        .order_by("caseparty__created_at", "caseparty_id")
        .values("caseparty_id")[:1]
    )
    return (
        ReferralEvent.objects.filter(
            referral_id__in=referrals.order_by().values("pk"),
            referral__case_id=reading.case.pk,
        )
        # A draft is the sender's own until it is sent: its drafting is not yet news.
        .exclude(action="created")
        .select_related("by", "by_agency", "referral__to_agency")
        .annotate(concerns_party_id=Subquery(first_party, output_field=UUIDField()))
    )


def _referral_said(reading: Reading, row: Row) -> Said:
    move = row.record
    referral = move.referral
    purpose = ReferralPurpose(referral.purpose).label if referral.purpose else "Referral"
    what = _MOVES.get(move.action, move.action.replace("_", " "))
    return Said(
        summary=f"Referral to {referral.to_agency.name}: {what}; purpose: {str(purpose).lower()}",
        who=move.by,
        section="referrals",
        party_id=move.concerns_party_id,
        agency_name=move.by_agency.name,
    )


# --- Duties of care (welfare)

_DUTY_SECTIONS = {
    **dict.fromkeys(VICTIM_DUTIES, "victims-code"),
    **dict.fromkeys(FAMILY_DUTIES, "family-support"),
    **dict.fromkeys(SUSPECT_DUTIES, "suspect-welfare"),
}


def _duties(reading: Reading) -> QuerySet[Any]:
    return duty_scope(reading.actor).filter(case_id=reading.case.pk)


def _duties_resolved(reading: Reading) -> QuerySet[Any]:
    return (
        _duties(reading)
        .exclude(status=DutyStatus.OPEN)
        .filter(resolved_at__isnull=False)
        .select_related("resolved_by")
    )


def _duties_missed(reading: Reading) -> QuerySet[Any]:
    """Duties whose deadline passed before they were met: still open, or met late."""
    late = Q(status=DutyStatus.OPEN, due_at__lt=reading.now) | Q(resolved_at__gt=F("due_at"))
    return _duties(reading).filter(late).select_related("responsible")


def _duty_resolved_said(reading: Reading, row: Row) -> Said:
    duty = row.record
    late = " (late)" if duty.resolved_at > duty.due_at and duty.status == DutyStatus.MET else ""
    return Said(
        summary=f"{duty.get_kind_display()}: {duty.get_status_display().lower()}{late}",
        who=duty.resolved_by,
        section=_DUTY_SECTIONS.get(duty.kind, "welfare"),
        party_id=duty.party_id,
        compartment=duty.compartment,
    )


def _duty_missed_said(reading: Reading, row: Row) -> Said:
    duty = row.record
    still = "; still open" if duty.status == DutyStatus.OPEN else ""
    return Said(
        summary=f"Deadline missed: {duty.get_kind_display()}{still}",
        who=duty.responsible,
        section=_DUTY_SECTIONS.get(duty.kind, "welfare"),
        party_id=duty.party_id,
        compartment=duty.compartment,
    )


# --- Who holds the case: grants and transfers


def _is_owner(reading: Reading) -> bool:
    membership = access.membership_of(reading.actor)
    return membership is not None and membership.agency_id == reading.case.owning_agency_id


def _grants(reading: Reading) -> QuerySet[Any]:
    # The owner sees every grant of its case; an agency holding the case sees who
    # else holds it now (cases.selectors.grant_holders), as the case's header does.
    if _is_owner(reading):
        grants = case_selectors.grant_list(actor=reading.actor, case=reading.case)
    else:
        grants = case_selectors.grant_holders(actor=reading.actor, case=reading.case)
    return grants.prefetch_related(None)


def _grants_ended(reading: Reading) -> QuerySet[Any] | None:
    if not _is_owner(reading):
        return None
    return _grants(reading).filter(revoked_at__isnull=False)


def _grant_said(reading: Reading, row: Row) -> Said:
    grant = row.record
    why = grant.source_label or grant.get_source_kind_display()
    scope = " (some people only)" if grant.party_scoped else ""
    return Said(
        summary=f"Access granted to {grant.agency.name}{scope}: {_line(why)}",
        who=grant.granted_by,
        section="agencies-involved",
    )


def _grant_ended_said(reading: Reading, row: Row) -> Said:
    grant = row.record
    how = "expired" if grant.expired else "revoked"
    return Said(
        summary=f"Access of {grant.agency.name} {how}",
        who=None if grant.expired else grant.revoked_by,
        section="agencies-involved",
    )


def _transfers(reading: Reading) -> QuerySet[Any]:
    return access.transfer_scope(
        reading.actor, CaseTransfer.objects.filter(case_id=reading.case.pk)
    ).select_related("from_agency", "to_agency", "requested_by", "decided_by")


def _transfers_decided(reading: Reading) -> QuerySet[Any]:
    return _transfers(reading).filter(decided_at__isnull=False)


def _transfer_said(reading: Reading, row: Row) -> Said:
    transfer = row.record
    return Said(
        summary=f"Transfer to {transfer.to_agency.name} requested",
        who=transfer.requested_by,
        section="summary",
        agency_name=transfer.from_agency.name,
    )


def _transfer_decided_said(reading: Reading, row: Row) -> Said:
    transfer = row.record
    state = TransferState(transfer.state).label.lower()
    return Said(
        summary=f"Transfer to {transfer.to_agency.name} {state}",
        who=transfer.decided_by,
        section="summary",
    )


# --- Tasks


def _tasks(reading: Reading) -> QuerySet[Any]:
    return task_list_for_case(actor=reading.actor, case=reading.case).select_related("agency")


def _tasks_done(reading: Reading) -> QuerySet[Any]:
    return _tasks(reading).filter(done_at__isnull=False)


def _task_said(reading: Reading, row: Row) -> Said:
    task = row.record
    return Said(
        summary=f"Task set: {_line(task.title)}, for {task.assignee.get_full_name()}, "
        f"due {_day(task.due_on)}",
        who=task.created_by,
        section="tasks",
        agency_name=task.agency.name,
    )


def _task_done_said(reading: Reading, row: Row) -> Said:
    task = row.record
    return Said(
        summary=f"Task done: {_line(task.title)}",
        who=task.done_by,
        section="tasks",
        agency_name=task.agency.name,
    )


_K = ChronologyKind
# The sources, by name: the name settles ties between sources at the same moment.
SOURCES: tuple[Any, ...] = (
    CaseOpened(),
    Source("event", _K.EVENT, "occurred_at", _events, _event_said, "suspect_id"),
    Source("outcome", _K.OUTCOME, "created_at", _outcomes, _outcome_said, "suspect_id"),
    Source("material", _K.MATERIAL, "history_date", _material, _material_said, key="history_id"),
    Source("contact", _K.CONTACT, "contacted_at", _contacts, _contact_said, "party_id"),
    Source("decision", _K.DECISION, "decided_at", _decisions, _decision_said),
    Source(
        "assessment", _K.ASSESSMENT, "assessed_at", _assessments, _assessment_said, "subject_id"
    ),
    Source("flag.raised", _K.FLAG, "raised_at", _flags, _flag_raised_said, "party_id"),
    Source("flag.cleared", _K.FLAG, "cleared_at", _cleared_flags, _flag_cleared_said, "party_id"),
    Source("strategy", _K.STRATEGY, "created_at", _strategy, _strategy_said, "decisions__child_id"),
    Source("referral", _K.REFERRAL, "at", _referral_moves, _referral_said, "referral__parties"),
    Source(
        "duty.resolved", _K.DUTY, "resolved_at", _duties_resolved, _duty_resolved_said, "party_id"
    ),
    Source("duty.missed", _K.DUTY, "due_at", _duties_missed, _duty_missed_said, "party_id"),
    Source("grant.given", _K.GRANT, "granted_at", _grants, _grant_said),
    Source("grant.ended", _K.GRANT, "revoked_at", _grants_ended, _grant_ended_said),
    Source("transfer.requested", _K.TRANSFER, "requested_at", _transfers, _transfer_said),
    Source(
        "transfer.decided", _K.TRANSFER, "decided_at", _transfers_decided, _transfer_decided_said
    ),
    Source("task.set", _K.TASK, "created_at", _tasks, _task_said),
    Source("task.done", _K.TASK, "done_at", _tasks_done, _task_done_said),
)
