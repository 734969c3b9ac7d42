"""Meeting a duty by a contact with the person it is owed to: the victim's update.

A suspect's welfare check (the 48-hour check, its second attempt, a welfare
contact) is not met here: it has its own form and record
(`welfare.services.welfare_checks`), met only by speaking with the person. This
path refuses it, so that a letter logged as a victim update can never meet one."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from agencies import access
from cases.models import ContactDirection, ContactLog, PartyRole
from cases.services.common import case_action_require, case_open_require
from cases.services.records import contact_log
from common.errors import InvalidState, NotFound, ValidationError
from welfare.models import CONTACT_DUTIES, Duty, DutyKind, DutyStatus, DutyTrigger, VictimCare
from welfare.services.duties import duty_resolution_save

# Met through `welfare.services.welfare_checks.welfare_check_record` only.
WELFARE_CHECK_KINDS = frozenset(
    {DutyKind.WELFARE_CHECK, DutyKind.WELFARE_CONTACT, DutyKind.WELFARE_CHECK_ESCALATION}
)
_WHOM: dict[str, str] = {PartyRole.VICTIM: "the victim", PartyRole.SUSPECT: "the suspect"}


def duty_began_at(duty: Duty) -> datetime:
    """A contact counts for a duty from the moment the duty began: the event that
    created it (the release, for a welfare check), else when it was opened. Taken to
    the minute, as a contact's time is given: a contact logged in the same minute as a
    change of named contact (the form offers the minute now) was not before it."""
    began = duty.event.occurred_at if duty.event else duty.created_at
    return began.replace(second=0, microsecond=0)


def _whom(duty: Duty) -> str:
    return _WHOM.get(duty.party.role, "the person this duty is owed to")


def _too_early_message(duty: Duty) -> str:
    if duty.kind == DutyKind.WELFARE_CHECK:
        return (
            "The welfare check must be a contact after the suspect's release, not before release."
        )
    return "This contact was before the duty began: log a contact made since then."


@transaction.atomic
def duty_meet_by_contact(
    *,
    actor: User,
    duty: Duty,
    contact: ContactLog | None = None,
    channel: str | None = None,
    summary: str | None = None,
    contacted_at: datetime | None = None,
    direction: str = ContactDirection.OUTBOUND,
) -> Duty:
    """Meet a victim update (`CONTACT_DUTIES` less the welfare checks) by a contact
    with the person it is owed to, and return the duty, met.

    Either `contact` links a ContactLog already recorded, or `channel`, `summary`
    (and optionally `contacted_at`, default now, and `direction`) log a new one with
    the duty's party through `cases.services.records.contact_log`, in this same
    transaction: a refusal stores neither.

    Refused, with nothing changed:

    * the actor may not meet duties on this case (`welfare.duty.meet`; NotFound if
      they may not see the case or the duty's compartment, AccessDenied otherwise);
    * the duty is not open: `InvalidState` (409) whose `state` names its status;
    * the duty is a welfare check (WELFARE_CHECK, WELFARE_CONTACT or their
      escalation): ValidationError on `contact` pointing to the welfare check form;
    * the duty is not met by a contact: ValidationError on `contact`;
    * a linked contact with someone else, or in another case: ValidationError on
      `contact`, "This duty is met by a contact with the victim, not someone else."
      (or "the suspect");
    * a contact before the duty began (its event's `occurred_at`, else the duty's
      `created_at`): ValidationError on `contacted_at` (on `contact` when linking);
      for a WELFARE_CHECK the message says "before release";
    * a linked contact that already met another duty of the same kind:
      ValidationError on `contact`.

    The duty becomes MET with `resolved_at` the contact's time, `resolved_by` the
    actor and `contact` the contact; its version goes up by one; its history says
    why. Then what follows from it: a regular victim update (trigger
    REGULAR_UPDATE) opens the next regular one, due N working days after the
    contact, while the schedule lasts."""
    case_action_require(actor, "welfare.duty.meet", duty.case)
    case_open_require(duty.case)
    if not access.is_cleared_for(actor, duty.compartment):
        raise NotFound()
    locked = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "party__person", "event")
        .get(pk=duty.pk)
    )
    if locked.status != DutyStatus.OPEN:
        raise InvalidState(
            f"This duty is no longer open: it is {locked.get_status_display().lower()}.",
            state=locked.status,
        )
    if locked.kind in WELFARE_CHECK_KINDS:
        raise ValidationError(
            {
                "contact": [
                    "A welfare check is recorded on its own form, the welfare check, not as "
                    f"a logged contact: {reverse('duty-welfare-check', args=[locked.pk])}"
                ]
            }
        )
    if locked.kind not in CONTACT_DUTIES:
        raise ValidationError(
            {"contact": ["This duty is met by a referral or a recorded reason, not a contact."]}
        )
    began = duty_began_at(locked)
    if contact is not None:
        _linked_contact_check(locked, contact, began)
    else:
        if contacted_at is not None and contacted_at < began:
            raise ValidationError({"contacted_at": [_too_early_message(locked)]})
        contact = contact_log(
            actor=actor,
            case=locked.case,
            party=locked.party,
            channel=channel or "",
            summary=summary or "",
            contacted_at=contacted_at,
            direction=direction or ContactDirection.OUTBOUND,
        )
        if contact.contacted_at < began:
            raise ValidationError({"contacted_at": [_too_early_message(locked)]})
    locked.status = DutyStatus.MET
    locked.contact = contact
    duty_resolution_save(
        locked,
        actor=actor,
        at=contact.contacted_at,
        reason=f"met by a {contact.get_channel_display().lower()} contact",
        log_note=locked.kind,
    )
    _after_met(actor=actor, duty=locked, contact=contact)
    return locked


def _linked_contact_check(duty: Duty, contact: ContactLog, began: datetime) -> None:
    if contact.case_id != duty.case_id or contact.party_id != duty.party_id:
        raise ValidationError(
            {"contact": [f"This duty is met by a contact with {_whom(duty)}, not someone else."]}
        )
    if contact.contacted_at < began:
        raise ValidationError({"contact": [_too_early_message(duty)]})
    # One call can tell a victim of the arrest and the release at once, so one
    # contact may meet several updates; any other kind is met once per contact.
    if (
        duty.kind != DutyKind.VICTIM_UPDATE
        and Duty.objects.filter(contact=contact, kind=duty.kind).exclude(pk=duty.pk).exists()
    ):
        raise ValidationError(
            {"contact": ["This contact already met another duty of the same kind."]}
        )


def _after_met(*, actor: User, duty: Duty, contact: ContactLog) -> None:
    if duty.kind == DutyKind.VICTIM_UPDATE and duty.trigger == DutyTrigger.REGULAR_UPDATE:
        from welfare.services.victim_care import regular_update_open

        care = (
            VictimCare.objects.select_related("case__lead_officer", "party", "point_of_contact")
            .filter(party_id=duty.party_id)
            .first()
        )
        if care is not None and care.regular_update_working_days and care.wants_updates:
            regular_update_open(
                actor=actor, care=care, moment=contact.contacted_at, key=f"after:{duty.pk}"
            )
