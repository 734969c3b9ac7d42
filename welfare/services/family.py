"""The family pack (Recommendation 11): offered to a suspect's family at arrest or
search, recorded with the date, who gave it, its version and whether it was
taken up; or, when it was not given, why not. Recording it meets the suspect's
open family-pack duty."""

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies.models import Compartment
from cases.models import Case, CaseParty, InvestigationEvent, PartyRole
from cases.services.common import (
    case_action_require,
    case_open_require,
    compartment_require,
    log_case_access,
    not_in_future,
    raise_if,
    record_change,
)
from common.errors import ValidationError
from welfare.models import Duty, DutyKind, DutyStatus, FamilyPack
from welfare.services.family_duties import FAMILY_EVENTS

NO_SUSPECT = "This case has no suspect: a family pack follows an arrest or search of a suspect."


def _pack_errors(
    *,
    case: Case,
    suspect: CaseParty | None,
    given: bool | None,
    given_on: date | None,
    given_to: str,
    pack_version: str,
    accepted: bool | None,
    not_given_reason: str,
    event: InvestigationEvent | None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if suspect is None or suspect.case_id != case.pk or suspect.role != PartyRole.SUSPECT:
        errors["suspect"] = ["Choose a suspect in this case."]
    if given is None:
        errors["given"] = ["Say whether the family pack was given."]
    elif given:
        if given_on is None:
            errors["given_on"] = ["Enter the date the family pack was given."]
        else:
            not_in_future(given_on, "given_on", errors)
            if given_on < case.received_on:
                errors.setdefault("given_on", []).append(
                    "Must not be before the case was received."
                )
        if not_given_reason:
            errors["not_given_reason"] = ["A pack that was given has no reason why not."]
    else:
        if not not_given_reason:
            errors["not_given_reason"] = ["Say why the family pack was not given."]
        if given_on is not None:
            errors["given_on"] = ["A pack that was not given has no date given."]
        if given_to or pack_version or accepted is not None:
            errors["given"] = [
                "A pack that was not given has no recipient, version or take-up: "
                "say it was given, or leave those out."
            ]
    if len(given_to) > 200:
        errors["given_to"] = ["Use at most 200 characters."]
    if len(pack_version) > 40:
        errors["pack_version"] = ["Use at most 40 characters."]
    if event is not None and (
        event.case_id != case.pk
        or suspect is None
        or event.suspect_id != suspect.pk
        or event.kind not in FAMILY_EVENTS
    ):
        errors["event"] = ["Choose the arrest or search of this suspect."]
    return errors


@transaction.atomic
def family_pack_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    given: bool | None,
    given_on: date | None = None,
    given_to: str = "",
    pack_version: str = "",
    accepted: bool | None = None,
    not_given_reason: str = "",
    event: InvestigationEvent | None = None,
) -> FamilyPack:
    """Record the family pack offered to a suspect's family, and with it meet the
    suspect's open family-pack duty: met when it was given; not needed, with the
    reason, when it was not."""
    case_action_require(actor, "welfare.family.record", case)
    case_open_require(case)
    compartment_require(actor, Compartment.FAMILY, field="suspect")
    if not CaseParty.objects.filter(case=case, role=PartyRole.SUSPECT).exists():
        raise ValidationError({"suspect": [NO_SUSPECT]})
    given_to = (given_to or "").strip()
    pack_version = (pack_version or "").strip()
    not_given_reason = (not_given_reason or "").strip()
    raise_if(
        _pack_errors(
            case=case,
            suspect=suspect,
            given=given,
            given_on=given_on,
            given_to=given_to,
            pack_version=pack_version,
            accepted=accepted,
            not_given_reason=not_given_reason,
            event=event,
        )
    )
    duty = (
        Duty.objects.select_for_update(of=("self",))
        .filter(party=suspect, kind=DutyKind.FAMILY_PACK, status=DutyStatus.OPEN)
        .select_related("event")
        .first()
    )
    pack = FamilyPack(
        case=case,
        suspect=suspect,
        # Without a named event, the pack answers the arrest or search that made it due.
        event=event or (duty.event if duty is not None else None),
        given=cast(bool, given),  # _pack_errors refused None
        given_on=given_on if given else None,
        given_by=actor if given else None,
        given_to=given_to,
        pack_version=pack_version,
        accepted=accepted if given else None,
        not_given_reason="" if given else not_given_reason,
        recorded_by=actor,
    )
    pack.full_clean()
    record_change(
        pack, actor=actor, reason="family pack given" if given else "family pack not given"
    )
    pack.save()
    if duty is not None:
        _family_pack_duty_meet(actor=actor, duty=duty, pack=pack)
    log_case_access(
        actor=actor,
        action="welfare.family_pack.recorded",
        case=case,
        object_type="family_pack",
        object_id=pack.pk,
        note="given" if given else "not given",
    )
    return pack


def _family_pack_duty_meet(*, actor: User, duty: Duty, pack: FamilyPack) -> None:
    if pack.given:
        duty.status = DutyStatus.MET
        duty.resolution_note = f"Family pack given on {pack.given_on:%d/%m/%Y}" + (
            f" to {pack.given_to}" if pack.given_to else ""
        )
    else:
        duty.status = DutyStatus.NOT_NEEDED
        duty.resolution_note = f"Family pack not given: {pack.not_given_reason}"
    duty.resolved_at = timezone.now()
    duty.resolved_by = actor
    duty.version += 1
    record_change(duty, actor=actor, reason=duty.resolution_note[:100])
    duty.save(update_fields=["status", "resolution_note", "resolved_at", "resolved_by", "version"])
