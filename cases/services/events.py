"""Investigation events: what happens to each suspect. Recording one dispatches
`INVESTIGATION_EVENT_RECORDED` in the same transaction, so that every duty that
follows from it (victim updates, the family pack, the suspect's welfare) is
created with it or not at all."""

from datetime import date, datetime
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.bail import BAIL_LIMIT_MONTHS, INITIAL_BAIL_MONTHS, bail_state
from cases.events import INVESTIGATION_EVENT_RECORDED, event_dispatch
from cases.models import (
    BailAuthority,
    Case,
    CaseParty,
    EventKind,
    InvestigationEvent,
    Outcome,
    PartyRole,
)
from cases.services.common import case_record_save, case_write_require, not_in_future, raise_if
from common.dates import months_after
from common.errors import ValidationError


def _suspect_events(suspect: CaseParty, *, until: datetime | None) -> list[InvestigationEvent]:
    """The suspect's events up to the moment of the one being recorded, so that a
    back-dated event is judged by the bail as it stood then."""
    events = InvestigationEvent.objects.filter(suspect=suspect)
    if until is not None:
        events = events.filter(occurred_at__lte=until)
    return list(events.order_by("occurred_at", "created_at"))


def _bail_errors(
    *,
    suspect: CaseParty | None,
    kind: str,
    occurred_at: datetime | None,
    bail_end_on: date | None,
    bail_authority: str,
    errors: dict[str, list[str]],
) -> None:
    bail_kinds = {EventKind.BAILED, EventKind.BAIL_EXTENDED}
    if kind not in bail_kinds:
        if bail_end_on is not None:
            errors["bail_end_on"] = ["Only pre-charge bail or its extension has an end date."]
        if bail_authority:
            errors["bail_authority"] = ["Only an extension of bail has an authority."]
        if (
            kind == EventKind.BAIL_CONDITIONS_CHANGED
            and suspect is not None
            and bail_state(_suspect_events(suspect, until=occurred_at))[1] is None
        ):
            errors["kind"] = ["This suspect is not on pre-charge bail."]
        return
    if bail_end_on is None:
        errors["bail_end_on"] = ["Enter the date the bail ends."]
        return
    if occurred_at is None:
        return
    released_on = timezone.localtime(occurred_at).date()
    if bail_end_on <= released_on:
        errors["bail_end_on"] = ["The bail must end after the release."]
        return
    if kind == EventKind.BAILED:
        if bail_authority:
            errors["bail_authority"] = ["Only an extension of bail has an authority."]
        limit = months_after(released_on, INITIAL_BAIL_MONTHS)
        if bail_end_on > limit:
            errors["bail_end_on"] = [
                f"Pre-charge bail runs at most 3 months from release: until {limit:%d/%m/%Y}. "
                "Record an extension for longer."
            ]
        return
    # An extension: of a bail that exists, to a later date, within the authority's limit.
    first_bailed_on, ends_on = (
        bail_state(_suspect_events(suspect, until=occurred_at)) if suspect else (None, None)
    )
    if ends_on is None:
        errors["kind"] = ["This suspect is not on pre-charge bail: record the bail first."]
        return
    if bail_end_on <= ends_on:
        errors["bail_end_on"] = [
            f"An extension must end after the current end, {ends_on:%d/%m/%Y}."
        ]
    if bail_authority not in BailAuthority.values:
        errors["bail_authority"] = ["Choose who authorised the extension."]
        return
    months = BAIL_LIMIT_MONTHS.get(bail_authority)
    if months is not None:
        limit = months_after(cast(date, first_bailed_on), months)  # on bail: granted on a day
        if bail_end_on > limit:
            who = BailAuthority(bail_authority).label.split(" (")[0].lower()
            article = "An" if who[0] in "aeiou" else "A"
            errors["bail_end_on"] = [
                f"{article} {who} may extend bail to {months} months from the first release "
                f"at most: until {limit:%d/%m/%Y}."
            ]


def _event_errors(
    case: Case,
    suspect: CaseParty | None,
    kind: str,
    occurred_at: datetime | None,
    errors: dict[str, list[str]],
) -> None:
    if suspect is None or suspect.case_id != case.pk or suspect.role != PartyRole.SUSPECT:
        errors["suspect"] = ["Choose a suspect in this case."]
    if kind not in EventKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(EventKind.values)}."]
    if occurred_at is None:
        errors["occurred_at"] = ["Enter when it happened."]
    else:
        not_in_future(occurred_at, "occurred_at", errors)
        if timezone.localtime(occurred_at).date() < case.received_on:
            errors.setdefault("occurred_at", []).append("Must not be before the case was received.")


def _event_save(*, actor: User, case: Case, event: InvestigationEvent) -> InvestigationEvent:
    event.full_clean()
    case_record_save(
        event,
        actor=actor,
        case=case,
        reason=f"{event.get_kind_display().lower()} recorded",
        action="cases.event.recorded",
        object_type="event",
        note=event.kind,
    )
    event_dispatch(INVESTIGATION_EVENT_RECORDED, event=event, actor=actor)
    return event


@transaction.atomic
def investigation_event_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    kind: str,
    occurred_at: datetime | None = None,
    bail_end_on: date | None = None,
    bail_authority: str = "",
    details: str = "",
) -> InvestigationEvent:
    """Record what happened to a suspect, and with it every duty that follows."""
    case_write_require(actor, "cases.event.add", case)
    errors: dict[str, list[str]] = {}
    if kind == EventKind.OUTCOME_RECORDED:
        # The outcome itself is recorded with its code and rationale; the event follows.
        raise ValidationError({"kind": ["Record the outcome itself; the event follows from it."]})
    _event_errors(case, suspect, kind, occurred_at, errors)
    if "suspect" not in errors and "kind" not in errors:
        _bail_errors(
            suspect=suspect,
            kind=kind,
            occurred_at=occurred_at,
            bail_end_on=bail_end_on,
            bail_authority=bail_authority or "",
            errors=errors,
        )
    raise_if(errors)
    event = InvestigationEvent(
        case=case,
        suspect=suspect,
        kind=kind,
        occurred_at=cast(datetime, occurred_at),  # _event_errors refused None
        bail_end_on=bail_end_on,
        bail_authority=bail_authority or "",
        details=(details or "").strip(),
        recorded_by=actor,
    )
    return _event_save(actor=actor, case=case, event=event)


def outcome_event_record(*, actor: User, outcome: Outcome) -> InvestigationEvent:
    """The event that an outcome was recorded, inside the outcome's own transaction."""
    local_noon = timezone.make_aware(datetime.combine(outcome.outcome_on, datetime.min.time()))
    occurred_at = min(timezone.now(), local_noon.replace(hour=12))
    event = InvestigationEvent(
        case=outcome.case,
        suspect=outcome.suspect,
        kind=EventKind.OUTCOME_RECORDED,
        occurred_at=occurred_at,
        details=outcome.get_code_display(),
        recorded_by=actor,
    )
    return _event_save(actor=actor, case=outcome.case, event=event)
