"""Suspect welfare incidents: self-harm, attempted suicide or death, with the
stage of the investigation it happened at (checked against the suspect's events),
and the referral to the Independent Office for Police Conduct that a death or
serious harm after police contact needs. All of it is in the suspect compartment.

The screening and the safety plan are in `welfare.services.suspect_screenings`,
with the checks every suspect welfare record makes."""

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseParty, InvestigationEvent
from cases.models.event import DECISION_EVENTS, LIMBO_EVENTS, RELEASE_EVENTS, EventKind
from cases.services.common import log_case_access, not_in_future, raise_if
from common.api.concurrency import version_check
from common.history import history_note
from welfare.models import IncidentKind, IncidentStage, WelfareIncident
from welfare.services.suspect_screenings import (
    suspect_choice_check,
    suspect_record_require,
)
from welfare.services.validation import clean_errors

ARREST_EVENTS = frozenset({EventKind.ARRESTED})
OUTCOME_EVENTS = frozenset(
    {EventKind.OUTCOME_RECORDED, EventKind.COURT_OUTCOME, EventKind.NO_FURTHER_ACTION}
)
CHECK_WINDOW = timedelta(hours=48)


# --- Incidents


def _events_before(suspect: CaseParty, moment: datetime) -> list[InvestigationEvent]:
    return list(
        InvestigationEvent.objects.filter(suspect=suspect, occurred_at__lte=moment).order_by(
            "occurred_at", "created_at"
        )
    )


def _last(
    events: Sequence[InvestigationEvent], kinds: Collection[str]
) -> InvestigationEvent | None:
    return next((e for e in reversed(events) if e.kind in kinds), None)


def _any_after(
    events: Sequence[InvestigationEvent], event: InvestigationEvent, kinds: Collection[str]
) -> bool:
    """Whether any of `events` after `event` is of one of `kinds`."""
    return any(e.kind in kinds for e in events[events.index(event) + 1 :])


def stage_contradiction_find(
    stage: str, events: list[InvestigationEvent], moment: datetime
) -> str | None:
    """Why `stage` contradicts the suspect's events up to `moment`, or None."""
    last_arrest = _last(events, ARREST_EVENTS)
    if stage == IncidentStage.BEFORE_ARREST:
        if last_arrest is not None:
            return "The suspect had already been arrested by then."
    elif stage == IncidentStage.IN_CUSTODY:
        if last_arrest is None:
            return "The suspect had not been arrested by then."
        if _any_after(events, last_arrest, RELEASE_EVENTS):
            return "The suspect had been released by then."
    elif stage == IncidentStage.WITHIN_48_HOURS:
        release = _last(events, RELEASE_EVENTS)
        if release is None or moment - release.occurred_at > CHECK_WINDOW:
            return "The suspect had not been released in the 48 hours before it."
    elif stage == IncidentStage.UNDER_INVESTIGATION:
        limbo = _last(events, LIMBO_EVENTS)
        if limbo is None:
            return "The suspect had not been released under investigation or on bail by then."
        if _any_after(events, limbo, DECISION_EVENTS):
            return "The investigation had reached a decision by then."
    elif stage == IncidentStage.AFTER_CHARGE:
        if _last(events, {EventKind.CHARGED}) is None:
            return "The suspect had not been charged by then."
    elif stage == IncidentStage.AFTER_OUTCOME and _last(events, OUTCOME_EVENTS) is None:
        return "No outcome or decision of no further action had been recorded by then."
    return None


def iopc_referral_required(*, kind: str, serious_harm: bool, events_before: list[Any]) -> bool:
    """A death or serious harm after police contact must be referred to the IOPC."""
    return (kind == IncidentKind.DEATH or bool(serious_harm)) and bool(events_before)


