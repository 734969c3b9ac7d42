"""What the case page costs: its ages read from the offences it lists anyway (no
query of their own), and the same answer as the selector that asks the database."""

from datetime import UTC, date, datetime

import pytest

from cases import selectors
from cases.models import Offence
from tests.factories import CaseFactory, PartyFactory, PersonFactory, UserFactory

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


def _person_party(case, role, **person):
    return PartyFactory(
        case=case,
        role=role,
        person=PersonFactory(recorded_by_agency=case.owning_agency, **person),
    )


def _offence(case, committed_from, parties):
    offence = Offence.objects.create(
        case=case,
        offence_type="sexual_communication",
        committed_from=committed_from,
        created_by=UserFactory(),
    )
    offence.parties.set(parties)
    return offence


def test_the_page_gives_each_party_its_age_at_the_earliest_offence_that_concerns_them(
    officer_north, north, browser_for
):
    # given: born 1 Mar 2010; offences on 1 Feb 2026 (15) and 1 Apr 2026 (16) concern
    # the victim; only the later one concerns the witness; nothing concerns the suspect
    case = CaseFactory(owning_agency=north, received_on=date(2026, 5, 1))
    victim = _person_party(case, "victim", date_of_birth=date(2010, 3, 1))
    witness = _person_party(case, "witness", date_of_birth=date(2010, 3, 1))
    suspect = _person_party(case, "suspect", date_of_birth=date(1990, 5, 2))
    _offence(case, date(2026, 4, 1), [victim, witness])
    _offence(case, date(2026, 2, 1), [victim])
    # when
    response = browser_for(officer_north).get(f"/cases/{case.id}/parties/")
    # then: the suspect's age is on the day the case was received
    ages = {p.pk: p.age_at_offence for p in response.context["parties"]}
    assert ages == {victim.pk: 15, witness.pk: 16, suspect.pk: 35}
    parties = list(selectors.party_list(actor=officer_north.user, case=case))
    assert ages == selectors.party_ages(case=case, parties=parties)
