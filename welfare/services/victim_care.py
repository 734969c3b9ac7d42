"""Changes to what the Victims' Code gives one victim: their service level, their
one named point of contact, and how they want to be kept informed.

Every change is made by a police caseworker of the force that owns the case
(`welfare.victim_care.change`), against the version they last read (412 when
stale), with a reason in the history."""

from datetime import datetime
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.access import POLICE_CASEWORK
from agencies.models import Membership
from cases.models import Case, CaseParty
from cases.services.common import case_action_require, case_open_require, log_case_access, raise_if
from common.api.concurrency import version_check
from common.errors import NotFound, ValidationError
from common.history import history_note
from common.notifications import notify
from welfare.models import (
    VICTIM_DUTIES,
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    VictimCare,
)
from welfare.services.duties import due_in_working_days, duties_close, duty_open
from welfare.services.victim_duties import (
    OPTED_OUT_NOTE,
    victim_care_get_or_create,
    victim_update_open,
)

# "Leave the regular update schedule as it is" (None means: stop it).
KEEP = object()
ACTION = "welfare.victim_care.change"


def _lock(*, actor: User, care: VictimCare, expected_version: int | None) -> VictimCare:
    case_action_require(actor, ACTION, care.case)
    case_open_require(care.case)
    locked = (
        VictimCare.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "case__lead_officer", "party__person")
        .get(pk=care.pk)
    )
    if expected_version is None:
        raise ValidationError({"version": ["Send the version you last read."]})
    version_check(locked, int(expected_version))
    return locked


def _reason_required(reason: str | None, errors: dict[str, list[str]]) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["Enter the reason for the change."]
    elif len(reason) > 100:
        errors["reason"] = ["Keep the reason to 100 characters or fewer."]
    return reason


def _save(locked: VictimCare, *, actor: User, reason: str, action: str) -> VictimCare:
    locked.version += 1
    locked.full_clean(exclude=["case", "party", "point_of_contact"])
    history_note(locked, actor=actor, reason=reason)
    locked.save()
    log_case_access(
        actor=actor,
        action=action,
        case=locked.case,
        object_type="victim_care",
        object_id=locked.pk,
        note=reason,
    )
    return locked


