"""A party's identifiers (emails, usernames, phones, IP addresses...): added and
removed within the party's compartment, each in the one identifier index
(cases.models.identifier) that intake's reports and the case search read too."""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from cases.models import CaseParty
from cases.models.identifier import (
    PERSON_IDENTIFIER_KINDS,
    Identifier,
    IdentifierInvalid,
    IdentifierKind,
    identifier_normalise,
)
from cases.services.common import case_write_require, log_case_access, not_in_future, raise_if
from common.errors import NotFound, ValidationError

# The access log keeps a reason beside its justification; long enough for a sentence.
REASON_MAX_LENGTH = 500


def _party_require(actor: User, party: CaseParty, action: str) -> None:
    """The case open and the action the actor's on it (NotFound if they may not see
    the case), and the party one they may see: a party behind a compartment wall or
    outside a grant's parties does not exist for them."""
    case_write_require(actor, action, party.case)
    if not access.party_visible(actor, party):
        raise NotFound()


@transaction.atomic
def party_identifier_add(
    *,
    actor: User,
    party: CaseParty,
    kind: str,
    given: str,
    platform: str = "",
    seen_at: datetime | None = None,
    port: int | None = None,
    reason: str = "",
) -> Identifier:
    """Record one of the party's identifiers, normalised. The same identifier twice for
    the same party (kind, value, platform and, for an IP address, moment) is refused."""
    _party_require(actor, party, "cases.identifier.add")
    if kind not in PERSON_IDENTIFIER_KINDS:
        choices = ", ".join(sorted(str(k) for k in PERSON_IDENTIFIER_KINDS))
        raise ValidationError({"kind": [f"Choose one of: {choices}."]})
    try:
        normalised = identifier_normalise(
            kind, given, platform=platform, seen_at=seen_at, port=port
        )
    except IdentifierInvalid as invalid:
        raise ValidationError({invalid.field: [invalid.message]}) from invalid
    errors: dict[str, list[str]] = {}
    not_in_future(normalised.seen_at, "seen_at", errors)
    raise_if(errors)
    # One add at a time per party, so that two requests cannot both find no duplicate.
    CaseParty.objects.select_for_update().filter(pk=party.pk).first()
    duplicate = Identifier.objects.filter(
        party=party,
        kind=normalised.kind,
        value=normalised.value,
        platform=normalised.platform,
        seen_at=normalised.seen_at,
    )
    if duplicate.exists():
        raise ValidationError({"value": ["This identifier is already recorded for this person."]})
    shown = " ".join(given.split())
    if len(shown) > Identifier._meta.get_field("given").max_length:  # type: ignore[operator]
        raise ValidationError({"value": ["Keep the identifier to 300 characters or fewer."]})
    identifier = Identifier(
        kind=normalised.kind,
        value=normalised.value,
        given=shown,
        platform=normalised.platform,
        seen_at=normalised.seen_at,
        port=normalised.port,
        agency=party.case.owning_agency,
        case=party.case,
        party=party,
        person=party.person,
        compartment=party.compartment,
        created_by=actor,
    )
    identifier.full_clean()
    identifier.save()
    log_case_access(
        actor=actor,
        action="cases.identifier.added",
        case=party.case,
        object_type="identifier",
        object_id=identifier.pk,
        note=_note(identifier, reason),
    )
    return identifier


@transaction.atomic
def party_identifier_remove(*, actor: User, identifier: Identifier, reason: str) -> None:
    """Remove one of a party's identifiers, for a reason. The index keeps no row of it
    (a removed identifier must match nothing); the access log keeps the trace: who
    removed which identifier of whom, when, and why."""
    party = identifier.party
    if party is None:
        # A case's own report and package numbers come with the case, and stay with it.
        raise NotFound()
    _party_require(actor, party, "cases.identifier.remove")
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason for removing the identifier."]})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"Keep the reason to {REASON_MAX_LENGTH} characters or fewer."]}
        )
    log_case_access(
        actor=actor,
        action="cases.identifier.removed",
        case=party.case,
        object_type="identifier",
        object_id=identifier.pk,
        note=_note(identifier, reason),
    )
    identifier.delete()


def _note(identifier: Identifier, reason: str) -> str:
    """What the access log says of the change: which kind of identifier of which party,
    and why. Not the value itself: the log names records, it does not copy them."""
    kind = IdentifierKind(identifier.kind).label.lower()
    said = f"{kind} of party {identifier.party_id}"
    return f"{said}: {reason.strip()}" if reason.strip() else said
