"""What happens in a case: offences, contacts with its parties, key decisions."""

from collections.abc import Sequence
from datetime import date, datetime
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.events import PARTY_UPDATES_OWED, OwedUpdate, event_collect
from cases.models import (
    Case,
    CaseParty,
    ContactDirection,
    ContactLog,
    KeyDecision,
    Offence,
)
from cases.services.common import (
    case_record_save,
    case_write_require,
    log_case_access,
    raise_if,
    record_save_once,
)
from common.errors import InvalidState, ValidationError


def _parties_of_case(actor: User, case: Case, parties: list[CaseParty], field: str) -> None:
    for party in parties:
        if party.case_id != case.pk or not access.party_visible(actor, party):
            raise ValidationError({field: ["Choose people who are parties to this case."]})


@transaction.atomic
def offence_add(
    *,
    actor: User,
    case: Case,
    offence_type: str,
    committed_from: date,
    committed_to: date | None = None,
    description: str = "",
    platform: str = "",
    parties: Sequence[CaseParty] = (),
) -> Offence:
    case_write_require(actor, "cases.offence.add", case)
    offence = Offence(
        case=case,
        offence_type=offence_type,
        committed_from=committed_from,
        committed_to=committed_to,
        description=description.strip(),
        platform=platform.strip(),
        created_by=actor,
    )
    raise_if(offence.rules())  # the offence's own rules first, then its parties
    _parties_of_case(actor, case, list(parties), "parties")
    offence.full_clean()
    case_record_save(
        offence,
        actor=actor,
        case=case,
        reason="offence recorded",
        action="cases.offence.added",
        object_type="offence",
    )
    offence.parties.set(parties)
    return offence


@transaction.atomic
def contact_log(
    *,
    actor: User,
    case: Case,
    party: CaseParty,
    channel: str,
    summary: str,
    contacted_at: datetime | None = None,
    direction: str = ContactDirection.OUTBOUND,
    next_contact_on: date | None = None,
    next_contact_note: str = "",
    duties: Sequence[UUID | str] = (),
) -> ContactLog:
    """Logging a contact is the generalist officer's most common task: few fields,
    sensible defaults (now, outbound).

    `duties`: the updates owed to the party that this contact meets (one call tells a
    victim of the arrest and the release), each one of those the apps above cases
    answer to `PARTY_UPDATES_OWED`; any other is refused on `duties` ("... is not one
    of the updates owed to this person.", whether it exists or not) before anything
    is stored, and a refusal while meeting them stores nothing either. The updates
    met are on the contact as `updates_met` (a list of `OwedUpdate`)."""
    case_write_require(actor, "cases.contact.add", case)
    if party.case_id != case.pk or not access.party_visible(actor, party):
        raise ValidationError({"party": ["Choose a party to this case."]})
    chosen = _updates_chosen(actor, party, duties)
    contacted_at = contacted_at or timezone.now()
    contact = ContactLog(
        case=case,
        party=party,
        contacted_at=contacted_at,
        channel=channel,
        direction=direction,
        made_by=actor,
        summary=summary.strip(),
        next_contact_on=next_contact_on,
        next_contact_note=next_contact_note.strip(),
    )
    contact.full_clean()
    contact.save()
    log_case_access(
        actor=actor,
        action="cases.contact.logged",
        case=case,
        object_type="contact",
        object_id=contact.pk,
    )
    for update in chosen:
        update.meet(contact=contact)
    contact.updates_met = chosen  # type: ignore[attr-defined]  # for the caller's answer
    return contact


def _updates_chosen(
    actor: User, party: CaseParty, duties: Sequence[UUID | str]
) -> list[OwedUpdate]:
    if not duties:
        return []
    owed = {
        update.id: update for update in event_collect(PARTY_UPDATES_OWED, actor=actor, party=party)
    }
    wanted = list(dict.fromkeys(str(duty_id) for duty_id in duties))
    refused = [
        f"{duty_id} is not one of the updates owed to this person."
        for duty_id in wanted
        if duty_id not in owed
    ]
    if refused:
        raise ValidationError({"duties": refused})
    return sorted((owed[duty_id] for duty_id in wanted), key=lambda update: update.due_at)


@transaction.atomic
def decision_record(
    *,
    actor: User,
    case: Case,
    decision: str,
    rationale: str,
    decided_at: datetime | None = None,
    corrects: KeyDecision | None = None,
) -> KeyDecision:
    case_write_require(actor, "cases.decision.add", case)
    decided_at = decided_at or timezone.now()
    other_case: dict[str, list[str]] = {}
    if corrects is not None:
        if corrects.case_id != case.pk:
            other_case["corrects"] = ["Choose a decision of this case."]
        elif KeyDecision.objects.filter(corrects=corrects).exists():
            raise InvalidState(
                "That decision has already been corrected; correct the latest one.",
                state="corrected",
            )
    entry = KeyDecision(
        case=case,
        decision=decision.strip(),
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=decided_at,
        corrects=corrects,
    )
    raise_if({**entry.rules(), **other_case})
    entry.full_clean()
    # Two corrections of one decision at once: the one-to-one link decides.
    record_save_once(
        entry,
        refused=InvalidState(
            "That decision has already been corrected; correct the latest one.",
            state="corrected",
        ),
    )
    log_case_access(
        actor=actor,
        action="cases.decision.recorded",
        case=case,
        object_type="decision",
        object_id=entry.pk,
    )
    return entry