@transaction.atomic
def victim_service_level_change(
    *,
    actor: User,
    care: VictimCare,
    expected_version: int | None,
    service_level: str,
    enhanced_reason: str = "",
    reason: str = "",
) -> VictimCare:
    """Change the victim's service level, with the reason why.

    Duties opened from now on are due by the new level's timescale. Update duties
    already open keep the due moment stored when they were opened: a deadline once
    given to an officer does not move under them."""
    locked = _lock(actor=actor, care=care, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    reason = _reason_required(reason, errors)
    locked.service_level = service_level
    locked.enhanced_reason = (enhanced_reason or "").strip()
    # The level's own rules (VictimCare.clean), answered with the reason's.
    try:
        locked.clean()
    except DjangoValidationError as error:
        errors.update(error.message_dict)
    raise_if(errors)
    return _save(locked, actor=actor, reason=reason, action="welfare.victim_care.level_changed")


def point_of_contact_candidate_list(case: Case) -> list[User]:
    """Who may be a victim's named contact: active police caseworkers of the force
    that owns the case."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            agency_id=case.owning_agency_id,
            role__in=sorted(POLICE_CASEWORK),
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    ]


def _is_candidate(case: Case, user: User | None) -> bool:
    return (
        user is not None
        and user.is_active
        and Membership.objects.filter(
            user_id=user.pk,
            agency_id=case.owning_agency_id,
            role__in=sorted(POLICE_CASEWORK),
        ).exists()
    )


@transaction.atomic
def victim_point_of_contact_change(
    *,
    actor: User,
    care: VictimCare,
    expected_version: int | None,
    point_of_contact: User | None,
    reason: str = "",
) -> VictimCare:
    """Give the victim a new named point of contact.

    The new contact must be an active police caseworker of the force that owns the
    case. The victim's open duties move to them, and an update is owed to tell the
    victim who their new contact is (due by the victim's level's timescale; a
    victim who asked not to be updated has it recorded as not wanted). The new
    contact is told through the one notification path."""
    locked = _lock(actor=actor, care=care, expected_version=expected_version)
    errors: dict[str, list[str]] = {}
    reason = _reason_required(reason, errors)
    if not _is_candidate(locked.case, point_of_contact):
        errors["point_of_contact"] = [
            "Choose an active police caseworker of the force that owns this case."
        ]
    elif point_of_contact is not None and point_of_contact.pk == locked.point_of_contact_id:
        errors["point_of_contact"] = ["This is already the victim's named contact."]
    raise_if(errors)
    point_of_contact = cast(User, point_of_contact)  # _is_candidate refused None
    locked.point_of_contact = point_of_contact
    locked = _save(locked, actor=actor, reason=reason, action="welfare.victim_care.contact_changed")
    for duty in Duty.objects.select_for_update(of=("self",)).filter(
        party_id=locked.party_id, kind__in=sorted(VICTIM_DUTIES), status=DutyStatus.OPEN
    ):
        duty.responsible = point_of_contact
        duty.version += 1
        history_note(duty, actor=actor, reason=f"named contact changed: {reason}")
        duty.save()
    locked.party.case = locked.case
    duty = victim_update_open(
        actor=actor,
        care=locked,
        trigger=DutyTrigger.NEW_POINT_OF_CONTACT,
        reason="Tell the victim who their new named contact is",
        source_key=f"contact:{locked.pk}:{locked.version}",
        moment=timezone.now(),
    )
    notify(
        user=point_of_contact,
        kind="welfare.named_contact",
        message="You are now a victim's named point of contact.",
        link=reverse("victim-care", args=[locked.case_id, locked.party_id]),
        dedupe_key=f"welfare.named_contact:{locked.pk}:{locked.version}",
    )
    locked._new_contact_duty = duty  # type: ignore[attr-defined]  # for the caller's page
    return locked


def regular_update_open(
    *, actor: User | None, care: VictimCare, moment: datetime, key: str
) -> Duty:
    """The next regular update agreed with the victim, due N working days after
    `moment`. `key` names what made it due, so that it is opened once."""
    party = care.party
    return duty_open(
        actor=actor,
        case=care.case,
        party=party,
        kind=DutyKind.VICTIM_UPDATE,
        trigger=DutyTrigger.REGULAR_UPDATE,
        reason=f"Regular update agreed: every {care.regular_update_working_days} working days",
        due_at=due_in_working_days(moment, cast(int, care.regular_update_working_days)),
        source_key=f"regular:{care.pk}:{key}",
        closed_as=None if care.wants_updates else DutyStatus.OPTED_OUT,
        closed_note="" if care.wants_updates else OPTED_OUT_NOTE,
    )


@transaction.atomic
def victim_preferences_set(
    *,
    actor: User,
    care: VictimCare,
    expected_version: int | None,
    wants_updates: bool | None = None,
    opt_out_note: str | None = None,
    spoken_for_by: str | None = None,
    regular_update_working_days: Any = KEEP,
    reason: str = "",
) -> VictimCare:
    """Record how the victim wants to be kept informed. A field left as None keeps
    its value; `regular_update_working_days` is a number, None to stop the
    schedule, or left out (`KEEP`) to keep it.

    Opting out needs a note; it closes the victim's open update duties as not
    wanted (their record stays, saying so). A regular schedule (1 to 60 working
    days) replaces the one before: the open regular update is cancelled and the
    next one is due N working days from now."""
    locked = _lock(actor=actor, care=care, expected_version=expected_version)
    now_wants = locked.wants_updates if wants_updates is None else bool(wants_updates)
    note = locked.opt_out_note if opt_out_note is None else opt_out_note.strip()
    days = (
        locked.regular_update_working_days
        if regular_update_working_days is KEEP
        else regular_update_working_days
    )
    opting_out = locked.wants_updates and not now_wants
    # Opting out closed the regular update as not wanted; opting back in resumes the
    # agreed schedule, or it would silently stop.
    opting_in = not locked.wants_updates and now_wants
    schedule_changed = days != locked.regular_update_working_days
    locked.wants_updates = now_wants
    locked.opt_out_note = note if not now_wants else ""
    locked.spoken_for_by = locked.spoken_for_by if spoken_for_by is None else spoken_for_by.strip()
    locked.regular_update_working_days = days
    # The care record's own rules (VictimCare.clean) are kept by _save's full_clean.
    locked = _save(
        locked,
        actor=actor,
        reason=(reason or "").strip() or "victim's preferences recorded",
        action="welfare.victim_care.preferences_set",
    )
    updates = Duty.objects.filter(party_id=locked.party_id, kind=DutyKind.VICTIM_UPDATE)
    if opting_out:
        duties_close(updates, actor=actor, status=DutyStatus.OPTED_OUT, note=OPTED_OUT_NOTE)
    if schedule_changed:
        duties_close(
            updates.filter(trigger=DutyTrigger.REGULAR_UPDATE),
            actor=actor,
            note="The regular update schedule changed.",
        )
    resume = (
        opting_in
        and not updates.filter(trigger=DutyTrigger.REGULAR_UPDATE, status=DutyStatus.OPEN).exists()
    )
    if days is not None and (schedule_changed or resume):
        regular_update_open(
            actor=actor, care=locked, moment=timezone.now(), key=f"v{locked.version}"
        )
    return locked


def victim_care_ensure(*, actor: User, party: CaseParty) -> VictimCare:
    """The victim's care record, made with the level the Code gives them if none
    was made when they were added (a victim recorded before this feature)."""
    if not access.can(actor, "welfare.victim_care.view", party.case):
        raise NotFound()
    care = victim_care_get_or_create(party)
    care.party = party
    care.case = party.case
    return care
