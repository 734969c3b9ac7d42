"""People and their parts in cases."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.models import Membership
from cases import selectors
from cases.events import PARTY_ADDED, event_dispatch
from cases.models import Case, CaseParty, PartyRole, Person
from cases.models.party import COMPARTMENT_OF_ROLE
from cases.models.person import PERSON_FIELDS
from cases.services.common import (
    case_action_require,
    case_open_require,
    compartment_require,
    log_case_access,
    raise_if,
    record_change,
    record_save_once,
)
from common.api.concurrency import version_check
from common.errors import NotFound, ValidationError


@transaction.atomic
def person_create(*, actor: User, **fields: Any) -> Person:
    membership = access.require(actor, "cases.person.create")
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    person = Person(recorded_by_agency=membership.agency, created_by=actor, **fields)
    person.first_name = person.first_name.strip()
    person.last_name = person.last_name.strip()
    if person.estimated_age is not None and person.estimated_age_on is None:
        person.estimated_age_on = timezone.localdate()
    person.full_clean()
    record_change(person, actor=actor, reason="person recorded")
    person.save()
    access_log_record(
        actor=actor,
        action="cases.person.created",
        object_type="person",
        object_id=person.pk,
        object_agency_slug=membership.agency.slug,
        justification=access.justification_for(actor),
    )
    return person


@transaction.atomic
def person_update(
    *, actor: User, person: Person, expected_version: int, reason: str = "", **changes: Any
) -> Person:
    access.require(actor, "cases.person.change")
    if not _in_scope(actor, person, action="cases.person.change"):
        raise NotFound()
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    locked = Person.objects.select_for_update().get(pk=person.pk)
    version_check(locked, expected_version)
    if not changes:
        # Nothing to change: no new version, no history entry without a change.
        return locked
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if changes.get("date_of_birth") and "estimated_age" not in changes:
        # A date of birth learnt later replaces the estimate.
        locked.estimated_age = None
    if locked.estimated_age is None:
        locked.estimated_age_on = None
    elif locked.estimated_age_on is None or (
        "estimated_age" in changes and "estimated_age_on" not in changes
    ):
        # An age given now is an age today, as when the person was recorded.
        locked.estimated_age_on = timezone.localdate()
    locked.version += 1
    locked.full_clean()
    note = reason or f"changed {', '.join(sorted(changes))}"
    record_change(locked, actor=actor, reason=note)
    locked.save()
    membership = cast(Membership, access.membership_of(actor))
    access_log_record(
        actor=actor,
        action="cases.person.changed",
        object_type="person",
        object_id=locked.pk,
        object_agency_slug=locked.recorded_by_agency.slug,
        justification=f"own agency ({membership.agency.slug}); {note}",
    )
    return locked


_FAMILY_ROLES = {PartyRole.FAMILY_MEMBER, PartyRole.CHILD_IN_HOUSEHOLD}


def _in_scope(actor: User, person: Person, *, action: str) -> bool:
    return selectors.person_scope(actor, action=action).filter(pk=person.pk).exists()


@transaction.atomic
def party_add(
    *,
    actor: User,
    case: Case,
    person: Person,
    role: str,
    related_to: CaseParty | None = None,
    relationship: str = "",
    notes: str = "",
) -> CaseParty:
    case_action_require(actor, "cases.party.add", case)
    case_open_require(case)
    if not _in_scope(actor, person, action="cases.person.view"):
        raise ValidationError({"person": ["No such person."]})
    errors: dict[str, list[str]] = {}
    if role not in PartyRole.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(PartyRole.values)}."]})
    compartment = COMPARTMENT_OF_ROLE[role]
    compartment_require(actor, compartment, field="role")
    if role in _FAMILY_ROLES:
        if related_to is None:
            errors["related_to"] = ["Choose the suspect this person is family of."]
        elif related_to.case_id != case.pk or related_to.role != PartyRole.SUSPECT:
            errors["related_to"] = ["Choose a suspect in this case."]
        if not relationship.strip():
            errors["relationship"] = ["Enter the relationship, for example 'partner' or 'son'."]
    elif related_to is not None:
        errors["related_to"] = ["Only a family member or a child in the household has this."]
    raise_if(errors)
    party = CaseParty(
        case=case,
        person=person,
        role=role,
        compartment=compartment,
        related_to=related_to,
        relationship=relationship.strip(),
        notes=notes,
        created_by=actor,
    )
    record_change(party, actor=actor, reason=f"added as {PartyRole(role).label.lower()}")
    record_save_once(
        party,
        refused=ValidationError({"person": ["This person already has this part in the case."]}),
    )
    log_case_access(
        actor=actor, action="cases.party.added", case=case, object_type="party", object_id=party.pk
    )
    # The duties a new victim or a child in a suspect's household brings.
    event_dispatch(PARTY_ADDED, party=party, actor=actor)
    return party


@transaction.atomic
def party_add_for_person(
    *,
    actor: User,
    case: Case,
    person: Person | None,
    new_person: dict[str, Any] | None,
    role: str,
    related_to: CaseParty | None = None,
    relationship: str = "",
    notes: str = "",
) -> CaseParty:
    """Add a party, recording the person first when they are new: one transaction,
    so a refused party leaves no orphan person behind."""
    if person is None:
        person = person_create(actor=actor, **(new_person or {}))
    return party_add(
        actor=actor,
        case=case,
        person=person,
        role=role,
        related_to=related_to,
        relationship=relationship,
        notes=notes,
    )
