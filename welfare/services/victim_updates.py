"""One contact for every update owed (issue 16): a call that tells a victim of the
arrest and of the release meets both updates. The contact is logged once
(`cases.services.records.contact_log`) and each update chosen is met by it
(`duty_meet_by_contact(contact=...)`), all in one transaction: a refusal of any of
them stores nothing, neither the contact nor a duty met."""

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.events import OwedUpdate
from cases.models import CaseParty, ContactDirection, ContactLog
from cases.services.records import contact_log
from common.dates import day_text
from common.errors import InvalidState, ValidationError
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger
from welfare.selectors import victims as victim_selectors
from welfare.services.duty_meet import duty_began_at, duty_meet_by_contact

NOT_OWED = "is not one of the updates owed to this person."


def told_about(duty: Duty) -> str:
    """What a contact that meets this update tells the victim of: its event and the
    day, "arrested on 3 November 2026"; for an update no event created (a regular
    update, a new named contact), why it is owed."""
    if duty.event is not None:
        return f"{duty.event.get_kind_display().lower()} on {day_text(duty.event.occurred_at)}"
    if duty.trigger in _TOLD_OF_TRIGGER:
        return _TOLD_OF_TRIGGER[duty.trigger]
    reason = duty.reason.strip()
    return reason[:1].lower() + reason[1:]


# What an update that no event created tells the victim of, in the words of
# "Told about: ...".
_TOLD_OF_TRIGGER: dict[str, str] = {
    DutyTrigger.NEW_POINT_OF_CONTACT: "who their new named contact is",
    DutyTrigger.REGULAR_UPDATE: "how the investigation is going (their regular update)",
}


def told_about_text(duties: Sequence[Duty]) -> str:
    """ "arrested on 3 November 2026; released on pre-charge bail on 4 November 2026"."""
    return "; ".join(told_about(duty) for duty in duties)


def _refusal(*, actor: User, party: CaseParty, duty_id: str) -> str:
    # Say why only of a duty the reader may see; of any other, the same words as of
    # one that does not exist, so that its existence does not leak.
    duty = victim_selectors.duty_visible_find(actor=actor, duty_id=duty_id)
    if duty is None:
        return f"{duty_id} {NOT_OWED}"
    name = f"{duty.get_kind_display()} ({duty.reason})"
    if duty.party_id != party.pk or duty.case_id != party.case_id:
        return f"{name} is owed to someone else, not to {party.person.full_name}."
    if duty.kind != DutyKind.VICTIM_UPDATE:
        return f"{name} is not a victim update: it is met on its own form."
    if duty.status != DutyStatus.OPEN:
        return f"{name} is no longer open: it is {duty.get_status_display().lower()}."
    return f"{name} {NOT_OWED}"


def victim_updates_chosen(
    *, actor: User, party: CaseParty, duty_ids: Sequence[UUID | str], contacted_at: datetime
) -> list[Duty]:
    """The updates owed to `party` named by `duty_ids`, in the order they fall due;
    a ValidationError on `duties` naming each one that is not (another person's or
    another case's, not open, not a victim update, or not the reader's to see), and
    on `contacted_at` for a contact before the event it would tell of."""
    owed = {
        str(duty.pk): duty
        for duty in victim_selectors.victim_updates_owed_list(actor=actor, party=party)
    }
    wanted = list(dict.fromkeys(str(duty_id) for duty_id in duty_ids))
    refusals = [
        _refusal(actor=actor, party=party, duty_id=duty_id)
        for duty_id in wanted
        if duty_id not in owed
    ]
    if refusals:
        raise ValidationError({"duties": refusals})
    chosen = [duty for key, duty in owed.items() if key in wanted]
    too_early = [duty for duty in chosen if contacted_at < duty_began_at(duty)]
    if too_early:
        raise ValidationError(
            {
                "contacted_at": [
                    f"This contact was before it could tell them of {told_about(duty)}: "
                    "correct the time, or untick that update."
                    for duty in too_early
                ]
            }
        )
    return chosen


def _meet_all(*, actor: User, duties: Sequence[Duty], contact: ContactLog) -> list[Duty]:
    met = []
    for duty in duties:
        try:
            met.append(duty_meet_by_contact(actor=actor, duty=duty, contact=contact))
        except InvalidState as error:
            # Met by someone else since it was read: one of the chosen is no longer owed.
            raise ValidationError(
                {"duties": [f"{duty.get_kind_display()} ({duty.reason}): {error.message}"]}
            ) from error
    return met


@transaction.atomic
def victim_updates_meet(
    *,
    actor: User,
    party: CaseParty,
    duty_ids: Sequence[UUID | str],
    channel: str,
    summary: str,
    contacted_at: datetime | None = None,
    direction: str = ContactDirection.OUTBOUND,
) -> tuple[ContactLog, list[Duty]]:
    """Log one contact with a victim and meet by it each update owed to them that
    `duty_ids` names; answer the contact and the updates met, in the order they
    fell due.

    Refused with nothing stored (ValidationError on `duties`): no update named; one
    owed to another person or in another case; one not open; one not a victim update
    (welfare checks have their own form); one the actor may not see, worded as one
    that is not owed ("... is not one of the updates owed to this person."). A
    contact before the event of an update chosen: on `contacted_at`. The contact's
    own refusals (channel, summary, party) and `duty_meet_by_contact`'s come through
    unchanged."""
    if not duty_ids:
        raise ValidationError(
            {"duties": ["Tick the updates this contact told them about: at least one."]}
        )
    at = contacted_at or timezone.now()
    chosen = victim_updates_chosen(actor=actor, party=party, duty_ids=duty_ids, contacted_at=at)
    contact = contact_log(
        actor=actor,
        case=party.case,
        party=party,
        channel=channel,
        summary=summary,
        contacted_at=at,
        direction=direction or ContactDirection.OUTBOUND,
    )
    return contact, _meet_all(actor=actor, duties=chosen, contact=contact)


# --- The answer to cases' question PARTY_UPDATES_OWED (registered in WelfareConfig)


def _meet_owed(*, actor: User, duty: Duty, contact: ContactLog) -> None:
    if contact.contacted_at < duty_began_at(duty):
        raise ValidationError(
            {
                "contacted_at": [
                    f"This contact was before it could tell them of {told_about(duty)}: "
                    "correct the time, or untick that update."
                ]
            }
        )
    _meet_all(actor=actor, duties=[duty], contact=contact)


def party_updates_owed(*, actor: User, party: CaseParty) -> list[OwedUpdate]:
    """The updates owed to this party now that the actor may meet, as the case's
    contact form offers them; each `meet(contact=...)` meets it by that contact."""
    return [
        OwedUpdate(
            id=str(duty.pk),
            label=duty.reason,
            told_about=told_about(duty),
            due_at=duty.due_at,
            meet=partial(_meet_owed, actor=actor, duty=duty),
        )
        for duty in victim_selectors.victim_updates_owed_list(actor=actor, party=party)
    ]
