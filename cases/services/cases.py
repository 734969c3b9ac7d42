"""Opening and changing cases (closing, reopening: cases.services.lifecycle)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.models import Agency, Team
from cases.events import CASE_OPENED, event_dispatch
from cases.models import Case, CaseReferenceCounter
from cases.services.common import (
    case_action_require,
    log_case_access,
    raise_if,
    record_change,
)
from common.api.concurrency import version_check
from common.errors import InvalidState, ValidationError

_EDITABLE = ("title", "summary", "source", "source_reference", "received_on", "opened_on")


def case_reference_next(*, agency: Agency, year: int) -> str:
    """NP-2026-000042: the agency's prefix, the year, and a number that is never
    reused (the counter row is locked, so two cases can never share one)."""
    prefix = agency.case_reference_prefix or agency.slug[:4].upper()
    counter, _ = CaseReferenceCounter.objects.select_for_update().get_or_create(
        agency=agency, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{prefix}-{year}-{counter.last_number:06d}"


def _lead_officer_errors(
    agency_id: UUID, lead_officer: User | None, errors: dict[str, list[str]]
) -> None:
    if lead_officer is None:
        return
    if not access.holds_role(lead_officer, agency_id=agency_id, roles=access.CASEWORK):
        errors.setdefault("lead_officer", []).append(
            "Choose an active caseworker of the case's own agency."
        )


def _team_errors(agency_id: UUID, team: Team | None, errors: dict[str, list[str]]) -> None:
    if team is not None and team.agency_id != agency_id:
        errors.setdefault("team", []).append("Choose a team of the case's own agency.")


@transaction.atomic
def case_create(
    *,
    actor: User,
    title: str,
    source: str,
    received_on: date,
    summary: str = "",
    source_reference: str = "",
    opened_on: date | None = None,
    lead_officer: User | None = None,
    team: Team | None = None,
) -> Case:
    membership = access.require(actor, "cases.case.create")
    agency = membership.agency
    case = Case(
        owning_agency=agency,
        title=title.strip(),
        summary=summary,
        source=source,
        source_reference=source_reference.strip(),
        received_on=received_on,
        opened_on=opened_on or timezone.localdate(),
        lead_officer=lead_officer,
        team=team,
        created_by=actor,
    )
    # The case's own rules, then those that look at other records.
    errors = case.rules()
    _lead_officer_errors(agency.id, lead_officer, errors)
    _team_errors(agency.id, team, errors)
    raise_if(errors)
    case.reference = case_reference_next(agency=agency, year=case.received_on.year)
    case.full_clean()
    record_change(case, actor=actor, reason="case opened")
    case.save()
    log_case_access(actor=actor, action="cases.case.created", case=case)
    # The apps above (the work queue, later duties) act in this same transaction.
    event_dispatch(CASE_OPENED, case=case)
    return case


@transaction.atomic
def case_update(
    *,
    actor: User,
    case: Case,
    expected_version: int,
    reason: str = "",
    **changes: Any,
) -> Case:
    case_action_require(actor, "cases.case.change", case)
    unknown = set(changes) - set(_EDITABLE) - {"lead_officer", "team"}
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    locked = Case.objects.select_for_update().select_related("owning_agency").get(pk=case.pk)
    version_check(locked, expected_version)
    if not locked.is_open:
        raise InvalidState("A closed case cannot be changed.", state=locked.status)
    if not changes:
        # Nothing to change: no new version, no history entry without a change.
        return locked
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    # The case's own rules, then those that look at other records.
    errors = locked.rules()
    if "lead_officer" in changes:
        _lead_officer_errors(locked.owning_agency_id, locked.lead_officer, errors)
    if "team" in changes:
        _team_errors(locked.owning_agency_id, locked.team, errors)
    raise_if(errors)
    locked.version += 1
    locked.full_clean()
    record_change(locked, actor=actor, reason=reason or f"changed {', '.join(sorted(changes))}")
    locked.save()
    log_case_access(actor=actor, action="cases.case.changed", case=locked, note=reason)
    return locked
