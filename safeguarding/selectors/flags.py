"""What a flag shown on a case needs beyond the flag itself: the person's part in
the case being read, and where the flag was raised, if elsewhere. Scoped to the
reader, and a fixed number of queries whatever the number of flags."""

from dataclasses import dataclass
from uuid import UUID

from django.contrib.auth.models import User

from cases import selectors as case_selectors
from cases.models import Case, CaseParty
from safeguarding.models import Flag


@dataclass(frozen=True)
class FlagOrigins:
    case: Case
    # The reader's visible part of each person in this case.
    parts: dict[UUID, CaseParty]
    # The other cases flags were raised on that the reader may also see.
    visible_cases: frozenset[UUID]

    def part_of(self, flag: Flag) -> CaseParty | None:
        return self.parts.get(flag.person_id)

    def raised_here(self, flag: Flag) -> bool:
        return flag.case_id == self.case.pk

    def raised_on_reference(self, flag: Flag) -> str | None:
        """The other case's reference, only for a reader who may see that case: a
        reference of a case out of scope would say that it exists."""
        if self.raised_here(flag) or flag.case_id not in self.visible_cases:
            return None
        return flag.case.reference

    def raised_on_agency(self, flag: Flag) -> str | None:
        return None if self.raised_here(flag) else flag.case.owning_agency.name


def flag_origins(*, actor: User, case: Case, flags: list[Flag]) -> FlagOrigins:
    parts: dict[UUID, CaseParty] = {}
    for part in case_selectors.party_list(actor=actor, case=case):
        parts.setdefault(part.person_id, part)
    elsewhere = {flag.case_id for flag in flags} - {case.pk}
    visible = (
        frozenset(
            case_selectors.case_scope(actor).filter(pk__in=elsewhere).values_list("pk", flat=True)
        )
        if elsewhere
        else frozenset()
    )
    return FlagOrigins(case=case, parts=parts, visible_cases=visible)


def flags_for_display(*, actor: User, case: Case, flags: list[Flag]) -> list[Flag]:
    """The flags, each with `.part` (the person's part here), `.raised_here`,
    `.raised_on_reference` and `.raised_on_agency`, for the case page."""
    origins = flag_origins(actor=actor, case=case, flags=flags)
    for flag in flags:
        # Attributes for the template only, not fields of the model.
        flag.part = origins.part_of(flag)  # type: ignore[attr-defined]
        flag.raised_here = origins.raised_here(flag)  # type: ignore[attr-defined]
        flag.raised_on_reference = origins.raised_on_reference(flag)  # type: ignore[attr-defined]
        flag.raised_on_agency = origins.raised_on_agency(flag)  # type: ignore[attr-defined]
    return flags
