"""Flags on a person's part in a case: raised with a reason and a review date,
cleared only with a reason.

A flag belongs to the person, not to the case it was raised on: it shows on every
case where that person appears, to everyone who may see their part there. So a
person has at most one live flag of each kind, whichever case raised it."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import Case, CaseParty, Person
from cases.services.common import case_action_require, case_open_require, log_case_access
from common.errors import InvalidState, NotFound, ValidationError
from safeguarding.models import Flag, FlagKind
from safeguarding.models.flag import clear_reason_errors


@transaction.atomic
def flag_raise(
    *, actor: User, case: Case, party: CaseParty, kind: str, reason: str, review_on: date | None
) -> Flag:
    case_action_require(actor, "safeguarding.flag.raise", case)
    case_open_require(case)
    # A part the actor may not see answers as if it were not in the case.
    if party.case_id != case.pk or not access.party_visible(actor, party):
        raise ValidationError({"party": ["Choose a person in this case."]})
    # Built from the input as given: full_clean() refuses a missing review date.
    flag = Flag(  # type: ignore[misc]
        case=case,
        party=party,
        person_id=party.person_id,
        kind=kind,
        reason=(reason or "").strip(),
        raised_by=actor,
        raised_at=timezone.now(),
        review_on=review_on,
    )
    flag.full_clean(exclude=Flag.CLEAN_EXCLUDE)
    # One raise at a time per person, so two at once cannot both pass the check.
    Person.objects.select_for_update().filter(pk=party.person_id).first()
    live = Flag.objects.filter(person_id=party.person_id, kind=kind, cleared_at__isnull=True)
    if live.exists():
        raise InvalidState(
            f"This person already has a live flag: {FlagKind(kind).label}.", state="raised"
        )
    flag.save(force_insert=True)
    log_case_access(
        actor=actor,
        action="safeguarding.flag.raised",
        case=case,
        object_type="flag",
        object_id=flag.pk,
        note=kind,
    )
    return flag


@transaction.atomic
def flag_clear(*, actor: User, flag: Flag, reason: str) -> Flag:
    """Clear a flag where it was raised. The flag stays on the record, with who
    cleared it, when and why."""
    case_action_require(actor, "safeguarding.flag.raise", flag.case)
    case_open_require(flag.case)
    if not access.party_visible(actor, flag.party):
        raise NotFound()
    errors = clear_reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if locked.cleared_at is not None:
        raise InvalidState("This flag is already cleared.", state="cleared")
    locked.cleared_at = timezone.now()
    locked.cleared_by = actor
    locked.clear_reason = reason.strip()
    locked.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    log_case_access(
        actor=actor,
        action="safeguarding.flag.cleared",
        case=flag.case,
        object_type="flag",
        object_id=flag.pk,
    )
    return locked
