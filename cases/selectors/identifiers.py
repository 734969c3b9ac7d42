"""Reads of the identifier index on the case side: a party's identifiers, and a
case's, as far as the reader may see them. A party's identifiers are in its
compartment and follow its visibility (`access.party_scope`: its compartment, its
case's agency, a grant of the whole case or of the party); a case's own report and
package numbers (no party, compartment "case") are seen with the case."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from agencies import access
from agencies.models import Compartment
from cases.models import Case, CaseParty
from cases.models.identifier import Identifier
from cases.selectors import _get, case_scope, log_case_read, visible_parties
from common.errors import NotFound

ORDER = ("created_at", "id")


def _may_view(actor: User, case: Case) -> bool:
    return access.can(actor, "cases.identifier.view", case)


def identifier_list_of_party(*, actor: User, party: CaseParty) -> QuerySet[Identifier]:
    """The identifiers of a party (read through `party_get_for_actor`), scoped again in
    the same query: nothing for a party the actor may not see."""
    if not _may_view(actor, party.case):
        return Identifier.objects.none()
    return Identifier.objects.filter(
        party=party, party__in=visible_parties(actor).filter(case__in=case_scope(actor))
    ).order_by(*ORDER)


def identifier_list_of_case(*, actor: User, case: Case) -> QuerySet[Identifier]:
    """The case's identifiers the actor may see: those of the parties they may see,
    and the case's own numbers."""
    if not _may_view(actor, case):
        return Identifier.objects.none()
    parties = visible_parties(actor).filter(case=case)
    return (
        access.compartment_scope(actor, Identifier.objects.filter(case=case))
        .filter(case__in=case_scope(actor))
        .filter(
            Q(party__in=parties.values("pk")) | Q(party__isnull=True, compartment=Compartment.CASE)
        )
        .order_by(*ORDER)
    )


def identifiers_by_party(
    *, actor: User, case: Case, parties: Iterable[CaseParty]
) -> dict[UUID, list[Identifier]]:
    """For the case page, which has read the parties the reader may see: each one's
    identifiers, read in one query by the parties' keys (none when there are none)."""
    keys: list[Any] = [party.pk for party in parties]
    found: dict[UUID, list[Identifier]] = {key: [] for key in keys}
    if not keys or not _may_view(actor, case):
        return found
    identifiers = list(
        Identifier.objects.filter(case=case, party_id__in=keys).order_by("party_id", *ORDER)
    )
    for identifier in identifiers:
        found[identifier.party_id].append(identifier)  # type: ignore[index]
    identifier_list_logged(actor=actor, case=case, identifiers=identifiers)
    return found


def identifier_list_logged(
    *, actor: User, case: Case, identifiers: Iterable[Identifier] = ()
) -> None:
    log_case_read(
        actor=actor,
        action="cases.identifier.listed",
        case=case,
        object_type="identifier",
        records=identifiers,
    )


def party_identifier_get_for_actor(
    *, actor: User, party: CaseParty, identifier_id: UUID | str
) -> Identifier:
    """One identifier of the party (read through `party_get_for_actor`); NotFound for
    one of another party, or of a party the actor may not see."""
    if not _may_view(actor, party.case):
        raise NotFound()
    return _get(
        identifier_list_of_party(actor=actor, party=party).select_related(
            "party__case__owning_agency"
        ),
        identifier_id,
    )