def _iopc_errors(
    reference: str,
    referred_on: date | None,
    occurred_at: datetime | None,
    errors: dict[str, list[str]],
) -> None:
    if referred_on is not None and not reference:
        errors["iopc_reference"] = ["Enter the IOPC reference."]
    if reference and referred_on is None:
        errors["iopc_referred_on"] = ["Enter the date of the referral."]
    if referred_on is not None:
        not_in_future(referred_on, "iopc_referred_on", errors)
        if occurred_at is not None and referred_on < timezone.localtime(occurred_at).date():
            errors.setdefault("iopc_referred_on", []).append("Must not be before the incident.")


# Checked by welfare_incident_record itself (against the case's events), or set from
# other records.
_INCIDENT_CHECKED_HERE = (
    "case",
    "suspect",
    "recorded_by",
    "occurred_at",
    "iopc_reference",
    "iopc_referred_on",
)


@transaction.atomic
def welfare_incident_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    kind: str,
    stage: str,
    occurred_at: datetime | None,
    serious_harm: bool,
    description: str,
    iopc_reference: str = "",
    iopc_referred_on: date | None = None,
) -> WelfareIncident:
    suspect_record_require(actor, case)
    errors: dict[str, list[str]] = {}
    suspect_choice_check(case, suspect, errors)
    # Built from the input as given: full_clean() refuses a missing moment.
    incident = WelfareIncident(  # type: ignore[misc]
        case=case,
        kind=kind,
        stage=stage,
        occurred_at=occurred_at,
        serious_harm=bool(serious_harm),
        description=(description or "").strip(),
        iopc_reference=(iopc_reference or "").strip(),
        iopc_referred_on=iopc_referred_on,
        recorded_by=actor,
    )
    # The incident's own rules first (WelfareIncident.clean); its dates and the IOPC
    # referral are checked against the case's events below.
    errors.update(clean_errors(incident, exclude=_INCIDENT_CHECKED_HERE))
    if occurred_at is None:
        errors["occurred_at"] = ["Enter when it happened."]
    else:
        not_in_future(occurred_at, "occurred_at", errors)
    _iopc_errors(incident.iopc_reference, iopc_referred_on, occurred_at, errors)
    events: list[Any] = []
    if "suspect" not in errors and occurred_at is not None:
        events = _events_before(cast(CaseParty, suspect), occurred_at)
        if "stage" not in errors:
            contradiction = stage_contradiction_find(stage, events, occurred_at)
            if contradiction:
                errors["stage"] = [contradiction]
    raise_if(errors)
    incident.suspect = cast(CaseParty, suspect)
    incident.iopc_referral_required = iopc_referral_required(
        kind=kind, serious_harm=serious_harm, events_before=events
    )
    incident.full_clean(exclude=["case", "suspect", "recorded_by"])
    history_note(incident, actor=actor, reason="welfare incident recorded")
    incident.save()
    log_case_access(
        actor=actor,
        action="welfare.incident.recorded",
        case=case,
        object_type="welfare_incident",
        object_id=incident.pk,
        note=f"{kind}; {stage}",
    )
    return incident


@transaction.atomic
def iopc_referral_record(
    *,
    actor: User,
    incident: WelfareIncident,
    expected_version: int,
    iopc_reference: str,
    iopc_referred_on: date | None,
) -> WelfareIncident:
    suspect_record_require(actor, incident.case)
    locked = WelfareIncident.objects.select_for_update().get(pk=incident.pk)
    version_check(locked, expected_version)
    reference = (iopc_reference or "").strip()
    errors: dict[str, list[str]] = {}
    if not reference:
        errors["iopc_reference"] = ["Enter the IOPC reference."]
    if iopc_referred_on is None:
        errors["iopc_referred_on"] = ["Enter the date of the referral."]
    _iopc_errors(reference, iopc_referred_on, locked.occurred_at, errors)
    raise_if(errors)
    locked.iopc_reference = reference
    locked.iopc_referred_on = iopc_referred_on
    locked.version += 1
    history_note(locked, actor=actor, reason="IOPC referral recorded")
    locked.save(update_fields=["iopc_reference", "iopc_referred_on", "version"])
    log_case_access(
        actor=actor,
        action="welfare.incident.iopc_referred",
        case=locked.case,
        object_type="welfare_incident",
        object_id=locked.pk,
    )
    return locked
